import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, Framework, ImageScope, InstanceType, LatestApprovedModelPackage, ModelRegistry, S3Location,
  TrainingJob, TrainingSpec,
} from '../../../constructs';
import { Model, ModelContainer, ModelData, ModelProps } from '../../../constructs/hosting';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const ENV = { account: '111122223333', region: 'us-east-1' };
const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');

function modelResource(stack: Stack, id = 'Model'): { logicalId: string; resource: any } {
  const template = Template.fromStack(stack).toJSON();
  const entries = Object.entries<any>(template.Resources).filter(([logicalId, r]) => r.Type === 'AWS::SageMaker::Model' && logicalId.startsWith(id));
  expect(entries).toHaveLength(1);
  return { logicalId: entries[0][0], resource: entries[0][1] };
}

function managedPolicyOf(template: Template, roleLogicalId: string): any {
  const policies = Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]));
  expect(policies).toHaveLength(1);
  return { logicalId: policies[0][0], policy: policies[0][1] };
}

const actionsOf = (s: any): string[] => ([] as string[]).concat(s.Action);

/** A model in a fresh stack, with a DataBucket for its data. */
function modelStack(props: Partial<ModelProps> = {}, stackProps = {}) {
  const stack = plainStack('Test', stackProps);
  const data = new DataBucket(stack, 'Data');
  const model = new Model(stack, 'Model', {
    containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }],
    ...props,
  });
  return { stack, data, model };
}

function tarGz(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-data-'));
  const file = path.join(dir, 'model.tar.gz');
  fs.writeFileSync(file, Buffer.from('1f8b0800000000000003030000000000000000', 'hex'));
  return file;
}

