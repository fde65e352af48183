// Pipeline-level features and step extensions of the SageMaker Python SDK (issue 13, "Missing"):
// PipelineExperimentConfig, execution variables, JsonGet on an S3 URI, custom job-name prefixes
// (PipelineDefinitionConfig), parallelism, tuning with several training definitions, transform
// manifests and data processing, models with several containers, RegisterModel's governance
// members, and typed generic properties. Each expected JSON is written by hand from the SDK code
// (pipeline.py, pipeline_experiment_config.py, functions.py, steps.py, step_collections.py,
// tuner.py, session.py get_create_model_package_request).
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BuiltInAlgorithm, Condition, ConditionStep, ContainerImage, DataBucket, ExecutionVariable, FailStep, HyperparameterRange, HyperparameterTuningSpec,
  InferenceExecutionMode, InstanceType, ModelCardStatus, ModelRegistry, ModelStep, ObjectiveType, ParameterType, Pipeline, PipelineExperiment,
  PipelineExperimentProperty, PipelineFunctions, PipelineParameter, PipelineProps, ProcessingCode, ProcessingSpec, ProcessingStep, RegisterModelStep,
  S3Location, Step, TrainingSpec, TrainingStep, TransformDataType, TransformJoinSource, TransformStep, TuningStep,
} from '../../../constructs';
import { checkPipelinesWithCdkOut } from '../../support/pipeline-schema';
import { validateSageMakerRequest } from '../../support/sagemaker-api';
import { expectNoFindings, testStack } from '../../support/validity';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
const LINEAR = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LINEAR_LEARNER);

function env() {
  const stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'eu-west-1' } });
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn');
  const trainingSpec = (image = XGBOOST, hyperparameters: { [name: string]: string } = { objective: 'binary:logistic' }) => new TrainingSpec({
    image,
    hyperparameters,
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'train/') }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  const processingSpec = () => new ProcessingSpec({
    image: XGBOOST,
    code: ProcessingCode.fromAsset(path.join(__dirname, '../../fixtures/preprocess.py')),
    outputs: [{ name: 'report', location: S3Location.inDataBucket(data, 'report') }],
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
  });
  return { stack, data, registry, trainingSpec, processingSpec };
}
type Env = ReturnType<typeof env>;

function render(steps: (e: Env) => Step[], props: Partial<PipelineProps> = {}): { definition: any; template: any; pipeline: Pipeline } {
  const e = env();
  const pipeline = new Pipeline(e.stack, 'P', { pipelineName: 'churn', steps: steps(e), ...props });
  return { definition: e.stack.resolve(pipeline.definition), template: Template.fromStack(e.stack).toJSON(), pipeline };
}
const build = (steps: (e: Env) => Step[], props: Partial<PipelineProps> = {}) => () => render(steps, props);

function step(definition: any, name: string): any {
  const all = (steps: any[]): any[] => steps.flatMap((s) => [s, ...(s.Type === 'Condition' ? all([...s.Arguments.IfSteps, ...s.Arguments.ElseSteps]) : [])]);
  return all(definition.Steps).find((s) => s.Name === name);
}

const fail = (name = 'F') => new FailStep(name, { errorMessage: 'stop' });

