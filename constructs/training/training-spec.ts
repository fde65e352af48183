import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { DebuggerOptions } from './debugger';
import { checkAlgorithmResources } from './private/algorithm-rules';
import { renderChannels } from './private/render-channels';
import { renderDebugger } from './private/render-debugger';
import { renderResources } from './private/render-resources';
import { renderScriptMode } from './private/render-script-mode';
import { Distribution, TrainingCode } from './training-code';
import { Compression, TrainingChannel, TrainingInputMode } from './training-channel';
import { CheckpointOptions, SpotTraining, TrainingResources } from './training-resources';
import { ContainerImage } from '../core/container-image';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { describeValue, ProblemList } from '../private/errors';
import { grantJobBasics, prune, renderHyperparameters, renderTags, renderVpcConfig } from '../private/job-render';
import { checkArn, checkName, checkNow, checkTags, ENVIRONMENT_RULES, integer, isLiteral, seconds, stringMap } from '../private/rules';
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';
import type { CreateTrainingJobRequest } from '@aws-sdk/client-sagemaker';

/** A metric the algorithm prints, read from its logs by a regular expression. */
export interface MetricDefinition {
  /** The metric's name (1-255 characters). */
  readonly name: string;
  /** A regular expression whose first group is the value. */
  readonly regex: string;
}

/** Properties of a TrainingSpec. */
export interface TrainingSpecProps {
  /**
   * The training image. Exactly one of `image` and `algorithmName`.
   * @default - none
   */
  readonly image?: ContainerImage;
  /**
   * A SageMaker algorithm resource (name or ARN), e.g. from AWS Marketplace. Exactly one of `image` and `algorithmName`.
   * @default - none
   */
  readonly algorithmName?: string;
  /**
   * Hyperparameters: strings, numbers or booleans, rendered as strings (at most 100).
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: strings, numbers and booleans share one map
  readonly hyperparameters?: { [name: string]: any };
  /**
   * The input channels (at most 20, names unique).
   * @default - none
   */
  readonly inputs?: TrainingChannel[];
  /** Where the model artifact (`<job>/output/model.tar.gz`) goes. */
  readonly outputLocation: S3Location;
  /**
   * KMS key encrypting the model artifact.
   * @default - the output bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Compression of the model artifact.
   * @default Compression.GZIP
   */
  readonly outputCompression?: Compression;
  /** Compute: instance type and count, volume, warm pool, heterogeneous groups. */
  readonly resources: TrainingResources;
  /**
   * Stop the job after this long (1 second to 28 days).
   * @default Duration.hours(1)
   */
  readonly maxRuntime?: Duration;
  /**
   * Default input mode of the channels.
   * @default TrainingInputMode.FILE
   */
  readonly inputMode?: TrainingInputMode;
  /**
   * Use managed spot instances (up to 90% cheaper, may be interrupted). Needs `checkpoint`
   * unless `allowSpotWithoutCheckpoint` is set.
   * @default - on-demand instances
   */
  readonly spot?: SpotTraining;
  /**
   * Accept that an interrupted spot job restarts from scratch.
   * @default false
   */
  readonly allowSpotWithoutCheckpoint?: boolean;
  /**
   * Checkpoints synced to S3.
   * @default - no checkpoints
   */
  readonly checkpoint?: CheckpointOptions;
  /**
   * VPC, network isolation and inter-container encryption.
   * @default - SageMaker's network, no isolation
   */
  readonly network?: JobNetworkOptions;
  /**
   * Environment variables of the container (at most 100).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * Metrics read from the logs (at most 40; not for built-in algorithms, which publish their own).
   * @default - none
   */
  readonly metricDefinitions?: MetricDefinition[];
  /**
   * Retry the job this many times (1-30) after an internal SageMaker error.
   * @default - no retries
   */
  readonly retryAttempts?: number;
  /**
   * Debugger rules and profiler.
   * @default - SageMaker's defaults (profiler on, no rules)
   */
  readonly debugger?: DebuggerOptions;
  /**
   * Tags of the job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
  /**
   * Your training script, for the script mode of a framework image (PyTorch, TensorFlow,
   * scikit-learn, XGBoost, Hugging Face): the spec sets the hyperparameters those containers read
   * and JSON-encodes yours, as the SageMaker Python SDK's estimators do.
   * @default - the image's own program
   */
  readonly code?: TrainingCode;
  /**
   * How the instances train together: torchrun, SageMaker distributed data parallel, MPI, parameter
   * servers, MultiWorkerMirroredStrategy (needs `code`).
   * @default - no launcher: the script runs once per instance
   */
  readonly distribution?: Distribution;
}

/** What a rendered spec needs from its user. */
export interface RenderOptions {
  /** The role the job runs as. */
  readonly role: iam.IRole;
  /**
   * The job's name. Omitted for pipeline steps (the pipeline names each execution's job).
   * @default - no name in the request
   */
  readonly jobName?: string;
}

const MAX_RUNTIME = 28 * 24 * 3600;
/** CreateTrainingJob and CreateHyperParameterTuningJob take at most 40 metric definitions. */
const MAX_METRIC_DEFINITIONS = 40;

