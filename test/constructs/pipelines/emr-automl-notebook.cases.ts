// EMR, AutoML and notebook job steps (issue 13): the SDK's argument shapes (expected JSON written by
// hand from emr_step.py, automl.py/session.py and notebook_job_step.py), typed properties, the IAM
// the pipeline and job roles get, check-cdk-out's pipeline checks, and every synth error.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  AutoMLChannelType, AutoMLCompression, AutoMLContentType, AutoMLMetric, AutoMLProblemType, AutoMLS3DataType, AutoMLStep, AutoMLStepProps,
  ContainerImage, DataBucket, EmrClusterConfig, EmrStep, EmrStepProps, InstanceType, ModelStep, NotebookJobInput, NotebookJobStep,
  NotebookJobStepProps, Pipeline, PipelineParameter, RetryPolicy, S3Location, Step, StepExceptionType,
} from '../../../constructs';
import { checkPipelinesWithCdkOut } from '../../support/pipeline-schema';
import { plainStack } from '../../support/stacks';
import { acknowledgements, expectNoFindings, testStack } from '../../support/validity';

const NOTEBOOK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'notebook-step-'));
const NOTEBOOK = path.join(NOTEBOOK_DIR, 'churn-report.ipynb');
fs.writeFileSync(NOTEBOOK, JSON.stringify({ cells: [], metadata: {}, nbformat: 4, nbformat_minor: 5 }));
const IMAGE = ContainerImage.fromImageUri('542918446943.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:1-cpu');

function env(stack: Stack = plainStack('Test', { env: { account: '111122223333', region: 'eu-west-1' } })) {
  const data = DataBucket.fromBucketName(stack, 'Data', 'ml-data');
  const serviceRole = iam.Role.fromRoleArn(stack, 'EmrService', 'arn:aws:iam::111122223333:role/EMR_DefaultRole_V2');
  const instanceRole = iam.Role.fromRoleArn(stack, 'EmrEc2', 'arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole');
  const instanceProfile = iam.InstanceProfile.fromInstanceProfileAttributes(stack, 'Profile', {
    instanceProfileArn: 'arn:aws:iam::111122223333:instance-profile/EMR_EC2_DefaultRole', role: instanceRole,
  });
  const runtimeRole = iam.Role.fromRoleArn(stack, 'Runtime', 'arn:aws:iam::111122223333:role/runtime-role');
  const clusterConfig = (request: { [k: string]: any } = {}): EmrClusterConfig => ({
    request: {
      ReleaseLabel: 'emr-7.1.0',
      Applications: [{ Name: 'Spark' }],
      Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceType: 'm5.xlarge', InstanceCount: 1 }] },
      ...request,
    },
    serviceRole,
    instanceProfile,
  });
  return { stack, data, serviceRole, instanceRole, instanceProfile, runtimeRole, clusterConfig };
}
type Env = ReturnType<typeof env>;

const STEP_CONFIG = { jar: 's3://ml-data/jars/etl.jar', args: ['--arg_0', 'arg_0_value'], mainClass: 'com.my.main', properties: { Foo: 'Foo_value', Bar: 'Bar_value' } };

function pipeline(steps: (e: Env) => Step[], stack?: Stack): { e: Env; p: Pipeline; definition: any } {
  const e = env(stack);
  const p = new Pipeline(e.stack, 'P', { steps: steps(e), pipelineName: 'MyPipeline', parameters: [PipelineParameter.string('ClusterId', { defaultValue: 'j-1' })] });
  return { e, p, definition: e.stack.resolve(p.definition) };
}
const stepOf = (definition: any, name: string) => definition.Steps.find((s: any) => s.Name === name);

function automlProps(e: Env, overrides: Partial<AutoMLStepProps> = {}): AutoMLStepProps {
  return {
    inputs: [
      { location: S3Location.inDataBucket(e.data, 'automl/train/'), targetAttributeName: 'target', compression: AutoMLCompression.GZIP, channelType: AutoMLChannelType.TRAINING, sampleWeightAttributeName: 'sampleWeight' },
      { location: S3Location.inDataBucket(e.data, 'automl/validation/'), targetAttributeName: 'target', compression: AutoMLCompression.GZIP, channelType: AutoMLChannelType.VALIDATION, sampleWeightAttributeName: 'sampleWeight' },
    ],
    outputLocation: S3Location.inDataBucket(e.data, 'automl/output/'),
    ...overrides,
  };
}

function notebookProps(e: Env, overrides: Partial<NotebookJobStepProps> = {}): NotebookJobStepProps {
  return { input: NotebookJobInput.fromAsset(NOTEBOOK), image: IMAGE, kernelName: 'python3', outputLocation: S3Location.inDataBucket(e.data, 'notebooks/'), ...overrides };
}

