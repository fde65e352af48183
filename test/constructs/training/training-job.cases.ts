import { App, Aws, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, IDataBucket, InstanceType, S3Location, TrainingJob, TrainingJobProps, TrainingSpec, TrainingSpecProps,
} from '../../../constructs';
import { JOB_NAME_BUDGETS } from '../../../constructs/private/deploy-time-job';
import { JOB_NAME_LIMITS, MAX_JOB_ATTEMPTS } from '../../../constructs/training/handlers/sagemaker-job';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const ENV = { account: '111122223333', region: 'us-east-1' };

function xgboost(data: IDataBucket, overrides: Partial<TrainingSpecProps> = {}): TrainingSpec {
  return new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
    hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 50 },
    inputs: [
      { name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv' },
      { name: 'validation', location: S3Location.inDataBucket(data, 'processed/validation/'), contentType: 'text/csv' },
    ],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(30),
    ...overrides,
  });
}

/** A stack with a DataBucket and a TrainingJob (in a new App each time). */
function trainingStack(options: Omit<TrainingJobProps, 'spec'> = {}, spec: Partial<TrainingSpecProps> = {}, id = 'Training', props = {}) {
  const stack = plainStack('Test', props);
  const data = new DataBucket(stack, 'Data');
  const job = new TrainingJob(stack, id, { spec: xgboost(data, spec), ...options });
  return { stack, data, job };
}

/**
 * The request a deploy-time job custom resource sends: its `Request` property is a JSON string that
 * CloudFormation assembles with Fn::Join. Each intrinsic part becomes a placeholder `@@<n>@@`
 * (`intrinsics[n]` is the part), so the JSON parses and its shape can be validated.
 */
function renderedRequest(template: any, type: string) {
  const entries = Object.entries<any>(template.Resources).filter(([, r]) => r.Type === type);
  expect(entries).toHaveLength(1);
  const [logicalId, resource] = entries[0];
  const raw = resource.Properties.Request;
  const intrinsics: unknown[] = [];
  let text: string;
  if (typeof raw === 'string') {
    text = raw;
  } else {
    expect(Object.keys(raw)).toEqual(['Fn::Join']);
    const [separator, parts] = raw['Fn::Join'];
    text = parts.map((part: unknown) => typeof part === 'string' ? part : `@@${intrinsics.push(part) - 1}@@`).join(separator);
  }
  const request = JSON.parse(text);
  /** The intrinsic a value that is exactly one placeholder stands for. */
  const intrinsic = (value: string): unknown => {
    const m = /^@@(\d+)@@$/.exec(value);
    return m ? intrinsics[Number(m[1])] : undefined;
  };
  return { logicalId, resource, request, intrinsics, intrinsic };
}

/** The NameBase property of the stack's one training job custom resource. */
function nameBaseOf(stack: Stack): string {
  const { resource } = renderedRequest(Template.fromStack(stack).toJSON(), 'Custom::SageMakerTrainingJob');
  return resource.Properties.NameBase;
}

/** Placeholders are deploy-time values: the API model cannot check them. */
const isPlaceholder = (value: unknown) => typeof value === 'string' && /@@\d+@@/.test(value);

function managedPolicyOf(template: Template, roleLogicalId: string): any {
  const policies = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleLogicalId }]));
  expect(policies).toHaveLength(1);
  return policies[0];
}

