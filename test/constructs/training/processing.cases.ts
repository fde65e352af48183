import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import {
  ContainerImage, DataBucket, Framework, IDataBucket, ImageScope, InstanceType, ProcessingCode, ProcessingInputMode, ProcessingJob, ProcessingSpec,
  ProcessingSpecProps, ProcessingUploadMode, S3DataDistribution, S3DataType, S3Location,
} from '../../../constructs';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const ENV = { account: '111122223333', region: 'us-east-1' };
const SCRIPT = path.join(__dirname, '../../fixtures/preprocess.py');
const SKLEARN = ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING });

function preprocessing(data: IDataBucket, overrides: Partial<ProcessingSpecProps> = {}): ProcessingSpec {
  return new ProcessingSpec({
    image: SKLEARN,
    code: ProcessingCode.fromAsset(SCRIPT),
    arguments: ['--train-ratio', '0.8'],
    inputs: [{ name: 'raw', location: S3Location.inDataBucket(data, 'raw/churn/') }],
    outputs: [
      { name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') },
      { name: 'validation', location: S3Location.inDataBucket(data, 'processed/validation/') },
    ],
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(30),
    ...overrides,
  });
}

function setup(env?: typeof ENV) {
  const stack = plainStack('Test', { env });
  const data = new DataBucket(stack, 'Data');
  const role = new iam.Role(stack, 'JobRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
  const render = (spec: ProcessingSpec, jobName: string | undefined = 'churn-preprocess-1') => stack.resolve(spec.render(stack, { role, jobName }));
  return { stack, data, role, render };
}

/** The ARN of the assets bucket of the default synthesizer (where `fromAsset` code goes). */
const ASSETS_BUCKET = /cdk-hnb659fds-assets-\$\{AWS::AccountId\}-\$\{AWS::Region\}/;

describe('ProcessingSpec rendering', () => {
  const { stack, data, role, render } = setup(ENV);
  const request = render(preprocessing(data));

  test('renders a valid CreateProcessingJob request: scikit-learn image, inputs, outputs, the script as input `code`', () => {
    expect(ContainerImage.versions('sklearn')).toContain('1.2-1');
    expectValidSageMakerRequest('CreateProcessingJob', request);
    expect(request.ProcessingJobName).toBe('churn-preprocess-1');
    expect(request.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^JobRole/), 'Arn'] });
    expect(request.AppSpecification).toEqual({
      ImageUri: '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3',
      // SageMaker names the downloaded script after its S3 key: the asset hash plus '.py'.
      ContainerEntrypoint: ['python3', expect.stringMatching(/^\/opt\/ml\/processing\/input\/code\/[0-9a-f]{64}\.py$/)],
      ContainerArguments: ['--train-ratio', '0.8'],
    });
    expect(request.ProcessingInputs).toEqual([
      {
        InputName: 'raw',
        S3Input: {
          S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/raw/churn/']] },
          LocalPath: '/opt/ml/processing/input/raw', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated',
        },
      },
      {
        InputName: 'code',
        S3Input: {
          S3Uri: expect.stringMatching(/^s3:\/\/cdk-hnb659fds-assets-111122223333-us-east-1\/[0-9a-f]{64}\.py$/),
          LocalPath: '/opt/ml/processing/input/code', S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated',
        },
      },
    ]);
    expect(request.ProcessingOutputConfig).toEqual({
      Outputs: [
        { OutputName: 'train', S3Output: { S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/processed/train/']] }, LocalPath: '/opt/ml/processing/output/train', S3UploadMode: 'EndOfJob' } },
        { OutputName: 'validation', S3Output: { S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/processed/validation/']] }, LocalPath: '/opt/ml/processing/output/validation', S3UploadMode: 'EndOfJob' } },
      ],
    });
    expect(request.ProcessingResources).toEqual({ ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
    for (const member of ['NetworkConfig', 'Environment', 'Tags']) expect(request[member]).toBeUndefined();
  });

  test('the script is one asset, reused when the spec renders again in the same scope', () => {
    const again = render(preprocessing(data));
    expect(again.ProcessingInputs[1].S3Input.S3Uri).toBe(request.ProcessingInputs[1].S3Input.S3Uri);
  });

  test('every option renders into a request the API model accepts', () => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const key = new kms.Key(stack, 'OutputKey');
    const full = render(preprocessing(data, {
      inputs: [{
        name: 'raw', location: S3Location.inDataBucket(data, 'raw/churn/manifest.json'), destination: '/opt/ml/processing/raw',
        s3DataType: S3DataType.MANIFEST_FILE, inputMode: ProcessingInputMode.PIPE, distribution: S3DataDistribution.SHARDED_BY_S3_KEY,
      }],
      outputs: [{ name: 'features', location: S3Location.inDataBucket(data, 'features/'), source: '/opt/ml/processing/features', uploadMode: ProcessingUploadMode.CONTINUOUS }],
      outputKey: key,
      resources: { instanceType: InstanceType.of('ml.c5.2xlarge'), instanceCount: 2, volumeSizeGb: 50, volumeKey: key },
      network: { vpc, securityGroups: [sg], networkIsolation: true, interContainerEncryption: true },
      environment: { LOG_LEVEL: 'debug', TRAIN_RATIO: '0.8' },
      tags: { team: 'ml' },
      maxRuntime: Duration.days(7),
    }));
    expectValidSageMakerRequest('CreateProcessingJob', full);
    expect(full.ProcessingInputs[0].S3Input).toEqual(expect.objectContaining({
      LocalPath: '/opt/ml/processing/raw', S3DataType: 'ManifestFile', S3InputMode: 'Pipe', S3DataDistributionType: 'ShardedByS3Key',
    }));
    expect(full.ProcessingOutputConfig).toEqual({
      Outputs: [{ OutputName: 'features', S3Output: { S3Uri: expect.anything(), LocalPath: '/opt/ml/processing/features', S3UploadMode: 'Continuous' } }],
      KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] },
    });
    expect(full.ProcessingResources.ClusterConfig).toEqual({
      InstanceType: 'ml.c5.2xlarge', InstanceCount: 2, VolumeSizeInGB: 50, VolumeKmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^OutputKey/), 'Arn'] },
    });
    expect(full.NetworkConfig).toEqual({
      VpcConfig: { SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^Sg/), 'GroupId'] }], Subnets: [{ Ref: expect.stringMatching(/isolatedSubnet1/) }, { Ref: expect.stringMatching(/isolatedSubnet2/) }] },
      EnableNetworkIsolation: true,
      EnableInterContainerTrafficEncryption: true,
    });
    expect(full.Environment).toEqual({ LOG_LEVEL: 'debug', TRAIN_RATIO: '0.8' });
    expect(full.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    expect(full.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 604800 });
  });

  test('network isolation alone renders a NetworkConfig without VpcConfig', () => {
    const isolated = render(preprocessing(data, { network: { networkIsolation: true } }));
    expect(isolated.NetworkConfig).toEqual({ EnableNetworkIsolation: true });
    expectValidSageMakerRequest('CreateProcessingJob', isolated);
  });

  test('an explicit entrypoint wins; without code the image entrypoint is used', () => {
    const custom = render(preprocessing(data, { entrypoint: ['python3', '-u', '/opt/ml/processing/input/code/preprocess.py'] }));
    expect(custom.AppSpecification.ContainerEntrypoint).toEqual(['python3', '-u', '/opt/ml/processing/input/code/preprocess.py']);
    const noCode = render(preprocessing(data, { code: undefined, arguments: undefined }));
    expect(noCode.AppSpecification.ContainerEntrypoint).toBeUndefined();
    expect(noCode.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['raw']);
    expectValidSageMakerRequest('CreateProcessingJob', noCode);
  });

  test('code already in S3', () => {
    const fromS3 = render(preprocessing(data, { code: ProcessingCode.fromLocation(S3Location.inDataBucket(data, 'code/prep.py'), 'prep.py') }));
    expect(fromS3.AppSpecification.ContainerEntrypoint).toEqual(['python3', '/opt/ml/processing/input/code/prep.py']);
    expect(fromS3.ProcessingInputs[1].S3Input.S3Uri).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/code/prep.py']] });
    expectValidSageMakerRequest('CreateProcessingJob', fromS3);
  });

  test('environment-agnostic: the image URI comes from a mapping; without a name (pipeline step) none is rendered', () => {
    const agnostic = setup();
    const unnamed = agnostic.stack.resolve(preprocessing(agnostic.data).render(agnostic.stack, { role: agnostic.role }));
    expect(JSON.stringify(unnamed.AppSpecification.ImageUri)).toContain('Fn::FindInMap');
    expect(unnamed.ProcessingJobName).toBeUndefined();
    expectValidSageMakerRequest('CreateProcessingJob', unnamed, { allowMissing: ['ProcessingJobName'] });
  });
  void role;
});

