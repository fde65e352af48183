import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { DataBucket, DataWranglerFlowSpec, InstanceType, Pipeline, ProcessingStep, S3Location } from '../../../constructs';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';

const FLOW = path.join(__dirname, '..', '..', 'fixtures', 'data-wrangler', 'churn.flow');
const NODE = '3f9a1c2e-0002-4a8b-9c3d-222222222222';

describe('DataWranglerFlowSpec', () => {
  test('the job Data Wrangler exports: the flow as the flow input, the sources by name, the node\'s result as <node>.default, the Data Wrangler image', () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const data = new DataBucket(stack, 'Data');
    const spec = new DataWranglerFlowSpec({
      flowFile: FLOW, sources: [{ name: 'churn', location: S3Location.inDataBucket(data, 'raw/churn/') }],
      outputNodeId: NODE, outputLocation: S3Location.inDataBucket(data, 'prepared/'), resources: { instanceType: InstanceType.ML_M5_XLARGE },
    });
    const pipeline = new Pipeline(stack, 'P', { steps: [new ProcessingStep('Prepare', { spec })] });
    const step = stack.resolve(pipeline.definition).Steps[0];
    const args = step.Arguments;
    expect(args.AppSpecification.ImageUri).toMatch(/sagemaker-data-wrangler-container:/);
    expect(args.ProcessingInputs.map((i: any) => [i.InputName, i.S3Input.LocalPath])).toEqual([['churn', '/opt/ml/processing/churn'], ['flow', '/opt/ml/processing/flow']]);
    expect(args.ProcessingOutputConfig.Outputs).toEqual([expect.objectContaining({ OutputName: `${NODE}.default`, S3Output: expect.objectContaining({ LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' }) })]);
    expect(args.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 7200 });
    expectValidSageMakerRequest('CreateProcessingJob', { ...args, ProcessingJobName: 'x' }, { isDeferred: (v: unknown) => typeof v === 'object' });
    expect(JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.flow/);
  });

  test.each<[string, object, RegExp]>([
    ['neither a file nor a location', { flowFile: undefined }, /a Data Wrangler flow needs exactly one of flowFile and flowLocation, got neither/],
    ['a node the flow does not have', { outputNodeId: 'nope' }, /outputNodeId 'nope' is not a node of churn.flow: use one of 3f9a1c2e-0001/],
    ['a file that is not a .flow', { flowFile: __filename }, /flowFile '.*' is not a .flow file/],
  ])('bad input: %s', (_what, overrides, message) => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const spec = new DataWranglerFlowSpec({
      flowFile: FLOW, sources: [{ name: 'churn', location: S3Location.inDataBucket(data, 'raw/churn/') }],
      outputNodeId: NODE, outputLocation: S3Location.inDataBucket(data, 'prepared/'), resources: { instanceType: InstanceType.ML_M5_XLARGE }, ...overrides,
    });
    expect(() => new Pipeline(stack, 'P', { steps: [new ProcessingStep('Prepare', { spec })] })).toThrow(message);
  });
});
