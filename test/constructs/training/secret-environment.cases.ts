import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, HyperparameterTuningJob, HyperparameterTuningSpec, IDataBucket, InstanceType, JobSecret, S3Location,
  TrainingJob, TrainingSpec, TrainingSpecProps, HyperparameterRange, ObjectiveType,
} from '../../../constructs';
import { falseDependencies } from '../../support/dependency-graph';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const SECRET_ARN = 'arn:aws:secretsmanager:us-east-1:111122223333:secret:hf-token-AbCdEf';

function spec(data: IDataBucket, overrides: Partial<TrainingSpecProps> = {}): TrainingSpec {
  return new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
    hyperparameters: { num_round: 10 },
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv' }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(20),
    ...overrides,
  });
}

const providerStatements = (template: Template) => {
  const roleId = Object.keys(template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the SageMaker constructs custom-resource handlers' } }))[0];
  return Object.entries<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]));
};

describe('TrainingJob secretEnvironment', () => {
  test('only references reach the properties; the provider may read exactly those secrets, and the job waits for that permission', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const secret = new secretsmanager.Secret(stack, 'HfToken');
    const key = kms.Key.fromKeyArn(stack, 'ParamKey', 'arn:aws:kms:us-east-1:111122223333:key/11111111-2222-3333-4444-555555555555');
    const param = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Param', { parameterName: '/ml/wandb-key', encryptionKey: key });
    new TrainingJob(stack, 'Train', {
      spec: spec(data, { environment: { MODE: 'fast' } }),
      secretEnvironment: {
        HF_TOKEN: JobSecret.fromSecretsManager(secret),
        DB_PASSWORD: JobSecret.fromSecretsManager(secret, 'password'),
        WANDB_API_KEY: JobSecret.fromSsmParameter(param),
      },
    });
    const template = Template.fromStack(stack);
    const json = template.toJSON();
    const [id, job] = Object.entries<any>(json.Resources).find(([, r]) => r.Type === 'Custom::SageMakerTrainingJob')!;
    const secretId = stack.getLogicalId(secret.node.defaultChild as secretsmanager.CfnSecret);
    expect(stack.resolve(job.Properties.SecretEnvironment)).toBeDefined();
    const refs = JSON.parse(JSON.stringify(job.Properties.SecretEnvironment));
    expect(JSON.stringify(refs)).toContain(`{"Ref":"${secretId}"}`);
    expect(JSON.stringify(refs)).toContain('\\"Name\\":\\"HF_TOKEN\\"');
    expect(JSON.stringify(refs)).toContain('\\"JsonKey\\":\\"password\\"');
    expect(JSON.stringify(refs)).toContain('\\"ParameterName\\":\\"/ml/wandb-key\\"');
    // The spec's environment stays in the request; the secrets do not
    expect(JSON.stringify(job.Properties.Request)).toContain('MODE');
    expect(JSON.stringify(job.Properties.Request)).not.toMatch(/HF_TOKEN|WANDB_API_KEY|DB_PASSWORD/);
    const policies = providerStatements(template);
    const text = JSON.stringify(policies);
    expect(text).toContain('secretsmanager:GetSecretValue');
    expect(text).toContain('ssm:GetParameter');
    expect(text).toContain('kms:Decrypt');
    // every provider policy granting a read of these secrets is one the job waits for
    for (const [pid, p] of policies) {
      if (/secretsmanager:GetSecretValue|ssm:GetParameter/.test(JSON.stringify(p))) expect(json.Resources[id].DependsOn).toContain(pid);
    }
    expect(falseDependencies(json as any, (x) => x.startsWith('SageMakerConstructsProvider'))).toEqual([]);
  });

  test('a parameter encrypted with a key of this stack: the job waits for the key (the handler decrypts with it)', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const key = new kms.Key(stack, 'ParamKey');
    const param = ssm.StringParameter.fromSecureStringParameterAttributes(stack, 'Param', { parameterName: '/ml/wandb-key', encryptionKey: key });
    new TrainingJob(stack, 'Train', { spec: spec(data), secretEnvironment: { WANDB_API_KEY: JobSecret.fromSsmParameter(param) } });
    const json = Template.fromStack(stack).toJSON();
    const found = falseDependencies(json as any, (x) => x.startsWith('SageMakerConstructsProvider'));
    expect(found).toEqual([{ resource: expect.stringMatching(/^Train/), waitsFor: stack.getLogicalId(key.node.defaultChild as kms.CfnKey), type: 'AWS::KMS::Key' }]);
  });

  test('an imported secret: no finding, and no secret value anywhere in the template', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    new TrainingJob(stack, 'Train', {
      spec: spec(data),
      secretEnvironment: { HF_TOKEN: JobSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN)) },
    });
    expectNoFindings(stack);
    const text = JSON.stringify(Template.fromStack(stack).toJSON());
    expect(text).toContain(SECRET_ARN);
  });

  test('no secretEnvironment: no SecretEnvironment property (templates unchanged)', () => {
    const stack = plainStack();
    new TrainingJob(stack, 'Train', { spec: spec(new DataBucket(stack, 'Data')) });
    const job = Object.values<any>(Template.fromStack(stack).findResources('Custom::SageMakerTrainingJob'))[0];
    expect(job.Properties.SecretEnvironment).toBeUndefined();
  });

  test('a tuning job: the references travel the same way', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    new HyperparameterTuningJob(stack, 'Tune', {
      spec: new HyperparameterTuningSpec({
        trainingSpec: spec(data),
        objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
        ranges: [HyperparameterRange.integer('max_depth', 2, 8)],
        maxJobs: 4,
        maxParallelJobs: 2,
      }),
      secretEnvironment: { HF_TOKEN: JobSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN)) },
    });
    const job = Object.values<any>(Template.fromStack(stack).findResources('Custom::SageMakerTuningJob'))[0];
    expect(JSON.stringify(job.Properties.SecretEnvironment)).toContain(SECRET_ARN);
  });
});

