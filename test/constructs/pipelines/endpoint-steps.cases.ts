import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, EndpointConfigStep, EndpointStep, ExecutionVariable, InstanceType, ModelStep, Pipeline, PipelineFunctions,
  S3Location,
} from '../../../constructs';
import { checkPipelinesWithCdkOut } from '../../support/pipeline-schema';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');

function build(variants?: (model: ModelStep) => any[]) {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555');
  const model = new ModelStep('Model', { image: XGBOOST, modelData: S3Location.inDataBucket(data, 'models/model.tar.gz').uri });
  const config = new EndpointConfigStep('Config', {
    variants: variants ? variants(model) : [{ variantName: 'primary', modelName: model.modelName, instanceType: InstanceType.ML_M5_LARGE }],
    volumeKey: key,
  });
  const endpoint = new EndpointStep('Deploy', {
    endpointConfigName: config.endpointConfigName,
    endpointName: PipelineFunctions.join(['churn', ExecutionVariable.PIPELINE_EXECUTION_ID], '-'),
  });
  const pipeline = new Pipeline(stack, 'P', { steps: [model, config, endpoint] });
  return { stack, pipeline, definition: stack.resolve(pipeline.definition) };
}

describe('EndpointConfigStep and EndpointStep', () => {
  test('render CreateEndpointConfig and CreateEndpoint arguments, typed EndpointConfig and Endpoint, and pass check-cdk-out', () => {
    const { stack, definition } = build();
    const [, config, deploy] = definition.Steps;
    expect(config).toEqual({
      Name: 'Config', Type: 'EndpointConfig',
      Arguments: {
        ProductionVariants: [{ VariantName: 'primary', ModelName: { Get: 'Steps.Model.ModelName' }, InstanceType: 'ml.m5.large', InitialInstanceCount: 1, InitialVariantWeight: 1 }],
        KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/11111111-2222-3333-4444-555555555555',
      },
    });
    expect(deploy).toEqual({
      Name: 'Deploy', Type: 'Endpoint',
      Arguments: { EndpointConfigName: { Get: 'Steps.Config.EndpointConfigName' }, EndpointName: { 'Std:Join': { On: '-', Values: ['churn', { Get: 'Execution.PipelineExecutionId' }] } } },
    });
    expect(checkPipelinesWithCdkOut(Template.fromStack(stack).toJSON())).toEqual([]);
  });

  test('the pipeline role may create and describe endpoint configurations and endpoints, and create grants on the volume key', () => {
    const { stack } = build();
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    for (const action of ['sagemaker:CreateEndpointConfig', 'sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint', 'kms:CreateGrant']) expect(text).toContain(action);
    expect(text).toContain(':endpoint-config/*');
    expect(text).toContain(':endpoint/*');
  });

  test.each<[string, (m: ModelStep) => any[], RegExp]>([
    ['no variant', () => [], /variants of step 'Config' has 0 entries: an endpoint configuration takes 1 to 10/],
    ['a variant name used twice', (m) => [{ variantName: 'a', modelName: m.modelName, instanceType: InstanceType.ML_M5_LARGE }, { variantName: 'a', modelName: m.modelName, instanceType: InstanceType.ML_M5_LARGE }], /variants\[1\].variantName of step 'Config' 'a' is used twice/],
    ['no instances', (m) => [{ variantName: 'a', modelName: m.modelName, instanceType: InstanceType.ML_M5_LARGE, initialInstanceCount: 0 }], /variants\[0\].initialInstanceCount of step 'Config'/],
    ['a negative weight', (m) => [{ variantName: 'a', modelName: m.modelName, instanceType: InstanceType.ML_M5_LARGE, initialWeight: -1 }], /invalid variants\[0\].initialWeight of step 'Config' -1/],
  ])('bad input: %s', (_what, variants, message) => {
    expect(() => build(variants)).toThrow(message);
  });
});
