import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Lazy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import {
  CallbackStep, Condition, ConditionStep, DataBucket, DefinitionStorage, FailStep, InstanceType, JobExceptionType, LambdaStep,
  ModelRegistry, ModelStep, OutputType, Pipeline, PipelineExecutionStatus, PipelineParameter, ProcessingCode,
  ProcessingSpec, ProcessingStep, PropertyFile, RetryPolicy, S3Location, StepExceptionType, TrainingStep, TransformStep,
} from '../../../constructs';
import { churnPipeline, churnTrainingSpec, XGBOOST_IMAGE } from '../../../lib/churn';
import { checkPipelinesWithCdkOut, expectValidPipelineDefinition } from '../../support/pipeline-schema';
import { validateSageMakerRequest } from '../../support/sagemaker-api';
import { expectNoFindings, testStack } from '../../support/validity';

const OPERATIONS: Record<string, [string, string]> = {
  Training: ['CreateTrainingJob', 'TrainingJobName'],
  Processing: ['CreateProcessingJob', 'ProcessingJobName'],
  Tuning: ['CreateHyperParameterTuningJob', 'HyperParameterTuningJobName'],
  Transform: ['CreateTransformJob', 'TransformJobName'],
  Model: ['CreateModel', 'ModelName'],
  RegisterModel: ['CreateModelPackage', 'ModelPackageName'],
};

/** Every step, nested ones included. */
function allSteps(steps: any[]): any[] {
  return steps.flatMap((s) => [s, ...(s.Type === 'Condition' ? allSteps([...s.Arguments.IfSteps, ...s.Arguments.ElseSteps]) : [])]);
}

function expectValidArguments(definition: any): void {
  const problems: string[] = [];
  for (const step of allSteps(definition.Steps)) {
    const op = OPERATIONS[step.Type];
    if (!op) continue;
    problems.push(...validateSageMakerRequest(op[0], step.Arguments, { allowMissing: [op[1]] }).map((p) => `${step.Name}: ${p}`));
  }
  expect(problems).toEqual([]);
}

function sample(stackName = 'Test') {
  const stack = new Stack(new App(), stackName);
  const data = new DataBucket(stack, 'Data');
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
  const pipeline = churnPipeline(stack, 'Pipeline', { data, registry, rawDataUri: data.s3Uri('raw/churn/') });
  return { stack, data, registry, pipeline, definition: stack.resolve(pipeline.definition) };
}

