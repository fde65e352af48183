// Check steps: QualityCheck (Model Monitor baselines) and ClarifyCheck (Clarify bias and
// explainability baselines), with the SageMaker Python SDK's argument shapes and semantics.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Duration, Lazy, Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { ParameterType, PipelineParameter, stepProperty } from './expressions';
import { CacheOptions, RenderContext, Step, StepOptions } from './step';
import { allowJobs, jobRoleOf, passRole, StepBody } from './private/step-render';
import { CLARIFY_PATHS, checkCacheConfig, checkStringArgument, expressionOf, QUALITY_PATHS, s3Input } from './private/check-render';
import { pythonJsonDumps } from '../private/python-json';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { JobNetworkOptions } from '../core/network';
import { S3Location } from '../core/s3-location';
import { DataSeed } from '../data/data-seed';
import { IDataBucket } from '../data/data-bucket';
import { ProblemType } from '../hosting/monitor';
import { IModelRegistry } from '../registry/model-registry';
import { ProcessingCode } from '../training/processing-spec';
import { Compression } from '../training/training-channel';
import { checkVolumeKey } from '../training/private/render-resources';
import { describeValue, ProblemList } from '../private/errors';
import { grantJobBasics, prune, renderTags, renderVpcConfig } from '../private/job-render';
import { grantKeyReadWrite, grantVolumeKey } from '../private/kms';
import { checkTags, ENVIRONMENT_RULES, integer, numberIn, seconds, stringMap } from '../private/rules';

/**
 * A boolean argument of a check step (`SkipCheck`, `RegisterNewBaseline`, `FailOnViolation`): a
 * literal, or a Boolean pipeline parameter so each execution decides (the SDK's usual pattern:
 * `skip_check=ParameterBoolean(...)`).
 */
export class StepFlag {
  /** A literal true or false. */
  public static of(value: boolean): StepFlag {
    return new StepFlag(value, undefined);
  }

  /** A Boolean pipeline parameter's value (refused at synth for a parameter of another type). */
  public static fromParameter(parameter: PipelineParameter): StepFlag {
    return new StepFlag(undefined, parameter);
  }

  private constructor(
    /** @internal */ public readonly _literal: boolean | undefined,
    /** @internal */ public readonly _parameter: PipelineParameter | undefined,
  ) {}

  /** @internal The definition value, checking the parameter's type. */
  public _render(problems: ProblemList, what: string): unknown {
    if (this._parameter) {
      if (this._parameter.type !== ParameterType.BOOLEAN) {
        problems.add(`${what} is the ${this._parameter.type} parameter '${this._parameter.name}': use a Boolean parameter (or a literal)`);
      }
      return this._parameter.expression;
    }
    return this._literal;
  }
}

/** Where the columns the model outputs are in a CSV baseline data set. */
export enum OutputColumnsPosition {
  /** The first columns. */
  START = 'START',
  /** The last columns. */
  END = 'END',
}

/** Options of a CSV baseline data set. */
export interface CsvFormatOptions {
  /**
   * The files have a header row.
   * @default true
   */
  readonly header?: boolean;
  /**
   * Where the model's output columns are.
   * @default OutputColumnsPosition.START
   */
  readonly outputColumnsPosition?: OutputColumnsPosition;
}

/** The format of a QualityCheck baseline data set (the SDK's `DatasetFormat`). */
export class CheckDatasetFormat {
  /** CSV: `{"csv": {"header": true, "output_columns_position": "START"}}`. */
  public static csv(options: CsvFormatOptions = {}): CheckDatasetFormat {
    return new CheckDatasetFormat({ csv: { header: options.header ?? true, output_columns_position: options.outputColumnsPosition ?? OutputColumnsPosition.START } });
  }

  /** JSON, one object per line unless `lines` is false: `{"json": {"lines": true}}`. */
  public static json(lines: boolean = true): CheckDatasetFormat {
    return new CheckDatasetFormat({ json: { lines } });
  }

  /** Parquet: `{"parquet": {}}`. */
  public static parquet(): CheckDatasetFormat {
    return new CheckDatasetFormat({ parquet: {} });
  }

  private constructor(/** @internal */ public readonly _json: Record<string, unknown>) {}
}

/** What every quality check reads and writes. */
export interface QualityCheckOptions {
  /** The baseline data set (an S3 prefix or object; a step's output or a parameter's value works too). */
  readonly baselineDataset: S3Location;
  /** The data set's format. */
  readonly datasetFormat: CheckDatasetFormat;
  /**
   * Where the job writes `statistics.json` and `constraints.json` (the SDK defaults to a path in the
   * session's default bucket, which a CDK app has not got, so it is required here).
   */
  readonly outputLocation: S3Location;
  /**
   * A script run on the analysis results (Model Monitor's `post_analytics_processor_script`).
   * @default - none
   */
  readonly postAnalyticsProcessorScript?: ProcessingCode;
}

/** Options of a data-quality check. */
export interface DataQualityCheckOptions extends QualityCheckOptions {
  /**
   * A script run on each record first (Model Monitor's `record_preprocessor_script`).
   * @default - none
   */
  readonly recordPreprocessorScript?: ProcessingCode;
}

/** Options of a model-quality check: the data set holds predictions and ground-truth labels. */
export interface ModelQualityCheckOptions extends QualityCheckOptions {
  /** What the model predicts. */
  readonly problemType: ProblemType;
  /**
   * The column (index or name) or JSON path of the ground-truth label. The model-quality container
   * cannot compute metrics without it: refused at synth when missing.
   * @default - none (refused)
   */
  readonly groundTruthAttribute?: string;
  /**
   * The column or JSON path of the predicted label (required for regression and multiclass models;
   * for binary classification this or probabilityAttribute).
   * @default - none
   */
  readonly inferenceAttribute?: string;
  /**
   * For binary classification: the column or JSON path of the predicted probability.
   * @default - none
   */
  readonly probabilityAttribute?: string;
  /**
   * For binary classification with probabilityAttribute: probabilities at or above this are the
   * positive class (0-1).
   * @default - the container's 0.5
   */
  readonly probabilityThreshold?: number;
}

/** What a QualityCheckStep checks: data quality or model quality. */
export class QualityCheckConfig {
  /** Data quality (`DATA_QUALITY`): the statistics and constraints of the data set's features. */
  public static dataQuality(options: DataQualityCheckOptions): QualityCheckConfig {
    return new QualityCheckConfig('DATA_QUALITY', options);
  }

