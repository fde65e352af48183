// The notebook job step: runs a Jupyter notebook as a training job with a notebook job image, as the
// SageMaker Python SDK's NotebookJobStep renders it.
import * as fs from 'fs';
import * as path from 'path';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { ExecutionVariable, PipelineFunctions, stepProperty } from './expressions';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { describeValue, ProblemList } from '../private/errors';
import { grantJobBasics, prune, renderHyperparameters, renderVpcConfig } from '../private/job-render';
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';
import { checkTags, ENVIRONMENT_RULES, integer, seconds, stringMap } from '../private/rules';
import { AssetLocation } from '../training/private/asset-location';
import { JobStepOptions, RenderContext, Step } from './step';
import { allowJobs, jobRoleOf, passRole, StepBody } from './private/step-render';

/** The channel the notebook job image reads its input folder from (the SDK's fixed name). */
const INPUT_CHANNEL = 'sagemaker_headless_execution_pipelinestep';
/** Environment variables the step sets for the notebook job image (a user value would be overwritten). */
const SYSTEM_ENVIRONMENT = ['AWS_DEFAULT_REGION', 'SM_JOB_DEF_VERSION', 'SM_ENV_NAME', 'SM_SKIP_EFS_SIMULATION', 'SM_EXECUTION_INPUT_PATH', 'SM_KERNEL_NAME', 'SM_INPUT_NOTEBOOK_NAME', 'SM_OUTPUT_NOTEBOOK_NAME', 'SM_INIT_SCRIPT'];
/** The SDK's rule for notebook job names. */
const NOTEBOOK_JOB_NAME = /^[a-zA-Z][a-zA-Z0-9_-]*$/;

/** Options of a notebook job input folder in S3. */
export interface NotebookJobS3InputOptions {
  /**
   * A shell script in the folder that the job sources before running the notebook (`SM_INIT_SCRIPT`): its file name.
   * @default - none
   */
  readonly initializationScript?: string;
}

/** What a notebook job runs: the notebook, with any init script and dependencies beside it. */
export class NotebookJobInput {
  /**
   * A notebook file of your app, uploaded as a CDK file asset at deploy. The job's input folder is
   * that one object (named after its hash), so no initialization script or dependency can be
   * beside it: use `fromS3` for those.
   */
  public static fromAsset(notebookPath: string): NotebookJobInput {
    return new NotebookJobInput(notebookPath, undefined, undefined, {});
  }

  /**
   * A folder in S3 that holds the notebook `notebookName` and anything it needs beside it
   * (an initialization script, dependencies), which the job downloads as its input.
   */
  public static fromS3(folder: S3Location, notebookName: string, options: NotebookJobS3InputOptions = {}): NotebookJobInput {
    return new NotebookJobInput(undefined, folder, notebookName, options);
  }

  private readonly assets = new Map<Stack, AssetLocation & { key: string }>();

  private constructor(
    private readonly localPath: string | undefined,
    private readonly folder: S3Location | undefined,
    private readonly notebookName: string | undefined,
    private readonly options: NotebookJobS3InputOptions,
  ) {}

  /** @internal The input folder and the notebook's and init script's names in it. */
  public _bind(ctx: RenderContext, stepName: string): { location: S3Location; notebook: string; initScript?: string } | undefined {
    const problems = ctx.problems;
    const at = `the input of step '${stepName}'`;
    if (this.folder) {
      const known = problems.length;
      problems.addIf(this.folder._uriProblem(at));
      fileName(problems, `the notebookName of ${at}`, this.notebookName!);
      if (this.options.initializationScript !== undefined) fileName(problems, `the initializationScript of ${at}`, this.options.initializationScript);
      if (problems.length > known) return undefined;
      return { location: this.folder, notebook: this.notebookName!, initScript: this.options.initializationScript };
    }
    const file = this.localPath!;
    if (!fs.existsSync(file) || !fs.statSync(file).isFile()) {
      problems.add(`${at} is the notebook ${describeValue(file)}, which is not a file: pass the path of a notebook (.ipynb) your app ships`);
      return undefined;
    }
    const stack = Stack.of(ctx.scope);
    let asset = this.assets.get(stack);
    if (!asset) {
      const id = `NotebookInput${stepName}`;
      const created = new s3_assets.Asset(ctx.scope, id, { path: file });
      asset = Object.assign(new AssetLocation(created), { key: created.s3ObjectKey });
      this.assets.set(stack, asset);
    }
    if (Token.isUnresolved(asset.key)) {
      problems.add(`${at}: the asset's object key is a deploy-time value (${describeValue(asset.key)}), so the notebook's file name is unknown at synth; use a synthesizer with literal asset keys, or NotebookJobInput.fromS3`);
      return undefined;
    }
    return { location: asset, notebook: asset.key.split('/').pop()! };
  }
}

function fileName(problems: ProblemList, prop: string, name: string): void {
  if (Token.isUnresolved(name)) return;
  if (name.length < 1 || name.includes('/')) problems.add(`${prop} is ${describeValue(name)}: use the name of a file directly in the input folder (no '/')`);
}

