// Job steps: processing, training, tuning and batch transform, from the same specs as deploy-time jobs.
import { Token } from 'aws-cdk-lib';
import { ParameterType, PipelineExpression, PropertyFile, stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { checkName, integer, SAGEMAKER_NAME, TUNING_JOB_NAME } from '../private/rules';
import { describeValue } from '../private/errors';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { ProcessingSpec } from '../training/processing-spec';
import { S3Location } from '../core/s3-location';
import { TrainingSpec } from '../training/training-spec';
import { HyperparameterTuningSpec, TuningStrategy } from '../training/tuning-spec';
import { JobStepOptions, RenderContext, Step } from './step';
import { allowJobs, jobRoleOf, renderJobArguments, StepBody } from './private/step-render';
import { describePropertyType } from './private/describe-properties';

/**
 * Options of steps whose jobs the service names: the SDK's PipelineDefinitionConfig
 * `use_custom_job_prefix`.
 */
export interface JobNamePrefixOptions {
  /**
   * A prefix of the names of the jobs (or models) this step creates: rendered as the request's name
   * member (`TrainingJobName`, `ProcessingJobName`, `HyperParameterTuningJobName`,
   * `TransformJobName`, `ModelName`), which the service uses as the prefix of the name it generates
   * per execution, as the SDK keeps its base job name with `PipelineDefinitionConfig(use_custom_job_prefix=True)`.
   * Useful with IAM policies or SCPs that allow job names by prefix. A literal in the name
   * rule of the job (letters, digits, hyphens; at most 32 characters for tuning, 63 otherwise).
   * @default - the service generates the whole name (the SDK's default: the name is dropped from the definition)
   */
  readonly jobNamePrefix?: string;
}

/**
 * @internal A step property (`Steps.<name>.<path>`) typed from the step's Describe* response; a
 * path that is not in the response is recorded in `problems`, reported when the pipeline renders.
 */
export function typedStepProperty(step: Step, path: string, problems: string[]): PipelineExpression {
  const found = describePropertyType(step.type, path);
  if (found.error) problems.push(`property('${path}') of step '${step.name}': ${found.error}`);
  return stepProperty(step, path, undefined, found.type);
}

/** @internal The job-name prefix as the request's name member, checked. */
export function jobNamePrefix(ctx: RenderContext, step: Step, member: string, prefix: string | undefined, tuning = false): { [member: string]: string } {
  if (prefix === undefined) return {};
  if (Token.isUnresolved(prefix)) {
    ctx.problems.add(`jobNamePrefix of step '${step.name}' is ${describeValue(prefix)}, a deploy- or run-time value: the prefix is part of the definition; use a literal`);
  } else {
    checkName(ctx.problems, `jobNamePrefix of step '${step.name}'`, prefix, tuning ? TUNING_JOB_NAME : SAGEMAKER_NAME);
  }
  return { [member]: prefix };
}

/** How many of its best training jobs a tuning step reports (TrainingJobSummaries). */
const MAX_TOP_K = 50;

/** Properties of a ProcessingStep. */
export interface ProcessingStepProps extends JobStepOptions, JobNamePrefixOptions {
  /** The job to run. */
  readonly spec: ProcessingSpec;
  /**
   * JSON files the job writes that later steps read with `PipelineFunctions.jsonGet`.
   * @default - none
   */
  readonly propertyFiles?: PropertyFile[];
}

/** Runs a processing job. */
export class ProcessingStep extends Step {
  public readonly type = 'Processing';
  constructor(name: string, private readonly props: ProcessingStepProps) {
    super(name, props);
  }

  /** @internal Names used with outputUri / jsonGet, checked when the pipeline renders. */
  public readonly _referencedOutputs = new Set<string>();
  /** @internal */
  public readonly _referencedPropertyFiles = new Set<string>();

  /** The S3 URI a named output was uploaded to. */
  public outputUri(outputName: string): string {
    this._referencedOutputs.add(outputName);
    const output = (this.props.spec.props.outputs ?? []).find((o) => o.name === outputName);
    return stepProperty(this, `ProcessingOutputConfig.Outputs['${outputName}'].S3Output.S3Uri`, output?.location).asString;
  }

  /** The processing job's name. */
  public get processingJobName(): string {
    return stepProperty(this, 'ProcessingJobName').asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeProcessingJob response (e.g. `ProcessingEndTime`,
   * `ProcessingResources.ClusterConfig.InstanceCount`), typed from the API model; a path the
   * response does not have is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    this._propertyProblems.forEach((p) => ctx.problems.add(p));
    const spec = renderJobArguments(ctx, this._options, this.props.spec, 'processing-job', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
    const args = { ...jobNamePrefix(ctx, this, 'ProcessingJobName', this.props.jobNamePrefix), ...spec };
    const outputs = this.props.spec.props.outputs ?? [];
    const files = this.props.propertyFiles ?? [];
    for (const name of this._referencedOutputs) {
      if (!outputs.some((o) => o.name === name)) ctx.problems.add(`outputUri('${name}') of step '${this.name}': the processing spec has no such output (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`);
    }
    for (const name of this._referencedPropertyFiles) {
      if (!files.some((f) => f.name === name)) ctx.problems.add(`jsonGet reads the property file '${name}' of step '${this.name}', which the step does not declare (propertyFiles: ${files.map((f) => f.name).join(', ') || 'none'})`);
    }
    const seen = new Set<string>();
    for (const f of files) {
      if (seen.has(f.name)) ctx.problems.add(`step '${this.name}' declares the property file '${f.name}' twice`);
      seen.add(f.name);
      const output = outputs.find((o) => o.name === f.outputName);
      if (!output) ctx.problems.add(`property file '${f.name}' of step '${this.name}' names the output '${f.outputName}', which the processing spec does not have (outputs: ${outputs.map((o) => o.name).join(', ') || 'none'})`);
      // The pipeline itself reads property files from the output location.
      else output.location.grantRead(ctx.pipelineGrantee);
    }
    return {
      Arguments: args,
      PropertyFiles: files.length ? files.map((f) => ({ PropertyFileName: f.name, OutputName: f.outputName, FilePath: f.path })) : undefined,
    };
  }
}

/** Properties of a TrainingStep. */
export interface TrainingStepProps extends JobStepOptions, JobNamePrefixOptions {
  /** The job to run: the same spec a deploy-time `TrainingJob` runs. */
  readonly spec: TrainingSpec;
}

/** Runs a training job. */
export class TrainingStep extends Step {
  public readonly type = 'Training';
  constructor(name: string, private readonly props: TrainingStepProps) {
    super(name, props);
  }

  /** The S3 URI of the model artifact. */
  public get modelArtifacts(): string {
    return stepProperty(this, 'ModelArtifacts.S3ModelArtifacts', this.props.spec.props.outputLocation).asString;
  }

  /** The training job's name. */
  public get trainingJobName(): string {
    return stepProperty(this, 'TrainingJobName').asString;
  }

  /** A final metric the job reported (e.g. `validation:auc`). */
  public finalMetric(metricName: string): string {
    return stepProperty(this, `FinalMetricDataList['${metricName}'].Value`, undefined, ParameterType.FLOAT).asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeTrainingJob response the DSL does not wrap (e.g.
   * `FinalMetricDataList[0].Value`, a Float; `BillableTimeInSeconds`, an Integer;
   * `ModelArtifacts.S3ModelArtifacts`), typed from the API model: use `.asString` or `.asNumber`
   * where it goes. A path the response does not have is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    this._propertyProblems.forEach((p) => ctx.problems.add(p));
    const args = renderJobArguments(ctx, this._options, this.props.spec, 'training-job', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']);
    return { Arguments: { ...jobNamePrefix(ctx, this, 'TrainingJobName', this.props.jobNamePrefix), ...args } };
  }
}

/** One of several training definitions of a tuning step (`TrainingJobDefinitions`). */
export interface TuningDefinition {
  /** The definition's name (`DefinitionName`): 1-64 letters, digits or hyphens, unique in the step. */
  readonly definitionName: string;
  /**
   * The definition: its training spec, objective metric and ranges (its strategy, limits, early
   * stopping and warm start are the step's `spec`'s, which the job shares).
   */
  readonly spec: HyperparameterTuningSpec;
}

/** Properties of a TuningStep. */
export interface TuningStepProps extends JobStepOptions, JobNamePrefixOptions {
  /**
   * The tuning job to run. With `definitions`, only its job-level settings (strategy, maxJobs,
   * maxParallelJobs, maxRuntime, earlyStopping, warm start, tags) and its objective's type apply.
   */
  readonly spec: HyperparameterTuningSpec;
  /**
   * Several training definitions (2 to 10: `TrainingJobDefinitions`, the SDK's
   * `HyperparameterTuner.create(estimator_dict=...)`), each with its own training spec, objective
   * metric and ranges. The objective type is shared (the spec's).
   * @default - one definition, the spec's (`TrainingJobDefinition`)
   */
  readonly definitions?: TuningDefinition[];
}

/** Runs a hyperparameter tuning job. */
export class TuningStep extends Step {
  public readonly type = 'Tuning';
  constructor(name: string, private readonly props: TuningStepProps) {
    super(name, props);
  }

  /** The name of the best training job. */
  public get bestTrainingJobName(): string {
    return stepProperty(this, 'BestTrainingJob.TrainingJobName').asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeHyperParameterTuningJob or ListTrainingJobsForHyperParameterTuningJob
   * response (e.g. `BestTrainingJob.FinalHyperParameterTuningJobObjectiveMetric.Value`, a Float;
   * `TrainingJobSummaries[0].TrainingJobDefinitionName`), typed from the API model. A path neither
   * response has is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public readonly _topK: number[] = [];

  /**
   * The S3 URI of the model artifact of the k-th best trial (0 = best), under the spec's output location.
   */
  public topModelArtifacts(k: number = 0): string {
    this._topK.push(k);
    const output = this.props.spec.props.trainingSpec.props.outputLocation.uri;
    return PipelineExpression._of({
      'Std:Join': { On: '/', Values: [output.replace(/\/+$/, ''), { Get: `Steps.${this.name}.TrainingJobSummaries[${k}].TrainingJobName` }, 'output/model.tar.gz'] },
    }, [this], [], this.props.spec.props.trainingSpec.props.outputLocation, ParameterType.STRING).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    // The step keeps the 50 best training jobs (TrainingJobSummaries), and never more than it runs.
    const spec = this.props.spec.props;
    const maxJobs = spec.strategy !== TuningStrategy.GRID && !Token.isUnresolved(spec.maxJobs ?? 10) ? spec.maxJobs ?? 10 : undefined;
    const limit = Math.min(MAX_TOP_K, maxJobs ?? MAX_TOP_K);
    for (const k of new Set(this._topK)) {
      if (Token.isUnresolved(k)) ctx.problems.add(`topModelArtifacts of step '${this.name}' got a deploy-time value: the rank indexes the definition's TrainingJobSummaries and must be a literal`);
      else if (!Number.isInteger(k) || k < 0 || k >= limit) ctx.problems.add(`topModelArtifacts(${k}) of step '${this.name}': use a whole rank from 0 (the best) to ${limit - 1} (the step keeps the ${MAX_TOP_K} best jobs${maxJobs !== undefined && maxJobs < MAX_TOP_K ? ` and runs at most maxJobs ${maxJobs}` : ''})`);
    }
    this._propertyProblems.forEach((p) => ctx.problems.add(p));
    const actions = ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob'];
    const args = renderJobArguments(ctx, this._options, this.props.spec, 'hyper-parameter-tuning-job', actions) as Record<string, unknown>;
    const name = jobNamePrefix(ctx, this, 'HyperParameterTuningJobName', this.props.jobNamePrefix, true);
    const definitions = this.props.definitions;
    if (definitions === undefined) return { Arguments: { ...name, ...args } };
    // The k-th best job may come from any definition: its artifact is under that definition's output location.
    const output = this.props.spec.props.trainingSpec.props.outputLocation.uri;
    const others = definitions.filter((d) => d.spec.props.trainingSpec.props.outputLocation.uri !== output).map((d) => d.definitionName);
    if (this._topK.length && others.length) {
      ctx.problems.add(`topModelArtifacts of step '${this.name}' builds the artifact URI under the spec's output location, but the training definitions ${others.map((n) => `'${n}'`).join(', ')} write elsewhere: give every definition the same outputLocation, or read the artifact with property('BestTrainingJob.TrainingJobName') and the definition's location`);
    }
    return { Arguments: { ...name, ...this.renderDefinitions(ctx, args, definitions) } };
  }

  /**
   * The SDK's multi-algorithm request: the job config without objective and ranges, and
   * `TrainingJobDefinitions`, each with its DefinitionName, TuningObjective and HyperParameterRanges.
   */
  private renderDefinitions(ctx: RenderContext, args: Record<string, unknown>, definitions: TuningDefinition[]): Record<string, unknown> {
    if (definitions.length < 2 || definitions.length > 10) ctx.problems.add(`step '${this.name}' has ${definitions.length} training definitions: use 2 to 10 (or one spec without definitions)`);
    const { role, grantee } = jobRoleOf(this._options, ctx);
    const objectiveType = this.props.spec.props.objective.type;
    const names = new Set<string>();
    const rendered = definitions.map((d, i) => {
      const at = `definitions[${i}] of step '${this.name}'`;
      if (Token.isUnresolved(d.definitionName) || !/^[a-zA-Z0-9-]{1,64}$/.test(d.definitionName)) ctx.problems.add(`invalid definitionName ${describeValue(d.definitionName)} in ${at}: use 1-64 letters, digits or hyphens`);
      if (names.has(d.definitionName)) ctx.problems.add(`step '${this.name}' has two training definitions named ${describeValue(d.definitionName)}: names are unique`);
      names.add(d.definitionName);
      if (d.spec.props.objective.type !== objectiveType) ctx.problems.add(`${at} ${describeValue(d.definitionName)} ${d.spec.props.objective.type}s its objective while the step's spec ${objectiveType}s: a tuning job has one objective type`);
      d.spec.grantTo(ctx.scope, grantee);
      const request = d.spec._render(ctx.scope, { role }, ctx.problems);
      if (!request) return {};
      return prune({
        DefinitionName: d.definitionName,
        TuningObjective: request.HyperParameterTuningJobConfig?.HyperParameterTuningJobObjective,
        HyperParameterRanges: request.HyperParameterTuningJobConfig?.ParameterRanges,
        ...request.TrainingJobDefinition,
      });
    });
    const { TrainingJobDefinition: _single, HyperParameterTuningJobConfig: config, ...rest } = args as Record<string, unknown>;
    const { HyperParameterTuningJobObjective: _objective, ParameterRanges: _ranges, ...jobConfig } = (config ?? {}) as Record<string, unknown>;
    return { ...rest, HyperParameterTuningJobConfig: jobConfig, TrainingJobDefinitions: rendered };
  }
}

/** What a transform step's input location holds (`S3DataType`). */
export enum TransformDataType {
  /** Every object under the prefix. */
  S3_PREFIX = 'S3Prefix',
  /** A manifest file listing the objects to transform. */
  MANIFEST_FILE = 'ManifestFile',
  /** An augmented manifest (JSON Lines, one record per line with its attributes). */
  AUGMENTED_MANIFEST_FILE = 'AugmentedManifestFile',
}

/** Whether a transform joins its output records with their input (`JoinSource`). */
export enum TransformJoinSource {
  /** Output only. */
  NONE = 'None',
  /** Each output record joined with its input record (JSON or CSV). */
  INPUT = 'Input',
}

/** Record filtering and joining of a transform (`DataProcessing`, the SDK's input_filter / output_filter / join_source). */
export interface TransformDataProcessing {
  /**
   * A JSONPath selecting what each input record sends to the model (e.g. `$.features`, `$[1:]`), at most 63 characters.
   * @default - the whole record
   */
  readonly inputFilter?: string;
  /**
   * A JSONPath selecting what is written per record (e.g. `$['id','SageMakerOutput']`), at most 63 characters.
   * @default - the whole (joined) record
   */
  readonly outputFilter?: string;
  /**
   * Join each output with its input.
   * @default TransformJoinSource.NONE
   */
  readonly joinSource?: TransformJoinSource;
}

/** Properties of a TransformStep. */
export interface TransformStepProps extends JobStepOptions, JobNamePrefixOptions {
  /** The model's name, e.g. `modelStep.modelName`. */
  readonly modelName: string;
  /** The input data. */
  readonly input: S3Location;
  /** Where results go. */
  readonly output: S3Location;
  /** Instance type. */
  readonly instanceType: InstanceType;
  /**
   * Number of instances.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * MIME type of the input.
   * @default - none
   */
  readonly contentType?: string;
  /**
   * How input files are split into records.
   * @default 'None'
   */
  readonly splitType?: string;
  /**
   * MIME type of the output.
   * @default - none
   */
  readonly accept?: string;
  /**
   * How output records are assembled ('None' or 'Line').
   * @default 'None'
   */
  readonly assembleWith?: string;
  /**
   * What the input location holds: objects under a prefix, a manifest file or an augmented
   * manifest. For a manifest, the job's role may read the manifest (input); grant it the objects
   * the manifest lists if they are elsewhere.
   * @default TransformDataType.S3_PREFIX
   */
  readonly inputDataType?: TransformDataType;
  /**
   * Input and output filters and joining (for JSON Lines or CSV records, e.g. an augmented manifest).
   * @default - none
   */
  readonly dataProcessing?: TransformDataProcessing;
  /**
   * Compression of the input ('None' or 'Gzip').
   * @default 'None'
   */
  readonly compressionType?: string;
}

/** Runs a batch transform job. */
export class TransformStep extends Step {
  public readonly type = 'Transform';
  constructor(name: string, private readonly props: TransformStepProps) {
    super(name, props);
  }

  /** The S3 URI of the results. */
  public get outputUri(): string {
    return stepProperty(this, 'TransformOutput.S3OutputPath', this.props.output).asString;
  }

  /** @internal */
  public readonly _propertyProblems: string[] = [];

  /**
   * Any member of the DescribeTransformJob response (e.g. `TransformEndTime`,
   * `TransformResources.InstanceCount`), typed from the API model; a path the response does not
   * have is refused at synth.
   */
  public property(path: string): PipelineExpression {
    return typedStepProperty(this, path, this._propertyProblems);
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    this._propertyProblems.forEach((p) => ctx.problems.add(p));
    const { grantee } = jobRoleOf(this._options, ctx);
    ctx.problems.addIf(this.props.input._uriProblem(`input of step '${this.name}'`));
    ctx.problems.addIf(this.props.output._uriProblem(`output of step '${this.name}'`));
    this.props.input.grantRead(grantee);
    this.props.output.grantWrite(grantee);
    allowJobs(ctx, 'transform-job', ['sagemaker:CreateTransformJob', 'sagemaker:DescribeTransformJob', 'sagemaker:StopTransformJob']);
    ctx.problems.addIf(this.props.instanceType._problem(`instance type of step '${this.name}'`, InstanceUse.TRANSFORM));
    if (this.props.splitType !== undefined && !['None', 'Line', 'RecordIO', 'TFRecord'].includes(this.props.splitType)) ctx.problems.add(`step '${this.name}' has splitType '${this.props.splitType}': use None, Line, RecordIO or TFRecord`);
    if (this.props.assembleWith !== undefined && !['None', 'Line'].includes(this.props.assembleWith)) ctx.problems.add(`step '${this.name}' has assembleWith '${this.props.assembleWith}': use None or Line`);
    const count = this.props.instanceCount ?? 1;
    // a pipeline parameter (a token) is checked by the service at run time, never read as a number here
    integer(ctx.problems, `instanceCount of step '${this.name}'`, count, 1, Number.MAX_SAFE_INTEGER);
    if (this.props.compressionType !== undefined && !['None', 'Gzip'].includes(this.props.compressionType)) ctx.problems.add(`step '${this.name}' has compressionType '${this.props.compressionType}': use None or Gzip`);
    const dp = this.props.dataProcessing;
    for (const [prop, filter] of [['inputFilter', dp?.inputFilter], ['outputFilter', dp?.outputFilter]] as const) {
      if (filter === undefined || Token.isUnresolved(filter)) continue;
      if (filter.length > 63 || !filter.startsWith('$')) ctx.problems.add(`dataProcessing.${prop} of step '${this.name}' is ${describeValue(filter)}: use a JSONPath starting with '$', at most 63 characters`);
    }
    const name = jobNamePrefix(ctx, this, 'TransformJobName', this.props.jobNamePrefix);
    return {
      Arguments: prune({
        ...name,
        ModelName: this.props.modelName,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: this.props.inputDataType ?? TransformDataType.S3_PREFIX, S3Uri: this.props.input.uri } },
          ContentType: this.props.contentType,
          CompressionType: this.props.compressionType,
          SplitType: this.props.splitType,
        },
        TransformOutput: { S3OutputPath: this.props.output.uri, Accept: this.props.accept, AssembleWith: this.props.assembleWith },
        TransformResources: { InstanceType: this.props.instanceType.name, InstanceCount: count },
        DataProcessing: dp && (dp.inputFilter !== undefined || dp.outputFilter !== undefined || dp.joinSource !== undefined)
          ? { InputFilter: dp.inputFilter, OutputFilter: dp.outputFilter, JoinSource: dp.joinSource }
          : undefined,
      }),
    };
  }
}