  /** Model quality (`MODEL_QUALITY`): accuracy, AUC, RMSE... of predictions against ground truth. */
  public static modelQuality(options: ModelQualityCheckOptions): QualityCheckConfig {
    return new QualityCheckConfig('MODEL_QUALITY', options);
  }

  private constructor(
    /** The definition's CheckType. */
    public readonly checkType: string,
    /** @internal */ public readonly _options: QualityCheckOptions,
  ) {}
}

/** The compute, role and settings of a check job (the SDK's `CheckJobConfig`). */
export interface CheckJobOptions {
  /**
   * The instance type.
   * @default InstanceType.ML_M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances (1-100).
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Storage per instance, in GB (1-16384).
   * @default 30
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key of the volumes.
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
  /**
   * KMS key of the results.
   * @default - the output bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Stop the job after this long (1 second to 7 days).
   * @default - none written, as in the SDK: SageMaker's default of 1 day
   */
  readonly maxRuntime?: Duration;
  /**
   * Extra environment variables (the check's own variables override them).
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * VPC, network isolation, inter-container encryption.
   * @default - SageMaker's network
   */
  readonly network?: JobNetworkOptions;
  /**
   * Tags of the job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** What QualityCheck and ClarifyCheck steps share. */
export interface CheckStepOptions extends StepOptions, CheckJobOptions {
  /**
   * Reuse results of unchanged arguments.
   * @default - no caching
   */
  readonly cache?: CacheOptions;
  /**
   * The role the job runs as.
   * @default - the pipeline's job role
   */
  readonly role?: iam.IRole;
  /**
   * Skip the comparison with the baseline (the job still calculates a new one). True on a model's
   * first run, when there is no baseline yet.
   * @default StepFlag.of(false)
   */
  readonly skipCheck?: StepFlag;
  /**
   * Make the newly calculated baseline the one this execution reports as used for drift checks
   * (`BaselineUsedForDriftCheck*`), e.g. to register with the model version.
   * @default StepFlag.of(false)
   */
  readonly registerNewBaseline?: StepFlag;
  /**
   * Fail the step when the check finds violations.
   * @default StepFlag.of(true)
   */
  readonly failOnViolation?: StepFlag;
  /**
   * The registry whose latest approved version's drift-check baselines are the baseline, when no
   * baseline is supplied. The pipeline's role may read the registry; the job's role its artifacts
   * bucket (where known).
   * @default - none
   */
  readonly modelPackageGroup?: IModelRegistry;
  /**
   * The constraints to check against (an S3 URI, e.g. a parameter's value or an earlier check's
   * `baselineUsedForDriftCheckConstraints`).
   * @default - the latest approved version's (with modelPackageGroup)
   */
  readonly suppliedBaselineConstraints?: string;
}

/** Properties of a QualityCheckStep. */
export interface QualityCheckStepProps extends CheckStepOptions {
  /** What to check. */
  readonly check: QualityCheckConfig;
  /**
   * The statistics to check against (an S3 URI).
   * @default - the latest approved version's (with modelPackageGroup)
   */
  readonly suppliedBaselineStatistics?: string;
}

/** Check types whose outputs a supplied baseline may come from, for the "wrong kind" check. */
interface CheckStepLike {
  readonly name: string;
  readonly checkType: string;
}

/**
 * Shared rendering of the check steps: resources, role, grants, and the SDK's step-level members.
 */
abstract class CheckStepBase extends Step {
  /** The definition's CheckType (DATA_QUALITY, MODEL_QUALITY, DATA_BIAS, MODEL_BIAS, MODEL_EXPLAINABILITY). */
  public abstract readonly checkType: string;

  constructor(name: string, protected readonly checkOptions: CheckStepOptions) {
    // The base class refuses caching on types it does not know: check steps render their own.
    super(name, { ...checkOptions, cache: undefined } as StepOptions);
  }

  /** The S3 URI of the constraints this execution calculated (`CalculatedBaselineConstraints`). */
  public get calculatedBaselineConstraints(): string {
    return stepProperty(this, 'CalculatedBaselineConstraints', this._resultsLocation()).asString;
  }

  /**
   * The S3 URI of the constraints the check used (`BaselineUsedForDriftCheckConstraints`): the
   * supplied or registered ones, or the calculated ones with registerNewBaseline.
   */
  public get baselineUsedForDriftCheckConstraints(): string {
    return stepProperty(this, 'BaselineUsedForDriftCheckConstraints').asString;
  }

  /** @internal */
  protected abstract _resultsLocation(): S3Location;

  /** @internal */
  public _render(ctx: RenderContext): StepBody {
    const body = super._render(ctx);
    const cache = checkCacheConfig(ctx.problems, this.name, this.checkOptions.cache);
    return cache ? { ...body, CacheConfig: cache } : body;
  }

