import { InstanceType } from './instance-type';

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
   * The processor type. Give either this or `instanceType`.
   * @default - from `instanceType` if given; else Processor.CPU, or the only processor the image
   * is built for (Hugging Face training images are GPU only). Ignored for images that serve both
   * (XGBoost 1.2-1 and later).
   */
  readonly processor?: Processor;
  /**
   * The instance type the image runs on. Like the SageMaker Python SDK's `image_uris.retrieve`, it
   * selects the processor (GPU for the p and g families, else CPU) and the image variant:
   * - AWS Inferentia and Trainium (`ml.inf*`, `ml.trn*`): the Neuron image of PyTorch
   *   (`pytorch-neuron`, training) and Hugging Face (`huggingface-neuron` on inf1,
   *   `huggingface-neuronx` on inf2 and trn); other frameworks have none and are refused;
   * - Graviton (`ml.m6g`, `ml.c7g`, `ml.r6gd`... a family whose generation is followed by 'g'): the
   *   Graviton inference image of PyTorch, TensorFlow, XGBoost and scikit-learn (scope INFERENCE only).
   * An instance type that is a token selects nothing: the defaults above apply.
   * @default - no instance type: `processor` or its default, and the x86 CPU/GPU image
   */
  readonly instanceType?: InstanceType;
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

/**
 * The LLM and embedding serving containers SageMaker provides (the SageMaker Python SDK's framework
 * keys), for `ContainerImage.llmServing()`.
 */
export enum LlmServingContainer {
  /**
   * Hugging Face Text Generation Inference (TGI, repository `huggingface-pytorch-tgi-inference`),
   * GPU; on `ml.inf2`/`ml.trn*` instance types the Neuron build (`huggingface-llm-neuronx`).
   */
  HUGGINGFACE_TGI = 'huggingface-llm',
  /**
   * Hugging Face Text Embeddings Inference (TEI, repository `tei`), GPU; on CPU instance types the
   * CPU build (`huggingface-tei-cpu`, repository `tei-cpu`).
   */
  HUGGINGFACE_TEI = 'huggingface-tei',
  /**
   * vLLM in the Hugging Face container (repository `huggingface-vllm`), GPU; on `ml.inf2`/`ml.trn*`
   * instance types the Neuron build (`huggingface-vllm-neuronx`).
   */
  HUGGINGFACE_VLLM = 'huggingface-vllm',
  /** Large Model Inference (LMI) on DJL Serving (repository `djl-inference`, vLLM and LMI-Dist engines), GPU. */
  DJL_LMI = 'djl-lmi',
  /** DJL Serving with DeepSpeed (repository `djl-inference`, older LMI releases), GPU. */
  DJL_DEEPSPEED = 'djl-deepspeed',
  /** DJL Serving with TensorRT-LLM (repository `djl-inference`), GPU. */
  DJL_TENSORRTLLM = 'djl-tensorrtllm',
  /** DJL Serving with Transformers NeuronX (repository `djl-inference`), for `ml.inf2`/`ml.trn*`. */
  DJL_NEURONX = 'djl-neuronx',
}

/** Which LLM serving image to use. */
export interface LlmServingImageOptions {
  /**
   * The container version, as the SageMaker Python SDK lists it (for TGI the TGI version such as
   * '3.3.6' or an alias such as '3.3'; for LMI the DJL version such as '0.36.0').
   * `ContainerImage.versions('huggingface-llm')` lists them.
   * @default - the newest version in the bundled table (pin a version: the newest changes when the
   * table is regenerated)
   */
  readonly version?: string;
  /**
   * The instance type the model runs on: selects the Neuron build on `ml.inf2`/`ml.trn*` (TGI,
   * vLLM) and the CPU build of TEI on CPU instance types. An instance type that is a token selects
   * nothing.
   * @default - the GPU build
   */
  readonly instanceType?: InstanceType;
}

/** Which Spark processing image to use (repository `sagemaker-spark-processing`). */
export interface SparkProcessingImageOptions {
  /**
   * The Spark version, e.g. '3.5'. `ContainerImage.versions('spark')` lists them.
   * @default - the newest version in the bundled table
   */
  readonly version?: string;
  /**
   * The Python version, e.g. 'py39'. Give it together with `containerVersion`, or neither (as the
   * SDK's PySparkProcessor requires).
   * @default - none: the tag is '<version>-cpu', the newest image of that Spark version
   */
  readonly pythonVersion?: string;
  /**
   * The container version, a number such as '1' (the tag gets 'v1').
   * @default - none (see `pythonVersion`)
   */
  readonly containerVersion?: string;
}
