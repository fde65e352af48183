import { Duration } from 'aws-cdk-lib';
import { IModel } from './model';
import { InstanceType } from '../core/instance-type';

/** Memory and concurrency of a serverless variant. */
export interface ServerlessVariantConfig {
  /** Memory per worker in MB: 1024, 2048, 3072, 4096, 5120 or 6144. */
  readonly memorySizeMb: number;
  /** The most concurrent invocations the variant serves: 1 to 200. */
  readonly maxConcurrency: number;
  /**
   * Concurrency kept warm (billed while idle): 1 to `maxConcurrency`.
   * @default - none: every worker starts on demand
   */
  readonly provisionedConcurrency?: number;
}

/** The instance range of a variant that SageMaker scales itself (managed instance scaling). */
export interface ManagedInstanceScalingConfig {
  /** The fewest instances: 1 or more (0 needs inference components, which this construct does not host). */
  readonly minInstanceCount: number;
  /** The most instances: at least `minInstanceCount`. */
  readonly maxInstanceCount: number;
}

/**
 * One variant of an endpoint: a model on instances (`instanceType`) or serverless (`serverless`),
 * exactly one of the two.
 */
export interface EndpointVariant {
  /** The variant's name: 1-63 letters, digits or hyphens, unique within the endpoint. */
  readonly variantName: string;
  /** The model the variant serves. */
  readonly model: IModel;
  /**
   * The instance type of an instance-based variant (checked against SageMaker's hosting types).
   * @default - none: `serverless` must be given
   */
  readonly instanceType?: InstanceType;
  /**
   * Instances to start with (instance-based variants): 1 or more.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * The variant's share of the traffic, relative to the other variants' weights (0 or more; for
   * a shadow variant, the share of production traffic copied to it).
   * @default 1
   */
  readonly initialWeight?: number;
  /**
   * The EBS volume per instance, in GB (1-512). Not for instance types with local NVMe storage.
   * @default - SageMaker's default for the instance type
   */
  readonly volumeSizeGb?: number;
  /**
   * How long a container may take to pass its first health check: whole seconds, 60 to 3600.
   * Instance-based variants only.
   * @default - SageMaker's default
   */
  readonly containerStartupTimeout?: Duration;
  /**
   * How long SageMaker may take to download the model data to an instance: whole seconds, 60 to
   * 3600. Instance-based variants only.
   * @default - SageMaker's default
   */
  readonly modelDataDownloadTimeout?: Duration;
  /**
   * Let SageMaker scale the instances within a range. Instance-based variants only.
   * @default - no managed instance scaling
   */
  readonly managedInstanceScaling?: ManagedInstanceScalingConfig;
  /**
   * The serverless configuration of a serverless variant.
   * @default - none: `instanceType` must be given
   */
  readonly serverless?: ServerlessVariantConfig;
}