/** A partition-qualified ARN as the template holds it. */
const arn = (rest: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:${rest}`]] });

/** The pipeline role's statements. */
function pipelineStatements(e: Env): any[] {
  const policies = Template.fromStack(e.stack).findResources('AWS::IAM::ManagedPolicy');
  return Object.values(policies).flatMap((r: any) => e.stack.resolve(r.Properties.PolicyDocument.Statement));
}

describe('EmrStep (the SDK\'s EMRStep)', () => {
  test('on a running cluster: ClusterId, StepConfig.HadoopJarStep, ExecutionRoleArn and CacheConfig as the SDK renders them', () => {
    const { definition } = pipeline((e) => {
      const first = new EmrStep('TestStep', { clusterId: 'MyClusterID', stepConfig: { jar: 's3://ml-data/jars/first.jar' } });
      return [first, new EmrStep('MyEMRStep', {
        displayName: 'MyEMRStep', description: 'MyEMRStepDescription', clusterId: 'MyClusterID', stepConfig: STEP_CONFIG,
        dependsOn: [first], cache: { expireAfter: Duration.hours(1) }, executionRole: e.runtimeRole,
      })];
    });
    expect(stepOf(definition, 'MyEMRStep')).toEqual({
      Name: 'MyEMRStep',
      Type: 'EMR',
      Arguments: {
        ClusterId: 'MyClusterID',
        StepConfig: {
          HadoopJarStep: {
            Args: ['--arg_0', 'arg_0_value'],
            Jar: 's3://ml-data/jars/etl.jar',
            MainClass: 'com.my.main',
            Properties: [{ Key: 'Foo', Value: 'Foo_value' }, { Key: 'Bar', Value: 'Bar_value' }],
          },
        },
        ExecutionRoleArn: 'arn:aws:iam::111122223333:role/runtime-role',
      },
      DependsOn: ['TestStep'],
      DisplayName: 'MyEMRStep',
      Description: 'MyEMRStepDescription',
      CacheConfig: { Enabled: true, ExpireAfter: 'PT1H' },
    });
    expect(stepOf(definition, 'TestStep').Arguments).toEqual({ ClusterId: 'MyClusterID', StepConfig: { HadoopJarStep: { Jar: 's3://ml-data/jars/first.jar' } } });
  });

  test('properties read EMR\'s DescribeStep Step shape', () => {
    const { definition } = pipeline(() => {
      const emr = new EmrStep('Emr', { clusterId: 'j-1', stepConfig: { jar: 'command-runner.jar' } });
      const reader = new EmrStep('Reader', { clusterId: 'j-1', stepConfig: { jar: 'command-runner.jar', args: [emr.emrStepId, emr.emrStepName, emr.state, emr.failureReason, emr.failureMessage, emr.failureLogFile] } });
      return [emr, reader];
    });
    const reader = stepOf(definition, 'Reader');
    expect(reader.Arguments.StepConfig.HadoopJarStep.Args).toEqual(['Id', 'Name', 'Status.State', 'Status.FailureDetails.Reason', 'Status.FailureDetails.Message', 'Status.FailureDetails.LogFile'].map((p) => ({ Get: `Steps.Emr.${p}` })));
    expect(reader.DependsOn).toBeUndefined(); // the reference orders the steps; DependsOn stays what the user listed
  });

  test('grants AddJobFlowSteps, DescribeStep and CancelSteps on the cluster, and PassRole on the runtime role', () => {
    const { e } = pipeline((x) => [new EmrStep('Emr', { clusterId: 'j-2AXXXXXXGAPLF', stepConfig: { jar: 'command-runner.jar' }, executionRole: x.runtimeRole })]);
    expect(pipelineStatements(e)).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps'], Resource: arn('elasticmapreduce:eu-west-1:111122223333:cluster/j-2AXXXXXXGAPLF') },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::111122223333:role/runtime-role' },
    ]));
  });

  test('a cluster id from a pipeline parameter is granted on every cluster of the account and region', () => {
    const { e, definition } = pipeline(() => [new EmrStep('Emr', { clusterId: PipelineParameter.string('ClusterId').value, stepConfig: { jar: 'command-runner.jar' } })]);
    expect(stepOf(definition, 'Emr').Arguments.ClusterId).toEqual({ Get: 'Parameters.ClusterId' });
    expect(pipelineStatements(e)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps'], Resource: arn('elasticmapreduce:eu-west-1:111122223333:cluster/*') }),
    ]));
  });

  test('a cluster config renders ClusterConfig with the roles, and grants RunJobFlow, the new cluster\'s step and termination actions, and PassRole', () => {
    const { e, definition } = pipeline((x) => [new EmrStep('Emr', { clusterConfig: x.clusterConfig({ Tags: [{ Key: 'team', Value: 'ml' }] }), stepConfig: { jar: 'command-runner.jar', args: ['spark-submit', 's3://ml-data/etl.py'] } })]);
    expect(stepOf(definition, 'Emr').Arguments).toEqual({
      StepConfig: { HadoopJarStep: { Jar: 'command-runner.jar', Args: ['spark-submit', 's3://ml-data/etl.py'] } },
      ClusterConfig: {
        ReleaseLabel: 'emr-7.1.0',
        Applications: [{ Name: 'Spark' }],
        Instances: { InstanceGroups: [{ InstanceRole: 'MASTER', InstanceType: 'm5.xlarge', InstanceCount: 1 }] },
        Tags: [{ Key: 'team', Value: 'ml' }],
        ServiceRole: 'arn:aws:iam::111122223333:role/EMR_DefaultRole_V2',
        JobFlowRole: 'EMR_EC2_DefaultRole',
      },
    });
    expect(pipelineStatements(e)).toEqual(expect.arrayContaining([
      { Effect: 'Allow', Action: 'elasticmapreduce:RunJobFlow', Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['elasticmapreduce:AddJobFlowSteps', 'elasticmapreduce:DescribeStep', 'elasticmapreduce:CancelSteps', 'elasticmapreduce:DescribeCluster', 'elasticmapreduce:TerminateJobFlows', 'elasticmapreduce:AddTags'],
        Resource: arn('elasticmapreduce:eu-west-1:111122223333:cluster/*'),
      },
      { Effect: 'Allow', Action: 'iam:PassRole', Resource: ['arn:aws:iam::111122223333:role/EMR_DefaultRole_V2', 'arn:aws:iam::111122223333:role/EMR_EC2_DefaultRole'] },
    ]));
  });

  const emrErrors: Array<[string, (e: Env) => EmrStepProps, RegExp]> = [
    ['neither clusterId nor clusterConfig', () => ({ stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] step 'Emr' has neither clusterId nor clusterConfig: pass exactly one/],
    ['both clusterId and clusterConfig', (e) => ({ clusterId: 'j-1', clusterConfig: e.clusterConfig(), stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] step 'Emr' has both clusterId 'j-1' and clusterConfig: pass exactly one/],
    ['an executionRole without clusterId', (e) => ({ clusterConfig: e.clusterConfig(), executionRole: e.runtimeRole, stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] step 'Emr' has an executionRole without clusterId: a runtime role is passed to AddJobFlowSteps on a running cluster only/],
    ['an empty jar', () => ({ clusterId: 'j-1', stepConfig: { jar: '' } }), /^\[Test\/P\] the stepConfig of step 'Emr' has jar '': use the S3 URI or cluster path of a JAR/],
    ['Name, Steps and AutoTerminationPolicy in a cluster config', (e) => ({ clusterConfig: e.clusterConfig({ Name: 'c', Steps: [], AutoTerminationPolicy: { IdleTimeout: 60 } }), stepConfig: { jar: 'x.jar' } }),
      /^\[Test\/P\] the clusterConfig of step 'Emr' sets Name, Steps, AutoTerminationPolicy: the step names the cluster, adds its one step and EMR terminates the cluster after it/],
    ['roles in the request', (e) => ({ clusterConfig: e.clusterConfig({ ServiceRole: 'EMR_DefaultRole' }), stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] the clusterConfig of step 'Emr' sets ServiceRole in its request: pass serviceRole instead/],
    ['no Instances', (e) => ({ clusterConfig: e.clusterConfig({ Instances: undefined }), stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] the clusterConfig of step 'Emr' has no Instances: RunJobFlow's Instances object is required, with InstanceGroups or InstanceFleets/],
    ['KeepJobFlowAliveWhenNoSteps and TerminationProtected', (e) => ({ clusterConfig: e.clusterConfig({ Instances: { InstanceGroups: [], KeepJobFlowAliveWhenNoSteps: true, TerminationProtected: true } }), stepConfig: { jar: 'x.jar' } }),
      /^\[Test\/P\] the clusterConfig of step 'Emr' sets Instances.KeepJobFlowAliveWhenNoSteps and Instances.TerminationProtected: the cluster ends with its step/],
    ['both InstanceGroups and InstanceFleets', (e) => ({ clusterConfig: e.clusterConfig({ Instances: { InstanceGroups: [], InstanceFleets: [] } }), stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] the clusterConfig of step 'Emr' has both InstanceGroups and InstanceFleets in Instances: use exactly one/],
    ['neither InstanceGroups nor InstanceFleets', (e) => ({ clusterConfig: e.clusterConfig({ Instances: { Ec2SubnetId: 'subnet-1' } }), stepConfig: { jar: 'x.jar' } }), /^\[Test\/P\] the clusterConfig of step 'Emr' has neither InstanceGroups nor InstanceFleets in Instances: use exactly one/],
    ['an instance profile without a role', (e) => ({ clusterConfig: { ...e.clusterConfig(), instanceProfile: iam.InstanceProfile.fromInstanceProfileName(e.stack, 'Bare', 'bare') }, stepConfig: { jar: 'x.jar' } }),
      /^\[Test\/P\] the clusterConfig of step 'Emr' has an instance profile without a known role \('bare'\)/],
    ['retry policies', () => ({ clusterId: 'j-1', stepConfig: { jar: 'x.jar' }, retryPolicies: [RetryPolicy.step([StepExceptionType.THROTTLING])] }), /^\[Test\/P\] step 'Emr' is an EMR step with 1 retry policy: SageMaker does not retry EMR steps/],
  ];
  test.each(emrErrors)('refuses %s', (_, props, message) => {
    expect(() => pipeline((e) => [new EmrStep('Emr', props(e))])).toThrow(message);
  });
});

describe('AutoMLStep (the SDK\'s AutoMLStep)', () => {
  test('renders AutoML.fit()\'s CreateAutoMLJob arguments without AutoMLJobName, GenerateCandidateDefinitionsOnly and ModelDeployConfig, in ENSEMBLING mode', () => {
    const { e, p, definition } = pipeline((x) => {
      const vpc = ec2.Vpc.fromVpcAttributes(x.stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a'], isolatedSubnetIds: ['subnet'] });
      const group = ec2.SecurityGroup.fromSecurityGroupId(x.stack, 'Sg', 'group');
      const volumeKey = kms.Key.fromKeyArn(x.stack, 'VolumeKey', 'arn:aws:kms:eu-west-1:111122223333:key/volume');
      const outputKey = kms.Key.fromKeyArn(x.stack, 'OutputKey', 'arn:aws:kms:eu-west-1:111122223333:key/output');
      return [new AutoMLStep('MyAutoMLStep', automlProps(x, {
        volumeKey, outputKey, network: { vpc, securityGroups: [group], interContainerEncryption: false },
        problemType: AutoMLProblemType.BINARY_CLASSIFICATION, objective: AutoMLMetric.F1,
        maxCandidates: 1, maxRuntimePerTrainingJob: Duration.hours(1), maxJobRuntime: Duration.hours(10),
        tags: { 'some-tag': 'value-for-tag' }, featureSpecification: S3Location.fromUri('s3://ml-data/features.json'),
        cache: { expireAfter: Duration.days(1) }, retryPolicies: [RetryPolicy.step([StepExceptionType.SERVICE_FAULT], { maxAttempts: 2 })],
      }))];
    });
    const role = e.stack.resolve(p.jobRole.roleArn);
    expect(stepOf(definition, 'MyAutoMLStep')).toEqual({
      Name: 'MyAutoMLStep',
      Type: 'AutoML',
      Arguments: {
        AutoMLJobConfig: {
          CandidateGenerationConfig: { FeatureSpecificationS3Uri: 's3://ml-data/features.json' },
          Mode: 'ENSEMBLING',
          CompletionCriteria: { MaxAutoMLJobRuntimeInSeconds: 36000, MaxCandidates: 1, MaxRuntimePerTrainingJobInSeconds: 3600 },
          SecurityConfig: {
            EnableInterContainerTrafficEncryption: false,
            VolumeKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/volume',
            VpcConfig: { SecurityGroupIds: ['group'], Subnets: ['subnet'] },
          },
        },
        AutoMLJobObjective: { MetricName: 'F1' },
        InputDataConfig: [
          { ChannelType: 'training', CompressionType: 'Gzip', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://ml-data/automl/train/' } }, TargetAttributeName: 'target', SampleWeightAttributeName: 'sampleWeight' },
          { ChannelType: 'validation', CompressionType: 'Gzip', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://ml-data/automl/validation/' } }, TargetAttributeName: 'target', SampleWeightAttributeName: 'sampleWeight' },
        ],
        OutputDataConfig: { KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/output', S3OutputPath: 's3://ml-data/automl/output/' },
        ProblemType: 'BinaryClassification',
        RoleArn: role,
        Tags: [{ Key: 'some-tag', Value: 'value-for-tag' }],
      },
      CacheConfig: { Enabled: true, ExpireAfter: 'P1D' },
      RetryPolicies: [{ ExceptionType: ['Step.SERVICE_FAULT'], IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 2 }],
    });
  });

  test('one input with the content type, data type and split of the SDK\'s AutoML(...) options', () => {
    const { definition } = pipeline((x) => [new AutoMLStep('A', {
      inputs: [{ location: S3Location.inDataBucket(x.data, 'manifest.json'), targetAttributeName: 'y', contentType: AutoMLContentType.PARQUET, s3DataType: AutoMLS3DataType.MANIFEST_FILE }],
      outputLocation: S3Location.inDataBucket(x.data, 'out/'),
      validationFraction: 0.3,
    })]);
    const args = stepOf(definition, 'A').Arguments;
    expect(args.InputDataConfig).toEqual([{ DataSource: { S3DataSource: { S3DataType: 'ManifestFile', S3Uri: 's3://ml-data/manifest.json' } }, TargetAttributeName: 'y', ContentType: 'x-application/vnd.amazon+parquet' }]);
    expect(args.AutoMLJobConfig).toEqual({ CompletionCriteria: {}, SecurityConfig: { EnableInterContainerTrafficEncryption: false }, DataSplitConfig: { ValidationFraction: 0.3 }, Mode: 'ENSEMBLING' });
  });

  test('properties read DescribeAutoMLJob and the SDK\'s BestCandidateProperties; the best candidate feeds a ModelStep', () => {
    const { definition } = pipeline((x) => {
      const automl = new AutoMLStep('AutoML', automlProps(x));
      const model = new ModelStep('Best', {
        image: ContainerImage.fromImageUri(automl.bestCandidateImage()),
        modelData: automl.bestCandidateModelData(),
        environment: {
          MODEL_NAME: automl.bestCandidateEnvironment('MODEL_NAME'),
          NAME: automl.bestCandidateName, ARN: automl.autoMLJobArn, JOB: automl.autoMLJobName, METRIC: automl.bestObjectiveMetricValue,
          INSIGHTS: automl.modelInsightsJsonReportPath, EXPLAIN: automl.explainabilityJsonReportPath, SECOND: automl.bestCandidateImage(1),
        },
      });
      return [automl, model];
    });
    const container = stepOf(definition, 'Best').Arguments.PrimaryContainer;
    const get = (p: string) => ({ Get: `Steps.AutoML.${p}` });
    expect(container.Image).toEqual(get('BestCandidate.InferenceContainers[0].Image'));
    expect(container.ModelDataUrl).toEqual(get('BestCandidate.InferenceContainers[0].ModelDataUrl'));
    expect(container.Environment).toEqual({
      MODEL_NAME: get("BestCandidate.InferenceContainers[0].Environment['MODEL_NAME']"),
      NAME: get('BestCandidate.CandidateName'), ARN: get('AutoMLJobArn'), JOB: get('AutoMLJobName'),
      METRIC: { 'Std:Join': { On: '', Values: [get('BestCandidate.FinalAutoMLJobObjectiveMetric.Value')] } },
      INSIGHTS: get('BestCandidateProperties.ModelInsightsJsonReportPath'), EXPLAIN: get('BestCandidateProperties.ExplainabilityJsonReportPath'),
      SECOND: get('BestCandidate.InferenceContainers[1].Image'),
    });
  });

  test('bestCandidateModelStep is the SDK\'s get_best_auto_ml_model: the first inference container with six of its environment variables', () => {
    const { definition } = pipeline((x) => {
      const automl = new AutoMLStep('AutoML', automlProps(x));
      return [automl, automl.bestCandidateModelStep('BestModel', { description: 'the best candidate' })];
    });
    const model = stepOf(definition, 'BestModel');
    const get = (p: string) => ({ Get: `Steps.AutoML.BestCandidate.InferenceContainers[0].${p}` });
    expect(model.Type).toBe('Model');
    expect(model.Description).toBe('the best candidate');
    expect(model.Arguments.PrimaryContainer).toEqual(expect.objectContaining({
      Image: get('Image'),
      ModelDataUrl: get('ModelDataUrl'),
      Environment: Object.fromEntries(['MODEL_NAME', 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT', 'SAGEMAKER_SUBMIT_DIRECTORY', 'SAGEMAKER_INFERENCE_SUPPORTED', 'SAGEMAKER_INFERENCE_OUTPUT', 'SAGEMAKER_PROGRAM']
        .map((k) => [k, get(`Environment['${k}']`)])),
    }));
  });

  test('grants the pipeline CreateAutoMLJob, DescribeAutoMLJob, StopAutoMLJob and ListCandidatesForAutoMLJob and PassRole; the job role reads the inputs and writes the output', () => {
    const { e, p } = pipeline((x) => [new AutoMLStep('A', automlProps(x))]);
    const statements = pipelineStatements(e);
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['sagemaker:CreateAutoMLJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:StopAutoMLJob', 'sagemaker:ListCandidatesForAutoMLJob', 'sagemaker:AddTags', 'sagemaker:ListTags'], Resource: arn('sagemaker:eu-west-1:111122223333:automl-job/*') }),
      expect.objectContaining({ Action: 'iam:PassRole', Resource: e.stack.resolve(p.jobRole.roleArn), Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } } }),
    ]));
    const text = JSON.stringify(statements);
    expect(text).toContain('ml-data/automl/train/*');
    expect(text).toContain('ml-data/automl/output/*');
  });

  const automlErrors: Array<[string, (e: Env) => AutoMLStepProps, RegExp]> = [
    ['a missing target attribute', (e) => automlProps(e, { inputs: [{ location: S3Location.inDataBucket(e.data, 't/'), targetAttributeName: '' }] }), /^\[Test\/P\] input 0 of step 'A' has targetAttributeName '': name the column to predict/],
    ['problemType without objective', (e) => automlProps(e, { problemType: AutoMLProblemType.REGRESSION }), /^\[Test\/P\] step 'A' sets problemType 'Regression' without objective: set both, or neither/],
    ['objective without problemType', (e) => automlProps(e, { objective: AutoMLMetric.MSE }), /^\[Test\/P\] step 'A' sets objective 'MSE' without problemType/],
    ['no inputs', (e) => automlProps(e, { inputs: [] }), /^\[Test\/P\] step 'A' has 0 inputs: use 1 or 2/],
    ['two training inputs', (e) => automlProps(e, { inputs: [0, 1].map((i) => ({ location: S3Location.inDataBucket(e.data, `t${i}/`), targetAttributeName: 'y' })) }), /^\[Test\/P\] step 'A' has two inputs of channelType 'training' and 'training': two inputs are one training and one validation channel/],
    ['channels with different targets', (e) => automlProps(e, { inputs: [{ location: S3Location.inDataBucket(e.data, 't/'), targetAttributeName: 'y' }, { location: S3Location.inDataBucket(e.data, 'v/'), targetAttributeName: 'z', channelType: AutoMLChannelType.VALIDATION }] }),
      /^\[Test\/P\] step 'A' has a training and a validation input with different targetAttributeName or contentType \('y'\/undefined and 'z'\/undefined\)/],
    ['validationFraction with a validation input', (e) => automlProps(e, { validationFraction: 0.2 }), /^\[Test\/P\] step 'A' has a validation input and validationFraction 0.2: the validation data is the channel/],
    ['a validationFraction above 1', (e) => automlProps(e, { inputs: [automlProps(e).inputs[0]], validationFraction: 1.5 }), /^\[Test\/P\] invalid validationFraction of step 'A' 1.5: use a number from 0 to 1/],
    ['maxCandidates 0', (e) => automlProps(e, { maxCandidates: 0 }), /^\[Test\/P\] invalid maxCandidates of step 'A' 0: use a whole number of 1 or more/],
    ['a runtime in fractions of seconds', (e) => automlProps(e, { maxJobRuntime: Duration.millis(1500) }), /^\[Test\/P\] invalid maxJobRuntime of step 'A' 1 second 500 millis: use whole seconds/],
    ['network isolation', (e) => automlProps(e, { network: { networkIsolation: true } }), /^\[Test\/P\] step 'A' sets network.networkIsolation: AutoML jobs have no network isolation setting/],
  ];
  test.each(automlErrors)('refuses %s', (_, props, message) => {
    expect(() => pipeline((e) => [new AutoMLStep('A', props(e))])).toThrow(message);
  });

  test('refuses a best-candidate container index outside 0-2', () => {
    expect(() => pipeline((e) => {
      const a = new AutoMLStep('A', automlProps(e));
      return [a, new ModelStep('M', { image: IMAGE, modelData: a.bestCandidateModelData(3) })];
    })).toThrow(/^\[Test\/P\] step 'A' reads the best candidate's inference container 3: use a literal index from 0 to 2/);
  });
});

describe('NotebookJobStep (the SDK\'s NotebookJobStep)', () => {
  test('a notebook asset renders the SDK\'s training job: scheduler entry point, input channel, system environment and tags', () => {
    const { e, p, definition } = pipeline((x) => [new NotebookJobStep('NotebookStep', notebookProps(x, { displayName: 'Display', description: 'Description' }))]);
    const step = stepOf(definition, 'NotebookStep');
    const uri = step.Arguments.InputDataConfig[0].DataSource.S3DataSource.S3Uri;
    const key = /([0-9a-f]{64}\.ipynb)/.exec(JSON.stringify(uri))![1];
    expect(step).toEqual({
      Name: 'NotebookStep',
      Type: 'Training',
      DisplayName: 'Display',
      Description: 'Description',
      Arguments: {
        TrainingJobName: 'NotebookStep',
        RoleArn: e.stack.resolve(p.jobRole.roleArn),
        RetryStrategy: { MaximumRetryAttempts: 1 },
        StoppingCondition: { MaxRuntimeInSeconds: 172800 },
        EnableInterContainerTrafficEncryption: true,
        AlgorithmSpecification: { TrainingImage: '542918446943.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-distribution-prod:1-cpu', TrainingInputMode: 'File', ContainerEntrypoint: ['amazon_sagemaker_scheduler'] },
        InputDataConfig: [{
          ChannelName: 'sagemaker_headless_execution_pipelinestep',
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: uri, S3DataDistributionType: 'FullyReplicated' } },
        }],
        OutputDataConfig: { S3OutputPath: { 'Std:Join': { On: '/', Values: ['s3://ml-data/notebooks', 'MyPipeline', { Get: 'Execution.PipelineExecutionId' }, 'NotebookStep'] } } },
        ResourceConfig: { VolumeSizeInGB: 30, InstanceCount: 1, InstanceType: 'ml.m5.large' },
        Tags: [
          { Key: 'sagemaker:name', Value: 'NotebookStep' },
          { Key: 'sagemaker:notebook-name', Value: key },
          { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' },
          { Key: 'sagemaker:is-studio-archived', Value: 'false' },
        ],
        Environment: {
          AWS_DEFAULT_REGION: 'eu-west-1',
          SM_JOB_DEF_VERSION: '1.0',
          SM_ENV_NAME: 'sagemaker-default-env',
          SM_SKIP_EFS_SIMULATION: 'true',
          SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution_pipelinestep',
          SM_KERNEL_NAME: 'python3',
          SM_INPUT_NOTEBOOK_NAME: key,
          SM_OUTPUT_NOTEBOOK_NAME: 'NotebookStep.ipynb',
        },
      },
    });
  });

  test('a folder in S3 with an init script, parameters, environment, keys, VPC, retries and tags as the SDK renders them', () => {
    const { definition } = pipeline((x) => {
      const vpc = ec2.Vpc.fromVpcAttributes(x.stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['eu-west-1a', 'eu-west-1b'], isolatedSubnetIds: ['subnet-12345678', 'subnet-87654321'] });
      return [new NotebookJobStep('NotebookStep', notebookProps(x, {
        input: NotebookJobInput.fromS3(S3Location.inDataBucket(x.data, 'nb/input'), 'notebook1_happypath.ipynb', { initializationScript: 'my-init.sh' }),
        notebookJobName: 'MyNotebookJob', parameters: { param1: 'value1', param2: 'value2' }, environment: { env_var1: 'value1', env_var2: 'value2' },
        outputKey: kms.Key.fromKeyArn(x.stack, 'S3Key', 'arn:aws:kms:eu-west-1:111122223333:key/abc123'),
        volumeKey: kms.Key.fromKeyArn(x.stack, 'VolKey', 'arn:aws:kms:eu-west-1:111122223333:key/xyz456'),
        volumeSizeInGb: 50, instanceType: InstanceType.ML_M5_LARGE, maxRetryAttempts: 2, maxRuntime: Duration.hours(1),
        network: { vpc, securityGroups: ['sg-12345678', 'sg-87654321'].map((id) => ec2.SecurityGroup.fromSecurityGroupId(x.stack, id, id)) },
        tags: { TagKey: 'TagValue', TagKey2: 'TagValue2' },
      }))];
    });
    const args = stepOf(definition, 'NotebookStep').Arguments;
    expect(args).toEqual(expect.objectContaining({
      TrainingJobName: 'MyNotebookJob',
      RetryStrategy: { MaximumRetryAttempts: 2 },
      StoppingCondition: { MaxRuntimeInSeconds: 3600 },
      InputDataConfig: [{ ChannelName: 'sagemaker_headless_execution_pipelinestep', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://ml-data/nb/input', S3DataDistributionType: 'FullyReplicated' } } }],
      OutputDataConfig: {
        S3OutputPath: { 'Std:Join': { On: '/', Values: ['s3://ml-data/notebooks', 'MyPipeline', { Get: 'Execution.PipelineExecutionId' }, 'NotebookStep'] } },
        KmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/abc123',
      },
      ResourceConfig: { VolumeSizeInGB: 50, InstanceCount: 1, InstanceType: 'ml.m5.large', VolumeKmsKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/xyz456' },
      VpcConfig: { Subnets: ['subnet-12345678', 'subnet-87654321'], SecurityGroupIds: ['sg-12345678', 'sg-87654321'] },
      Tags: [
        { Key: 'TagKey', Value: 'TagValue' }, { Key: 'TagKey2', Value: 'TagValue2' },
        { Key: 'sagemaker:name', Value: 'MyNotebookJob' }, { Key: 'sagemaker:notebook-name', Value: 'notebook1_happypath.ipynb' },
        { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' }, { Key: 'sagemaker:is-studio-archived', Value: 'false' },
      ],
      Environment: {
        env_var1: 'value1', env_var2: 'value2', AWS_DEFAULT_REGION: 'eu-west-1', SM_JOB_DEF_VERSION: '1.0', SM_ENV_NAME: 'sagemaker-default-env', SM_SKIP_EFS_SIMULATION: 'true',
        SM_EXECUTION_INPUT_PATH: '/opt/ml/input/data/sagemaker_headless_execution_pipelinestep', SM_KERNEL_NAME: 'python3',
        SM_INPUT_NOTEBOOK_NAME: 'notebook1_happypath.ipynb', SM_OUTPUT_NOTEBOOK_NAME: 'MyNotebookJob.ipynb', SM_INIT_SCRIPT: 'my-init.sh',
      },
      HyperParameters: { param1: 'value1', param2: 'value2' },
    }));
  });

  test('properties are the SDK\'s, read from DescribeTrainingJob', () => {
    const { definition } = pipeline((x) => {
      const nb = new NotebookJobStep('Nb', notebookProps(x));
      return [nb, new EmrStep('Emr', { clusterId: 'j-1', stepConfig: { jar: 'x.jar', args: [nb.computingJobName, nb.computingJobStatus, nb.notebookJobInputLocation, nb.notebookJobOutputLocationPrefix, nb.inputNotebookName, nb.outputNotebookName] } })];
    });
    expect(stepOf(definition, 'Emr').Arguments.StepConfig.HadoopJarStep.Args).toEqual([
      'TrainingJobName', 'TrainingJobStatus', 'InputDataConfig[0].DataSource.S3DataSource.S3Uri', 'OutputDataConfig.S3OutputPath',
      "Environment['SM_INPUT_NOTEBOOK_NAME']", "Environment['SM_OUTPUT_NOTEBOOK_NAME']",
    ].map((p) => ({ Get: `Steps.Nb.${p}` })));
  });

  test('the job role reads exactly the notebook asset and writes the output; the pipeline runs training jobs', () => {
    const { e } = pipeline((x) => [new NotebookJobStep('Nb', notebookProps(x))]);
    const text = JSON.stringify(pipelineStatements(e));
    expect(text).toMatch(/[0-9a-f]{64}\.ipynb/);
    expect(text).toContain('ml-data/notebooks/*');
    expect(pipelineStatements(e)).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags', 'sagemaker:ListTags'] }),
    ]));
    Template.fromStack(e.stack).resourceCountIs('AWS::SageMaker::Pipeline', 1);
  });

  const notebookErrors: Array<[string, (e: Env) => NotebookJobStepProps, RegExp]> = [
    ['a notebook job name the SDK refuses', (e) => notebookProps(e, { notebookJobName: '1-report' }), /^\[Test\/P\] step 'Nb' has the notebook job name '1-report': use letters, digits, '-' and '_', starting with a letter/],
    ['a missing notebook file', (e) => notebookProps(e, { input: NotebookJobInput.fromAsset(path.join(NOTEBOOK_DIR, 'missing.ipynb')) }), /^\[Test\/P\] the input of step 'Nb' is the notebook '.*missing.ipynb', which is not a file/],
    ['a notebook name with a folder', (e) => notebookProps(e, { input: NotebookJobInput.fromS3(S3Location.inDataBucket(e.data, 'in'), 'sub/nb.ipynb') }), /^\[Test\/P\] the notebookName of the input of step 'Nb' is 'sub\/nb.ipynb': use the name of a file directly in the input folder/],
    ['an environment variable the step sets', (e) => notebookProps(e, { environment: { SM_KERNEL_NAME: 'x' } }), /^\[Test\/P\] environment of step 'Nb' sets SM_KERNEL_NAME, which the step sets for the notebook job image/],
    ['an empty kernel name', (e) => notebookProps(e, { kernelName: '' }), /^\[Test\/P\] step 'Nb' has an empty kernelName/],
    ['network isolation', (e) => notebookProps(e, { network: { networkIsolation: true } }), /^\[Test\/P\] step 'Nb' sets network.networkIsolation: a notebook job runs without it/],
    ['0 retries', (e) => notebookProps(e, { maxRetryAttempts: 0 }), /^\[Test\/P\] invalid maxRetryAttempts of step 'Nb' 0: use a whole number from 1 to 30/],
    ['a runtime over 28 days', (e) => notebookProps(e, { maxRuntime: Duration.days(29) }), /^\[Test\/P\] invalid maxRuntime of step 'Nb' 29 days/],
    ['a volume of 0 GB', (e) => notebookProps(e, { volumeSizeInGb: 0 }), /^\[Test\/P\] invalid volumeSizeInGb of step 'Nb' 0: use a whole number from 1 to 16384/],
  ];
  test.each(notebookErrors)('refuses %s', (_, props, message) => {
    expect(() => pipeline((e) => [new NotebookJobStep('Nb', props(e))])).toThrow(message);
  });

  test('a step name the notebook job name rule refuses asks for notebookJobName', () => {
    expect(() => pipeline((e) => [new NotebookJobStep('1Nb', notebookProps(e))])).toThrow(/^\[Test\/P\] step '1Nb' has the notebook job name '1Nb' \(the step name\): .*, or set notebookJobName/);
  });
});

describe('EMR, AutoML and notebook job steps in one pipeline', () => {
  function all(e: Env): Step[] {
    const automl = new AutoMLStep('AutoML', automlProps(e));
    const nb = new NotebookJobStep('Report', notebookProps(e, { parameters: { candidate: automl.bestCandidateName } }));
    return [
      new EmrStep('Etl', { clusterId: 'j-2AXXXXXXGAPLF', stepConfig: STEP_CONFIG }),
      new EmrStep('EtlOnNewCluster', { clusterConfig: e.clusterConfig(), stepConfig: { jar: 'command-runner.jar', args: ['spark-submit', 's3://ml-data/etl.py'] } }),
      automl, automl.bestCandidateModelStep('BestModel'), nb,
    ];
  }

  test('check-cdk-out reports only the public schema\'s EMR shape, which the SDK does not render (StepConfig.Name, ClusterId required, no ClusterConfig)', () => {
    const { e } = pipeline(all);
    const findings = checkPipelinesWithCdkOut(Template.fromStack(e.stack).toJSON());
    expect(findings.filter((f) => !/\[Etl(OnNewCluster)? \(EMR\)\]/.test(f))).toEqual([]);
    expect(findings).toEqual(EXPECTED_EMR_SCHEMA_FINDINGS);
  });

  test('cdk-nag and CloudFormation validation report nothing; the pipeline role\'s wildcards are acknowledged by the grant rules', () => {
    const stack = testStack();
    pipeline(all, stack);
    expectNoFindings(stack);
    // RunJobFlow has no resource type ('*'); a new cluster's id is known at run time only (cluster/*).
    expect(acknowledgements(stack).filter((a) => a.path === 'Test/P/Role/Policy/Resource').map((a) => a.id)).toEqual(expect.arrayContaining([
      'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:elasticmapreduce:<AWS::Region>:<AWS::AccountId>:cluster/*]',
      'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:sagemaker:<AWS::Region>:<AWS::AccountId>:automl-job/*]',
    ]));
  });
});

/** Where check-cdk-out's corrected public schema and the SDK's EMRStep disagree (the SDK is followed). */
const EXPECTED_EMR_SCHEMA_FINDINGS = [
  "required [Etl (EMR)] Arguments.StepConfig: must have required property 'Name'",
  "required [EtlOnNewCluster (EMR)] Arguments: must have required property 'ClusterId'",
  "additionalProperties [EtlOnNewCluster (EMR)] Arguments: unknown property 'ClusterConfig'",
  "required [EtlOnNewCluster (EMR)] Arguments.StepConfig: must have required property 'Name'",
];

