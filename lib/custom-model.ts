import * as path from 'path';
import { Duration } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import {
  ContainerImage, DataBucket, Framework, ImageScope, InstanceType, Pipeline, S3Location, TrainingCode, TrainingSpec, TrainingStep,
} from '../constructs';

/**
 * The custom-model path next to the built-in XGBoost one: your own scikit-learn script
 * (lib/custom-model/train.py), trained in the scikit-learn container's script mode by a one-step
 * pipeline on the seeded churn data. Nothing runs (or costs) until you start the pipeline.
 */
export function customModelPipeline(scope: Construct, id: string, data: DataBucket, processedPrefix: string): Pipeline {
  const spec = new TrainingSpec({
    image: ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }),
    code: TrainingCode.fromAsset(path.join(__dirname, 'custom-model'), { entryPoint: 'train.py' }),
    hyperparameters: { 'n-estimators': 200, 'max-depth': 3, 'learning-rate': 0.1 },
    inputs: ['train', 'validation'].map((name) => ({
      name,
      location: S3Location.inDataBucket(data, `${processedPrefix}${name}/`),
      contentType: 'text/csv',
    })),
    outputLocation: S3Location.inDataBucket(data, 'models/custom/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(30),
    metricDefinitions: [{ name: 'validation:auc', regex: 'validation_auc=([0-9.]+)' }],
  });
  return new Pipeline(scope, id, {
    description: 'Churn model from your own scikit-learn script (script mode), next to the built-in XGBoost pipeline',
    steps: [new TrainingStep('TrainCustom', { spec })],
  });
}
