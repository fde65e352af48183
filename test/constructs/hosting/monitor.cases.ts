import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AlertsTopic, BuiltInAlgorithm, ContainerImage, DataBucket, DataQualityMonitor, Endpoint, InstanceType, Model, ModelData,
  ModelQualityMonitor, MonitoringScheduleExpression, ProblemType, S3Location,
} from '../../../constructs';
import { expectNoFindings, testStack } from '../../support/validity';

function setup(stack: Stack, capture: boolean | { captureRequest?: boolean; captureResponse?: boolean } = true) {
  const data = new DataBucket(stack, 'Data');
  const model = new Model(stack, 'Model', { containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }] });
  const alerts = new AlertsTopic(stack, 'Alerts', { emails: ['ml-team@example.com'] });
  const endpoint = new Endpoint(stack, 'Endpoint', {
    variants: [{ variantName: 'primary', model, instanceType: InstanceType.ML_M5_LARGE }],
    dataCapture: capture ? { location: S3Location.inDataBucket(data, 'capture/'), ...(capture === true ? {} : capture) } : undefined,
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

describe('AlertsTopic', () => {
  const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
  const alerts = new AlertsTopic(stack, 'Alerts', { emails: ['ml-team@example.com'] });
  const template = Template.fromStack(stack);

  test('alarms of this account may publish (the TLS-only topic policy replaces the default one)', () => {
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'AllowAlarmsOfThisAccount',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: 'sns:Publish',
        Condition: {
          StringEquals: { 'aws:SourceAccount': '111122223333' },
          ArnLike: { 'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudwatch:eu-west-1:111122223333:alarm:*']] } },
        },
      })]) },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('the key serves alarms of this account and EventBridge (which SNS gives KMS no source conditions for)', () => {
    const statements = Object.values(template.findResources('AWS::KMS::Key'))[0].Properties.KeyPolicy.Statement as any[];
    expect(statements.find((st) => st.Sid === 'AllowAlarmDelivery')).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } });
    const events = statements.find((st) => st.Sid === 'AllowEventDelivery');
    expect(events).toMatchObject({ Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'] });
    expect(events.Condition).toBeUndefined();
    expect(alerts.encryptionKey).toBeDefined();
  });
});

describe('MonitoringScheduleExpression', () => {
  test.each([
    ['cron(0 * ? * * *)', 3600],
    ['cron(0 12 ? * * *)', 86400],
    ['cron(0 0/6 ? * * *)', 6 * 3600],
    ['cron(0 17/12 ? * * *)', 12 * 3600],
  ])('%s is accepted and lets a job run up to its interval (at most a day)', (expression, interval) => {
    const e = MonitoringScheduleExpression.cron(expression);
    expect(e._problem).toBeUndefined();
    expect(e._intervalSeconds).toBe(interval);
  });

  test('an every-6-hours schedule allows a 2-hour data-quality job', () => {
    const stack = new Stack(new App(), 'Test');
    const { data, endpoint } = setup(stack);
    new DataQualityMonitor(stack, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('cron(0 0/6 ? * * *)'), maxRuntime: Duration.hours(2) });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::DataQualityJobDefinition', { StoppingCondition: { MaxRuntimeInSeconds: 7200 } });
  });
});

