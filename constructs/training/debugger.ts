import { S3Location } from '../core/s3-location';

/** Debugger rules built into SageMaker, evaluated by the Debugger rule image. */
export enum DebuggerRule {
  /** The loss stops decreasing. */
  LOSS_NOT_DECREASING = 'LossNotDecreasing',
  /** Validation loss diverges from training loss. */
  OVERFIT = 'Overfit',
  /** Training goes on after the model stops improving. */
  OVERTRAINING = 'Overtraining',
  /** Gradients become too small. */
  VANISHING_GRADIENT = 'VanishingGradient',
  /** Tensors contain NaN or infinite values. */
  EXPLODING_TENSOR = 'ExplodingTensor',
  /** Weights were badly initialized. */
  POOR_WEIGHT_INITIALIZATION = 'PoorWeightInitialization',
  /** Activation layers saturate. */
  SATURATED_ACTIVATION = 'SaturatedActivation',
  /** ReLU units die. */
  DEAD_RELU = 'DeadRelu',
  /** Classes are imbalanced. */
  CLASS_IMBALANCE = 'ClassImbalance',
  /** XGBoost trees grow too deep. */
  TREE_DEPTH = 'TreeDepth',
  /** A few features dominate (XGBoost). */
  FEATURE_IMPORTANCE_OVERWEIGHT = 'FeatureImportanceOverweight',
  /** Confusion matrix checks for classifiers. */
  CONFUSION = 'Confusion',
}

/** Debugger and profiler settings of a training job. */
export interface DebuggerOptions {
  /**
   * Built-in rules to evaluate while the job runs (each in its own small processing job).
   * @default - none
   */
  readonly rules?: DebuggerRule[];
  /**
   * Where the Debugger hook writes tensors and rule results.
   * @default - `debugger/` under the job's output location
   */
  readonly outputLocation?: S3Location;
  /**
   * Collect system metrics (profiling) every this many milliseconds: 100, 200, 500, 1000, 5000 or 60000.
   * @default 500
   */
  readonly profilingIntervalMs?: number;
  /**
   * Turn the profiler off.
   * @default false
   */
  readonly disableProfiler?: boolean;
  /**
   * Also run the built-in `ProfilerReport` rule.
   * @default true
   */
  readonly profilerReport?: boolean;
}