  /** @internal Role, pipeline permissions, common checks; returns the job's role and grantee. */
  protected _prepare(ctx: RenderContext): { role: iam.IRole; grantee: iam.IGrantable; at: string } {
    const o = this.checkOptions;
    const at = `step '${this.name}'`;
    const { role, grantee } = jobRoleOf(o as StepOptions, ctx);
    passRole(ctx, role);
    allowJobs(ctx, 'processing-job', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
    // The pipeline looks up the latest approved version's drift-check baselines.
    if (o.modelPackageGroup) {
      o.modelPackageGroup.grantRead(ctx.pipelineGrantee);
      o.modelPackageGroup.artifactsBucket?.grantRead(grantee, o.modelPackageGroup.artifactsPrefix);
    }
    grantKeyReadWrite(o.outputKey, grantee);
    grantVolumeKey(o.volumeKey, grantee);
    grantJobBasics(ctx.scope, grantee, '/aws/sagemaker/ProcessingJobs', o.network?.vpc);
    for (const uri of this._suppliedUris()) S3Location.fromUri(uri).grantRead(grantee);
    return { role, grantee, at };
  }

  /** @internal */
  protected _suppliedUris(): string[] {
    return [this.checkOptions.suppliedBaselineConstraints].filter((u): u is string => u !== undefined);
  }

  /**
   * @internal The SDK's baseline-lifecycle rules, and supplied baselines of the right kind: the
   * constraints or statistics output of a check of the same type.
   */
  protected _checkBaselines(ctx: RenderContext, at: string, supplied: Array<[string, string | undefined, 'Constraints' | 'Statistics']>): void {
    const o = this.checkOptions;
    const skip = o.skipCheck?._literal ?? (o.skipCheck ? undefined : false);
    const hasSupplied = supplied.some(([, v]) => v !== undefined);
    if (skip === false && !hasSupplied && !o.modelPackageGroup) {
      ctx.problems.add(`${at} runs its ${this.checkType} check (skipCheck false) but has no baseline to check against: supply ${supplied.map(([p]) => p).join(' / ')}, or give modelPackageGroup (its latest approved version's drift-check baselines), or set skipCheck StepFlag.of(true) (with registerNewBaseline) for the first run`);
    }
    for (const [prop, value, kind] of supplied) {
      if (value === undefined) continue;
      if (!Token.isUnresolved(value) && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+/.test(value)) {
        ctx.problems.add(`${at} has ${prop} ${describeValue(value)}: use the s3:// URI of a ${kind.toLowerCase()} JSON file`);
        continue;
      }
      const expr = expressionOf(value);
      const get = typeof expr?.json?.Get === 'string' ? expr.json.Get as string : undefined;
      const m = get ? /^Steps\.([^.]+)\.(CalculatedBaseline|BaselineUsedForDriftCheck)(Constraints|Statistics)$/.exec(get) : null;
      if (!m) continue;
      const source = [...expr!._steps].find((s) => (s as Step).name === m[1]) as CheckStepLike | undefined;
      if (m[3] !== kind) {
        ctx.problems.add(`${at} has ${prop} ${describeValue(expr!.json)}, the ${m[3].toLowerCase()} of step '${m[1]}': ${prop} takes ${kind.toLowerCase()} (use its ${m[2]}${kind})`);
      } else if (source?.checkType && source.checkType !== this.checkType) {
        ctx.problems.add(`${at} is a ${this.checkType} check, but its ${prop} ${describeValue(expr!.json)} comes from step '${m[1]}', a ${source.checkType} check: a baseline only applies to checks of its own type`);
      }
    }
  }

  /** @internal The job's compute, stopping condition, network and tags, checked. */
  protected _jobParts(problems: ProblemList, at: string): Record<string, unknown> {
    const o = this.checkOptions;
    const instanceType = o.instanceType ?? InstanceType.ML_M5_XLARGE;
    problems.addIf(instanceType._problem(`instanceType of ${at}`, InstanceUse.PROCESSING));
    const count = integer(problems, `instanceCount of ${at}`, o.instanceCount ?? 1, 1, 100);
    const volume = integer(problems, `volumeSizeGb of ${at}`, o.volumeSizeGb ?? 30, 1, 16384);
    const runtime = o.maxRuntime ? seconds(problems, `maxRuntime of ${at}`, o.maxRuntime, 1, 604800) : undefined;
    if (o.volumeKey) checkVolumeKey(problems, `volumeKey of ${at}`, [instanceType]);
    stringMap(problems, `environment of ${at}`, o.environment, ENVIRONMENT_RULES.processing);
    checkTags(problems, `tags of ${at}`, o.tags);
    const vpcConfig = renderVpcConfig(o.network, problems);
    return {
      ProcessingResources: { ClusterConfig: { InstanceType: instanceType.name, InstanceCount: count, VolumeSizeInGB: volume, VolumeKmsKeyId: o.volumeKey?.keyArn } },
      StoppingCondition: runtime !== undefined ? { MaxRuntimeInSeconds: runtime } : undefined,
      NetworkConfig: vpcConfig || o.network?.networkIsolation || o.network?.interContainerEncryption ? {
        VpcConfig: vpcConfig,
        EnableNetworkIsolation: o.network?.networkIsolation,
        EnableInterContainerTrafficEncryption: o.network?.interContainerEncryption,
      } : undefined,
      Tags: renderTags(o.tags),
    };
  }

  /** @internal The SDK's step-level members (`to_request()`), after Arguments. */
  protected _stepMembers(problems: ProblemList, at: string): Record<string, unknown> {
    const o = this.checkOptions;
    const fail = o.failOnViolation?._render(problems, `failOnViolation of ${at}`);
    return {
      CheckType: this.checkType,
      ModelPackageGroupName: o.modelPackageGroup?.modelPackageGroupName,
      SkipCheck: (o.skipCheck ?? StepFlag.of(false))._render(problems, `skipCheck of ${at}`),
      // The SDK always writes FailOnViolation; the public definition schema lacks it, so the
      // service's default (true) is left implicit and only false (or a parameter) is written.
      FailOnViolation: fail === true ? undefined : fail,
      RegisterNewBaseline: (o.registerNewBaseline ?? StepFlag.of(false))._render(problems, `registerNewBaseline of ${at}`),
    };
  }
}

/**
 * A Model Monitor baselining job as a pipeline step (`QualityCheck`): calculates the statistics and
 * constraints of a data set (data quality) or of predictions against ground truth (model quality),
 * checks them against a supplied or registered baseline unless `skipCheck`, and reports the
 * baselines as properties for a RegisterModelStep (model metrics, drift-check baselines), a later
 * check or a condition. The job runs the Model Monitor image as the pipeline's job role by default.
 */
export class QualityCheckStep extends CheckStepBase {
  public readonly type = 'QualityCheck';
  public readonly checkType: string;

  constructor(name: string, private readonly props: QualityCheckStepProps) {
    super(name, props);
    this.checkType = props.check.checkType;
  }

  /** The S3 URI of the statistics this execution calculated (`CalculatedBaselineStatistics`). */
  public get calculatedBaselineStatistics(): string {
    return stepProperty(this, 'CalculatedBaselineStatistics', this._resultsLocation()).asString;
  }

  /** The S3 URI of the statistics the check used (`BaselineUsedForDriftCheckStatistics`). */
  public get baselineUsedForDriftCheckStatistics(): string {
    return stepProperty(this, 'BaselineUsedForDriftCheckStatistics').asString;
  }

  /** @internal */
  protected _resultsLocation(): S3Location {
    return this.props.check._options.outputLocation;
  }