/** Every statement of the provider's role (its policies are split by the resources they name). */
function providerStatements(template: Template): any[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the SageMaker constructs custom-resource handlers' } });
  expect(Object.keys(roles)).toHaveLength(1);
  return Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: Object.keys(roles)[0] }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('TrainingJob defaults', () => {
  const { stack, job } = trainingStack();
  const json = Template.fromStack(stack).toJSON();
  const template = Template.fromStack(stack);
  const { logicalId, resource, request, intrinsic } = renderedRequest(json, 'Custom::SageMakerTrainingJob');
  const roles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'sagemaker.amazonaws.com' } }] } } });
  const roleId = Object.keys(roles)[0];

  test('renders a Custom::SageMakerTrainingJob whose Request is a valid CreateTrainingJob request without a name, and a NameBase', () => {
    expect(resource.Properties.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SageMakerConstructsProvider/), 'Arn'] });
    expect(Object.keys(resource.Properties).sort()).toEqual(['NameBase', 'Request', 'ServiceTimeout', 'ServiceToken']);
    // CloudFormation's hour, set explicitly; the provider gives up after 55 minutes.
    expect(resource.Properties.ServiceTimeout).toBe('3600');
    expect(resource.Properties.Request['Fn::Join']).toBeDefined();
    // The handler names the job from the resolved values.
    expect(request.TrainingJobName).toBeUndefined();
    expectValidSageMakerRequest('CreateTrainingJob', request, { isDeferred: isPlaceholder, allowMissing: ['TrainingJobName'] });
    expect(intrinsic(request.RoleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
    expect(request.AlgorithmSpecification.TrainingImage).toMatch(/^@@\d+@@\.dkr\.ecr\.@@\d+@@\.@@\d+@@\/sagemaker-xgboost:1\.7-1$/);
    expect(request.HyperParameters).toEqual({ objective: 'binary:logistic', eval_metric: 'auc', num_round: '50' });
    expect(request.InputDataConfig.map((c: any) => c.ChannelName)).toEqual(['train', 'validation']);
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1800 });
  });

  test('the NameBase is <prefix>-<10 hex>, derived from the construct path, short enough for every name the handler makes of it', () => {
    const base = resource.Properties.NameBase;
    expect(base).toMatch(/^test-training-[0-9a-f]{8}-[0-9a-f]{10}$/);
    expect(base.length).toBeLessThanOrEqual(JOB_NAME_LIMITS.training.maxBaseLength);
    // <base>-<8 hex>-r20
    expect(`${base}-${'0'.repeat(JOB_NAME_LIMITS.training.resolvedHashLength)}-r${MAX_JOB_ATTEMPTS}`.length).toBeLessThanOrEqual(63);
  });

  test('a new least-privilege role: a customer-managed policy, no inline policy, no AWS managed policy', () => {
    expect(Object.keys(roles)).toHaveLength(1);
    const role: any = roles[roleId];
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    expect(role.Properties.Description).toBe('Runs the training job Test/Training');
    const inline = Object.values<any>(template.findResources('AWS::IAM::Policy')).filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId));
    expect(inline).toEqual([]);
    const text = JSON.stringify(managedPolicyOf(template, roleId));
    expect(text).toContain('/processed/train/*');
    expect(text).toContain('/processed/validation/*');
    expect(text).toContain('/models/*');
    expect(text).toContain('log-group:/aws/sagemaker/TrainingJobs*');
    expect(stack.resolve(job.role.roleArn)).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  test("the provider's role may create, describe and stop the jobs named <NameBase>-*, and pass exactly its role to SageMaker, named without a reference", () => {
    const statements = providerStatements(template);
    const control = statements.filter((s) => ([] as string[]).concat(s.Action).includes('sagemaker:CreateTrainingJob'));
    expect(control).toHaveLength(1);
    expect(([] as string[]).concat(control[0].Action)).toEqual(expect.arrayContaining(['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']));
    expect(control[0].Resource).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, `:training-job/${prefixOf(resource.Properties.NameBase)}-*`]],
    });
    // The job's role has a physical name `<path>-<hash>-<region>`, so the grant names it without a
    // reference: the provider's policies wait for no job's role.
    const roleName = roles[roleId].Properties.RoleName;
    expect(roleName).toEqual({ 'Fn::Join': ['', [expect.stringMatching(/^test-training-[0-9a-f]{8}-$/), { Ref: 'AWS::Region' }]] });
    expect(roleName['Fn::Join'][1][0].length + 16).toBeLessThanOrEqual(64);
    expect(statements).toContainEqual({
      Action: 'iam:PassRole',
      Effect: 'Allow',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, `:role/${roleName['Fn::Join'][1][0]}`, { Ref: 'AWS::Region' }]] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    });
    // and the custom resource waits for the provider policies holding them, not for the job role's
    const holding = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::ManagedPolicy' && JSON.stringify(r.Properties.PolicyDocument).includes('sagemaker:CreateTrainingJob'));
    expect(holding).toHaveLength(1);
    expect(resource.DependsOn).toContain(holding[0][0]);
  });

  test("the custom resource depends on the role's policy, so the job starts only once its role can read the data", () => {
    const policyId = Object.keys(template.findResources('AWS::IAM::ManagedPolicy')).find((id) => managedPolicyOf(template, roleId) === json.Resources[id]);
    expect(policyId).toBeDefined();
    expect(resource.DependsOn).toContain(policyId);
  });

  test('attributes are GetAtts of the custom resource, the job name included (the name of the job that actually ran)', () => {
    expect(stack.resolve(job.trainingJobName)).toEqual({ 'Fn::GetAtt': [logicalId, 'TrainingJobName'] });
    expect(stack.resolve(job.trainingJobArn)).toEqual({ 'Fn::GetAtt': [logicalId, 'TrainingJobArn'] });
    expect(stack.resolve(job.modelDataUri)).toEqual({ 'Fn::GetAtt': [logicalId, 'ModelDataUri'] });
    expect(stack.resolve(job.metric('validation:auc'))).toEqual({ 'Fn::GetAtt': [logicalId, 'Metric_validation_auc'] });
    expect(stack.resolve(job.metric('train-loss.avg'))).toEqual({ 'Fn::GetAtt': [logicalId, 'Metric_train_loss_avg'] });
    expect(job.grantPrincipal).toBeDefined();
    expect(job.spec.props.maxRuntime?.toMinutes()).toBe(30);
  });
});

