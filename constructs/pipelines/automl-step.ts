// The AutoML step: an Autopilot job (CreateAutoMLJob) in ENSEMBLING mode, as the SageMaker Python
// SDK's AutoMLStep renders `AutoML.fit()`.
import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ParameterType, stepProperty } from './expressions';
import { ContainerImage } from '../core/container-image';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { describeValue } from '../private/errors';
import { grantJobBasics, prune, renderTags, renderVpcConfig } from '../private/job-render';
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';
import { checkTags, integer, numberIn, seconds } from '../private/rules';
import { ModelStep } from './model-steps';
import { JobStepOptions, RenderContext, Step, StepOptions } from './step';
import { basePolicies, renderCache, renderRetries } from './private/step-policies';
import { allowJobs, jobRoleOf, passRole, StepBody } from './private/step-render';

/** The kind of supervised learning an AutoML job does (`ProblemType`). */
export enum AutoMLProblemType {
  /** Two classes. */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** More than two classes. */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
  /** A number. */
  REGRESSION = 'Regression',
}

/** The objective metric of an AutoML job (`AutoMLJobObjective.MetricName`, tabular problems). */
export enum AutoMLMetric {
  /** Classification accuracy. */
  ACCURACY = 'Accuracy',
  /** Mean squared error (regression). */
  MSE = 'MSE',
  /** F1 score (binary classification). */
  F1 = 'F1',
  /** Macro-averaged F1 (multiclass classification). */
  F1_MACRO = 'F1macro',
  /** Area under the ROC curve (binary classification). */
  AUC = 'AUC',
  /** Root mean squared error (regression). */
  RMSE = 'RMSE',
  /** Mean absolute error (regression). */
  MAE = 'MAE',
  /** Coefficient of determination (regression). */
  R2 = 'R2',
  /** Balanced accuracy (classification). */
  BALANCED_ACCURACY = 'BalancedAccuracy',
  /** Precision (binary classification). */
  PRECISION = 'Precision',
  /** Macro-averaged precision (multiclass classification). */
  PRECISION_MACRO = 'PrecisionMacro',
  /** Recall (binary classification). */
  RECALL = 'Recall',
  /** Macro-averaged recall (multiclass classification). */
  RECALL_MACRO = 'RecallMacro',
  /** Log loss (classification). */
  LOG_LOSS = 'LogLoss',
}

/** What an AutoML input channel is for (`ChannelType`). */
export enum AutoMLChannelType {
  /** Training data. */
  TRAINING = 'training',
  /** Validation data (then the job does not split the training data). */
  VALIDATION = 'validation',
}

/** The format of AutoML input data (`ContentType`). */
export enum AutoMLContentType {
  /** CSV with a header row. */
  CSV = 'text/csv;header=present',
  /** Apache Parquet. */
  PARQUET = 'x-application/vnd.amazon+parquet',
}

/** How AutoML input data is compressed (`CompressionType`). */
export enum AutoMLCompression {
  /** Not compressed. */
  NONE = 'None',
  /** Gzip. */
  GZIP = 'Gzip',
}

/** What the input location names (`S3DataType`). */
export enum AutoMLS3DataType {
  /** Every object under the key prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects. */
  MANIFEST_FILE = 'ManifestFile',
}

/** An input channel of an AutoML job (the SDK's AutoMLInput). */
export interface AutoMLInput {
  /** The data (a key prefix, or a manifest with s3DataType MANIFEST_FILE). */
  readonly location: S3Location;
  /** The column to predict. */
  readonly targetAttributeName: string;
  /**
   * Training or validation data.
   * @default - training (no ChannelType)
   */
  readonly channelType?: AutoMLChannelType;
  /**
   * The data format.
   * @default - CSV (no ContentType)
   */
  readonly contentType?: AutoMLContentType;
  /**
   * The compression.
   * @default - none (no CompressionType)
   */
  readonly compression?: AutoMLCompression;
  /**
   * What `location` names.
   * @default AutoMLS3DataType.S3_PREFIX
   */
  readonly s3DataType?: AutoMLS3DataType;
  /**
   * The column of sample weights.
   * @default - unweighted
   */
  readonly sampleWeightAttributeName?: string;
}

