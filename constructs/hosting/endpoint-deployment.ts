import { Duration, Lazy, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { CfnEndpoint } from 'aws-cdk-lib/aws-sagemaker';
import { describeValue, ProblemList } from '../private/errors';
import { prune } from '../private/job-render';
import { isLiteral, seconds } from '../private/rules';

/** How traffic moves from the old fleet to the new one during a blue/green endpoint update. */
export enum TrafficShifting {
  /** All traffic in one step. */
  ALL_AT_ONCE = 'ALL_AT_ONCE',
  /** A canary share first, the rest after the wait interval. */
  CANARY = 'CANARY',
  /** Equal steps, one per wait interval. */
  LINEAR = 'LINEAR',
}

/** Options every deployment guardrail takes. */
export interface DeploymentGuardrailOptions {
  /**
   * How long the old fleet keeps running after all traffic has moved (the final baking period):
   * whole seconds, 0 to 3600. Rollback alarms are watched during it.
   * @default Duration.seconds(0)
   */
  readonly terminationWait?: Duration;
  /**
   * How long the whole deployment may take before SageMaker rolls it back: whole seconds, 600 to
   * 28800, and longer than the sum of the waits.
   * @default - SageMaker's default
   */
  readonly maximumExecutionTimeout?: Duration;
  /**
   * CloudWatch alarms that roll the deployment back when they go to ALARM (at most 10).
   * @default - the endpoint's own alarms (`Endpoint.alarms`), when they are enabled; otherwise none
   */
  readonly alarms?: cloudwatch.IAlarm[];
}

/** Options of an all-at-once blue/green deployment. */
export interface AllAtOnceDeploymentOptions extends DeploymentGuardrailOptions {
  /**
   * How long to wait after provisioning the new fleet before shifting traffic: whole seconds, 0 to 3600.
   * @default Duration.seconds(0)
   */
  readonly waitInterval?: Duration;
}

/** Options of a canary blue/green deployment. */
export interface CanaryDeploymentOptions extends DeploymentGuardrailOptions {
  /**
   * The share of the new fleet's capacity that takes traffic first, in percent: a whole number
   * from 1 to 50 (SageMaker caps the canary at half the fleet).
   */
  readonly canaryPercent: number;
  /** How long the canary bakes before the rest of the traffic moves: whole seconds, 0 to 3600. */
  readonly waitInterval: Duration;
}

/** Options of a linear blue/green deployment. */
export interface LinearDeploymentOptions extends DeploymentGuardrailOptions {
  /**
   * The share of the new fleet's capacity each step turns on, in percent: a whole number from 10
   * to 50.
   */
  readonly stepPercent: number;
  /** How long each step bakes before the next: whole seconds, 0 to 3600. */
  readonly waitInterval: Duration;
}

/**
 * How an endpoint update rolls out (SageMaker deployment guardrails): a blue/green deployment
 * that shifts traffic all at once, as a canary or linearly, and rolls back when an alarm fires.
 * Without it, SageMaker updates endpoints blue/green, all at once, with no alarms.
 *
 * SageMaker applies the traffic shifting only when the new configuration keeps the variant
 * names of the old one, and falls back to all at once for Marketplace containers and Inf1
 * instances.
 */
export class EndpointDeployment {
  /** Shift all traffic at once, then bake for `terminationWait` while watching the alarms. */
  public static allAtOnce(options: AllAtOnceDeploymentOptions = {}): EndpointDeployment {
    return new EndpointDeployment(TrafficShifting.ALL_AT_ONCE, undefined, options.waitInterval ?? Duration.seconds(0), options);
  }

  /** Shift `canaryPercent` of the traffic, wait `waitInterval` watching the alarms, then shift the rest. */
  public static canary(options: CanaryDeploymentOptions): EndpointDeployment {
    return new EndpointDeployment(TrafficShifting.CANARY, options.canaryPercent, options.waitInterval, options);
  }

  /** Shift `stepPercent` of the traffic every `waitInterval`, watching the alarms. */
  public static linear(options: LinearDeploymentOptions): EndpointDeployment {
    return new EndpointDeployment(TrafficShifting.LINEAR, options.stepPercent, options.waitInterval, options);
  }

  private constructor(
    /** How traffic shifts. */
    public readonly trafficShifting: TrafficShifting,
    private readonly sizePercent: number | undefined,
    private readonly waitInterval: Duration | undefined,
    private readonly options: DeploymentGuardrailOptions,
  ) {}

  /**
   * Validates the deployment for an endpoint (serverless or not) and renders its
   * `DeploymentConfig`; problems are added to `problems`. The endpoint's own alarms, the default
   * rollback alarms, are created after validation: `defaultAlarmCount` tells how many there will
   * be, `defaultAlarms` returns them at synthesis.
   * @internal
   */
  public _render(problems: ProblemList, serverless: boolean, defaultAlarmCount: number, defaultAlarms: () => cloudwatch.IAlarm[]): CfnEndpoint.DeploymentConfigProperty {
    const type = this.trafficShifting;
    if (type !== TrafficShifting.ALL_AT_ONCE && serverless) {
      problems.add(`deployment ${type} needs instance-based variants: canary and linear traffic shifting move capacity of an instance fleet, which a serverless endpoint does not have (use EndpointDeployment.allAtOnce)`);
    }
    if (this.waitInterval === undefined) problems.add(`deployment ${type} needs a waitInterval: whole seconds from 0 to 3600`);
    const wait = seconds(problems, 'deployment waitInterval', this.waitInterval, 0, 3600);
    const termination = seconds(problems, 'deployment terminationWait', this.options.terminationWait, 0, 3600);
    const timeout = seconds(problems, 'deployment maximumExecutionTimeout', this.options.maximumExecutionTimeout, 600, 28800);
    const size = this.sizePercent;
    // Traffic waits waitInterval after every shift but the last: once for a canary, once per linear step but the last.
    const linearSteps = type === TrafficShifting.LINEAR && size !== undefined && !Token.isUnresolved(size) && size > 0 ? Math.ceil(100 / size) : undefined;
    const waits = linearSteps !== undefined ? Math.max(linearSteps - 1, 1) : 1;
    if (isLiteral(timeout) && isLiteral(wait) && (termination === undefined || isLiteral(termination)) && timeout <= waits * wait + (termination ?? 0)) {
      const needed = waits * wait + (termination ?? 0);
      problems.add(waits > 1
        ? `deployment maximumExecutionTimeout ${timeout} s must be longer than ${linearSteps} linear steps of ${size}% need: ${waits} waitIntervals plus terminationWait (${needed} s)`
        : `deployment maximumExecutionTimeout ${timeout} s must be longer than waitInterval plus terminationWait (${needed} s)`);
    }
    let canarySize: CfnEndpoint.CapacitySizeProperty | undefined;
    let linearStepSize: CfnEndpoint.CapacitySizeProperty | undefined;
    if (type === TrafficShifting.CANARY) {
      if (size === undefined || (!Token.isUnresolved(size) && (!Number.isInteger(size) || size < 1 || size > 50))) {
        problems.add(`invalid deployment canaryPercent ${describeValue(size)}: use a whole number from 1 to 50 (SageMaker caps the canary at 50% of the new fleet)`);
      }
      canarySize = { type: 'CAPACITY_PERCENT', value: size! };
    } else if (type === TrafficShifting.LINEAR) {
      if (size === undefined || (!Token.isUnresolved(size) && (!Number.isInteger(size) || size < 10 || size > 50))) {
        problems.add(`invalid deployment stepPercent ${describeValue(size)}: use a whole number from 10 to 50 (SageMaker's linear steps are 10-50% of the new fleet)`);
      }
      linearStepSize = { type: 'CAPACITY_PERCENT', value: size! };
    }
    const alarmCount = this.options.alarms?.length ?? defaultAlarmCount;
    if (alarmCount > 10) {
      problems.add(`deployment has ${alarmCount} rollback alarms${this.options.alarms ? '' : ' (the endpoint\'s own, 2 per variant)'}: SageMaker accepts at most 10; pass deployment alarms explicitly`);
    }
    const alarms = (): cloudwatch.IAlarm[] => this.options.alarms ?? defaultAlarms();
    return prune({
      blueGreenUpdatePolicy: {
        trafficRoutingConfiguration: {
          type,
          waitIntervalInSeconds: wait ?? 0,
          canarySize,
          linearStepSize,
        },
        terminationWaitInSeconds: termination,
        maximumExecutionTimeoutInSeconds: timeout,
      },
      autoRollbackConfiguration: alarmCount > 0
        ? Lazy.any({ produce: () => ({ alarms: alarms().map((a) => ({ alarmName: a.alarmName })) }) })
        : undefined,
    });
  }
}
