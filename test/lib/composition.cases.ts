import { Duration, Stack } from 'aws-cdk-lib';
import * as fs from 'fs';
import * as path from 'path';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, Endpoint, FailStep, InstanceType, Model, ModelData, ModelRegistry, Pipeline,
  S3Location, StudioDomain, StudioVpcEndpoint, TrainingJob, TrainingSpec, TrainingStep,
} from '../../constructs';
import { testApp, validationFindings } from '../support/validity';

/** Apps compose the constructs differently from the sample: concrete environments, several stacks, own VPCs. */
test('a data stack, a platform stack in a concrete region with an own VPC, and a pipeline stack compose and validate', () => {
  const app = testApp();
  const env = { account: '111122223333', region: 'eu-west-1' };
  const dataStack = new Stack(app, 'Data', { env });
  const data = new DataBucket(dataStack, 'Bucket');
  const registry = new ModelRegistry(dataStack, 'Registry');

  const platform = new Stack(app, 'Platform', { env });
  const vpc = new ec2.Vpc(platform, 'Vpc', { maxAzs: 2, natGateways: 1, restrictDefaultSecurityGroup: true, flowLogs: {} });
  const studio = new StudioDomain(platform, 'Studio', { vpc, vpcEndpoints: [StudioVpcEndpoint.S3, StudioVpcEndpoint.SAGEMAKER_API, StudioVpcEndpoint.STS] });
  data.grantReadWrite(studio, 'raw/');
  const spec = new TrainingSpec({
    image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LINEAR_LEARNER),
    hyperparameters: { predictor_type: 'binary_classifier', feature_dim: 6 },
    inputs: [{ name: 'train', location: S3Location.inDataBucket(data, 'processed/train/'), contentType: 'text/csv' }],
    outputLocation: S3Location.inDataBucket(data, 'models/'),
    resources: { instanceType: InstanceType.ML_M5_XLARGE },
    maxRuntime: Duration.minutes(20),
    network: { vpc, securityGroups: [studio.securityGroup] },
  });
  const job = new TrainingJob(platform, 'Train', { spec });
  const model = new Model(platform, 'Model', { containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LINEAR_LEARNER), modelData: ModelData.fromTrainingJob(job) }] });
  new Endpoint(platform, 'Serverless', { variants: [{ variantName: 'main', model, serverless: { memorySizeMb: 1024, maxConcurrency: 2 } }], alarms: { enabled: false } });

  const pipelines = new Stack(app, 'Pipelines', { env });
  new Pipeline(pipelines, 'Retrain', { steps: [new TrainingStep('Train', { spec }), new FailStep('Never', { errorMessage: 'unused', dependsOn: [] })] });
  registry.grantRead(studio);

  // The user's own VPC (public subnets, its flow-log role) is theirs to acknowledge; nothing else may report.
  const findings = validationFindings(app).filter((f) => !f.path.startsWith('Platform/Vpc/')).map((f) => `${f.rule} ${f.path}`);
  expect(findings).toEqual([]);
  // A concrete region resolves images to literals, without mappings.
  const template = JSON.parse(fs.readFileSync(path.join(app.outdir, 'Platform.template.json'), 'utf8'));
  expect(template.Mappings).toBeUndefined();
  expect(JSON.stringify(template)).toContain('.dkr.ecr.eu-west-1.amazonaws.com/linear-learner:1');
});
