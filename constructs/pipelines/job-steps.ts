// Job steps: processing, training, tuning and batch transform, from the same specs as deploy-time jobs.
import { Token } from 'aws-cdk-lib';
import { ParameterType, PipelineExpression, PropertyFile, stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { integer } from '../private/rules';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { ProcessingSpec } from '../training/processing-spec';
import { S3Location } from '../core/s3-location';
import { TrainingSpec } from '../training/training-spec';
import { HyperparameterTuningSpec, TuningStrategy } from '../training/tuning-spec';
import { JobStepOptions, RenderContext, Step } from './step';
import { allowJobs, jobRoleOf, renderJobArguments, StepBody } from './private/step-render';

/** How many of its best training jobs a tuning step reports (TrainingJobSummaries). */
const MAX_TOP_K = 50;

/** Properties of a ProcessingStep. */
export interface ProcessingStepProps extends JobStepOptions {
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
  public _renderBody(ctx: RenderContext): StepBody {
    const args = renderJobArguments(ctx, this._options, this.props.spec, 'processing-job', ['sagemaker:CreateProcessingJob', 'sagemaker:DescribeProcessingJob', 'sagemaker:StopProcessingJob']);
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
export interface TrainingStepProps extends JobStepOptions {
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
  public _renderBody(ctx: RenderContext): StepBody {
    return { Arguments: renderJobArguments(ctx, this._options, this.props.spec, 'training-job', ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob']) };
  }
}

/** Properties of a TuningStep. */
export interface TuningStepProps extends JobStepOptions {
  /** The tuning job to run. */
  readonly spec: HyperparameterTuningSpec;
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
    return { Arguments: renderJobArguments(ctx, this._options, this.props.spec, 'hyper-parameter-tuning-job', ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:ListTrainingJobsForHyperParameterTuningJob']) };
  }
}

/** Properties of a TransformStep. */
export interface TransformStepProps extends JobStepOptions {
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
  public _renderBody(ctx: RenderContext): StepBody {
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
    return {
      Arguments: prune({
        ModelName: this.props.modelName,
        TransformInput: {
          DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: this.props.input.uri } },
          ContentType: this.props.contentType,
          SplitType: this.props.splitType,
        },
        TransformOutput: { S3OutputPath: this.props.output.uri, Accept: this.props.accept, AssembleWith: this.props.assembleWith },
        TransformResources: { InstanceType: this.props.instanceType.name, InstanceCount: count },
      }),
    };
  }
}