/** Properties of an AutoMLStep. */
export interface AutoMLStepProps extends JobStepOptions {
  /** One or two input channels (training, and optionally validation). */
  readonly inputs: AutoMLInput[];
  /** Where the job writes its candidates, models and reports. */
  readonly outputLocation: S3Location;
  /**
   * Encrypt the output with this key (`OutputDataConfig.KmsKeyId`).
   * @default - the bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * The kind of problem: set with objective, or leave both unset for Autopilot to infer them.
   * @default - inferred
   */
  readonly problemType?: AutoMLProblemType;
  /**
   * The metric to optimize: set with problemType.
   * @default - the problem type's default metric
   */
  readonly objective?: AutoMLMetric;
  /**
   * At most this many candidates (`CompletionCriteria.MaxCandidates`).
   * @default - the service's default
   */
  readonly maxCandidates?: number;
  /**
   * A limit per training job (`MaxRuntimePerTrainingJobInSeconds`, whole seconds).
   * @default - the service's default
   */
  readonly maxRuntimePerTrainingJob?: Duration;
  /**
   * A limit for the whole job (`MaxAutoMLJobRuntimeInSeconds`, whole seconds).
   * @default - the service's default
   */
  readonly maxJobRuntime?: Duration;
  /**
   * A JSON file selecting the features and their types (`FeatureSpecificationS3Uri`).
   * @default - every column
   */
  readonly featureSpecification?: S3Location;
  /**
   * The share of the training data held out for validation (0 to 1), when no validation channel is given.
   * @default - the service's default (0.2)
   */
  readonly validationFraction?: number;
  /**
   * Encrypt the jobs' ML storage volumes with this key (`SecurityConfig.VolumeKmsKeyId`).
   * @default - AWS managed keys
   */
  readonly volumeKey?: kms.IKey;
  /**
   * Run the jobs in a VPC, and encrypt traffic between containers.
   * @default - SageMaker's network, no inter-container encryption (the SDK's default)
   */
  readonly network?: JobNetworkOptions;
  /**
   * Tags of the AutoML job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Options of the model step of an AutoML job's best candidate. */
export interface AutoMLBestModelOptions extends StepOptions {
  /**
   * The model's execution role.
   * @default - the pipeline's job role
   */
  readonly role?: iam.IRole;
}

/** The environment variables of the best candidate's container that the SDK's get_best_auto_ml_model copies. */
const BEST_MODEL_ENVIRONMENT = ['MODEL_NAME', 'SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT', 'SAGEMAKER_SUBMIT_DIRECTORY', 'SAGEMAKER_INFERENCE_SUPPORTED', 'SAGEMAKER_INFERENCE_OUTPUT', 'SAGEMAKER_PROGRAM'];

/**
 * Runs an Autopilot (AutoML) job in ENSEMBLING mode, the only mode a pipeline runs (the SDK's
 * AutoMLStep refuses others). Its properties read DescribeAutoMLJob: the best candidate's
 * containers feed a ModelStep. The pipeline may pass the job role and run AutoML jobs; the job
 * role reads the inputs and writes the output.
 */
export class AutoMLStep extends Step {
  public readonly type = 'AutoML';
  constructor(name: string, private readonly props: AutoMLStepProps) {
    super(name, basePolicies(props));
  }

  /** The AutoML job's name. */
  public get autoMLJobName(): string {
    return stepProperty(this, 'AutoMLJobName').asString;
  }

  /** The AutoML job's ARN. */
  public get autoMLJobArn(): string {
    return stepProperty(this, 'AutoMLJobArn').asString;
  }

  /** The best candidate's name. */
  public get bestCandidateName(): string {
    return stepProperty(this, 'BestCandidate.CandidateName').asString;
  }

  /** The best candidate's objective metric value (a Float). */
  public get bestObjectiveMetricValue(): string {
    return stepProperty(this, 'BestCandidate.FinalAutoMLJobObjectiveMetric.Value', undefined, ParameterType.FLOAT).asString;
  }

  /** The image of the best candidate's inference container `index` (0 = the first of the inference pipeline). */
  public bestCandidateImage(index: number = 0): string {
    return stepProperty(this, `BestCandidate.InferenceContainers[${this.containerIndex(index)}].Image`).asString;
  }

  /** The model artifact of the best candidate's inference container `index`. */
  public bestCandidateModelData(index: number = 0): string {
    return stepProperty(this, `BestCandidate.InferenceContainers[${this.containerIndex(index)}].ModelDataUrl`, this.props.outputLocation).asString;
  }