describe('TrainingJob naming (the NameBase; the handler appends a hash of the resolved request and the stack id)', () => {
  const name = (options: Omit<TrainingJobProps, 'spec'> = {}, spec: Partial<TrainingSpecProps> = {}, id?: string) => nameBaseOf(trainingStack(options, spec, id).stack);
  const base = name();

  test("the construct's budgets match the handler's", () => {
    expect(JOB_NAME_BUDGETS.training.maxBaseLength).toBe(JOB_NAME_LIMITS.training.maxBaseLength);
    expect(JOB_NAME_BUDGETS.tuning.maxBaseLength).toBe(JOB_NAME_LIMITS.tuning.maxBaseLength);
    expect(JOB_NAME_BUDGETS.compilation.maxBaseLength).toBe(JOB_NAME_LIMITS.compilation.maxBaseLength);
  });

  test('deterministic: the same spec in a new app gets the same name', () => {
    expect(name()).toBe(base);
  });

  test('a changed spec gets a new name (and trains anew); so does a new runId', () => {
    const changedSpec = name({}, { hyperparameters: { objective: 'binary:logistic', eval_metric: 'auc', num_round: 51 } });
    const changedRuntime = name({}, { maxRuntime: Duration.minutes(31) });
    const rerun = name({ runId: '2' });
    expect(new Set([base, changedSpec, changedRuntime, rerun]).size).toBe(4);
    for (const n of [changedSpec, changedRuntime, rerun]) expect(n).toMatch(/^test-training-[0-9a-f]{8}-[0-9a-f]{10}$/);
    expect(name({ runId: '2' })).toBe(rerun);
  });

  test('jobNamePrefix replaces the derived prefix; the hash is unchanged', () => {
    const named = name({ jobNamePrefix: 'churn-xgb' });
    expect(named).toBe(`churn-xgb-${base.slice(-10)}`);
    expect(name({ jobNamePrefix: 'x'.repeat(39) })).toHaveLength(JOB_NAME_LIMITS.training.maxBaseLength);
  });

  test('a deep or long construct path still yields a valid NameBase that fits the budget', () => {
    const long = name({}, {}, 'ModelTraining'.repeat(8));
    expect(long.length).toBeLessThanOrEqual(JOB_NAME_LIMITS.training.maxBaseLength);
    expect(long).toMatch(/^[a-z0-9](-*[a-z0-9])*$/);
  });

  test.each([
    ['an underscore', 'churn_xgb'],
    ['a trailing hyphen', 'churn-'],
    ['a leading hyphen', '-churn'],
    ['40 characters', 'x'.repeat(40)],
    ['an empty prefix', ''],
  ])('jobNamePrefix with %s throws', (_, prefix) => {
    expect(() => trainingStack({ jobNamePrefix: prefix })).toThrow(/^\[Test\/Training\] invalid jobNamePrefix '.*': use 1-39 letters, digits or hyphens/);
  });

  test('a deploy-time jobNamePrefix throws: the prefix scopes the IAM resource the provider may act on', () => {
    const stack = plainStack('Test');
    const data = new DataBucket(stack, 'Data');
    expect(() => new TrainingJob(stack, 'Training', { spec: xgboost(data), jobNamePrefix: Aws.STACK_NAME }))
      .toThrow(/^\[Test\/Training\] jobNamePrefix must be a literal string/);
  });
});

