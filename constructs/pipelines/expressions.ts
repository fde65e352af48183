import { IResolvable, IResolveContext, Token, Tokenization } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue } from '../private/errors';
import type { Step } from './steps';
import { checkName, checkNow, STEP_NAME } from '../private/rules';

/**
 * What a pipeline expression needs from the pipeline: the steps whose properties it reads and the
 * parameters it uses. Kept per expression, so using a reference creates the dependency.
 */
export interface ExpressionSources {
  /** Names of the steps whose properties are read. */
  readonly steps: string[];
  /** Names of the parameters used. */
  readonly parameters: string[];
}

/**
 * A value that SageMaker Pipelines computes at run time (`{"Get": ...}`, `Std:Join`, `Std:JsonGet`),
 * carried through CDK code as a token: put it anywhere a string (or number) goes, e.g. an
 * `S3Location.fromUri(step.properties...)` or a hyperparameter, and the pipeline renders the
 * expression there (or a `Std:Join` when it is part of a longer string).
 */
export class PipelineExpression implements IResolvable {
  /** Whether `value` is (exactly) a pipeline expression token. */
  public static isExpression(value: unknown): value is PipelineExpression {
    return value instanceof PipelineExpression;
  }

  /**
   * @internal Makes an expression and records what it reads. `type` is the value's type at run time
   * (undefined where the definition does not say, e.g. a `Std:JsonGet`).
   */
  public static _of(json: unknown, steps: unknown[], parameters: string[], location?: unknown, type?: ParameterType): PipelineExpression {
    const expr = new PipelineExpression(json, type);
    expr._steps = new Set(steps);
    expr._parameters = new Set(parameters);
    expr._location = location;
    return expr;
  }

  public readonly creationStack: string[] = [];
  /** @internal The steps whose properties it reads. */
  public _steps: ReadonlySet<unknown> = new Set();
  /** @internal The parameters it uses. */
  public _parameters: ReadonlySet<string> = new Set();
  /** @internal Where the value points, for grants (e.g. a processing output's location). */
  public _location?: unknown;
  /** @internal The property files it reads with `Std:JsonGet` (step and file name). */
  public _propertyFileReads: ReadonlyArray<{ readonly step: Step; readonly file: string }> = [];
  /** @internal For a `Std:JsonGet` on an S3 URI: the URI's Join and the JSON path, checked at render. */
  public _s3JsonGet?: { readonly uri: PipelineExpression; readonly path: string };

  private constructor(
    /** The expression JSON, which may hold further tokens. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: free-form definition JSON
    public readonly json: any,
    /**
     * The value's type at run time: a parameter's type, a step property's type in the Describe*
     * response, a Lambda or callback output's declared type; String for `Std:Join` and execution
     * variables. Undefined where the definition does not say (`Std:JsonGet` reads untyped JSON).
     * Where a string is expected (hyperparameters, environment, container arguments), a non-string
     * value is rendered inside a `Std:Join` (the SDK's `to_string()`); where a number is expected, a
     * String value is refused at synth.
     */
    public readonly valueType?: ParameterType,
  ) {}

  /** The expression as a string token. */
  public toString(): string {
    return Token.asString(this);
  }

  /** The expression as a string token (for string-typed props). */
  public get asString(): string {
    return Token.asString(this);
  }

