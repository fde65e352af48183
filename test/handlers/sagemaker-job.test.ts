import {
  JOB_NAME_LIMITS,
  MAX_DATA_BYTES,
  MAX_JOB_ATTEMPTS,
  TRAINING_JOB_RESOURCE_TYPE,
  TUNING_JOB_RESOURCE_TYPE,
  attemptName,
  isJobName,
  metricAttributeName,
  parseJobRequest,
  resolvedJobName,
  sageMakerJobIsComplete,
  sageMakerJobOnEvent,
  trainingJobData,
} from '../../constructs/training/handlers/sagemaker-job';
import { CustomResourceEvent, RequestType } from '../../constructs/private/handlers/runtime';
import { expectValidSageMakerCalls, validateSageMakerRequest } from '../support/sagemaker-api';
import {
  Script,
  ScriptedClient,
  accessDenied,
  always,
  awsError,
  testRuntime,
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
  const rt = testRuntime();
  return { sagemaker, delays: rt.delays, logs: rt.logs, clients: { sagemaker, ...rt.options } };
}

/** Every request the handler sent must be acceptable to the SageMaker API (botocore model). */
function expectValidRequests(sagemaker: ScriptedClient): void {
  expectValidSageMakerCalls(sagemaker.calls);
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

describe('create (legacy: a Request naming the job, no NameBase)', () => {
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

  test('GIVEN a script-mode request WHEN Create THEN sagemaker_job_name is the job name, JSON-encoded as the SDK sets it; a given one stays', async () => {
    const scriptMode = { ...trainingRequest(), HyperParameters: { epochs: '10', sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b/sourcedir.tar.gz"' } };
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound('Requested resource not found.')], CreateTrainingJobCommand: [{ TrainingJobArn: JOB_ARN }] });
    await sageMakerJobOnEvent(trainingEvent('Create', scriptMode), h.clients);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([{ ...scriptMode, HyperParameters: { ...scriptMode.HyperParameters, sagemaker_job_name: `"${JOB}"` } }]);
    expectValidRequests(h.sagemaker);

    const given = { ...scriptMode, HyperParameters: { ...scriptMode.HyperParameters, sagemaker_job_name: '"mine"' } };
    const h2 = harness({ DescribeTrainingJobCommand: [resourceNotFound('Requested resource not found.')], CreateTrainingJobCommand: [{ TrainingJobArn: JOB_ARN }] });
    await sageMakerJobOnEvent(trainingEvent('Create', given), h2.clients);
    expect(h2.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([given]);
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

  test('GIVEN the job exists but was Stopped WHEN Create THEN it is adopted as before (no attempt names without a NameBase)', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Stopped')] });
    await expect(sageMakerJobOnEvent(trainingEvent('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand']);
  });

  test('GIVEN an invalid Request WHEN Create THEN it fails before any call', async () => {
    const h = harness();
    await expect(sageMakerJobOnEvent(trainingEvent('Create', trainingRequest('no_underscores')), h.clients)).rejects.toThrow(/TrainingJobName/);
    expect(h.sagemaker.calls).toEqual([]);
  });
});

describe('update (legacy: a Request naming the job, no NameBase)', () => {
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

  // The physical id of a failed or unanswered create is not a job: the job name comes from the
  // properties the Delete carries (here a legacy Request naming the job), and that job is stopped
  // if the create started it. The id itself is never described.
  test.each([
    ['the CDK framework marker of a failed create', 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED'],
    ['an ARN', JOB_ARN],
    ['a name with underscores', 'not_a_job'],
    ['no id', undefined],
    ['an id CloudFormation invented for a create that never answered', 'Test-Job-1ABCDEFGHIJKL'],
  ])('GIVEN %s as physical id WHEN Delete THEN the Request\'s job is looked at, never the id', async (_what, id) => {
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound(), resourceNotFound()] });
    const e = trainingEvent('Delete', trainingRequest(), { PhysicalResourceId: id });
    await expect(sageMakerJobOnEvent(e, h.clients)).resolves.toEqual({ PhysicalResourceId: id ?? 'req-1' });
    await expect(sageMakerJobIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: JOB }, { TrainingJobName: JOB }]);
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });

  test('GIVEN properties that do not parse and a physical id that is not a job name WHEN Delete THEN success without any call', async () => {
    const h = harness();
    const e = { ...trainingEvent('Delete', trainingRequest(), { PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' }), ResourceProperties: { Request: '{not json' } };
    await expect(sageMakerJobOnEvent(e, h.clients)).resolves.toEqual({ PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' });
    await expect(sageMakerJobIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.calls).toEqual([]);
  });

  test('GIVEN a tuning physical id longer than a tuning job name WHEN Delete THEN the Request\'s tuning job is stopped, the id never described', async () => {
    const h = harness({ DescribeHyperParameterTuningJobCommand: [describedTuning('InProgress')], StopHyperParameterTuningJobCommand: [{}] });
    await sageMakerJobOnEvent(tuningEvent('Delete', tuningRequest(), { PhysicalResourceId: 'a'.repeat(40) }), h.clients);
    expect(h.sagemaker.inputsOf('DescribeHyperParameterTuningJobCommand')).toEqual([{ HyperParameterTuningJobName: TUNING }]);
    expect(h.sagemaker.inputsOf('StopHyperParameterTuningJobCommand')).toEqual([{ HyperParameterTuningJobName: TUNING }]);
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

// ---------------------------------------------------------------------------------------------------
// Names decided from the resolved request (NameBase)
// ---------------------------------------------------------------------------------------------------

const STACK_A = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Test/11111111-aaaa-bbbb-cccc-000000000001`;
const STACK_B = `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/Test/22222222-aaaa-bbbb-cccc-000000000002`;
/** `<prefix>-<10-hex synth hash>`, as TrainingJob renders it. */
const BASE = 'test-training-9618622a-0123456789';
/** `<prefix>-<6-hex synth hash>`, as HyperparameterTuningJob renders it. */
const TUNING_BASE = 'tesng-aee75f09-abcdef';

/** The request a construct renders: no job name (the handler names the job). */
function unnamedTraining(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const { TrainingJobName: _name, ...rest } = trainingRequest();
  return { ...rest, ...overrides };
}

function unnamedTuning(): Record<string, unknown> {
  const { HyperParameterTuningJobName: _name, ...rest } = tuningRequest();
  return rest;
}

function namedEvent(
  resourceType: string,
  requestType: RequestType,
  options: { request?: Record<string, unknown>; base?: string; stackId?: string; physicalId?: string } = {},
): CustomResourceEvent {
  const tuning = resourceType === TUNING_JOB_RESOURCE_TYPE;
  return {
    RequestType: requestType,
    ResourceType: resourceType,
    LogicalResourceId: 'Job',
    RequestId: 'req-1',
    StackId: options.stackId ?? STACK_A,
    PhysicalResourceId: options.physicalId,
    ResourceProperties: {
      ServiceToken: 'arn:aws:lambda:eu-west-1:111122223333:function:provider',
      NameBase: options.base ?? (tuning ? TUNING_BASE : BASE),
      Request: JSON.stringify(options.request ?? (tuning ? unnamedTuning() : unnamedTraining())),
    },
  };
}

const named = (rt: RequestType, options?: Parameters<typeof namedEvent>[2]) => namedEvent(TRAINING_JOB_RESOURCE_TYPE, rt, options);
const namedTuning = (rt: RequestType, options?: Parameters<typeof namedEvent>[2]) => namedEvent(TUNING_JOB_RESOURCE_TYPE, rt, options);

/** The first attempt's name for the default training request in stack A. */
const FIRST = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, unnamedTraining(), STACK_A);

/**
 * Describe replies from a table of existing jobs (name → status); any other name is not found.
 * `field` is the request member holding the name.
 */
function existingJobs(jobs: Record<string, string>, field: 'TrainingJobName' | 'HyperParameterTuningJobName' = 'TrainingJobName') {
  return always((input: Record<string, string>) => {
    const name = input[field];
    const status = jobs[name];
    if (status === undefined) throw resourceNotFound(`Requested resource not found: ${name}`);
    return field === 'TrainingJobName'
      ? describedTraining(status, {}, name)
      : { HyperParameterTuningJobName: name, HyperParameterTuningJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${name}`, HyperParameterTuningJobStatus: status };
  });
}

describe('resolvedJobName', () => {
  test('<NameBase>-<8 hex> for a training job, <NameBase>-<6 hex> for a tuning job', () => {
    expect(FIRST).toMatch(new RegExp(`^${BASE}-[0-9a-f]{8}$`));
    expect(resolvedJobName(TUNING_JOB_RESOURCE_TYPE, TUNING_BASE, unnamedTuning(), STACK_A)).toMatch(new RegExp(`^${TUNING_BASE}-[0-9a-f]{6}$`));
  });

  test('the same resolved request in the same stack gets the same name, whatever the key order and any name in it', () => {
    const reordered = Object.fromEntries(Object.entries(unnamedTraining()).reverse());
    expect(resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, reordered, STACK_A)).toBe(FIRST);
    expect(resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, { ...unnamedTraining(), TrainingJobName: 'anything' }, STACK_A)).toBe(FIRST);
  });

  test('a new stack (a destroy and a fresh deploy) or a changed resolved value gets a new name', () => {
    const newStack = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, unnamedTraining(), STACK_B);
    const newBucket = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, unnamedTraining({ OutputDataConfig: { S3OutputPath: 's3://other-bucket/models/' } }), STACK_A);
    const newRole = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, unnamedTraining({ RoleArn: `${ROLE_ARN}2` }), STACK_A);
    expect(new Set([FIRST, newStack, newBucket, newRole]).size).toBe(4);
  });

  test('attempt names: the first, then -r2 ... -r20', () => {
    expect(attemptName(FIRST, 1)).toBe(FIRST);
    expect(attemptName(FIRST, 2)).toBe(`${FIRST}-r2`);
    expect(attemptName(FIRST, MAX_JOB_ATTEMPTS)).toBe(`${FIRST}-r20`);
  });

  test.each([
    ['training', TRAINING_JOB_RESOURCE_TYPE, JOB_NAME_LIMITS.training, 63],
    ['tuning', TUNING_JOB_RESOURCE_TYPE, JOB_NAME_LIMITS.tuning, 32],
  ])('the longest NameBase of a %s job still leaves every attempt name valid (at most %s characters)', (_kind, type, limits, max) => {
    expect(limits.maxNameLength).toBe(max);
    const base = 'x'.repeat(limits.maxBaseLength);
    const { name } = parseJobRequest(type, { NameBase: base, Request: JSON.stringify(type === TUNING_JOB_RESOURCE_TYPE ? unnamedTuning() : unnamedTraining()) }, STACK_A);
    const last = attemptName(name, MAX_JOB_ATTEMPTS);
    expect(last).toHaveLength(max);
    expect(isJobName(last, type)).toBe(true);
    for (let n = 1; n <= MAX_JOB_ATTEMPTS; n++) expect(attemptName(name, n).length).toBeLessThanOrEqual(max);
  });

  test.each([
    ['training', TRAINING_JOB_RESOURCE_TYPE, JOB_NAME_LIMITS.training.maxBaseLength],
    ['tuning', TUNING_JOB_RESOURCE_TYPE, JOB_NAME_LIMITS.tuning.maxBaseLength],
  ])('a %s NameBase too long for the attempt names, or not a name, is rejected', (_kind, type, maxBase) => {
    const props = (base: unknown) => ({ NameBase: base, Request: JSON.stringify(unnamedTraining()) });
    expect(() => parseJobRequest(type, props('x'.repeat(maxBase + 1)), STACK_A)).toThrow(new RegExp(`NameBase must be 1-${maxBase} letters`));
    expect(() => parseJobRequest(type, props('bad_base'), STACK_A)).toThrow(/NameBase must be/);
    expect(() => parseJobRequest(type, props('trailing-'), STACK_A)).toThrow(/NameBase must be/);
    expect(() => parseJobRequest(type, props(''), STACK_A)).toThrow(/NameBase must be/);
  });
});

