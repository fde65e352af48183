// Pipeline rules that only a whole definition shows: declared outputs, tuning ranks, step display
// names, schedule time zones and scheduled parameter values. Each error names the pipeline's path.
import { App, Stack } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  BuiltInAlgorithm, CallbackStep, ContainerImage, DataBucket, FailStep, HyperparameterRange, HyperparameterTuningSpec, InstanceType, LambdaStep,
  ModelStep, ObjectiveType, Pipeline, PipelineParameter, PipelineProps, S3Location, Step, TrainingSpec, TuningStep, TuningStrategy,
} from '../../../constructs';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');

function pipeline(steps: (stack: Stack) => Step[], props: Partial<PipelineProps> = {}): () => Pipeline {
  return () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
    return new Pipeline(stack, 'P', { steps: steps(stack), ...props });
  };
}

function tuning(stack: Stack, maxJobs?: number, strategy?: TuningStrategy): TuningStep {
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const trainingSpec = new TrainingSpec({
    image: XGBOOST,
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  return new TuningStep('Tune', {
    spec: new HyperparameterTuningSpec({
      trainingSpec, objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE },
      ranges: strategy === TuningStrategy.GRID ? [HyperparameterRange.integer('max_depth', 3, 4)] : [HyperparameterRange.continuous('eta', 0.05, 0.5)],
      maxJobs, strategy, maxParallelJobs: 1,
    }),
  });
}

function fn(stack: Stack): lambda.IFunction {
  return lambda.Function.fromFunctionArn(stack, 'Fn', 'arn:aws:lambda:eu-west-1:111122223333:function:notify');
}

describe('declared outputs of Lambda and callback steps', () => {
  test('reading an output a Lambda step does not declare is refused, naming the declared ones', () => {
    expect(pipeline((s) => {
      const notify = new LambdaStep('Notify', { function: fn(s), outputs: [{ name: 'ok' }] });
      return [notify, new FailStep('F', { errorMessage: notify.output('status') })];
    })).toThrow(/^\[S\/P\] output\('status'\) of step 'Notify': the step declares no such output \(outputs: ok\); add it to outputs/);
  });

  test('reading an output a callback step does not declare, and declaring one twice, are refused', () => {
    expect(pipeline((s) => {
      const review = new CallbackStep('Review', { queue: sqs.Queue.fromQueueArn(s, 'Q', 'arn:aws:sqs:eu-west-1:111122223333:review'), outputs: [{ name: 'verdict' }, { name: 'verdict' }] });
      return [review, new FailStep('F', { errorMessage: review.output('reason') })];
    })).toThrow(/2 problems[\s\S]*declares the outputs 'verdict' more than once[\s\S]*output\('reason'\) of step 'Review': the step declares no such output \(outputs: verdict, verdict\)/);
  });

  test('declared outputs read fine', () => {
    expect(pipeline((s) => {
      const notify = new LambdaStep('Notify', { function: fn(s), outputs: [{ name: 'ok' }] });
      return [notify, new FailStep('F', { errorMessage: notify.output('ok') })];
    })).not.toThrow();
  });
});

describe('TuningStep.topModelArtifacts ranks', () => {
  const model = (t: TuningStep, k: number) => new ModelStep('M', { image: XGBOOST, modelData: t.topModelArtifacts(k) });

  test('a rank beyond maxJobs is refused', () => {
    expect(pipeline((s) => { const t = tuning(s, 4); return [t, model(t, 4)]; })).toThrow(/topModelArtifacts\(4\) of step 'Tune': use a whole rank from 0 \(the best\) to 3 \(the step keeps the 50 best jobs and runs at most maxJobs 4\)/);
  });

  test('a rank beyond the 50 jobs the step keeps is refused; 49 with 100 jobs is fine', () => {
    expect(pipeline((s) => { const t = tuning(s, 100); return [t, model(t, 50)]; })).toThrow(/topModelArtifacts\(50\) of step 'Tune': use a whole rank from 0 \(the best\) to 49/);
    expect(pipeline((s) => { const t = tuning(s, 100); return [t, model(t, 49)]; })).not.toThrow();
  });

  test('a rank from a deploy-time value is refused', () => {
    const k = PipelineParameter.integer('K', { defaultValue: 1 });
    expect(pipeline((s) => { const t = tuning(s, 10); return [t, model(t, k.asNumber)]; }, { parameters: [k] })).toThrow(/topModelArtifacts of step 'Tune' got a deploy-time value/);
  });
});

describe('step display names and descriptions', () => {
  test('a display name outside the step name rule is refused', () => {
    expect(pipeline(() => [new FailStep('F', { errorMessage: 'x', displayName: 'Check the model' })])).toThrow(/invalid displayName of step 'F' 'Check the model' \(length 15\): use 1-64 letters, digits, '-' or '_'/);
  });

  test('a description over 4096 characters is refused', () => {
    expect(pipeline(() => [new FailStep('F', { errorMessage: 'x', description: 'd'.repeat(4097) })])).toThrow(/the description of step 'F' is 4097 characters long: at most 4096/);
  });
});

describe('schedules', () => {
  const fail = () => [new FailStep('F', { errorMessage: 'x' })];

  test('a time zone that is not an IANA name is refused; IANA names pass', () => {
    expect(pipeline(fail, { schedules: [{ expression: 'cron(0 6 * * ? *)', timezone: 'CET+1' }] })).toThrow(/schedule 0 has the timezone 'CET\+1', which is not an IANA time zone name/);
    expect(pipeline(fail, { schedules: [{ expression: 'cron(0 6 * * ? *)', timezone: 'Europe/Berlin' }] })).not.toThrow();
  });

  test('scheduled values must parse as the parameter\'s type', () => {
    const parameters = [PipelineParameter.integer('Count'), PipelineParameter.float('Ratio'), PipelineParameter.boolean('Flag')];
    expect(pipeline(fail, { parameters, schedules: [{ expression: 'rate(1 day)', parameters: { Count: '2.5', Ratio: 'half', Flag: 'yes' } }] }))
      .toThrow(/3 problems in schedule 0:[\s\S]*the Integer parameter 'Count' to '2.5': use a whole number written as a string[\s\S]*the Float parameter 'Ratio' to 'half'[\s\S]*the Boolean parameter 'Flag' to 'yes': use 'true' or 'false'/);
    expect(pipeline(fail, { parameters, schedules: [{ expression: 'rate(1 day)', parameters: { Count: '3', Ratio: '0.5', Flag: 'true' } }] })).not.toThrow();
  });
});