  /** The expression as a number token (for number-typed props). */
  public get asNumber(): number {
    return Token.asNumber(this);
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- IResolvable.resolve returns any
  public resolve(_context: IResolveContext): any {
    return this.json;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- free-form definition JSON (jsii has no JSON type)
  public toJSON(): any {
    return this.json;
  }
}

/** @internal Makes an expression reading the property `path` of `step`. */
export function stepProperty(step: { readonly name: string }, path: string, location?: unknown, type: ParameterType = ParameterType.STRING): PipelineExpression {
  return PipelineExpression._of({ Get: `Steps.${step.name}.${path}` }, [step], [], location, type);
}

/** The type of a pipeline parameter. */
export enum ParameterType {
  /** A string. */
  STRING = 'String',
  /** A whole number. */
  INTEGER = 'Integer',
  /** A number. */
  FLOAT = 'Float',
  /** true or false. */
  BOOLEAN = 'Boolean',
}

/** Options of a string parameter. */
export interface StringParameterOptions {
  /**
   * The value when an execution does not set it.
   * @default - no default: every execution must set it
   */
  readonly defaultValue?: string;
  /**
   * The only values allowed. Checked at synth for the default and for schedules' values, and
   * written into the definition as `EnumValues` (as the Python SDK does), so the service checks
   * each execution's value.
   * @default - any string
   */
  readonly enumValues?: string[];
}

/** Options of a numeric parameter. */
export interface NumberParameterOptions {
  /**
   * The value when an execution does not set it.
   * @default - no default
   */
  readonly defaultValue?: number;
}

/** Options of a boolean parameter. */
export interface BooleanParameterOptions {
  /**
   * The value when an execution does not set it.
   * @default - no default
   */
  readonly defaultValue?: boolean;
}

const PARAMETER_NAME = /^[A-Za-z0-9\-_]{1,256}$/;

/** A parameter of a pipeline, set per execution. Use `.value` (or `.asNumber`) in steps. */
export class PipelineParameter {
  /** A string parameter. */
  public static string(name: string, options: StringParameterOptions = {}): PipelineParameter {
    return new PipelineParameter(name, ParameterType.STRING, options.defaultValue, options.enumValues);
  }

  /** An integer parameter. */
  public static integer(name: string, options: NumberParameterOptions = {}): PipelineParameter {
    return new PipelineParameter(name, ParameterType.INTEGER, options.defaultValue);
  }

  /** A float parameter. */
  public static float(name: string, options: NumberParameterOptions = {}): PipelineParameter {
    return new PipelineParameter(name, ParameterType.FLOAT, options.defaultValue);
  }

  /** A boolean parameter. */
  public static boolean(name: string, options: BooleanParameterOptions = {}): PipelineParameter {
    return new PipelineParameter(name, ParameterType.BOOLEAN, options.defaultValue);
  }

  /** The reference to the parameter, as an expression. */
  public readonly expression: PipelineExpression;

  private constructor(
    /** The parameter's name. */
    public readonly name: string,
    /** The parameter's type. */
    public readonly type: ParameterType,
    /** The default value. */
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: a string, number or boolean by the parameter's type
    public readonly defaultValue?: any,
    /** Allowed values (strings). */
    public readonly enumValues?: string[],
  ) {
    this.expression = PipelineExpression._of({ Get: `Parameters.${name}` }, [], [name], undefined, type);
  }

  /** The parameter's value, as a string token. */
  public get value(): string {
    return this.expression.asString;
  }

  /** The parameter's value, as a number token. */
  public get asNumber(): number {
    return this.expression.asNumber;
  }

  /** @internal Checks the definition; returns problems. */
  public _problems(): string[] {
    const problems: string[] = [];
    if (!PARAMETER_NAME.test(this.name)) problems.push(`invalid parameter name ${describeValue(this.name)}: use 1-256 letters, digits, '-' or '_'`);
    const d = this.defaultValue;
    if (d !== undefined) {
      const ok = this.type === ParameterType.STRING ? typeof d === 'string'
        : this.type === ParameterType.BOOLEAN ? typeof d === 'boolean'
          : this.type === ParameterType.INTEGER ? Number.isInteger(d) : typeof d === 'number' && Number.isFinite(d);
      if (!ok) problems.push(`parameter ${describeValue(this.name)} of type ${this.type} has the default ${describeValue(d)}: use a ${this.type.toLowerCase()} value`);
    }
    if (this.enumValues) {
      if (this.enumValues.length === 0) problems.push(`parameter ${describeValue(this.name)} has an empty enumValues list`);
      if (d !== undefined && !this.enumValues.includes(d)) problems.push(`parameter ${describeValue(this.name)} has the default ${describeValue(d)}, which is not one of its enumValues ${describeValue(this.enumValues)}`);
    }
    return problems;
  }

  /** @internal The definition JSON. */
  public _render(): Record<string, unknown> {
    const out: Record<string, unknown> = { Name: this.name, Type: this.type };
    if (this.defaultValue !== undefined) out.DefaultValue = this.defaultValue;
    if (this.type === ParameterType.STRING && this.enumValues?.length) out.EnumValues = this.enumValues;
    return out;
  }
}

/** Values of the running execution. */
export class ExecutionVariable {
  /** The pipeline's name. */
  public static readonly PIPELINE_NAME = ExecutionVariable.of('PipelineName');
  /** The pipeline's ARN. */
  public static readonly PIPELINE_ARN = ExecutionVariable.of('PipelineArn');
  /** The execution's ID. */
  public static readonly PIPELINE_EXECUTION_ID = ExecutionVariable.of('PipelineExecutionId');
  /** The execution's ARN. */
  public static readonly PIPELINE_EXECUTION_ARN = ExecutionVariable.of('PipelineExecutionArn');
  /** When the execution started. */
  public static readonly START_DATETIME = ExecutionVariable.of('StartDateTime');
  /** The current time. */
  public static readonly CURRENT_DATETIME = ExecutionVariable.of('CurrentDateTime');
  /**
   * The name of the training job the current step runs (`Execution.TrainingJobName`): meaningful
   * inside a training step's own arguments (e.g. an environment value or a hyperparameter), as the
   * SDK's ExecutionVariables.TRAINING_JOB_NAME.
   */
  public static readonly TRAINING_JOB_NAME = ExecutionVariable.of('TrainingJobName');
  /**
   * The name of the processing job the current step runs (`Execution.ProcessingJobName`):
   * meaningful inside a processing step's own arguments, as the SDK's ExecutionVariables.PROCESSING_JOB_NAME.
   */
  public static readonly PROCESSING_JOB_NAME = ExecutionVariable.of('ProcessingJobName');

  private static of(name: string): string {
    return PipelineExpression._of({ Get: `Execution.${name}` }, [], [], undefined, ParameterType.STRING).asString;
  }

  private constructor() {}
}

/**
 * The experiment and trial (run group) names of the running execution, as the pipeline's
 * `experiment` setting names them (`{"Get": "PipelineExperimentConfig.ExperimentName"}`, the SDK's
 * PipelineExperimentConfigProperties). Refused at synth in a pipeline without an experiment.
 */
export class PipelineExperimentProperty {
  /** The experiment's name. */
  public static readonly EXPERIMENT_NAME = PipelineExperimentProperty.of('ExperimentName');
  /** The trial's (run group's) name. */
  public static readonly TRIAL_NAME = PipelineExperimentProperty.of('TrialName');

  private static of(name: string): string {
    return PipelineExpression._of({ Get: `PipelineExperimentConfig.${name}` }, [], [], undefined, ParameterType.STRING).asString;
  }

  private constructor() {}
}

/** A JSON file a processing step writes, which later steps read with `PipelineFunctions.jsonGet`. */
export class PropertyFile {
  constructor(
    /** The property file's name (unique in the step). */
    public readonly name: string,
    /** The processing output the file is written to. */
    public readonly outputName: string,
    /** The file's path inside that output. */
    public readonly path: string,
  ) {}
}

/** Expressions computed by SageMaker Pipelines. */
export class PipelineFunctions {
  /** Joins values (strings, parameters, properties) with `on`, at run time (`Std:Join`). */
  public static join(values: string[], on: string = ''): string {
    // The values of a Std:Join take any type: a parameter or property stands there as itself.
    const parts = values.map(anyTypeSlot);
    // A join that starts with a located URI (a processing output) points under that location, for grants.
    const first = parts[0] instanceof PipelineExpression ? parts[0]._location : undefined;
    return PipelineExpression._of({ 'Std:Join': { On: on, Values: parts } }, [], [], first, ParameterType.STRING).asString;
  }

  /**
   * Reads `jsonPath` (e.g. `metrics.auc.value`) from a property file of a processing step
   * (`Std:JsonGet`). Using it makes the reader depend on the step.
   */
  public static jsonGet(step: Step, propertyFile: PropertyFile, jsonPath: string): string {
    (step as { _referencedPropertyFiles?: Set<string> })._referencedPropertyFiles?.add(propertyFile.name);
    const expr = PipelineExpression._of({
      'Std:JsonGet': { PropertyFile: { Get: `Steps.${step.name}.PropertyFiles.${propertyFile.name}` }, Path: jsonPath },
    }, [step], []);
    // Checked when the pipeline renders: only processing steps have property files.
    expr._propertyFileReads = [{ step, file: propertyFile.name }];
    return expr.asString;
  }

  /**
   * Reads `jsonPath` from a JSON file in S3 (`Std:JsonGet` with `S3Uri`, the SDK's JsonGet with
   * `s3_uri`), e.g. `PipelineFunctions.jsonGetFromS3(PipelineFunctions.join([evaluate.outputUri('report'), 'evaluation.json'], '/'), 'metrics.auc.value')`.
   * The URI is rendered as a `Std:Join` (the SDK accepts only a Join there) whose values are
   * literals, parameters, execution variables or step properties; the steps whose properties it
   * reads become dependencies. The pipeline's role may read the file when the URI points under a
   * known location (a step output); otherwise grant it with `grantRead` on the bucket.
   */
  public static jsonGetFromS3(s3Uri: string, jsonPath: string): string {
    const slot = anyTypeSlot(s3Uri);
    let join: PipelineExpression;
    if (slot instanceof PipelineExpression && slot.json && typeof slot.json === 'object' && 'Std:Join' in slot.json) {
      join = slot;
    } else {
      // A literal URI, one property or a string mixing them: the SDK's Join of its parts.
      join = PipelineExpression._of({ 'Std:Join': { On: '', Values: [slot] } }, [], [], slot instanceof PipelineExpression ? slot._location : undefined, ParameterType.STRING);
    }
    const expr = PipelineExpression._of({ 'Std:JsonGet': { S3Uri: join, Path: jsonPath } }, [], [], join._location);
    expr._s3JsonGet = { uri: join, path: jsonPath };
    return expr.asString;
  }

  private constructor() {}
}

/**
 * @internal A value for a place that takes any type (condition operands, `Std:Join` values, Lambda
 * and callback inputs): a string or number that is exactly one expression becomes that expression,
 * which renders as itself, never converted to a string. Arrays and plain objects are mapped.
 */
export function anyTypeSlot(value: unknown): unknown {
  if (typeof value === 'string' && Token.isUnresolved(value)) {
    const fragments = Tokenization.reverseString(value);
    if (fragments.length === 1 && fragments.firstToken instanceof PipelineExpression) return fragments.firstToken;
    return value;
  }
  if (typeof value === 'number' && Token.isUnresolved(value)) {
    const token = Tokenization.reverseNumber(value);
    return token instanceof PipelineExpression ? token : value;
  }
  if (Array.isArray(value)) return value.map(anyTypeSlot);
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, anyTypeSlot(v)]));
  }
  return value;
}

/** @internal Throws unless the step name meets the service's rule. */
export function validateStepName(scope: IConstruct, name: string): void {
  checkNow(scope, 'step name', (p) => {
    // Step names key the definition's references: they must be known at synth.
    if (Token.isUnresolved(name)) p.add(`step name ${describeValue(name)} is a token: use a literal name`);
    else checkName(p, 'step name', name, STEP_NAME);
  });
}