/**
 * One training job, described once and rendered to the exact `CreateTrainingJob` request. The same
 * spec runs at deploy time (`TrainingJob`), as a pipeline `TrainingStep`, or inside a tuning job, and
 * derives the IAM its role needs (`grantTo`).
 */
export class TrainingSpec {
  constructor(public readonly props: TrainingSpecProps) {}

  /** The resolved maximum runtime, in seconds. */
  public get maxRuntimeSeconds(): number {
    return this.props.maxRuntime && !this.props.maxRuntime.isUnresolved() ? this.props.maxRuntime.toSeconds({ integral: false }) : 3600;
  }

  /** The longest the job can take, waiting for spot capacity included, in seconds. */
  public get maxWaitSeconds(): number {
    if (!this.props.spot) return this.maxRuntimeSeconds;
    return this.props.spot.maxWaitTime?.toSeconds({ integral: false }) ?? Math.min(2 * this.maxRuntimeSeconds, MAX_RUNTIME);
  }

  /**
   * Validates the spec and renders the `CreateTrainingJob` request. Every problem is reported at
   * once, as a construct error of `scope`.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's CreateTrainingJobRequest is not a jsii type (tsc checks it below)
  public render(scope: IConstruct, options: RenderOptions): any {
    return checkNow(scope, 'the training spec', (problems) => this._render(scope, options, problems));
  }

  /**
   * @internal Adds the spec's problems to `problems` and renders the request when it has none
   * (pipeline steps collect every step's problems in one list).
   */
  public _render(scope: IConstruct, options: RenderOptions, problems: ProblemList): CreateTrainingJobRequest | undefined {
    const p = this.props;
    const known = problems.length;
    if ((p.image === undefined) === (p.algorithmName === undefined)) {
      problems.add(`a training spec needs exactly one of image and algorithmName, got ${p.image ? 'both' : 'neither'}`);
    }
    if (p.algorithmName !== undefined) {
      if (p.algorithmName.startsWith('arn:')) checkArn(problems, 'algorithmName', p.algorithmName, 'algorithm');
      else checkName(problems, 'algorithmName', p.algorithmName);
    }
    if (p.spot && p.resources.keepAlive !== undefined) problems.add('resources.keepAlive with spot: SageMaker warm pools are not available for managed spot training; drop one of them');
    if (p.debugger?.outputLocation) problems.addIf(p.debugger!.outputLocation!._uriProblem('debugger.outputLocation'));
    const facts = p.image?._facts();
    const scriptMode = renderScriptMode(scope, problems, { code: p.code, distribution: p.distribution, hyperparameters: p.hyperparameters, resources: p.resources, facts, hasImage: p.image !== undefined });
    const hyperparameters = renderHyperparameters(problems, scriptMode ? scriptMode.hyperparameters : p.hyperparameters);
    if (facts?.scope !== undefined && facts.scope !== 'training') {
      problems.add(`image is the ${facts.description} image: a training job needs a training image; use ContainerImage.framework(..., { scope: ImageScope.TRAINING }) or a built-in algorithm`);
    }
    if (facts?.builtInAlgorithm) checkAlgorithmResources(problems, facts.builtInAlgorithm, p.resources, hyperparameters);
    // A built-in algorithm publishes its own metrics; script mode (sagemaker_program, e.g. XGBoost
    // as a framework) runs the user's code, whose metrics the definitions describe.
    if (facts?.builtInAlgorithm && p.metricDefinitions?.length && hyperparameters?.sagemaker_program === undefined) {
      problems.add(`metricDefinitions were given for the built-in algorithm ${facts.builtInAlgorithm}: SageMaker refuses to override the metrics of its algorithms (they publish their own, e.g. validation:auc); remove metricDefinitions, or run your own script (hyperparameter sagemaker_program)`);
    }
    const inputs = renderChannels(scope, problems, p.inputs ?? [], p.resources);
    const resourceConfig = renderResources(scope, problems, p.resources);
    const maxRuntime = seconds(problems, 'maxRuntime', p.maxRuntime ?? Duration.hours(1), 1, MAX_RUNTIME);
    let maxWait: number | undefined;
    if (p.spot) {
      maxWait = p.spot.maxWaitTime ? seconds(problems, 'spot.maxWaitTime', p.spot.maxWaitTime, 1, MAX_RUNTIME) : this.maxWaitSeconds;
      if (isLiteral(maxWait) && isLiteral(maxRuntime) && maxWait < maxRuntime) {
        problems.add(`spot.maxWaitTime ${describeValue(maxWait)} s is shorter than maxRuntime ${describeValue(maxRuntime)} s: the wait includes the runtime, so use at least ${maxRuntime} s`);
      }
      if (!p.checkpoint && !p.allowSpotWithoutCheckpoint) {
        problems.add('spot training without checkpoint: an interrupted spot job would restart from scratch; set checkpoint (or allowSpotWithoutCheckpoint: true)');
      }
    }
    const vpcConfig = renderVpcConfig(p.network, problems);
    stringMap(problems, 'environment', p.environment, ENVIRONMENT_RULES.training);
    checkTags(problems, 'tags', p.tags);
    const retries = integer(problems, 'retryAttempts', p.retryAttempts, 1, 30);
    if (p.network?.networkIsolation && (p.environment?.SAGEMAKER_REQUIREMENTS || hyperparameters?.sagemaker_requirements)) {
      problems.add('networkIsolation with a requirements file: installing Python packages at start-up needs the network; bake them into the image or turn isolation off');
    }
    if ((p.metricDefinitions?.length ?? 0) > MAX_METRIC_DEFINITIONS) {
      problems.add(`metricDefinitions has ${p.metricDefinitions!.length} entries: at most ${MAX_METRIC_DEFINITIONS} (the API's MetricDefinitions limit)`);
    }
    for (const m of p.metricDefinitions ?? []) {
      if (m.name.length < 1 || m.name.length > 255) problems.add(`metric name ${describeValue(m.name)} must be 1-255 characters`);
      if (m.regex.length < 1 || m.regex.length > 500) {problems.add(`metric regex of ${describeValue(m.name)} must be 1-500 characters`);} else {
        try { new RegExp(m.regex); } catch { problems.add(`metric regex ${describeValue(m.regex)} of ${describeValue(m.name)} is not a valid regular expression`); }
      }
    }
    const debuggerConfig = renderDebugger(scope, problems, p.debugger, p.outputLocation);
    problems.addIf(p.outputLocation._uriProblem('outputLocation'));
    problems.addIf(p.checkpoint?.location._uriProblem('checkpoint.location'));
    if (problems.length > known) return undefined;

    // SMP v2 with a PyTorch framework image trains in the SMP image, as the SDK picks it
    const image = (scriptMode?.image ?? p.image)?.bind(scope as never, options.role);
    const request: CreateTrainingJobRequest = {
      TrainingJobName: options.jobName,
      RoleArn: options.role.roleArn,
      AlgorithmSpecification: {
        TrainingImage: image?.imageUri,
        AlgorithmName: p.algorithmName,
        TrainingInputMode: p.inputMode ?? TrainingInputMode.FILE,
        MetricDefinitions: p.metricDefinitions?.map((m) => ({ Name: m.name, Regex: m.regex })),
      },
      HyperParameters: hyperparameters,
      InputDataConfig: inputs.length ? inputs : undefined,
      OutputDataConfig: {
        S3OutputPath: p.outputLocation.uri,
        KmsKeyId: p.outputKey?.keyArn,
        CompressionType: p.outputCompression === Compression.NONE ? 'NONE' : undefined,
      },
      ResourceConfig: resourceConfig,
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime, MaxWaitTimeInSeconds: maxWait },
      EnableManagedSpotTraining: p.spot ? true : undefined,
      CheckpointConfig: p.checkpoint ? { S3Uri: p.checkpoint.location.uri, LocalPath: p.checkpoint.localPath } : undefined,
      VpcConfig: vpcConfig,
      EnableNetworkIsolation: p.network?.networkIsolation,
      EnableInterContainerTrafficEncryption: p.network?.interContainerEncryption,
      Environment: p.environment,
      RetryStrategy: retries !== undefined ? { MaximumRetryAttempts: retries } : undefined,
      ...debuggerConfig,
      Tags: renderTags(p.tags),
    };
    return prune(request);
  }

  /**
   * Grants `grantee` (the job's role) what the job needs: read the channels, write the output,
   * checkpoints and Debugger data, use the KMS keys, write logs and metrics, manage ENIs in the VPC.
   * Image pull permissions are granted when the spec is rendered.
   */
  public grantTo(scope: IConstruct, grantee: iam.IGrantable): void {
    const p = this.props;
    for (const channel of p.inputs ?? []) channel.location.grantRead(grantee);
    p.outputLocation.grantWrite(grantee);
    if (p.checkpoint) {
      p.checkpoint.location.grantRead(grantee);
      p.checkpoint.location.grantWrite(grantee);
    }
    if (p.debugger) {
      // Rule evaluations run as processing jobs with this role: they read what the hook wrote.
      const location = p.debugger.outputLocation ?? p.outputLocation;
      location.grantWrite(grantee);
      location.grantRead(grantee);
      if ((p.debugger.rules?.length ?? 0) > 0 || (!p.debugger.disableProfiler && (p.debugger.profilerReport ?? true))) {
        grantJobBasics(scope, grantee, '/aws/sagemaker/ProcessingJobs');
      }
    }
    if (p.code) {
      // An invalid code is reported when the spec renders.
      let location: S3Location | undefined;
      try {
        location = p.code.bind(scope as never).location;
      } catch {
        location = undefined;
      }
      location?.grantRead(grantee);
    }
    grantKeyReadWrite(p.outputKey, grantee);
    grantVolumeKey(p.resources.volumeKey, grantee);
    grantJobBasics(scope, grantee, '/aws/sagemaker/TrainingJobs', p.network?.vpc);
  }
}