  /** @internal */
  protected _suppliedUris(): string[] {
    return [...super._suppliedUris(), this.props.suppliedBaselineStatistics].filter((u): u is string => u !== undefined);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const { role, grantee, at } = this._prepare(ctx);
    const problems = ctx.problems;
    const c = this.props.check._options;
    const model = this.checkType === 'MODEL_QUALITY' ? c as ModelQualityCheckOptions : undefined;
    const data = this.checkType === 'DATA_QUALITY' ? c as DataQualityCheckOptions : undefined;
    problems.addIf(c.baselineDataset._uriProblem(`baselineDataset of ${at}`));
    problems.addIf(c.outputLocation._uriProblem(`outputLocation of ${at}`));
    c.baselineDataset.grantRead(grantee);
    c.outputLocation.grantWrite(grantee);
    this._checkBaselines(ctx, at, [['suppliedBaselineConstraints', this.props.suppliedBaselineConstraints, 'Constraints'], ['suppliedBaselineStatistics', this.props.suppliedBaselineStatistics, 'Statistics']]);

    const inputs: Array<Record<string, unknown>> = [s3Input(QUALITY_PATHS.datasetInput, c.baselineDataset.uri, `${QUALITY_PATHS.input}/${QUALITY_PATHS.datasetInput}`)];
    const script = (code: ProcessingCode | undefined, name: string): string | undefined => {
      if (!code) return undefined;
      const bound = code.bind(ctx.scope);
      bound.location.grantRead(grantee);
      inputs.push(s3Input(name, bound.location.uri, `${QUALITY_PATHS.input}/${name}`));
      return `${QUALITY_PATHS.input}/${name}/${bound.fileName}`;
    };
    const postProcessor = script(c.postAnalyticsProcessorScript, QUALITY_PATHS.postProcessorInput);
    const preprocessor = script(data?.recordPreprocessorScript, QUALITY_PATHS.preprocessorInput);

    let modelEnv: Record<string, string | undefined> = {};
    if (model) {
      if (model.groundTruthAttribute === undefined) problems.add(`${at} is a MODEL_QUALITY check without groundTruthAttribute: the model-quality job compares predictions with the ground-truth label, so name its column or JSON path`);
      const binary = model.problemType === ProblemType.BINARY_CLASSIFICATION;
      if (binary && model.inferenceAttribute === undefined && model.probabilityAttribute === undefined) {
        problems.add(`${at} is a BinaryClassification MODEL_QUALITY check without inferenceAttribute or probabilityAttribute: name where the prediction (or its probability) is`);
      }
      if (!binary && model.inferenceAttribute === undefined) problems.add(`${at} is a ${model.problemType} MODEL_QUALITY check without inferenceAttribute: name where the prediction is`);
      if (!binary && (model.probabilityAttribute !== undefined || model.probabilityThreshold !== undefined)) {
        problems.add(`${at} sets probabilityAttribute/probabilityThreshold for a ${model.problemType} model: they apply to BinaryClassification only`);
      }
      if (binary && model.probabilityThreshold !== undefined && model.probabilityAttribute === undefined) {
        problems.add(`${at} sets probabilityThreshold ${model.probabilityThreshold} without probabilityAttribute: the threshold applies to the probability at that attribute`);
      }
      numberIn(problems, `probabilityThreshold of ${at}`, model.probabilityThreshold, 0, 1);
      for (const [prop, value] of [['inferenceAttribute', model.inferenceAttribute], ['probabilityAttribute', model.probabilityAttribute], ['groundTruthAttribute', model.groundTruthAttribute]] as const) {
        checkStringArgument(problems, `${prop} of ${at}`, value);
      }
      const threshold = model.probabilityThreshold;
      modelEnv = {
        analysis_type: 'MODEL_QUALITY',
        problem_type: model.problemType,
        inference_attribute: model.inferenceAttribute,
        probability_attribute: model.probabilityAttribute,
        ground_truth_attribute: model.groundTruthAttribute,
        probability_threshold_attribute: threshold === undefined ? undefined : Token.isUnresolved(threshold) ? Token.asString(threshold) : String(threshold),
      };
    }
    // ModelMonitor._generate_env_map: the user's variables, then the check's.
    const environment = {
      ...this.props.environment,
      output_path: QUALITY_PATHS.output,
      publish_cloudwatch_metrics: 'Disabled',
      // json.dumps(dataset_format), as the SDK puts it into the Model Monitor job's environment
      dataset_format: pythonJsonDumps(c.datasetFormat._json),
      record_preprocessor_script: preprocessor,
      post_analytics_processor_script: postProcessor,
      dataset_source: `${QUALITY_PATHS.input}/${QUALITY_PATHS.datasetInput}`,
      ...modelEnv,
    };
    const job = this._jobParts(problems, at);
    return prune({
      Arguments: {
        ProcessingResources: job.ProcessingResources,
        AppSpecification: { ImageUri: ContainerImage.modelMonitor().bind(ctx.scope, grantee).imageUri },
        RoleArn: role.roleArn,
        ProcessingInputs: inputs,
        ProcessingOutputConfig: {
          Outputs: [{ OutputName: QUALITY_PATHS.outputName, S3Output: { S3Uri: c.outputLocation.uri, LocalPath: QUALITY_PATHS.output, S3UploadMode: 'EndOfJob' } }],
          KmsKeyId: this.props.outputKey?.keyArn,
        },
        Environment: environment,
        NetworkConfig: job.NetworkConfig,
        StoppingCondition: job.StoppingCondition,
        Tags: job.Tags,
      },
      ...this._stepMembers(problems, at),
      SuppliedBaselineStatistics: this.props.suppliedBaselineStatistics,
      SuppliedBaselineConstraints: this.props.suppliedBaselineConstraints,
    });
  }
}

/** The format of a Clarify data set (`dataset_type`). */
export enum ClarifyDatasetType {
  /** `text/csv` */
  CSV = 'text/csv',
  /** `application/jsonlines` */
  JSON_LINES = 'application/jsonlines',
  /** `application/json` (needs `features`) */
  JSON = 'application/json',
  /** `application/x-parquet` */
  PARQUET = 'application/x-parquet',
}

/** Literal values of a Clarify analysis (label values, facet values or thresholds), as JSON numbers or strings. */
export class ClarifyValues {
  /** Numbers, e.g. the label value `1` or a threshold `40`. */
  public static numbers(values: number[]): ClarifyValues {
    return new ClarifyValues(values);
  }

  /** Strings, e.g. categories `['yes']`. */
  public static strings(values: string[]): ClarifyValues {
    return new ClarifyValues(values);
  }

