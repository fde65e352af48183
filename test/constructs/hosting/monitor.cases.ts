import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  AlertsTopic, BuiltInAlgorithm, ContainerImage, DataBucket, DataQualityMonitor, Endpoint, InstanceType, Model, ModelData,
  ModelQualityMonitor, MonitoringScheduleExpression, ProblemType, S3Location,
} from '../../../constructs';
import { expectNoFindings, testStack } from '../../support/validity';

function setup(stack: Stack, capture = true) {
  const data = new DataBucket(stack, 'Data');
  const model = new Model(stack, 'Model', { containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }] });
  const alerts = new AlertsTopic(stack, 'Alerts', { emails: ['ml-team@example.com'] });
  const endpoint = new Endpoint(stack, 'Endpoint', {
    variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_M5_LARGE }],
    dataCapture: capture ? { location: S3Location.inDataBucket(data, 'capture/') } : undefined,
    alarms: { topic: alerts.topic },
  });
  return { data, endpoint, alerts };
}

describe('DataQualityMonitor', () => {
  const stack = new Stack(new App(), 'Test');
  const { data, endpoint, alerts } = setup(stack);
  const monitor = new DataQualityMonitor(stack, 'Monitor', {
    endpoint,
    outputLocation: S3Location.inDataBucket(data, 'monitoring/'),
    baseline: { statistics: S3Location.inDataBucket(data, 'baseline/statistics.json'), constraints: S3Location.inDataBucket(data, 'baseline/constraints.json') },
  });
  monitor.alarmOnFeatureDrift('Drift', 'tenure', 0.2, alerts.topic);
  const template = Template.fromStack(stack);

  test('a job definition on the endpoint capture, with the baseline, metrics and the Model Monitor image', () => {
    template.hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', {
      JobDefinitionName: monitor.jobDefinitionName,
      DataQualityJobInput: { EndpointInput: { EndpointName: Match.anyValue(), LocalPath: '/opt/ml/processing/input/endpoint', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated' } },
      DataQualityBaselineConfig: { StatisticsResource: { S3Uri: Match.anyValue() }, ConstraintsResource: { S3Uri: Match.anyValue() } },
      DataQualityAppSpecification: { ImageUri: Match.anyValue(), Environment: { publish_cloudwatch_metrics: 'Enabled' } },
      JobResources: { ClusterConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 20 } },
      StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    });
    expect(JSON.stringify(template.findResources('AWS::SageMaker::DataQualityJobDefinition'))).toContain('sagemaker-model-monitor-analyzer');
  });

  test('the definition is named from a hash of its content (it is replace-only) and waits for the endpoint', () => {
    expect(monitor.jobDefinitionName).toMatch(/^test-monitor-definitionname-[0-9a-f]{8}-[0-9a-f]{10}$/);
    const def: any = Object.values(template.findResources('AWS::SageMaker::DataQualityJobDefinition'))[0];
    expect(def.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Endpoint/)]));
    const other = new Stack(new App(), 'Test');
    const o = setup(other);
    const changed = new DataQualityMonitor(other, 'Monitor', { endpoint: o.endpoint, outputLocation: S3Location.inDataBucket(o.data, 'monitoring/'), maxRuntime: Duration.minutes(20) });
    expect(changed.jobDefinitionName).not.toBe(monitor.jobDefinitionName);
  });

  test('an hourly schedule that depends on the definition and the endpoint', () => {
    const schedules = template.findResources('AWS::SageMaker::MonitoringSchedule');
    const [schedule]: any[] = Object.values(schedules);
    expect(schedule.Properties.MonitoringScheduleConfig).toEqual({ MonitoringJobDefinitionName: monitor.jobDefinitionName, MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } });
    expect(schedule.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/MonitorDefinition/)]));
  });

  test('a drift alarm on the published metric, notifying the topic', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'aws/sagemaker/Endpoints/data-metrics', MetricName: 'feature_baseline_drift_tenure', Threshold: 0.2,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('Alerts') }],
    });
  });

  test('the role reads the capture and baseline, writes the reports, no wildcard actions', () => {
    const policy: any = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('Monitor/Role') } }))[0];
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    for (const part of ['/capture/*', '/baseline/*', '/monitoring/*', 'ProcessingJobs']) expect(text).toContain(part);
    for (const s of policy.Properties.PolicyDocument.Statement) for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
  });
});

