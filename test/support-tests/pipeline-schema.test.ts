import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { checkPipelinesWithCdkOut, expectValidPipelineDefinition, validatePipelineDefinition } from '../support/pipeline-schema';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';
const IMAGE = '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1';
const EXECUTION_ID = { Get: 'Execution.PipelineExecutionId' };

type Json = Record<string, any>;

/** A definition of `steps`, with the String parameter InputData. */
function pipeline(steps: Json[], extra: Json = {}): Json {
  return {
    Version: '2020-12-01',
    Metadata: {},
    Parameters: [{ Name: 'InputData', Type: 'String', DefaultValue: 's3://bucket/raw/' }],
    Steps: steps,
    ...extra,
  };
}

/** A Processing step as the SDK renders it, with a property file `EvaluationReport`. */
function processingStep(overrides: Json = {}): Json {
  return {
    Name: 'Preprocess',
    Type: 'Processing',
    Arguments: {
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } },
      AppSpecification: { ImageUri: IMAGE, ContainerEntrypoint: ['python3', '/opt/ml/processing/input/code/preprocess.py'] },
      RoleArn: ROLE,
      ProcessingInputs: [{
        InputName: 'input-1',
        AppManaged: false, // the schema lacks it; CreateProcessingJob knows it
        S3Input: { S3Uri: { Get: 'Parameters.InputData' }, LocalPath: '/opt/ml/processing/input', S3DataType: 'S3Prefix', S3InputMode: 'File' },
      }],
      ProcessingOutputConfig: {
        Outputs: [
          {
            OutputName: 'train',
            S3Output: { S3Uri: { 'Std:Join': { On: '/', Values: ['s3://bucket/train', EXECUTION_ID] } }, LocalPath: '/opt/ml/processing/train', S3UploadMode: 'EndOfJob' },
          },
          {
            OutputName: 'evaluation',
            S3Output: { S3Uri: 's3://bucket/evaluation', LocalPath: '/opt/ml/processing/evaluation', S3UploadMode: 'EndOfJob' },
          },
        ],
      },
    },
    PropertyFiles: [{ PropertyFileName: 'EvaluationReport', OutputName: 'evaluation', FilePath: 'evaluation.json' }],
    ...overrides,
  };
}

function trainingStep(overrides: Json = {}): Json {
  return {
    Name: 'Train',
    Type: 'Training',
    DependsOn: ['Preprocess'],
    Arguments: {
      AlgorithmSpecification: { TrainingImage: IMAGE, TrainingInputMode: 'File' },
      OutputDataConfig: { S3OutputPath: 's3://bucket/models' },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.m5.xlarge', VolumeSizeInGB: 30 },
      RoleArn: ROLE,
      InputDataConfig: [{
        ChannelName: 'train',
        ContentType: 'text/csv',
        DataSource: {
          S3DataSource: {
            S3DataType: 'S3Prefix',
            S3Uri: { Get: "Steps.Preprocess.ProcessingOutputConfig.Outputs['train'].S3Output.S3Uri" },
            S3DataDistributionType: 'FullyReplicated',
          },
        },
      }],
      HyperParameters: { objective: 'binary:logistic', num_round: '50' },
      Environment: { LOG_LEVEL: 'info' }, // the schema lacks it; CreateTrainingJob knows it
    },
    ...overrides,
  };
}