  private constructor(/** @internal */ public readonly _values: Array<string | number>) {}
}

/** The data a Clarify check reads and writes (the SDK's `DataConfig`). */
export interface ClarifyDataOptions {
  /** The data set (`s3_data_input_path`). */
  readonly dataset: S3Location;
  /** Where the analysis results (and `analysis.json` constraints) go (`s3_output_path`). */
  readonly outputLocation: S3Location;
  /**
   * The target column (name, or index as a string) or JMESPath, required by bias analysis.
   * @default - none
   */
  readonly label?: string;
  /**
   * The column names.
   * @default - generated by Clarify
   */
  readonly headers?: string[];
  /**
   * JMESPath of the features in JSON or JSON Lines data (required for JSON).
   * @default - none
   */
  readonly features?: string;
  /**
   * The data set's format.
   * @default ClarifyDatasetType.CSV
   */
  readonly datasetType?: ClarifyDatasetType;
  /**
   * Compression of the data set files.
   * @default Compression.NONE
   */
  readonly compression?: Compression;
  /**
   * Columns left out of the model's requests.
   * @default - none
   */
  readonly excludedColumns?: string[];
  /**
   * The identifier column used to join the data set with others (`joinsource_name_or_index`).
   * @default - none
   */
  readonly joinSource?: string;
}

/** A sensitive attribute (facet) of a bias analysis. */
export interface ClarifyFacet {
  /** The column name (or index as a string). */
  readonly name: string;
  /**
   * The sensitive group's values, or one threshold (its exclusive lower bound) for a continuous column.
   * @default - every value of the facet, one by one
   */
  readonly valuesOrThreshold?: ClarifyValues;
}

/** The sensitive groups of a bias analysis (the SDK's `BiasConfig`). */
export interface ClarifyBiasOptions {
  /** The positive label values, or one threshold (exclusive lower bound) for regression. */
  readonly labelValuesOrThreshold: ClarifyValues;
  /** The facets (at least one). */
  readonly facets: ClarifyFacet[];
  /**
   * The group column for the conditional demographic disparity metrics (CDDL, CDDPL).
   * @default - none
   */
  readonly groupName?: string;
}

/** The model a Clarify check sends the data set to, on a temporary shadow endpoint (the SDK's `ModelConfig`). */
export interface ClarifyModelOptions {
  /** The model's name, e.g. a ModelStep's `modelName` (rendered as the step's `ModelName`). */
  readonly modelName: string;
  /**
   * The shadow endpoint's instance type.
   * @default InstanceType.ML_M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * The shadow endpoint's instance count.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * The request format: text/csv, application/jsonlines (needs contentTemplate with $features) or
   * application/json (needs contentTemplate with $record(s) and recordTemplate).
   * @default - the data set's format
   */
  readonly contentType?: string;
  /**
   * The response format: text/csv, application/jsonlines or application/json.
   * @default - the content type
   */
  readonly acceptType?: string;
  /**
   * The request template.
   * @default - none
   */
  readonly contentTemplate?: string;
  /**
   * The per-record template (application/json).
   * @default - none
   */
  readonly recordTemplate?: string;
  /**
   * The `CustomAttributes` header of the requests.
   * @default - none
   */
  readonly customAttributes?: string;
}

/** Where the prediction is in the model's response (the SDK's `ModelPredictedLabelConfig`). */
export interface ClarifyPredictedLabelOptions {
  /**
   * Index or JMESPath of the predicted label.
   * @default - the whole response
   */
  readonly label?: string;
  /**
   * Index or JMESPath of the predicted score(s).
   * @default - none
   */
  readonly probability?: string;
  /**
   * For binary scores: at or above this is the positive label.
   * @default - Clarify's 0.5
   */
  readonly probabilityThreshold?: number;
  /**
   * The label of each score.
   * @default - none
   */
  readonly labelHeaders?: string[];
}

/** SHAP explanations (the SDK's `SHAPConfig`). */
export interface ClarifyShapOptions {
  /**
   * The SHAP baseline: an S3 file of baseline records (the job's role may read it).
   * @default - a baseline Clarify computes with k-means (numClusters)
   */
  readonly baseline?: S3Location;
  /**
   * Samples of the Kernel SHAP algorithm.
   * @default - Clarify's choice
   */
  readonly numSamples?: number;
  /**
   * How global SHAP values aggregate: mean_abs, median or mean_sq.
   * @default - Clarify's mean_abs
   */
  readonly aggMethod?: string;
  /**
   * Apply the logit function to the predictions.
   * @default false
   */
  readonly useLogit?: boolean;
  /**
   * Save the local SHAP values.
   * @default true
   */
  readonly saveLocalShapValues?: boolean;
  /**
   * Random seed.
   * @default - none
   */
  readonly seed?: number;
  /**
   * Clusters of the computed baseline (without baseline).
   * @default - Clarify's choice
   */
  readonly numClusters?: number;
}

/** Options of a data-bias check (pre-training bias). */
export interface DataBiasCheckOptions {
  /** The data. */
  readonly data: ClarifyDataOptions;
  /** The sensitive groups. */
  readonly bias: ClarifyBiasOptions;
  /**
   * The pre-training metrics: CI, DPL, KL, JS, LP, TVD, KS, CDDL.
   * @default - all
   */
  readonly methods?: string[];
}

/** Options of a model-bias check (post-training bias of the model's predictions). */
export interface ModelBiasCheckOptions {
  /** The data. */
  readonly data: ClarifyDataOptions;
  /** The sensitive groups. */
  readonly bias: ClarifyBiasOptions;
  /** The model. */
  readonly model: ClarifyModelOptions;
  /**
   * Where the prediction is in the response.
   * @default - the whole response is the predicted label
   */
  readonly predictedLabel?: ClarifyPredictedLabelOptions;
  /**
   * The post-training metrics: DPPL, DI, DCA, DCR, RD, DAR, DRR, AD, CDDPL, TE, FT.
   * @default - all
   */
  readonly methods?: string[];
}

/** Options of a model-explainability check (SHAP feature attributions). */
export interface ModelExplainabilityCheckOptions {
  /** The data. */
  readonly data: ClarifyDataOptions;
  /** The model. */
  readonly model: ClarifyModelOptions;
  /** The SHAP settings. */
  readonly shap: ClarifyShapOptions;
  /**
   * Where the score to explain is in the response (index or JMESPath, the SDK's `model_scores`).
   * @default - the whole response
   */
  readonly modelScores?: string;
}

const PRE_TRAINING_METHODS = ['CI', 'DPL', 'KL', 'JS', 'LP', 'TVD', 'KS', 'CDDL'];
const POST_TRAINING_METHODS = ['DPPL', 'DI', 'DCA', 'DCR', 'RD', 'DAR', 'DRR', 'AD', 'CDDPL', 'TE', 'FT'];
const MODEL_CONTENT_TYPES = ['text/csv', 'application/jsonlines', 'application/json', 'image/jpeg', 'image/jpg', 'image/png', 'application/x-npy'];
const MODEL_ACCEPT_TYPES = ['text/csv', 'application/jsonlines', 'application/json'];

/** What a ClarifyCheckStep checks: data bias, model bias or model explainability. */
export class ClarifyCheckConfig {
  /** Data bias (`DATA_BIAS`): pre-training bias metrics of the labels across facets. */
  public static dataBias(options: DataBiasCheckOptions): ClarifyCheckConfig {
    return new ClarifyCheckConfig('DATA_BIAS', options.data, options);
  }