describe('ModelQualityMonitor', () => {
  test('ground truth, problem type, probability attribute and offsets', () => {
    const stack = new Stack(new App(), 'Test');
    const { data, endpoint } = setup(stack);
    const m = new ModelQualityMonitor(stack, 'Quality', {
      endpoint, outputLocation: S3Location.inDataBucket(data, 'monitoring/quality/'),
      problemType: ProblemType.BINARY_CLASSIFICATION, groundTruth: S3Location.inDataBucket(data, 'ground-truth/'),
      probabilityAttribute: '0', probabilityThreshold: 0.6, schedule: MonitoringScheduleExpression.daily(3), startTimeOffset: '-P1D', maxRuntime: Duration.hours(2),
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::ModelQualityJobDefinition', {
      ModelQualityAppSpecification: { ImageUri: Match.anyValue(), ProblemType: 'BinaryClassification' },
      ModelQualityJobInput: {
        EndpointInput: Match.objectLike({ ProbabilityAttribute: '0', ProbabilityThresholdAttribute: 0.6, StartTimeOffset: '-P1D', EndTimeOffset: '-PT0H' }),
        GroundTruthS3Input: { S3Uri: Match.anyValue() },
      },
    });
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: Match.objectLike({ MonitoringType: 'ModelQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 3 ? * * *)' } }) });
    expect(stack.resolve(m.metric('auc').namespace)).toBe('aws/sagemaker/Endpoints/model-metrics');
  });
});

describe('monitor bad input fails at synth with path, value and what is allowed', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['an endpoint without data capture', (s) => { const { data, endpoint } = setup(s, false); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/') }); }, /\[Test\/M\] endpoint Test\/Endpoint does not capture data: set its dataCapture/],
    ['a job longer than the hourly interval', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), maxRuntime: Duration.hours(2) }); }, /invalid maxRuntime 2 hours: a monitoring job must end before the next one starts \(at most 3600 s/],
    ['a non-cron schedule', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('rate(1 hour)') }); }, /invalid schedule 'rate\(1 hour\)': use a cron\(...\) expression/],
    ['a daily schedule at hour 24', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.daily(24) }); }, /\[Test\/M\] invalid daily schedule hour 24: use a whole hour from 0 to 23/],
    ['a hosting-only instance type', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), instanceType: InstanceType.ML_T2_MEDIUM }); }, /not a processing instance type/],
    ['a probability threshold above 1', (s) => { const { data, endpoint } = setup(s); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.BINARY_CLASSIFICATION, groundTruth: S3Location.inDataBucket(data, 'g/'), probabilityAttribute: 'p', probabilityThreshold: 1.5 }); }, /invalid probabilityThreshold 1.5: use 0 to 1/],
    ['probability settings for regression', (s) => { const { data, endpoint } = setup(s); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.REGRESSION, groundTruth: S3Location.inDataBucket(data, 'g/'), probabilityAttribute: 'p' }); }, /are for BinaryClassification, got Regression/],
    ['a positive time offset', (s) => { const { data, endpoint } = setup(s); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.REGRESSION, groundTruth: S3Location.inDataBucket(data, 'g/'), startTimeOffset: 'PT1H' }); }, /invalid startTimeOffset 'PT1H': use a negative ISO 8601 duration/],
    ['a drift alarm without published metrics', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), publishMetrics: false }).alarmOnFeatureDrift('A', 'x', 1); }, /alarmOnFeatureDrift\('x'\) needs publishMetrics/],
    ['a drift alarm without a baseline', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/') }).alarmOnFeatureDrift('A', 'x', 1); }, /alarmOnFeatureDrift\('x'\) needs baseline.constraints/],
    ['an invalid alert e-mail', (s) => new AlertsTopic(s, 'A', { emails: ['not-an-email'] }), /invalid email 'not-an-email'/],
  ])('%s', (_name, build, error) => {
    expect(() => build(new Stack(new App(), 'Test'))).toThrow(error);
  });
});

test('validity: endpoint, alerts topic and both monitors pass cdk-nag and the built-in validation', () => {
  const stack = testStack();
  const { data, endpoint, alerts } = setup(stack);
  new DataQualityMonitor(stack, 'DataQuality', {
    endpoint, outputLocation: S3Location.inDataBucket(data, 'monitoring/'), baseline: { constraints: S3Location.inDataBucket(data, 'baseline/constraints.json') },
  }).alarmOnFeatureDrift('Drift', 'f1', 0.3, alerts.topic);
  new ModelQualityMonitor(stack, 'Quality', { endpoint, outputLocation: S3Location.inDataBucket(data, 'monitoring/quality/'), problemType: ProblemType.REGRESSION, groundTruth: S3Location.inDataBucket(data, 'ground-truth/') });
  expectNoFindings(stack);
});
