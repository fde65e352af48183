// QualityCheck and ClarifyCheck steps (issue 13): the SageMaker Python SDK's argument shapes
// (expected JSON written by hand from quality_check_step.py, clarify_check_step.py, clarify.py and
// model_monitoring.py), their property outputs in RegisterModel and Condition steps, the job role's
// grants, and every synth error.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BuiltInAlgorithm, CheckDatasetFormat, Compression, ClarifyCheckConfig, ClarifyCheckStep, ClarifyCheckStepProps, ClarifyDatasetType, ClarifyValues, Condition, ConditionStep,
  ContainerImage, DataBucket, FailStep, InstanceType, ModelRegistry, ModelStep, OutputColumnsPosition, Pipeline, PipelineParameter, ProblemType, ProcessingCode,
  QualityCheckConfig, QualityCheckStep, QualityCheckStepProps, RegisterModelStep, RetryPolicy, S3Location, Step, StepExceptionType, StepFlag, TrainingSpec, TrainingStep,
} from '../../../constructs';
import { checkPipelinesWithCdkOut } from '../../support/pipeline-schema';
import { expectNoFindings, testStack } from '../../support/validity';

const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');
const MONITOR_IMAGE = '159807026194.dkr.ecr.us-west-2.amazonaws.com/sagemaker-model-monitor-analyzer';
const CLARIFY_IMAGE = '306415355426.dkr.ecr.us-west-2.amazonaws.com/sagemaker-clarify-processing:1.0';
const ROLE = { 'Fn::GetAtt': ['PJobRole10FEE8CA', 'Arn'] };

function env(stack = new Stack(new App(), 'S', { env: { account: '111122223333', region: 'us-west-2' } })) {
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn');
  const loc = (prefix: string) => S3Location.inDataBucket(data, prefix);
  const dataQuality = (extra: Partial<QualityCheckStepProps> = {}) => new QualityCheckStep('DataQuality', {
    check: QualityCheckConfig.dataQuality({ baselineDataset: loc('baseline/'), datasetFormat: CheckDatasetFormat.csv(), outputLocation: loc('checks/dq/') }),
    skipCheck: StepFlag.of(true), registerNewBaseline: StepFlag.of(true), ...extra,
  });
  const bias = { labelValuesOrThreshold: ClarifyValues.numbers([1]), facets: [{ name: 'gender', valuesOrThreshold: ClarifyValues.numbers([0]) }] };
  const clarifyData = { dataset: loc('train/'), outputLocation: loc('checks/bias/'), label: 'churn' };
  const dataBias = (extra: Partial<ClarifyCheckStepProps> = {}) => new ClarifyCheckStep('DataBias', {
    check: ClarifyCheckConfig.dataBias({ data: clarifyData, bias }), skipCheck: StepFlag.of(true), analysisConfigBucket: data, ...extra,
  });
  return { stack, data, registry, loc, dataQuality, dataBias, bias, clarifyData };
}
type Env = ReturnType<typeof env>;

function render(steps: (e: Env) => Step[], parameters: PipelineParameter[] = []): { definition: any; e: Env; pipeline: Pipeline } {
  const e = env();
  const pipeline = new Pipeline(e.stack, 'P', { steps: steps(e), parameters });
  return { definition: e.stack.resolve(pipeline.definition), e, pipeline };
}

const build = (steps: (e: Env) => Step[], parameters: PipelineParameter[] = []) => () => render(steps, parameters);
const stepOf = (definition: any, name: string) => definition.Steps.find((s: any) => s.Name === name);
const s3Input = (name: string, uri: unknown, localPath: string, compression = 'None') => ({
  InputName: name,
  S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: compression },
});

/** The analysis_config.json a ClarifyCheck step wrote (its content hash is in the key). */
function analysisConfigOf(step: any): any {
  const uri: string = step.Arguments.ProcessingInputs[0].S3Input.S3Uri;
  const hash = /\/([0-9a-f]{16})\/analysis_config\.json$/.exec(uri)![1];
  return JSON.parse(fs.readFileSync(path.join(os.tmpdir(), 'sagemaker-clarify-analysis-configs', hash, 'job', 'analysis_config.json'), 'utf8'));
}

/** The monitoring analysis configuration written next to it. */
function monitoringConfigOf(step: any): any {
  const uri: string = step.Arguments.ProcessingInputs[0].S3Input.S3Uri;
  const hash = /\/([0-9a-f]{16})\/analysis_config\.json$/.exec(uri)![1];
  return JSON.parse(fs.readFileSync(path.join(os.tmpdir(), 'sagemaker-clarify-analysis-configs', hash, 'monitoring', 'analysis_config.json'), 'utf8'));
}