describe('create with a NameBase', () => {
  test('GIVEN no job of the first name WHEN Create THEN it is created under that name with the rest of the request, and the name returned', async () => {
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound()], CreateTrainingJobCommand: [{}] });
    const res = await sageMakerJobOnEvent(named('Create'), h.clients);
    expect(res).toEqual({ PhysicalResourceId: FIRST });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: FIRST }]);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([{ ...unnamedTraining(), TrainingJobName: FIRST }]);
    expectValidRequests(h.sagemaker);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', requestType: 'Create', jobName: FIRST, result: 'created' }));
  });

  test('GIVEN the same StackId and the same resolved request WHEN Create again (a retry) THEN the same name: the running job is adopted', async () => {
    const first = harness({ DescribeTrainingJobCommand: [resourceNotFound()], CreateTrainingJobCommand: [{}] });
    const { PhysicalResourceId: created } = await sageMakerJobOnEvent(named('Create'), first.clients);
    const again = harness({ DescribeTrainingJobCommand: [existingJobs({ [created]: 'InProgress' })] });
    await expect(sageMakerJobOnEvent(named('Create'), again.clients)).resolves.toEqual({ PhysicalResourceId: created });
    expect(again.sagemaker.commandNames()).toEqual(['DescribeTrainingJobCommand']);
    expect(again.logs).toContainEqual(expect.objectContaining({ jobName: created, result: 'exists', status: 'InProgress' }));
  });

  test('GIVEN the first name completed WHEN Create (a rollback to a request that already ran) THEN it is adopted', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Completed' })] });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: FIRST });
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });

  test('GIVEN the same request in a new stack (destroyed and deployed again) WHEN Create THEN a new job: the old one is not adopted', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Completed' })], CreateTrainingJobCommand: [{}] });
    const res = await sageMakerJobOnEvent(named('Create', { stackId: STACK_B }), h.clients);
    expect(res.PhysicalResourceId).not.toBe(FIRST);
    expect(res.PhysicalResourceId).toMatch(new RegExp(`^${BASE}-[0-9a-f]{8}$`));
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([{ ...unnamedTraining(), TrainingJobName: res.PhysicalResourceId }]);
  });

  test('GIVEN the first name was Stopped (a rollback stopped it) WHEN Create THEN <name>-r2 is created', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Stopped' })], CreateTrainingJobCommand: [{}] });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${FIRST}-r2` });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: FIRST }, { TrainingJobName: `${FIRST}-r2` }]);
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand')).toEqual([{ ...unnamedTraining(), TrainingJobName: `${FIRST}-r2` }]);
    expectValidRequests(h.sagemaker);
    expect(h.logs).toContainEqual(expect.objectContaining({ jobName: FIRST, result: 'exists-unusable', status: 'Stopped' }));
    expect(h.logs).toContainEqual(expect.objectContaining({ jobName: `${FIRST}-r2`, attempt: 2, result: 'created' }));
  });

  test('GIVEN the first name Stopped and -r2 Failed WHEN Create THEN -r3 is created', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Stopped', [`${FIRST}-r2`]: 'Failed' })], CreateTrainingJobCommand: [{}] });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${FIRST}-r3` });
    expect(h.sagemaker.inputsOf('CreateTrainingJobCommand').map((i) => i.TrainingJobName)).toEqual([`${FIRST}-r3`]);
  });

  test.each(['Failed', 'Stopping'])('GIVEN the first name is %s WHEN Create THEN the next attempt runs', async (status) => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: status })], CreateTrainingJobCommand: [{}] });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${FIRST}-r2` });
  });

  test('GIVEN -r2 already runs (a retried create after the first name stopped) WHEN Create THEN -r2 is adopted', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Stopped', [`${FIRST}-r2`]: 'InProgress' })] });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${FIRST}-r2` });
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });

  test('GIVEN a create of -r2 racing another WHEN it answers ResourceInUse THEN -r2 is adopted', async () => {
    const h = harness({
      DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Failed' })],
      CreateTrainingJobCommand: [awsError('ResourceInUse', 'Training job names must be unique within an AWS account and region')],
    });
    await expect(sageMakerJobOnEvent(named('Create'), h.clients)).resolves.toEqual({ PhysicalResourceId: `${FIRST}-r2` });
    expect(h.logs).toContainEqual(expect.objectContaining({ jobName: `${FIRST}-r2`, result: 'exists-race' }));
  });

  test('GIVEN every attempt name is taken by a stopped or failed job WHEN Create THEN it fails with a clear message and creates nothing', async () => {
    const jobs: Record<string, string> = {};
    for (let n = 1; n <= MAX_JOB_ATTEMPTS; n++) jobs[attemptName(FIRST, n)] = n % 2 ? 'Stopped' : 'Failed';
    const h = harness({ DescribeTrainingJobCommand: [existingJobs(jobs)] });
    const err = await sageMakerJobOnEvent(named('Create'), h.clients).catch((e: Error) => e);
    expect((err as Error).message).toBe(
      `Training job ${FIRST}: all 20 names (${FIRST}, ${FIRST}-r2 ... ${FIRST}-r20) are taken by jobs that stopped or failed; fix the cause of the failures, then set a new runId to start under a new name`,
    );
    expect(h.sagemaker.countOf('DescribeTrainingJobCommand')).toBe(MAX_JOB_ATTEMPTS);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
    expect(h.logs).toContainEqual(expect.objectContaining({ result: 'attempts-exhausted', attempts: 20 }));
  });

  test('GIVEN the longest NameBase and 19 stopped attempts WHEN Create THEN -r20 is created, a valid name of 63 characters', async () => {
    const base = 'b'.repeat(JOB_NAME_LIMITS.training.maxBaseLength);
    const first = resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, base, unnamedTraining(), STACK_A);
    const jobs: Record<string, string> = {};
    for (let n = 1; n < MAX_JOB_ATTEMPTS; n++) jobs[attemptName(first, n)] = 'Stopped';
    const h = harness({ DescribeTrainingJobCommand: [existingJobs(jobs)], CreateTrainingJobCommand: [{}] });
    const res = await sageMakerJobOnEvent(named('Create', { base }), h.clients);
    expect(res.PhysicalResourceId).toBe(`${first}-r20`);
    expect(res.PhysicalResourceId).toHaveLength(63);
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN a tuning job whose first name was Stopped WHEN Create THEN -r2 is created, at most 32 characters, with a valid request', async () => {
    const base = 't'.repeat(JOB_NAME_LIMITS.tuning.maxBaseLength);
    const first = resolvedJobName(TUNING_JOB_RESOURCE_TYPE, base, unnamedTuning(), STACK_A);
    const h = harness({
      DescribeHyperParameterTuningJobCommand: [existingJobs({ [first]: 'Stopped' }, 'HyperParameterTuningJobName')],
      CreateHyperParameterTuningJobCommand: [{}],
    });
    const res = await sageMakerJobOnEvent(namedTuning('Create', { base }), h.clients);
    expect(res).toEqual({ PhysicalResourceId: `${first}-r2` });
    expect(res.PhysicalResourceId.length).toBeLessThanOrEqual(32);
    expect(h.sagemaker.inputsOf('CreateHyperParameterTuningJobCommand')).toEqual([{ ...unnamedTuning(), HyperParameterTuningJobName: `${first}-r2` }]);
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN the event has no physical id WHEN isComplete THEN it polls the first attempt name', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('InProgress', {}, FIRST)] });
    await expect(sageMakerJobIsComplete(named('Create'), h.clients)).resolves.toEqual({ IsComplete: false });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: FIRST }]);
  });
});