describe('Model defaults', () => {
  const { stack, model } = modelStack();
  const template = Template.fromStack(stack);
  const { resource } = modelResource(stack);
  const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'sagemaker.amazonaws.com' } })] } } });
  const roleId = Object.keys(roles)[0];
  const { logicalId: policyId, policy } = managedPolicyOf(template, roleId);
  const statements: any[] = policy.Properties.PolicyDocument.Statement;

  test('one container renders PrimaryContainer, a valid CreateModel request', () => {
    const props = stack.resolve(resource.Properties);
    expect(props.PrimaryContainer).toEqual({
      Image: { 'Fn::Join': ['', [{ 'Fn::FindInMap': [expect.stringMatching(/^SageMakerImageRegistry/), { Ref: 'AWS::Region' }, 'account'] }, '.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/sagemaker-xgboost:1.7-1']] },
      ModelDataUrl: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/models/model.tar.gz']] },
    });
    expect(props.Containers).toBeUndefined();
    expect(props.InferenceExecutionConfig).toBeUndefined();
    expect(props.VpcConfig).toBeUndefined();
    expect(props.EnableNetworkIsolation).toBeUndefined();
    expect(props.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expectValidSageMakerRequest('CreateModel', props);
  });

  test('the generated name is <construct path>-<10 hex content hash>, lower case, at most 63 characters', () => {
    const name = stack.resolve(model.modelName);
    expect(name).toMatch(/^test-model-[0-9a-f]{8}-[0-9a-f]{10}$/);
    expect(name.length).toBeLessThanOrEqual(63);
    expect(resource.Properties.ModelName).toBe(name);
    expect(stack.resolve(model.modelArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:model/${name}`]] });
  });

  test('a new least-privilege role trusted by SageMaker: no inline or AWS managed policy', () => {
    expect(Object.keys(roles)).toHaveLength(1);
    expect(roles[roleId].Properties.ManagedPolicyArns).toBeUndefined();
    expect(roles[roleId].Properties.Policies).toBeUndefined();
    expect(roles[roleId].Properties.Description).toBe('Runs the containers of the SageMaker model Test/Model');
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(model.role).toBeDefined();
    expect(stack.resolve(model.role.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test('the role reads exactly the model data folder (and decrypts with the bucket key)', () => {
    const read = statements.find((s) => actionsOf(s).includes('s3:GetObject'));
    expect(read.Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/models/*']] });
    expect(statements.find((s) => actionsOf(s).includes('kms:Decrypt')).Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(statements.some((s) => actionsOf(s).some((a) => a.startsWith('s3:Put')))).toBe(false);
  });

  test('logs under /aws/sagemaker/Endpoints, metrics only in SageMaker namespaces, no ECR or ENI grants for an AWS image outside a VPC', () => {
    const logs = statements.find((s) => actionsOf(s).includes('logs:PutLogEvents'));
    expect(JSON.stringify(logs.Resource)).toContain(':log-group:/aws/sagemaker/Endpoints*');
    expect(statements.find((s) => actionsOf(s).includes('cloudwatch:PutMetricData')).Condition).toEqual({ StringLike: { 'cloudwatch:namespace': ['/aws/sagemaker/*', 'aws/sagemaker/*'] } });
    expect(statements.some((s) => actionsOf(s).some((a) => a.startsWith('ecr:') || a.startsWith('ec2:')))).toBe(false);
    for (const s of statements) for (const a of actionsOf(s)) expect(a).not.toMatch(/\*/);
  });

  test("the model depends on the role's policy: SageMaker checks access when it creates the model", () => {
    expect(resource.DependsOn).toEqual(expect.arrayContaining([policyId]));
  });
});

describe('Model options', () => {
  test('a serial inference pipeline: Containers, InferenceExecutionConfig Serial, host names and environments', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    new Model(stack, 'Model', {
      containers: [
        { image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.INFERENCE }), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'pre/model.tar.gz')), containerHostname: 'preprocess', environment: { SAGEMAKER_PROGRAM: 'pre.py' } },
        { image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'xgb/model.tar.gz')), containerHostname: 'predict' },
      ],
    });
    const props = stack.resolve(modelResource(stack).resource.Properties);
    expect(props.PrimaryContainer).toBeUndefined();
    expect(props.Containers).toHaveLength(2);
    expect(props.Containers[0]).toEqual(expect.objectContaining({ ContainerHostname: 'preprocess', Environment: { SAGEMAKER_PROGRAM: 'pre.py' } }));
    expect(props.Containers[1].ContainerHostname).toBe('predict');
    expect(props.InferenceExecutionConfig).toEqual({ Mode: 'Serial' });
    expectValidSageMakerRequest('CreateModel', props);
  });

  test('a model package container renders ModelPackageName and no image', () => {
    const stack = plainStack();
    const arn = 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3';
    new Model(stack, 'Model', { containers: [{ modelPackageArn: arn, environment: { MODE: 'fast' } }] });
    const props = stack.resolve(modelResource(stack).resource.Properties);
    expect(props.PrimaryContainer).toEqual({ ModelPackageName: arn, Environment: { MODE: 'fast' } });
    expectValidSageMakerRequest('CreateModel', props);
  });

  test('an image in your ECR repository: the role may pull from exactly that repository', () => {
    const stack = plainStack();
    const repo = new ecr.Repository(stack, 'Repo');
    const model = new Model(stack, 'Model', { containers: [{ image: ContainerImage.fromEcrRepository(repo, '1.0') }] });
    const template = Template.fromStack(stack);
    const { policy } = managedPolicyOf(template, stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId));
    const pull = policy.Properties.PolicyDocument.Statement.find((s: any) => actionsOf(s).includes('ecr:BatchGetImage'));
    expect(pull.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Repo/), 'Arn'] });
    expect(stack.resolve(modelResource(stack).resource.Properties.PrimaryContainer.Image)['Fn::Join'][1]).toContain(':1.0');
  });

  test('in a VPC: VpcConfig with the isolated subnets and security groups; ENI permissions limited to that VPC', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], maxAzs: 2 });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc });
    const model = new Model(stack, 'Model', { containers: [{ image: XGBOOST }], vpc, securityGroups: [sg], networkIsolation: true });
    const props = stack.resolve(modelResource(stack).resource.Properties);
    expect(props.VpcConfig).toEqual({
      SecurityGroupIds: [{ 'Fn::GetAtt': [expect.stringMatching(/^Sg/), 'GroupId'] }],
      Subnets: [{ Ref: expect.stringMatching(/isolatedSubnet1/) }, { Ref: expect.stringMatching(/isolatedSubnet2/) }],
    });
    expect(props.EnableNetworkIsolation).toBe(true);
    expectValidSageMakerRequest('CreateModel', props);
    expect(model.vpc).toBe(vpc);
    expect(model.networkIsolation).toBe(true);
    const template = Template.fromStack(stack);
    const { policy } = managedPolicyOf(template, stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId));
    const eni = policy.Properties.PolicyDocument.Statement.find((s: any) => actionsOf(s).includes('ec2:CreateNetworkInterface'));
    expect(JSON.stringify(eni.Condition)).toContain(':vpc/');
    expect(JSON.stringify(eni.Condition)).toContain(stack.resolve(vpc.vpcId).Ref);
  });

  test('a role of yours is used as is, receives the grants, and the model depends on it and its policy', () => {
    const stack = plainStack();
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const data = new DataBucket(stack, 'Data');
    const model = new Model(stack, 'Model', { role, containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }] });
    expect(model.role).toBe(role);
    expect(model.grantPrincipal).toBe(role.grantPrincipal);
    const { resource } = modelResource(stack);
    expect(resource.Properties.ExecutionRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MyRole/), 'Arn'] });
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^MyRoleDefaultPolicy/), expect.stringMatching(/^MyRole/)]));
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', { Roles: [{ Ref: Match.stringLikeRegexp('^MyRole') }], PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['s3:GetObject']) })]) } });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 1);
  });

  test('an explicit model name is used as is; the ARN is lower case', () => {
    const { stack, model } = modelStack({ modelName: 'Churn-Model' });
    expect(modelResource(stack).resource.Properties.ModelName).toBe('Churn-Model');
    expect(JSON.stringify(stack.resolve(model.modelArn))).toContain(':model/churn-model');
  });
});

describe('Model of a model package: what SageMaker checks at CreateModel', () => {
  const ARN = 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3';
  const versions = (group: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:model-package/${group}/*`]] });
  const roleStatements = (stack: Stack, model: Model): any[] =>
    managedPolicyOf(Template.fromStack(stack), stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId)).policy.Properties.PolicyDocument.Statement;
  const accessWarnings = (stack: Stack) => Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('\\[ack: sagemaker-lifecycle-constructs:modelPackageAccess\\]')).map((w) => String(w.entry.data));

  test('without a registry: DescribeModelPackage on exactly that version, and a warning that the role cannot read its data', () => {
    const stack = plainStack();
    const model = new Model(stack, 'Model', { containers: [{ modelPackageArn: ARN }] });
    const s = roleStatements(stack, model);
    expect(s).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: ARN });
    expect(s.some((st) => actionsOf(st).some((a) => a.startsWith('s3:') || a.startsWith('kms:')))).toBe(false);
    const found = accessWarnings(stack);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain(`the model package of containers[0] ('${ARN}') brings model data (and an image) that the model's role may not read`);
    expect(found[0]).toContain('Pass the container\'s registry');
    expect(Annotations.fromStack(stack).findWarning('/Test/Model', Match.anyValue())).toHaveLength(1);
  });

  test('an unversioned package ARN: the package and its versions', () => {
    const stack = plainStack();
    const arn = 'arn:aws:sagemaker:us-east-1:865070037744:model-package/marketplace-package';
    const model = new Model(stack, 'Model', { containers: [{ modelPackageArn: arn }] });
    expect(roleStatements(stack, model)).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: [arn, `${arn}/*`] });
  });

  test('a deploy-time ARN (a parameter) passes the checks; the role may describe exactly that package', () => {
    const stack = plainStack();
    const arn = new CfnParameter(stack, 'PackageArn').valueAsString;
    const model = new Model(stack, 'Model', { containers: [{ modelPackageArn: arn }] });
    expect(roleStatements(stack, model)).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: { Ref: 'PackageArn' } });
    expect(stack.resolve(modelResource(stack).resource.Properties.PrimaryContainer)).toEqual({ ModelPackageName: { Ref: 'PackageArn' } });
  });

  test('with the registry: its versions, its artifacts (and key) and its image repository; no warning', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const repo = new ecr.Repository(stack, 'Repo');
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn', artifactsBucket: data, artifactsPrefix: 'models/', imageRepositories: [repo] });
    const model = new Model(stack, 'Model', { containers: [{ modelPackageArn: ARN, registry }] });
    const s = roleStatements(stack, model);
    expect(s).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: versions('churn') });
    expect(s.find((st) => actionsOf(st).includes('s3:GetObject')).Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/models/*']] });
    expect(s.find((st) => actionsOf(st).includes('kms:Decrypt')).Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] });
    expect(s.find((st) => actionsOf(st).includes('ecr:BatchGetImage')).Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Repo/), 'Arn'] });
    for (const st of s) for (const a of actionsOf(st)) expect(a).not.toMatch(/\*/);
    expect(accessWarnings(stack)).toEqual([]);
    // The model waits for these grants.
    expect(modelResource(stack).resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^ModelRolePolicy/)]));
  });

  test('the ARN of a LatestApprovedModelPackage brings its registry: its versions; a warning when the registry knows no artifacts', () => {
    const stack = plainStack();
    const latest = new LatestApprovedModelPackage(stack, 'Latest', { registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn') });
    const model = new Model(stack, 'Model', { containers: [{ modelPackageArn: latest.modelPackageArn }] });
    expect(roleStatements(stack, model)).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: versions('churn') });
    expect(accessWarnings(stack)).toHaveLength(1);
  });

  test('registry needs modelPackageArn, and a literal version ARN must be one of its versions', () => {
    const stack = plainStack();
    const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'fraud');
    expect(() => new Model(stack, 'NoArn', { containers: [{ image: XGBOOST, registry }] }))
      .toThrow(/\[Test\/NoArn\] containers\[0\] has registry Test\/Registry without modelPackageArn: .*give the version's modelPackageArn/);
    expect(() => new Model(stack, 'Other', { containers: [{ modelPackageArn: ARN, registry }] }))
      .toThrow(/\[Test\/Other\] containers\[0\]\.modelPackageArn 'arn:aws:sagemaker:us-east-1:111122223333:model-package\/churn\/3' is not a version of the registry 'fraud' it names: use an ARN ending in model-package\/fraud\/<version>/);
    expect(() => new Model(stack, 'Unversioned', { containers: [{ modelPackageArn: 'arn:aws:sagemaker:us-east-1:111122223333:model-package/fraud', registry }] }))
      .toThrow(/is not a version of the registry 'fraud'/);
  });
});

