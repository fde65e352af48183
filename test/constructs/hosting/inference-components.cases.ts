import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, InferenceComponentEndpoint, InstanceType, Model, ModelData, S3Location,
} from '../../../constructs';
import { expectNoFindings, testStack } from '../../support/validity';

function models(stack: Stack) {
  const data = new DataBucket(stack, 'Data');
  const model = (id: string) => new Model(stack, id, { containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, `models/${id}/model.tar.gz`)) }] });
  return { data, churn: model('Churn'), fraud: model('Fraud') };
}

describe('InferenceComponentEndpoint', () => {
  const stack = testStack();
  const { churn, fraud } = models(stack);
  const endpoint = new InferenceComponentEndpoint(stack, 'Shared', {
    instanceType: InstanceType.ML_M5_XLARGE,
    managedInstanceScaling: { minInstanceCount: 0, maxInstanceCount: 2 },
    components: [{ componentId: 'Churn', model: churn, compute: { minMemoryMb: 1024, cpuCores: 1 } }],
  });
  const fraudComponent = endpoint.addComponent({ componentId: 'Fraud', model: fraud, compute: { minMemoryMb: 2048, cpuCores: 2 }, copies: 0 });
  fraudComponent.autoScaleCopies({ minCopies: 0, maxCopies: 4, targetInvocationsPerCopy: 100 });
  const template = Template.fromStack(stack);

  test('a model-less variant with an execution role, managed instance scaling and routing, and a key', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ExecutionRoleArn: Match.anyValue(),
      KmsKeyId: Match.anyValue(),
      ProductionVariants: [{
        VariantName: 'AllTraffic', InstanceType: 'ml.m5.xlarge', InitialInstanceCount: 1,
        ManagedInstanceScaling: { Status: 'ENABLED', MinInstanceCount: 0, MaxInstanceCount: 2 },
        RoutingConfig: { RoutingStrategy: 'LEAST_OUTSTANDING_REQUESTS' },
      }],
    });
    const config: any = Object.values(template.findResources('AWS::SageMaker::EndpointConfig'))[0];
    expect(config.Properties.ProductionVariants[0].ModelName).toBeUndefined();
  });

  test('one inference component per model, with its compute and copies, after the endpoint', () => {
    const components = Object.values<any>(template.findResources('AWS::SageMaker::InferenceComponent'));
    expect(components).toHaveLength(2);
    expect(components.map((c) => c.Properties.Specification.ComputeResourceRequirements)).toEqual([
      { MinMemoryRequiredInMb: 1024, NumberOfCpuCoresRequired: 1 },
      { MinMemoryRequiredInMb: 2048, NumberOfCpuCoresRequired: 2 },
    ]);
    expect(components.map((c) => c.Properties.RuntimeConfig.CopyCount)).toEqual([1, 0]);
    for (const c of components) expect(c.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^Shared[0-9A-F]{8}$/)]));
  });

  test('scale to zero: copies 0-4 on invocations per copy, and a step from zero on NoCapacityInvocationFailures', () => {
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      ScalableDimension: 'sagemaker:inference-component:DesiredCopyCount', MinCapacity: 0, MaxCapacity: 4,
      ResourceId: Match.stringLikeRegexp('^inference-component/'),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
      TargetTrackingScalingPolicyConfiguration: Match.objectLike({ PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerInferenceComponentInvocationsPerCopy' }, TargetValue: 100, ScaleInCooldown: 900 }),
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NoCapacityInvocationFailures', Dimensions: [{ Name: 'InferenceComponentName', Value: Match.anyValue() }] });
  });

  test('the endpoint role loads every model: image pull and model data read', () => {
    const text = JSON.stringify(template.findResources('AWS::IAM::ManagedPolicy', { Properties: { Description: Match.stringLikeRegexp('Shared/Role') } }));
    expect(text).toContain('/models/Churn/*');
    expect(text).toContain('/models/Fraud/*');
  });

  test('no finding (cdk-nag, CloudFormation validation)', () => {
    expectNoFindings(stack);
  });
});

describe('InferenceComponentEndpoint: bad input fails at synth', () => {
  const make = (props: any, component: any = {}) => {
    const stack = new Stack(new App(), 'Test');
    const { churn } = models(stack);
    return () => new InferenceComponentEndpoint(stack, 'E', { instanceType: InstanceType.ML_M5_XLARGE, ...props, components: [{ componentId: 'C', model: churn, compute: { minMemoryMb: 1024 }, ...component }] });
  };
  test.each<[string, any, any, RegExp]>([
    ['copies 0 without scale to zero', {}, { copies: 0 }, /^\[Test\/E\/C\] copies 0 needs the endpoint's managedInstanceScaling with minInstanceCount 0/],
    ['memory below 128 MB', {}, { compute: { minMemoryMb: 64 } }, /^\[Test\/E\/C\] invalid compute.minMemoryMb 64/],
    ['max memory below min', {}, { compute: { minMemoryMb: 2048, maxMemoryMb: 1024 } }, /compute.maxMemoryMb 1024 is below minMemoryMb 2048/],
    ['a quarter core less', {}, { compute: { minMemoryMb: 1024, cpuCores: 0.1 } }, /invalid compute.cpuCores 0.1: use 0.25 or more/],
    ['min instances above max', { managedInstanceScaling: { minInstanceCount: 3, maxInstanceCount: 2 } }, {}, /^\[Test\/E\] managedInstanceScaling.minInstanceCount 3 is above maxInstanceCount 2/],
    ['a startup timeout out of range', {}, { containerStartupTimeout: { toSeconds: () => 10, isUnresolved: () => false, toHumanString: () => '10 seconds' } }, /containerStartupTimeout/],
  ])('%s', (_what, props, component, message) => {
    expect(make(props, component)).toThrow(message);
  });

  test('minCopies 0 without scale to zero', () => {
    const stack = new Stack(new App(), 'Test');
    const { churn } = models(stack);
    const e = new InferenceComponentEndpoint(stack, 'E', { instanceType: InstanceType.ML_M5_XLARGE });
    const c = e.addComponent({ componentId: 'C', model: churn, compute: { minMemoryMb: 1024 } });
    expect(() => c.autoScaleCopies({ minCopies: 0, maxCopies: 2, targetInvocationsPerCopy: 10 })).toThrow(/^\[Test\/E\/C\] minCopies 0 needs the endpoint's managedInstanceScaling with minInstanceCount 0/);
    expect(() => e.addComponent({ componentId: 'C', model: churn, compute: { minMemoryMb: 1024 } })).toThrow(/component 'C' was added twice/);
  });
});
