export const TRAINING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTrainingJob';
export const TUNING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTuningJob';
export const COMPILATION_JOB_RESOURCE_TYPE = 'Custom::SageMakerCompilationJob';

/** What a deploy-time job writes: the start of the job's name, and its Create* request as JSON. */
export interface SageMakerJobProperties {
  readonly NameBase: string;
  readonly Request: string;
  /**
   * Environment variables whose values the handler reads at create time (JSON of
   * `JobSecretReference[]`): only the references are in the properties (which the provider framework
   * logs on every event and poll), never the values. The job name is computed from `Request` alone.
   */
  readonly SecretEnvironment?: string;
}

/**
 * One secret environment variable of a deploy-time job. Exactly one of `SecretArn` (Secrets
 * Manager: the SecretString, or its `JsonKey` member when the string is a JSON object) and
 * `ParameterName` (SSM Parameter Store, read with decryption: a SecureString or String parameter).
 */
export interface JobSecretReference {
  /** The environment variable: set on the job's (every training definition's) Environment. */
  readonly Name: string;
  readonly SecretArn?: string;
  readonly JsonKey?: string;
  readonly ParameterName?: string;
}

/** The attributes a training job resource returns (and `Metric_<name>` for each final metric). */
export type TrainingJobAttribute = 'TrainingJobName' | 'TrainingJobArn' | 'ModelDataUri';

/** The attributes a compilation job resource returns. */
export type CompilationJobAttribute = 'CompilationJobName' | 'CompilationJobArn' | 'CompiledModelDataUri' | 'InferenceImage';

/** The attributes a tuning job resource returns. */
export type TuningJobAttribute = 'HyperParameterTuningJobName' | 'HyperParameterTuningJobArn' | 'BestTrainingJobName' | 'BestModelDataUri' | 'BestObjectiveValue';