  /** Model bias (`MODEL_BIAS`): post-training bias metrics of the model's predictions. */
  public static modelBias(options: ModelBiasCheckOptions): ClarifyCheckConfig {
    return new ClarifyCheckConfig('MODEL_BIAS', options.data, options);
  }

  /** Model explainability (`MODEL_EXPLAINABILITY`): SHAP values of the features. */
  public static modelExplainability(options: ModelExplainabilityCheckOptions): ClarifyCheckConfig {
    return new ClarifyCheckConfig('MODEL_EXPLAINABILITY', options.data, options);
  }

  private constructor(
    /** The definition's CheckType. */
    public readonly checkType: string,
    /** @internal */ public readonly _data: ClarifyDataOptions,
    /** @internal */ public readonly _options: DataBiasCheckOptions | ModelBiasCheckOptions | ModelExplainabilityCheckOptions,
  ) {}

  /**
   * @internal The analysis configuration (`analysis_config.json`) as the SDK's
   * `_generate_processing_job_analysis_config` writes it, checking what the SDK's config classes refuse.
   */
  public _analysisConfig(problems: ProblemList, at: string): Record<string, unknown> {
    const d = this._data;
    const datasetType = d.datasetType ?? ClarifyDatasetType.CSV;
    if (datasetType === ClarifyDatasetType.JSON && d.features === undefined) problems.add(`${at} has data.datasetType application/json without data.features: Clarify needs the JMESPath of the features in JSON data`);
    const config: Record<string, unknown> = prune({
      dataset_type: datasetType,
      features: d.features,
      headers: d.headers,
      label: d.label,
      joinsource_name_or_index: d.joinSource,
      excluded_columns: d.excludedColumns,
    });
    const biasConfig = (b: ClarifyBiasOptions): Record<string, unknown> => {
      if (b.labelValuesOrThreshold._values.length === 0) problems.add(`${at} has an empty bias.labelValuesOrThreshold: give the positive label value(s) or one threshold`);
      if (b.facets.length === 0) problems.add(`${at} has no bias.facets: give at least one sensitive attribute`);
      if (d.label === undefined) problems.add(`${at} is a ${this.checkType} check without data.label: bias metrics compare label outcomes across facets, so name the label column`);
      return prune({
        label_values_or_threshold: b.labelValuesOrThreshold._values,
        facet: b.facets.map((f) => prune({ name_or_index: f.name, value_or_threshold: f.valuesOrThreshold?._values })),
        group_variable: b.groupName,
      });
    };
    const methodsOf = (methods: string[] | undefined, allowed: string[], prop: string): string | string[] => {
      if (!methods) return 'all';
      if (methods.length === 0) problems.add(`${at} has an empty ${prop}: omit it for all metrics, or list some of ${allowed.join(', ')}`);
      const unknown = methods.filter((m) => !allowed.includes(m));
      if (unknown.length) problems.add(`${at} has ${prop} ${describeValue(unknown)}, which are not ${this.checkType === 'DATA_BIAS' ? 'pre' : 'post'}-training bias metrics: use ${allowed.join(', ')}`);
      return methods;
    };
    if (this.checkType === 'DATA_BIAS') {
      const o = this._options as DataBiasCheckOptions;
      Object.assign(config, biasConfig(o.bias));
      config.methods = { pre_training_bias: { methods: methodsOf(o.methods, PRE_TRAINING_METHODS, 'methods') } };
    } else if (this.checkType === 'MODEL_BIAS') {
      const o = this._options as ModelBiasCheckOptions;
      Object.assign(config, biasConfig(o.bias));
      const label = o.predictedLabel ?? {};
      numberIn(problems, `predictedLabel.probabilityThreshold of ${at}`, label.probabilityThreshold, 0, 1);
      const predictor = { ...prune({ label: label.label, probability: label.probability, label_headers: label.labelHeaders }), ...this.predictor(problems, at, o.model) };
      config.methods = { post_training_bias: { methods: methodsOf(o.methods, POST_TRAINING_METHODS, 'methods') } };
      config.predictor = predictor;
      if (label.probabilityThreshold !== undefined) config.probability_threshold = label.probabilityThreshold;
    } else {
      const o = this._options as ModelExplainabilityCheckOptions;
      const predictor = this.predictor(problems, at, o.model);
      if (o.modelScores !== undefined) predictor.label = o.modelScores;
      const s = o.shap;
      if (s.aggMethod !== undefined && !['mean_abs', 'median', 'mean_sq'].includes(s.aggMethod)) problems.add(`${at} has shap.aggMethod ${describeValue(s.aggMethod)}: use mean_abs, median or mean_sq`);
      if (s.baseline && s.numClusters !== undefined) problems.add(`${at} sets both shap.baseline and shap.numClusters: numClusters sizes the baseline Clarify computes when none is given`);
      integer(problems, `shap.numSamples of ${at}`, s.numSamples, 1, Number.MAX_SAFE_INTEGER);
      integer(problems, `shap.numClusters of ${at}`, s.numClusters, 1, Number.MAX_SAFE_INTEGER);
      config.methods = {
        shap: prune({
          use_logit: s.useLogit ?? false,
          save_local_shap_values: s.saveLocalShapValues ?? true,
          baseline: s.baseline?.uri,
          num_samples: s.numSamples,
          agg_method: s.aggMethod,
          seed: s.seed,
          num_clusters: s.numClusters,
        }),
      };
      config.predictor = predictor;
    }
    (config.methods as Record<string, unknown>).report = { name: 'report', title: 'Analysis Report' };
    return config;
  }