describe('PipelineExperimentConfig (the SDK writes one by default)', () => {
  test('the default is the SDK\'s: the pipeline name and the execution ID, between Parameters and Steps', () => {
    const { definition } = render(() => [fail()]);
    expect(definition.PipelineExperimentConfig).toEqual({ ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: { Get: 'Execution.PipelineExecutionId' } });
    expect(Object.keys(definition)).toEqual(['Version', 'Metadata', 'Parameters', 'PipelineExperimentConfig', 'Steps']);
  });

  test('a custom experiment and a joined trial name render as the SDK\'s docs show; parameters are declared', () => {
    const run = PipelineParameter.string('Run', { defaultValue: 'nightly' });
    const { definition } = render(() => [fail()], {
      parameters: [run],
      experiment: PipelineExperiment.of({ experimentName: 'CustomExperimentName', trialName: PipelineFunctions.join([run.value, ExecutionVariable.PIPELINE_EXECUTION_ID], '-') }),
    });
    expect(definition.PipelineExperimentConfig).toEqual({
      ExperimentName: 'CustomExperimentName',
      TrialName: { 'Std:Join': { On: '-', Values: [{ Get: 'Parameters.Run' }, { Get: 'Execution.PipelineExecutionId' }] } },
    });
  });

  test('none() leaves it out, and the pipeline role gets no experiment actions', () => {
    const { definition, template } = render(() => [fail()], { experiment: PipelineExperiment.none() });
    expect(definition.PipelineExperimentConfig).toBeUndefined();
    expect(JSON.stringify(template)).not.toContain('sagemaker:CreateExperiment');
  });

  test('the pipeline role may create the experiment (named after the pipeline) and trials, and associate trial components', () => {
    const { template } = render(() => [fail()]);
    const statements = Object.values(template.Resources).filter((r: any) => r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy')
      .flatMap((r: any) => r.Properties.PolicyDocument.Statement);
    const experiment = statements.find((s: any) => [s.Action].flat().includes('sagemaker:CreateExperiment'));
    expect(JSON.stringify(experiment.Resource)).toContain(':experiment/churn');
    const trial = statements.find((s: any) => [s.Action].flat().includes('sagemaker:CreateTrial'));
    expect([trial.Action].flat()).toEqual(expect.arrayContaining(['sagemaker:CreateTrial', 'sagemaker:AssociateTrialComponent']));
  });

  test('PipelineExperimentProperty reads the names (the SDK\'s PipelineExperimentConfigProperties)', () => {
    const { definition } = render(() => [new FailStep('F', { errorMessage: PipelineFunctions.join(['in', PipelineExperimentProperty.EXPERIMENT_NAME, PipelineExperimentProperty.TRIAL_NAME], ' ') })]);
    expect(step(definition, 'F').Arguments.ErrorMessage).toEqual({ 'Std:Join': { On: ' ', Values: ['in', { Get: 'PipelineExperimentConfig.ExperimentName' }, { Get: 'PipelineExperimentConfig.TrialName' }] } });
  });

  test('synth errors: an invalid literal name, a step property in the names, experiment properties without an experiment', () => {
    expect(build(() => [fail()], { experiment: PipelineExperiment.of({ experimentName: 'bad_name!' }) }))
      .toThrow(/^\[S\/P\] invalid experiment experimentName 'bad_name!': use 1-120 letters, digits or hyphens, starting with a letter or digit, or an expression/);
    const training = new TrainingStep('Train', { spec: env().trainingSpec() });
    expect(build(() => [training, fail()], { experiment: PipelineExperiment.of({ trialName: training.trainingJobName }) }))
      .toThrow(/^\[S\/P\] experiment trialName reads Steps\.Train\.TrainingJobName: the experiment is created before any step runs; use literals, parameters or execution variables/);
    expect(build(() => [fail()], { pipelineName: 'p'.repeat(121) }))
      .toThrow(/^\[S\/P\] the experiment is named after the pipeline, whose name is 121 characters long, but experiment names have at most 120: set experiment: PipelineExperiment\.of/);
    expect(build(() => [fail()], { pipelineName: 'p'.repeat(121), experiment: PipelineExperiment.none() })).not.toThrow();
    expect(build(() => [new FailStep('F', { errorMessage: PipelineExperimentProperty.TRIAL_NAME })], { experiment: PipelineExperiment.none() }))
      .toThrow(/^\[S\/P\] step 'F' reads PipelineExperimentConfig\.TrialName, but the pipeline has no experiment \(experiment: PipelineExperiment\.none\(\)\): set an experiment or remove the reference/);
  });
});

describe('execution variables and JsonGet on an S3 URI (the SDK\'s ExecutionVariables, JsonGet(s3_uri=Join))', () => {
  test('TrainingJobName and ProcessingJobName are String execution variables', () => {
    const { definition } = render((e) => [new TrainingStep('Train', { spec: new TrainingSpec({ ...e.trainingSpec().props, environment: { JOB: ExecutionVariable.TRAINING_JOB_NAME } }) }),
      new ProcessingStep('Prep', { spec: new ProcessingSpec({ ...e.processingSpec().props, environment: { JOB: ExecutionVariable.PROCESSING_JOB_NAME } }) })]);
    expect(step(definition, 'Train').Arguments.Environment).toEqual({ JOB: { Get: 'Execution.TrainingJobName' } });
    expect(step(definition, 'Prep').Arguments.Environment).toEqual({ JOB: { Get: 'Execution.ProcessingJobName' } });
  });

  test('jsonGetFromS3 renders {Std:JsonGet: {S3Uri: {Std:Join}, Path}}, depends on the step and grants the pipeline role the file', () => {
    let evaluate!: ProcessingStep;
    const { definition, template } = render((e) => {
      evaluate = new ProcessingStep('Evaluate', { spec: e.processingSpec() });
      const auc = PipelineFunctions.jsonGetFromS3(PipelineFunctions.join([evaluate.outputUri('report'), 'evaluation.json'], '/'), 'metrics.auc.value');
      return [evaluate, new ConditionStep('Check', { condition: Condition.greaterThanOrEqualTo(auc, 0.7), ifSteps: [fail()] })];
    });
    expect(step(definition, 'Check').Arguments.Conditions).toEqual([{
      Type: 'GreaterThanOrEqualTo',
      LeftValue: { 'Std:JsonGet': { S3Uri: { 'Std:Join': { On: '/', Values: [{ Get: "Steps.Evaluate.ProcessingOutputConfig.Outputs['report'].S3Output.S3Uri" }, 'evaluation.json'] } }, Path: 'metrics.auc.value' } },
      RightValue: 0.7,
    }]);
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
    // the pipeline's role reads under the output location
    const roleId = Object.keys(template.Resources).find((k) => template.Resources[k].Type === 'AWS::IAM::Role' && k.startsWith('PRole'))!;
    const policies = JSON.stringify(Object.values(template.Resources).filter((r: any) => r.Type.startsWith('AWS::IAM::') && r.Type !== 'AWS::IAM::Role' && JSON.stringify(r.Properties.Roles ?? []).includes(roleId)));
    expect(policies).toContain('"Action":["s3:GetObject","s3:GetObjectVersion","s3:GetObjectTagging"],"Effect":"Allow","Resource":{"Fn::Join":["",["arn:",{"Ref":"AWS::Partition"},":s3:::ml-data/');
  });

  test('a literal URI is wrapped in a Std:Join, as the SDK accepts only a Join', () => {
    const { definition } = render(() => [new FailStep('F', { errorMessage: PipelineFunctions.jsonGetFromS3('s3://ml-data/config.json', 'threshold') })]);
    expect(step(definition, 'F').Arguments.ErrorMessage).toEqual({ 'Std:JsonGet': { S3Uri: { 'Std:Join': { On: '', Values: ['s3://ml-data/config.json'] } }, Path: 'threshold' } });
  });

  test('synth errors: not an S3 URI, an empty path, a JsonGet inside the URI', () => {
    expect(build(() => [new FailStep('F', { errorMessage: PipelineFunctions.jsonGetFromS3('https://example.com/x.json', 'a') })]))
      .toThrow(/^\[S\/P\] step 'F': jsonGetFromS3 reads 'https:\/\/example\.com\/x\.json', which is not an S3 URI: start it with s3:\/\//);
    expect(build(() => [new FailStep('F', { errorMessage: PipelineFunctions.jsonGetFromS3('s3://b/x.json', ' ') })]))
      .toThrow(/^\[S\/P\] step 'F': jsonGetFromS3 has an empty JSON path/);
    const inner = PipelineFunctions.jsonGetFromS3('s3://b/a.json', 'uri');
    expect(build(() => [new FailStep('F', { errorMessage: PipelineFunctions.jsonGetFromS3(PipelineFunctions.join([inner, 'x.json'], '/'), 'v') })]))
      .toThrow(/^\[S\/P\] step 'F': jsonGetFromS3 builds its URI from \{"Std:JsonGet":.*the URI's parts may be literals, parameters, execution variables or step properties only/);
  });
});

describe('custom job-name prefixes (the SDK\'s PipelineDefinitionConfig use_custom_job_prefix) and parallelism', () => {
  test('jobNamePrefix renders the name member of each request, as the SDK keeps the base job name', () => {
    const { definition, template } = render((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec(), jobNamePrefix: 'churn-train' });
      const model = new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts, jobNamePrefix: 'churn-model' });
      return [
        new ProcessingStep('Prep', { spec: e.processingSpec(), jobNamePrefix: 'churn-prep' }), train, model,
        new TransformStep('Score', { modelName: model.modelName, input: S3Location.inDataBucket(e.data, 'in/'), output: S3Location.inDataBucket(e.data, 'out/'), instanceType: InstanceType.ML_M5_XLARGE, jobNamePrefix: 'churn-score' }),
        new TuningStep('Tune', { spec: new HyperparameterTuningSpec({ trainingSpec: e.trainingSpec(), objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE }, ranges: [HyperparameterRange.continuous('eta', 0.1, 0.5)] }), jobNamePrefix: 'churn-tune' }),
      ];
    });
    expect(step(definition, 'Prep').Arguments.ProcessingJobName).toBe('churn-prep');
    expect(step(definition, 'Train').Arguments.TrainingJobName).toBe('churn-train');
    expect(step(definition, 'Model').Arguments.ModelName).toBe('churn-model');
    expect(step(definition, 'Score').Arguments.TransformJobName).toBe('churn-score');
    expect(step(definition, 'Tune').Arguments.HyperParameterTuningJobName).toBe('churn-tune');
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('maxParallelSteps is CreatePipeline\'s ParallelismConfiguration (the SDK\'s ParallelismConfiguration.to_request())', () => {
    const { template } = render(() => [fail()], { maxParallelSteps: 4 });
    const pipeline: any = Object.values(template.Resources).find((r: any) => r.Type === 'AWS::SageMaker::Pipeline');
    expect(pipeline.Properties.ParallelismConfiguration).toEqual({ MaxParallelExecutionSteps: 4 });
    expect(validateSageMakerRequest('CreatePipeline', { PipelineName: 'churn', RoleArn: 'arn:aws:iam::111122223333:role/r', ParallelismConfiguration: pipeline.Properties.ParallelismConfiguration })).toEqual([]);
  });

  test('synth errors: a prefix outside the name rule, a token prefix, a tuning prefix over 32 characters', () => {
    expect(build((e) => [new TrainingStep('Train', { spec: e.trainingSpec(), jobNamePrefix: 'churn_train' })]))
      .toThrow(/^\[S\/P\] invalid jobNamePrefix of step 'Train' 'churn_train' \(length 11\): use/);
    const p = PipelineParameter.string('Prefix');
    expect(build((e) => [new TrainingStep('Train', { spec: e.trainingSpec(), jobNamePrefix: p.value })], { parameters: [p] }))
      .toThrow(/^\[S\/P\] jobNamePrefix of step 'Train' is .*a deploy- or run-time value: the prefix is part of the definition; use a literal/);
    expect(build((e) => [new TuningStep('Tune', { spec: new HyperparameterTuningSpec({ trainingSpec: e.trainingSpec(), objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE }, ranges: [HyperparameterRange.continuous('eta', 0.1, 0.5)] }), jobNamePrefix: 'a'.repeat(33) })]))
      .toThrow(/^\[S\/P\] invalid jobNamePrefix of step 'Tune' 'a+' \(length 33\)/);
  });
});

