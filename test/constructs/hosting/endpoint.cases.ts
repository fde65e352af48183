import { Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { BuiltInAlgorithm, ContainerImage, DataBucket, InstanceType, S3Location } from '../../../constructs';
import {
  Endpoint, EndpointDeployment, EndpointProps, EndpointVariant, IModel, Model, ModelData, TrafficShifting,
} from '../../../constructs/hosting';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { acknowledgements, expectNoFindings, testStack } from '../../support/validity';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
const ENV = { account: '111122223333', region: 'us-east-1' };

function model(stack: Stack, id = 'Model', environment?: { [key: string]: string }): Model {
  return new Model(stack, id, { containers: [{ image: XGBOOST, environment }] });
}

function realTime(m: IModel, overrides: Partial<EndpointVariant> = {}): EndpointVariant {
  return { variantName: 'AllTraffic', model: m, instanceType: InstanceType.ML_M5_LARGE, ...overrides };
}

function serverless(m: IModel, overrides: Partial<EndpointVariant> = {}): EndpointVariant {
  return { variantName: 'AllTraffic', model: m, serverless: { memorySizeMb: 2048, maxConcurrency: 10 }, ...overrides };
}

/** A stack with a model and an endpoint hosting it on ml.m5.large (props override the variants). */
function endpointStack(props: Partial<EndpointProps> = {}, stackProps = {}) {
  const stack = plainStack('Test', stackProps);
  const m = model(stack);
  const endpoint = new Endpoint(stack, 'Endpoint', { variants: [realTime(m)], ...props });
  return { stack, model: m, endpoint };
}

function only(template: Template, type: string): { logicalId: string; resource: any } {
  const entries = Object.entries<any>(template.findResources(type));
  expect(entries).toHaveLength(1);
  return { logicalId: entries[0][0], resource: entries[0][1] };
}

function configOf(stack: Stack) {
  return only(Template.fromStack(stack), 'AWS::SageMaker::EndpointConfig');
}

function endpointOf(stack: Stack) {
  return only(Template.fromStack(stack), 'AWS::SageMaker::Endpoint');
}

function managedPolicyOf(template: Template, role: iam.IRole, stack: Stack): any[] {
  const roleId = stack.resolve((role.node.defaultChild as iam.CfnRole).logicalId);
  const policies = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

const actionsOf = (s: any): string[] => ([] as string[]).concat(s.Action);

describe('Endpoint defaults (one instance-based variant)', () => {
  const { stack, model: m, endpoint } = endpointStack();
  const template = Template.fromStack(stack);
  const { logicalId: configId, resource: config } = configOf(stack);
  const { resource: ep } = endpointOf(stack);

  test('the endpoint configuration is a valid CreateEndpointConfig request with defaults: 1 instance, weight 1', () => {
    const props = stack.resolve(config.Properties);
    expect(props.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic',
      ModelName: stack.resolve(m.modelName),
      InstanceType: 'ml.m5.large',
      InitialInstanceCount: 1,
      InitialVariantWeight: 1,
    }]);
    expect(props.DataCaptureConfig).toBeUndefined();
    expect(props.AsyncInferenceConfig).toBeUndefined();
    expect(props.ShadowProductionVariants).toBeUndefined();
    expectValidSageMakerRequest('CreateEndpointConfig', props);
  });

  test('the storage volumes are encrypted with a new rotating key, deleted with the endpoint', () => {
    const { logicalId: keyId, resource: key } = only(template, 'AWS::KMS::Key');
    expect(config.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
    expect(key.Properties.EnableKeyRotation).toBe(true);
    expect(key.DeletionPolicy).toBe('Retain');
    expect(endpoint.encryptionKey).toBeDefined();
  });

  test('the configuration name is <construct path>-<10 hex content hash>; the endpoint name is stable', () => {
    expect(config.Properties.EndpointConfigName).toMatch(/^test-endpoint-endpointconfig-[0-9a-f]{8}-[0-9a-f]{10}$/);
    expect(config.Properties.EndpointConfigName.length).toBeLessThanOrEqual(63);
    expect(ep.Properties.EndpointName).toMatch(/^test-endpoint-[0-9a-f]{8}$/);
    expect(ep.Properties.EndpointConfigName).toEqual({ 'Fn::GetAtt': [configId, 'EndpointConfigName'] });
    expect(ep.Properties.DeploymentConfig).toBeUndefined();
    expectValidSageMakerRequest('CreateEndpoint', stack.resolve(ep.Properties));
    expect(stack.resolve(endpoint.endpointConfigName)).toEqual({ 'Fn::GetAtt': [configId, 'EndpointConfigName'] });
  });

  test('the configuration depends on the model (and its role policy), whose name it uses literally', () => {
    const modelId = stack.resolve((m.node.defaultChild as any).logicalId);
    expect(config.DependsOn).toEqual(expect.arrayContaining([modelId, expect.stringMatching(/^ModelRolePolicy/)]));
  });

  test('attributes: name, lower-case ARN, endpointRef', () => {
    expect(endpoint.endpointName).toBe(ep.Properties.EndpointName);
    expect(stack.resolve(endpoint.endpointArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:endpoint/${endpoint.endpointName}`]] });
    expect(endpoint.endpointRef.endpointArn).toBe(endpoint.endpointArn);
    expect(endpoint.serverless).toBe(false);
    expect(endpoint.asyncInference).toBe(false);
  });

  test('two alarms per production variant: 5xx errors (sum over 5 minutes >= 1) and p99 model latency above 1 second, missing data not breaching', () => {
    expect(endpoint.alarms).toHaveLength(2);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 2);
    const dims = [{ Name: 'EndpointName', Value: endpoint.endpointName }, { Name: 'VariantName', Value: 'AllTraffic' }];
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker', MetricName: 'Invocation5XXErrors', Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching', Dimensions: dims,
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/SageMaker', MetricName: 'ModelLatency', ExtendedStatistic: 'p99', Period: 300, Threshold: 1_000_000, EvaluationPeriods: 3, DatapointsToAlarm: 2,
      ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'notBreaching', Dimensions: dims,
    });
    for (const alarm of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) expect(alarm.Properties.AlarmActions).toBeUndefined();
  });

  test('no autoscaling unless asked', () => {
    template.resourceCountIs('AWS::ApplicationAutoScaling::ScalableTarget', 0);
  });
});

describe('Endpoint configuration names follow the content', () => {
  const names = (props: Partial<EndpointProps> = {}, env?: { [key: string]: string }) => {
    const stack = plainStack();
    const m = model(stack, 'Model', env);
    new Endpoint(stack, 'Endpoint', { variants: [realTime(m)], ...props });
    return { config: configOf(stack).resource.Properties.EndpointConfigName as string, endpoint: endpointOf(stack).resource.Properties.EndpointName as string };
  };

  test('equal content gives the equal name; any change gives a new one (same prefix); the endpoint keeps its name', () => {
    const base = names();
    expect(names()).toEqual(base);
    const stack = plainStack();
    const m = model(stack);
    new Endpoint(stack, 'Endpoint', { variants: [realTime(m, { instanceType: InstanceType.ML_M5_XLARGE })] });
    const changed = configOf(stack).resource.Properties.EndpointConfigName;
    expect(changed).not.toBe(base.config);
    expect(changed.slice(0, -10)).toBe(base.config.slice(0, -10));
    expect(endpointOf(stack).resource.Properties.EndpointName).toBe(base.endpoint);
  });

  test('a changed model (new model name) changes the configuration name', () => {
    const base = names();
    const changed = names({}, { MODE: 'fast' });
    expect(changed.config).not.toBe(base.config);
    expect(changed.endpoint).toBe(base.endpoint);
  });

  test('the logical ID of the configuration stays; CloudFormation replaces it because its name changes', () => {
    const a = plainStack();
    new Endpoint(a, 'Endpoint', { variants: [realTime(model(a))] });
    const b = plainStack();
    new Endpoint(b, 'Endpoint', { variants: [realTime(model(b), { initialInstanceCount: 2 })] });
    expect(configOf(a).logicalId).toBe(configOf(b).logicalId);
    expect(configOf(a).resource.Properties.EndpointConfigName).not.toBe(configOf(b).resource.Properties.EndpointConfigName);
  });
});

describe('Endpoint variants', () => {
  test('several instance-based variants with weights, volumes, timeouts and managed instance scaling', () => {
    const stack = plainStack();
    const a = model(stack, 'A');
    const b = model(stack, 'B');
    new Endpoint(stack, 'Endpoint', {
      variants: [
        realTime(a, { variantName: 'blue', initialWeight: 3, initialInstanceCount: 2, volumeSizeGb: 50, containerStartupTimeout: Duration.minutes(10), modelDataDownloadTimeout: Duration.minutes(15) }),
        realTime(b, { variantName: 'green', initialWeight: 1, managedInstanceScaling: { minInstanceCount: 1, maxInstanceCount: 4 } }),
      ],
    });
    const props = stack.resolve(configOf(stack).resource.Properties);
    expect(props.ProductionVariants).toEqual([
      expect.objectContaining({ VariantName: 'blue', InitialVariantWeight: 3, InitialInstanceCount: 2, VolumeSizeInGB: 50, ContainerStartupHealthCheckTimeoutInSeconds: 600, ModelDataDownloadTimeoutInSeconds: 900 }),
      expect.objectContaining({ VariantName: 'green', InitialVariantWeight: 1, ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 1, MaxInstanceCount: 4 } }),
    ]);
    expectValidSageMakerRequest('CreateEndpointConfig', props);
    expect(configOf(stack).resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^A[0-9A-F]{8}$/), expect.stringMatching(/^B[0-9A-F]{8}$/)]));
  });

  test('a serverless variant: ServerlessConfig, no key (acknowledged for the compliance packs), no instance settings', () => {
    const stack = plainStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { variants: [serverless(model(stack), { serverless: { memorySizeMb: 4096, maxConcurrency: 20, provisionedConcurrency: 5 } })] });
    const { resource } = configOf(stack);
    const props = stack.resolve(resource.Properties);
    expect(props.ProductionVariants).toEqual([{
      VariantName: 'AllTraffic', ModelName: expect.any(String), InitialVariantWeight: 1,
      ServerlessConfig: { MemorySizeInMB: 4096, MaxConcurrency: 20, ProvisionedConcurrency: 5 },
    }]);
    expect(props.KmsKeyId).toBeUndefined();
    expectValidSageMakerRequest('CreateEndpointConfig', props);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
    expect(endpoint.serverless).toBe(true);
    expect(endpoint.encryptionKey).toBeUndefined();
    const acks = acknowledgements(stack).filter((a) => a.path === 'Test/Endpoint/EndpointConfig');
    expect(acks.map((a) => a.id).sort()).toEqual([
      'HIPAA.Security::HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
      'NIST.800.53.R5::NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
      'PCI.DSS.321::PCI.DSS.321-SageMakerEndpointConfigurationKMSKeyConfigured',
    ]);
    expect(acks[0].reason).toMatch(/SageMaker refuses KmsKeyId for serverless variants/);
  });

  test('instance types with local NVMe storage get no key (SageMaker refuses one); the finding is acknowledged with the types', () => {
    const stack = plainStack();
    new Endpoint(stack, 'Endpoint', { variants: [realTime(model(stack), { instanceType: InstanceType.ML_G5_XLARGE })] });
    expect(configOf(stack).resource.Properties.KmsKeyId).toBeUndefined();
    expect(acknowledgements(stack).find((a) => a.path === 'Test/Endpoint/EndpointConfig')!.reason).toMatch(/ml\.g5\.xlarge only have local NVMe storage/);
  });

  test('a key of yours encrypts the volumes', () => {
    const stack = plainStack();
    const key = new kms.Key(stack, 'MyKey', { enableKeyRotation: true });
    const endpoint = new Endpoint(stack, 'Endpoint', { variants: [realTime(model(stack))], encryptionKey: key });
    expect(configOf(stack).resource.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MyKey/), 'Arn'] });
    expect(endpoint.encryptionKey).toBe(key);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 1);
  });

  test('a shadow variant renders ShadowProductionVariants', () => {
    const stack = plainStack();
    new Endpoint(stack, 'Endpoint', {
      variants: [realTime(model(stack, 'Prod'))],
      shadowVariants: [realTime(model(stack, 'Candidate'), { variantName: 'shadow', initialWeight: 0.5 })],
    });
    const props = stack.resolve(configOf(stack).resource.Properties);
    expect(props.ShadowProductionVariants).toEqual([expect.objectContaining({ VariantName: 'shadow', InitialVariantWeight: 0.5, InstanceType: 'ml.m5.large' })]);
    expectValidSageMakerRequest('CreateEndpointConfig', props);
  });

  test('an imported model is hosted by name', () => {
    const stack = plainStack();
    new Endpoint(stack, 'Endpoint', { variants: [realTime(Model.fromModelName(stack, 'Imported', 'churn-v3'))] });
    expect(configOf(stack).resource.Properties.ProductionVariants[0].ModelName).toBe('churn-v3');
  });
});

describe('Endpoint data capture', () => {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');
  const prod = model(stack, 'Prod');
  const shadow = model(stack, 'Shadow');
  new Endpoint(stack, 'Endpoint', {
    variants: [realTime(prod)],
    shadowVariants: [realTime(shadow, { variantName: 'shadow' })],
    dataCapture: {
      location: S3Location.inDataBucket(data, 'capture/'),
      kmsKey: data.encryptionKey,
      samplingPercentage: 20,
      captureResponse: false,
      csvContentTypes: ['text/csv'],
      jsonContentTypes: ['application/json'],
    },
  });
  const template = Template.fromStack(stack);

  test('renders DataCaptureConfig', () => {
    const props = stack.resolve(configOf(stack).resource.Properties);
    expect(props.DataCaptureConfig).toEqual({
      EnableCapture: true,
      InitialSamplingPercentage: 20,
      DestinationS3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/capture/']] },
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
      CaptureOptions: [{ CaptureMode: 'Input' }],
      CaptureContentTypeHeader: { CsvContentTypes: ['text/csv'], JsonContentTypes: ['application/json'] },
    });
    expectValidSageMakerRequest('CreateEndpointConfig', props);
  });

  test("SageMaker writes captured data with the models' execution roles: each (shadow included) may write the prefix and use the key", () => {
    for (const m of [prod, shadow]) {
      const statements = managedPolicyOf(template, m.role, stack);
      const write = statements.find((s) => actionsOf(s).includes('s3:PutObject'));
      expect(write.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/capture/*']] });
      expect(statements.some((s) => actionsOf(s).includes('kms:GenerateDataKey') && JSON.stringify(s.Resource).includes('DataKey'))).toBe(true);
    }
  });

  test('an imported model without a known role cannot receive the grant: a warning says what to add to its role', () => {
    const s = plainStack();
    new Endpoint(s, 'Endpoint', { variants: [realTime(Model.fromModelName(s, 'Imported', 'churn-v3'))], dataCapture: { location: S3Location.fromUri('s3://capture-bucket/x/') } });
    Annotations.fromStack(s).hasWarning('/Test/Imported', Match.stringLikeRegexp("Add statement to this resource's role.*s3:PutObject"));
  });

  test('defaults: 100 percent, input and output', () => {
    const { stack: s } = endpointStack({ dataCapture: { location: S3Location.fromUri('s3://capture-bucket/endpoint/') } });
    expect(configOf(s).resource.Properties.DataCaptureConfig).toEqual({
      EnableCapture: true, InitialSamplingPercentage: 100, DestinationS3Uri: 's3://capture-bucket/endpoint/', CaptureOptions: [{ CaptureMode: 'Input' }, { CaptureMode: 'Output' }],
    });
  });
});

describe('Endpoint asynchronous inference', () => {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');
  const m = model(stack);
  const success = new sns.Topic(stack, 'Success');
  const failure = new sns.Topic(stack, 'Failure');
  const endpoint = new Endpoint(stack, 'Endpoint', {
    variants: [realTime(m)],
    asyncInference: {
      outputLocation: S3Location.inDataBucket(data, 'async/out/'),
      failureLocation: S3Location.inDataBucket(data, 'async/failed/'),
      successTopic: success,
      errorTopic: failure,
      maxConcurrentInvocationsPerInstance: 4,
      kmsKey: data.encryptionKey,
    },
  });
  const caller = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
  endpoint.grantInvoke(caller);
  const template = Template.fromStack(stack);

  test('renders AsyncInferenceConfig', () => {
    const props = stack.resolve(configOf(stack).resource.Properties);
    expect(props.AsyncInferenceConfig).toEqual({
      OutputConfig: {
        S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/async/out/']] },
        S3FailurePath: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/async/failed/']] },
        KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
        NotificationConfig: { SuccessTopic: { Ref: expect.stringMatching(/^Success/) }, ErrorTopic: { Ref: expect.stringMatching(/^Failure/) } },
      },
      ClientConfig: { MaxConcurrentInvocationsPerInstance: 4 },
    });
    expectValidSageMakerRequest('CreateEndpointConfig', props);
    expect(endpoint.asyncInference).toBe(true);
  });

  test("the model's role writes the output and failure prefixes and publishes to the topics", () => {
    const statements = managedPolicyOf(template, m.role, stack);
    const writes = statements.filter((s) => actionsOf(s).includes('s3:PutObject')).map((s) => JSON.stringify(s.Resource));
    expect(writes.some((r) => r.includes('/async/out/*'))).toBe(true);
    expect(writes.some((r) => r.includes('/async/failed/*'))).toBe(true);
    const publish = statements.filter((s) => actionsOf(s).includes('sns:Publish')).flatMap((s) => ([] as unknown[]).concat(s.Resource));
    expect(publish).toEqual(expect.arrayContaining([{ Ref: expect.stringMatching(/^Success/) }, { Ref: expect.stringMatching(/^Failure/) }]));
  });

  test('grantInvoke allows InvokeEndpoint and InvokeEndpointAsync on the endpoint', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync'], Effect: 'Allow', Resource: stack.resolve(endpoint.endpointArn) }] },
    });
  });
});

describe('Endpoint grants and metrics', () => {
  test('grantInvoke on a real-time endpoint: InvokeEndpoint only', () => {
    const { stack, endpoint } = endpointStack();
    const user = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    endpoint.grantInvoke(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: stack.resolve(endpoint.endpointArn) }] },
    });
  });

  test('metrics: per variant, documented statistics, instance metrics in /aws/sagemaker/Endpoints', () => {
    const { stack, endpoint } = endpointStack();
    const dims = { EndpointName: endpoint.endpointName, VariantName: 'AllTraffic' };
    const shape = (metric: cloudwatch.Metric) => ({ namespace: metric.namespace, name: metric.metricName, statistic: metric.statistic, dims: metric.dimensions, period: metric.period.toSeconds() });
    expect(shape(endpoint.metricInvocations())).toEqual({ namespace: 'AWS/SageMaker', name: 'Invocations', statistic: 'Sum', dims, period: 300 });
    expect(shape(endpoint.metricInvocation4XXErrors())).toEqual({ namespace: 'AWS/SageMaker', name: 'Invocation4XXErrors', statistic: 'Sum', dims, period: 300 });
    expect(shape(endpoint.metricInvocation5XXErrors())).toEqual({ namespace: 'AWS/SageMaker', name: 'Invocation5XXErrors', statistic: 'Sum', dims, period: 300 });
    expect(shape(endpoint.metricInvocationsPerInstance())).toEqual({ namespace: 'AWS/SageMaker', name: 'InvocationsPerInstance', statistic: 'Sum', dims, period: 300 });
    expect(shape(endpoint.metricModelLatency())).toEqual({ namespace: 'AWS/SageMaker', name: 'ModelLatency', statistic: 'Average', dims, period: 300 });
    expect(shape(endpoint.metricOverheadLatency())).toEqual({ namespace: 'AWS/SageMaker', name: 'OverheadLatency', statistic: 'Average', dims, period: 300 });
    expect(shape(endpoint.metricCpuUtilization())).toEqual({ namespace: '/aws/sagemaker/Endpoints', name: 'CPUUtilization', statistic: 'Average', dims, period: 300 });
    expect(shape(endpoint.metricMemoryUtilization())).toEqual({ namespace: '/aws/sagemaker/Endpoints', name: 'MemoryUtilization', statistic: 'Average', dims, period: 300 });
    expect(shape(endpoint.metricGpuUtilization())).toEqual({ namespace: '/aws/sagemaker/Endpoints', name: 'GPUUtilization', statistic: 'Average', dims, period: 300 });
    expect(shape(endpoint.metric('ModelSetupTime', { statistic: 'Maximum', period: Duration.minutes(1) }))).toEqual({ namespace: 'AWS/SageMaker', name: 'ModelSetupTime', statistic: 'Maximum', dims, period: 60 });
    void stack;
  });

  test('asynchronous backlog metrics are per endpoint (no VariantName)', () => {
    const { endpoint } = endpointStack({ asyncInference: { outputLocation: S3Location.fromUri('s3://async-bucket/out/') } });
    expect(endpoint.metric('ApproximateBacklogSizePerInstance').dimensions).toEqual({ EndpointName: endpoint.endpointName });
  });

  test('with several variants a metric needs variantName', () => {
    const stack = plainStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { variants: [realTime(model(stack, 'A'), { variantName: 'blue' }), realTime(model(stack, 'B'), { variantName: 'green' })] });
    expect(() => endpoint.metricInvocations()).toThrow(/\[Test\/Endpoint\] the endpoint has 2 production variants \(blue, green\): pass variantName to choose the metric's variant/);
    expect(endpoint.metricInvocations({ variantName: 'green' }).dimensions).toEqual({ EndpointName: endpoint.endpointName, VariantName: 'green' });
  });

  test('imports: fromEndpointName (lower-case ARN, AllTraffic metrics, InvokeEndpoint) and fromEndpointArn', () => {
    const stack = plainStack('Test', { env: ENV });
    const imported = Endpoint.fromEndpointName(stack, 'Imported', 'Churn-Prod');
    expect(stack.resolve(imported.endpointArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:endpoint/churn-prod']] });
    expect(imported.metricInvocations().dimensions).toEqual({ EndpointName: 'Churn-Prod', VariantName: 'AllTraffic' });
    const byArn = Endpoint.fromEndpointArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn-prod');
    expect(byArn.endpointName).toBe('churn-prod');
    const user = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    byArn.grantInvoke(user);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'sagemaker:InvokeEndpoint', Effect: 'Allow', Resource: 'arn:aws:sagemaker:us-east-1:111122223333:endpoint/churn-prod' }] },
    });
  });
});

describe('Endpoint alarms', () => {
  test('with a topic, every alarm notifies it; thresholds are configurable', () => {
    const stack = plainStack();
    const topic = new sns.Topic(stack, 'Alerts');
    new Endpoint(stack, 'Endpoint', {
      variants: [realTime(model(stack, 'A'), { variantName: 'blue' }), realTime(model(stack, 'B'), { variantName: 'green' })],
      alarms: { topic, latencyThreshold: Duration.millis(250), errorThreshold: 5 },
    });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 4);
    for (const alarm of Object.values<any>(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Alerts/) }]);
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ModelLatency', Threshold: 250_000, Dimensions: Match.arrayWith([{ Name: 'VariantName', Value: 'green' }]) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'Invocation5XXErrors', Threshold: 5 });
  });

  test('disabled: no alarm', () => {
    const { stack, endpoint } = endpointStack({ alarms: { enabled: false } });
    Template.fromStack(stack).resourceCountIs('AWS::CloudWatch::Alarm', 0);
    expect(endpoint.alarms).toEqual([]);
  });
});

describe('Endpoint deployment guardrails', () => {
  const deploymentOf = (props: Partial<EndpointProps>) => {
    const { stack } = endpointStack(props);
    const ep = stack.resolve(endpointOf(stack).resource.Properties);
    expectValidSageMakerRequest('CreateEndpoint', ep);
    return ep.DeploymentConfig;
  };

  test('canary: CAPACITY_PERCENT canary, wait, termination wait, timeout; rolls back on the endpoint alarms by default', () => {
    const deployment = EndpointDeployment.canary({ canaryPercent: 10, waitInterval: Duration.minutes(10), terminationWait: Duration.minutes(5), maximumExecutionTimeout: Duration.hours(1) });
    expect(deployment.trafficShifting).toBe(TrafficShifting.CANARY);
    expect(deploymentOf({ deployment })).toEqual({
      BlueGreenUpdatePolicy: {
        TrafficRoutingConfiguration: { Type: 'CANARY', WaitIntervalInSeconds: 600, CanarySize: { Type: 'CAPACITY_PERCENT', Value: 10 } },
        TerminationWaitInSeconds: 300,
        MaximumExecutionTimeoutInSeconds: 3600,
      },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: { Ref: expect.stringMatching(/5XXErrorsAlarm/) } }, { AlarmName: { Ref: expect.stringMatching(/ModelLatencyAlarm/) } }] },
    });
  });

  test('linear with alarms of yours', () => {
    const stack = plainStack();
    const alarm = cloudwatch.Alarm.fromAlarmName(stack, 'Business', 'conversion-drop');
    const m = model(stack);
    new Endpoint(stack, 'Endpoint', { variants: [realTime(m)], deployment: EndpointDeployment.linear({ stepPercent: 25, waitInterval: Duration.minutes(2), alarms: [alarm] }) });
    expect(stack.resolve(endpointOf(stack).resource.Properties.DeploymentConfig)).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'LINEAR', WaitIntervalInSeconds: 120, LinearStepSize: { Type: 'CAPACITY_PERCENT', Value: 25 } } },
      AutoRollbackConfiguration: { Alarms: [{ AlarmName: 'conversion-drop' }] },
    });
  });

  test('all at once without alarms (alarms disabled); also allowed for serverless endpoints', () => {
    expect(deploymentOf({ deployment: EndpointDeployment.allAtOnce({ terminationWait: Duration.minutes(10) }), alarms: { enabled: false } })).toEqual({
      BlueGreenUpdatePolicy: { TrafficRoutingConfiguration: { Type: 'ALL_AT_ONCE', WaitIntervalInSeconds: 0 }, TerminationWaitInSeconds: 600 },
    });
    const stack = plainStack();
    new Endpoint(stack, 'Endpoint', { variants: [serverless(model(stack))], deployment: EndpointDeployment.allAtOnce() });
    expect(endpointOf(stack).resource.Properties.DeploymentConfig.BlueGreenUpdatePolicy.TrafficRoutingConfiguration.Type).toBe('ALL_AT_ONCE');
  });

  test('canary or linear on Inf1 instances: a warning that SageMaker falls back to all at once', () => {
    const s = plainStack();
    new Endpoint(s, 'Endpoint', { variants: [realTime(model(s), { instanceType: InstanceType.of('ml.inf1.xlarge') })], deployment: EndpointDeployment.canary({ canaryPercent: 20, waitInterval: Duration.minutes(1) }) });
    Annotations.fromStack(s).hasWarning('/Test/Endpoint', Match.stringLikeRegexp('deployment CANARY has no effect with ml\\.inf1\\.xlarge: SageMaker falls back to blue/green all at once'));
  });

  test('refused: canary percent outside 1-50, linear step outside 10-50, waits out of range, timeout too short, canary on serverless, more than 10 alarms', () => {
    const attempt = (deployment: EndpointDeployment, variants?: (m: IModel) => EndpointVariant[]) => () => {
      const stack = plainStack();
      const m = model(stack);
      new Endpoint(stack, 'Endpoint', { variants: variants ? variants(m) : [realTime(m)], deployment });
    };
    expect(attempt(EndpointDeployment.canary({ canaryPercent: 75, waitInterval: Duration.minutes(5) })))
      .toThrow(/\[Test\/Endpoint\] invalid deployment canaryPercent 75: use a whole number from 1 to 50 \(SageMaker caps the canary at 50% of the new fleet\)/);
    expect(attempt(EndpointDeployment.canary({ canaryPercent: 0, waitInterval: Duration.minutes(5) }))).toThrow(/invalid deployment canaryPercent 0: use a whole number from 1 to 50/);
    expect(attempt(EndpointDeployment.linear({ stepPercent: 5, waitInterval: Duration.minutes(5) }))).toThrow(/invalid deployment stepPercent 5: use a whole number from 10 to 50/);
    expect(attempt(EndpointDeployment.canary({ canaryPercent: 10, waitInterval: Duration.hours(2) }))).toThrow(/invalid deployment waitInterval 2 hours: use whole seconds from 0 to 3600/);
    expect(attempt(EndpointDeployment.allAtOnce({ terminationWait: Duration.hours(2) }))).toThrow(/invalid deployment terminationWait 2 hours: use whole seconds from 0 to 3600/);
    expect(attempt(EndpointDeployment.allAtOnce({ maximumExecutionTimeout: Duration.minutes(5) }))).toThrow(/invalid deployment maximumExecutionTimeout 5 minutes: use whole seconds from 600 to 28800/);
    expect(attempt(EndpointDeployment.canary({ canaryPercent: 10, waitInterval: Duration.minutes(30), terminationWait: Duration.minutes(30), maximumExecutionTimeout: Duration.minutes(50) })))
      .toThrow(/deployment maximumExecutionTimeout 3000 s must be longer than waitInterval plus terminationWait \(3600 s\)/);
    expect(attempt(EndpointDeployment.linear({ stepPercent: 10, waitInterval: Duration.minutes(10), terminationWait: Duration.minutes(10), maximumExecutionTimeout: Duration.minutes(30) })))
      .toThrow(/deployment maximumExecutionTimeout 1800 s must be longer than 10 linear steps of 10% need: 9 waitIntervals plus terminationWait \(6000 s\)/);
    expect(attempt(EndpointDeployment.linear({ stepPercent: 10, waitInterval: Duration.minutes(10), terminationWait: Duration.minutes(10), maximumExecutionTimeout: Duration.minutes(101) }))).not.toThrow();
    expect(attempt(EndpointDeployment.canary({ canaryPercent: 10, waitInterval: Duration.minutes(5) }), (m) => [serverless(m)]))
      .toThrow(/deployment CANARY needs instance-based variants: canary and linear traffic shifting move capacity of an instance fleet, which a serverless endpoint does not have/);
    const stack = plainStack();
    const alarms = Array.from({ length: 11 }, (_, i) => cloudwatch.Alarm.fromAlarmName(stack, `A${i}`, `alarm-${i}`));
    expect(() => new Endpoint(stack, 'Endpoint', { variants: [realTime(model(stack))], deployment: EndpointDeployment.allAtOnce({ alarms }) }))
      .toThrow(/deployment has 11 rollback alarms: SageMaker accepts at most 10; pass deployment alarms explicitly/);
  });
});

describe('Endpoint autoscaling', () => {
  test('instance count: a scalable target on the variant through the service-linked role, after the endpoint; invocations and custom-metric target tracking', () => {
    const { stack, endpoint } = endpointStack();
    const scaling = endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 1, maxCapacity: 4 });
    scaling.scaleOnInvocationsPerInstance('Invocations', { targetInvocationsPerInstance: 70, scaleInCooldown: Duration.minutes(10) });
    scaling.scaleOnMetric('Cpu', { metric: endpoint.metricCpuUtilization(), targetValue: 60 });
    const template = Template.fromStack(stack);
    const { logicalId: endpointId } = endpointOf(stack);
    const { resource: target } = only(template, 'AWS::ApplicationAutoScaling::ScalableTarget');
    expect(stack.resolve(target.Properties)).toEqual({
      ServiceNamespace: 'sagemaker',
      ResourceId: `endpoint/${endpoint.endpointName}/variant/AllTraffic`,
      ScalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      MinCapacity: 1,
      MaxCapacity: 4,
      RoleARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/aws-service-role/sagemaker.application-autoscaling.amazonaws.com/AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint']] },
    });
    expect(target.DependsOn).toContain(endpointId);
    // an update keeps the scaled instance count; weights and data capture come from the new config
    template.hasResourceProperties('AWS::SageMaker::Endpoint', {
      RetainAllVariantProperties: true,
      ExcludeRetainedVariantProperties: [{ VariantPropertyType: 'DesiredWeight' }, { VariantPropertyType: 'DataCaptureConfig' }],
    });
    template.resourceCountIs('AWS::IAM::Role', 1); // the model's role only
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, TargetValue: 70, ScaleInCooldown: 600 },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: Match.objectLike({ MetricName: 'CPUUtilization', Namespace: '/aws/sagemaker/Endpoints' }), TargetValue: 60 },
    });
    expect(() => scaling.scaleOnInvocationsPerInstance('Zero', { targetInvocationsPerInstance: 0 }))
      .toThrow(/\[Test\/Endpoint\/AllTrafficInstanceScaling\] invalid targetInvocationsPerInstance 0: use a number above 0/);
    expect(() => scaling.scaleOnBacklogSizePerInstance('Backlog', { targetBacklogPerInstance: 5 }))
      .toThrow(/scaleOnBacklogSizePerInstance needs an asynchronous endpoint \(asyncInference\): variant 'AllTraffic' serves real-time requests/);
  });

  test('asynchronous endpoints may scale to zero: backlog target tracking plus a step policy out of zero on HasBacklogWithoutCapacity', () => {
    const { stack, endpoint } = endpointStack({ asyncInference: { outputLocation: S3Location.fromUri('s3://async-bucket/out/') } });
    endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 0, maxCapacity: 2 }).scaleOnBacklogSizePerInstance('Backlog', { targetBacklogPerInstance: 5 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 0, MaxCapacity: 2 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { CustomizedMetricSpecification: Match.objectLike({ MetricName: 'ApproximateBacklogSizePerInstance', Namespace: 'AWS/SageMaker', Dimensions: [{ Name: 'EndpointName', Value: endpoint.endpointName }] }), TargetValue: 5 },
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling',
      StepScalingPolicyConfiguration: Match.objectLike({ AdjustmentType: 'ChangeInCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 1 }] }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'HasBacklogWithoutCapacity', Threshold: 1, AlarmActions: [{ Ref: Match.stringLikeRegexp('BacklogFromZero') }] });
  });

  test('serverless provisioned concurrency: its own dimension and utilization target tracking', () => {
    const stack = plainStack();
    const endpoint = new Endpoint(stack, 'Endpoint', { variants: [serverless(model(stack), { serverless: { memorySizeMb: 2048, maxConcurrency: 20, provisionedConcurrency: 2 } })] });
    endpoint.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization('Utilization', { targetUtilization: 0.5 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { ScalableDimension: 'sagemaker:variant:DesiredProvisionedConcurrency', MinCapacity: 1, MaxCapacity: 10 });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantProvisionedConcurrencyUtilization' }, TargetValue: 0.5 },
    });
    // no instance count to keep across updates
    template.hasResourceProperties('AWS::SageMaker::Endpoint', { RetainAllVariantProperties: Match.absent() });
  });

  test('refused: scale to zero of a real-time variant, max below min, unknown or wrong kind of variant, scaling twice, concurrency above maxConcurrency', () => {
    const { endpoint } = endpointStack();
    expect(() => endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 0, maxCapacity: 2 }))
      .toThrow(/\[Test\/Endpoint\] minCapacity 0 \(scale to zero\) for variant 'AllTraffic': SageMaker scales real-time variants to zero only on endpoints that host inference components; use minCapacity 1 or more, or asyncInference/);
    expect(() => endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 3, maxCapacity: 2 })).toThrow(/maxCapacity 2 is below minCapacity 3: use maxCapacity >= minCapacity/);
    expect(() => endpoint.autoScaleInstanceCount('Blue', { minCapacity: 1, maxCapacity: 2 })).toThrow(/autoScaleInstanceCount: unknown variant 'Blue': use one of AllTraffic/);
    expect(() => endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 1.5, maxCapacity: 2 })).toThrow(/invalid minCapacity 1\.5: use a whole number of 0 or more/);
    expect(() => endpoint.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 2 })).toThrow(/autoScaleProvisionedConcurrency: variant 'AllTraffic' is instance-based: scale its instances with autoScaleInstanceCount/);
    endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 1, maxCapacity: 2 });
    expect(() => endpoint.autoScaleInstanceCount('AllTraffic', { minCapacity: 1, maxCapacity: 3 })).toThrow(/variant 'AllTraffic' is already scaled: call autoScale\* once per variant/);

    const stack = plainStack();
    const sls = new Endpoint(stack, 'Endpoint', { variants: [serverless(model(stack), { serverless: { memorySizeMb: 2048, maxConcurrency: 20, provisionedConcurrency: 2 } })] });
    expect(() => sls.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 50 })).toThrow(/invalid maxCapacity 50: use a whole number from 1 to 20/);
    expect(() => sls.autoScaleInstanceCount('AllTraffic', { minCapacity: 1, maxCapacity: 2 })).toThrow(/variant 'AllTraffic' is serverless: scale its provisioned concurrency with autoScaleProvisionedConcurrency/);
    const stack2 = plainStack();
    const noPc = new Endpoint(stack2, 'Endpoint', { variants: [serverless(model(stack2))] });
    expect(() => noPc.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 5 })).toThrow(/variant 'AllTraffic' has no provisionedConcurrency: set serverless\.provisionedConcurrency to scale it/);
    const utilization = sls.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 10 });
    expect(() => utilization.scaleOnUtilization('U', { targetUtilization: 50 })).toThrow(/invalid targetUtilization 50: use a number above 0 and at most 1/);
  });
});

describe('Endpoint validation', () => {
  const attempt = (build: (stack: Stack, m: Model) => Partial<EndpointProps>) => () => {
    const stack = plainStack();
    const m = model(stack);
    new Endpoint(stack, 'Endpoint', { variants: [realTime(m)], ...build(stack, m) } as EndpointProps);
  };

  test('names: endpoint and variant names follow the SageMaker rule; variant names are unique', () => {
    expect(attempt(() => ({ endpointName: 'churn_prod' }))).toThrow(/\[Test\/Endpoint\] invalid endpointName 'churn_prod' \(length 10\): use 1-63 letters, digits or hyphens/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { variantName: 'a b' })] }))).toThrow(/invalid variants\[0\]\.variantName 'a b' \(length 3\): use 1-63 letters/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { variantName: 'v' }), realTime(m, { variantName: 'v' })] }))).toThrow(/variants\[1\]\.variantName 'v' is used twice: variant names must be unique within the endpoint/);
    expect(attempt((_, m) => ({ shadowVariants: [realTime(m)] }))).toThrow(/shadowVariants\[0\]\.variantName 'AllTraffic' is used twice/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { variantName: Lazy.string({ produce: () => 'x' }) })] }))).toThrow(/variants\[0\]\.variantName is a token: use a literal name/);
  });

  test('variant count and kind: 1 to 10, instance-based or serverless, not both, not mixed', () => {
    expect(attempt(() => ({ variants: [] }))).toThrow(/variants has 0 entries: an endpoint needs 1 to 10 production variants/);
    expect(attempt((_, m) => ({ variants: Array.from({ length: 11 }, (__, i) => realTime(m, { variantName: `v${i}` })) }))).toThrow(/variants has 11 entries/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { serverless: { memorySizeMb: 1024, maxConcurrency: 1 } })] })))
      .toThrow(/variants\[0\] has both instanceType 'ml\.m5\.large' and serverless: a variant runs on instances or serverless, give one/);
    expect(attempt((_, m) => ({ variants: [{ variantName: 'v', model: m }] }))).toThrow(/variants\[0\] has neither instanceType nor serverless: give an instance type/);
    expect(attempt((_, m) => ({ variants: [realTime(m), serverless(m, { variantName: 'sls' })] }))).toThrow(/variants mixes 1 serverless and 1 instance-based variants: an endpoint is either serverless or instance-based/);
    expect(attempt((_, m) => ({ variants: [serverless(m), serverless(m, { variantName: 'b' })] }))).toThrow(/variants has 2 serverless variants: a serverless endpoint has exactly one variant/);
  });

  test('instance settings: hosting instance types, counts, weights, volumes, timeouts, managed scaling', () => {
    expect(attempt((_, m) => ({ variants: [realTime(m, { instanceType: InstanceType.of('ml.m5.large.bad') })] }))).toThrow(/invalid variants\[0\]\.instanceType 'ml\.m5\.large\.bad': use an ML instance type like 'ml\.m5\.xlarge'/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { instanceType: InstanceType.of('ml.m5.huge') })] }))).toThrow(/invalid variants\[0\]\.instanceType 'ml\.m5\.huge': not a hosting instance type \(the m5 types allowed are/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { initialInstanceCount: 0 })] }))).toThrow(/invalid variants\[0\]\.initialInstanceCount 0: use a whole number of 1 or more/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { initialWeight: -1 })] }))).toThrow(/invalid variants\[0\]\.initialWeight -1: use a number, 0 or more/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { initialWeight: 0 })] }))).toThrow(/every production variant has initialWeight 0: at least one variant must take traffic/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { volumeSizeGb: 1024 })] }))).toThrow(/invalid variants\[0\]\.volumeSizeGb 1024: use a whole number from 1 to 512/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { instanceType: InstanceType.ML_G4DN_XLARGE, volumeSizeGb: 100 })] })))
      .toThrow(/variants\[0\]\.volumeSizeGb was given for ml\.g4dn\.xlarge, whose storage is local NVMe of a fixed size: SageMaker refuses VolumeSizeInGB for it/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { containerStartupTimeout: Duration.seconds(30) })] }))).toThrow(/invalid variants\[0\]\.containerStartupTimeout 30 seconds: use whole seconds from 60 to 3600/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { modelDataDownloadTimeout: Duration.hours(2) })] }))).toThrow(/invalid variants\[0\]\.modelDataDownloadTimeout 2 hours: use whole seconds from 60 to 3600/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { managedInstanceScaling: { minInstanceCount: 0, maxInstanceCount: 2 } })] })))
      .toThrow(/variants\[0\]\.managedInstanceScaling\.minInstanceCount 0: scaling a variant to zero instances needs inference components/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { managedInstanceScaling: { minInstanceCount: 3, maxInstanceCount: 2 } })] })))
      .toThrow(/variants\[0\]\.managedInstanceScaling\.maxInstanceCount 2 is below minInstanceCount 3/);
  });

  test('serverless settings: memory on the 1024 MB grid, concurrency 1-200, provisioned 1..max, no instance settings, no VPC or pipeline model', () => {
    expect(attempt((_, m) => ({ variants: [serverless(m, { serverless: { memorySizeMb: 1500, maxConcurrency: 5 } })] })))
      .toThrow(/invalid variants\[0\]\.serverless\.memorySizeMb 1500: use one of 1024, 2048, 3072, 4096, 5120, 6144/);
    expect(attempt((_, m) => ({ variants: [serverless(m, { serverless: { memorySizeMb: 1024, maxConcurrency: 201 } })] })))
      .toThrow(/invalid variants\[0\]\.serverless\.maxConcurrency 201: use a whole number from 1 to 200/);
    expect(attempt((_, m) => ({ variants: [serverless(m, { serverless: { memorySizeMb: 1024, maxConcurrency: 5, provisionedConcurrency: 6 } })] })))
      .toThrow(/invalid variants\[0\]\.serverless\.provisionedConcurrency 6: use a whole number from 1 to 5/);
    expect(attempt((_, m) => ({ variants: [serverless(m, { initialInstanceCount: 2 })] })))
      .toThrow(/variants\[0\]\.initialInstanceCount was given for a serverless variant: it only applies to instance-based variants/);
    expect(attempt((stack) => ({ variants: [serverless(new Model(stack, 'Pipeline', { containers: [{ image: XGBOOST }, { image: XGBOOST }] }))] })))
      .toThrow(/variants\[0\]\.model is an inference pipeline of 2 containers: serverless endpoints host single-container models/);
    expect(attempt((stack) => ({ variants: [serverless(new Model(stack, 'Isolated', { containers: [{ image: XGBOOST }], networkIsolation: true }))] })))
      .toThrow(/variants\[0\]\.model has networkIsolation: serverless endpoints do not support network isolation/);
  });

  test('shadow variants: one, instance-based, with one production variant, not with async', () => {
    expect(attempt((_, m) => ({ shadowVariants: [serverless(m, { variantName: 's' })] }))).toThrow(/shadowVariants\[0\] is serverless: shadow variants must be instance-based/);
    expect(attempt((_, m) => ({ shadowVariants: [realTime(m, { variantName: 's1' }), realTime(m, { variantName: 's2' })] }))).toThrow(/shadowVariants has 2 entries: SageMaker allows one shadow variant/);
    expect(attempt((_, m) => ({ variants: [realTime(m, { variantName: 'a' }), realTime(m, { variantName: 'b' })], shadowVariants: [realTime(m, { variantName: 's' })] })))
      .toThrow(/shadowVariants needs exactly one production variant, got 2/);
    expect(attempt((_, m) => ({ shadowVariants: [realTime(m, { variantName: 's' })], asyncInference: { outputLocation: S3Location.fromUri('s3://async-bucket/out/') } })))
      .toThrow(/asyncInference was given with shadowVariants: SageMaker does not run shadow tests on asynchronous endpoints/);
  });

  test('asynchronous inference: instance-based only, an output location, 1-1000 concurrent invocations', () => {
    expect(attempt((_, m) => ({ variants: [serverless(m)], asyncInference: { outputLocation: S3Location.fromUri('s3://async-bucket/out/') } })))
      .toThrow(/asyncInference was given for a serverless endpoint: asynchronous inference needs instance-based variants/);
    expect(attempt(() => ({ asyncInference: {} as any }))).toThrow(/asyncInference has no outputLocation: give the S3 location responses are written to/);
    expect(attempt(() => ({ asyncInference: { outputLocation: S3Location.fromUri('s3://async-bucket/out/'), maxConcurrentInvocationsPerInstance: 2000 } })))
      .toThrow(/invalid asyncInference\.maxConcurrentInvocationsPerInstance 2000: use a whole number from 1 to 1000/);
    expect(attempt(() => ({ asyncInference: { outputLocation: S3Location.fromUri('ftp://b/out/') } }))).toThrow(/invalid asyncInference\.outputLocation 'ftp:\/\/b\/out\/': use an s3:\/\/bucket\/prefix URI/);
  });

  test('data capture: refused for serverless endpoints; sampling 0-100; something to capture; content types', () => {
    const location = S3Location.fromUri('s3://capture/x/');
    expect(attempt((_, m) => ({ variants: [serverless(m)], dataCapture: { location } })))
      .toThrow(/\[Test\/Endpoint\] dataCapture was given for a serverless endpoint: SageMaker does not capture data of serverless endpoints; use instance-based variants/);
    expect(attempt(() => ({ dataCapture: { location, samplingPercentage: 150 } }))).toThrow(/invalid dataCapture\.samplingPercentage 150: use a whole number from 0 to 100/);
    expect(attempt(() => ({ dataCapture: { location, captureRequest: false, captureResponse: false } }))).toThrow(/dataCapture captures nothing \(captureRequest and captureResponse are false\): enable at least one/);
    expect(attempt(() => ({ dataCapture: { location, csvContentTypes: ['csv'] } }))).toThrow(/invalid dataCapture\.csvContentTypes entry 'csv': use a MIME type such as 'text\/csv'/);
    expect(attempt(() => ({ dataCapture: { location: undefined as any } }))).toThrow(/dataCapture has no location: give the S3 location captured data is written to/);
  });

  test('encryption key: not for serverless, not with local-storage instance types', () => {
    expect(attempt((stack, m) => ({ variants: [serverless(m)], encryptionKey: new kms.Key(stack, 'K') })))
      .toThrow(/encryptionKey was given for a serverless endpoint: serverless variants have no storage volume to encrypt \(SageMaker refuses KmsKeyId\)/);
    expect(attempt((stack, m) => ({ variants: [realTime(m, { instanceType: InstanceType.ML_G5_XLARGE })], encryptionKey: new kms.Key(stack, 'K') })))
      .toThrow(/encryptionKey was given, but instance types ml\.g5\.xlarge have local NVMe storage that their hardware encrypts: SageMaker refuses KmsKeyId for them/);
  });

  test('alarms: latency threshold above 0 and at most 1 hour, error threshold a whole number of 1 or more', () => {
    expect(attempt(() => ({ alarms: { latencyThreshold: Duration.hours(2) } }))).toThrow(/invalid alarms\.latencyThreshold 2 hours: use a duration above 0 and at most 1 hour/);
    expect(attempt(() => ({ alarms: { latencyThreshold: Duration.seconds(0) } }))).toThrow(/invalid alarms\.latencyThreshold 0 seconds: use a duration above 0/);
    expect(attempt(() => ({ alarms: { errorThreshold: 0 } }))).toThrow(/invalid alarms\.errorThreshold 0: use a whole number of 1 or more/);
    expect(attempt(() => ({ alarms: { enabled: false, errorThreshold: 3 } }))).toThrow(/alarms has enabled: false with thresholds or a topic: enable the alarms or remove their options/);
  });

  test('all problems are reported at once', () => {
    expect(attempt((_, m) => ({ endpointName: 'a_b', variants: [realTime(m, { initialInstanceCount: 0, volumeSizeGb: 0 })] })))
      .toThrow(/3 problems in Endpoint props:\n {2}- invalid endpointName 'a_b'.*\n {2}- invalid variants\[0\]\.initialInstanceCount 0.*\n {2}- invalid variants\[0\]\.volumeSizeGb 0/);
  });
});

describe('Endpoint validity', () => {
  test('a model with data in a DataBucket, a real-time endpoint with data capture, autoscaling, alarms to a topic and a canary deployment, and a serverless endpoint pass cdk-nag and CloudFormation validation', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const churn = new Model(stack, 'Churn', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/churn/model.tar.gz')) }] });
    const topicKey = new kms.Key(stack, 'AlertsKey', { enableKeyRotation: true });
    const topic = new sns.Topic(stack, 'Alerts', { masterKey: topicKey, enforceSSL: true });
    const realtime = new Endpoint(stack, 'RealTime', {
      variants: [realTime(churn, { initialInstanceCount: 2 })],
      dataCapture: { location: S3Location.inDataBucket(data, 'capture/churn/'), kmsKey: data.encryptionKey, samplingPercentage: 25 },
      alarms: { topic },
      deployment: EndpointDeployment.canary({ canaryPercent: 10, waitInterval: Duration.minutes(10), terminationWait: Duration.minutes(5) }),
    });
    realtime.autoScaleInstanceCount('AllTraffic', { minCapacity: 2, maxCapacity: 6 }).scaleOnInvocationsPerInstance('Invocations', { targetInvocationsPerInstance: 100 });
    const sls = new Endpoint(stack, 'Serverless', {
      variants: [serverless(churn, { serverless: { memorySizeMb: 2048, maxConcurrency: 20, provisionedConcurrency: 2 } })],
      alarms: { topic },
    });
    sls.autoScaleProvisionedConcurrency('AllTraffic', { minCapacity: 1, maxCapacity: 10 }).scaleOnUtilization('Utilization', { targetUtilization: 0.6 });
    expectNoFindings(stack);
  });
});

describe('Endpoint defaults under every compliance pack', () => {
  test('an endpoint with its default alarms and no topic synthesizes with no finding: the alarms say why they have no action', () => {
    const stack = testStack();
    new Endpoint(stack, 'Plain', { variants: [realTime(model(stack))] });
    expectNoFindings(stack);
    expect(acknowledgements(stack).filter((a) => a.id.includes('CloudWatchAlarmAction')).map((a) => a.reason)).toEqual(expect.arrayContaining([expect.stringMatching(/no alarms.topic/)]));
  });
});

describe('Endpoint asynchronous inference with encrypted topics', () => {
  test('the model may publish with exact SNS and KMS actions, no action wildcard', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const topicKey = new kms.Key(stack, 'TopicKey', { enableKeyRotation: true });
    const m = model(stack);
    new Endpoint(stack, 'Endpoint', {
      variants: [realTime(m)],
      asyncInference: {
        outputLocation: S3Location.inDataBucket(data, 'async/out/'),
        successTopic: new sns.Topic(stack, 'Success', { masterKey: topicKey }),
        errorTopic: new sns.Topic(stack, 'Failure', { masterKey: topicKey }),
      },
    });
    const statements = Object.values<any>(Template.fromStack(stack).toJSON().Resources)
      .filter((r) => r.Type === 'AWS::IAM::ManagedPolicy' || r.Type === 'AWS::IAM::Policy')
      .flatMap((p) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['sns:Publish', 'kms:GenerateDataKey', 'kms:Decrypt']));
    expect(actions.filter((a: string) => a.includes('*'))).toEqual([]);
  });
});