  /**
   * @internal The configuration a Clarify monitor takes (the SDK's `monitoring_analysis_config_uri`:
   * `BiasAnalysisConfig` or `ExplainabilityAnalysisConfig._to_dict()`): the bias config with the
   * headers and label, or the SHAP methods and the predictor (without model_name) with the feature
   * headers (the label left out). Problems are reported by `_analysisConfig`.
   */
  public _monitoringConfig(): Record<string, unknown> {
    const scratch = new ProblemList();
    const d = this._data;
    if (this.checkType === 'MODEL_EXPLAINABILITY') {
      const full = this._analysisConfig(scratch, '');
      const methods = { ...(full.methods as Record<string, unknown>) };
      delete methods.report;
      const predictor = { ...(full.predictor as Record<string, unknown>) };
      delete predictor.label;
      const headers = d.headers?.filter((h) => h !== d.label);
      return prune({ methods, predictor, headers });
    }
    const b = (this._options as DataBiasCheckOptions).bias;
    return prune({
      label_values_or_threshold: b.labelValuesOrThreshold._values,
      facet: b.facets.map((f) => prune({ name_or_index: f.name, value_or_threshold: f.valuesOrThreshold?._values })),
      group_variable: b.groupName,
      headers: d.headers,
      label: d.label,
    });
  }

  /** @internal The model's name, for the step's ModelName (model bias and explainability). */
  public get _model(): ClarifyModelOptions | undefined {
    return this.checkType === 'DATA_BIAS' ? undefined : (this._options as ModelBiasCheckOptions).model;
  }

  /** ModelConfig.get_predictor_config without model_name (the step's ModelName carries it). */
  private predictor(problems: ProblemList, at: string, m: ClarifyModelOptions): Record<string, unknown> {
    const instanceType = m.instanceType ?? InstanceType.ML_M5_XLARGE;
    problems.addIf(instanceType._problem(`model.instanceType of ${at}`, InstanceUse.HOSTING));
    integer(problems, `model.instanceCount of ${at}`, m.instanceCount ?? 1, 1, Number.MAX_SAFE_INTEGER);
    if (m.acceptType !== undefined && !MODEL_ACCEPT_TYPES.includes(m.acceptType)) problems.add(`${at} has model.acceptType ${describeValue(m.acceptType)}: use ${MODEL_ACCEPT_TYPES.join(', ')}`);
    if (m.contentType !== undefined && !MODEL_CONTENT_TYPES.includes(m.contentType)) problems.add(`${at} has model.contentType ${describeValue(m.contentType)}: use ${MODEL_CONTENT_TYPES.join(', ')}`);
    if (m.contentType === 'application/jsonlines' && !(m.contentTemplate ?? '').includes('$features')) {
      problems.add(`${at} has model.contentType application/jsonlines with contentTemplate ${describeValue(m.contentTemplate)}: give a template with the placeholder $features`);
    }
    if (m.contentType === 'application/json' && (!(m.contentTemplate ?? '').includes('$record') || m.recordTemplate === undefined)) {
      problems.add(`${at} has model.contentType application/json: give contentTemplate (with $record or $records) and recordTemplate`);
    }
    return prune({
      instance_type: instanceType.name,
      initial_instance_count: m.instanceCount ?? 1,
      accept_type: m.acceptType,
      content_type: m.contentType,
      content_template: m.contentTemplate,
      record_template: m.recordTemplate,
      custom_attributes: m.customAttributes,
    });
  }
}

/** Properties of a ClarifyCheckStep. */
export interface ClarifyCheckStepProps extends CheckStepOptions {
  /** What to check. */
  readonly check: ClarifyCheckConfig;
  /**
   * Where the rendered `analysis_config.json` is written at deploy time (a DataSeed, under
   * `analysisConfigPrefix`): the SDK uploads it when it builds the definition, which a CDK app
   * cannot; the Clarify container reads the file by that name, which a CDK asset (named by its
   * hash) would not have. Exclusive with analysisConfig; one of them is required.
   * @default - none
   */
  readonly analysisConfigBucket?: IDataBucket;
  /**
   * The key prefix of the written analysis configuration in analysisConfigBucket (the key is
   * `<prefix><pipeline>/<step>/<content hash>/analysis_config.json`, so a change is a new object and
   * a new step argument, never a cache hit on the old one).
   * @default 'pipelines/clarify/'
   */
  readonly analysisConfigPrefix?: string;
  /**
   * Your own `analysis_config.json` (e.g. a DataSeed's object), used instead of the rendered one.
   * The step still renders the data input, output and ModelName from `check`.
   * @default - the rendered configuration in analysisConfigBucket
   */
  readonly analysisConfig?: S3Location;
}

/**
 * A SageMaker Clarify processing job as a pipeline step (`ClarifyCheck`): calculates the bias
 * metrics of a data set or of a model's predictions, or the SHAP values of its features, checks
 * them against a supplied or registered baseline unless `skipCheck`, and reports the constraints as
 * properties. The analysis configuration is rendered from typed props, as the SDK renders it, and
 * written into a DataBucket at deploy time. The job runs the Clarify image as the pipeline's job role
 * by default, which may also create the temporary shadow endpoint (`sm-clarify-*`) of the model.
 */
export class ClarifyCheckStep extends CheckStepBase {
  public readonly type = 'ClarifyCheck';
  public readonly checkType: string;

  constructor(name: string, private readonly props: ClarifyCheckStepProps) {
    super(name, props);
    this.checkType = props.check.checkType;
  }

  /** @internal */
  protected _resultsLocation(): S3Location {
    return this.props.check._data.outputLocation;
  }

  /** The key of the monitoring configuration, known once the pipeline has rendered the step. */
  private monitoringKey?: string;