/** Properties of a NotebookJobStep. */
export interface NotebookJobStepProps extends JobStepOptions {
  /** The notebook to run. */
  readonly input: NotebookJobInput;
  /**
   * The notebook job image: a SageMaker Distribution image or your own with the notebook job
   * requirements (the `amazon_sagemaker_scheduler` entry point).
   */
  readonly image: ContainerImage;
  /** The kernel that runs the notebook, registered in the image (e.g. `python3`). */
  readonly kernelName: string;
  /**
   * The root folder of the job's output: the job writes under
   * `<outputLocation>/<pipeline name>/<execution id>/<step name>/` (the SDK's s3_root_uri).
   */
  readonly outputLocation: S3Location;
  /**
   * The notebook job's name (letters, digits, '-' and '_', starting with a letter): the training
   * job's name prefix, the output notebook's name and the `sagemaker:name` tag that Studio shows.
   * @default - the step name
   */
  readonly notebookJobName?: string;
  /**
   * Parameters of the notebook (papermill parameters, rendered as the job's hyperparameters).
   * @default - none
   */
  readonly parameters?: { [name: string]: string };
  /**
   * Environment variables of the job's container.
   * @default - only those the step sets for the image
   */
  readonly environment?: { [name: string]: string };
  /**
   * Encrypt the output with this key (the SDK's s3_kms_key).
   * @default - the bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * The instance type.
   * @default InstanceType.ML_M5_LARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * The ML storage volume, in GB (1-16384).
   * @default 30
   */
  readonly volumeSizeInGb?: number;
  /**
   * Encrypt the ML storage volume with this key.
   * @default - an AWS managed key
   */
  readonly volumeKey?: kms.IKey;
  /**
   * Run the job in a VPC; inter-container traffic is encrypted unless `interContainerEncryption` is false.
   * @default - SageMaker's network
   */
  readonly network?: JobNetworkOptions;
  /**
   * Retries of the job after an internal error (1-30).
   * @default 1
   */
  readonly maxRetryAttempts?: number;
  /**
   * The longest the notebook may run, per attempt (whole seconds, at most 28 days).
   * @default Duration.days(2)
   */
  readonly maxRuntime?: Duration;
  /**
   * Tags of the job, besides the `sagemaker:*` tags the step adds for Studio. To show the job in
   * Studio, tag it with your domain (`sagemaker:domain-arn`) and user profile or space.
   * @default - only the step's tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * Runs a Jupyter notebook as a SageMaker training job with a notebook job image (the SDK's
 * NotebookJobStep, a step of type Training). The job role reads the input and writes the output;
 * the pipeline may pass the role and run training jobs.
 */
export class NotebookJobStep extends Step {
  public readonly type = 'Training';
  constructor(name: string, private readonly props: NotebookJobStepProps) {
    super(name, props);
  }

  /** The name of the training job that ran the notebook. */
  public get computingJobName(): string {
    return stepProperty(this, 'TrainingJobName').asString;
  }

  /** The status of the training job that ran the notebook. */
  public get computingJobStatus(): string {
    return stepProperty(this, 'TrainingJobStatus').asString;
  }

  /** The S3 URI of the job's input folder. */
  public get notebookJobInputLocation(): string {
    return stepProperty(this, 'InputDataConfig[0].DataSource.S3DataSource.S3Uri').asString;
  }

  /** The S3 prefix the job's output (with the executed notebook) is written under. */
  public get notebookJobOutputLocationPrefix(): string {
    return stepProperty(this, 'OutputDataConfig.S3OutputPath', this.props.outputLocation).asString;
  }

  /** The input notebook's file name. */
  public get inputNotebookName(): string {
    return stepProperty(this, "Environment['SM_INPUT_NOTEBOOK_NAME']").asString;
  }

