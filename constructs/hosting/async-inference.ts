import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { S3Location } from '../core/s3-location';

/** Asynchronous inference: requests are queued, responses written to S3. */
export interface AsyncInferenceOptions {
  /** Where responses are written. The models' roles get write access. */
  readonly outputLocation: S3Location;
  /**
   * Where failed requests' errors are written. The models' roles get write access.
   * @default - errors go to `outputLocation`
   */
  readonly failureLocation?: S3Location;
  /**
   * A topic notified of successful requests. The models' roles may publish to it.
   * @default - no success notification
   */
  readonly successTopic?: sns.ITopic;
  /**
   * A topic notified of failed requests. The models' roles may publish to it.
   * @default - no error notification
   */
  readonly errorTopic?: sns.ITopic;
  /**
   * Concurrent requests SageMaker sends to each instance: 1 to 1000.
   * @default - chosen by SageMaker
   */
  readonly maxConcurrentInvocationsPerInstance?: number;
  /**
   * The KMS key that encrypts the responses in S3. The models' roles may use it.
   * @default - the output bucket's default encryption
   */
  readonly kmsKey?: kms.IKey;
}