describe('QualityCheckStep renders the SDK shapes', () => {
  test('data quality: the SDK test\'s step (scripts, parameters, cache, runtime), with the check image, env and step members', () => {
    const statistics = PipelineParameter.string('SuppliedBaselineStatisticsUri', { defaultValue: 's3://ml-data/baselines/statistics.json' });
    const constraints = PipelineParameter.string('SuppliedBaselineConstraintsUri', { defaultValue: 's3://ml-data/baselines/constraints.json' });
    const dataset = PipelineParameter.string('BaselineDataset');
    const { definition } = render((e) => [new QualityCheckStep('DataQualityCheckStep', {
      check: QualityCheckConfig.dataQuality({
        baselineDataset: S3Location.fromUri(dataset.value),
        datasetFormat: CheckDatasetFormat.csv({ header: true }),
        outputLocation: e.loc('checks/dq/'),
        recordPreprocessorScript: ProcessingCode.fromLocation(S3Location.fromUri('s3://my-bucket/data_quality/preprocessor.py'), 'preprocessor.py'),
        postAnalyticsProcessorScript: ProcessingCode.fromLocation(S3Location.fromUri('s3://my-bucket/data_quality/postprocessor.py'), 'postprocessor.py'),
      }),
      volumeSizeGb: 60,
      maxRuntime: Duration.seconds(1800),
      skipCheck: StepFlag.of(false),
      failOnViolation: StepFlag.of(false),
      registerNewBaseline: StepFlag.of(false),
      modelPackageGroup: e.registry,
      suppliedBaselineStatistics: statistics.value,
      suppliedBaselineConstraints: constraints.value,
      cache: { expireAfter: Duration.hours(1) },
    })], [statistics, constraints, dataset]);
    expect(stepOf(definition, 'DataQualityCheckStep')).toEqual({
      Name: 'DataQualityCheckStep',
      Type: 'QualityCheck',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 60 } },
        AppSpecification: { ImageUri: MONITOR_IMAGE },
        RoleArn: ROLE,
        ProcessingInputs: [
          s3Input('baseline_dataset_input', { Get: 'Parameters.BaselineDataset' }, '/opt/ml/processing/input/baseline_dataset_input'),
          s3Input('post_analytics_processor_script_input', 's3://my-bucket/data_quality/postprocessor.py', '/opt/ml/processing/input/post_analytics_processor_script_input'),
          s3Input('record_preprocessor_script_input', 's3://my-bucket/data_quality/preprocessor.py', '/opt/ml/processing/input/record_preprocessor_script_input'),
        ],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'quality_check_output', S3Output: { S3Uri: 's3://ml-data/checks/dq/', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
        Environment: {
          output_path: '/opt/ml/processing/output',
          publish_cloudwatch_metrics: 'Disabled',
          dataset_format: '{"csv": {"header": true, "output_columns_position": "START"}}',
          record_preprocessor_script: '/opt/ml/processing/input/record_preprocessor_script_input/preprocessor.py',
          post_analytics_processor_script: '/opt/ml/processing/input/post_analytics_processor_script_input/postprocessor.py',
          dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
        },
        StoppingCondition: { MaxRuntimeInSeconds: 1800 },
      },
      CheckType: 'DATA_QUALITY',
      ModelPackageGroupName: 'churn',
      SkipCheck: false,
      FailOnViolation: false,
      RegisterNewBaseline: false,
      SuppliedBaselineStatistics: { Get: 'Parameters.SuppliedBaselineStatisticsUri' },
      SuppliedBaselineConstraints: { Get: 'Parameters.SuppliedBaselineConstraintsUri' },
      CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' },
    });
  });

  test('model quality: analysis_type, problem_type and the attributes in the environment (the threshold as a string), no preprocessor input', () => {
    const { definition } = render((e) => [new QualityCheckStep('ModelQualityCheckStep', {
      check: QualityCheckConfig.modelQuality({
        baselineDataset: e.loc('predictions/'),
        datasetFormat: CheckDatasetFormat.json(),
        outputLocation: e.loc('checks/mq/'),
        problemType: ProblemType.BINARY_CLASSIFICATION,
        inferenceAttribute: 'prediction',
        probabilityAttribute: 'probability',
        groundTruthAttribute: 'label',
        probabilityThreshold: 0.5,
      }),
      skipCheck: StepFlag.of(true),
    })]);
    const s = stepOf(definition, 'ModelQualityCheckStep');
    expect(s.Arguments.ProcessingInputs).toEqual([s3Input('baseline_dataset_input', 's3://ml-data/predictions/', '/opt/ml/processing/input/baseline_dataset_input')]);
    expect(s.Arguments.Environment).toEqual({
      output_path: '/opt/ml/processing/output',
      publish_cloudwatch_metrics: 'Disabled',
      dataset_format: '{"json": {"lines": true}}',
      dataset_source: '/opt/ml/processing/input/baseline_dataset_input',
      analysis_type: 'MODEL_QUALITY',
      problem_type: 'BinaryClassification',
      inference_attribute: 'prediction',
      probability_attribute: 'probability',
      ground_truth_attribute: 'label',
      probability_threshold_attribute: '0.5',
    });
    expect(s).toEqual(expect.objectContaining({ CheckType: 'MODEL_QUALITY', SkipCheck: true, RegisterNewBaseline: false }));
    expect(s.ModelPackageGroupName).toBeUndefined();
  });

  test('dataset formats render as the SDK\'s DatasetFormat (Python json.dumps spacing); user environment comes first, the check\'s wins', () => {
    const formats: Array<[CheckDatasetFormat, string]> = [
      [CheckDatasetFormat.csv({ header: false, outputColumnsPosition: OutputColumnsPosition.END }), '{"csv": {"header": false, "output_columns_position": "END"}}'],
      [CheckDatasetFormat.json(false), '{"json": {"lines": false}}'],
      [CheckDatasetFormat.parquet(), '{"parquet": {}}'],
    ];
    for (const [format, expected] of formats) {
      const { definition } = render((e) => [new QualityCheckStep('Q', {
        check: QualityCheckConfig.dataQuality({ baselineDataset: e.loc('b/'), datasetFormat: format, outputLocation: e.loc('o/') }),
        skipCheck: StepFlag.of(true), environment: { MY_VAR: 'x', output_path: 'ignored' },
      })]);
      expect(stepOf(definition, 'Q').Arguments.Environment).toEqual(expect.objectContaining({ MY_VAR: 'x', output_path: '/opt/ml/processing/output', dataset_format: expected }));
    }
  });

  test('skip and register flags take Boolean parameters; resources, keys, network and tags render like a processing job', () => {
    const skip = PipelineParameter.boolean('SkipDataQualityCheck', { defaultValue: false });
    const register = PipelineParameter.boolean('RegisterNewDataQualityBaseline', { defaultValue: false });
    const { definition } = render((x) => {
      const key = kms.Key.fromKeyArn(x.stack, 'K', 'arn:aws:kms:us-west-2:111122223333:key/11111111-2222-3333-4444-555555555555');
      return [x.dataQuality({ skipCheck: StepFlag.fromParameter(skip), registerNewBaseline: StepFlag.fromParameter(register), failOnViolation: StepFlag.fromParameter(register), modelPackageGroup: x.registry, instanceType: InstanceType.ML_C5_XLARGE, instanceCount: 2, volumeKey: key, outputKey: key, tags: { team: 'ml' } })];
    }, [skip, register]);
    const s = stepOf(definition, 'DataQuality');
    expect(s.SkipCheck).toEqual({ Get: 'Parameters.SkipDataQualityCheck' });
    expect(s.RegisterNewBaseline).toEqual({ Get: 'Parameters.RegisterNewDataQualityBaseline' });
    expect(s.FailOnViolation).toEqual({ Get: 'Parameters.RegisterNewDataQualityBaseline' });
    expect(s.Arguments.ProcessingResources.ClusterConfig).toEqual({ InstanceType: 'ml.c5.xlarge', InstanceCount: 2, VolumeSizeInGB: 30, VolumeKmsKeyId: 'arn:aws:kms:us-west-2:111122223333:key/11111111-2222-3333-4444-555555555555' });
    expect(s.Arguments.ProcessingOutputConfig.KmsKeyId).toBe('arn:aws:kms:us-west-2:111122223333:key/11111111-2222-3333-4444-555555555555');
    expect(s.Arguments.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
  });

  test('property outputs are the SDK\'s Gets, typed String, and create the dependency', () => {
    const e = env();
    const q = e.dataQuality();
    expect(e.stack.resolve(q.calculatedBaselineConstraints)).toEqual({ Get: 'Steps.DataQuality.CalculatedBaselineConstraints' });
    expect(e.stack.resolve(q.calculatedBaselineStatistics)).toEqual({ Get: 'Steps.DataQuality.CalculatedBaselineStatistics' });
    expect(e.stack.resolve(q.baselineUsedForDriftCheckConstraints)).toEqual({ Get: 'Steps.DataQuality.BaselineUsedForDriftCheckConstraints' });
    expect(e.stack.resolve(q.baselineUsedForDriftCheckStatistics)).toEqual({ Get: 'Steps.DataQuality.BaselineUsedForDriftCheckStatistics' });
    const later = new QualityCheckStep('Later', {
      check: QualityCheckConfig.dataQuality({ baselineDataset: e.loc('b/'), datasetFormat: CheckDatasetFormat.csv(), outputLocation: e.loc('o/') }),
      suppliedBaselineConstraints: q.baselineUsedForDriftCheckConstraints, suppliedBaselineStatistics: q.baselineUsedForDriftCheckStatistics,
    });
    const p = new Pipeline(e.stack, 'P', { steps: [later, q] });
    expect(p.toMermaid()).toContain('DataQuality --> Later');
  });
});

