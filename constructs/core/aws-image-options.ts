/**
 * SageMaker's built-in algorithms. The values are the SageMaker Python SDK's framework keys.
 */
export enum BuiltInAlgorithm {
  /** XGBoost (the open-source algorithm in SageMaker's container; pin a version such as '1.7-1'). */
  XGBOOST = 'xgboost',
  /** Linear Learner. */
  LINEAR_LEARNER = 'linear-learner',
  /** K-Means. */
  KMEANS = 'kmeans',
  /** Principal Component Analysis. */
  PCA = 'pca',
  /** Random Cut Forest. */
  RANDOM_CUT_FOREST = 'randomcutforest',
  /** k-Nearest Neighbors. */
  KNN = 'knn',
  /** Factorization Machines. */
  FACTORIZATION_MACHINES = 'factorization-machines',
  /** BlazingText. */
  BLAZINGTEXT = 'blazingtext',
  /** Object2Vec. */
  OBJECT2VEC = 'object2vec',
  /** Image Classification (MXNet). */
  IMAGE_CLASSIFICATION = 'image-classification',
  /** Object Detection (MXNet). */
  OBJECT_DETECTION = 'object-detection',
  /** Semantic Segmentation. */
  SEMANTIC_SEGMENTATION = 'semantic-segmentation',
  /** DeepAR forecasting. */
  DEEPAR = 'forecasting-deepar',
  /** Sequence-to-Sequence. */
  SEQ2SEQ = 'seq2seq',
  /** Latent Dirichlet Allocation. */
  LDA = 'lda',
  /** Neural Topic Model. */
  NTM = 'ntm',
  /** IP Insights. */
  IP_INSIGHTS = 'ipinsights',
}

/** The framework containers SageMaker provides (the SageMaker Python SDK's framework keys). */
export enum Framework {
  /** PyTorch (AWS Deep Learning Containers). */
  PYTORCH = 'pytorch',
  /** TensorFlow (AWS Deep Learning Containers; TensorFlow Serving for inference). */
  TENSORFLOW = 'tensorflow',
  /** scikit-learn. */
  SKLEARN = 'sklearn',
  /** XGBoost (framework mode: your own training script). */
  XGBOOST = 'xgboost',
  /** Hugging Face Transformers on PyTorch or TensorFlow. */
  HUGGINGFACE = 'huggingface',
}

/** What a framework image is used for. */
export enum ImageScope {
  /** Training jobs (and processing jobs that run a framework script). */
  TRAINING = 'training',
  /** Hosting: models, endpoints, batch transform. */
  INFERENCE = 'inference',
}

/** The processor type an image is built for. */
export enum Processor {
  /** CPU instances. */
  CPU = 'cpu',
  /** GPU instances (CUDA). */
  GPU = 'gpu',
}

/** Which framework image to use. */
export interface FrameworkImageOptions {
  /**
   * The framework version, as the SageMaker Python SDK lists it: a full version ('2.8.0', '1.2-1')
   * or one of its aliases ('2.8'). An alias also appears in the tag, as the SDK does.
   * `ContainerImage.versions(framework)` lists the versions.
   */
  readonly version: string;
  /** Training or inference image. */
  readonly scope: ImageScope;
  /**
   * The processor type.
   * @default Processor.CPU, or the only processor the image is built for (Hugging Face training
   * images are GPU only). Ignored for images that serve both (XGBoost 1.2-1 and later).
   */
  readonly processor?: Processor;
  /**
   * The Python version, e.g. 'py312'.
   * @default - the newest Python version listed for that framework version. Ignored for images
   * whose tag carries no Python version (TensorFlow Serving, XGBoost 1.2-1 and later), as the SDK does.
   */
  readonly pythonVersion?: string;
  /**
   * Hugging Face only: the PyTorch or TensorFlow version underneath, e.g. 'pytorch2.1.0' (or an
   * alias such as 'pytorch2.1'). Its number appears in the tag, as the SDK does.
   * @default - the only base framework of that Transformers version; required when there are several
   */
  readonly baseFrameworkVersion?: string;
}