function registerModelStep(overrides: Json = {}): Json {
  return {
    Name: 'Register',
    Type: 'RegisterModel',
    Arguments: {
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'PendingManualApproval', // in CreateModelPackage, not in the schema
      InferenceSpecification: {
        Containers: [{ Image: IMAGE, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
        SupportedTransformInstanceTypes: ['ml.m5.large'],
      },
    },
    ...overrides,
  };
}

function failStep(name = 'Failed', message: unknown = 'failed'): Json {
  return { Name: name, Type: 'Fail', Arguments: { ErrorMessage: message } };
}

/** Reads property file EvaluationReport of Preprocess. */
const auc = { 'Std:JsonGet': { PropertyFile: { Get: 'Steps.Preprocess.PropertyFiles.EvaluationReport' }, Path: 'metrics.auc.value' } };

function conditionStep(conditions: Json[], ifSteps: Json[] = [registerModelStep()], elseSteps: Json[] = [failStep()]): Json {
  return { Name: 'CheckAuc', Type: 'Condition', Arguments: { Conditions: conditions, IfSteps: ifSteps, ElseSteps: elseSteps } };
}

describe('the schema fixture', () => {
  test('is the public schema, unmodified (sha256 recorded in test/fixtures/README.md)', () => {
    const file = path.join(__dirname, '..', 'fixtures', 'pipeline-definition.schema.json');
    const sha256 = crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect(sha256).toBe('35633f4376dda695d1847bd16d72d3b3d9201f0106e75107eafbeef11ef5ce30');
  });
});

describe('valid definitions', () => {
  test('a minimal definition with a String parameter', () => {
    expectValidPipelineDefinition(pipeline([failStep('Stop', { Get: 'Parameters.InputData' })]));
    // Type is optional for a String parameter; EnumValues as the SDK renders them
    expectValidPipelineDefinition({
      Version: '2020-12-01',
      Parameters: [{ Name: 'Mode', DefaultValue: 'fast', EnumValues: ['fast', 'full'] }],
      Steps: [],
    });
  });

  test('a Processing step with PropertyFiles', () => {
    expectValidPipelineDefinition(pipeline([processingStep()]));
  });

  test('a Training step', () => {
    expectValidPipelineDefinition(pipeline([processingStep(), trainingStep()]));
  });

  test('a Condition reading a property file with Std:JsonGet', () => {
    expectValidPipelineDefinition(pipeline([
      processingStep(),
      trainingStep(),
      conditionStep([{ Type: 'GreaterThanOrEqualTo', LeftValue: auc, RightValue: 0.7 }]),
    ]));
  });

  test('GreaterThanOrEqualTo, Not and Or (with an In inside)', () => {
    const gte = { Type: 'GreaterThanOrEqualTo', LeftValue: auc, RightValue: 0.7 };
    const isTest = { Type: 'In', QueryValue: { Get: 'Parameters.InputData' }, Values: ['s3://bucket/test/', 's3://bucket/dev/'] };
    const conditions = [
      gte,
      { Type: 'Or', Conditions: [{ Type: 'Not', Condition: gte }, isTest, { Type: 'Or', Conditions: [gte] }] },
      { Type: 'Not', Condition: { Type: 'Or', Conditions: [gte, { Type: 'Equals', LeftValue: { Get: 'Parameters.InputData' }, RightValue: 'x' }] } },
    ];
    expectValidPipelineDefinition(pipeline([processingStep(), trainingStep(), conditionStep(conditions)]));
  });

  test('a Fail step with a Std:Join message', () => {
    const message = { 'Std:Join': { On: ' ', Values: ['AUC', auc, 'is below', 0.7, 'in execution', EXECUTION_ID] } };
    expectValidPipelineDefinition(pipeline([processingStep(), failStep('TooLow', message)]));
  });

  test('RegisterModel, also inside a condition branch with other step types', () => {
    expectValidPipelineDefinition(pipeline([processingStep(), trainingStep(), registerModelStep()]));
    const createModel = {
      Name: 'CreateModel',
      Type: 'Model',
      Arguments: {
        ExecutionRoleArn: ROLE,
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: { Get: 'Steps.Train.ModelArtifacts.S3ModelArtifacts' } },
      },
    };
    const endpointConfig = {
      Name: 'EndpointConfig',
      Type: 'EndpointConfig',
      Arguments: { ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: { Get: 'Steps.CreateModel.ModelName' }, InitialInstanceCount: 1, InstanceType: 'ml.m5.large' }] },
    };
    const gte = { Type: 'GreaterThanOrEqualTo', LeftValue: auc, RightValue: 0.7 };
    expectValidPipelineDefinition(pipeline([
      processingStep(),
      trainingStep(),
      conditionStep([gte], [registerModelStep(), createModel, endpointConfig], [failStep()]),
    ]));
  });

  test('retry policies with a list of ExceptionType, and CacheConfig', () => {
    expectValidPipelineDefinition(pipeline([
      processingStep({
        RetryPolicies: [
          { ExceptionType: ['Step.SERVICE_FAULT', 'Step.THROTTLING'], IntervalSeconds: 1, BackoffRate: 2.0, MaxAttempts: 5 },
          { ExceptionType: ['SageMaker.JOB_INTERNAL_ERROR', 'SageMaker.CAPACITY_ERROR'], IntervalSeconds: 30, BackoffRate: 1.5, ExpireAfterMin: 120 },
          { ExceptionType: 'SageMaker.RESOURCE_LIMIT', MaxAttempts: 2 }, // the schema's single value
        ],
        CacheConfig: { Enabled: true, ExpireAfter: 'P30D' },
      }),
      trainingStep({ CacheConfig: { Enabled: false } }),
    ]));
  });

  test('a top-level PipelineExperimentConfig', () => {
    const experiment = { ExperimentName: { Get: 'Execution.PipelineName' }, TrialName: EXECUTION_ID };
    expectValidPipelineDefinition(pipeline([processingStep()], { PipelineExperimentConfig: experiment }));
  });

  test('CloudFormation intrinsics count as strings, Fn::Join and Fn::Sub keep their shape', () => {
    const step = processingStep();
    step.Arguments.RoleArn = { 'Fn::GetAtt': ['PipelineRole1234', 'Arn'] };
    step.Arguments.AppSpecification.ImageUri = { 'Fn::Sub': '${AWS::AccountId}.dkr.ecr.${AWS::Region}.${AWS::URLSuffix}/pre:latest' };
    step.Arguments.ProcessingOutputConfig.Outputs[1].S3Output.S3Uri = { 'Fn::Join': ['', ['s3://', { Ref: 'Bucket83908E77' }, '/evaluation']] };
    const model = {
      Name: 'CreateModel',
      Type: 'Model',
      Arguments: {
        ExecutionRoleArn: { 'Fn::GetAtt': ['ModelRole', 'Arn'] },
        // the schema's URL pattern: the Join keeps the s3:// shape
        PrimaryContainer: { Image: IMAGE, ModelDataUrl: { 'Fn::Join': ['', ['s3://', { Ref: 'Bucket83908E77' }, '/model.tar.gz']] } },
      },
    };
    expectValidPipelineDefinition(pipeline([step, model]));
  });

  test('JSON text, and an Fn::Join of JSON text as CDK renders PipelineDefinitionBody', () => {
    const definition = pipeline([processingStep()]);
    expectValidPipelineDefinition(JSON.stringify(definition));
    const text = JSON.stringify(definition).replace(`"${ROLE}"`, '"\u0000"');
    const [before, after] = text.split('\u0000');
    expectValidPipelineDefinition({ 'Fn::Join': ['', [before, { 'Fn::GetAtt': ['Role1ABCC5F0', 'Arn'] }, after]] });
  });
});