describe('ClarifyCheckStep renders the SDK shapes', () => {
  test('data bias: the SDK test\'s processing arguments, with the analysis configuration written to the DataBucket by a DataSeed', () => {
    const group = PipelineParameter.string('MyModelPackageGroup', { defaultValue: 'churn' });
    const { definition, e } = render((x) => [new ClarifyCheckStep('DataBiasCheckStep', {
      check: ClarifyCheckConfig.dataBias({ data: { ...x.clarifyData, label: 'fraud' }, bias: { labelValuesOrThreshold: ClarifyValues.numbers([0]), facets: [{ name: 'customer_gender_female', valuesOrThreshold: ClarifyValues.numbers([1]) }] }, methods: undefined }),
      skipCheck: StepFlag.of(false), failOnViolation: StepFlag.of(false), registerNewBaseline: StepFlag.of(false),
      modelPackageGroup: x.registry, suppliedBaselineConstraints: 's3://ml-data/baselines/analysis.json',
      analysisConfigBucket: x.data, cache: { expireAfter: Duration.hours(1) },
    })], [group]);
    const s = stepOf(definition, 'DataBiasCheckStep');
    const configUri: string = s.Arguments.ProcessingInputs[0].S3Input.S3Uri;
    expect(configUri).toMatch(/^s3:\/\/ml-data\/pipelines\/clarify\/SPF1D5D0F1\/DataBiasCheckStep\/[0-9a-f]{16}\/analysis_config\.json$/);
    expect(s).toEqual({
      Name: 'DataBiasCheckStep',
      Type: 'ClarifyCheck',
      Arguments: {
        ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
        AppSpecification: { ImageUri: CLARIFY_IMAGE },
        RoleArn: ROLE,
        ProcessingInputs: [
          s3Input('analysis_config', configUri, '/opt/ml/processing/input/config'),
          s3Input('dataset', 's3://ml-data/train/', '/opt/ml/processing/input/data'),
        ],
        ProcessingOutputConfig: { Outputs: [{ OutputName: 'analysis_result', S3Output: { S3Uri: 's3://ml-data/checks/bias/', LocalPath: '/opt/ml/processing/output', S3UploadMode: 'EndOfJob' } }] },
      },
      CheckType: 'DATA_BIAS',
      ModelPackageGroupName: 'churn',
      SkipCheck: false,
      FailOnViolation: false,
      RegisterNewBaseline: false,
      SuppliedBaselineConstraints: 's3://ml-data/baselines/analysis.json',
      CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' },
    });
    // DataConfig.get_config + BiasConfig.get_config + methods (clarify_check_step.py)
    expect(analysisConfigOf(s)).toEqual({
      dataset_type: 'text/csv',
      label: 'fraud',
      label_values_or_threshold: [0],
      facet: [{ name_or_index: 'customer_gender_female', value_or_threshold: [1] }],
      methods: { pre_training_bias: { methods: 'all' }, report: { name: 'report', title: 'Analysis Report' } },
    });
    const template = Template.fromStack(e.stack);
    template.hasResourceProperties('Custom::SageMakerDataSeed', { DestinationBucket: 'ml-data', DestinationKey: configUri.replace('s3://ml-data/', '') });
  });

  test('model bias: predictor without model_name (the step\'s ModelName), probability_threshold, post-training methods', () => {
    const { definition } = render((e) => [new ClarifyCheckStep('ModelBiasCheckStep', {
      check: ClarifyCheckConfig.modelBias({
        data: e.clarifyData, bias: e.bias,
        model: { modelName: 'model_name', instanceType: InstanceType.ML_M5_XLARGE, instanceCount: 1, acceptType: 'text/csv', contentType: 'text/csv' },
        predictedLabel: { probabilityThreshold: 0.8 },
        methods: ['DPPL', 'DI'],
      }),
      skipCheck: StepFlag.of(true), analysisConfigBucket: e.data,
    })]);
    const s = stepOf(definition, 'ModelBiasCheckStep');
    expect(s).toEqual(expect.objectContaining({ CheckType: 'MODEL_BIAS', ModelName: 'model_name', SkipCheck: true, RegisterNewBaseline: false }));
    expect(analysisConfigOf(s)).toEqual({
      dataset_type: 'text/csv',
      label: 'churn',
      label_values_or_threshold: [1],
      facet: [{ name_or_index: 'gender', value_or_threshold: [0] }],
      methods: { post_training_bias: { methods: ['DPPL', 'DI'] }, report: { name: 'report', title: 'Analysis Report' } },
      predictor: { instance_type: 'ml.m5.xlarge', initial_instance_count: 1, accept_type: 'text/csv', content_type: 'text/csv' },
      probability_threshold: 0.8,
    });
  });

  test('model explainability: SHAP methods (use_logit and save_local_shap_values always written), model scores as the predictor label', () => {
    const { definition } = render((e) => [new ClarifyCheckStep('ModelExplainabilityCheckStep', {
      check: ClarifyCheckConfig.modelExplainability({
        data: { ...e.clarifyData, headers: ['churn', 'age', 'gender'], datasetType: ClarifyDatasetType.CSV },
        model: { modelName: 'model_name' },
        shap: { baseline: e.loc('shap/baseline.csv'), numSamples: 15, aggMethod: 'mean_abs', saveLocalShapValues: true },
        modelScores: 'score',
      }),
      skipCheck: StepFlag.of(true), analysisConfigBucket: e.data,
    })]);
    const s = stepOf(definition, 'ModelExplainabilityCheckStep');
    expect(s.ModelName).toBe('model_name');
    expect(analysisConfigOf(s)).toEqual({
      dataset_type: 'text/csv',
      headers: ['churn', 'age', 'gender'],
      label: 'churn',
      methods: {
        shap: { use_logit: false, save_local_shap_values: true, baseline: 's3://ml-data/shap/baseline.csv', num_samples: 15, agg_method: 'mean_abs' },
        report: { name: 'report', title: 'Analysis Report' },
      },
      predictor: { instance_type: 'ml.m5.xlarge', initial_instance_count: 1, label: 'score' },
    });
  });

  test('your own analysis_config.json instead of the rendered one; gzip data sets', () => {
    const { definition, e } = render((x) => [x.dataBias({
      analysisConfigBucket: undefined, analysisConfig: S3Location.fromUri('s3://configs/bias/analysis_config.json'),
      check: ClarifyCheckConfig.dataBias({ data: { ...x.clarifyData, compression: Compression.GZIP }, bias: x.bias }),
    })]);
    const s = stepOf(definition, 'DataBias');
    expect(s.Arguments.ProcessingInputs[0].S3Input.S3Uri).toBe('s3://configs/bias/analysis_config.json');
    expect(s.Arguments.ProcessingInputs[1].S3Input.S3CompressionType).toBe('Gzip');
    Template.fromStack(e.stack).resourceCountIs('Custom::SageMakerDataSeed', 0);
  });

  test('monitoringAnalysisConfig: the SDK\'s monitoring_analysis_config_uri content (BiasAnalysisConfig / ExplainabilityAnalysisConfig), written next to the job\'s', () => {
    const e = env();
    const biasStep = e.dataBias({ check: ClarifyCheckConfig.dataBias({ data: { ...e.clarifyData, headers: ['churn', 'age', 'gender'] }, bias: e.bias }) });
    const explain = new ClarifyCheckStep('Explain', {
      check: ClarifyCheckConfig.modelExplainability({ data: { ...e.clarifyData, headers: ['churn', 'age', 'gender'] }, model: { modelName: 'm', contentType: 'text/csv' }, shap: { numClusters: 2 }, modelScores: '0' }),
      skipCheck: StepFlag.of(true), analysisConfigBucket: e.data,
    });
    const p = new Pipeline(e.stack, 'P', { steps: [biasStep, explain] });
    const definition = e.stack.resolve(p.definition);
    const jobUri: string = stepOf(definition, 'DataBias').Arguments.ProcessingInputs[0].S3Input.S3Uri;
    expect(e.stack.resolve(biasStep.monitoringAnalysisConfig!.uri)).toBe(jobUri.replace(/analysis_config\.json$/, 'monitoring/analysis_config.json'));
    expect(monitoringConfigOf(stepOf(definition, 'DataBias'))).toEqual({
      label_values_or_threshold: [1], facet: [{ name_or_index: 'gender', value_or_threshold: [0] }], headers: ['churn', 'age', 'gender'], label: 'churn',
    });
    expect(monitoringConfigOf(stepOf(definition, 'Explain'))).toEqual({
      methods: { shap: { use_logit: false, save_local_shap_values: true, num_clusters: 2 } },
      predictor: { instance_type: 'ml.m5.xlarge', initial_instance_count: 1, content_type: 'text/csv' },
      headers: ['age', 'gender'],
    });
    Template.fromStack(e.stack).resourceCountIs('Custom::SageMakerDataSeed', 4);
    expect(e.dataBias({ analysisConfigBucket: undefined, analysisConfig: S3Location.fromUri('s3://c/analysis_config.json') }).monitoringAnalysisConfig).toBeUndefined();
  });

  test('property outputs: the constraints only (no statistics), as the SDK', () => {
    const e = env();
    const c = e.dataBias();
    expect(e.stack.resolve(c.calculatedBaselineConstraints)).toEqual({ Get: 'Steps.DataBias.CalculatedBaselineConstraints' });
    expect(e.stack.resolve(c.baselineUsedForDriftCheckConstraints)).toEqual({ Get: 'Steps.DataBias.BaselineUsedForDriftCheckConstraints' });
    expect((c as any).calculatedBaselineStatistics).toBeUndefined();
  });
});