describe('TuningStep with several training definitions (the SDK\'s HyperparameterTuner.create(estimator_dict))', () => {
  const tuning = (e: Env, image: ContainerImage, metric: string, ranges: HyperparameterRange[], type = ObjectiveType.MAXIMIZE) =>
    new HyperparameterTuningSpec({ trainingSpec: e.trainingSpec(image, {}), objective: { metricName: metric, type }, ranges, maxJobs: 8, maxParallelJobs: 2 });

  test('TrainingJobDefinitions with DefinitionName, TuningObjective and HyperParameterRanges; the job config has neither objective nor ranges', () => {
    const { definition, template } = render((e) => [new TuningStep('Tune', {
      spec: tuning(e, XGBOOST, 'validation:auc', [HyperparameterRange.continuous('eta', 0.1, 0.5)]),
      definitions: [
        { definitionName: 'xgboost', spec: tuning(e, XGBOOST, 'validation:auc', [HyperparameterRange.continuous('eta', 0.1, 0.5)]) },
        { definitionName: 'linear', spec: tuning(e, LINEAR, 'validation:binary_f_beta', [HyperparameterRange.continuous('learning_rate', 0.01, 0.2)]) },
      ],
    })]);
    const args = step(definition, 'Tune').Arguments;
    expect(args.TrainingJobDefinition).toBeUndefined();
    expect(args.HyperParameterTuningJobConfig).toEqual({
      Strategy: 'Bayesian',
      ResourceLimits: { MaxNumberOfTrainingJobs: 8, MaxParallelTrainingJobs: 2 },
      TrainingJobEarlyStoppingType: 'Off',
    });
    expect(args.TrainingJobDefinitions.map((d: any) => [d.DefinitionName, d.TuningObjective, d.HyperParameterRanges])).toEqual([
      ['xgboost', { Type: 'Maximize', MetricName: 'validation:auc' }, { ContinuousParameterRanges: [{ Name: 'eta', MinValue: '0.1', MaxValue: '0.5' }] }],
      ['linear', { Type: 'Maximize', MetricName: 'validation:binary_f_beta' }, { ContinuousParameterRanges: [{ Name: 'learning_rate', MinValue: '0.01', MaxValue: '0.2' }] }],
    ]);
    expect(args.TrainingJobDefinitions[1].AlgorithmSpecification.TrainingImage).toContain('linear-learner');
    expect(validateSageMakerRequest('CreateHyperParameterTuningJob', args, { allowMissing: ['HyperParameterTuningJobName'] })).toEqual([]);
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('topModelArtifacts is refused when a definition writes under another output location', () => {
    const other = (e: Env) => new HyperparameterTuningSpec({
      trainingSpec: new TrainingSpec({ ...e.trainingSpec(LINEAR, {}).props, outputLocation: S3Location.inDataBucket(e.data, 'linear-models/') }),
      objective: { metricName: 'validation:binary_f_beta', type: ObjectiveType.MAXIMIZE }, ranges: [HyperparameterRange.continuous('learning_rate', 0.01, 0.2)],
    });
    expect(build((e) => {
      const spec = tuning(e, XGBOOST, 'validation:auc', [HyperparameterRange.continuous('eta', 0.1, 0.5)]);
      const t = new TuningStep('Tune', { spec, definitions: [{ definitionName: 'xgboost', spec }, { definitionName: 'linear', spec: other(e) }] });
      return [t, new ModelStep('Model', { image: XGBOOST, modelData: t.topModelArtifacts(0) })];
    })).toThrow(/^\[S\/P\] topModelArtifacts of step 'Tune' builds the artifact URI under the spec's output location, but the training definitions 'linear' write elsewhere/);
  });

  test('synth errors: one definition, duplicate names, a bad name, mixed objective types', () => {
    const one = (e: Env, n = 'xgboost') => ({ definitionName: n, spec: tuning(e, XGBOOST, 'validation:auc', [HyperparameterRange.continuous('eta', 0.1, 0.5)]) });
    const spec = (e: Env) => tuning(e, XGBOOST, 'validation:auc', [HyperparameterRange.continuous('eta', 0.1, 0.5)]);
    expect(build((e) => [new TuningStep('Tune', { spec: spec(e), definitions: [one(e)] })]))
      .toThrow(/^\[S\/P\] step 'Tune' has 1 training definitions: use 2 to 10/);
    expect(build((e) => [new TuningStep('Tune', { spec: spec(e), definitions: [one(e), one(e)] })]))
      .toThrow(/^\[S\/P\] step 'Tune' has two training definitions named 'xgboost': names are unique/);
    expect(build((e) => [new TuningStep('Tune', { spec: spec(e), definitions: [one(e), one(e, 'bad_name')] })]))
      .toThrow(/^\[S\/P\] invalid definitionName 'bad_name' in definitions\[1\] of step 'Tune': use 1-64 letters, digits or hyphens/);
    expect(build((e) => [new TuningStep('Tune', { spec: spec(e), definitions: [one(e), { definitionName: 'min', spec: tuning(e, XGBOOST, 'validation:rmse', [HyperparameterRange.continuous('eta', 0.1, 0.5)], ObjectiveType.MINIMIZE) }] })]))
      .toThrow(/^\[S\/P\] definitions\[1\] of step 'Tune' 'min' Minimizes its objective while the step's spec Maximizes: a tuning job has one objective type/);
  });
});

describe('TransformStep with manifests and data processing (the SDK\'s Transformer.transform data_type, input_filter, output_filter, join_source)', () => {
  const transform = (e: Env, extra: object) => new TransformStep('Score', {
    modelName: 'churn-model', input: S3Location.inDataBucket(e.data, 'in/manifest.jsonl'), output: S3Location.inDataBucket(e.data, 'out/'), instanceType: InstanceType.ML_M5_XLARGE, ...extra,
  });

  test('an augmented manifest with filters and join renders TransformInput and DataProcessing as the SDK does', () => {
    const { definition, template } = render((e) => [transform(e, {
      inputDataType: TransformDataType.AUGMENTED_MANIFEST_FILE, contentType: 'application/jsonlines', splitType: 'Line', compressionType: 'Gzip',
      dataProcessing: { inputFilter: '$.features', outputFilter: "$['id','SageMakerOutput']", joinSource: TransformJoinSource.INPUT },
    })]);
    const args = step(definition, 'Score').Arguments;
    expect(args.TransformInput).toEqual({
      DataSource: { S3DataSource: { S3DataType: 'AugmentedManifestFile', S3Uri: 's3://ml-data/in/manifest.jsonl' } },
      ContentType: 'application/jsonlines', CompressionType: 'Gzip', SplitType: 'Line',
    });
    expect(args.DataProcessing).toEqual({ InputFilter: '$.features', OutputFilter: "$['id','SageMakerOutput']", JoinSource: 'Input' });
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('a manifest file', () => {
    const { definition } = render((e) => [transform(e, { inputDataType: TransformDataType.MANIFEST_FILE })]);
    expect(step(definition, 'Score').Arguments.TransformInput.DataSource.S3DataSource.S3DataType).toBe('ManifestFile');
    expect(step(definition, 'Score').Arguments.DataProcessing).toBeUndefined();
  });

  test('synth errors: a filter that is not a JSONPath, an unknown compression', () => {
    expect(build((e) => [transform(e, { dataProcessing: { inputFilter: 'features' } })]))
      .toThrow(/^\[S\/P\] dataProcessing\.inputFilter of step 'Score' is 'features': use a JSONPath starting with '\$', at most 63 characters/);
    expect(build((e) => [transform(e, { compressionType: 'Zip' })])).toThrow(/^\[S\/P\] step 'Score' has compressionType 'Zip': use None or Gzip/);
  });
});

describe('ModelStep with several containers (the SDK\'s PipelineModel)', () => {
  test('Containers and InferenceExecutionConfig; each container\'s artifact is granted', () => {
    const { definition, template } = render((e) => {
      const train = new TrainingStep('Train', { spec: e.trainingSpec() });
      return [train, new ModelStep('Model', {
        containers: [
          { image: XGBOOST, modelData: 's3://ml-data/preprocessor/model.tar.gz', environment: { MODE: 'features' }, containerHostname: 'features' },
          { image: XGBOOST, modelData: train.modelArtifacts, containerHostname: 'predict' },
        ],
        inferenceExecutionMode: InferenceExecutionMode.DIRECT,
      })];
    });
    const args = step(definition, 'Model').Arguments;
    expect(args.PrimaryContainer).toBeUndefined();
    expect(args.Containers).toEqual([
      { ContainerHostname: 'features', Image: expect.anything(), ModelDataUrl: 's3://ml-data/preprocessor/model.tar.gz', Environment: { MODE: 'features' } },
      { ContainerHostname: 'predict', Image: expect.anything(), ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } },
    ]);
    expect(args.InferenceExecutionConfig).toEqual({ Mode: 'Direct' });
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('synth errors: containers with image, one container, direct without host names', () => {
    expect(build(() => [new ModelStep('Model', { image: XGBOOST, containers: [{ image: XGBOOST }, { image: XGBOOST }] })]))
      .toThrow(/^\[S\/P\] step 'Model' sets containers and image\/modelData\/environment: use containers alone/);
    expect(build(() => [new ModelStep('Model', { containers: [{ image: XGBOOST }] })])).toThrow(/^\[S\/P\] step 'Model' has 1 containers: use 2 to 15/);
    expect(build(() => [new ModelStep('Model', { containers: [{ image: XGBOOST }, { image: XGBOOST }], inferenceExecutionMode: InferenceExecutionMode.DIRECT })]))
      .toThrow(/^\[S\/P\] step 'Model' invokes its containers directly \(InferenceExecutionMode\.DIRECT\): give every container a containerHostname/);
    expect(build(() => [new ModelStep('Model', {})])).toThrow(/^\[S\/P\] step 'Model' needs image and modelData \(one container\) or containers \(several\)/);
  });
});

describe('RegisterModelStep governance (the SDK\'s RegisterModel: drift-check baselines, metrics, metadata, model card, lifecycle)', () => {
  const uri = (k: string) => ({ location: S3Location.fromUri(`s3://ml-data/checks/${k}.json`) });
  const register = (e: Env, extra: object) => new RegisterModelStep('Register', {
    registry: e.registry, image: XGBOOST, modelData: 's3://ml-data/models/model.tar.gz',
    contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE], ...extra,
  });

  test('every governance member in the shape of get_create_model_package_request', () => {
    const card = JSON.stringify({ model_overview: { model_description: 'churn' } });
    const { definition, template } = render((e) => [register(e, {
      metrics: { modelQualityStatistics: uri('mq-stats'), dataQualityConstraints: uri('dq-constraints'), biasReport: uri('bias'), explainabilityReport: uri('shap') },
      driftCheckBaselines: {
        modelQualityConstraints: uri('mq-constraints'), dataQualityStatistics: uri('dq-stats'),
        biasPreTrainingConstraints: uri('bias-pre'), biasConfigFile: uri('bias-config'),
        explainabilityConstraints: uri('shap-constraints'), explainabilityConfigFile: { ...uri('shap-config'), contentType: 'application/json' },
      },
      customerMetadata: { team: 'churn' },
      modelCard: { content: card, status: ModelCardStatus.PENDING_REVIEW },
      domain: 'MACHINE_LEARNING', task: 'CLASSIFICATION', samplePayloadUrl: 's3://ml-data/payload.tar.gz',
      metadataProperties: { commitId: 'abc123', repository: 'https://example.com/repo.git', generatedBy: 'churn' },
      skipModelValidation: true,
      sourceUri: 's3://ml-data/models/model.tar.gz',
    })]);
    const args = step(definition, 'Register').Arguments;
    const src = (k: string, contentType: string | null = 'application/json') => ({ ...(contentType ? { ContentType: contentType } : {}), S3Uri: `s3://ml-data/checks/${k}.json` });
    expect(args.ModelMetrics).toEqual({
      ModelQuality: { Statistics: src('mq-stats') },
      ModelDataQuality: { Constraints: src('dq-constraints') },
      Bias: { Report: src('bias') },
      Explainability: { Report: src('shap') },
    });
    expect(args.DriftCheckBaselines).toEqual({
      ModelQuality: { Constraints: src('mq-constraints') },
      ModelDataQuality: { Statistics: src('dq-stats') },
      Bias: { PreTrainingConstraints: src('bias-pre'), ConfigFile: src('bias-config', null) },
      Explainability: { Constraints: src('shap-constraints'), ConfigFile: src('shap-config') },
    });
    expect(args.ModelCard).toEqual({ ModelCardContent: card, ModelCardStatus: 'PendingReview' });
    expect(args.MetadataProperties).toEqual({ CommitId: 'abc123', Repository: 'https://example.com/repo.git', GeneratedBy: 'churn' });
    expect([args.Domain, args.Task, args.SamplePayloadUrl, args.SkipModelValidation, args.SourceUri, args.CustomerMetadataProperties])
      .toEqual(['MACHINE_LEARNING', 'CLASSIFICATION', 's3://ml-data/payload.tar.gz', 'All', 's3://ml-data/models/model.tar.gz', { team: 'churn' }]);
    expect(validateSageMakerRequest('CreateModelPackage', args)).toEqual([]);
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('ModelLifeCycle (valid for the API model; newer than the models check-cdk-out reads, which report only it)', () => {
    const { definition, template } = render((e) => [register(e, { modelLifeCycle: { stage: 'Development', stageStatus: 'InProgress', stageDescription: 'first' } })]);
    const args = step(definition, 'Register').Arguments;
    expect(args.ModelLifeCycle).toEqual({ Stage: 'Development', StageStatus: 'InProgress', StageDescription: 'first' });
    expect(validateSageMakerRequest('CreateModelPackage', args)).toEqual([]);
    expect(checkPipelinesWithCdkOut(template)).toEqual([
      "additionalProperties [Register (RegisterModel)] Arguments: unknown property 'ModelLifeCycle'",
      "UnexpectedParameter [Register (RegisterModel) -> CreateModelPackage] Arguments: Unexpected key 'ModelLifeCycle' found in Arguments",
    ]);
  });

  test('several containers with framework (a registered inference pipeline)', () => {
    const { definition } = render((e) => [new RegisterModelStep('Register', {
      registry: e.registry, contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE],
      containers: [
        { image: XGBOOST, modelData: S3Location.fromUri('s3://ml-data/pre/model.tar.gz'), framework: 'XGBOOST', frameworkVersion: '1.7' },
        { image: XGBOOST, modelData: S3Location.fromUri('s3://ml-data/models/model.tar.gz') },
      ],
    })]);
    const containers = step(definition, 'Register').Arguments.InferenceSpecification.Containers;
    expect(containers.map((c: any) => [c.ModelDataUrl, c.Framework, c.FrameworkVersion])).toEqual([
      ['s3://ml-data/pre/model.tar.gz', 'XGBOOST', '1.7'], ['s3://ml-data/models/model.tar.gz', undefined, undefined],
    ]);
  });

  test('synth errors: model card content that is not JSON, empty baselines, model-quality statistics twice, bad metadata, bad lifecycle stage', () => {
    expect(build((e) => [register(e, { modelCard: { content: 'not json' } })])).toThrow(/^\[S\/P\] modelCard\.content of step 'Register' is not JSON/);
    expect(build((e) => [register(e, { driftCheckBaselines: {} })])).toThrow(/^\[S\/P\] driftCheckBaselines of step 'Register' is empty: give at least one baseline, or omit it/);
    expect(build((e) => [register(e, { modelMetrics: { statisticsUri: 's3://ml-data/a.json' }, metrics: { modelQualityStatistics: uri('b') } })]))
      .toThrow(/^\[S\/P\] step 'Register' sets modelMetrics and metrics\.modelQualityStatistics: give the model-quality statistics once/);
    expect(build((e) => [register(e, { customerMetadata: { team: 'a'.repeat(257) } })])).toThrow(/^\[S\/P\] invalid customerMetadata 'team' value 'a+.*' of step 'Register': use 1-256/);
    expect(build((e) => [register(e, { modelLifeCycle: { stage: 'In Dev', stageStatus: 'ok' } })])).toThrow(/^\[S\/P\] invalid modelLifeCycle\.stage of step 'Register' 'In Dev'/);
    expect(build((e) => [new RegisterModelStep('Register', { registry: e.registry, contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE] })]))
      .toThrow(/^\[S\/P\] step 'Register' needs image and modelData \(one container\) or containers/);
  });
});

describe('step.property(): Describe* members the DSL does not wrap, typed from the API model', () => {
  test('types come from the response shapes; a Float in a hyperparameter is converted with Std:Join, in a condition it stands as itself', () => {
    let train!: TrainingStep;
    const { definition, template } = render((e) => {
      train = new TrainingStep('Train', { spec: e.trainingSpec() });
      const first = train.property('FinalMetricDataList[0].Value');
      const billable = train.property('BillableTimeInSeconds');
      const named = train.property("FinalMetricDataList['validation:auc'].Value");
      const next = new TrainingStep('Next', { spec: e.trainingSpec(XGBOOST, { objective: 'binary:logistic', eta: first.asString }) });
      return [train, next, new ConditionStep('Check', { condition: Condition.and(Condition.greaterThan(named, 0.5), Condition.lessThan(billable, 3600)), ifSteps: [fail()] })];
    });
    expect(train.property('FinalMetricDataList[0].Value').valueType).toBe(ParameterType.FLOAT);
    expect(train.property('BillableTimeInSeconds').valueType).toBe(ParameterType.INTEGER);
    expect(train.property('EnableManagedSpotTraining').valueType).toBe(ParameterType.BOOLEAN);
    expect(train.property('ModelArtifacts.S3ModelArtifacts').valueType).toBe(ParameterType.STRING);
    expect(step(definition, 'Next').Arguments.HyperParameters.eta).toEqual({ 'Std:Join': { On: '', Values: [{ Get: 'Steps.Train.FinalMetricDataList[0].Value' }] } });
    expect(step(definition, 'Check').Arguments.Conditions[0].LeftValue).toEqual({ Get: "Steps.Train.FinalMetricDataList['validation:auc'].Value" });
    expect(step(definition, 'Check').Arguments.Conditions[1].LeftValue).toEqual({ Get: 'Steps.Train.BillableTimeInSeconds' });
    expect(checkPipelinesWithCdkOut(template)).toEqual([]);
  });

  test('every step family reads its own response (tuning: Describe and ListTrainingJobsFor...)', () => {
    const e = env();
    const tune = new TuningStep('Tune', { spec: new HyperparameterTuningSpec({ trainingSpec: e.trainingSpec(), objective: { metricName: 'validation:auc', type: ObjectiveType.MAXIMIZE }, ranges: [HyperparameterRange.continuous('eta', 0.1, 0.5)] }) });
    expect(tune.property('BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value').valueType).toBe(ParameterType.FLOAT);
    expect(tune.property('TrainingJobSummaries[1].TrainingJobName').valueType).toBe(ParameterType.STRING);
    expect(new ProcessingStep('P', { spec: e.processingSpec() }).property('ProcessingResources.ClusterConfig.InstanceCount').valueType).toBe(ParameterType.INTEGER);
    expect(new ModelStep('M', { image: XGBOOST, modelData: 's3://b/m.tar.gz' }).property('ModelArn').valueType).toBe(ParameterType.STRING);
    expect(new RegisterModelStep('R', { registry: e.registry, image: XGBOOST, modelData: 's3://b/m.tar.gz', contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE] })
      .property('ModelPackageVersion').valueType).toBe(ParameterType.INTEGER);
    expect(new TransformStep('T', { modelName: 'm', input: S3Location.fromUri('s3://b/in/'), output: S3Location.fromUri('s3://b/out/'), instanceType: InstanceType.ML_M5_XLARGE })
      .property('TransformResources.InstanceCount').valueType).toBe(ParameterType.INTEGER);
  });

  test('synth errors: a member the response lacks, a structure, an index on a scalar, bad syntax', () => {
    expect(build((e) => { const t = new TrainingStep('Train', { spec: e.trainingSpec() }); return [t, new FailStep('F', { errorMessage: t.property('FinalMetrics[0].Value').asString })]; }))
      .toThrow(/^\[S\/P\] property\('FinalMetrics\[0\]\.Value'\) of step 'Train': DescribeTrainingJobResponse has no member FinalMetrics \(members: .*\) \(DescribeTrainingJobResponse\)/);
    expect(build((e) => { const t = new TrainingStep('Train', { spec: e.trainingSpec() }); return [t, new FailStep('F', { errorMessage: t.property('ModelArtifacts').asString })]; }))
      .toThrow(/^\[S\/P\] property\('ModelArtifacts'\) of step 'Train': ModelArtifacts is a structure in DescribeTrainingJobResponse, not a value: name one of its members/);
    expect(build((e) => { const t = new TrainingStep('Train', { spec: e.trainingSpec() }); return [t, new FailStep('F', { errorMessage: t.property('TrainingJobName[0]').asString })]; }))
      .toThrow(/^\[S\/P\] property\('TrainingJobName\[0\]'\) of step 'Train': TrainingJobName is not a list or map, so \[0\] does not apply/);
    expect(build((e) => { const t = new TrainingStep('Train', { spec: e.trainingSpec() }); return [t, new FailStep('F', { errorMessage: t.property('Final..Value').asString })]; }))
      .toThrow(/^\[S\/P\] property\('Final\.\.Value'\) of step 'Train': 'Final\.\.Value' is not a property path/);
  });
});

describe('a pipeline using the SDK-parity features is valid', () => {
  test('cdk-nag and CloudFormation validation report nothing (the experiment grants are acknowledged per finding)', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'parity' });
    const spec = new TrainingSpec({
      image: XGBOOST, hyperparameters: { objective: 'binary:logistic' },
      inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'train/') }],
      outputLocation: S3Location.inDataBucket(data, 'models/'), resources: { instanceType: InstanceType.ML_M5_XLARGE },
    });
    const train = new TrainingStep('Train', { spec, jobNamePrefix: 'parity-train' });
    const auc = PipelineFunctions.jsonGetFromS3(PipelineFunctions.join([data.s3Uri('config/'), 'threshold.json'], ''), 'auc');
    const register = new RegisterModelStep('Register', {
      registry, image: XGBOOST, modelData: train.modelArtifacts, contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_LARGE],
      driftCheckBaselines: { modelQualityConstraints: { location: S3Location.inDataBucket(data, 'checks/constraints.json') } },
      metadataProperties: { generatedBy: 'parity' },
    });
    new Pipeline(stack, 'Pipeline', {
      steps: [train, new ConditionStep('Check', { condition: Condition.greaterThanOrEqualTo(train.property('FinalMetricDataList[0].Value'), auc), ifSteps: [register], elseSteps: [fail()] })],
      experiment: PipelineExperiment.of({ experimentName: 'parity' }),
      maxParallelSteps: 2,
    });
    expectNoFindings(stack);
  });
});