  /**
   * An environment variable of the best candidate's inference container `index` (the SDK's
   * get_best_auto_ml_model copies MODEL_NAME, SAGEMAKER_PROGRAM, SAGEMAKER_SUBMIT_DIRECTORY,
   * SAGEMAKER_INFERENCE_SUPPORTED, SAGEMAKER_INFERENCE_OUTPUT and SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT).
   */
  public bestCandidateEnvironment(name: string, index: number = 0): string {
    return stepProperty(this, `BestCandidate.InferenceContainers[${this.containerIndex(index)}].Environment['${name}']`).asString;
  }

  /** The S3 URI of the best candidate's model insights report (JSON). */
  public get modelInsightsJsonReportPath(): string {
    return stepProperty(this, 'BestCandidateProperties.ModelInsightsJsonReportPath', this.props.outputLocation).asString;
  }

  /** The S3 URI of the best candidate's explainability report (JSON). */
  public get explainabilityJsonReportPath(): string {
    return stepProperty(this, 'BestCandidateProperties.ExplainabilityJsonReportPath', this.props.outputLocation).asString;
  }

  /**
   * A model step for the best candidate, as the SDK's `get_best_auto_ml_model`: the image and
   * model artifact of its first inference container (the one container of an ENSEMBLING job), with
   * its MODEL_NAME, SAGEMAKER_DEFAULT_INVOCATIONS_ACCEPT, SAGEMAKER_SUBMIT_DIRECTORY,
   * SAGEMAKER_INFERENCE_SUPPORTED, SAGEMAKER_INFERENCE_OUTPUT and SAGEMAKER_PROGRAM. Add the
   * returned step to the pipeline.
   */
  public bestCandidateModelStep(name: string, options: AutoMLBestModelOptions = {}): ModelStep {
    const environment: { [name: string]: string } = {};
    for (const key of BEST_MODEL_ENVIRONMENT) environment[key] = this.bestCandidateEnvironment(key);
    return new ModelStep(name, { ...options, image: ContainerImage.fromImageUri(this.bestCandidateImage()), modelData: this.bestCandidateModelData(), environment });
  }

  /** @internal container indexes used, checked when the pipeline renders */
  public readonly _indexes = new Set<number>();

  private containerIndex(index: number): number {
    this._indexes.add(index);
    return index;
  }