describe('monitor bad input fails at synth with path, value and what is allowed', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['an endpoint without data capture', (s) => { const { data, endpoint } = setup(s, false); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/') }); }, /\[Test\/M\] endpoint Test\/Endpoint does not capture data: set its dataCapture/],
    ['a job longer than the hourly interval', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), maxRuntime: Duration.hours(2) }); }, /invalid maxRuntime 2 hours: use whole seconds from 1 to 3600 \(a DataQuality job on this schedule may run at most 1 hour\)/],
    ['a non-cron schedule', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('rate(1 hour)') }); }, /invalid schedule 'rate\(1 hour\)': Model Monitor accepts cron\(0 \* \? \* \* \*\) \(hourly\)/],
    ['a schedule starting at minute 30', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('cron(30 * ? * * *)') }); }, /\[Test\/M\] invalid schedule 'cron\(30 \* \? \* \* \*\)': jobs start on the hour, so the minutes field must be 0/],
    ['a schedule on weekdays only', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('cron(0 8 ? * MON-FRI *)') }); }, /the day, month, weekday and year fields must be \? \* \* \*/],
    ['a schedule with an unsupported hours field', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.cron('cron(0 8,20 ? * * *)') }); }, /the hours field '8,20' is not supported/],
    ['a model-quality job longer than 30 minutes on an hourly schedule', (s) => { const { data, endpoint } = setup(s); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.REGRESSION, groundTruth: S3Location.inDataBucket(data, 'g/'), maxRuntime: Duration.minutes(45) }); }, /\[Test\/M\] invalid maxRuntime 45 minutes: use whole seconds from 1 to 1800 \(a ModelQuality job on this schedule may run at most 30 minutes\)/],
    ['a job longer than a day', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.daily(1), maxRuntime: Duration.hours(25) }); }, /invalid maxRuntime 1 day 1 hour: use whole seconds from 1 to 86400 \(a DataQuality job on this schedule may run at most 1 day\)/],
    ['a data-quality monitor on an endpoint that does not capture requests', (s) => { const { data, endpoint } = setup(s, { captureRequest: false }); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/') }); }, /\[Test\/M\] endpoint Test\/Endpoint has dataCapture.captureRequest false: a DataQuality monitor reads the captured requests/],
    ['a model-quality monitor on an endpoint that does not capture responses', (s) => { const { data, endpoint } = setup(s, { captureResponse: false }); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.REGRESSION, groundTruth: S3Location.inDataBucket(data, 'g/') }); }, /has dataCapture.captureResponse false: a ModelQuality monitor reads the captured responses/],
    ['a daily schedule at hour 24', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), schedule: MonitoringScheduleExpression.daily(24) }); }, /\[Test\/M\] invalid daily schedule hour 24: use a whole hour from 0 to 23/],
    ['a hosting-only instance type', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), instanceType: InstanceType.ML_T2_MEDIUM }); }, /not a processing instance type/],
    ['a volume key on an instance type with local NVMe storage', (s) => { const { data, endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), instanceType: InstanceType.of('ml.g4dn.xlarge'), volumeKey: new kms.Key(s, 'K') }); }, /\[Test\/M\] volumeKey was given for ml.g4dn.xlarge, whose local NVMe storage the hardware encrypts/],
    ['an output location over the 512 bytes of MonitoringS3Uri', (s) => { const { endpoint } = setup(s); return new DataQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.fromUri(`s3://ml-data/${'m'.repeat(520)}/`) }); }, /outputLocation .*512/],
    ['a probability threshold above 1', (s) => { const { data, endpoint } = setup(s); return new ModelQualityMonitor(s, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.BINARY_CLASSIFICATION, groundTruth: S3Location.inDataBucket(data, 'g/'), probabilityAttribute: 'p', probabilityThreshold: 1.5 }); }, /invalid probabilityThreshold 1.5: use a number from 0 to 1/],
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

describe('deploy-time values (CloudFormation parameters) in alert and monitor props', () => {
  test('an e-mail address parameter subscribes to the alerts topic; a threshold parameter passes to the job definition', () => {
    const stack = new Stack(new App(), 'Test');
    const email = new CfnParameter(stack, 'Email').valueAsString;
    const threshold = new CfnParameter(stack, 'Threshold', { type: 'Number' }).valueAsNumber;
    new AlertsTopic(stack, 'Team', { emails: [email, 'ml-team@example.com'] });
    const { data, endpoint } = setup(stack);
    new ModelQualityMonitor(stack, 'M', { endpoint, outputLocation: S3Location.inDataBucket(data, 'm/'), problemType: ProblemType.BINARY_CLASSIFICATION, groundTruth: S3Location.inDataBucket(data, 'g/'), probabilityAttribute: 'p', probabilityThreshold: threshold });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: { Ref: 'Email' } });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ml-team@example.com' });
    template.hasResourceProperties('AWS::SageMaker::ModelQualityJobDefinition', { ModelQualityJobInput: { EndpointInput: Match.objectLike({ ProbabilityThresholdAttribute: { Ref: 'Threshold' } }) } });
  });
});
