import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { describeValue, ProblemList } from '../private/errors';

/** What a variant scales. */
export enum VariantScalingDimension {
  /** The instance count of an instance-based variant. */
  INSTANCE_COUNT = 'sagemaker:variant:DesiredInstanceCount',
  /** The provisioned concurrency of a serverless variant. */
  PROVISIONED_CONCURRENCY = 'sagemaker:variant:DesiredProvisionedConcurrency',
}

/** The capacity range of a scaled variant. */
export interface VariantScalingCapacity {
  /** The lowest capacity Application Auto Scaling scales in to. */
  readonly minCapacity: number;
  /** The highest capacity Application Auto Scaling scales out to. */
  readonly maxCapacity: number;
}

/** Properties of a variant's scalable target. */
export interface VariantScalableTargetProps extends VariantScalingCapacity {
  /** The endpoint's name. */
  readonly endpointName: string;
  /** The variant's name. */
  readonly variantName: string;
  /**
   * Whether the endpoint serves asynchronous inference (enables backlog scaling).
   * @default false
   */
  readonly asyncInference?: boolean;
}

/** Options of every target-tracking policy. */
export interface VariantTargetTrackingOptions {
  /**
   * The policy's name.
   * @default - generated from the construct path
   */
  readonly policyName?: string;
  /**
   * How long after a scale-in activity before another may start.
   * @default - Application Auto Scaling's default (300 seconds for SageMaker)
   */
  readonly scaleInCooldown?: Duration;
  /**
   * How long after a scale-out activity before another may start.
   * @default - Application Auto Scaling's default (300 seconds for SageMaker)
   */
  readonly scaleOutCooldown?: Duration;
  /**
   * Only scale out, never in.
   * @default false
   */
  readonly disableScaleIn?: boolean;
}

/** Target tracking on invocations per instance. */
export interface InvocationsPerInstanceScalingProps extends VariantTargetTrackingOptions {
  /** The average number of invocations per instance per minute to keep (above 0). */
  readonly targetInvocationsPerInstance: number;
}

/** Target tracking on a metric of your choice. */
export interface VariantMetricScalingProps extends VariantTargetTrackingOptions {
  /** The metric to track (it must move with the capacity, e.g. a per-instance average). */
  readonly metric: cloudwatch.IMetric;
  /** The value of the metric to keep (above 0). */
  readonly targetValue: number;
}

/** Target tracking on provisioned concurrency utilization. */
export interface ProvisionedConcurrencyUtilizationScalingProps extends VariantTargetTrackingOptions {
  /** The utilization of the provisioned concurrency to keep: above 0, at most 1 (e.g. 0.5). */
  readonly targetUtilization: number;
}

/** Target tracking on the backlog of an asynchronous endpoint. */
export interface BacklogScalingProps extends VariantTargetTrackingOptions {
  /** The number of queued requests per instance to keep (above 0). */
  readonly targetBacklogPerInstance: number;
}

const SCALING_ROLE = 'AWSServiceRoleForApplicationAutoScaling_SageMakerEndpoint';

/**
 * The Application Auto Scaling target of one endpoint variant, with its scaling policies.
 * Application Auto Scaling acts through its SageMaker service-linked role; no role is created.
 * `Endpoint.autoScaleInstanceCount()` and `autoScaleProvisionedConcurrency()` create them (after
 * validating the range); create one yourself for an imported endpoint.
 */
export abstract class VariantScalableTarget extends Construct {
  /** The scalable target (`endpoint/<endpoint>/variant/<variant>`). */
  public readonly scalableTarget: appscaling.ScalableTarget;
  /** The endpoint's name. */
  public readonly endpointName: string;
  /** The variant's name. */
  public readonly variantName: string;

  /** What is scaled. */
  public readonly dimension: VariantScalingDimension;

  constructor(scope: Construct, id: string, props: VariantScalableTargetProps, dimension: VariantScalingDimension) {
    super(scope, id);
    this.dimension = dimension;
    this.endpointName = props.endpointName;
    this.variantName = props.variantName;
    const role = iam.Role.fromRoleArn(this, 'ServiceLinkedRole', Stack.of(this).formatArn({
      service: 'iam',
      region: '',
      resource: 'role',
      resourceName: `aws-service-role/sagemaker.application-autoscaling.amazonaws.com/${SCALING_ROLE}`,
    }), { mutable: false });
    this.scalableTarget = new appscaling.ScalableTarget(this, 'Target', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `endpoint/${props.endpointName}/variant/${props.variantName}`,
      scalableDimension: dimension,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      role,
    });
  }

  /** Target tracking on a metric of your choice (e.g. `endpoint.metricCpuUtilization()`). */
  public scaleOnMetric(id: string, props: VariantMetricScalingProps): appscaling.TargetTrackingScalingPolicy {
    this.checkTarget(id, 'targetValue', props.targetValue);
    return this.scalableTarget.scaleToTrackMetric(id, { ...this.trackingOptions(props), customMetric: props.metric, targetValue: props.targetValue });
  }

  protected trackingOptions(props: VariantTargetTrackingOptions): appscaling.BasicTargetTrackingScalingPolicyProps {
    return {
      policyName: props.policyName,
      scaleInCooldown: props.scaleInCooldown,
      scaleOutCooldown: props.scaleOutCooldown,
      disableScaleIn: props.disableScaleIn,
      targetValue: 0,
    };
  }

  protected checkTarget(id: string, prop: string, value: number, max?: number): void {
    const problems = new ProblemList();
    if (this.scalableTarget.node.tryFindChild(id)) problems.add(`a scaling policy with the id ${describeValue(id)} was already added to variant ${describeValue(this.variantName)}: give each policy its own id`);
    if (!Token.isUnresolved(value) && (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (max !== undefined && value > max))) {
      problems.add(`invalid ${prop} ${describeValue(value)}: use a number above 0${max !== undefined ? ` and at most ${max}` : ''}`);
    }
    problems.throwIfAny(this, 'scaling policy');
  }
}

