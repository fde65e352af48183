export const TRAINING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTrainingJob';
export const TUNING_JOB_RESOURCE_TYPE = 'Custom::SageMakerTuningJob';

/** What a deploy-time job writes: the start of the job's name, and its Create* request as JSON. */
export interface SageMakerJobProperties {
  readonly NameBase: string;
  readonly Request: string;
}

/** The attributes a training job resource returns (and `Metric_<name>` for each final metric). */
export type TrainingJobAttribute = 'TrainingJobName' | 'TrainingJobArn' | 'ModelDataUri';

/** The attributes a tuning job resource returns. */
export type TuningJobAttribute = 'HyperParameterTuningJobName' | 'HyperParameterTuningJobArn' | 'BestTrainingJobName' | 'BestModelDataUri' | 'BestObjectiveValue';