describe('ProcessingSpec grants', () => {
  const { stack, data, role } = setup();
  const key = new kms.Key(stack, 'OutputKey');
  preprocessing(data, { outputKey: key }).grantTo(stack, role);
  const statements: any[] = (Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy'))[0] as any).Properties.PolicyDocument.Statement;
  const text = JSON.stringify(statements);
  const withAction = (action: string) => statements.filter((s) => ([] as string[]).concat(s.Action).includes(action));

  test('inputs read, outputs write, each limited to its prefix', () => {
    const reads = JSON.stringify(withAction('s3:GetObject'));
    expect(reads).toContain('/raw/churn/*');
    expect(reads).not.toContain('/processed/');
    const writes = JSON.stringify(withAction('s3:PutObject'));
    expect(writes).toContain('/processed/train/*');
    expect(writes).toContain('/processed/validation/*');
    expect(writes).not.toContain('/raw/');
  });

  test('the code asset is readable: only its object, listed only under its key', () => {
    const asset = stack.node.findChild('Codepreprocesspy') as s3_assets.Asset;
    const objectKey = asset.s3ObjectKey;
    expect(objectKey).toMatch(/^[0-9a-f]{64}\.py$/);
    expect(statements.filter((s) => ASSETS_BUCKET.test(JSON.stringify(s.Resource)))).toEqual([
      { Action: ['s3:GetObject', 's3:GetObjectVersion'], Effect: 'Allow', Resource: stack.resolve(asset.bucket.arnForObjects(objectKey)) },
      { Action: 's3:ListBucket', Effect: 'Allow', Resource: stack.resolve(asset.bucket.bucketArn), Condition: { StringLike: { 's3:prefix': [objectKey, `${objectKey}*`] } } },
      { Action: 's3:GetBucketLocation', Effect: 'Allow', Resource: stack.resolve(asset.bucket.bucketArn) },
    ]);
  });

  test('the output key and the data key; logs under /aws/sagemaker/ProcessingJobs; metrics', () => {
    expect(withAction('kms:GenerateDataKey').some((s) => JSON.stringify(s.Resource).includes('OutputKey'))).toBe(true);
    expect(text).toContain('log-group:/aws/sagemaker/ProcessingJobs*');
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'cloudwatch:PutMetricData', Condition: { StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } } }));
    for (const s of statements) for (const a of ([] as string[]).concat(s.Action)) expect(a).not.toMatch(/^[a-z0-9]+:\*$|^\*$/);
  });
});

