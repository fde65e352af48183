import { Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';

/** The alarms an endpoint creates for each production variant. */
export interface EndpointAlarmOptions {
  /**
   * Create the alarms.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The p99 model latency above which the latency alarm fires (2 of 3 five-minute periods):
   * above 0, at most 1 hour.
   * @default Duration.seconds(1)
   */
  readonly latencyThreshold?: Duration;
  /**
   * The number of 5xx errors in five minutes at which the error alarm fires: a whole number, 1 or more.
   * @default 1
   */
  readonly errorThreshold?: number;
  /**
   * A topic notified when an alarm fires.
   * @default - no alarm action: wire `endpoint.alarms` yourself
   */
  readonly topic?: sns.ITopic;
}
