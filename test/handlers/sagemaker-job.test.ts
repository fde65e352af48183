import {
  MAX_DATA_BYTES,
  TRAINING_JOB_RESOURCE_TYPE,
  TUNING_JOB_RESOURCE_TYPE,
  isJobName,
  metricAttributeName,
  parseJobRequest,
  sageMakerJobIsComplete,
  sageMakerJobOnEvent,
  trainingJobData,
} from '../../constructs/training/handlers/sagemaker-job';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import { validateSageMakerRequest } from '../support/sagemaker-api';
import {
  Script,
  ScriptedClient,
  accessDenied,
  always,
  awsError,
  recordingSleep,
  resourceNotFound,
  throttling,
  validationError,
} from '../support/scripted-client';

// ---------------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------------

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/TrainingRole`;
const IMAGE = `763104351884.dkr.ecr.${REGION}.amazonaws.com/xgboost:1.7-1`;
const JOB = 'stack-train-0123456789';
const JOB_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${JOB}`;
const TUNING = 'stack-tune-abcdef0123';
const TUNING_ARN = `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${TUNING}`;
const BEST = `${TUNING}-007-1a2b3c4d`;

function trainingRequest(name = JOB) {
  return {
    TrainingJobName: name,
    RoleArn: ROLE_ARN,
    AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
    HyperParameters: { max_depth: '5', num_round: '100' },
    InputDataConfig: [{
      ChannelName: 'train',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://data-bucket/train/', S3DataDistributionType: 'FullyReplicated' } },
      ContentType: 'text/csv',
    }],
    OutputDataConfig: { S3OutputPath: 's3://data-bucket/models/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    Tags: [{ Key: 'project', Value: 'demo' }],
  };
}

function tuningRequest(name = TUNING) {
  const { TrainingJobName: _unused, HyperParameters: _hp, Tags: _tags, ...definition } = trainingRequest();
  return {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: {
      Strategy: 'Bayesian',
      HyperParameterTuningJobObjective: { Type: 'Maximize', MetricName: 'validation:auc' },
      ResourceLimits: { MaxNumberOfTrainingJobs: 10, MaxParallelTrainingJobs: 2 },
      ParameterRanges: { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5' }] },
    },
    TrainingJobDefinition: {
      ...definition,
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      StaticHyperParameters: { num_round: '100' },
    },
  };
}

function event(
  resourceType: string,
  requestType: RequestType,
  request: unknown,
  overrides: Partial<CustomResourceEvent> = {},
): CustomResourceEvent {
  const name = (request as Record<string, string>).TrainingJobName ?? (request as Record<string, string>).HyperParameterTuningJobName;
  return {
    RequestType: requestType,
    ResourceType: resourceType,
    LogicalResourceId: 'Job',
    RequestId: 'req-1',
    StackId: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Test/1`,
    PhysicalResourceId: requestType === 'Create' ? undefined : name,
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider', Request: JSON.stringify(request) },
    ...overrides,
  };
}

const trainingEvent = (rt: RequestType, request: unknown = trainingRequest(), o?: Partial<CustomResourceEvent>) =>
  event(TRAINING_JOB_RESOURCE_TYPE, rt, request, o);
const tuningEvent = (rt: RequestType, request: unknown = tuningRequest(), o?: Partial<CustomResourceEvent>) =>
  event(TUNING_JOB_RESOURCE_TYPE, rt, request, o);

function describedTraining(status: string, extra: Record<string, unknown> = {}, name = JOB) {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${name}`,
    TrainingJobStatus: status,
    SecondaryStatus: status === 'InProgress' ? 'Training' : status,
    ...extra,
  };
}

function describedTuning(status: string, extra: Record<string, unknown> = {}) {
  return { HyperParameterTuningJobName: TUNING, HyperParameterTuningJobArn: TUNING_ARN, HyperParameterTuningJobStatus: status, ...extra };
}

function harness(script: Script = {}) {
  const sagemaker = new ScriptedClient(script, { name: 'sagemaker' });
  const clock = recordingSleep();
  const logs: Record<string, unknown>[] = [];
  const clients = { sagemaker, sleep: clock.sleep, random: () => 0, log: (e: Record<string, unknown>) => { logs.push(e); } };
  return { sagemaker, delays: clock.delays, logs, clients };
}

/**
 * Every request the handler sent must be acceptable to the SageMaker API (botocore model). The
 * recorded inputs are structuredClone copies, whose objects come from another realm than the test's
 * (the validator's plain-object check compares prototypes): a JSON round trip brings them back.
 */
function expectValidRequests(sagemaker: ScriptedClient): void {
  expect(sagemaker.calls.length).toBeGreaterThan(0);
  for (const call of sagemaker.calls) {
    expect(validateSageMakerRequest(call.command, JSON.parse(JSON.stringify(call.input)))).toEqual([]);
  }
}

// ---------------------------------------------------------------------------------------------------
// Fixtures are valid requests
// ---------------------------------------------------------------------------------------------------

describe('fixtures', () => {
  test('the training and tuning requests are valid for the SageMaker API', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingRequest())).toEqual([]);
    expect(validateSageMakerRequest('CreateHyperParameterTuningJob', tuningRequest())).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------------

describe('parseJobRequest', () => {
  test('parses the JSON string and keeps numbers as numbers', () => {
    const { name, request } = parseJobRequest(TRAINING_JOB_RESOURCE_TYPE, { Request: JSON.stringify(trainingRequest()) });
    expect(name).toBe(JOB);
    expect(request).toEqual(trainingRequest());
    expect((request.ResourceConfig as { InstanceCount: unknown }).InstanceCount).toBe(1);
  });

  test.each([
    [{}, /Request property must be the CreateTrainingJob request as a JSON string, got nothing/],
    [{ Request: '{not json' }, /Request property is not valid JSON/],
    [{ Request: '[1]' }, /must be a JSON object/],
    [{ Request: JSON.stringify({ RoleArn: ROLE_ARN }) }, /Request.TrainingJobName must be 1-63 letters/],
    [{ Request: JSON.stringify(trainingRequest('bad_name')) }, /got "bad_name"/],
  ])('rejects %j', (props, message) => {
    expect(() => parseJobRequest(TRAINING_JOB_RESOURCE_TYPE, props)).toThrow(message);
  });

  test('a tuning job name is at most 32 characters', () => {
    expect(() => parseJobRequest(TUNING_JOB_RESOURCE_TYPE, { Request: JSON.stringify(tuningRequest('a'.repeat(33))) }))
      .toThrow(/HyperParameterTuningJobName must be 1-32 letters/);
  });

  test('isJobName follows the SageMaker name rule', () => {
    expect(isJobName(JOB)).toBe(true);
    expect(isJobName('a'.repeat(63))).toBe(true);
    expect(isJobName('a'.repeat(64))).toBe(false);
    expect(isJobName('a'.repeat(33), TUNING_JOB_RESOURCE_TYPE)).toBe(false);
    expect(isJobName('AWSCDK::CustomResourceProviderFramework::CREATE_FAILED')).toBe(false);
    expect(isJobName('-leading')).toBe(false);
    expect(isJobName(undefined)).toBe(false);
  });
});

// ---------------------------------------------------------------------------------------------------
// Create / Update
// ---------------------------------------------------------------------------------------------------

describe('create', () => {
  test('GIVEN no job of that name WHEN Create THEN describes, creates with the exact request and returns the name', async () => {
    // GIVEN
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound('Requested resource not found.')], CreateTrainingJobCommand: [{ TrainingJobArn: JOB_ARN }] });
    // WHEN
    const res = await sageMakerJobOnEvent(trainingEvent('Create'), h.clients);
    // THEN
    expect(res).toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand', 'CreateTrainingJobCommand']);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([trainingRequest()]);
    expectValidRequests(h.sagemaker);
    expect(h.delays).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ resource: 'SageMakerTrainingJob', action: 'CreateTrainingJob', jobName: JOB, result: 'created' }));
  });

  test('GIVEN SageMaker answers not-found with a ValidationException WHEN Create THEN the job is created', async () => {
    const h = harness({ DescribeTrainingJobCommand: [validationError('Requested resource not found.')], CreateTrainingJobCommand: [{ TrainingJobArn: JOB_ARN }] });
    await sageMakerJobOnEvent(trainingEvent('Create'), h.clients);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(1);
  });

  test('GIVEN the job exists (a retried create) WHEN Create THEN it is not created again', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('InProgress')] });
    const res = await sageMakerJobOnEvent(trainingEvent('Create'), h.clients);
    expect(res).toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand']);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', result: 'exists', status: 'InProgress' }));
  });

  test('GIVEN a create racing another WHEN CreateTrainingJob answers ResourceInUse THEN the job counts as existing', async () => {
    const h = harness({
      DescribeTrainingJobCommand: [resourceNotFound()],
      CreateTrainingJobCommand: [awsError('ResourceInUse', 'Training job names must be unique within an AWS account and region')],
    });
    await expect(sageMakerJobOnEvent(trainingEvent('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', result: 'exists-race' }));
  });

  test('GIVEN the role cannot be passed WHEN Create THEN the create fails with the API error', async () => {
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound()], CreateTrainingJobCommand: [accessDenied('not authorized to perform: iam:PassRole')] });
    await expect(sageMakerJobOnEvent(trainingEvent('Create'), h.clients)).rejects.toThrow(/iam:PassRole/);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', result: 'failed' }));
  });

  test('GIVEN a tuning job WHEN Create THEN CreateHyperParameterTuningJob gets the exact (valid) request', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [resourceNotFound()], CreateHyperParameterTuningJobCommand: [{ HyperParameterTuningJobArn: TUNING_ARN }] });
    await expect(sageMakerJobOnEvent(tuningEvent('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: TUNING });
    expect(h.sagemaker.inputsOf('CreateHyperParameterTuningJobCommand')).toEqual([tuningRequest()]);
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN an invalid Request WHEN Create THEN it fails before any call', async () => {
    const h = harness();
    await expect(sageMakerJobOnEvent(trainingEvent('Create', trainingRequest('no_underscores')), h.clients)).rejects.toThrow(/TrainingJobName/);
    expect(h.sagemaker.calls).toEqual([]);
  });
});

