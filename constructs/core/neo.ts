// SageMaker Neo: the frameworks and targets of a compilation (CreateCompilationJob), which also
// select the image that hosts the compiled model (`ContainerImage.neo`).

/** The framework a model to compile was trained with (CreateCompilationJob's `Framework`). */
export enum NeoFramework {
  TENSORFLOW = 'TENSORFLOW',
  KERAS = 'KERAS',
  MXNET = 'MXNET',
  ONNX = 'ONNX',
  PYTORCH = 'PYTORCH',
  XGBOOST = 'XGBOOST',
  TFLITE = 'TFLITE',
  DARKNET = 'DARKNET',
  SKLEARN = 'SKLEARN',
}

/** What Neo compiles for: a SageMaker instance family or an edge device (`TargetDevice`), or a platform. */
export class NeoTarget {
  /** A target device (CreateCompilationJob's `TargetDevice`, e.g. 'ml_c5', 'ml_inf2', 'jetson_nano'). */
  public static targetDevice(name: string): NeoTarget {
    return new NeoTarget(name, undefined);
  }

  /**
   * An operating system and architecture (optionally an accelerator), for devices without a
   * target device name.
   */
  public static platform(os: string, arch: string, accelerator?: string): NeoTarget {
    return new NeoTarget(undefined, { os, arch, accelerator });
  }

  /** The SageMaker instances of `ml.c5.*`. */
  public static readonly ML_C5 = NeoTarget.targetDevice('ml_c5');
  /** The SageMaker instances of `ml.m5.*`. */
  public static readonly ML_M5 = NeoTarget.targetDevice('ml_m5');
  /** The SageMaker instances of `ml.g4dn.*`. */
  public static readonly ML_G4DN = NeoTarget.targetDevice('ml_g4dn');
  /** The SageMaker instances of `ml.p3.*`. */
  public static readonly ML_P3 = NeoTarget.targetDevice('ml_p3');
  /** AWS Inferentia (`ml.inf1.*`). */
  public static readonly ML_INF1 = NeoTarget.targetDevice('ml_inf1');
  /** AWS Inferentia2 (`ml.inf2.*`). */
  public static readonly ML_INF2 = NeoTarget.targetDevice('ml_inf2');
  /** Graviton (`ml.c6g.*`). */
  public static readonly ML_C6G = NeoTarget.targetDevice('ml_c6g');

  private constructor(
    /** The target device, if one. */
    public readonly device: string | undefined,
    /** @internal */
    public readonly _platform: { os: string; arch: string; accelerator?: string } | undefined,
  ) {}
}

/** Options of `ContainerImage.neo`: the compilation whose artifact the image hosts. */
export interface NeoServingImageOptions {
  /** The framework the model was trained with (as given to the compilation). */
  readonly framework: NeoFramework;
  /**
   * The framework version given to the compilation (e.g. '1.13' for PyTorch, '2.9' for TensorFlow).
   * Like the SageMaker Python SDK, an image with a single version serves every version of its
   * framework that is not one of its aliases (XGBoost: `xgboost-neo:latest`).
   * @default - required where the framework has several Neo images (PyTorch, TensorFlow, MXNet on Inferentia)
   */
  readonly frameworkVersion?: string;
  /** The target the model was compiled for: a SageMaker instance family (`NeoTarget.ML_C5`...). */
  readonly target: NeoTarget;
}
