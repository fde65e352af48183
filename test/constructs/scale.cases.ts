/**
 * Stacks at the size platform teams reach: 100 deploy-time training jobs, a 300-step pipeline,
 * a Studio domain and data seeds in one stack. Each role stays within IAM's default quota of 10
 * managed policies, and no custom resource waits for what it does not use.
 */
import * as path from 'path';
import { Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, DataSeed, Framework, ImageScope, InstanceType, Pipeline, ProcessingCode, ProcessingSpec,
  ProcessingStep, S3Location, StudioDomain, TrainingJob, TrainingSpec,
} from '../../constructs';
import { falseDependencies } from '../support/dependency-graph';
import { plainStack } from '../support/stacks';

const ENV = { account: '111122223333', region: 'eu-west-1' };
const SCRIPT = path.join(__dirname, '..', '..', 'lib', 'pipeline', 'preprocess.py');

function bigStack(jobs: number, steps: number): Stack {
  const stack = plainStack('Big', { env: ENV });
  const data = new DataBucket(stack, 'Data');
  new StudioDomain(stack, 'Studio');
  for (let i = 0; i < 3; i++) {
    new DataSeed(stack, `Seed${i}`, { bucket: data, key: `raw/seed-${i}.csv`, source: SCRIPT });
  }
  for (let i = 0; i < jobs; i++) {
    new TrainingJob(stack, `Train${i}`, {
      spec: new TrainingSpec({
        image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'),
        hyperparameters: { num_round: 10 + i },
        inputs: [{ name: 'train', location: S3Location.inDataBucket(data, `processed/set-${i}/train/`), contentType: 'text/csv' }],
        outputLocation: S3Location.inDataBucket(data, `models/set-${i}/`),
        resources: { instanceType: InstanceType.ML_M5_XLARGE },
        maxRuntime: Duration.minutes(20),
      }),
    });
  }
  if (steps > 0) {
    const image = ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING });
    const code = ProcessingCode.fromAsset(SCRIPT);
    new Pipeline(stack, 'Pipeline', {
      steps: Array.from({ length: steps }, (_, i) => new ProcessingStep(`Step${i}`, {
        spec: new ProcessingSpec({
          image,
          code,
          inputs: [{ name: 'in', location: S3Location.inDataBucket(data, `stage-${i}/input/`), destination: '/opt/ml/processing/input' }],
          outputs: [{ name: 'out', location: S3Location.inDataBucket(data, `stage-${i}/output/`) }],
          resources: { instanceType: InstanceType.ML_M5_XLARGE },
        }),
      })),
    });
  }
  return stack;
}

function managedPoliciesPerRole(template: Template): Map<string, number> {
  const counts = new Map<string, number>();
  for (const p of Object.values(template.findResources('AWS::IAM::ManagedPolicy')) as Array<{ Properties: { Roles?: Array<{ Ref: string }> } }>) {
    for (const r of p.Properties.Roles ?? []) counts.set(r.Ref, (counts.get(r.Ref) ?? 0) + 1);
  }
  return counts;
}

describe('a stack of 100 deploy-time training jobs and a 300-step pipeline', () => {
  const stack = bigStack(100, 300);
  const template = Template.fromStack(stack);
  const json = template.toJSON() as { Resources: Record<string, { Type: string }> };

  test('every role has at most 10 managed policies (IAM\'s default quota)', () => {
    const counts = managedPoliciesPerRole(template);
    const over = [...counts].filter(([, n]) => n > 10);
    expect(over).toEqual([]);
  });

  test('no custom resource waits for a resource it does not use', () => {
    const found = falseDependencies(json, (id) => id.startsWith('SageMakerConstructsProvider'));
    expect(found).toEqual([]);
  });
});