describe('update', () => {
  test('GIVEN the same job name WHEN Update THEN nothing changes and no call is made', async () => {
    const h = harness();
    const res = await sageMakerJobOnEvent(trainingEvent('Update', trainingRequest(), { OldResourceProperties: { Request: JSON.stringify(trainingRequest()) } }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.calls).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'Update', result: 'unchanged' }));
  });

  test('GIVEN a new job name WHEN Update THEN the new job is created and its name returned (CloudFormation deletes the old id)', async () => {
    const NEW = 'stack-train-fedcba9876';
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound()], CreateTrainingJobCommand: [{}] });
    const res = await sageMakerJobOnEvent(trainingEvent('Update', trainingRequest(NEW), { PhysicalResourceId: JOB }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: NEW });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: NEW }]);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([trainingRequest(NEW)]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', requestType: 'Update', jobName: NEW, previousJobName: JOB, result: 'created' }));
    expectValidRequests(h.sagemaker);
  });
});

// ---------------------------------------------------------------------------------------------------
// isComplete (Create/Update)
// ---------------------------------------------------------------------------------------------------

describe('isComplete', () => {
  const created = (rt: RequestType = 'Create') => trainingEvent(rt, trainingRequest(), { PhysicalResourceId: JOB });

  test.each(['InProgress', 'Stopping'])('GIVEN the job is %s THEN incomplete, without Data', async (status) => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining(status)] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).resolves.toEqual({ IsComplete: false });
  });

  test('GIVEN the job completed THEN complete with its name, ARN, model data and sanitized metrics', async () => {
    const h = harness({
      DescribeTrainingJobCommand: [describedTraining('Completed', {
        ModelArtifacts: { S3ModelArtifacts: `s3://data-bucket/models/${JOB}/output/model.tar.gz` },
        FinalMetricDataList: [
          { MetricName: 'validation:auc', Value: 0.91, Timestamp: new Date(0) },
          { MetricName: 'train-rmse (avg)', Value: 1.5 },
          { MetricName: 'loss', Value: 0 },
        ],
      })],
    });
    const res = await sageMakerJobIsComplete(created(), h.clients);
    expect(res).toEqual({
      IsComplete: true,
      Data: {
        TrainingJobName: JOB,
        TrainingJobArn: JOB_ARN,
        ModelDataUri: `s3://data-bucket/models/${JOB}/output/model.tar.gz`,
        Metric_validation_auc: '0.91',
        Metric_train_rmse__avg_: '1.5',
        Metric_loss: '0',
      },
    });
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN an Update to the same job THEN isComplete returns the attributes again', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Completed', { ModelArtifacts: { S3ModelArtifacts: 's3://b/m.tar.gz' } })] });
    const res = await sageMakerJobIsComplete(created('Update'), h.clients);
    expect(res).toEqual({ IsComplete: true, Data: { TrainingJobName: JOB, TrainingJobArn: JOB_ARN, ModelDataUri: 's3://b/m.tar.gz' } });
  });

  test('GIVEN the job failed THEN isComplete throws with its FailureReason', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Failed', { FailureReason: 'AlgorithmError: out of memory' })] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).rejects.toThrow(`Training job ${JOB} failed: AlgorithmError: out of memory`);
  });

  test('GIVEN a very long FailureReason THEN the message is truncated (the response must stay under 4 KB)', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Failed', { FailureReason: 'x'.repeat(5000) })] });
    const err = await sageMakerJobIsComplete(created(), h.clients).catch((e: Error) => e);
    expect((err as Error).message.length).toBeLessThan(1100);
  });

  test('GIVEN the job was stopped THEN isComplete throws', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Stopped')] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).rejects.toThrow(`Training job ${JOB} was stopped`);
  });

  test('GIVEN the tuning job failed THEN isComplete throws with its FailureReason', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [describedTuning('Failed', { FailureReason: 'All training jobs failed' })] });
    await expect(sageMakerJobIsComplete(tuningEvent('Create', tuningRequest(), { PhysicalResourceId: TUNING }), h.clients))
      .rejects.toThrow(`Tuning job ${TUNING} failed: All training jobs failed`);
  });

  test('GIVEN the tuning job completed THEN complete with the best training job, its objective and model data', async () => {
    // GIVEN
    const h = harness({
      DescribeHyperParameterTuningJobCommand: [describedTuning('Completed', {
        BestTrainingJob: {
          TrainingJobName: BEST,
          TrainingJobStatus: 'Completed',
          FinalHyperParameterTuningJobObjectiveMetric: { Type: 'Maximize', MetricName: 'validation:auc', Value: 0.935 },
        },
      })],
      DescribeTrainingJobCommand: [describedTraining('Completed', { ModelArtifacts: { S3ModelArtifacts: `s3://data-bucket/models/${BEST}/output/model.tar.gz` } }, BEST)],
    });
    // WHEN
    const res = await sageMakerJobIsComplete(tuningEvent('Create', tuningRequest(), { PhysicalResourceId: TUNING }), h.clients);
    // THEN
    expect(res).toEqual({
      IsComplete: true,
      Data: {
        HyperParameterTuningJobName: TUNING,
        HyperParameterTuningJobArn: TUNING_ARN,
        BestTrainingJobName: BEST,
        BestObjectiveValue: '0.935',
        BestModelDataUri: `s3://data-bucket/models/${BEST}/output/model.tar.gz`,
      },
    });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: BEST }]);
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN a completed tuning job without a best training job THEN isComplete throws', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [describedTuning('Completed')] });
    await expect(sageMakerJobIsComplete(tuningEvent('Create', tuningRequest(), { PhysicalResourceId: TUNING }), h.clients))
      .rejects.toThrow(/without a best training job/);
  });

  test('GIVEN the tuning job is in progress THEN incomplete and the best job is not described', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [describedTuning('InProgress')] });
    await expect(sageMakerJobIsComplete(tuningEvent('Create', tuningRequest(), { PhysicalResourceId: TUNING }), h.clients))
      .resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeHyperParameterTuningJobCommand']);
  });

  test('GIVEN the job is not visible yet (eventual consistency) THEN incomplete', async () => {
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound()] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).resolves.toEqual({ IsComplete: false });
  });

  test('GIVEN describe is throttled twice THEN it is retried with backoff and succeeds', async () => {
    const h = harness({ DescribeTrainingJobCommand: [throttling(), throttling(), describedTraining('InProgress')] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DescribeTrainingJobCommand')).toBe(3);
    expect(h.delays).toEqual([100, 200]);
  });

  test('GIVEN describe stays throttled THEN the poll reports incomplete instead of failing', async () => {
    const h = harness({ DescribeTrainingJobCommand: [always(throttling())] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('DescribeTrainingJobCommand')).toBe(5);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'poll', result: 'throttled' }));
  });

  test('GIVEN the best training job describe stays throttled THEN the tuning poll reports incomplete', async () => {
    const h = harness({
      DescribeHyperParameterTuningJobCommand: [describedTuning('Completed', { BestTrainingJob: { TrainingJobName: BEST } })],
      DescribeTrainingJobCommand: [always(throttling())],
    });
    await expect(sageMakerJobIsComplete(tuningEvent('Create', tuningRequest(), { PhysicalResourceId: TUNING }), h.clients))
      .resolves.toEqual({ IsComplete: false });
  });

  test('GIVEN access is denied THEN the poll fails', async () => {
    const h = harness({ DescribeTrainingJobCommand: [accessDenied()] });
    await expect(sageMakerJobIsComplete(created(), h.clients)).rejects.toThrow(/not authorized/);
  });
});