describe('ModelData', () => {
  test('fromAsset uploads a .tar.gz file as an asset and grants s3:GetObject on exactly that object', () => {
    const stack = plainStack();
    const file = tarGz();
    const model = new Model(stack, 'Model', { containers: [{ image: XGBOOST, modelData: ModelData.fromAsset(file) }] });
    const props = stack.resolve(modelResource(stack).resource.Properties);
    expect(JSON.stringify(props.PrimaryContainer.ModelDataUrl)).toMatch(/s3:\/\/.*cdk-hnb659fds-assets.*\/[0-9a-f]{64}\.gz/);
    const { policy } = managedPolicyOf(Template.fromStack(stack), stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId));
    const get = policy.Properties.PolicyDocument.Statement.find((s: any) => actionsOf(s).includes('s3:GetObject'));
    expect(get.Action).toBe('s3:GetObject');
    expect(JSON.stringify(get.Resource)).toMatch(/cdk-hnb659fds-assets.*\/[0-9a-f]{64}\.gz"/);
    expectValidSageMakerRequest('CreateModel', props);
  });

  test('fromAsset refuses a file that is not a .tar.gz, and a missing file', () => {
    const stack = plainStack();
    expect(() => new Model(stack, 'Zip', { containers: [{ image: XGBOOST, modelData: ModelData.fromAsset('/tmp/model.zip') }] }))
      .toThrow(/\[Test\/Zip\] invalid model data asset '\/tmp\/model\.zip': use a gzip-compressed tar archive whose name ends in '\.tar\.gz'/);
    expect(() => new Model(stack, 'Missing', { containers: [{ image: XGBOOST, modelData: ModelData.fromAsset('/nonexistent/model.tar.gz') }] }))
      .toThrow(/\[Test\/Missing\] model data asset '\/nonexistent\/model\.tar\.gz' is not a file: pass the path of an existing \.tar\.gz file/);
  });

  test('fromS3Location with a URI grants read on that key prefix; a key that is not a .tar.gz is refused', () => {
    const stack = plainStack();
    const model = new Model(stack, 'Model', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.fromUri('s3://my-models/churn/model.tar.gz')) }] });
    const { policy } = managedPolicyOf(Template.fromStack(stack), stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId));
    expect(JSON.stringify(policy)).toContain(':s3:::my-models/churn/model.tar.gz*');
    expect(() => new Model(stack, 'Zip', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.fromUri('s3://my-models/churn/model.zip')) }] }))
      .toThrow(/\[Test\/Zip\] invalid modelData location 's3:\/\/my-models\/churn\/model\.zip': SageMaker's ModelDataUrl must name one gzip-compressed tar archive, a key ending in '\.tar\.gz'/);
    expect(() => new Model(stack, 'Bad', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.fromUri('http://x/model.tar.gz')) }] }))
      .toThrow(/\[Test\/Bad\] invalid modelData location 'http:\/\/x\/model\.tar\.gz': use an s3:\/\/bucket\/prefix URI/);
    const data = new DataBucket(stack, 'Data');
    expect(() => new Model(stack, 'Folder', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/')) }] }))
      .toThrow(/\[Test\/Folder\] invalid modelData location .*a key ending in '\.tar\.gz'/);
  });

  test("fromTrainingJob uses the job's ModelDataUri, grants read on its output location, and a retrained job renames the model", () => {
    const build = (numRound: number) => {
      const stack = plainStack('Test', { env: ENV });
      const data = new DataBucket(stack, 'Data');
      const job = new TrainingJob(stack, 'Training', {
        spec: new TrainingSpec({
          image: XGBOOST,
          hyperparameters: { num_round: numRound },
          inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'train/'), contentType: 'text/csv' }],
          outputLocation: S3Location.inDataBucket(data, 'training-output/'),
          resources: { instanceType: InstanceType.ML_M5_XLARGE },
          maxRuntime: Duration.minutes(30),
        }),
      });
      const model = new Model(stack, 'Model', { containers: [{ image: XGBOOST, modelData: ModelData.fromTrainingJob(job) }] });
      return { stack, job, model };
    };
    const { stack, job, model } = build(50);
    // Resolved before synthesis, the name equals the one synthesis renders.
    const early = build(50);
    const earlyName = early.stack.resolve(early.model.modelName);
    const props = stack.resolve(modelResource(stack).resource.Properties);
    expect(props.PrimaryContainer.ModelDataUrl).toEqual(stack.resolve(job.modelDataUri));
    const { policy } = managedPolicyOf(Template.fromStack(stack), stack.resolve((model.role.node.defaultChild as iam.CfnRole).logicalId));
    expect(JSON.stringify(policy)).toContain('/training-output/*');
    // The ModelDataUri expression is the same for any job; the job's definition is part of the hash.
    expect(props.ModelName).toBe(earlyName);
    expect(stack.resolve(model.modelName)).toBe(earlyName);
    const retrained = build(80);
    expect(retrained.stack.resolve(retrained.model.modelName)).not.toBe(earlyName);
  });
});