describe('TrainingJob with a role of your own', () => {
  test('grants go to that role; the provider passes that role; the custom resource depends on its policy', () => {
    const stack = plainStack('Test', { env: ENV });
    const data = new DataBucket(stack, 'Data');
    const role = new iam.Role(stack, 'MyRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const job = new TrainingJob(stack, 'Training', { spec: xgboost(data), role, jobNamePrefix: 'Churn' });
    const json = Template.fromStack(stack).toJSON();
    const template = Template.fromStack(stack);
    expect(job.role).toBe(role);
    // No role other than the user's (and the provider's) exists.
    const sageMakerRoles = template.findResources('AWS::IAM::Role', { Properties: { AssumeRolePolicyDocument: { Statement: [{ Principal: { Service: 'sagemaker.amazonaws.com' } }] } } });
    expect(Object.keys(sageMakerRoles)).toEqual([stack.getLogicalId(role.node.defaultChild as iam.CfnRole)]);
    const policyId = stack.getLogicalId(role.node.findChild('DefaultPolicy').node.defaultChild as iam.CfnPolicy);
    expect(JSON.stringify(json.Resources[policyId].Properties.PolicyDocument)).toContain('/processed/train/*');

    const { resource, request, intrinsic } = renderedRequest(json, 'Custom::SageMakerTrainingJob');
    expect(intrinsic(request.RoleArn)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^MyRole/), 'Arn'] });
    expect(resource.DependsOn).toContain(policyId);
    // A concrete environment: the image is a literal URI.
    expect(request.AlgorithmSpecification.TrainingImage).toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
    expectValidSageMakerRequest('CreateTrainingJob', request, { isDeferred: isPlaceholder, allowMissing: ['TrainingJobName'] });

    // The name keeps the prefix's case; the IAM resource is lower case, as SageMaker reports ARNs.
    const base = resource.Properties.NameBase;
    expect(base).toMatch(/^Churn-[0-9a-f]{10}$/);
    const statements = providerStatements(template);
    const control = statements.find((s) => ([] as string[]).concat(s.Action).includes('sagemaker:CreateTrainingJob'));
    expect(control.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:sagemaker:us-east-1:111122223333:training-job/${prefixOf(base).toLowerCase()}-*`]] });
    expect(JSON.stringify(control.Resource)).not.toContain('/Churn-');
    expect(statements).toContainEqual(expect.objectContaining({
      Action: 'iam:PassRole',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^MyRole/), 'Arn'] },
      Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }));
  });

  test.each([false, true])('an imported role: grants land in its attached policy, which the custom resource depends on (stack-safe policy name %s)', (stackSafe) => {
    const stack = new Stack(new App({ context: { '@aws-cdk/aws-iam:importedRoleStackSafeDefaultPolicyName': stackSafe } }), 'Test');
    const data = new DataBucket(stack, 'Data');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/training');
    new TrainingJob(stack, 'Training', { spec: xgboost(data), role });
    const json = Template.fromStack(stack).toJSON();
    const policies = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles) === '["training"]');
    expect(policies).toHaveLength(1);
    expect(JSON.stringify(policies[0][1].Properties.PolicyDocument)).toContain('/models/*');
    const { resource } = renderedRequest(json, 'Custom::SageMakerTrainingJob');
    expect(resource.DependsOn).toContain(policies[0][0]);
  });
});

describe('TrainingJob waits at most 50 minutes (CloudFormation waits an hour for a custom resource)', () => {
  test('a maxRuntime over 50 minutes throws, naming the construct path, the value and the pipeline alternative', () => {
    expect(() => trainingStack({}, { maxRuntime: Duration.minutes(51) }))
      .toThrow(/^\[Test\/Training\] the spec may run 3060 s \(maxRuntime\), but a deploy-time TrainingJob waits at most 3000 s \(50 minutes: CloudFormation waits at most an hour for a custom resource\).*pipeline TrainingStep/);
  });

  test('the spec\'s default maxRuntime (1 hour) is too long for a deploy-time job; exactly 50 minutes is accepted', () => {
    expect(() => trainingStack({}, { maxRuntime: undefined })).toThrow(/the spec may run 3600 s \(maxRuntime\)/);
    expect(() => trainingStack({}, { maxRuntime: Duration.minutes(50) })).not.toThrow();
  });

  test('spot: the wait counts, whether given or defaulted to twice the runtime', () => {
    expect(() => trainingStack({}, { maxRuntime: Duration.minutes(30), spot: { maxWaitTime: Duration.minutes(60) }, allowSpotWithoutCheckpoint: true }))
      .toThrow(/^\[Test\/Training\] the spec may run 3600 s \(maxRuntime plus spot wait\)/);
    expect(() => trainingStack({}, { maxRuntime: Duration.minutes(30), spot: {}, allowSpotWithoutCheckpoint: true }))
      .toThrow(/the spec may run 3600 s \(maxRuntime plus spot wait\)/);
    const { stack } = trainingStack({}, { maxRuntime: Duration.minutes(20), spot: { maxWaitTime: Duration.minutes(50) }, allowSpotWithoutCheckpoint: true });
    const { request } = renderedRequest(Template.fromStack(stack).toJSON(), 'Custom::SageMakerTrainingJob');
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 1200, MaxWaitTimeInSeconds: 3000 });
    expect(request.EnableManagedSpotTraining).toBe(true);
  });

  test('spec problems surface with the path of the TrainingJob', () => {
    expect(() => trainingStack({}, { retryAttempts: 0 })).toThrow(/^\[Test\/Training\] invalid retryAttempts 0/);
  });
});

describe('TrainingJob validity', () => {
  test('a stack with a DataBucket and a TrainingJob has no cdk-nag or CloudFormation validation finding', () => {
    const stack: Stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const job = new TrainingJob(stack, 'Training', { spec: xgboost(data) });
    expect(job.trainingJobName).toBeDefined();
    expectNoFindings(stack);
  });
});

/** The construct prefix of a name base (`<prefix>-<spec hash>`): IAM scopes to it. */
function prefixOf(base: string): string {
  return base.slice(0, base.lastIndexOf('-'));
}