describe('the sample churn pipeline', () => {
  const { stack, pipeline, definition } = sample();
  const template = Template.fromStack(stack);

  test('matches the golden definition byte for byte', () => {
    const golden = path.join(__dirname, 'golden', 'churn-pipeline.json');
    const rendered = JSON.stringify(definition, null, 2) + '\n';
    if (!fs.existsSync(golden) || process.env.UPDATE_GOLDEN) {
      fs.mkdirSync(path.dirname(golden), { recursive: true });
      fs.writeFileSync(golden, rendered);
    }
    expect(rendered).toBe(fs.readFileSync(golden, 'utf8'));
  });

  test('is deterministic: rendering twice gives identical bytes (template included)', () => {
    const again = sample();
    expect(JSON.stringify(again.definition)).toBe(JSON.stringify(definition));
    const body = (t: Template) => JSON.stringify(Object.values(t.findResources('AWS::SageMaker::Pipeline'))[0]);
    expect(body(Template.fromStack(again.stack))).toBe(body(template));
  });

  test('is valid against the public pipeline-definition schema', () => {
    expectValidPipelineDefinition(definition);
  });

  test("every step's arguments are valid against the SageMaker API model", () => {
    expectValidArguments(definition);
  });

  test("passes check-cdk-out's pipeline checks (schema, API model, every Get typed)", () => {
    expect(checkPipelinesWithCdkOut(template.toJSON())).toEqual([]);
  });

  test('parameters, property references, Std:Join and Std:JsonGet are rendered as the service expects', () => {
    expect(definition.Version).toBe('2020-12-01');
    expect(definition.Parameters).toEqual([
      { Name: 'InputDataUri', Type: 'String', DefaultValue: { 'Fn::Join': ['', ['s3://', { Ref: expect.any(String) }, '/raw/churn/']] } },
      { Name: 'AucThreshold', Type: 'Float', DefaultValue: 0.7 },
      { Name: 'ModelApprovalStatus', Type: 'String', DefaultValue: 'PendingManualApproval', EnumValues: ['PendingManualApproval', 'Approved'] },
    ]);
    const [preprocess, train, evaluate, check] = definition.Steps;
    expect(preprocess.Arguments.ProcessingInputs[0].S3Input.S3Uri).toEqual({ Get: 'Parameters.InputDataUri' });
    expect(preprocess.Arguments.ProcessingOutputConfig.Outputs[0].S3Output.S3Uri).toEqual({
      'Std:Join': { On: '', Values: ['s3://', { Ref: expect.any(String) }, '/pipeline/', { Get: 'Execution.PipelineExecutionId' }, '/train/'] },
    });
    expect(train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri).toEqual({ Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" });
    expect(evaluate.Arguments.ProcessingInputs[0].S3Input.S3Uri).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    expect(evaluate.PropertyFiles).toEqual([{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }]);
    const auc = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Evaluate.PropertyFiles.EvaluationReport' }, Path: 'metrics.auc.value' } };
    expect(check.Arguments.Conditions).toEqual([{ Type: 'GreaterThanOrEqualTo', LeftValue: auc, RightValue: { Get: 'Parameters.AucThreshold' } }]);
    const [register] = check.Arguments.IfSteps;
    expect(register.Arguments.ModelApprovalStatus).toEqual({ Get: 'Parameters.ModelApprovalStatus' });
    expect(register.Arguments.ModelPackageGroupName).toBe('churn');
    // From the Evaluate step's output property (which follows the cache), not this execution's id.
    expect(register.Arguments.ModelMetrics.ModelQuality.Statistics.S3Uri).toEqual({ 'Std:Join': { On: '/', Values: [{ Get: "Steps.Evaluate.ProcessingOutputConfig.Outputs['evaluation'].S3Output.S3Uri" }, 'evaluation.json'] } });
    const [fail] = check.Arguments.ElseSteps;
    expect(fail.Arguments.ErrorMessage['Std:Join'].Values).toEqual(['Model AUC ', auc, ' is below the threshold ', { Get: 'Parameters.AucThreshold' }, ': not registered']);
  });

  test('cache and retry policies', () => {
    const train = definition.Steps[1];
    expect(train.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'P30D' });
    expect(train.RetryPolicies).toEqual([
      { ExceptionType: ['Step.SERVICE_FAULT', 'Step.THROTTLING'], IntervalSeconds: 10, BackoffRate: 2, MaxAttempts: 3 },
      { ExceptionType: ['SageMaker.CAPACITY_ERROR', 'SageMaker.JOB_INTERNAL_ERROR'], IntervalSeconds: 60, BackoffRate: 2, MaxAttempts: 2 },
    ]);
  });

  test('the pipeline role is derived from the steps: pass-role, job control, register, property-file read; no broad policy', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Runs the SageMaker pipeline') } });
    const roleId = Object.keys(roles)[0];
    const policy: any = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: roleId }] } }))[0];
    const statements = policy.Properties.PolicyDocument.Statement;
    const text = JSON.stringify(statements);
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'iam:PassRole', Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }));
    for (const action of ['sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateModelPackage']) expect(text).toContain(action);
    expect(text).toContain(':training-job/*');
    expect(text).toContain('/pipeline/*');
    for (const s of statements) for (const a of [].concat(s.Action)) expect(a).not.toMatch(/\*/);
    expect(JSON.stringify(template.toJSON())).not.toMatch(/FullAccess/);
  });

  test('the job role reads pipeline outputs through the literal prefix before the execution id', () => {
    const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('Runs the jobs of the SageMaker pipeline') } });
    const policy: any = Object.values(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Roles: [{ Ref: Object.keys(roles)[0] }] } }))[0];
    const text = JSON.stringify(policy.Properties.PolicyDocument);
    expect(text).toContain('/pipeline/*');
    expect(text).not.toContain('Execution.PipelineExecutionId');
  });

  test('the CfnPipeline has the definition inline, parallelism and a generated name', () => {
    template.hasResourceProperties('AWS::SageMaker::Pipeline', {
      PipelineName: pipeline.pipelineName,
      PipelineDefinition: { PipelineDefinitionBody: Match.anyValue() },
      ParallelismConfiguration: { MaxParallelExecutionSteps: 4 },
    });
    expect(pipeline.pipelineName).toMatch(/^test-pipeline-[0-9a-f]{8}$/);
  });

  test('toMermaid draws the step graph', () => {
    expect(pipeline.toMermaid()).toBe([
      'flowchart TD',
      '  Preprocess["Preprocess<br/><i>Processing</i>"]',
      '  Train["Train<br/><i>Training</i>"]',
      '  Evaluate["Evaluate<br/><i>Processing</i>"]',
      '  CheckAuc{"CheckAuc"}',
      '  RegisterModel["RegisterModel<br/><i>RegisterModel</i>"]',
      '  AucTooLow["AucTooLow<br/><i>Fail</i>"]',
      '  Preprocess --> Train',
      '  Train --> Evaluate',
      '  Preprocess --> Evaluate',
      '  Evaluate --> CheckAuc',
      '  CheckAuc -- if --> RegisterModel',
      '  CheckAuc -- else --> AucTooLow',
      '  Train --> RegisterModel',
      '  Evaluate --> RegisterModel',
      '  Evaluate --> AucTooLow',
      '',
    ].join('\n'));
  });
});