describe('ProcessingSpec bad input fails at synth', () => {
  const { stack, data, render } = setup();
  const loc = (p: string) => S3Location.inDataBucket(data, p);

  test.each<[string, Partial<ProcessingSpecProps>, RegExp]>([
    ['duplicate input names', { inputs: [{ name: 'raw', location: loc('a/') }, { name: 'raw', location: loc('b/') }] }, /duplicate input name 'raw': input names must be unique/],
    ['an input named like the code input', { inputs: [{ name: 'code', location: loc('a/') }] }, /duplicate input name 'code'/],
    ['duplicate output names', { outputs: [{ name: 'train', location: loc('a/') }, { name: 'train', location: loc('b/') }] }, /duplicate output name 'train': output names must be unique/],
    ['10 inputs besides the code', { inputs: Array.from({ length: 10 }, (_, i) => ({ name: `in${i}`, location: loc(`in${i}/`) })) }, /the job has 11 inputs \(code included\): at most 10/],
    ['11 outputs', { outputs: Array.from({ length: 11 }, (_, i) => ({ name: `out${i}`, location: loc(`out${i}/`) })) }, /the job has 11 outputs: at most 10/],
    ['an input destination outside /opt/ml/processing/', { inputs: [{ name: 'raw', location: loc('raw/'), destination: '/data/raw' }] }, /input 'raw' destination '\/data\/raw' must be under \/opt\/ml\/processing\//],
    ['an output source outside /opt/ml/processing/', { outputs: [{ name: 'train', location: loc('train/'), source: '/opt/ml/output' }] }, /output 'train' source '\/opt\/ml\/output' must be under \/opt\/ml\/processing\//],
    ['an invalid input name', { inputs: [{ name: 'raw data', location: loc('raw/') }] }, /invalid input name 'raw data'/],
    ['a training-only instance type', { resources: { instanceType: InstanceType.of('ml.p4d.24xlarge') } }, /invalid resources.instanceType 'ml.p4d.24xlarge': not a processing instance type/],
    ['a hosting-only instance type', { resources: { instanceType: InstanceType.ML_T2_MEDIUM } }, /invalid resources.instanceType 'ml.t2.medium': not a processing instance type/],
    ['maxRuntime over 7 days', { maxRuntime: Duration.days(8) }, /invalid maxRuntime 8 days: use whole seconds from 1 to 604800/],
    ['an instance count over 100', { resources: { instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 101 } }, /invalid resources.instanceCount 101: use a whole number from 1 to 100/],
    ['a bad S3 URI', { outputs: [{ name: 'train', location: S3Location.fromUri('https://example.com/train') }] }, /invalid location of output 'train' 'https:\/\/example.com\/train': use an s3:\/\/bucket\/prefix URI/],
    ['a bad environment key', { environment: { 'BAD-KEY': 'x' } }, /invalid environment key 'BAD-KEY'/],
  ])('%s', (_, overrides, error) => {
    expect(() => render(preprocessing(data, overrides))).toThrow(error);
  });

  test('every problem at once, with the path of the rendering construct', () => {
    expect(() => render(preprocessing(data, { maxRuntime: Duration.days(8), outputs: [{ name: 'o', location: loc('o/') }, { name: 'o', location: loc('p/') }] })))
      .toThrow(/^\[Test\] 2 problems in the processing spec:/);
    void stack;
  });
});

describe('ProcessingJob', () => {
  const { stack, data } = setup();
  const spec = preprocessing(data, { environment: { TRAIN_RATIO: '0.8' }, tags: { team: 'ml' } });
  const job = new ProcessingJob(stack, 'Preprocess', { spec });
  const json = Template.fromStack(stack).toJSON();
  const template = Template.fromStack(stack);
  const [logicalId, resource] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'AWS::SageMaker::ProcessingJob')!;
  const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the processing job Test/Preprocess' } }))[0];

  test('an AWS::SageMaker::ProcessingJob whose properties are the rendered request, without a job name', () => {
    expect(resource.Properties).toEqual(stack.resolve(spec.render(job, { role: job.role })));
    expect(resource.Properties.ProcessingJobName).toBeUndefined();
    expect(resource.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(resource.Properties.ProcessingInputs.map((i: any) => i.InputName)).toEqual(['raw', 'code']);
    expectValidSageMakerRequest('CreateProcessingJob', resource.Properties, { allowMissing: ['ProcessingJobName'] });
    // The native resource: no custom-resource provider.
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('a new least-privilege role: managed policy with the grants, no inline or AWS managed policy; the job depends on it', () => {
    const role: any = json.Resources[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [policyId, policy] = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy')).find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    expect(text).toContain('/raw/churn/*');
    expect(text).toContain('/processed/train/*');
    expect(text).toMatch(ASSETS_BUCKET);
    expect(text).toContain('log-group:/aws/sagemaker/ProcessingJobs*');
    expect(resource.DependsOn).toContain(policyId);
  });

  test('attributes', () => {
    expect(stack.resolve(job.processingJobArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'ProcessingJobArn'] });
    expect(job.resource.cfnResourceType).toBe('AWS::SageMaker::ProcessingJob');
    expect(job.grantPrincipal).toBeDefined();
  });

  test('a role of your own receives the grants; the job depends on its policy', () => {
    const s = plainStack();
    const d = new DataBucket(s, 'Data');
    const role = new iam.Role(s, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const j = new ProcessingJob(s, 'Preprocess', { spec: preprocessing(d), role });
    expect(j.role).toBe(role);
    const t = Template.fromStack(s).toJSON();
    const policyId = s.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy);
    expect(JSON.stringify(t.Resources[policyId])).toContain('/processed/train/*');
    const r: any = Object.values(t.Resources).find((x: any) => x.Type === 'AWS::SageMaker::ProcessingJob');
    expect(r.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MyRole/), 'Arn'] });
    expect(r.DependsOn).toContain(policyId);
  });

  test('spec problems surface with the path of the ProcessingJob', () => {
    const s = plainStack();
    expect(() => new ProcessingJob(s, 'Preprocess', { spec: preprocessing(new DataBucket(s, 'Data'), { maxRuntime: Duration.days(8) }) }))
      .toThrow(/^\[Test\/Preprocess\] invalid maxRuntime 8 days/);
  });
});

describe('ProcessingJob validity', () => {
  test('a stack with a DataBucket and a ProcessingJob (output and volume key, network isolation) has no cdk-nag or CloudFormation validation finding', () => {
    const stack: Stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const key = new kms.Key(stack, 'JobKey', { enableKeyRotation: true });
    new ProcessingJob(stack, 'Preprocess', {
      spec: preprocessing(data, {
        environment: { TRAIN_RATIO: '0.8' }, tags: { team: 'ml' }, outputKey: key,
        resources: { instanceType: InstanceType.ML_M5_XLARGE, volumeKey: key, volumeSizeGb: 20 },
        network: { networkIsolation: true, interContainerEncryption: true },
      }),
    });
    expectNoFindings(stack);
  });
});
