import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { RenderOptions, TrainingSpec } from './training-spec';
import { describeValue, ProblemList } from '../private/errors';
import type { CreateHyperParameterTuningJobRequest } from '@aws-sdk/client-sagemaker';
import { prune, renderTags } from '../private/job-render';
import { checkName, checkNow, checkTags, integer, seconds, TUNING_JOB_NAME } from '../private/rules';

/** Range names and values (ParameterKey, ParameterValue): at most 256 characters. */
const MAX_PARAMETER_STRING = 256;
/** The most trials a tuning job may run, as this library checks `maxJobs`. */
const MAX_JOBS = 10000;

/** Whether `n` is a number known at synth (not undefined, not a token). */
function literal(n: number | undefined): n is number {
  return n !== undefined && !Token.isUnresolved(n);
}

/** `n` when it is known at synth, else `otherwise` (a token's worst case). */
function literalOr(n: number, otherwise: number): number {
  return Token.isUnresolved(n) ? otherwise : n;
}

/**
 * The objective of an image that is not a built-in algorithm must be one of the metrics its spec
 * defines: SageMaker reads only those from its logs. Built-in algorithms publish their own metrics;
 * an algorithm resource (`algorithmName`) declares its own; an image unknown at synth passes.
 */
function checkObjectiveMetric(problems: ProblemList, metricName: string, trainingSpec: TrainingSpec): void {
  const image = trainingSpec.props.image;
  const facts = image?._facts();
  if (!facts?.known || facts.builtInAlgorithm || Token.isUnresolved(metricName)) return;
  const names = (trainingSpec.props.metricDefinitions ?? []).map((m) => m.name);
  if (names.some((n) => Token.isUnresolved(n)) || names.includes(metricName)) return;
  const defined = names.length ? `defines only ${names.map((n) => describeValue(n)).join(', ')}` : 'defines no metric';
  problems.add(`objective.metricName ${describeValue(metricName)} is not a metric of the training spec: its image (${facts.description}) is not a built-in algorithm, so SageMaker reads only the spec's metricDefinitions, and the spec ${defined}; add a metric definition named ${describeValue(metricName)} or optimize one of those`);
}

/** How a tuning job picks the next hyperparameters. */
export enum TuningStrategy {
  /** Bayesian optimization. */
  BAYESIAN = 'Bayesian',
  /** Random search. */
  RANDOM = 'Random',
  /** Hyperband: stops poor configurations early (needs a resource hyperparameter such as epochs). */
  HYPERBAND = 'Hyperband',
  /** Every combination of categorical values. */
  GRID = 'Grid',
}

/** Whether the objective metric should go up or down. */
export enum ObjectiveType {
  /** Higher is better (e.g. AUC). */
  MAXIMIZE = 'Maximize',
  /** Lower is better (e.g. RMSE). */
  MINIMIZE = 'Minimize',
}

/** How a numeric range is searched. */
export enum ScalingType {
  /** SageMaker chooses. */
  AUTO = 'Auto',
  /** Evenly. */
  LINEAR = 'Linear',
  /** On a log scale (min > 0). */
  LOGARITHMIC = 'Logarithmic',
  /** Dense near 1 (continuous ranges in [0, 1)). */
  REVERSE_LOGARITHMIC = 'ReverseLogarithmic',
}

/** How a warm start reuses earlier tuning jobs. */
export enum WarmStartType {
  /** Same data and algorithm. */
  IDENTICAL_DATA_AND_ALGORITHM = 'IdenticalDataAndAlgorithm',
  /** Different data, ranges or algorithm version. */
  TRANSFER_LEARNING = 'TransferLearning',
}

/** A range of one tuned hyperparameter. */
export class HyperparameterRange {
  /** Whole numbers from min to max. */
  public static integer(name: string, min: number, max: number, scaling?: ScalingType): HyperparameterRange {
    return new HyperparameterRange('Integer', name, min, max, undefined, scaling);
  }

  /** Real numbers from min to max. */
  public static continuous(name: string, min: number, max: number, scaling?: ScalingType): HyperparameterRange {
    return new HyperparameterRange('Continuous', name, min, max, undefined, scaling);
  }

  /** One of the values (1 to 30, each at most 256 characters). */
  public static categorical(name: string, values: string[]): HyperparameterRange {
    return new HyperparameterRange('Categorical', name, undefined, undefined, values, undefined);
  }

