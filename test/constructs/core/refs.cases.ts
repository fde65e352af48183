// Every construct with an ARN is also aws-cdk-lib's generated reference interface, and can be imported.
import { App, Lazy, Stack } from 'aws-cdk-lib';
import { DataBucket, ModelRegistry, StudioDomain } from '../../../constructs';

describe('aws-cdk-lib references', () => {
  test('DataBucket, ModelRegistry and StudioDomain give bucket, model package group and domain references', () => {
    const stack = new Stack(new App(), 'Refs', { env: { account: '111122223333', region: 'eu-west-1' } });
    const bucket = DataBucket.fromBucketName(stack, 'Bucket', 'ml-data');
    expect(stack.resolve(bucket.bucketRef)).toEqual({ bucketName: 'ml-data', bucketArn: stack.resolve(bucket.bucketArn) });
    const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn');
    expect(stack.resolve(registry.modelPackageGroupRef)).toEqual({ modelPackageGroupArn: stack.resolve(registry.modelPackageGroupArn) });
    const domain = StudioDomain.fromDomainAttributes(stack, 'Domain', { domainId: 'd-abcdef123456' });
    expect(stack.resolve(domain.domainRef)).toEqual({ domainId: 'd-abcdef123456', domainArn: stack.resolve(domain.domainArn) });
  });
});

describe('StudioDomain.fromDomainArn', () => {
  const ARN = 'arn:aws:sagemaker:eu-west-1:444455556666:domain/d-abcdef123456';

  test('takes the id and the environment from the ARN', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    const domain = StudioDomain.fromDomainArn(stack, 'Domain', ARN);
    expect(domain.domainId).toBe('d-abcdef123456');
    expect(domain.domainArn).toBe(ARN);
    expect(domain.env).toEqual({ account: '444455556666', region: 'eu-west-1' });
  });

  test('a token ARN gives the id through Fn::Split', () => {
    const stack = new Stack(new App(), 'S');
    expect(JSON.stringify(stack.resolve(StudioDomain.fromDomainArn(stack, 'Domain', Lazy.string({ produce: () => ARN })).domainId))).toContain('Fn::Split');
  });

  test('refuses what is not a domain ARN, naming the path and the value; grants need the execution role', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => StudioDomain.fromDomainArn(stack, 'Bad', 'd-abcdef123456')).toThrow(/^\[S\/Bad\] invalid domainArn 'd-abcdef123456': expected arn:<partition>:sagemaker/);
    const domain = StudioDomain.fromDomainArn(stack, 'Domain', ARN);
    expect(() => domain.grantPrincipal).toThrow(/\[S\/Domain\] cannot grant to a domain imported by ARN: import it with fromDomainAttributes and its executionRole/);
  });
});

describe('DataBucket.fromBucketArn', () => {
  test('takes the name from the ARN, also from a token ARN', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    expect(DataBucket.fromBucketArn(stack, 'Bucket', 'arn:aws:s3:::ml-data').bucketName).toBe('ml-data');
    const token = DataBucket.fromBucketArn(stack, 'Token', Lazy.string({ produce: () => 'arn:aws:s3:::ml-data' }));
    expect(JSON.stringify(stack.resolve(token.bucketName))).toContain('Fn::Split');
  });

  test('refuses what is not a bucket ARN and bucket names S3 refuses, naming the path and the value', () => {
    const stack = new Stack(new App(), 'S');
    expect(() => DataBucket.fromBucketArn(stack, 'Bad', 'arn:aws:s3:::ml-data/prefix')).toThrow(/^\[S\/Bad\] invalid bucketArn 'arn:aws:s3:::ml-data\/prefix': expected arn:<partition>:s3:::<bucket name>/);
    expect(() => DataBucket.fromBucketArn(stack, 'Upper', 'arn:aws:s3:::ML_Data')).toThrow(/invalid bucketName 'ML_Data' to import/);
  });
});