describe('TrainingJob secretEnvironment: bad input fails at synth', () => {
  const secret = (stack: any) => JobSecret.fromSecretsManager(secretsmanager.Secret.fromSecretCompleteArn(stack, 'S', SECRET_ARN));
  test.each([
    ['a name that is no environment variable', { '1BAD': 0 }, {}, /\[Test\/Train\] invalid secretEnvironment name '1BAD': use 1-512 characters matching/],
    ['a name the spec\'s environment has too', { MODE: 0 }, { MODE: 'x' }, /\[Test\/Train\] secretEnvironment MODE \(the Secrets Manager secret arn:aws:secretsmanager:.*hf-token-AbCdEf\) is also in the spec's environment: give each variable one source/],
    ['over 100 variables with the spec\'s', { EXTRA: 0 }, Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`V${i}`, 'x'])), /the job would have 101 environment variables \(spec environment and secretEnvironment\): SageMaker accepts at most 100/],
  ])('%s', (_what, names, environment, message) => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const s = secret(stack);
    expect(() => new TrainingJob(stack, 'Train', {
      spec: spec(data, { environment }),
      secretEnvironment: Object.fromEntries(Object.keys(names).map((n) => [n, s])),
    })).toThrow(message);
  });

  test('a value that is not a JobSecret (e.g. a plain string from JavaScript)', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    expect(() => new TrainingJob(stack, 'Train', { spec: spec(data), secretEnvironment: { HF_TOKEN: 'hf_abc' as unknown as JobSecret } }))
      .toThrow(/^\[Test\/Train\] secretEnvironment HF_TOKEN is a string, not a JobSecret: use JobSecret.fromSecretsManager\(secret\) or JobSecret.fromSsmParameter\(parameter\), so the value stays out of the template$/);
    expect(() => new TrainingJob(stack, 'Train2', { spec: spec(data), secretEnvironment: { HF_TOKEN: 'hf_abc' as unknown as JobSecret } }))
      .not.toThrow(/hf_abc/);
  });
});