describe('Model names follow the definition', () => {
  const nameOf = (props: Partial<ModelProps>) => {
    const { stack, model } = modelStack(props);
    return stack.resolve(model.modelName) as string;
  };

  test('equal definitions give equal names; a changed definition gives a new name with the same prefix', () => {
    const base = nameOf({});
    expect(nameOf({})).toBe(base);
    const changed = nameOf({ containers: [{ image: XGBOOST, environment: { A: '1' } }] });
    expect(changed).not.toBe(base);
    expect(changed.slice(0, -10)).toBe(base.slice(0, -10));
    expect(nameOf({ networkIsolation: true })).not.toBe(base);
  });
});

describe('Model validation', () => {
  const image = XGBOOST;
  const attempt = (props: Partial<ModelProps>) => () => new Model(plainStack(), 'Model', { containers: [{ image }], ...props } as ModelProps);

  test('container count: 1 to 15', () => {
    expect(attempt({ containers: [] })).toThrow(/\[Test\/Model\] containers has 0 entries: a model needs 1 container, or 2 to 15 for a serial inference pipeline/);
    const sixteen: ModelContainer[] = Array.from({ length: 16 }, () => ({ image }));
    expect(attempt({ containers: sixteen })).toThrow(/containers has 16 entries: a model needs 1 container, or 2 to 15/);
  });

  test('image, model package and model data are exclusive as SageMaker requires', () => {
    const arn = 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3';
    expect(attempt({ containers: [{ image, modelPackageArn: arn }] })).toThrow(/containers\[0\] has both image and modelPackageArn 'arn:aws:sagemaker:us-east-1:111122223333:model-package\/churn\/3': a model package brings its own image and data; give one of them/);
    expect(attempt({ containers: [{ environment: { A: 'b' } }] })).toThrow(/containers\[0\] has neither image nor modelPackageArn: give the inference image/);
    expect(attempt({ containers: [{ modelPackageArn: arn, modelData: ModelData.fromS3Location(S3Location.fromUri('s3://model-bucket/model.tar.gz')) }] }))
      .toThrow(/containers\[0\] has modelData without image: model data belongs to an image/);
    expect(attempt({ containers: [{ modelPackageArn: 'churn:3' }] })).toThrow(/invalid containers\[0\]\.modelPackageArn 'churn:3': expected arn:<partition>:sagemaker:<region>:<account>:model-package\/<name>\[\/<version>\]/);
  });

  test('host names: pattern and uniqueness', () => {
    expect(attempt({ containers: [{ image, containerHostname: '-bad' }] })).toThrow(/invalid containers\[0\]\.containerHostname '-bad' \(length 4\): use 1-63 letters, digits or hyphens/);
    expect(attempt({ containers: [{ image, containerHostname: 'a' }, { image, containerHostname: 'a' }] })).toThrow(/containers\[1\]\.containerHostname 'a' is used twice: container host names must be unique within a model/);
  });

  test('environment: at most 100 entries, key pattern, value length', () => {
    const many = Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`K${i}`, 'v']));
    expect(attempt({ containers: [{ image, environment: many }] })).toThrow(/containers\[0\]\.environment has 101 entries: at most 100 are allowed/);
    expect(attempt({ containers: [{ image, environment: { '1BAD': 'x' } }] })).toThrow(/invalid containers\[0\]\.environment key '1BAD': use at most 1024 characters matching/);
    expect(attempt({ containers: [{ image, environment: { LONG: 'x'.repeat(1025) } }] })).toThrow(/containers\[0\]\.environment 'LONG' is 1025 characters long: at most 1024/);
  });

  test('model name: the SageMaker name rule', () => {
    expect(attempt({ modelName: 'bad_name' })).toThrow(/\[Test\/Model\] invalid modelName 'bad_name' \(length 8\): use 1-63 letters, digits or hyphens/);
    expect(attempt({ modelName: 'x'.repeat(64) })).toThrow(/invalid modelName 'x{64}' \(length 64\)/);
  });

  test('network: security groups need a VPC; a VPC needs 1 to 5 security groups', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }], maxAzs: 2 });
    const sgs = Array.from({ length: 6 }, (_, i) => new ec2.SecurityGroup(stack, `Sg${i}`, { vpc }));
    expect(() => new Model(stack, 'NoVpc', { containers: [{ image }], securityGroups: [sgs[0]] })).toThrow(/\[Test\/NoVpc\] securityGroups\/vpcSubnets were given without vpc: pass the VPC they belong to/);
    expect(() => new Model(stack, 'NoSg', { containers: [{ image }], vpc })).toThrow(/\[Test\/NoSg\] a model in a VPC needs 1 to 5 securityGroups, got 0: pass securityGroups/);
    expect(() => new Model(stack, 'SixSg', { containers: [{ image }], vpc, securityGroups: sgs })).toThrow(/a model in a VPC needs 1 to 5 securityGroups, got 6/);
  });

  test('several problems are reported at once', () => {
    expect(attempt({ modelName: 'bad_name', containers: [{ image, containerHostname: '-x' }] })).toThrow(/2 problems in Model props:\n {2}- invalid modelName 'bad_name'.*\n {2}- invalid containers\[0\]\.containerHostname '-x'/);
  });
});

