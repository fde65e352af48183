/**
 * A deploy-time Neo compilation job (Custom::SageMakerCompilationJob) through aws-cdk-lib's real
 * Provider framework: it completes with the compiled artifact, fails with SageMaker's reason, and
 * a rollback while it runs stops it (the Delete carries an id CloudFormation invented).
 */
import {
  COMPILATION_JOB_RESOURCE_TYPE, SageMakerJobClients, resolvedJobName, sageMakerJobIsComplete, sageMakerJobOnEvent,
} from '../../constructs/training/handlers/sagemaker-job';
import { CloudFormationHarness, VirtualClock } from '../support/provider-framework';
import { awsError } from '../support/scripted-client';
import { validateSageMakerRequest } from '../support/sagemaker-api';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const STACK_NAME = 'MyStack';
const STACK_ID = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${STACK_NAME}/11111111-aaaa-bbbb-cccc-000000000001`;
const LOGICAL_ID = 'CompileA1B2C3';
const BASE = 'mystack-compile-0123456789';
const MIN = 60_000;

const request = {
  RoleArn: `arn:aws:iam::${ACCOUNT}:role/CompileRole`,
  InputConfig: { S3Uri: 's3://data-bucket/models/model.tar.gz', Framework: 'PYTORCH', FrameworkVersion: '1.13', DataInputConfig: '{"input0":[1,3,224,224]}' },
  OutputConfig: { S3OutputLocation: 's3://data-bucket/compiled/', TargetDevice: 'ml_c5' },
  StoppingCondition: { MaxRuntimeInSeconds: 900 },
};
const props = () => ({ NameBase: BASE, Request: JSON.stringify(request) });
const jobName = () => resolvedJobName(COMPILATION_JOB_RESOURCE_TYPE, BASE, request, STACK_ID);

/** SageMaker's compilation jobs: STARTING, then INPROGRESS, COMPLETED (or FAILED); Stop makes them STOPPING, then STOPPED. */
const NEO_IMAGE = `802834080501.dkr.ecr.${REGION}.amazonaws.com/sagemaker-inference-pytorch:1.13-cpu-py3`;

class FakeNeo {
  readonly jobs = new Map<string, { createdAt: number; stopAt?: number; input: any }>();
  readonly calls: string[] = [];
  /** The InferenceImage of a completed job: Neo's recommendation for a SageMaker target, none for an edge device. */
  image: string | undefined = NEO_IMAGE;
  constructor(private readonly clock: VirtualClock, private readonly runMs: number, private readonly fail?: string) {}

  status(name: string): string | undefined {
    const j = this.jobs.get(name);
    if (!j) return undefined;
    const now = this.clock.now();
    if (j.stopAt !== undefined) return now >= j.stopAt + 60_000 ? 'STOPPED' : 'STOPPING';
    if (now < j.createdAt + 30_000) return 'STARTING';
    if (now < j.createdAt + this.runMs) return 'INPROGRESS';
    return this.fail ? 'FAILED' : 'COMPLETED';
  }

  async send(command: { input?: any; constructor: { name: string } }): Promise<any> {
    const name = command.constructor.name;
    const input = command.input ?? {};
    this.calls.push(name);
    const job = input.CompilationJobName as string;
    if (name === 'CreateCompilationJobCommand') {
      const problems = validateSageMakerRequest('CreateCompilationJob', input);
      if (problems.length) throw awsError('ValidationException', problems.join('; '));
      this.jobs.set(job, { createdAt: this.clock.now(), input });
      return { CompilationJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:compilation-job/${job}` };
    }
    const status = this.status(job);
    if (status === undefined) throw awsError('ResourceNotFound', `Could not find compilation job ${job}`);
    if (name === 'StopCompilationJobCommand') {
      this.jobs.get(job)!.stopAt = this.clock.now();
      return {};
    }
    return {
      CompilationJobName: job,
      CompilationJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:compilation-job/${job}`,
      CompilationJobStatus: status,
      ...(status === 'FAILED' ? { FailureReason: this.fail } : {}),
      ...(status === 'COMPLETED' ? { ModelArtifacts: { S3ModelArtifacts: `s3://data-bucket/compiled/model-ml_c5.tar.gz` }, ...(this.image ? { InferenceImage: this.image } : {}) } : {}),
    };
  }
}

function stack(runMs: number, fail?: string) {
  const clock = new VirtualClock();
  const neo = new FakeNeo(clock, runMs, fail);
  const clients: SageMakerJobClients = { sagemaker: neo, sleep: clock.sleep, random: () => 0.5, log: () => undefined };
  const cfn = new CloudFormationHarness({
    clock, stackName: STACK_NAME, logicalId: LOGICAL_ID, resourceType: COMPILATION_JOB_RESOURCE_TYPE,
    handler: { onEvent: (e) => sageMakerJobOnEvent(e, clients), isComplete: (e) => sageMakerJobIsComplete(e, clients) },
  });
  return { clock, neo, cfn };
}

describe('deploy-time compilation job through the Provider framework', () => {
  test('completes with the compiled artifact (STARTING and INPROGRESS are "not yet")', async () => {
    const { neo, cfn } = stack(8 * MIN);
    const create = await cfn.create(props());
    expect(create.status).toBe('SUCCESS');
    expect(create.physicalResourceId).toBe(jobName());
    expect(create.data).toEqual({
      CompilationJobName: jobName(),
      CompilationJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:compilation-job/${jobName()}`,
      CompiledModelDataUri: 's3://data-bucket/compiled/model-ml_c5.tar.gz',
      InferenceImage: NEO_IMAGE,
    });
    expect(neo.calls.filter((c) => c === 'CreateCompilationJobCommand')).toHaveLength(1);
  });

  test('an edge-device compilation (no InferenceImage) completes with an empty inference image', async () => {
    const { neo, cfn } = stack(8 * MIN);
    neo.image = undefined;
    const create = await cfn.create(props());
    expect(create.status).toBe('SUCCESS');
    expect(create.data?.InferenceImage).toBe('');
  });

  test('a failed compilation fails the create with SageMaker\'s reason', async () => {
    const { cfn } = stack(3 * MIN, 'ClientError: InputConfiguration: Unable to load the PyTorch model');
    const create = await cfn.create(props());
    expect(create.status).toBe('FAILED');
    expect(create.reason).toMatch(/Compilation job mystack-compile-0123456789-[0-9a-f]{8} failed: ClientError: InputConfiguration: Unable to load the PyTorch model/);
  });

  test('a rollback while it compiles: the Delete with the invented id stops the job', async () => {
    const { neo, cfn } = stack(40 * MIN);
    const create = await cfn.create(props(), { stopWaitingAfterMs: 5 * MIN });
    expect(create.status).toBe('CANCELLED');
    expect(neo.status(jobName())).toBe('INPROGRESS');
    const rollback = await cfn.rollback();
    expect(rollback!.event.PhysicalResourceId).toMatch(new RegExp(`^${STACK_NAME}-${LOGICAL_ID}-[A-Z0-9]{12,13}$`));
    expect(rollback!.status).toBe('SUCCESS');
    expect(neo.status(jobName())).toBe('STOPPED');
    await cfn.settle();
  });
});