  private constructor(
    /** 'Integer', 'Continuous' or 'Categorical'. */
    public readonly kind: string,
    /** The hyperparameter's name. */
    public readonly name: string,
    /** Minimum (numeric ranges). */
    public readonly min?: number,
    /** Maximum (numeric ranges). */
    public readonly max?: number,
    /** Values (categorical ranges). */
    public readonly values?: string[],
    /** Scaling (numeric ranges). */
    public readonly scaling?: ScalingType,
  ) {}
}

/** The metric a tuning job optimizes. */
export interface TuningObjective {
  /** The metric, e.g. `validation:auc` for built-in algorithms, or one of the spec's metric definitions. */
  readonly metricName: string;
  /** Maximize or minimize. */
  readonly type: ObjectiveType;
}

/** Properties of a HyperparameterTuningSpec. */
export interface HyperparameterTuningSpecProps {
  /** The training job each trial runs; its hyperparameters are the static ones. */
  readonly trainingSpec: TrainingSpec;
  /** What to optimize. */
  readonly objective: TuningObjective;
  /** The tuned hyperparameters (at most 30 in all). */
  readonly ranges: HyperparameterRange[];
  /**
   * Search strategy.
   * @default TuningStrategy.BAYESIAN
   */
  readonly strategy?: TuningStrategy;
  /**
   * Trials in all (not for GRID, which runs every combination).
   * @default 10
   */
  readonly maxJobs?: number;
  /**
   * Trials at once.
   * @default 2
   */
  readonly maxParallelJobs?: number;
  /**
   * Stop the whole tuning job after this long (2 minutes to 30 days).
   * @default - no limit beyond each trial's
   */
  readonly maxRuntime?: Duration;
  /**
   * Stop trials that are unlikely to beat the best one (not with HYPERBAND, which does its own).
   * @default false
   */
  readonly earlyStopping?: boolean;
  /**
   * Start from earlier tuning jobs (1 to 5 names).
   * @default - a cold start
   */
  readonly warmStartFrom?: string[];
  /**
   * How the warm start reuses them.
   * @default WarmStartType.IDENTICAL_DATA_AND_ALGORITHM
   */
  readonly warmStartType?: WarmStartType;
  /**
   * Hyperband: smallest and largest resource (e.g. epochs) per trial.
   * @default - SageMaker's defaults
   */
  readonly hyperbandMinResource?: number;
  /** @default - SageMaker's defaults */
  readonly hyperbandMaxResource?: number;
  /**
   * Tags of the tuning job.
   * @default - the training spec's tags
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A hyperparameter tuning job, described once and rendered to the exact
 * `CreateHyperParameterTuningJob` request; it runs at deploy time (`HyperparameterTuningJob`) or
 * as a pipeline `TuningStep`.
 */
export class HyperparameterTuningSpec {
  constructor(public readonly props: HyperparameterTuningSpecProps) {}