describe('Model imports', () => {
  test('fromModelName and fromModelArn', () => {
    const stack = plainStack('Test', { env: ENV });
    const byName = Model.fromModelName(stack, 'ByName', 'Churn');
    expect(byName.modelName).toBe('Churn');
    expect(stack.resolve(byName.modelArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:us-east-1:111122223333:model/churn']] });
    expect(byName.modelRef.modelArn).toBe(byName.modelArn);
    const byArn = Model.fromModelArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111122223333:model/churn');
    expect(byArn.modelName).toBe('churn');
    expect(byArn.grantPrincipal).toBeInstanceOf(iam.UnknownPrincipal);
  });

  test('fromModelAttributes with a role: grants go to that role', () => {
    const stack = plainStack('Test', { env: ENV });
    const role = iam.Role.fromRoleArn(stack, 'Role', 'arn:aws:iam::111122223333:role/model-role');
    const model = Model.fromModelAttributes(stack, 'Imported', { modelName: 'churn', role });
    expect(model.grantPrincipal).toBe(role);
  });
});

describe('Model validity', () => {
  test('models (AWS image, ECR image with asset data, VPC with network isolation, registered version) pass cdk-nag and CloudFormation validation', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    new Model(stack, 'Xgboost', { containers: [{ image: XGBOOST, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')) }] });
    const repo = new ecr.Repository(stack, 'Repo', { imageScanOnPush: true });
    new Model(stack, 'Custom', { containers: [{ image: ContainerImage.fromEcrRepository(repo, '1.0'), modelData: ModelData.fromAsset(tarGz()) }] });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a', 'us-east-1b'], isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'], isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'] });
    const sg = new ec2.SecurityGroup(stack, 'Sg', { vpc, allowAllOutbound: false });
    new Model(stack, 'Isolated', { containers: [{ image: XGBOOST }], vpc, securityGroups: [sg], networkIsolation: true });
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn', artifactsBucket: data, artifactsPrefix: 'models/', imageRepositories: [repo] });
    new Model(stack, 'Package', { containers: [{ modelPackageArn: 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3', registry }] });
    expectNoFindings(stack);
  });
});

describe('Model images for serving', () => {
  test('a training-scope framework image is refused, naming the image', () => {
    const stack = new Stack(new App(), 'Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    expect(() => new Model(stack, 'M', { containers: [{ image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }) }] }))
      .toThrow(/^\[Test\/M\] containers\[0\]\.image is .*\(training\), not an inference image: use scope ImageScope.INFERENCE/);
  });
});