describe('Data', () => {
  test('metricAttributeName replaces every non-alphanumeric character', () => {
    expect(metricAttributeName('validation:auc')).toBe('Metric_validation_auc');
    expect(metricAttributeName('train.loss/epoch-1 (avg)')).toBe('Metric_train_loss_epoch_1__avg_');
    expect(metricAttributeName('ÅccURACY2')).toBe('Metric__ccURACY2');
  });

  test('metrics beyond the Data budget are dropped, and so is a metric whose attribute name is taken', () => {
    const metrics = Array.from({ length: 200 }, (_, i) => ({ MetricName: `metric-number-${i}`, Value: i / 3 }));
    metrics.splice(1, 0, { MetricName: 'metric_number_0', Value: 42 });
    const { data, droppedMetrics } = trainingJobData({
      $metadata: {},
      TrainingJobName: JOB,
      TrainingJobArn: JOB_ARN,
      ModelArtifacts: { S3ModelArtifacts: 's3://b/m.tar.gz' },
      FinalMetricDataList: metrics,
    } as never);
    expect(Buffer.byteLength(JSON.stringify(data))).toBeLessThanOrEqual(MAX_DATA_BYTES);
    expect(data.Metric_metric_number_0).toBe(String(0));
    expect(data.ModelDataUri).toBe('s3://b/m.tar.gz');
    expect(droppedMetrics[0]).toBe('metric_number_0');
    expect(droppedMetrics.length).toBeGreaterThan(100);
    expect(Object.keys(data).length + droppedMetrics.length).toBe(3 + 201);
  });
});