  /** The executed notebook's file name. */
  public get outputNotebookName(): string {
    return stepProperty(this, "Environment['SM_OUTPUT_NOTEBOOK_NAME']").asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    const problems = ctx.problems;
    const at = `step '${this.name}'`;
    const known = problems.length;
    const jobName = p.notebookJobName ?? this.name;
    if (!Token.isUnresolved(jobName) && !NOTEBOOK_JOB_NAME.test(jobName)) {
      problems.add(`${at} has the notebook job name ${describeValue(jobName)}${p.notebookJobName === undefined ? ' (the step name)' : ''}: use letters, digits, '-' and '_', starting with a letter${p.notebookJobName === undefined ? ', or set notebookJobName' : ''}`);
    }
    if (Token.isUnresolved(jobName)) problems.add(`${at} has a deploy-time notebookJobName (${describeValue(jobName)}): it names the training job and the output notebook, so it needs a literal value`);
    // The SDK's _get_job_name_prefix: the training job name prefix and the output notebook's name.
    const prefix = jobName.replace(/^[^a-zA-Z0-9]+/, '').replace(/[^a-zA-Z0-9-]/g, '-');
    if (prefix.length > 63) problems.add(`${at} has the notebook job name ${describeValue(jobName)}, ${prefix.length} characters: the training job name it prefixes takes at most 63`);
    if (Token.isUnresolved(p.kernelName) ? false : p.kernelName.length < 1) problems.add(`${at} has an empty kernelName: name a kernel registered in the image (e.g. 'python3')`);
    if (p.network?.networkIsolation) problems.add(`${at} sets network.networkIsolation: a notebook job runs without it (the SDK renders no EnableNetworkIsolation); remove it`);
    const input = p.input._bind(ctx, this.name);
    const userEnvironment = stringMap(problems, `environment of ${at}`, p.environment, ENVIRONMENT_RULES.training) ?? {};
    const clash = Object.keys(userEnvironment).filter((k) => SYSTEM_ENVIRONMENT.includes(k));
    if (clash.length) problems.add(`environment of ${at} sets ${clash.join(', ')}, which the step sets for the notebook job image: rename ${clash.length === 1 ? 'it' : 'them'}`);
    const hyperparameters = renderHyperparameters(problems, p.parameters, `parameters of ${at}`);
    checkTags(problems, `tags of ${at}`, p.tags);
    const instanceType = p.instanceType ?? InstanceType.ML_M5_LARGE;
    problems.addIf(instanceType._problem(`instance type of ${at}`, InstanceUse.TRAINING));
    const volume = integer(problems, `volumeSizeInGb of ${at}`, p.volumeSizeInGb ?? 30, 1, 16384);
    const retries = integer(problems, `maxRetryAttempts of ${at}`, p.maxRetryAttempts ?? 1, 1, 30);
    const runtime = seconds(problems, `maxRuntime of ${at}`, p.maxRuntime ?? Duration.days(2), 1, 28 * 24 * 3600);
    problems.addIf(p.outputLocation._uriProblem(`outputLocation of ${at}`));
    const vpc = renderVpcConfig(p.network, problems);
    if (problems.length > known || !input) return { Arguments: {} };

    const { role, grantee } = jobRoleOf(this._options, ctx);
    input.location.grantRead(grantee);
    p.outputLocation.grantWrite(grantee);
    grantKeyReadWrite(p.outputKey, grantee);
    grantVolumeKey(p.volumeKey, grantee);
    grantJobBasics(ctx.scope, grantee, '/aws/sagemaker/TrainingJobs', p.network?.vpc);
    passRole(ctx, role);
    allowJobs(ctx, 'training-job', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    const image = p.image.bind(ctx.scope, grantee);

    const root = p.outputLocation.uri;
    const pipelineName = (ctx.scope as { pipelineName?: unknown }).pipelineName;
    const output = PipelineFunctions.join([
      Token.isUnresolved(root) ? root : root.replace(/\/+$/, ''),
      typeof pipelineName === 'string' ? pipelineName : ExecutionVariable.PIPELINE_NAME,
      ExecutionVariable.PIPELINE_EXECUTION_ID,
      this.name,
    ], '/');
    const notebookFile = path.basename(input.notebook);
    return {
      Arguments: prune({
        TrainingJobName: prefix,
        RoleArn: role.roleArn,
        RetryStrategy: { MaximumRetryAttempts: retries },
        StoppingCondition: { MaxRuntimeInSeconds: runtime },
        EnableInterContainerTrafficEncryption: p.network?.interContainerEncryption ?? true,
        AlgorithmSpecification: { TrainingImage: image.imageUri, TrainingInputMode: 'File', ContainerEntrypoint: ['amazon_sagemaker_scheduler'] },
        InputDataConfig: [{
          ChannelName: INPUT_CHANNEL,
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: input.location.uri, S3DataDistributionType: 'FullyReplicated' } },
        }],
        OutputDataConfig: { S3OutputPath: output, KmsKeyId: p.outputKey?.keyArn },
        ResourceConfig: { VolumeSizeInGB: volume, InstanceCount: 1, InstanceType: instanceType.name, VolumeKmsKeyId: p.volumeKey?.keyArn },
        VpcConfig: vpc,
        Tags: [
          ...Object.entries(p.tags ?? {}).map(([Key, Value]) => ({ Key, Value })),
          { Key: 'sagemaker:name', Value: jobName },
          { Key: 'sagemaker:notebook-name', Value: notebookFile },
          { Key: 'sagemaker:notebook-job-origin', Value: 'PIPELINE_STEP' },
          { Key: 'sagemaker:is-studio-archived', Value: 'false' },
        ],
        Environment: {
          ...userEnvironment,
          AWS_DEFAULT_REGION: Stack.of(ctx.scope).region,
          SM_JOB_DEF_VERSION: '1.0',
          SM_ENV_NAME: 'sagemaker-default-env',
          SM_SKIP_EFS_SIMULATION: 'true',
          SM_EXECUTION_INPUT_PATH: `/opt/ml/input/data/${INPUT_CHANNEL}`,
          SM_KERNEL_NAME: p.kernelName,
          SM_INPUT_NOTEBOOK_NAME: notebookFile,
          SM_OUTPUT_NOTEBOOK_NAME: `${prefix}.ipynb`,
          SM_INIT_SCRIPT: input.initScript,
        },
        HyperParameters: hyperparameters && Object.keys(hyperparameters).length ? hyperparameters : undefined,
      }),
    };
  }
}