describe('Pipeline features', () => {
  function base() {
    const stack = new Stack(new App(), 'Test');
    const data = new DataBucket(stack, 'Data');
    const train = new TrainingStep('Train', { spec: churnTrainingSpec(data, [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }]) });
    return { stack, data, train };
  }

  test('explicit dependsOn, Model, Transform, Lambda and Callback steps render valid arguments', () => {
    const { stack, data, train } = base();
    const fn = new lambda.Function(stack, 'Fn', { runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => ({})') });
    const queue = new sqs.Queue(stack, 'Queue');
    const model = new ModelStep('CreateModel', { image: XGBOOST_IMAGE, modelData: train.modelArtifacts });
    const transform = new TransformStep('Score', {
      modelName: model.modelName, input: S3Location.inDataBucket(data, 'processed/test/'), output: S3Location.inDataBucket(data, 'scores/'),
      instanceType: InstanceType.ML_M5_XLARGE, contentType: 'text/csv', splitType: 'Line', assembleWith: 'Line', cache: { expireAfter: Duration.hours(12) },
    });
    const notify = new LambdaStep('Notify', { function: fn, inputs: { model: model.modelName }, outputs: [{ name: 'ok', type: OutputType.BOOLEAN }], dependsOn: [transform] });
    const approve = new CallbackStep('HumanReview', { queue, inputs: { scores: transform.outputUri }, outputs: [{ name: 'verdict' }] });
    const p = new Pipeline(stack, 'P', { pipelineName: 'features', steps: [train, model, transform, notify, approve] });
    const definition = stack.resolve(p.definition);
    expectValidPipelineDefinition(definition);
    expectValidArguments(definition);
    const byName = Object.fromEntries(definition.Steps.map((s: any) => [s.Name, s]));
    expect(byName.Notify.DependsOn).toEqual(['Score']);
    expect(byName.Notify.OutputParameters).toEqual([{ OutputName: 'ok', OutputType: 'Boolean' }]);
    expect(byName.Score.CacheConfig).toEqual({ Enabled: true, ExpireAfter: 'PT12H' });
    expect(byName.CreateModel.Arguments.PrimaryContainer.ModelDataUrl).toEqual({ Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' });
    expect(byName.HumanReview.SqsQueueUrl).toEqual({ Ref: expect.stringMatching(/Queue/) });
    const text = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'));
    expect(text).toContain('lambda:InvokeFunction');
    expect(text).toContain('sqs:SendMessage');
  });

  test('conditions: In, Not, And inside Or', () => {
    const { stack, train } = base();
    const mode = PipelineParameter.string('Mode', { defaultValue: 'full' });
    const n = PipelineParameter.integer('Rounds', { defaultValue: 10 });
    const check = new ConditionStep('Check', {
      condition: Condition.or(Condition.and(Condition.isIn(mode.value, ['full', 'quick']), Condition.greaterThan(n.asNumber, 5)), Condition.not(Condition.equalTo(mode.value, 'skip'))),
      ifSteps: [train],
    });
    const p = new Pipeline(stack, 'P', { parameters: [mode, n], steps: [check] });
    const definition = stack.resolve(p.definition);
    expectValidPipelineDefinition(definition);
    expect(definition.Steps[0].Arguments.Conditions).toEqual([{
      Type: 'Or',
      Conditions: [
        { Type: 'Not', Condition: { Type: 'Or', Conditions: [
          { Type: 'Not', Condition: { Type: 'In', QueryValue: { Get: 'Parameters.Mode' }, Values: ['full', 'quick'] } },
          { Type: 'Not', Condition: { Type: 'GreaterThan', LeftValue: { Get: 'Parameters.Rounds' }, RightValue: 5 } },
        ] } },
        { Type: 'Not', Condition: { Type: 'Equals', LeftValue: { Get: 'Parameters.Mode' }, RightValue: 'skip' } },
      ],
    }]);
  });

  test('grantStartExecution, onExecutionStatusChange, schedules and imports', () => {
    const { stack, train } = base();
    const threshold = PipelineParameter.float('Threshold', { defaultValue: 0.5 });
    const p = new Pipeline(stack, 'P', {
      pipelineName: 'Churn-Weekly', parameters: [threshold], steps: [train],
      schedules: [{ expression: 'cron(0 6 ? * MON *)', parameters: { Threshold: '0.8' }, timezone: 'Europe/Berlin' }],
    });
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    p.grantStartExecution(user);
    p.onExecutionStatusChange('OnFailed', { statuses: [PipelineExecutionStatus.FAILED] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [Match.objectLike({ Action: Match.arrayWith(['sagemaker:StartPipelineExecution']) })] } });
    expect(stack.resolve(p.pipelineArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':pipeline/churn-weekly']] });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: { source: ['aws.sagemaker'], 'detail-type': ['SageMaker Model Building Pipeline Execution Status Change'], detail: { currentPipelineExecutionStatus: ['Failed'], pipelineArn: Match.anyValue() } } });
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'cron(0 6 ? * MON *)', ScheduleExpressionTimezone: 'Europe/Berlin', FlexibleTimeWindow: { Mode: 'OFF' },
      Target: Match.objectLike({ SageMakerPipelineParameters: { PipelineParameterList: [{ Name: 'Threshold', Value: '0.8' }] } }),
    });
    const imported = Pipeline.fromPipelineName(stack, 'Imported', 'Other-Pipeline');
    expect(stack.resolve(imported.pipelineArn)['Fn::Join'][1].slice(-1)[0]).toBe(':pipeline/other-pipeline');
  });

  test('a token-free definition can live in S3', () => {
    const stack = new Stack(new App(), 'Test');
    const fail = new FailStep('Stop', { errorMessage: 'nothing to do' });
    new Pipeline(stack, 'P', { steps: [fail], definitionStorage: DefinitionStorage.S3, role: iam.Role.fromRoleArn(stack, 'R', 'arn:aws:iam::111122223333:role/p'), jobRole: iam.Role.fromRoleArn(stack, 'J', 'arn:aws:iam::111122223333:role/j') });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Pipeline', { PipelineDefinition: { PipelineDefinitionS3Location: { Bucket: Match.anyValue(), Key: Match.stringLikeRegexp('\\.json$') } } });
  });
});

