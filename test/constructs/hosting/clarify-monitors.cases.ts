import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, Endpoint, InstanceType, Model, ModelBiasMonitor, ModelData, ModelExplainabilityMonitor,
  MonitoringScheduleExpression, S3Location,
} from '../../../constructs';
import { expectNoFindings, testStack } from '../../support/validity';

function setup(stack: Stack, capture: { captureRequest?: boolean; captureResponse?: boolean } = {}) {
  const data = new DataBucket(stack, 'Data');
  const model = new Model(stack, 'Model', { containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }] });
  const endpoint = new Endpoint(stack, 'Endpoint', {
    variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_M5_LARGE }],
    dataCapture: { location: S3Location.inDataBucket(data, 'capture/'), ...capture },
  });
  return { data, endpoint };
}

describe('Clarify monitors (bias and explainability)', () => {
  const stack = testStack();
  const { data, endpoint } = setup(stack);
  const bias = new ModelBiasMonitor(stack, 'Bias', {
    endpoint,
    outputLocation: S3Location.inDataBucket(data, 'monitoring/bias/'),
    analysisConfig: S3Location.inDataBucket(data, 'clarify/bias/analysis_config.json'),
    baselineConstraints: S3Location.inDataBucket(data, 'clarify/bias/constraints.json'),
    groundTruth: S3Location.inDataBucket(data, 'ground-truth/'),
    probabilityAttribute: '0',
    probabilityThreshold: 0.6,
  });
  const explain = new ModelExplainabilityMonitor(stack, 'Explain', {
    endpoint,
    outputLocation: S3Location.inDataBucket(data, 'monitoring/explainability/'),
    analysisConfig: S3Location.inDataBucket(data, 'clarify/shap/analysis_config.json'),
    schedule: MonitoringScheduleExpression.daily(3),
  });
  const template = Template.fromStack(stack);

  test('a bias job definition on the capture and the ground truth, with the Clarify image, the analysis config and the baseline', () => {
    template.hasResourceProperties('AWS::SageMaker::ModelBiasJobDefinition', {
      JobDefinitionName: bias.jobDefinitionName,
      ModelBiasAppSpecification: { ConfigUri: Match.anyValue(), ImageUri: Match.anyValue(), Environment: { publish_cloudwatch_metrics: 'Enabled' } },
      ModelBiasJobInput: {
        EndpointInput: Match.objectLike({ LocalPath: '/opt/ml/processing/input/endpoint', ProbabilityAttribute: '0', ProbabilityThresholdAttribute: 0.6, StartTimeOffset: '-PT1H', EndTimeOffset: '-PT0H' }),
        GroundTruthS3Input: { S3Uri: Match.anyValue() },
      },
      ModelBiasBaselineConfig: { ConstraintsResource: { S3Uri: Match.anyValue() } },
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    });
    expect(JSON.stringify(template.findResources('AWS::SageMaker::ModelBiasJobDefinition'))).toContain('sagemaker-clarify-processing');
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: { MonitoringType: 'ModelBias', MonitoringJobDefinitionName: bias.jobDefinitionName, ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } } });
  });

  test('an explainability job definition on the capture, daily', () => {
    template.hasResourceProperties('AWS::SageMaker::ModelExplainabilityJobDefinition', {
      JobDefinitionName: explain.jobDefinitionName,
      ModelExplainabilityAppSpecification: { ConfigUri: Match.anyValue(), ImageUri: Match.anyValue() },
      ModelExplainabilityJobInput: { EndpointInput: Match.objectLike({ LocalPath: '/opt/ml/processing/input/endpoint' }) },
    });
    expect(template.findResources('AWS::SageMaker::ModelExplainabilityJobDefinition', { Properties: { ModelExplainabilityBaselineConfig: Match.anyValue() } })).toEqual({});
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: { MonitoringType: 'ModelExplainability', ScheduleConfig: { ScheduleExpression: 'cron(0 3 ? * * *)' } } });
  });

  test('the roles read the analysis config, the baseline and the ground truth, and may run only sm-clarify-* shadow endpoints', () => {
    const text = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    expect(text).toContain('/clarify/bias/*');
    expect(text).toContain('/ground-truth/*');
    expect(text).toContain(':endpoint/sm-clarify-*');
    expect(text).toContain(':endpoint-config/sm-clarify-*');
  });

  test('metrics in the Clarify namespaces', () => {
    expect(bias.metric('DPPL').namespace).toBe('aws/sagemaker/Endpoints/bias-metrics');
    expect(explain.metric('global_shap').namespace).toBe('aws/sagemaker/Endpoints/explainability-metrics');
  });

  test('no finding (cdk-nag, CloudFormation validation)', () => {
    expectNoFindings(stack);
  });
});

describe('Clarify monitors: bad input fails at synth', () => {
  const base = (stack: Stack) => {
    const { data, endpoint } = setup(stack);
    return { endpoint, outputLocation: S3Location.inDataBucket(data, 'monitoring/'), analysisConfig: S3Location.inDataBucket(data, 'clarify/analysis_config.json'), groundTruth: S3Location.inDataBucket(data, 'gt/') };
  };
  test('a bias monitor on an endpoint that does not capture responses', () => {
    const stack = new Stack(new App(), 'Test');
    const { data, endpoint } = setup(stack, { captureResponse: false });
    expect(() => new ModelBiasMonitor(stack, 'Bias', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), analysisConfig: S3Location.inDataBucket(data, 'a.json'), groundTruth: S3Location.inDataBucket(data, 'gt/') }))
      .toThrow(/^\[Test\/Bias\] endpoint Test\/Endpoint has dataCapture.captureResponse false: a ModelBias monitor reads the captured responses/);
  });
  test('a threshold without the probability attribute, and out of 0-1', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() => new ModelBiasMonitor(stack, 'Bias', { ...base(stack), probabilityThreshold: 1.5 }))
      .toThrow(/^\[Test\/Bias\] 2 problems in the ModelBias monitor:\n {2}- .*probabilityThreshold.*1\.5.*\n {2}- probabilityThreshold 1.5 was given without probabilityAttribute/);
  });
  test('a ground-truth window that ends before it starts', () => {
    const stack = new Stack(new App(), 'Test');
    expect(() => new ModelBiasMonitor(stack, 'Bias', { ...base(stack), startTimeOffset: '-PT1H', endTimeOffset: '-PT2H' }))
      .toThrow(/^\[Test\/Bias\] startTimeOffset '-PT1H' is not before endTimeOffset '-PT2H'/);
  });
  test('a second explainability monitor on the same endpoint', () => {
    const stack = new Stack(new App(), 'Test');
    const props = base(stack);
    new ModelExplainabilityMonitor(stack, 'One', props);
    expect(() => new ModelExplainabilityMonitor(stack, 'Two', props)).toThrow(/^\[Test\/Two\] endpoint Test\/Endpoint already has the ModelExplainability monitor Test\/One/);
  });
  test('a bias job over 30 minutes on an hourly schedule', () => {
    const stack = new Stack(new App(), 'Test');
    const { Duration } = require('aws-cdk-lib'); // eslint-disable-line @typescript-eslint/no-require-imports
    expect(() => new ModelBiasMonitor(stack, 'Bias', { ...base(stack), maxRuntime: Duration.minutes(45) }))
      .toThrow(/^\[Test\/Bias\] invalid maxRuntime 45 minutes: use whole seconds from 1 to 1800/);
  });
});