/** The instance count of an instance-based variant, scaled by Application Auto Scaling. */
export class ScalableInstanceCount extends VariantScalableTarget {
  private readonly asyncInference: boolean;
  private readonly minCapacity: number;

  constructor(scope: Construct, id: string, props: VariantScalableTargetProps) {
    super(scope, id, props, VariantScalingDimension.INSTANCE_COUNT);
    this.asyncInference = props.asyncInference ?? false;
    this.minCapacity = props.minCapacity;
  }

  /**
   * Target tracking on `SageMakerVariantInvocationsPerInstance` (the average invocations per
   * instance per minute).
   */
  public scaleOnInvocationsPerInstance(id: string, props: InvocationsPerInstanceScalingProps): appscaling.TargetTrackingScalingPolicy {
    this.checkTarget(id, 'targetInvocationsPerInstance', props.targetInvocationsPerInstance);
    return this.scalableTarget.scaleToTrackMetric(id, {
      ...this.trackingOptions(props),
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_INVOCATIONS_PER_INSTANCE,
      targetValue: props.targetInvocationsPerInstance,
    });
  }

  /**
   * Asynchronous endpoints only: target tracking on `ApproximateBacklogSizePerInstance`. When the
   * minimum capacity is 0, also adds what scales out of zero instances, where a per-instance
   * backlog cannot be measured: a step policy that adds one instance when `HasBacklogWithoutCapacity`
   * reports queued requests, and the alarm that triggers it.
   */
  public scaleOnBacklogSizePerInstance(id: string, props: BacklogScalingProps): appscaling.TargetTrackingScalingPolicy {
    if (!this.asyncInference) {
      const problems = new ProblemList();
      problems.add(`scaleOnBacklogSizePerInstance needs an asynchronous endpoint (asyncInference): variant ${describeValue(this.variantName)} serves real-time requests, which have no backlog; use scaleOnInvocationsPerInstance`);
      problems.throwIfAny(this, 'scaling policy');
    }
    this.checkTarget(id, 'targetBacklogPerInstance', props.targetBacklogPerInstance);
    const policy = this.scalableTarget.scaleToTrackMetric(id, {
      ...this.trackingOptions(props),
      customMetric: new cloudwatch.Metric({
        namespace: 'AWS/SageMaker',
        metricName: 'ApproximateBacklogSizePerInstance',
        dimensionsMap: { EndpointName: this.endpointName },
        statistic: cloudwatch.Stats.AVERAGE,
      }),
      targetValue: props.targetBacklogPerInstance,
    });
    if (this.minCapacity === 0) {
      const scaleOut = new appscaling.StepScalingAction(this, `${id}FromZero`, {
        scalingTarget: this.scalableTarget,
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: Duration.minutes(5),
        metricAggregationType: appscaling.MetricAggregationType.AVERAGE,
      });
      scaleOut.addAdjustment({ adjustment: 1, lowerBound: 0 });
      const alarm = new cloudwatch.Alarm(this, `${id}FromZeroAlarm`, {
        alarmDescription: `Queued requests on ${this.endpointName} with no instance: scale out of zero`,
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SageMaker',
          metricName: 'HasBacklogWithoutCapacity',
          dimensionsMap: { EndpointName: this.endpointName },
          statistic: cloudwatch.Stats.AVERAGE,
          period: Duration.minutes(1),
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(new cw_actions.ApplicationScalingAction(scaleOut));
    }
    return policy;
  }
}

/** The provisioned concurrency of a serverless variant, scaled by Application Auto Scaling. */
export class ScalableProvisionedConcurrency extends VariantScalableTarget {
  constructor(scope: Construct, id: string, props: VariantScalableTargetProps) {
    super(scope, id, props, VariantScalingDimension.PROVISIONED_CONCURRENCY);
  }

  /**
   * Target tracking on `SageMakerVariantProvisionedConcurrencyUtilization` (the share of the
   * provisioned concurrency in use).
   */
  public scaleOnUtilization(id: string, props: ProvisionedConcurrencyUtilizationScalingProps): appscaling.TargetTrackingScalingPolicy {
    this.checkTarget(id, 'targetUtilization', props.targetUtilization, 1);
    return this.scalableTarget.scaleToTrackMetric(id, {
      ...this.trackingOptions(props),
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_VARIANT_PROVISIONED_CONCURRENCY_UTILIZATION,
      targetValue: props.targetUtilization,
    });
  }
}
