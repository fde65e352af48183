import { Construct } from 'constructs';
import { S3Location } from '../core/s3-location';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { TrainingCode, TrainingCodeOptions } from '../training/training-code';

/** Where a serving container finds your inference code, once bound. */
export interface InferenceCodeConfig {
  /** The entry point, relative to the code directory. */
  readonly entryPoint: string;
  /** The `sourcedir.tar.gz` the container downloads; none when the code is in the model artifact. */
  readonly location?: S3Location;
}

/**
 * Your inference script (`inference.py` with `model_fn`, `predict_fn`...) for the serving
 * containers of the framework images, set as the SageMaker Python SDK's framework models set it:
 * `SAGEMAKER_PROGRAM`, `SAGEMAKER_SUBMIT_DIRECTORY`, `SAGEMAKER_REGION` and
 * `SAGEMAKER_CONTAINER_LOG_LEVEL` in the container's environment.
 */
export abstract class InferenceCode {
  /**
   * A local source directory, packed at synth into a deterministic `sourcedir.tar.gz` asset that the
   * container downloads at start-up. For the scikit-learn and XGBoost serving containers (the ones
   * the SDK does not repack); the PyTorch, TensorFlow and Hugging Face containers read code only
   * from the model artifact: use `inModelArtifact`.
   */
  public static fromAsset(directory: string, options: TrainingCodeOptions): InferenceCode {
    return new PackedCode(TrainingCode.fromAsset(directory, options));
  }

  /** A `sourcedir.tar.gz` already in S3 (same containers as `fromAsset`). */
  public static fromS3(location: S3Location, options: TrainingCodeOptions): InferenceCode {
    return new PackedCode(TrainingCode.fromS3(location, options));
  }

  /**
   * Code packed into the model artifact under `code/` (the layout the SDK's repacking produces,
   * and what a training script can write into `/opt/ml/model/code`): every serving container reads
   * it from `/opt/ml/model/code`, also with network isolation.
   */
  public static inModelArtifact(entryPoint: string): InferenceCode {
    return new ArtifactCode(entryPoint);
  }

  /** @internal Whether the container downloads the code (rather than reading it from the artifact). */
  public abstract readonly _downloads: boolean;

  /** Checks the code and returns where it is; a local directory becomes an asset of `scope`. */
  public abstract bind(scope: Construct): InferenceCodeConfig;
}

class PackedCode extends InferenceCode {
  public readonly _downloads = true;
  constructor(private readonly code: TrainingCode) {
    super();
  }
  public bind(scope: Construct): InferenceCodeConfig {
    const bound = this.code.bind(scope);
    return { entryPoint: bound.entryPoint, location: bound.location };
  }
}

class ArtifactCode extends InferenceCode {
  public readonly _downloads = false;
  constructor(private readonly entryPoint: string) {
    super();
  }
  public bind(scope: Construct): InferenceCodeConfig {
    if (this.entryPoint.length === 0 || this.entryPoint.startsWith('/') || this.entryPoint.split('/').includes('..')) {
      throw new SageMakerConstructError(scope, `invalid inference code entryPoint ${describeValue(this.entryPoint)}: use the script's path relative to code/ in the model artifact (e.g. 'inference.py')`);
    }
    return { entryPoint: this.entryPoint };
  }
}
