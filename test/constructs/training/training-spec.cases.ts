import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BuiltInAlgorithm, Compression, ContainerImage, DataBucket, DebuggerRule, InstanceType, S3DataDistribution, S3Location,
  TrainingInputMode, TrainingSpec, TrainingSpecProps,
} from '../../../constructs';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';

function setup(env?: { region: string; account: string }) {
  const stack = new Stack(new App(), 'Test', { env });
  const data = new DataBucket(stack, 'Data');
  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  return { stack, data, role };
}

function xgboost(data: DataBucket, overrides: Partial<TrainingSpecProps> = {}): TrainingSpec {
  return new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
    hyperparameters: { objective: 'binary:logistic', num_round: 50, eta: 0.2, verbosity: true },
    inputs: [
      { name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv' },
      { name: 'validation', location: S3Location.inDataBucket(data, 'processed/validation/'), contentType: 'text/csv' },
    ],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    ...overrides,
  });
}

describe('TrainingSpec rendering', () => {
  test('renders the exact CreateTrainingJob request, valid against the SageMaker API model', () => {
    const { stack, data, role } = setup({ region: 'us-east-1', account: '111122223333' });
    const request = stack.resolve(xgboost(data).render(stack, { role, jobName: 'churn-xgb-1' }));
    expect(request).toEqual({
      TrainingJobName: 'churn-xgb-1',
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching(/JobRole/), 'Arn'] },
      AlgorithmSpecification: { TrainingImage: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1', TrainingInputMode: 'File' },
      HyperParameters: { objective: 'binary:logistic', num_round: '50', eta: '0.2', verbosity: 'true' },
      InputDataConfig: [
        { ChannelName: 'train', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/processed/train/']] } } } },
        { ChannelName: 'validation', ContentType: 'text/csv', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated', S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/processed/validation/']] } } } },
      ],
      OutputDataConfig: { S3OutputPath: { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/models/']] } },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    });
    expectValidSageMakerRequest('CreateTrainingJob', request);
  });

  test('every option renders into a request the API model accepts', () => {
    const { stack, data, role } = setup();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const key = new kms.Key(stack, 'Key');
    const spec = xgboost(data, {
      inputs: [{
        name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv', compression: Compression.GZIP,
        inputMode: TrainingInputMode.PIPE, distribution: S3DataDistribution.SHARDED_BY_S3_KEY, shuffleSeed: 7, recordIoWrapper: true,
      }],
      resources: { instanceType: InstanceType.of('ml.c5.2xlarge'), instanceCount: 2, volumeSizeGb: 50, volumeKey: key },
      outputKey: key,
      maxRuntime: Duration.minutes(90),
      spot: { maxWaitTime: Duration.hours(3) },
      checkpoint: { location: S3Location.inDataBucket(data, 'checkpoints/') },
      network: { vpc, securityGroups: [sg], networkIsolation: true, interContainerEncryption: true },
      environment: { LOG_LEVEL: 'debug' },
      retryAttempts: 2,
      debugger: { rules: [DebuggerRule.LOSS_NOT_DECREASING, DebuggerRule.OVERTRAINING], profilingIntervalMs: 1000 },
      tags: { team: 'ml' },
    });
    const request = stack.resolve(spec.render(stack, { role, jobName: 'job-1' }));
    expectValidSageMakerRequest('CreateTrainingJob', request);
    expect(request.ResourceConfig).toEqual(expect.objectContaining({ InstanceCount: 2, VolumeKmsKeyId: expect.anything() }));
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 5400, MaxWaitTimeInSeconds: 10800 });
    expect(request.EnableManagedSpotTraining).toBe(true);
    expect(request.VpcConfig.Subnets).toHaveLength(2);
    expect(request.DebugRuleConfigurations.map((r: any) => r.RuleParameters.rule_to_invoke)).toEqual(['LossNotDecreasing', 'Overtraining']);
    expect(request.ProfilerRuleConfigurations[0].RuleConfigurationName).toBe('ProfilerReport');
    expect(request.ProfilerConfig.ProfilingIntervalInMilliseconds).toBe(1000);
    expect(request.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  test('environment-agnostic stacks resolve images through a mapping', () => {
    const { stack, data, role } = setup();
    const request = stack.resolve(xgboost(data).render(stack, { role }));
    expect(JSON.stringify(request.AlgorithmSpecification.TrainingImage)).toContain('Fn::FindInMap');
    expect(request.TrainingJobName).toBeUndefined();
    expectValidSageMakerRequest('CreateTrainingJob', request, { allowMissing: ['TrainingJobName'] });
  });

  test('heterogeneous clusters render InstanceGroups', () => {
    const { stack, data, role } = setup();
    // Warm pools (keepAlive) are checked here: they exclude spot, which the test above uses.
    const spec = xgboost(data, { resources: { instanceGroups: [{ name: 'cpu', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 2 }, { name: 'gpu', instanceType: InstanceType.ML_G5_XLARGE, instanceCount: 1 }], keepAlive: Duration.minutes(10) } });
    const request = stack.resolve(spec.render(stack, { role, jobName: 'hetero' }));
    expect(request.ResourceConfig.InstanceGroups).toEqual([
      { InstanceGroupName: 'cpu', InstanceType: 'ml.m5.xlarge', InstanceCount: 2 },
      { InstanceGroupName: 'gpu', InstanceType: 'ml.g5.xlarge', InstanceCount: 1 },
    ]);
    expect(request.ResourceConfig.KeepAlivePeriodInSeconds).toBe(600);
    expectValidSageMakerRequest('CreateTrainingJob', request);
  });
});