// ---------------------------------------------------------------------------------------------------
// Delete
// ---------------------------------------------------------------------------------------------------

describe('delete', () => {
  test('GIVEN an in-progress job WHEN Delete THEN it is stopped, and isComplete waits until it is Stopped', async () => {
    // GIVEN
    const h = harness({
      DescribeTrainingJobCommand: [describedTraining('InProgress'), describedTraining('Stopping'), describedTraining('Stopped')],
      StopTrainingJobCommand: [{}],
    });
    // WHEN
    const res = await sageMakerJobOnEvent(trainingEvent('Delete'), h.clients);
    // THEN
    expect(res).toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: JOB }]);
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand', 'StopTrainingJobCommand', 'DescribeTrainingJobCommand', 'DescribeTrainingJobCommand']);
    expectValidRequests(h.sagemaker);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'StopTrainingJob', jobName: JOB, result: 'stop-requested' }));
  });

  test('GIVEN a job still InProgress at a delete poll THEN the stop is requested again', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('InProgress')], StopTrainingJobCommand: [{}] });
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(1);
  });

  test('GIVEN an in-progress tuning job WHEN Delete THEN StopHyperParameterTuningJob', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [describedTuning('InProgress'), describedTuning('Stopped')], StopHyperParameterTuningJobCommand: [{}] });
    await sageMakerJobOnEvent(tuningEvent('Delete'), h.clients);
    expect(h.sagemaker.inputsOf('StopHyperParameterTuningJobCommand')).toEqual([{ HyperParameterTuningJobName: TUNING }]);
    await expect(sageMakerJobIsComplete(tuningEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN the job does not exist WHEN Delete THEN done', async () => {
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound(), resourceNotFound()] });
    await expect(sageMakerJobOnEvent(trainingEvent('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });

  test.each(['Completed', 'Failed', 'Stopped'])('GIVEN the job is %s WHEN Delete THEN done without a stop', async (status) => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining(status), describedTraining(status)] });
    await sageMakerJobOnEvent(trainingEvent('Delete'), h.clients);
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });

  test('GIVEN the job finishes between describe and stop WHEN the stop answers ValidationException THEN done', async () => {
    const h = harness({
      DescribeTrainingJobCommand: [describedTraining('InProgress')],
      StopTrainingJobCommand: [validationError('The request was rejected because the training job is in status Completed.')],
    });
    await expect(sageMakerJobOnEvent(trainingEvent('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'StopTrainingJob', result: 'already-finished' }));
  });

  test.each([
    ['the CDK framework marker of a failed create', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
    ['an ARN', JOB_ARN],
    ['a name with underscores', 'not_a_job'],
    ['no id', undefined],
  ])('GIVEN %s as physical id WHEN Delete THEN success without any call', async (_what, id) => {
    const h = harness();
    const e = trainingEvent('Delete', trainingRequest(), { PhysicalResourceId: id });
    await expect(sageMakerJobOnEvent(e, h.clients)).resolves.toEqual({ PhysicalResourceId: id ?? 'req-1' });
    await expect(sageMakerJobIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('GIVEN a tuning physical id longer than a tuning job name WHEN Delete THEN success without any call', async () => {
    const h = harness();
    await sageMakerJobOnEvent(tuningEvent('Delete', tuningRequest(), { PhysicalResourceId: 'a'.repeat(40) }), h.clients);
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('GIVEN throttling WHEN Delete THEN retried, then the stop succeeds', async () => {
    const h = harness({
      DescribeTrainingJobCommand: [throttling(), describedTraining('InProgress')],
      StopTrainingJobCommand: [throttling('ThrottlingException'), {}],
    });
    await expect(sageMakerJobOnEvent(trainingEvent('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand', 'DescribeTrainingJobCommand', 'StopTrainingJobCommand', 'StopTrainingJobCommand']);
    expect(h.delays).toEqual([100, 100]);
  });

  test('GIVEN persistent throttling WHEN Delete THEN onEvent defers to the polls and the poll reports incomplete', async () => {
    const h = harness({ DescribeTrainingJobCommand: [always(throttling())] });
    await expect(sageMakerJobOnEvent(trainingEvent('Delete'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    await expect(sageMakerJobIsComplete(trainingEvent('Delete'), h.clients)).resolves.toEqual({ IsComplete: false });
  });

  test('GIVEN the stop is denied WHEN Delete THEN the delete fails', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('InProgress')], StopTrainingJobCommand: [accessDenied()] });
    await expect(sageMakerJobOnEvent(trainingEvent('Delete'), h.clients)).rejects.toThrow(/not authorized/);
  });
});

describe('entry points', () => {
  test('an unknown resource type is rejected', async () => {
    const h = harness();
    await expect(sageMakerJobOnEvent({ ...trainingEvent('Create'), ResourceType: 'Custom::Other' }, h.clients)).rejects.toThrow(/unsupported resource type Custom::Other/);
  });
});