describe('invalid definitions', () => {
  test('an unknown step Type: one problem, on Type', () => {
    const problems = validatePipelineDefinition(pipeline([{ Name: 'Mystery', Type: 'Magic', Arguments: {} }]));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^Steps\[0\]\.Type \[step "Mystery" \(Magic\)\]: must be one of .*"Training".*"EndpointConfig".* \(got "Magic"\)$/);
  });

  test('a step without a Name', () => {
    const step = trainingStep();
    delete step.Name;
    const problems = validatePipelineDefinition(pipeline([processingStep(), step]));
    expect(problems).toEqual(["Steps[1] [step without a Name (Training)]: must have required property 'Name'"]);
  });

  test('a Condition with an unknown condition type, also nested in Or and Not', () => {
    const unknown = { Type: 'Between', LeftValue: auc, RightValue: 0.7 };
    const problems = validatePipelineDefinition(pipeline([
      processingStep(),
      conditionStep([unknown, { Type: 'Or', Conditions: [{ Type: 'Not', Condition: unknown }] }]),
    ]));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^Steps\[1\]\.Arguments\.Conditions\[0\]\.Type \[step "CheckAuc" \(Condition\)\]: must be one of "GreaterThan", .*"Or", "Not" \(got "Between"\)$/);
    expect(problems[1]).toMatch(/^Steps\[1\]\.Arguments\.Conditions\[1\]\.Conditions\[0\]\.Condition\.Type \[step "CheckAuc" \(Condition\)\]: must be one of/);
  });

  test('a Parameter with a bad Type', () => {
    const definition = pipeline([processingStep()]);
    definition.Parameters.push({ Name: 'Epochs', Type: 'Number', DefaultValue: 10 });
    expect(validatePipelineDefinition(definition)).toEqual([
      'Parameters[1].Type: must be one of "String", "Integer", "Float", "Boolean" (got "Number")',
    ]);
  });

  test('a Parameter whose default does not match its Type', () => {
    const definition = pipeline([]);
    definition.Parameters.push({ Name: 'Epochs', Type: 'Integer', DefaultValue: '10' });
    expect(validatePipelineDefinition(definition)).toEqual(['Parameters[1].DefaultValue: must be integer (got "10")']);
  });

  test('a bad Version', () => {
    expect(validatePipelineDefinition(pipeline([processingStep()], { Version: '2021-01-01' }))).toEqual([
      'Version: must be one of "2020-12-01" (got "2021-01-01")',
    ]);
  });

  test('errors in a nested step name that step and only its own branch of the schema', () => {
    const broken = registerModelStep();
    broken.Arguments.InferenceSpecification.Containers[0].Image = 42;
    const problems = validatePipelineDefinition(pipeline([
      processingStep(),
      conditionStep([{ Type: 'Equals', LeftValue: 1, RightValue: 1 }], [broken], [failStep()]),
    ]));
    expect(problems).toEqual([
      'Steps[1].Arguments.IfSteps[0].Arguments.InferenceSpecification.Containers[0].Image [step "Register" (RegisterModel)]: must be string (got 42)',
    ]);
  });

  test('an argument neither the schema nor the SageMaker API knows, and a malformed expression', () => {
    const step = trainingStep();
    step.Arguments.ResourceConfig.InstanceSize = 'large';
    step.Arguments.OutputDataConfig.S3OutputPath = { 'Std:Join': { Separator: '/', Values: ['s3://bucket', EXECUTION_ID] } };
    step.Arguments.StoppingCondition.MaxRuntimeInSeconds = { 'Std:JsonGet': { Path: 'a.b' } };
    const problems = validatePipelineDefinition(pipeline([processingStep(), step]));
    expect(problems).toEqual([
      'Steps[1].Arguments.OutputDataConfig.S3OutputPath["Std:Join"] [step "Train" (Training)]: unknown property \'Separator\'',
      'Steps[1].Arguments.ResourceConfig [step "Train" (Training)]: unknown property \'InstanceSize\'',
      'Steps[1].Arguments.StoppingCondition.MaxRuntimeInSeconds["Std:JsonGet"] [step "Train" (Training)]: must have exactly one of \'PropertyFile\', \'S3Uri\'',
    ]);
  });

  test('retry policies: a bad exception type in a list, and an empty list', () => {
    const problems = validatePipelineDefinition(pipeline([
      processingStep({ RetryPolicies: [{ ExceptionType: ['Step.SERVICE_FAULT', 'Step.TIMEOUT'] }, { ExceptionType: [] }] }),
    ]));
    expect(problems).toEqual([
      expect.stringMatching(/^Steps\[0\]\.RetryPolicies\[0\]\.ExceptionType\[1\] \[step "Preprocess" \(Processing\)\]: must be one of "Step\.SERVICE_FAULT", .* \(got "Step\.TIMEOUT"\)$/),
      'Steps[0].RetryPolicies[1].ExceptionType [step "Preprocess" (Processing)]: must NOT have fewer than 1 items',
    ]);
  });

  test("In in the schema's Value/In form, which the SDK does not send, is rejected; so is an In without values", () => {
    const problems = validatePipelineDefinition(pipeline([
      processingStep(),
      conditionStep([
        { Type: 'In', Value: { Get: 'Parameters.InputData' }, In: ['s3://bucket/test/'] },
        { Type: 'In', QueryValue: { Get: 'Parameters.InputData' }, Values: [] },
      ]),
    ]));
    expect(problems).toEqual(expect.arrayContaining([
      'Steps[1].Arguments.Conditions[0] [step "CheckAuc" (Condition)]: unknown property \'Value\'',
      'Steps[1].Arguments.Conditions[0] [step "CheckAuc" (Condition)]: must have required property \'QueryValue\'',
      'Steps[1].Arguments.Conditions[1].Values [step "CheckAuc" (Condition)]: must NOT have fewer than 1 items',
    ]));
  });

  test("Not with Expression (rather than the SDK's Condition) is rejected", () => {
    const gte = { Type: 'GreaterThanOrEqualTo', LeftValue: auc, RightValue: 0.7 };
    const problems = validatePipelineDefinition(pipeline([processingStep(), conditionStep([{ Type: 'Not', Expression: gte }])]));
    expect(problems).toEqual([
      'Steps[1].Arguments.Conditions[0] [step "CheckAuc" (Condition)]: must have required property \'Condition\'',
      'Steps[1].Arguments.Conditions[0] [step "CheckAuc" (Condition)]: unknown property \'Expression\'',
    ]);
  });

  test('a String parameter with an empty EnumValues list is rejected', () => {
    expect(validatePipelineDefinition({ Version: '2020-12-01', Parameters: [{ Name: 'Mode', Type: 'String', EnumValues: [] }], Steps: [] }))
      .toEqual(['Parameters[0].EnumValues: must NOT have fewer than 1 items']);
  });

  test('not JSON', () => {
    expect(validatePipelineDefinition('{"Version": ')).toEqual([expect.stringMatching(/^\(root\): not a JSON pipeline definition: /)]);
  });
});