describe('check steps in a pipeline: outputs in RegisterModel and Condition steps, grants', () => {
  function pipelineWithChecks(stack?: Stack) {
    const e = env(stack);
    const data = stack ? new DataBucket(stack, 'Bucket') : e.data;
    const loc = (prefix: string) => S3Location.inDataBucket(data, prefix);
    const registry = stack ? new ModelRegistry(stack, 'Models', { modelPackageGroupName: 'churn-models' }) : e.registry;
    const train = new TrainingStep('Train', { spec: new TrainingSpec({
      image: XGBOOST, hyperparameters: { objective: 'binary:logistic' },
      inputs: [{ name: 'train', location: loc('train/') }], outputLocation: loc('models/'), resources: { instanceType: InstanceType.ML_M5_XLARGE },
    }) });
    const model = new ModelStep('Model', { image: XGBOOST, modelData: train.modelArtifacts });
    const quality = new QualityCheckStep('ModelQuality', {
      check: QualityCheckConfig.modelQuality({ baselineDataset: loc('predictions/'), datasetFormat: CheckDatasetFormat.csv(), outputLocation: loc('checks/mq/'), problemType: ProblemType.BINARY_CLASSIFICATION, probabilityAttribute: '0', groundTruthAttribute: '1', probabilityThreshold: 0.5 }),
      skipCheck: StepFlag.of(false), registerNewBaseline: StepFlag.of(false), modelPackageGroup: registry, dependsOn: [train],
    });
    const bias = new ClarifyCheckStep('ModelBias', {
      check: ClarifyCheckConfig.modelBias({ data: { dataset: loc('train/'), outputLocation: loc('checks/bias/'), label: 'churn' }, bias: e.bias, model: { modelName: model.modelName } }),
      skipCheck: StepFlag.of(true), registerNewBaseline: StepFlag.of(true), analysisConfigBucket: data,
    });
    const register = new RegisterModelStep('Register', {
      registry, image: XGBOOST, modelData: train.modelArtifacts, contentTypes: ['text/csv'], responseTypes: ['text/csv'], inferenceInstanceTypes: [InstanceType.ML_M5_XLARGE],
      modelMetrics: { statisticsUri: quality.calculatedBaselineStatistics },
      // the SDK's pattern: the baselines each check used, and the bias monitoring configuration
      driftCheckBaselines: {
        modelQualityStatistics: { location: S3Location.fromUri(quality.baselineUsedForDriftCheckStatistics) },
        modelQualityConstraints: { location: S3Location.fromUri(quality.baselineUsedForDriftCheckConstraints) },
        biasPostTrainingConstraints: { location: S3Location.fromUri(bias.baselineUsedForDriftCheckConstraints) },
        biasConfigFile: { location: bias.monitoringAnalysisConfig! },
      },
      customerMetadata: { biasConstraints: bias.baselineUsedForDriftCheckConstraints, qualityConstraints: quality.baselineUsedForDriftCheckConstraints },
    });
    const gate = new ConditionStep('HasBaseline', {
      condition: Condition.not(Condition.equalTo(quality.calculatedBaselineConstraints, '')),
      ifSteps: [register], elseSteps: [new FailStep('NoBaseline', { errorMessage: 'the quality check calculated no baseline' })],
    });
    const pipeline = new Pipeline(e.stack, 'P', { steps: [train, model, quality, bias, gate] });
    return { e, pipeline, definition: e.stack.resolve(pipeline.definition) };
  }

  test('check-cdk-out reports nothing; the outputs render as Gets in model metrics, drift-check baselines (with the bias monitoring configuration), metadata and a condition, and order the steps', () => {
    const { e, pipeline, definition } = pipelineWithChecks();
    expect(checkPipelinesWithCdkOut(Template.fromStack(e.stack).toJSON())).toEqual([]);
    const register = definition.Steps.find((s: any) => s.Name === 'HasBaseline').Arguments.IfSteps[0];
    expect(register.Arguments.ModelMetrics).toEqual({ ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelQuality.CalculatedBaselineStatistics' } } } });
    expect(register.Arguments.DriftCheckBaselines).toEqual({
      ModelQuality: {
        Statistics: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelQuality.BaselineUsedForDriftCheckStatistics' } },
        Constraints: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelQuality.BaselineUsedForDriftCheckConstraints' } },
      },
      Bias: {
        PostTrainingConstraints: { ContentType: 'application/json', S3Uri: { Get: 'Steps.ModelBias.BaselineUsedForDriftCheckConstraints' } },
        ConfigFile: expect.objectContaining({ S3Uri: expect.stringMatching(/^s3:\/\/ml-data\/pipelines\/clarify\/SPF1D5D0F1\/ModelBias\/[0-9a-f]{16}\/monitoring\/analysis_config\.json$/) }),
      },
    });
    expect(register.Arguments.CustomerMetadataProperties).toEqual({ biasConstraints: { Get: 'Steps.ModelBias.BaselineUsedForDriftCheckConstraints' }, qualityConstraints: { Get: 'Steps.ModelQuality.BaselineUsedForDriftCheckConstraints' } });
    expect(stepOf(definition, 'HasBaseline').Arguments.Conditions).toEqual([{ Type: 'Not', Condition: { Type: 'Equals', LeftValue: { Get: 'Steps.ModelQuality.CalculatedBaselineConstraints' }, RightValue: '' } }]);
    expect(stepOf(definition, 'ModelBias').ModelName).toEqual({ Get: 'Steps.Model.ModelName' });
    const graph = pipeline.toMermaid();
    expect(graph).toContain('Model --> ModelBias');
    expect(graph).toContain('ModelQuality --> HasBaseline');
    expect(graph).toContain('ModelBias --> Register');
  });

  test('the job role reads the data and the analysis config, writes the results, may run the shadow endpoint; the pipeline role reads the registry', () => {
    const { e } = pipelineWithChecks();
    const template = Template.fromStack(e.stack);
    const policies = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy'));
    for (const arn of ['ml-data/predictions/*', 'ml-data/checks/mq/*', 'ml-data/checks/bias/*']) expect(policies).toContain(arn);
    expect(policies).toMatch(/ml-data\/pipelines\/clarify\/SPF1D5D0F1\/ModelBias\/[0-9a-f]{16}\/\*/);
    expect(policies).toContain('endpoint/sm-clarify-*');
    expect(policies).toContain('sagemaker:ListModelPackages');
    expect(policies).toContain('model-package-group/churn');
    template.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['sagemaker:CreateProcessingJob']), Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('processing-job/\\*')])] } })]) },
    });
  });

  test('validity: cdk-nag and CloudFormation validation report nothing', () => {
    const stack = testStack('Checks');
    const e = env(stack);
    new Pipeline(stack, 'P', { steps: [e.dataQuality({ modelPackageGroup: e.registry }), e.dataBias({ analysisConfigBucket: undefined, analysisConfig: S3Location.fromUri('s3://ml-data/configs/analysis_config.json') })] });
    expectNoFindings(stack);
  });
});

