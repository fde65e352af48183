import * as kms from 'aws-cdk-lib/aws-kms';
import { S3Location } from '../core/s3-location';

/** Data capture: a sample of requests and responses written to S3 (for Model Monitor). */
export interface DataCaptureOptions {
  /**
   * Where captured data is written. SageMaker writes with the execution roles of the models the
   * endpoint hosts, so each model's role gets write access there.
   */
  readonly location: S3Location;
  /**
   * The percentage of requests captured: a whole number from 0 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Capture the requests (input).
   * @default true
   */
  readonly captureRequest?: boolean;
  /**
   * Capture the responses (output).
   * @default true
   */
  readonly captureResponse?: boolean;
  /**
   * The KMS key that encrypts captured data in S3. The models' roles may use it.
   * @default - the bucket's default encryption
   */
  readonly kmsKey?: kms.IKey;
  /**
   * Content types captured as CSV text (at most 10), e.g. 'text/csv'.
   * @default - SageMaker's defaults (other content is base64-encoded)
   */
  readonly csvContentTypes?: string[];
  /**
   * Content types captured as JSON text (at most 10), e.g. 'application/json'.
   * @default - SageMaker's defaults (other content is base64-encoded)
   */
  readonly jsonContentTypes?: string[];
}