  /**
   * The analysis configuration of a Model Monitor Clarify monitor for this check (the SDK's
   * `monitoring_analysis_config_uri`): pass it as a ModelBiasMonitor's or
   * ModelExplainabilityMonitor's `analysisConfig`, or register it as the `biasConfigFile` /
   * `explainabilityConfigFile` drift-check baseline. Written next to the job's configuration in
   * analysisConfigBucket at deploy time; undefined without analysisConfigBucket.
   */
  public get monitoringAnalysisConfig(): S3Location | undefined {
    const bucket = this.props.analysisConfigBucket;
    if (!bucket) return undefined;
    const key = Lazy.string({
      produce: () => {
        if (this.monitoringKey === undefined) throw new Error(`monitoringAnalysisConfig of step '${this.name}' was used, but no pipeline renders the step: add it to a Pipeline`);
        return this.monitoringKey;
      },
    });
    return S3Location.inDataBucket(bucket, key);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const { role, grantee, at } = this._prepare(ctx);
    const problems = ctx.problems;
    const check = this.props.check;
    const d = check._data;
    problems.addIf(d.dataset._uriProblem(`data.dataset of ${at}`));
    problems.addIf(d.outputLocation._uriProblem(`data.outputLocation of ${at}`));
    d.dataset.grantRead(grantee);
    d.outputLocation.grantWrite(grantee);
    this._checkBaselines(ctx, at, [['suppliedBaselineConstraints', this.props.suppliedBaselineConstraints, 'Constraints']]);
    const analysis = check._analysisConfig(problems, at);
    if (check.checkType === 'MODEL_EXPLAINABILITY') (check._options as ModelExplainabilityCheckOptions).shap.baseline?.grantRead(grantee);
    const model = check._model;
    if (model) grantShadowEndpoint(ctx, grantee);

    const configLocation = this.placeAnalysisConfig(ctx, at, analysis);
    configLocation?.grantRead(grantee);
    const job = this._jobParts(problems, at);
    return prune({
      Arguments: {
        ProcessingResources: job.ProcessingResources,
        AppSpecification: { ImageUri: ContainerImage.clarify().bind(ctx.scope, grantee).imageUri },
        RoleArn: role.roleArn,
        ProcessingInputs: [
          s3Input('analysis_config', configLocation?.uri ?? '', CLARIFY_PATHS.configInput),
          s3Input('dataset', d.dataset.uri, CLARIFY_PATHS.dataInput, d.compression ?? Compression.NONE),
        ],
        ProcessingOutputConfig: {
          Outputs: [{ OutputName: 'analysis_result', S3Output: { S3Uri: d.outputLocation.uri, LocalPath: CLARIFY_PATHS.output, S3UploadMode: 'EndOfJob' } }],
          KmsKeyId: this.props.outputKey?.keyArn,
        },
        Environment: this.props.environment,
        NetworkConfig: job.NetworkConfig,
        StoppingCondition: job.StoppingCondition,
        Tags: job.Tags,
      },
      ...this._stepMembers(problems, at),
      SuppliedBaselineConstraints: this.props.suppliedBaselineConstraints,
      ModelName: model?.modelName,
    });
  }

  /** The analysis configuration's S3 location: yours, or the rendered one written by a DataSeed. */
  private placeAnalysisConfig(ctx: RenderContext, at: string, analysis: Record<string, unknown>): S3Location | undefined {
    const p = this.props;
    if (p.analysisConfig && p.analysisConfigBucket) {
      ctx.problems.add(`${at} sets both analysisConfig and analysisConfigBucket: give your own analysis_config.json or a bucket to write the rendered one to, not both`);
      return p.analysisConfig;
    }
    if (p.analysisConfig) {
      ctx.problems.addIf(p.analysisConfig._uriProblem(`analysisConfig of ${at}`));
      return p.analysisConfig;
    }
    if (!p.analysisConfigBucket) {
      ctx.problems.add(`${at} has nowhere to put its analysis_config.json: give analysisConfigBucket (the rendered configuration is written there at deploy time) or analysisConfig (your own file)`);
      return undefined;
    }
    const prefix = p.analysisConfigPrefix ?? 'pipelines/clarify/';
    if (!Token.isUnresolved(prefix) && (prefix.startsWith('/') || (prefix !== '' && !prefix.endsWith('/')))) {
      ctx.problems.add(`${at} has analysisConfigPrefix ${describeValue(prefix)}: use a folder ending in '/' (e.g. 'pipelines/clarify/'), not starting with '/'`);
    }
    const text = JSON.stringify(analysis);
    if (Token.isUnresolved(text)) {
      ctx.problems.add(`${at} has deploy-time values (CloudFormation references or pipeline parameters) in its analysis configuration, a file written at synth: use literals there (e.g. a SHAP baseline in DataBucket.fromBucketName or S3Location.fromUri with a literal URI); the SDK refuses pipeline variables there too`);
      return undefined;
    }
    const hash = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
    const folder = `${prefix}${Names.uniqueId(ctx.scope)}/${this.name}/${hash}/`;
    // Step names are letters, digits, '-' and '_': valid construct IDs as they are.
    const key = seedConfig(ctx, p.analysisConfigBucket, `AnalysisConfig${this.name}`, hash, 'job', text, folder);
    this.monitoringKey = seedConfig(ctx, p.analysisConfigBucket, `MonitoringConfig${this.name}`, hash, 'monitoring', JSON.stringify(this.props.check._monitoringConfig()), `${folder}monitoring/`);
    return S3Location.inDataBucket(p.analysisConfigBucket, key);
  }
}

/**
 * Writes an `analysis_config.json` (the name the Clarify container reads) to `folder` in `bucket` at
 * deploy time with a DataSeed; returns its key.
 */
function seedConfig(ctx: RenderContext, bucket: IDataBucket, id: string, hash: string, kind: string, text: string, folder: string): string {
  const dir = path.join(os.tmpdir(), 'sagemaker-clarify-analysis-configs', hash, kind);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'analysis_config.json');
  fs.writeFileSync(file, text);
  const key = `${folder}analysis_config.json`;
  const existing = ctx.scope.node.tryFindChild(id) as DataSeed | undefined;
  return (existing ?? new DataSeed(ctx.scope, id, { bucket, key, source: file })).key;
}

/**
 * Clarify sends the data set to a temporary shadow endpoint of the model (named `sm-clarify-*`) for
 * model bias and explainability: the job's role creates, invokes and deletes it.
 */
function grantShadowEndpoint(ctx: RenderContext, grantee: iam.IGrantable): void {
  const stack = Stack.of(ctx.scope);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:DeleteEndpointConfig', 'sagemaker:InvokeEndpoint', 'sagemaker:AddTags'],
    resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: 'sm-clarify-*' }), stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: 'sm-clarify-*' })],
  }));
}