describe('TrainingSpec IAM', () => {
  test('grantTo derives the role policy: channels read, output write, logs, metrics, no wildcard actions', () => {
    const { stack, data, role } = setup();
    xgboost(data).grantTo(stack, role);
    const statements = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
    const text = JSON.stringify(statements);
    expect(text).toContain('/processed/train/*');
    expect(text).toContain('/models/*');
    expect(text).toContain('s3:PutObject');
    expect(text).toContain('log-group:/aws/sagemaker/TrainingJobs*');
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'cloudwatch:PutMetricData', Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } }));
    for (const s of statements) for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
  });

  test('a VPC job also gets ENI permissions limited to that VPC', () => {
    const { stack, data, role } = setup();
    const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    xgboost(data, { network: { vpc, securityGroups: [new ec2.SecurityGroup(stack, 'Sg', { vpc })] } }).grantTo(stack, role);
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(text).toContain('ec2:CreateNetworkInterface');
    expect(text).toContain('ec2:Vpc');
  });
});

describe('TrainingSpec bad input fails at synth with path, value and what is allowed', () => {
  test.each<[string, Partial<TrainingSpecProps>, RegExp]>([
    ['spot without checkpoint', { spot: {} }, /spot training without checkpoint/],
    ['MaxWait < MaxRuntime', { spot: { maxWaitTime: Duration.minutes(30) }, maxRuntime: Duration.hours(1), allowSpotWithoutCheckpoint: true }, /spot.maxWaitTime 1800 s is shorter than maxRuntime 3600 s/],
    ['instance count < 1', { resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 0 } }, /invalid resources.instanceCount 0: use a whole number from 1/],
    ['non-string-able hyperparameter', { hyperparameters: { layers: [1, 2] } }, /hyperparameters 'layers' has the value \[1,2\] \(array\): use a string, a finite number or a boolean/],
    ['object hyperparameter', { hyperparameters: { cfg: { a: 1 } } }, /hyperparameters 'cfg' has the value \{"a":1\} \(object\)/],
    ['duplicate channel names', { inputs: [{ name: 'train', location: S3Location.fromUri('s3://bkt/a/') }, { name: 'train', location: S3Location.fromUri('s3://bkt/b/') }] }, /duplicate channel name 'train'/],
    ['invalid channel name', { inputs: [{ name: 'my channel', location: S3Location.fromUri('s3://bkt/a/') }] }, /invalid channel name 'my channel'/],
    ['network isolation with a requirements file', { network: { networkIsolation: true }, environment: { SAGEMAKER_REQUIREMENTS: 'requirements.txt' } }, /networkIsolation with a requirements file/],
    ['invalid instance type', { resources: { instanceType: InstanceType.of('ml.m5.huge') } }, /invalid resources.instanceType 'ml.m5.huge': not a training instance type \(the m5 types allowed are .*ml.m5.xlarge/],
    ['hosting-only instance type', { resources: { instanceType: InstanceType.ML_T2_MEDIUM } }, /'ml.t2.medium': not a training instance type/],
    ['volume size out of range', { resources: { instanceType: InstanceType.ML_M5_XLARGE, volumeSizeGb: 20000 } }, /invalid resources.volumeSizeGb 20000: use a whole number from 1 to 16384/],
    ['warm pool over an hour', { resources: { instanceType: InstanceType.ML_M5_XLARGE, keepAlive: Duration.hours(2) } }, /invalid resources.keepAlive 2 hours/],
    ['max runtime over 28 days', { maxRuntime: Duration.days(30) }, /invalid maxRuntime 30 days: use whole seconds from 1 to 2419200/],
    ['sharding on one instance', { inputs: [{ name: 'train', location: S3Location.fromUri('s3://bkt/a/'), distribution: S3DataDistribution.SHARDED_BY_S3_KEY }] }, /SHARDED_BY_S3_KEY on a single instance/],
    ['both image and algorithm', { algorithmName: 'my-algo' }, /exactly one of image and algorithmName, got both/],
    ['bad S3 URI', { outputLocation: S3Location.fromUri('https://example.com/x') }, /invalid outputLocation 'https:\/\/example.com\/x': use an s3:\/\/bucket\/prefix URI/],
    ['VPC without security groups', { network: { vpc: undefined, securityGroups: [] } }, /./],
    ['debugger profiling interval', { debugger: { profilingIntervalMs: 300 } }, /invalid debugger.profilingIntervalMs 300: use one of 100, 200, 500, 1000, 5000, 60000/],
    ['retries out of range', { retryAttempts: 31 }, /invalid retryAttempts 31: use a whole number from 1 to 30/],
    ['bad metric regex', { metricDefinitions: [{ name: 'acc', regex: '([' }] }, /metric regex '\(\[' of 'acc' is not a valid regular expression/],
  ])('%s', (name, overrides, error) => {
    const { stack, data, role } = setup();
    if (name === 'VPC without security groups') {
      const vpc = new ec2.Vpc(stack, 'Vpc', { natGateways: 0, subnetConfiguration: [{ name: 'i', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
      overrides = { network: { vpc } };
      error = /a job in a VPC needs 1 to 5 securityGroups, got 0/;
    }
    expect(() => xgboost(data, overrides).render(stack, { role })).toThrow(error);
  });

  test('problems carry the path of the construct that renders the spec', () => {
    const { stack, data, role } = setup();
    expect(() => xgboost(data, { retryAttempts: 0, resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 0 } }).render(stack, { role }))
      .toThrow(/^\[Test\] 2 problems in the training spec:/);
  });
});
