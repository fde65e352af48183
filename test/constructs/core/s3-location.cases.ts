// S3 URIs are limited in UTF-8 bytes (S3 keys are 1024 bytes; the API's S3Uri is 1024), not in
// characters: one rule in S3Location, used by every spec that takes a location.
import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { BuiltInAlgorithm, ContainerImage, DataBucket, InstanceType, S3Location, TrainingSpec } from '../../../constructs';
import { plainStack } from '../../support/stacks';

describe('S3Location: URI lengths are measured in UTF-8 bytes', () => {
  const stack = plainStack('Test');
  const data = new DataBucket(stack, 'Data');
  const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const render = (outputLocation: S3Location) => new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), outputLocation, resources: { instanceType: InstanceType.ML_M5_XLARGE }, maxRuntime: Duration.minutes(20),
  }).render(stack, { role });

  test('a URI of 530 characters but 1040 bytes is refused, naming the path, the prop, both lengths and the limit', () => {
    // 's3://ml-data-bucket/' is 20 bytes; each 'é' is 2.
    expect(() => render(S3Location.fromUri(`s3://ml-data-bucket/${'é'.repeat(510)}`)))
      .toThrow(/^\[Test\] invalid outputLocation 's3:\/\/ml-data-bucket\/é+\.\.\.': it is 1040 bytes long in UTF-8 \(530 characters\); an S3 URI may have at most 1024 bytes$/);
  });

  test('1024 bytes pass, in ASCII or not', () => {
    expect(() => render(S3Location.fromUri(`s3://ml-data-bucket/${'a'.repeat(1004)}`))).not.toThrow();
    expect(() => render(S3Location.fromUri(`s3://ml-data-bucket/${'é'.repeat(502)}`))).not.toThrow();
  });

  test('a prefix in a bucket whose name is a token is measured by its literal parts', () => {
    // 's3://' and '/' are 6 bytes, the prefix 1020: over the limit whatever the bucket is named.
    expect(() => render(S3Location.inDataBucket(data, 'é'.repeat(510)))).toThrow(/invalid outputLocation .*: its literal parts are 1026 bytes long in UTF-8 \(516 characters\); an S3 URI may have at most 1024 bytes/);
    expect(() => render(S3Location.inDataBucket(data, 'models/'))).not.toThrow();
  });
});
