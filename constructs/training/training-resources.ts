import { Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { InstanceType } from '../core/instance-type';
import { S3Location } from '../core/s3-location';

/** One group of a heterogeneous cluster. */
export interface InstanceGroup {
  /** The group's name (1-64 characters), referenced by channels' instance group names. */
  readonly name: string;
  /** Instance type of the group. */
  readonly instanceType: InstanceType;
  /** Number of instances (1 or more). */
  readonly instanceCount: number;
}

/** Compute of a training job. */
export interface TrainingResources {
  /**
   * The instance type. Required unless `instanceGroups` is given.
   * @default - none
   */
  readonly instanceType?: InstanceType;
  /**
   * Number of instances; more than 1 is distributed training.
   * @default 1
   */
  readonly instanceCount?: number;
  /**
   * Heterogeneous cluster: groups of different instance types, instead of instanceType/instanceCount.
   * @default - a homogeneous cluster
   */
  readonly instanceGroups?: InstanceGroup[];
  /**
   * ML storage volume per instance, in GB (1-16384).
   * @default 30
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key encrypting the storage volumes.
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
  /**
   * Keep the instances warm this long after the job (warm pool, 0 to 60 minutes) so the next job starts fast.
   * @default - no warm pool
   */
  readonly keepAlive?: Duration;
}

/** Managed spot training. */
export interface SpotTraining {
  /**
   * Longest total time including waiting for spot capacity; at least the maximum runtime.
   * @default - twice the maximum runtime, at most 28 days
   */
  readonly maxWaitTime?: Duration;
}

/** Where training checkpoints are kept, so an interrupted (spot) job resumes. */
export interface CheckpointOptions {
  /** The S3 location of checkpoints. */
  readonly location: S3Location;
  /**
   * The path in the container that SageMaker syncs with `location`.
   * @default '/opt/ml/checkpoints'
   */
  readonly localPath?: string;
}