describe('update with a NameBase', () => {
  test.each([
    ['the first name', FIRST],
    ['a retry attempt of it', `${FIRST}-r3`],
  ])('GIVEN the physical id is %s of the same request WHEN Update THEN nothing changes and no call is made', async (_what, id) => {
    const h = harness();
    await expect(sageMakerJobOnEvent(named('Update', { physicalId: id }), h.clients)).resolves.toEqual({ PhysicalResourceId: id });
    expect(h.sagemaker.calls).toEqual([]);
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'Update', jobName: id, result: 'unchanged' }));
  });

  test('GIVEN a changed resolved value (the same template) WHEN Update THEN a new job runs and its name is returned', async () => {
    const changed = unnamedTraining({ InputDataConfig: [{ ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://new-bucket/train/' } } }] });
    const h = harness({ DescribeTrainingJobCommand: [resourceNotFound()], CreateTrainingJobCommand: [{}] });
    const res = await sageMakerJobOnEvent(named('Update', { request: changed, physicalId: FIRST }), h.clients);
    expect(res.PhysicalResourceId).not.toBe(FIRST);
    expect(res.PhysicalResourceId).toBe(resolvedJobName(TRAINING_JOB_RESOURCE_TYPE, BASE, changed, STACK_A));
    expect(h.logs).toContainEqual(expect.objectContaining({ action: 'CreateTrainingJob', requestType: 'Update', previousJobName: FIRST, result: 'created' }));
    expectValidRequests(h.sagemaker);
  });

  test('GIVEN a physical id with a suffix that is not an attempt (-r21, -r1, -rx) WHEN Update THEN the names are walked again', async () => {
    for (const id of [`${FIRST}-r21`, `${FIRST}-r1`, `${FIRST}-rx`, `${FIRST}-r02`]) {
      const h = harness({ DescribeTrainingJobCommand: [existingJobs({ [FIRST]: 'Completed' })] });
      await expect(sageMakerJobOnEvent(named('Update', { physicalId: id }), h.clients)).resolves.toEqual({ PhysicalResourceId: FIRST });
    }
  });

  test('GIVEN the rollback of an upgrade (a Request naming the job, no NameBase) WHEN Update THEN that exact job is adopted', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Completed')] });
    await expect(sageMakerJobOnEvent(trainingEvent('Update', trainingRequest(), { PhysicalResourceId: FIRST }), h.clients)).resolves.toEqual({ PhysicalResourceId: JOB });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: JOB }]);
    expect(h.sagemaker.countOf('CreateTrainingJobCommand')).toBe(0);
  });
});

