/**
 * What the library knows about a container image without binding it, for the rules that depend on
 * the image: a built-in algorithm's instance limits and metrics, the scope of a framework image.
 */
export interface ImageFacts {
  /**
   * Whether the library knows what the image is. False for an image URI that is a token and for
   * ContainerImage subclasses of your own: the rules below then pass, and the API decides at deploy.
   */
  readonly known: boolean;
  /**
   * The built-in algorithm the image runs (a `BuiltInAlgorithm` value), also for XGBoost in
   * framework mode and for a literal URI of a SageMaker algorithm image: SageMaker recognizes the
   * image and publishes the algorithm's metrics.
   */
  readonly builtInAlgorithm?: string;
  /**
   * What a SageMaker framework or tool image is for: 'training', 'inference', 'debugger',
   * 'monitoring' or 'processing'. Undefined for images that serve any use (built-in algorithms,
   * which train and serve with one image) and for your own images.
   */
  readonly scope?: string;
  /** How the image reads in messages, e.g. `framework pytorch 2.8.0 (inference)`. */
  readonly description: string;
  /**
   * The SageMaker instance family a Neo serving image's model was compiled for (`c5` for the
   * `ml_c5` target): a compiled artifact runs only there.
   */
  readonly compiledFor?: string;
}

/** The facts of an image the library knows nothing about. */
export const UNKNOWN_IMAGE: ImageFacts = { known: false, description: 'an image of unknown kind' };