describe('Pipeline validation: each an error with path, value and what is allowed', () => {
  function env() {
    const stack = new Stack(new App(), 'Test');
    const data = new DataBucket(stack, 'Data');
    const spec = churnTrainingSpec(data, [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/') }]);
    const processing = (name: string) => new ProcessingStep(name, {
      spec: new ProcessingSpec({
        image: XGBOOST_IMAGE, code: ProcessingCode.fromAsset(path.join(__dirname, '../../fixtures/preprocess.py')),
        outputs: [{ name: 'out', location: S3Location.inDataBucket(data, 'out/') }], resources: { instanceType: InstanceType.ML_M5_XLARGE },
      }),
    });
    return { stack, data, spec, processing };
  }

  test('duplicate step names', () => {
    const { stack, spec } = env();
    expect(() => new Pipeline(stack, 'P', { steps: [new TrainingStep('Train', { spec }), new TrainingStep('Train', { spec })] }))
      .toThrow(/\[Test\/P\] duplicate step name 'Train': step names must be unique in a pipeline/);
  });

  test('a reference to a step not in the pipeline', () => {
    const { stack, spec } = env();
    const orphan = new TrainingStep('Orphan', { spec });
    const model = new ModelStep('Model', { image: XGBOOST_IMAGE, modelData: orphan.modelArtifacts });
    expect(() => new Pipeline(stack, 'P', { steps: [model] })).toThrow(/step 'Model' refers to the step 'Orphan', which is not in the pipeline/);
  });

  test('a dependency cycle names the cycle', () => {
    const { stack, spec } = env();
    const deps: any[] = [];
    const a = new TrainingStep('A', { spec, dependsOn: deps });
    const b = new TrainingStep('B', { spec, dependsOn: [a] });
    const c = new TrainingStep('C', { spec, dependsOn: [b] });
    deps.push(c);
    expect(() => new Pipeline(stack, 'P', { steps: [a, b, c] })).toThrow(/dependency cycle: (A -> B -> C -> A|B -> C -> A -> B|C -> A -> B -> C)/);
  });

  test('a condition referring to a later step', () => {
    const { stack, spec } = env();
    const later = new TrainingStep('Later', { spec });
    const check = new ConditionStep('Check', { condition: Condition.equalTo(later.trainingJobName, 'x'), ifSteps: [later] });
    expect(() => new Pipeline(stack, 'P', { steps: [check] })).toThrow(/condition step 'Check' refers to 'Later', which runs after it \(in its own branches\)/);
  });

  test('parameters used but not declared', () => {
    const { stack } = env();
    const p = PipelineParameter.string('Message');
    expect(() => new Pipeline(stack, 'P', { steps: [new FailStep('Fail', { errorMessage: p.value })] })).toThrow(/the parameter 'Message' is used but not declared/);
  });

  test.each<[string, () => { stack: Stack; props: any }, RegExp]>([
    ['invalid pipeline name', () => ({ stack: env().stack, props: { pipelineName: 'my_pipeline', steps: [new FailStep('F', { errorMessage: 'x' })] } }), /invalid pipelineName 'my_pipeline'/],
    ['invalid step name', () => ({ stack: env().stack, props: { steps: [new FailStep('bad name', { errorMessage: 'x' })] } }), /invalid step name 'bad name' \(length 8\): use 1-64 letters, digits, '-' or '_'/],
    ['invalid parameter name', () => ({ stack: env().stack, props: { parameters: [PipelineParameter.string('bad name')], steps: [new FailStep('F', { errorMessage: 'x' })] } }), /invalid parameter name 'bad name'/],
    ['parameter default of the wrong type', () => ({ stack: env().stack, props: { parameters: [PipelineParameter.integer('N', { defaultValue: 1.5 })], steps: [new FailStep('F', { errorMessage: 'x' })] } }), /parameter 'N' of type Integer has the default 1.5/],
    ['default outside enum values', () => ({ stack: env().stack, props: { parameters: [PipelineParameter.string('S', { defaultValue: 'c', enumValues: ['a', 'b'] })], steps: [new FailStep('F', { errorMessage: 'x' })] } }), /has the default 'c', which is not one of its enumValues/],
    ['cache on a fail step', () => ({ stack: env().stack, props: { steps: [new FailStep('F', { errorMessage: 'x', cache: { expireAfter: Duration.days(1) } } as any)] } }), /step 'F' is a Fail step: caching applies to training, processing, tuning and transform steps only/],
    ['a job retry policy on a condition step', () => ({ stack: env().stack, props: { steps: [new ConditionStep('C', { condition: Condition.equalTo(1, 1), ifSteps: [new FailStep('F', { errorMessage: 'x' })], retryPolicies: [RetryPolicy.job([JobExceptionType.CAPACITY_ERROR])] })] } }), /step 'C' is a Condition step with 1 retry policy: SageMaker retries only Training, Processing, Tuning, Transform, Model, RegisterModel steps; remove retryPolicies/],
    ['a job retry policy on a model step', () => ({ stack: env().stack, props: { steps: [new ModelStep('M', { image: XGBOOST_IMAGE, modelData: 's3://b/model.tar.gz', retryPolicies: [RetryPolicy.job([JobExceptionType.CAPACITY_ERROR])] })] } }), /step 'M' is a Model step: job retry policies \(SageMaker.\*\) apply to training, processing, tuning and transform steps only/],
    ['retry with both maxAttempts and expireAfter', () => ({ stack: env().stack, props: { steps: [new TrainingStep('T', { spec: env().spec, retryPolicies: [RetryPolicy.step([StepExceptionType.THROTTLING], { maxAttempts: 3, expireAfter: Duration.minutes(5) })] })] } }), /sets both maxAttempts and expireAfter/],
    ['a property file on a missing output', () => { const e = env(); const s = e.processing('Eval'); (s as any).props.propertyFiles = [new PropertyFile('Report', 'nope', 'r.json')]; return { stack: e.stack, props: { steps: [s] } }; }, /property file 'Report' of step 'Eval' names the output 'nope', which the processing spec does not have \(outputs: out\)/],
    ['no steps', () => ({ stack: env().stack, props: { steps: [] } }), /the pipeline has no steps/],
    ['a schedule setting an unknown parameter', () => ({ stack: env().stack, props: { steps: [new FailStep('F', { errorMessage: 'x' })], schedules: [{ expression: 'rate(1 day)', parameters: { Nope: '1' } }] } }), /schedule 0 sets \["Nope"\], which are not parameters of the pipeline/],
    ['a schedule value outside enum values', () => ({ stack: env().stack, props: { parameters: [PipelineParameter.string('S', { enumValues: ['a'] })], steps: [new FailStep('F', { errorMessage: 'x' })], schedules: [{ expression: 'rate(1 day)', parameters: { S: 'b' } }] } }), /schedule 0 sets parameter 'S' to 'b': use one of a/],
    ['an invalid schedule expression', () => ({ stack: env().stack, props: { steps: [new FailStep('F', { errorMessage: 'x' })], schedules: [{ expression: 'every day' }] } }), /invalid schedule expression 'every day'/],
    ['maxParallelSteps 0', () => ({ stack: env().stack, props: { steps: [new FailStep('F', { errorMessage: 'x' })], maxParallelSteps: 0 } }), /invalid maxParallelSteps 0/],
    ['a definition over the size limit', () => ({ stack: env().stack, props: { steps: [new FailStep('F', { errorMessage: 'x'.repeat(1_100_000) })] } }), /the pipeline definition is \d+ characters: SageMaker accepts at most 1048576/],
    ['S3 storage with CloudFormation references', () => { const e = env(); return { stack: e.stack, props: { steps: [new TrainingStep('T', { spec: e.spec })], definitionStorage: DefinitionStorage.S3 } }; }, /must go to S3, but it holds CloudFormation references/],
  ])('%s', (_name, build, error) => {
    const { stack, props } = build();
    expect(() => new Pipeline(stack, 'P', props)).toThrow(error);
  });
});

describe('Pipeline validity', () => {
  test('the sample pipeline passes cdk-nag and the built-in CloudFormation validation', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const registry = new ModelRegistry(stack, 'Registry');
    const pipeline = churnPipeline(stack, 'Pipeline', { data, registry, rawDataUri: data.s3Uri('raw/churn/') });
    pipeline.onExecutionStatusChange('OnDone', { statuses: [PipelineExecutionStatus.SUCCEEDED, PipelineExecutionStatus.FAILED] });
    expectNoFindings(stack);
  });
});

describe('Pipeline imports', () => {
  const ARN = 'arn:aws:sagemaker:eu-west-1:444455556666:pipeline/churn-retrain';

  test('fromPipelineArn takes the name and the environment from the ARN, and grants on it', () => {
    const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-east-1' } });
    const imported = Pipeline.fromPipelineArn(stack, 'Imported', ARN);
    expect(imported.pipelineName).toBe('churn-retrain');
    expect(imported.pipelineArn).toBe(ARN);
    expect(imported.pipelineRef).toEqual({ pipelineName: 'churn-retrain' });
    expect(imported.env).toEqual({ account: '444455556666', region: 'eu-west-1' });
    const role = new iam.Role(stack, 'Caller', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantStartExecution(role);
    const statements = Object.values<any>(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements[0].Resource).toEqual([ARN, `${ARN}/execution/*`]);
  });

  test('fromPipelineArn of a token ARN reads the name with Fn::Split', () => {
    const stack = new Stack(new App(), 'S');
    const imported = Pipeline.fromPipelineArn(stack, 'Imported', Lazy.string({ produce: () => ARN }));
    expect(JSON.stringify(stack.resolve(imported.pipelineName))).toContain('Fn::Split');
  });

  test('fromPipelineArn refuses what is not a pipeline ARN, naming the path and the value', () => {
    const stack = new Stack(new App(), 'S');
    for (const bad of ['churn-retrain', 'arn:aws:sagemaker:eu-west-1:444455556666:model/churn', 'arn:aws:sagemaker:eu-west-1:4444:pipeline/x']) {
      expect(() => Pipeline.fromPipelineArn(stack, `Bad${bad.length}`, bad)).toThrow(/\[S\/Bad\d+\] invalid pipelineArn .*expected arn:<partition>:sagemaker/);
    }
  });

  test('a pipeline and fromPipelineName give aws-cdk-lib pipeline references', () => {
    const stack = new Stack(new App(), 'S');
    expect(stack.resolve(Pipeline.fromPipelineName(stack, 'ByName', 'Other').pipelineRef)).toEqual({ pipelineName: 'Other' });
  });
});