  /** @internal */
  public _render(ctx: RenderContext): StepBody {
    const body: StepBody = prune({ ...super._render(ctx), CacheConfig: renderCache(ctx, this.name, this.props.cache), RetryPolicies: renderRetries(ctx, this.name, this.props.retryPolicies) });
    // The SDK always sends CompletionCriteria, empty when no limit is set (prune drops empty objects).
    const config = (body.Arguments as { AutoMLJobConfig?: Record<string, unknown> } | undefined)?.AutoMLJobConfig;
    if (config && !config.CompletionCriteria) config.CompletionCriteria = {};
    return body;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    const problems = ctx.problems;
    const at = `step '${this.name}'`;
    for (const i of this._indexes) {
      if (Token.isUnresolved(i) || !Number.isInteger(i) || i < 0 || i > 2) problems.add(`${at} reads the best candidate's inference container ${describeValue(i)}: use a literal index from 0 to 2 (an Autopilot inference pipeline has at most 3 containers)`);
    }
    const inputs = p.inputs ?? [];
    if (inputs.length < 1 || inputs.length > 2) {
      problems.add(`${at} has ${inputs.length} inputs: use 1 or 2 (a training channel, and optionally a validation channel)`);
    }
    if (inputs.length === 2) {
      const types = inputs.map((i) => i.channelType ?? AutoMLChannelType.TRAINING);
      if (!(types.includes(AutoMLChannelType.TRAINING) && types.includes(AutoMLChannelType.VALIDATION))) {
        problems.add(`${at} has two inputs of channelType ${types.map((t) => describeValue(t)).join(' and ')}: two inputs are one training and one validation channel`);
      }
      const [a, b] = inputs;
      if (a.targetAttributeName !== b.targetAttributeName || a.contentType !== b.contentType) {
        problems.add(`${at} has a training and a validation input with different targetAttributeName or contentType (${describeValue(a.targetAttributeName)}/${describeValue(a.contentType)} and ${describeValue(b.targetAttributeName)}/${describeValue(b.contentType)}): both channels share them`);
      }
      if (p.validationFraction !== undefined) problems.add(`${at} has a validation input and validationFraction ${describeValue(p.validationFraction)}: the validation data is the channel; remove validationFraction`);
    }
    inputs.forEach((input, i) => {
      const target = input.targetAttributeName;
      if (target === undefined || target === null || (!Token.isUnresolved(target) && (target.length < 1 || target.length > 256))) {
        problems.add(`input ${i} of ${at} has targetAttributeName ${describeValue(target)}: name the column to predict (1-256 characters)`);
      }
      const weight = input.sampleWeightAttributeName;
      if (weight !== undefined && !Token.isUnresolved(weight) && (weight.length < 1 || weight.length > 256)) {
        problems.add(`input ${i} of ${at} has sampleWeightAttributeName ${describeValue(weight)}: use 1-256 characters`);
      }
      problems.addIf(input.location._uriProblem(`input ${i} of ${at}`));
    });
    if ((p.problemType === undefined) !== (p.objective === undefined)) {
      problems.add(`${at} sets ${p.problemType !== undefined ? `problemType ${describeValue(p.problemType)} without objective` : `objective ${describeValue(p.objective)} without problemType`}: set both, or neither for Autopilot to infer them (as the SDK's AutoML requires)`);
    }
    integer(problems, `maxCandidates of ${at}`, p.maxCandidates, 1, Number.MAX_SAFE_INTEGER);
    const perJob = seconds(problems, `maxRuntimePerTrainingJob of ${at}`, p.maxRuntimePerTrainingJob, 1, Number.MAX_SAFE_INTEGER);
    const total = seconds(problems, `maxJobRuntime of ${at}`, p.maxJobRuntime, 1, Number.MAX_SAFE_INTEGER);
    numberIn(problems, `validationFraction of ${at}`, p.validationFraction, 0, 1);
    checkTags(problems, `tags of ${at}`, p.tags);
    problems.addIf(p.outputLocation._uriProblem(`outputLocation of ${at}`));
    problems.addIf(p.featureSpecification?._uriProblem(`featureSpecification of ${at}`));
    if (p.network?.networkIsolation) problems.add(`${at} sets network.networkIsolation: AutoML jobs have no network isolation setting (SecurityConfig takes a VPC and inter-container encryption); remove it`);
    const vpc = renderVpcConfig(p.network, problems);

    const { role, grantee } = jobRoleOf(this._options, ctx);
    for (const input of inputs) input.location.grantRead(grantee);
    p.featureSpecification?.grantRead(grantee);
    p.outputLocation.grantRead(grantee);
    p.outputLocation.grantWrite(grantee);
    grantKeyReadWrite(p.outputKey, grantee);
    grantVolumeKey(p.volumeKey, grantee);
    // Autopilot runs processing, training and transform jobs as this role.
    for (const kind of ['ProcessingJobs', 'TrainingJobs', 'TransformJobs']) grantJobBasics(ctx.scope, grantee, `/aws/sagemaker/${kind}`, p.network?.vpc);
    passRole(ctx, role);
    allowJobs(ctx, 'automl-job', ['sagemaker:CreateAutoMLJob', 'sagemaker:DescribeAutoMLJob', 'sagemaker:StopAutoMLJob', 'sagemaker:ListCandidatesForAutoMLJob']);

    const criteria = prune({ MaxCandidates: p.maxCandidates, MaxRuntimePerTrainingJobInSeconds: perJob, MaxAutoMLJobRuntimeInSeconds: total });
    return {
      Arguments: prune({
        InputDataConfig: inputs.map((i) => ({
          DataSource: { S3DataSource: { S3DataType: i.s3DataType ?? AutoMLS3DataType.S3_PREFIX, S3Uri: i.location.uri } },
          TargetAttributeName: i.targetAttributeName,
          CompressionType: i.compression,
          ChannelType: i.channelType,
          ContentType: i.contentType,
          SampleWeightAttributeName: i.sampleWeightAttributeName,
        })),
        OutputDataConfig: { S3OutputPath: p.outputLocation.uri, KmsKeyId: p.outputKey?.keyArn },
        AutoMLJobConfig: {
          CompletionCriteria: criteria,
          SecurityConfig: {
            EnableInterContainerTrafficEncryption: p.network?.interContainerEncryption ?? false,
            VolumeKmsKeyId: p.volumeKey?.keyArn,
            VpcConfig: vpc,
          },
          CandidateGenerationConfig: p.featureSpecification ? { FeatureSpecificationS3Uri: p.featureSpecification.uri } : undefined,
          DataSplitConfig: p.validationFraction ? { ValidationFraction: p.validationFraction } : undefined,
          Mode: 'ENSEMBLING',
        },
        RoleArn: role.roleArn,
        AutoMLJobObjective: p.objective ? { MetricName: p.objective } : undefined,
        ProblemType: p.problemType,
        Tags: renderTags(p.tags),
      }),
    };
  }
}
