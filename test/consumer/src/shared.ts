import * as path from 'path';
import { BuiltInAlgorithm, ContainerImage } from 'sagemaker-lifecycle-constructs';

/** The account and region of the data and pipeline stacks. */
export const ML_ENV = { account: '111122223333', region: 'eu-west-1' } as const;

/** The shared data bucket's physical name, so stacks in other environments can import it. */
export const SHARED_BUCKET_NAME = 'consumer-ml-data-111122223333-eu-west-1';

/** The model package group the pipelines register into and the platform deploys from. */
export const REGISTRY_NAME = 'consumer-churn-models';

/** The pipeline's name, so the platform can import it. */
export const PIPELINE_NAME = 'consumer-churn-retrain';

/** Built-in XGBoost, pinned. */
export const XGBOOST = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1');

/** The processing script, next to the compiled app (dist/ and src/ are siblings). */
export const PROCESS_SCRIPT = path.join(__dirname, '..', 'src', 'scripts', 'process.py');

/** A data file that ships with the app. */
export function dataFile(name: string): string {
  return path.join(__dirname, '..', 'data', name);
}