describe("check-cdk-out's pipeline checks", () => {
  /** A template holding one pipeline, as CDK synthesizes it (the definition as JSON text). */
  const template = (definition: Json) => ({
    Resources: { Pipeline: { Type: 'AWS::SageMaker::Pipeline', Properties: { PipelineName: 'p', RoleArn: ROLE, PipelineDefinition: { PipelineDefinitionBody: JSON.stringify(definition) } } } },
  });

  test('a bare Integer Get in a string argument is an ExpressionType error; in a Std:Join it passes', () => {
    const bare = trainingStep({ DependsOn: undefined });
    bare.Arguments.HyperParameters.num_round = { Get: 'Parameters.Rounds' };
    const definition = pipeline([bare]);
    definition.Parameters.push({ Name: 'Rounds', Type: 'Integer', DefaultValue: 50 });
    bare.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri = 's3://bucket/train/';
    expect(checkPipelinesWithCdkOut(template(definition))).toEqual([
      expect.stringMatching(/^ExpressionType \[Train \(Training\) -> CreateTrainingJob\] Arguments\.HyperParameters\['num_round'\]: .* is Integer, but .* takes String/),
    ]);
    bare.Arguments.HyperParameters.num_round = { 'Std:Join': { On: '', Values: [{ Get: 'Parameters.Rounds' }] } };
    expect(checkPipelinesWithCdkOut(template(definition))).toEqual([]);
  });

  test("a property path that the step's Describe response lacks is a PropertyPath error", () => {
    const train = trainingStep({ DependsOn: undefined });
    train.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri = 's3://bucket/train/';
    const register = registerModelStep();
    register.Arguments.InferenceSpecification.Containers[0].ModelDataUrl = { Get: 'Steps.Train.ModelArtifacts.S3Uri' };
    expect(checkPipelinesWithCdkOut(template(pipeline([train, register])))).toEqual([expect.stringMatching(/^PropertyPath \[Register \(RegisterModel\) -> CreateModelPackage\]/)]);
  });
});