describe('isComplete and Delete of a retry attempt', () => {
  const R2 = `${FIRST}-r2`;

  test('GIVEN -r2 completed THEN Data names -r2, the job that actually ran', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('Completed', { ModelArtifacts: { S3ModelArtifacts: `s3://data-bucket/models/${R2}/output/model.tar.gz` } }, R2)] });
    const res = await sageMakerJobIsComplete(named('Create', { physicalId: R2 }), h.clients);
    expect(res).toEqual({
      IsComplete: true,
      Data: {
        TrainingJobName: R2,
        TrainingJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:training-job/${R2}`,
        ModelDataUri: `s3://data-bucket/models/${R2}/output/model.tar.gz`,
      },
    });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: R2 }]);
  });

  test('GIVEN a tuning attempt -r2 completed THEN Data names it', async () => {
    const first = resolvedJobName(TUNING_JOB_RESOURCE_TYPE, TUNING_BASE, unnamedTuning(), STACK_A);
    const r2 = `${first}-r2`;
    const best = `${r2}-003-1a2b3c4d`;
    const h = harness({
      DescribeHyperParameterTuningJobCommand: [{
        HyperParameterTuningJobName: r2,
        HyperParameterTuningJobArn: `arn:aws:sagemaker:${REGION}:${ACCOUNT}:hyper-parameter-tuning-job/${r2}`,
        HyperParameterTuningJobStatus: 'Completed',
        BestTrainingJob: { TrainingJobName: best, FinalHyperParameterTuningJobObjectiveMetric: { MetricName: 'validation:auc', Value: 0.9 } },
      }],
      DescribeTrainingJobCommand: [describedTraining('Completed', { ModelArtifacts: { S3ModelArtifacts: 's3://b/best.tar.gz' } }, best)],
    });
    const res = await sageMakerJobIsComplete(namedTuning('Create', { physicalId: r2 }), h.clients);
    expect(res.Data?.HyperParameterTuningJobName).toBe(r2);
    expect(res.Data?.BestTrainingJobName).toBe(best);
    expect(h.sagemaker.inputsOf('DescribeHyperParameterTuningJobCommand')).toEqual([{ HyperParameterTuningJobName: r2 }]);
  });

  test('GIVEN -r2 runs WHEN Delete THEN the job named by the physical id is stopped', async () => {
    const h = harness({ DescribeTrainingJobCommand: [describedTraining('InProgress', {}, R2)], StopTrainingJobCommand: [{}] });
    await expect(sageMakerJobOnEvent(named('Delete', { physicalId: R2 }), h.clients)).resolves.toEqual({ PhysicalResourceId: R2 });
    expect(h.sagemaker.inputsOf('StopTrainingJobCommand')).toEqual([{ TrainingJobName: R2 }]);
  });

  test('GIVEN a foreign physical id WHEN Delete with a NameBase THEN the derived names are looked at, never the id', async () => {
    const h = harness({ DescribeTrainingJobCommand: [existingJobs({})] });
    const e = named('Delete', { physicalId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' });
    await expect(sageMakerJobOnEvent(e, h.clients)).resolves.toEqual({ PhysicalResourceId: 'AWSCDK::CustomResourceProviderFramework::CREATE_FAILED' });
    await expect(sageMakerJobIsComplete(e, h.clients)).resolves.toEqual({ IsComplete: true });
    expect(h.sagemaker.inputsOf('DescribeTrainingJobCommand')).toEqual([{ TrainingJobName: FIRST }, { TrainingJobName: FIRST }]);
    expect(h.sagemaker.countOf('StopTrainingJobCommand')).toBe(0);
  });
});

describe('entry points', () => {
  test('an unknown resource type is rejected', async () => {
    const h = harness();
    await expect(sageMakerJobOnEvent({ ...trainingEvent('Create'), ResourceType: 'Custom::Other' }, h.clients)).rejects.toThrow(/unsupported resource type Custom::Other/);
  });
});