  /** Validates and renders the request. `options.jobName` is at most 32 characters. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's CreateHyperParameterTuningJobRequest is not a jsii type (tsc checks it below)
  public render(scope: IConstruct, options: RenderOptions): any {
    return checkNow(scope, 'the tuning spec', (problems) => this._render(scope, options, problems));
  }

  /**
   * @internal Adds the spec's problems to `problems` and renders the request when it has none
   * (pipeline steps collect every step's problems in one list).
   */
  public _render(scope: IConstruct, options: RenderOptions, problems: ProblemList): CreateHyperParameterTuningJobRequest | undefined {
    const p = this.props;
    const known = problems.length;
    const strategy = p.strategy ?? TuningStrategy.BAYESIAN;
    const training = p.trainingSpec._render(scope, { role: options.role }, problems);
    if (p.trainingSpec.props.debugger) problems.add('the training spec has debugger settings: tuning jobs do not support Debugger; remove them from the spec used for tuning');
    if (p.ranges.length === 0) problems.add('ranges is empty: tune at least one hyperparameter');
    if (p.ranges.length > 30) problems.add(`ranges has ${p.ranges.length} hyperparameters: at most 30`);
    const names = new Set<string>();
    for (const r of p.ranges) {
      if (names.has(r.name)) problems.add(`hyperparameter ${describeValue(r.name)} has more than one range`);
      names.add(r.name);
      if (!Token.isUnresolved(r.name) && r.name.length > MAX_PARAMETER_STRING) problems.add(`invalid range name ${describeValue(r.name)} (length ${r.name.length}): a hyperparameter name has at most ${MAX_PARAMETER_STRING} characters`);
      if (r.kind === 'Categorical') {
        if (!r.values || r.values.length < 1 || r.values.length > 30) problems.add(`categorical range ${describeValue(r.name)} needs 1 to 30 values, got ${r.values?.length ?? 0}`);
        (r.values ?? []).forEach((v, i) => {
          if (!Token.isUnresolved(v) && v.length > MAX_PARAMETER_STRING) problems.add(`categorical range ${describeValue(r.name)} value ${i} ${describeValue(v)} is ${v.length} characters long: at most ${MAX_PARAMETER_STRING}`);
        });
        continue;
      }
      if (r.min === undefined || r.max === undefined || Token.isUnresolved(r.min) || Token.isUnresolved(r.max)) continue;
      if (!Number.isFinite(r.min) || !Number.isFinite(r.max)) {
        problems.add(`range ${describeValue(r.name)} has bounds ${r.min}..${r.max}: use finite numbers`);
        continue;
      }
      if (r.min > r.max) problems.add(`range ${describeValue(r.name)} has min ${r.min} > max ${r.max}: use min <= max`);
      if (r.kind === 'Integer' && (!Number.isInteger(r.min) || !Number.isInteger(r.max))) problems.add(`integer range ${describeValue(r.name)} has non-integer bounds ${r.min}..${r.max}`);
      if (r.scaling === ScalingType.LOGARITHMIC && r.min <= 0) problems.add(`range ${describeValue(r.name)} is Logarithmic with min ${r.min}: logarithmic scaling needs min > 0`);
      if (r.scaling === ScalingType.REVERSE_LOGARITHMIC && (r.kind !== 'Continuous' || r.min < 0 || r.max >= 1)) problems.add(`range ${describeValue(r.name)} is ReverseLogarithmic: only continuous ranges within [0, 1) may use it`);
    }
    if (strategy === TuningStrategy.GRID && p.ranges.some((r) => r.kind !== 'Categorical')) {
      problems.add('strategy GRID searches categorical ranges only: make every range categorical or use another strategy');
    }
    if (strategy === TuningStrategy.GRID && p.maxJobs !== undefined) problems.add('maxJobs with strategy GRID: a grid search runs every combination; leave maxJobs unset');
    if (strategy === TuningStrategy.HYPERBAND && p.earlyStopping) problems.add('earlyStopping with strategy HYPERBAND: Hyperband stops trials itself; leave earlyStopping off');
    if (strategy !== TuningStrategy.HYPERBAND && (p.hyperbandMinResource !== undefined || p.hyperbandMaxResource !== undefined)) problems.add('hyperbandMinResource/hyperbandMaxResource need strategy HYPERBAND');
    if (literal(p.hyperbandMinResource) && literal(p.hyperbandMaxResource) && p.hyperbandMinResource > p.hyperbandMaxResource) {
      problems.add(`hyperbandMinResource ${p.hyperbandMinResource} exceeds hyperbandMaxResource ${p.hyperbandMaxResource}: use min <= max`);
    }
    integer(problems, 'hyperbandMinResource', p.hyperbandMinResource, 1, 1000000);
    integer(problems, 'hyperbandMaxResource', p.hyperbandMaxResource, 1, 1000000);
    if (p.warmStartType !== undefined && !p.warmStartFrom) problems.add('warmStartType was given without warmStartFrom: name the tuning jobs to start from');
    for (const parent of p.warmStartFrom ?? []) {
      checkName(problems, 'warmStartFrom job name', parent, TUNING_JOB_NAME);
    }
    const maxJobs = strategy === TuningStrategy.GRID ? undefined : integer(problems, 'maxJobs', p.maxJobs ?? 10, 1, MAX_JOBS);
    const maxParallel = integer(problems, 'maxParallelJobs', p.maxParallelJobs ?? 2, 1, 100);
    if (literal(maxJobs) && literal(maxParallel) && maxParallel > maxJobs) problems.add(`maxParallelJobs ${maxParallel} exceeds maxJobs ${maxJobs}`);
    const maxRuntime = p.maxRuntime ? seconds(problems, 'maxRuntime', p.maxRuntime, 120, 15552000) : undefined;
    if (p.warmStartFrom && (p.warmStartFrom.length < 1 || p.warmStartFrom.length > 5)) problems.add(`warmStartFrom lists ${p.warmStartFrom.length} jobs: use 1 to 5`);
    if (p.objective.metricName.length < 1 || p.objective.metricName.length > 255) problems.add(`objective.metricName ${describeValue(p.objective.metricName)} must be 1-255 characters`);
    checkObjectiveMetric(problems, p.objective.metricName, p.trainingSpec);
    checkName(problems, 'tuning job name', options.jobName, TUNING_JOB_NAME);
    checkTags(problems, 'tags', p.tags);
    if (problems.length > known || !training) return undefined;

    const tuned = new Set(p.ranges.map((r) => r.name));
    const staticHp = Object.fromEntries(Object.entries((training.HyperParameters ?? {}) as Record<string, string>).filter(([k]) => !tuned.has(k)));
    const numeric = (kind: string) => p.ranges.filter((r) => r.kind === kind).map((r) => prune({
      Name: r.name, MinValue: String(r.min), MaxValue: String(r.max), ScalingType: r.scaling,
    }));
    const categorical = p.ranges.filter((r) => r.kind === 'Categorical').map((r) => ({ Name: r.name, Values: r.values }));
    const request: CreateHyperParameterTuningJobRequest = {
      HyperParameterTuningJobName: options.jobName,
      HyperParameterTuningJobConfig: {
        Strategy: strategy,
        StrategyConfig: strategy === TuningStrategy.HYPERBAND && (p.hyperbandMinResource !== undefined || p.hyperbandMaxResource !== undefined)
          ? { HyperbandStrategyConfig: { MinResource: p.hyperbandMinResource, MaxResource: p.hyperbandMaxResource } }
          : undefined,
        HyperParameterTuningJobObjective: { Type: p.objective.type, MetricName: p.objective.metricName },
        ResourceLimits: { MaxNumberOfTrainingJobs: maxJobs, MaxParallelTrainingJobs: maxParallel, MaxRuntimeInSeconds: maxRuntime },
        ParameterRanges: {
          IntegerParameterRanges: numeric('Integer').length ? numeric('Integer') : undefined,
          ContinuousParameterRanges: numeric('Continuous').length ? numeric('Continuous') : undefined,
          CategoricalParameterRanges: categorical.length ? categorical : undefined,
        },
        TrainingJobEarlyStoppingType: p.earlyStopping ? 'Auto' : 'Off',
      },
      TrainingJobDefinition: {
        AlgorithmSpecification: training.AlgorithmSpecification,
        RoleArn: training.RoleArn,
        StaticHyperParameters: Object.keys(staticHp).length ? staticHp : undefined,
        InputDataConfig: training.InputDataConfig,
        OutputDataConfig: training.OutputDataConfig,
        ResourceConfig: training.ResourceConfig,
        StoppingCondition: training.StoppingCondition,
        VpcConfig: training.VpcConfig,
        EnableNetworkIsolation: training.EnableNetworkIsolation,
        EnableInterContainerTrafficEncryption: training.EnableInterContainerTrafficEncryption,
        EnableManagedSpotTraining: training.EnableManagedSpotTraining,
        CheckpointConfig: training.CheckpointConfig,
        RetryStrategy: training.RetryStrategy,
        Environment: training.Environment,
      },
      WarmStartConfig: p.warmStartFrom ? {
        ParentHyperParameterTuningJobs: p.warmStartFrom.map((name) => ({ HyperParameterTuningJobName: name })),
        WarmStartType: p.warmStartType ?? WarmStartType.IDENTICAL_DATA_AND_ALGORITHM,
      } : undefined,
      Tags: renderTags(p.tags ?? p.trainingSpec.props.tags),
    };
    return prune(request);
  }

  /** Grants `grantee` what every trial needs (see `TrainingSpec.grantTo`). */
  public grantTo(scope: IConstruct, grantee: iam.IGrantable): void {
    this.props.trainingSpec.grantTo(scope, grantee);
  }

  /**
   * The longest the tuning job can take, in seconds (its own limit, or all trials in waves). A
   * `maxJobs` or `maxParallelJobs` known only at deploy (a token) counts as its worst case: 10000
   * trials, 1 at a time.
   */
  public get maxWaitSeconds(): number {
    const p = this.props;
    if (p.maxRuntime && !p.maxRuntime.isUnresolved()) return p.maxRuntime.toSeconds({ integral: false });
    // A grid search runs every combination of its categorical values (it takes no maxJobs).
    const trials = (p.strategy ?? TuningStrategy.BAYESIAN) === TuningStrategy.GRID
      ? p.ranges.reduce((n, r) => n * Math.max(r.values?.length ?? 1, 1), 1)
      : literalOr(p.maxJobs ?? 10, MAX_JOBS);
    const waves = Math.ceil(trials / literalOr(p.maxParallelJobs ?? 2, 1));
    return waves * p.trainingSpec.maxWaitSeconds;
  }
}
