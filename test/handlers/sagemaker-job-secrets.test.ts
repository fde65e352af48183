/**
 * SecretEnvironment of a deploy-time job (issue 12 item 9): the references are parsed and checked,
 * the values read right before the Create* call (Secrets Manager, a JSON key of it, SSM with
 * decryption) and set on the request's Environment (every training definition's for a tuning job),
 * never in the job name, a log entry or an error message.
 */
import {
  TRAINING_JOB_RESOURCE_TYPE,
  TUNING_JOB_RESOURCE_TYPE,
  checkSecretEnvironment,
  parseSecretEnvironment,
  resolvedJobName,
  sageMakerJobOnEvent,
} from '../../constructs/training/handlers/sagemaker-job';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import type { JobSecretReference } from '../../constructs/private/contracts/sagemaker-job';
import { Script, ScriptedClient, accessDenied, always, awsError, resourceNotFound, testRuntime, throttling, validationError } from '../support/scripted-client';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/MyStack/11111111-aaaa-bbbb-cccc-000000000001`;
const BASE = 'mystack-trainjob-0123456789';
const TUNING_BASE = 'mystack-tune-abcdef';
const SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:hf-token-AbCdEf`;
const JSON_SECRET_ARN = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:db-creds-GhIjKl`;
const PARAMETER = '/ml/wandb-api-key';
/** The values: none may appear in a log entry or an error. */
const HF_TOKEN = 'hf_SeCrEtToKeN0123456789';
const DB_PASSWORD = 'pa55-W0rd-not-for-logs';
const WANDB_KEY = 'wandb-K3y-9f8e7d6c5b4a';
const VALUES = [HF_TOKEN, DB_PASSWORD, WANDB_KEY];

function trainingRequest(env: Record<string, string> = { MODE: 'train' }): Record<string, unknown> {
  return {
    RoleArn: `arn:aws:iam::${ACCOUNT}:role/TrainingRole`,
    AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://data-bucket/models/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 1800 },
    Environment: env,
  };
}

function tuningRequest(): Record<string, unknown> {
  const { Environment: _e, ...def } = trainingRequest();
  return {
    HyperParameterTuningJobConfig: { Strategy: 'Bayesian', ResourceLimits: { MaxNumberOfTrainingJobs: 2, MaxParallelTrainingJobs: 1 } },
    TrainingJobDefinition: { ...def, Environment: { MODE: 'tune' } },
    TrainingJobDefinitions: [{ ...def, DefinitionName: 'a', Environment: { MODE: 'a' } }, { ...def, DefinitionName: 'b' }],
  };
}

const ALL_SECRETS: JobSecretReference[] = [
  { Name: 'HF_TOKEN', SecretArn: SECRET_ARN },
  { Name: 'DB_PASSWORD', SecretArn: JSON_SECRET_ARN, JsonKey: 'password' },
  { Name: 'WANDB_API_KEY', ParameterName: PARAMETER },
];

function event(kind: 'training' | 'tuning', requestType: RequestType, secrets: unknown = ALL_SECRETS, request?: Record<string, unknown>, physicalId?: string): CustomResourceEvent {
  return {
    RequestType: requestType,
    ResourceType: kind === 'training' ? TRAINING_JOB_RESOURCE_TYPE : TUNING_JOB_RESOURCE_TYPE,
    LogicalResourceId: 'TrainJob',
    RequestId: 'req-1',
    StackId: STACK_ID,
    ...(physicalId ? { PhysicalResourceId: physicalId } : {}),
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
      NameBase: kind === 'training' ? BASE : TUNING_BASE,
      Request: JSON.stringify(request ?? (kind === 'training' ? trainingRequest() : tuningRequest())),
      ...(secrets === undefined ? {} : { SecretEnvironment: typeof secrets === 'string' ? secrets : JSON.stringify(secrets) }),
    },
  };
}

const secretsScript = (): Script => ({
  GetSecretValueCommand: [always((input: { SecretId: string }) => {
    if (input.SecretId === SECRET_ARN) return { ARN: SECRET_ARN, SecretString: HF_TOKEN };
    if (input.SecretId === JSON_SECRET_ARN) return { ARN: JSON_SECRET_ARN, SecretString: JSON.stringify({ username: 'ml', password: DB_PASSWORD, port: 5432 }) };
    return awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400);
  })],
});
const ssmScript = (): Script => ({
  GetParameterCommand: [always((input: { Name: string }) => input.Name === PARAMETER
    ? { Parameter: { Name: PARAMETER, Type: 'SecureString', Value: WANDB_KEY } }
    : awsError('ParameterNotFound', '', 400))],
});

function harness(o: { sagemaker?: Script; secretsManager?: Script; ssm?: Script } = {}) {
  const sagemaker = new ScriptedClient({
    DescribeTrainingJobCommand: [always(resourceNotFound())],
    DescribeHyperParameterTuningJobCommand: [always(resourceNotFound())],
    CreateTrainingJobCommand: [always({ TrainingJobArn: 'arn' })],
    CreateHyperParameterTuningJobCommand: [always({ HyperParameterTuningJobArn: 'arn' })],
    ...o.sagemaker,
  }, { name: 'sagemaker' });
  const secretsManager = new ScriptedClient(o.secretsManager ?? secretsScript(), { name: 'secretsmanager' });
  const ssm = new ScriptedClient(o.ssm ?? ssmScript(), { name: 'ssm' });
  const rt = testRuntime();
  return { sagemaker, secretsManager, ssm, logs: rt.logs, delays: rt.delays, clients: { sagemaker, secretsManager, ssm, ...rt.options } };
}

function expectNoValue(text: string): void {
  for (const v of VALUES) expect(text).not.toContain(v);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  const err = await p.then(() => undefined, (e: Error) => e);
  if (!err) throw new Error('expected a failure');
  return err;
}

describe('resolution', () => {
  test('training: Secrets Manager, a JSON key of a secret and SSM (with decryption) go into Environment; the job name is the Request\'s alone', async () => {
    const h = harness();
    const expectedName = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, trainingRequest(), STACK_ID);
    await expect(sageMakerJobOnEvent(event('training', 'Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: expectedName });
    const [create] = h.sagemaker.inputsOf('CreateTrainingJobCommand');
    expect(create.TrainingJobName).toBe(expectedName);
    expect(create.Environment).toEqual({ MODE: 'train', HF_TOKEN, DB_PASSWORD, WANDB_API_KEY: WANDB_KEY });
    expect(h.secretsManager.inputsOf('GetSecretValueCommand')).toEqual([{ SecretId: SECRET_ARN }, { SecretId: JSON_SECRET_ARN }]);
    expect(h.ssm.inputsOf('GetParameterCommand')).toEqual([{ Name: PARAMETER, WithDecryption: true }]);
    // the secrets are read after the name is known free, right before the create
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand', 'CreateTrainingJobCommand']);
    expectNoValue(JSON.stringify(h.logs));
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'created', secretEnvironment: ['HF_TOKEN', 'DB_PASSWORD', 'WANDB_API_KEY'] }));
  });

  test('a training job without Environment gets one', async () => {
    const h = harness();
    const { Environment: _e, ...bare } = trainingRequest();
    await sageMakerJobOnEvent(event('training', 'Create', [{ Name: 'HF_TOKEN', SecretArn: SECRET_ARN }], bare), h.clients);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')[0].Environment).toEqual({ HF_TOKEN });
  });

  test('tuning: TrainingJobDefinition.Environment and every TrainingJobDefinitions[i].Environment', async () => {
    const h = harness();
    await sageMakerJobOnEvent(event('tuning', 'Create'), h.clients);
    const [create] = h.sagemaker.inputsOf('CreateHyperParameterTuningJobCommand');
    const secrets = { HF_TOKEN, DB_PASSWORD, WANDB_API_KEY: WANDB_KEY };
    expect(create.TrainingJobDefinition.Environment).toEqual({ MODE: 'tune', ...secrets });
    expect(create.TrainingJobDefinitions.map((d: { Environment: unknown }) => d.Environment)).toEqual([{ MODE: 'a', ...secrets }, secrets]);
    expect(create.HyperParameterTuningJobName).toBe(resolvedJobName(TUNING_JOB_RESOURCE_TYPE, TUNING_BASE, tuningRequest(), STACK_ID));
    expectNoValue(JSON.stringify(h.logs));
  });

  test('an existing job is adopted without reading any secret', async () => {
    const h = harness({ sagemaker: { DescribeTrainingJobCommand: [always({ TrainingJobStatus: 'InProgress' })] } });
    await sageMakerJobOnEvent(event('training', 'Create'), h.clients);
    expect(h.secretsManager.calls).toEqual([]);
    expect(h.ssm.calls).toEqual([]);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });

  test('the values are read once for all tries of an ambiguous create', async () => {
    const h = harness({ sagemaker: { CreateTrainingJobCommand: [awsError('InternalFailure', 'internal', 500), always({})] } });
    await sageMakerJobOnEvent(event('training', 'Create'), h.clients);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(2);
    expect(h.secretsManager.countOf('GetSecretValueCommand')).toBe(2); // two secrets, once each
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')[1].Environment.HF_TOKEN).toBe(HF_TOKEN);
  });

  test('throttling of Secrets Manager and SSM is retried with backoff', async () => {
    const h = harness({
      secretsManager: { GetSecretValueCommand: [throttling(), throttling(), ...secretsScript().GetSecretValueCommand] },
      ssm: { GetParameterCommand: [throttling('ThrottlingException'), ...ssmScript().GetParameterCommand] },
    });
    await sageMakerJobOnEvent(event('training', 'Create'), h.clients);
    expect(h.delays).toHaveLength(3);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')[0].Environment.WANDB_API_KEY).toBe(WANDB_KEY);
  });

  test('a Delete never parses nor reads the secrets (a bad SecretEnvironment does not block it)', async () => {
    const h = harness();
    const name = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, trainingRequest(), STACK_ID);
    await expect(sageMakerJobOnEvent(event('training', 'Delete', 'not json', undefined, name), h.clients)).resolves.toEqual({ PhysicalResourceId: name });
    expect(h.secretsManager.calls).toEqual([]);
  });
});

describe('checks of the references (before any call)', () => {
  test.each<[string, unknown, RegExp]>([
    ['invalid JSON', '[{', /SecretEnvironment property is not valid JSON/],
    ['not an array', JSON.stringify({ Name: 'A' }), /must be a JSON array .*got object/],
    ['an entry not an object', JSON.stringify(['A']), /SecretEnvironment\[0\] must be an object/],
    ['a bad name', [{ Name: '1BAD', SecretArn: SECRET_ARN }], /SecretEnvironment\[0\]\.Name must be an environment variable name.*"1BAD"/],
    ['both sources', [{ Name: 'HF_TOKEN', SecretArn: SECRET_ARN, ParameterName: PARAMETER }], /HF_TOKEN needs exactly one of SecretArn .* and ParameterName/],
    ['no source', [{ Name: 'HF_TOKEN' }], /HF_TOKEN needs exactly one of SecretArn/],
    ['JsonKey with an SSM parameter', [{ Name: 'HF_TOKEN', ParameterName: PARAMETER, JsonKey: 'k' }], /HF_TOKEN: JsonKey goes with a SecretArn/],
    ['an empty SecretArn', [{ Name: 'HF_TOKEN', SecretArn: ' ' }], /HF_TOKEN: SecretArn must be a non-empty string/],
    ['a name twice', [{ Name: 'HF_TOKEN', SecretArn: SECRET_ARN }, { Name: 'HF_TOKEN', ParameterName: PARAMETER }], /HF_TOKEN is given twice/],
    ['an unknown member', [{ Name: 'HF_TOKEN', SecretArn: SECRET_ARN, Value: 'x' }], /HF_TOKEN: unknown member\(s\) Value/],
    ['a name already in Environment', [{ Name: 'MODE', SecretArn: SECRET_ARN }], /secret environment variable MODE is also in Request\.Environment: give each variable one source/],
  ])('%s: refused, naming the variable', async (_what, secrets, message) => {
    const h = harness();
    await expect(sageMakerJobOnEvent(event('training', 'Create', secrets), h.clients)).rejects.toThrow(message);
    expect(h.sagemaker.calls).toEqual([]);
    expect(h.secretsManager.calls).toEqual([]);
  });

  test('tuning: a name already in a training definition\'s Environment is refused, naming the definition', () => {
    expect(() => checkSecretEnvironment(TUNING_JOB_RESOURCE_TYPE, tuningRequest(), [{ Name: 'MODE', ParameterName: PARAMETER }]))
      .toThrow(/MODE is also in Request\.TrainingJobDefinition\.Environment/);
    const onlyMany = { ...tuningRequest(), TrainingJobDefinition: undefined };
    expect(() => checkSecretEnvironment(TUNING_JOB_RESOURCE_TYPE, onlyMany, [{ Name: 'MODE', ParameterName: PARAMETER }]))
      .toThrow(/MODE is also in Request\.TrainingJobDefinitions\[0\]\.Environment/);
  });

  test('absent or empty: no secrets', () => {
    expect(parseSecretEnvironment(TRAINING_JOB_RESOURCE_TYPE, {})).toEqual([]);
    expect(parseSecretEnvironment(TRAINING_JOB_RESOURCE_TYPE, { SecretEnvironment: '' })).toEqual([]);
    expect(parseSecretEnvironment(TRAINING_JOB_RESOURCE_TYPE, { SecretEnvironment: '[]' })).toEqual([]);
    expect(parseSecretEnvironment(TRAINING_JOB_RESOURCE_TYPE, { SecretEnvironment: JSON.stringify(ALL_SECRETS) })).toEqual(ALL_SECRETS);
  });
});

describe('errors reading the values: named, never the value', () => {
  test('a missing secret', async () => {
    const h = harness({ secretsManager: { GetSecretValueCommand: [awsError('ResourceNotFoundException', "Secrets Manager can't find the specified secret.", 400)] } });
    const err = await failure(sageMakerJobOnEvent(event('training', 'Create'), h.clients));
    expect(err.message).toMatch(new RegExp(`cannot read secret environment variable HF_TOKEN from the Secrets Manager secret ${SECRET_ARN}: ResourceNotFoundException`));
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });

  test('AccessDenied on Secrets Manager and on SSM', async () => {
    const denied = accessDenied(`User: arn:aws:sts::${ACCOUNT}:assumed-role/HandlerRole/fn is not authorized to perform: secretsmanager:GetSecretValue on resource: ${SECRET_ARN}`);
    const h = harness({ secretsManager: { GetSecretValueCommand: [denied] } });
    await expect(sageMakerJobOnEvent(event('training', 'Create'), h.clients)).rejects.toThrow(/HF_TOKEN from the Secrets Manager secret .*AccessDeniedException: .*secretsmanager:GetSecretValue/);
    const s = harness({ ssm: { GetParameterCommand: [accessDenied('not authorized to perform: ssm:GetParameter')] } });
    await expect(sageMakerJobOnEvent(event('training', 'Create'), s.clients)).rejects.toThrow(/WANDB_API_KEY from the SSM parameter \/ml\/wandb-api-key: AccessDeniedException: .*ssm:GetParameter/);
    expect(s.logs).toContainEqual(expect.objectContaining({ action: 'GetParameter', variable: 'WANDB_API_KEY', result: 'failed' }));
  });

  test('a JSON member that is not a string, a missing key, a secret that is not JSON, a binary secret', async () => {
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ password: 5432 }), /DB_PASSWORD: key password of the Secrets Manager secret .* is a number, not a string/],
      [JSON.stringify({ password: { nested: DB_PASSWORD } }), /key password .* is an object, not a string/],
      [JSON.stringify({ user: DB_PASSWORD }), /DB_PASSWORD: the Secrets Manager secret .* has no key password/],
      [`not json ${DB_PASSWORD}`, /DB_PASSWORD: the Secrets Manager secret .* is not a JSON object, so it has no key password/],
    ];
    for (const [secretString, message] of cases) {
      const h = harness({ secretsManager: { GetSecretValueCommand: [always((i: { SecretId: string }) => ({ SecretString: i.SecretId === SECRET_ARN ? HF_TOKEN : secretString }))] } });
      const err = await failure(sageMakerJobOnEvent(event('training', 'Create'), h.clients));
      expect(err.message).toMatch(message);
      expectNoValue(`${err.message}\n${err.stack}\n${JSON.stringify(h.logs)}`);
    }
    const b = harness({ secretsManager: { GetSecretValueCommand: [{ SecretBinary: new Uint8Array([1, 2]) }] } });
    await expect(sageMakerJobOnEvent(event('training', 'Create'), b.clients)).rejects.toThrow(/HF_TOKEN: the Secrets Manager secret .* has no SecretString/);
  });

  test('a missing SSM parameter', async () => {
    const h = harness({ ssm: { GetParameterCommand: [awsError('ParameterNotFound', '', 400)] } });
    await expect(sageMakerJobOnEvent(event('training', 'Create'), h.clients)).rejects.toThrow(/WANDB_API_KEY from the SSM parameter \/ml\/wandb-api-key: ParameterNotFound/);
  });

  test('a create refused with a message quoting the environment: the values are redacted from the error and the log', async () => {
    const quoting = validationError(`1 validation error detected: Value '{HF_TOKEN=${HF_TOKEN}, MODE=train}' at 'environment' failed to satisfy constraint`);
    const h = harness({ sagemaker: { CreateTrainingJobCommand: [quoting] } });
    const err = await failure(sageMakerJobOnEvent(event('training', 'Create'), h.clients));
    expect(err.message).toMatch(/Value '\{HF_TOKEN=\*\*\*, MODE=train\}'/);
    expectNoValue(`${err.message}\n${err.stack}\n${JSON.stringify(h.logs)}`);
  });
});

describe('updates', () => {
  test('an unchanged Update (a rollback included) neither parses nor reads the secrets', async () => {
    const h = harness();
    const name = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, trainingRequest(), STACK_ID);
    await expect(sageMakerJobOnEvent(event('training', 'Update', 'not json', undefined, name), h.clients)).resolves.toEqual({ PhysicalResourceId: name });
    expect(h.secretsManager.calls).toEqual([]);
  });

  test('an Update that starts a new job reads the secrets for it', async () => {
    const h = harness();
    const name = await sageMakerJobOnEvent(event('training', 'Update', ALL_SECRETS, trainingRequest({ MODE: 'v2' }), 'mystack-trainjob-0123456789-00000000'), h.clients);
    expect(name.PhysicalResourceId).toBe(resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, trainingRequest({ MODE: 'v2' }), STACK_ID));
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')[0].Environment).toEqual({ MODE: 'v2', HF_TOKEN, DB_PASSWORD, WANDB_API_KEY: WANDB_KEY });
  });
});