describe('check steps: synth errors name the pipeline, the step, the value and what is allowed', () => {
  const qualityModel = (e: Env, extra: Record<string, unknown>) => new QualityCheckStep('MQ', {
    check: QualityCheckConfig.modelQuality({ baselineDataset: e.loc('p/'), datasetFormat: CheckDatasetFormat.csv(), outputLocation: e.loc('o/'), problemType: ProblemType.BINARY_CLASSIFICATION, inferenceAttribute: '0', groundTruthAttribute: '1', ...extra }),
    skipCheck: StepFlag.of(true),
  });

  test('a check that runs with no baseline to check against', () => {
    expect(build((e) => [e.dataQuality({ skipCheck: undefined })])).toThrow(/^\[S\/P\] step 'DataQuality' runs its DATA_QUALITY check \(skipCheck false\) but has no baseline to check against: supply suppliedBaselineConstraints \/ suppliedBaselineStatistics, or give modelPackageGroup/);
    expect(build((e) => [e.dataBias({ skipCheck: StepFlag.of(false) })])).toThrow(/^\[S\/P\] step 'DataBias' runs its DATA_BIAS check \(skipCheck false\) but has no baseline to check against: supply suppliedBaselineConstraints, or give modelPackageGroup/);
    // a parameter decides at run time: no error
    const skip = PipelineParameter.boolean('Skip');
    expect(build((e) => [e.dataQuality({ skipCheck: StepFlag.fromParameter(skip) })], [skip])).not.toThrow();
  });

  test('model quality without the ground truth, or without what the problem type needs', () => {
    expect(build((e) => [qualityModel(e, { groundTruthAttribute: undefined })])).toThrow(/^\[S\/P\] step 'MQ' is a MODEL_QUALITY check without groundTruthAttribute: the model-quality job compares predictions with the ground-truth label/);
    expect(build((e) => [qualityModel(e, { inferenceAttribute: undefined })])).toThrow(/^\[S\/P\] step 'MQ' is a BinaryClassification MODEL_QUALITY check without inferenceAttribute or probabilityAttribute/);
    expect(build((e) => [qualityModel(e, { problemType: ProblemType.REGRESSION, probabilityThreshold: 0.5 })])).toThrow(/^\[S\/P\] step 'MQ' sets probabilityAttribute\/probabilityThreshold for a Regression model: they apply to BinaryClassification only/);
    expect(build((e) => [qualityModel(e, { problemType: ProblemType.MULTICLASS_CLASSIFICATION, inferenceAttribute: undefined })])).toThrow(/^\[S\/P\] step 'MQ' is a MulticlassClassification MODEL_QUALITY check without inferenceAttribute/);
    expect(build((e) => [qualityModel(e, { probabilityThreshold: 0.7 })])).toThrow(/^\[S\/P\] step 'MQ' sets probabilityThreshold 0.7 without probabilityAttribute/);
    expect(build((e) => [qualityModel(e, { probabilityAttribute: 'p', probabilityThreshold: 1.5 })])).toThrow(/^\[S\/P\] invalid probabilityThreshold of step 'MQ'/);
  });

  test('an attribute that is a non-String parameter (the SDK refuses it)', () => {
    const column = PipelineParameter.integer('Column');
    expect(build((e) => [qualityModel(e, { groundTruthAttribute: column.value })], [column])).toThrow(/^\[S\/P\] groundTruthAttribute of step 'MQ' is \{"Get":"Parameters.Column"\}, a Integer value: the check job reads it as a string environment value/);
  });

  test('supplied baselines of the wrong kind: statistics as constraints, a baseline of another check type, not an S3 URI', () => {
    expect(build((e) => {
      const first = e.dataQuality();
      return [first, new QualityCheckStep('Second', {
        check: QualityCheckConfig.dataQuality({ baselineDataset: e.loc('b/'), datasetFormat: CheckDatasetFormat.csv(), outputLocation: e.loc('o/') }),
        suppliedBaselineConstraints: first.calculatedBaselineStatistics,
      })];
    })).toThrow(/^\[S\/P\] step 'Second' has suppliedBaselineConstraints \{"Get":"Steps.DataQuality.CalculatedBaselineStatistics"\}, the statistics of step 'DataQuality': suppliedBaselineConstraints takes constraints \(use its CalculatedBaselineConstraints\)/);
    expect(build((e) => {
      const quality = e.dataQuality();
      return [quality, e.dataBias({ skipCheck: StepFlag.of(false), suppliedBaselineConstraints: quality.baselineUsedForDriftCheckConstraints })];
    })).toThrow(/^\[S\/P\] step 'DataBias' is a DATA_BIAS check, but its suppliedBaselineConstraints \{"Get":"Steps.DataQuality.BaselineUsedForDriftCheckConstraints"\} comes from step 'DataQuality', a DATA_QUALITY check: a baseline only applies to checks of its own type/);
    expect(build((e) => [e.dataQuality({ suppliedBaselineStatistics: 'statistics.json' })])).toThrow(/^\[S\/P\] step 'DataQuality' has suppliedBaselineStatistics 'statistics.json': use the s3:\/\/ URI of a statistics JSON file/);
  });

  test('a flag that is not a Boolean parameter', () => {
    const mode = PipelineParameter.string('Mode');
    expect(build((e) => [e.dataQuality({ skipCheck: StepFlag.fromParameter(mode) })], [mode])).toThrow(/^\[S\/P\] skipCheck of step 'DataQuality' is the String parameter 'Mode': use a Boolean parameter \(or a literal\)/);
  });

  test('job resources, cache expiry and retry policies', () => {
    expect(build((e) => [e.dataQuality({ instanceCount: 0 })])).toThrow(/^\[S\/P\] invalid instanceCount of step 'DataQuality'/);
    expect(build((e) => [e.dataQuality({ instanceType: InstanceType.of('ml.t2.nano') })])).toThrow(/^\[S\/P\] .*ml\.t2\.nano/);
    expect(build((e) => [e.dataQuality({ cache: { expireAfter: Duration.millis(1500) } })])).toThrow(/^\[S\/P\] the cache of step 'DataQuality' expires after 1 second 500 millis \(ExpireAfter 'PT1.5S'\): use a positive whole number of seconds/);
    expect(build((e) => [e.dataQuality({ retryPolicies: [RetryPolicy.step([StepExceptionType.THROTTLING])] })])).toThrow(/^\[S\/P\] step 'DataQuality' is a QualityCheck step with 1 retry policy: SageMaker retries only/);
  });

  test('the analysis configuration: nowhere to put it, two places, a bad prefix', () => {
    expect(build((e) => [e.dataBias({ analysisConfigBucket: undefined })])).toThrow(/^\[S\/P\] step 'DataBias' has nowhere to put its analysis_config.json: give analysisConfigBucket \(the rendered configuration is written there at deploy time\) or analysisConfig \(your own file\)/);
    expect(build((e) => [e.dataBias({ analysisConfig: S3Location.fromUri('s3://c/analysis_config.json') })])).toThrow(/^\[S\/P\] step 'DataBias' sets both analysisConfig and analysisConfigBucket/);
    expect(build((e) => [e.dataBias({ analysisConfigPrefix: 'configs' })])).toThrow(/^\[S\/P\] step 'DataBias' has analysisConfigPrefix 'configs': use a folder ending in '\/'/);
    expect(build((x) => {
      const bucket = new DataBucket(x.stack, 'NewBucket');
      return [x.dataBias({ check: ClarifyCheckConfig.modelExplainability({ data: x.clarifyData, model: { modelName: 'm' }, shap: { baseline: S3Location.inDataBucket(bucket, 'shap/baseline.csv') } }) })];
    })).toThrow(/^\[S\/P\] step 'DataBias' has deploy-time values \(CloudFormation references or pipeline parameters\) in its analysis configuration, a file written at synth/);
  });

  test('Clarify configurations the SDK refuses', () => {
    const bias = (e: Env, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => e.dataBias({ check: ClarifyCheckConfig.dataBias({ data: { ...e.clarifyData, ...data }, bias: e.bias, ...extra }) });
    expect(build((e) => [bias(e, { datasetType: ClarifyDatasetType.JSON })])).toThrow(/^\[S\/P\] step 'DataBias' has data.datasetType application\/json without data.features/);
    expect(build((e) => [bias(e, { label: undefined })])).toThrow(/^\[S\/P\] step 'DataBias' is a DATA_BIAS check without data.label/);
    expect(build((e) => [bias(e, {}, { methods: ['DPPL'] })])).toThrow(/^\[S\/P\] step 'DataBias' has methods \["DPPL"\], which are not pre-training bias metrics: use CI, DPL, KL, JS, LP, TVD, KS, CDDL/);
    expect(build((e) => [e.dataBias({ check: ClarifyCheckConfig.dataBias({ data: e.clarifyData, bias: { labelValuesOrThreshold: ClarifyValues.strings([]), facets: [] } }) })])).toThrow(/^\[S\/P\] 2 problems in pipeline 's-p-f1d5d0f1':\n {2}- step 'DataBias' has an empty bias.labelValuesOrThreshold.*\n {2}- step 'DataBias' has no bias.facets/);
    const explain = (e: Env, model: Record<string, unknown>, shap: Record<string, unknown> = {}) => e.dataBias({ check: ClarifyCheckConfig.modelExplainability({ data: e.clarifyData, model: { modelName: 'm', ...model }, shap }) });
    expect(build((e) => [explain(e, { contentType: 'application/jsonlines' })])).toThrow(/^\[S\/P\] step 'DataBias' has model.contentType application\/jsonlines with contentTemplate undefined: give a template with the placeholder \$features/);
    expect(build((e) => [explain(e, { contentType: 'application/json', contentTemplate: '$records' })])).toThrow(/^\[S\/P\] step 'DataBias' has model.contentType application\/json: give contentTemplate \(with \$record or \$records\) and recordTemplate/);
    expect(build((e) => [explain(e, { acceptType: 'text/plain' })])).toThrow(/^\[S\/P\] step 'DataBias' has model.acceptType 'text\/plain': use text\/csv, application\/jsonlines, application\/json/);
    expect(build((e) => [explain(e, {}, { aggMethod: 'max' })])).toThrow(/^\[S\/P\] step 'DataBias' has shap.aggMethod 'max': use mean_abs, median or mean_sq/);
    expect(build((e) => [explain(e, {}, { baseline: e.loc('b.csv'), numClusters: 3 })])).toThrow(/^\[S\/P\] step 'DataBias' sets both shap.baseline and shap.numClusters/);
  });
});
