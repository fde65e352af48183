import { ArnFormat, Duration, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnFeatureGroup } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { IDataBucket } from './data-bucket';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { createManagedKey } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { LeastPrivilegeRole } from '../private/role';
import { checkArn, checkImport, checkName, checkTags, integer, NameRule, utf8Length } from '../private/rules';

/** The value type of a feature (`FeatureDefinition.FeatureType`). */
export enum FeatureType {
  /** A 64-bit signed integer. */
  INTEGRAL = 'Integral',
  /** A double-precision floating-point number (IEEE 754). */
  FRACTIONAL = 'Fractional',
  /** A UTF-8 string. */
  STRING = 'String',
}

/**
 * One feature of a feature group: its name and value type.
 *
 * Collection types (list, set, vector), which the SageMaker API offers for `InMemory` online
 * stores, are not in the `AWS::SageMaker::FeatureGroup` resource type, so they cannot be declared here.
 */
export interface FeatureDefinition {
  /**
   * The feature's name: 1-64 letters, digits, '-' or '_', starting and ending with a letter or
   * digit; not `is_deleted`, `write_time` or `api_invocation_time` (columns the offline store adds).
   */
  readonly featureName: string;
  /** The feature's value type. */
  readonly featureType: FeatureType;
}

/** The storage tier of an online store. */
export enum OnlineStoreStorageType {
  /** The standard low-latency store. Pay per read and write (or per provisioned capacity) and per GB stored. */
  STANDARD = 'Standard',
  /**
   * A very low latency store, powered by ElastiCache. No offline store can be attached to it
   * (Feature Store does not replicate it), and it takes no provisioned throughput.
   */
  IN_MEMORY = 'InMemory',
}

/** The online store of a feature group: the latest record per identifier, for real-time lookups. */
export interface OnlineStoreOptions {
  /**
   * Create an online store. Turn it off for an offline-only group (then `offlineStore` is required).
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The storage tier. Replaces the group when changed.
   * @default OnlineStoreStorageType.STANDARD
   */
  readonly storageType?: OnlineStoreStorageType;
  /**
   * The KMS key that encrypts the online store at rest. Whoever reads or writes records needs
   * `kms:Decrypt` on it (`grantIngest` and `grantRead` add it).
   * @default - a new customer-managed key with yearly rotation, retained like the group
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * How long a record stays in the online store after its event time: Feature Store hard-deletes
   * it once `EventTime + ttl` has passed (usually within a few days after). A whole number of
   * seconds, 1 or more; it is written in the largest unit (weeks, days, hours, minutes, seconds)
   * that holds it exactly. A deploy-time duration must be made in seconds, minutes, hours or days.
   * @default - records stay until they are overwritten or deleted
   */
  readonly ttl?: Duration;
}

/** The table format of an offline store. */
export enum OfflineStoreTableFormat {
  /** A Hive-style AWS Glue table, partitioned by event-time hour: the service's default. */
  GLUE = 'Glue',
  /**
   * An Apache Iceberg table (AWS's recommendation for large tables: you may compact its small
   * files, which speeds up queries). Its metadata is written under the same prefix.
   */
  ICEBERG = 'Iceberg',
}

/** Where the offline store's table is registered in the AWS Glue Data Catalog. */
export interface OfflineStoreDataCatalog {
  /** The Glue database (1-255 characters). */
  readonly databaseName: string;
  /** The Glue table (1-255 characters). */
  readonly tableName: string;
  /**
   * The catalog (1-255 characters).
   * @default 'AwsDataCatalog'
   */
  readonly catalog?: string;
}

/** The offline store of a feature group: every record version as Parquet in S3, queryable with Athena. */
export interface OfflineStoreOptions {
  /**
   * The bucket the offline store writes to. With a KMS key (a DataBucket's default), the store's
   * objects are encrypted with that key.
   */
  readonly bucket: IDataBucket;
  /**
   * The key prefix (folder) of the offline store in `bucket`; Feature Store writes under
   * `<prefix><account>/sagemaker/<region>/offline-store/<group>-<creation time>/`. The group's role
   * may write only under it, and `grantQuery` reads only under it.
   * @default 'feature-store/<featureGroupName>/'
   */
  readonly prefix?: string;
  /**
   * The table format. Replaces the group when changed.
   * @default OfflineStoreTableFormat.GLUE
   */
  readonly tableFormat?: OfflineStoreTableFormat;
  /**
   * Do not create a Glue table for the offline store (the data is still written to S3). With
   * `dataCatalog`, Feature Store associates the given table with the group without creating it.
   * @default false
   */
  readonly disableGlueTableCreation?: boolean;
  /**
   * The Glue database and table of the offline store. Naming them lets the grants name the table.
   * @default - Feature Store names the table after the group, in the database `sagemaker_featurestore`
   */
  readonly dataCatalog?: OfflineStoreDataCatalog;
}

/** How a feature group's reads and writes are billed. */
export enum FeatureGroupThroughputMode {
  /** Pay per request; Feature Store scales with the load. */
  ON_DEMAND = 'OnDemand',
  /** Pay for provisioned read and write capacity units; requests beyond them are throttled. */
  PROVISIONED = 'Provisioned',
}

/** Options of `grantQuery`. */
export interface FeatureGroupQueryOptions {
  /**
   * The Athena workgroup the grantee runs its queries in.
   * @default 'primary'
   */
  readonly workGroupName?: string;
  /**
   * The bucket Athena writes the query results to (the workgroup's output location); the grantee
   * may read and write under `resultsPrefix` there.
   * @default - no grant for query results: give the grantee write access to the workgroup's output location yourself
   */
  readonly resultsBucket?: IDataBucket;
  /**
   * The key prefix of the query results in `resultsBucket`. Only with `resultsBucket`.
   * @default 'athena-results/'
   */
  readonly resultsPrefix?: string;
}

/** A SageMaker Feature Store feature group. */
export interface IFeatureGroup extends IResource, sagemakerRefs.IFeatureGroupRef {
  /**
   * The feature group's name.
   * @attribute
   */
  readonly featureGroupName: string;
  /**
   * The feature group's ARN.
   * @attribute
   */
  readonly featureGroupArn: string;
  /** The KMS key of the online store, when known. */
  readonly onlineStoreEncryptionKey?: kms.IKey;
  /** The bucket of the offline store, when known. */
  readonly offlineStoreBucket?: IDataBucket;
  /** The key prefix of the offline store in `offlineStoreBucket` (a folder, ending in '/'), when known. */
  readonly offlineStorePrefix?: string;
  /** The Glue database of the offline store's table, when known. */
  readonly offlineStoreDatabaseName?: string;
  /** The Glue table of the offline store, when known (Feature Store names it when the group is created). */
  readonly offlineStoreTableName?: string;

  /**
   * Write and delete records: `sagemaker:PutRecord`, `sagemaker:DeleteRecord` and
   * `sagemaker:DescribeFeatureGroup` on this group, and `kms:Decrypt` on the online store's key.
   * Records reach the offline store through the group's own role.
   */
  grantIngest(grantee: iam.IGrantable): iam.Grant;
  /**
   * Read records from the online store: `sagemaker:GetRecord`, `sagemaker:BatchGetRecord` and
   * `sagemaker:DescribeFeatureGroup` on this group, and `kms:Decrypt` on the online store's key.
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /**
   * Query the offline store with Athena: read the objects under the offline store's prefix (and
   * decrypt them with the bucket's key), read the Glue table, run queries in the workgroup, and
   * describe the group (which names its table).
   */
  grantQuery(grantee: iam.IGrantable, options?: FeatureGroupQueryOptions): iam.Grant;
}

/** Attributes to import a feature group, with what its grants need to know. */
export interface FeatureGroupAttributes {
  /** The feature group's name (in this stack's account and region). */
  readonly featureGroupName: string;
  /**
   * The KMS key of its online store, so that `grantIngest` and `grantRead` include it.
   * @default - none: the grants cover no key
   */
  readonly onlineStoreEncryptionKey?: kms.IKey;
  /**
   * The bucket of its offline store, for `grantQuery`.
   * @default - unknown: `grantQuery` is refused
   */
  readonly offlineStoreBucket?: IDataBucket;
  /**
   * The key prefix of its offline store in `offlineStoreBucket`.
   * @default - the whole bucket
   */
  readonly offlineStorePrefix?: string;
  /**
   * The Glue database of its offline store's table.
   * @default 'sagemaker_featurestore'
   */
  readonly offlineStoreDatabaseName?: string;
  /**
   * The Glue table of its offline store.
   * @default - any table of the database
   */
  readonly offlineStoreTableName?: string;
}

/** Properties of a FeatureGroup. */
export interface FeatureGroupProps {
  /**
   * The feature group's name: 1-64 letters, digits, '-' or '_', starting and ending with a letter
   * or digit. Replaces the group when changed.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly featureGroupName?: string;
  /** The features: 1 to 2,500, unique names. */
  readonly features: FeatureDefinition[];
  /** The feature whose value identifies a record (one of `features`). */
  readonly recordIdentifierFeatureName: string;
  /**
   * The feature that holds a record's event time (one of `features`, of type String, an ISO-8601
   * time, or Fractional, seconds since the Unix epoch).
   */
  readonly eventTimeFeatureName: string;
  /**
   * A description (at most 128 characters). Replaces the group when changed.
   * @default - none
   */
  readonly description?: string;
  /**
   * The online store.
   * @default - an online store of the Standard tier, encrypted with a KMS key of its own, no TTL
   */
  readonly onlineStore?: OnlineStoreOptions;
  /**
   * The offline store: it needs the bucket where your training data lives, so there is none
   * unless you give one.
   * @default - no offline store
   */
  readonly offlineStore?: OfflineStoreOptions;
  /**
   * How reads and writes are billed.
   * @default - on demand (the service's default)
   */
  readonly throughputMode?: FeatureGroupThroughputMode;
  /**
   * Provisioned read capacity units (0-10,000,000), with `FeatureGroupThroughputMode.PROVISIONED`
   * and an online store only.
   * @default - none
   */
  readonly provisionedReadCapacityUnits?: number;
  /**
   * Provisioned write capacity units (0-10,000,000), with `FeatureGroupThroughputMode.PROVISIONED` only.
   * @default - none
   */
  readonly provisionedWriteCapacityUnits?: number;
  /**
   * Tags of the group. Replaces the group when changed.
   * @default - none beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the group (its records) and the online store key this construct creates when
   * they leave the stack. The offline store's objects stay in the bucket either way.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Feature group names (`FeatureGroupName` of the SageMaker API). */
const FEATURE_GROUP_NAME: NameRule = {
  pattern: /^[a-zA-Z0-9]([_-]*[a-zA-Z0-9]){0,63}$/,
  minLength: 1,
  maxLength: 64,
  description: "1-64 letters, digits, '-' or '_', starting and ending with a letter or digit",
};
/** Feature names (`FeatureName`). */
const FEATURE_NAME: NameRule = { ...FEATURE_GROUP_NAME, pattern: /^[a-zA-Z0-9]([-_]*[a-zA-Z0-9]){0,63}$/ };
/** Columns the offline store adds to every record. */
const RESERVED_FEATURE_NAMES = ['is_deleted', 'write_time', 'api_invocation_time'];
const MAX_FEATURES = 2500;
const DEFAULT_DATABASE = 'sagemaker_featurestore';
const DEFAULT_CATALOG = 'AwsDataCatalog';
const ATHENA_WORKGROUP = /^[a-zA-Z0-9._-]{1,128}$/;
const MAX_CAPACITY_UNITS = 10_000_000;
/** TtlDuration.Value is a 32-bit integer. */
const MAX_TTL_VALUE = 2_147_483_647;

abstract class FeatureGroupBase extends Resource implements IFeatureGroup {
  public get featureGroupRef(): sagemakerRefs.FeatureGroupReference {
    return { featureGroupName: this.featureGroupName };
  }

  public abstract readonly featureGroupName: string;
  public abstract readonly featureGroupArn: string;
  public abstract readonly onlineStoreEncryptionKey?: kms.IKey;
  public abstract readonly offlineStoreBucket?: IDataBucket;
  public abstract readonly offlineStorePrefix?: string;
  public abstract readonly offlineStoreDatabaseName?: string;
  public abstract readonly offlineStoreTableName?: string;

  public grantIngest(grantee: iam.IGrantable): iam.Grant {
    return this.grantRecords(grantee, ['sagemaker:PutRecord', 'sagemaker:DeleteRecord', 'sagemaker:DescribeFeatureGroup']);
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.grantRecords(grantee, ['sagemaker:GetRecord', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup']);
  }

  public grantQuery(grantee: iam.IGrantable, options: FeatureGroupQueryOptions = {}): iam.Grant {
    const bucket = this.offlineStoreBucket;
    if (!bucket) {
      throw new SageMakerConstructError(this, 'grantQuery: this feature group has no offline store that this app knows of; create it with offlineStore, or import it with fromFeatureGroupAttributes({ offlineStoreBucket, ... })');
    }
    const problems = new ProblemList();
    const workGroup = options.workGroupName ?? 'primary';
    if (!Token.isUnresolved(workGroup) && !ATHENA_WORKGROUP.test(workGroup)) {
      problems.add(`invalid workGroupName ${describeValue(workGroup)}: use 1-128 letters, digits, '.', '-' or '_'`);
    }
    if (options.resultsPrefix !== undefined && !options.resultsBucket) problems.add('resultsPrefix was given without resultsBucket: set the bucket the prefix is in');
    const resultsPrefix = keyPrefix(problems, 'resultsPrefix', options.resultsPrefix ?? 'athena-results/');
    problems.throwIfAny(this, 'grantQuery options');

    // Objects under the prefix (Parquet data, Iceberg metadata), listing limited to it, and the bucket's key.
    let grant = bucket.grantRead(grantee, this.offlineStorePrefix || undefined);
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeFeatureGroup'], resourceArns: [this.featureGroupArn] }));
    const database = this.offlineStoreDatabaseName ?? DEFAULT_DATABASE;
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['glue:GetDatabase', 'glue:GetTable', 'glue:GetTables', 'glue:GetPartition', 'glue:GetPartitions', 'glue:BatchGetPartition'],
      resourceArns: glueArns(this, database, this.offlineStoreTableName),
    }));
    grant = grant.combine(iam.Grant.addToPrincipal({
      grantee,
      actions: ['athena:StartQueryExecution', 'athena:StopQueryExecution', 'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup'],
      resourceArns: [arnIn(this, { service: 'athena', resource: 'workgroup', resourceName: workGroup })],
    }));
    if (options.resultsBucket) grant = grant.combine(options.resultsBucket.grantReadWrite(grantee, resultsPrefix));
    return grant;
  }

  private grantRecords(grantee: iam.IGrantable, actions: string[]): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions, resourceArns: [this.featureGroupArn] });
    // Every data-plane call (PutRecord, GetRecord, DeleteRecord) needs kms:Decrypt on the online store's key.
    const key = this.onlineStoreEncryptionKey;
    return key ? grant.combine(key.grant(grantee, 'kms:Decrypt')) : grant;
  }
}

/**
 * A SageMaker Feature Store feature group (`AWS::SageMaker::FeatureGroup`), secure by default: an
 * online store encrypted with a KMS key of its own, an optional offline store in a DataBucket
 * prefix (encrypted with the bucket's key) written by a least-privilege role that may write only
 * that prefix and update only the group's Glue table, typed feature definitions checked at synth,
 * and grants to ingest, read and query. Retained by default.
 *
 * Cost: the online store bills reads, writes and GB-months stored (or provisioned capacity); the
 * offline store bills S3 storage and the Athena queries you run; the online store's key costs
 * $1 a month. A group with no traffic costs its storage and key only.
 */
export class FeatureGroup extends FeatureGroupBase {
  /** Imports a feature group of this account and region by name (its grants cover no KMS key). */
  public static fromFeatureGroupName(scope: Construct, id: string, featureGroupName: string): IFeatureGroup {
    return FeatureGroup.fromFeatureGroupAttributes(scope, id, { featureGroupName });
  }

  /** Imports a feature group by ARN (`arn:<partition>:sagemaker:<region>:<account>:feature-group/<name>`). */
  public static fromFeatureGroupArn(scope: Construct, id: string, featureGroupArn: string): IFeatureGroup {
    checkImport(scope, id, 'FeatureGroup.fromFeatureGroupArn', (p) => checkArn(p, 'featureGroupArn', featureGroupArn, 'feature-group', { name: FEATURE_GROUP_NAME }));
    const parts = Stack.of(scope).splitArn(featureGroupArn, ArnFormat.SLASH_RESOURCE_NAME);
    class Import extends FeatureGroupBase {
      public readonly featureGroupName = parts.resourceName!;
      public readonly featureGroupArn = featureGroupArn;
      public readonly onlineStoreEncryptionKey = undefined;
      public readonly offlineStoreBucket = undefined;
      public readonly offlineStorePrefix = undefined;
      public readonly offlineStoreDatabaseName = undefined;
      public readonly offlineStoreTableName = undefined;
    }
    return new Import(scope, id, { account: parts.account, region: parts.region });
  }

  /** Imports a feature group of this account and region with its online store key and offline store, for the grants. */
  public static fromFeatureGroupAttributes(scope: Construct, id: string, attrs: FeatureGroupAttributes): IFeatureGroup {
    const prefix = checkImport(scope, id, 'FeatureGroup attributes', (p) => {
      checkName(p, 'featureGroupName', attrs.featureGroupName, FEATURE_GROUP_NAME);
      if (!attrs.offlineStoreBucket) {
        for (const prop of ['offlineStorePrefix', 'offlineStoreDatabaseName', 'offlineStoreTableName'] as const) {
          if (attrs[prop] !== undefined) p.add(`${prop} was given without offlineStoreBucket: set the offline store's bucket too`);
        }
      }
      return keyPrefix(p, 'offlineStorePrefix', attrs.offlineStorePrefix);
    });
    class Import extends FeatureGroupBase {
      public readonly featureGroupName = attrs.featureGroupName;
      public readonly featureGroupArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'feature-group', resourceName: attrs.featureGroupName });
      public readonly onlineStoreEncryptionKey = attrs.onlineStoreEncryptionKey;
      public readonly offlineStoreBucket = attrs.offlineStoreBucket;
      public readonly offlineStorePrefix = prefix;
      public readonly offlineStoreDatabaseName = attrs.offlineStoreDatabaseName;
      public readonly offlineStoreTableName = attrs.offlineStoreTableName;
    }
    return new Import(scope, id);
  }

  public readonly featureGroupName: string;
  public readonly featureGroupArn: string;
  public readonly onlineStoreEncryptionKey?: kms.IKey;
  public readonly offlineStoreBucket?: IDataBucket;
  public readonly offlineStorePrefix?: string;
  public readonly offlineStoreDatabaseName?: string;
  public readonly offlineStoreTableName?: string;
  /** The `s3://` URI of the offline store, when there is one. */
  public readonly offlineStoreUri?: string;
  /** The role Feature Store writes the offline store with, when there is one. */
  public readonly role?: iam.IRole;
  /** The features. */
  public readonly features: FeatureDefinition[];
  /** The record identifier feature's name. */
  public readonly recordIdentifierFeatureName: string;
  /** The event time feature's name. */
  public readonly eventTimeFeatureName: string;
  /** Whether the group has an online store. */
  public readonly onlineStoreEnabled: boolean;

  constructor(scope: Construct, id: string, props: FeatureGroupProps) {
    super(scope, id, { physicalName: props.featureGroupName });
    const name = props.featureGroupName ?? generatePhysicalName(this, { maxLength: 64 });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const online = props.onlineStore ?? {};
    const onlineEnabled = online.enabled ?? true;
    const offline = props.offlineStore;
    const storageType = online.storageType ?? OnlineStoreStorageType.STANDARD;

    const problems = new ProblemList();
    checkName(problems, 'featureGroupName', name, FEATURE_GROUP_NAME);
    const features = checkFeatures(problems, props, offline !== undefined);
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > 128) {
      problems.add(`description is ${props.description.length} characters long: at most 128`);
    }
    checkTags(problems, 'tags', props.tags);

    if (!onlineEnabled) {
      if (!offline) problems.add('onlineStore.enabled is false and there is no offlineStore: a feature group needs at least one of them');
      for (const prop of ['storageType', 'encryptionKey', 'ttl'] as const) {
        if (online[prop] !== undefined) problems.add(`onlineStore.${prop} was given with onlineStore.enabled false: it applies to an online store only`);
      }
    }
    const ttl = onlineEnabled && online.ttl ? ttlDuration(problems, online.ttl) : undefined;
    if (onlineEnabled && storageType === OnlineStoreStorageType.IN_MEMORY && offline) {
      problems.add('onlineStore.storageType InMemory was given with an offlineStore: Feature Store does not replicate an InMemory online store to an offline store; use OnlineStoreStorageType.STANDARD, or a separate offline-only group');
    }

    const mode = props.throughputMode;
    for (const prop of ['provisionedReadCapacityUnits', 'provisionedWriteCapacityUnits'] as const) {
      if (props[prop] !== undefined && mode !== FeatureGroupThroughputMode.PROVISIONED) {
        problems.add(`${prop} was given with throughputMode ${describeValue(mode ?? 'undefined (on demand)')}: capacity units apply to FeatureGroupThroughputMode.PROVISIONED only`);
      }
      integer(problems, prop, props[prop], 0, MAX_CAPACITY_UNITS);
    }
    if (mode === FeatureGroupThroughputMode.PROVISIONED) {
      if (onlineEnabled && storageType === OnlineStoreStorageType.IN_MEMORY) {
        problems.add('throughputMode PROVISIONED was given with an InMemory online store: provisioned throughput is supported only for offline-only groups and Standard online stores');
      }
      if (!onlineEnabled && props.provisionedReadCapacityUnits !== undefined) {
        problems.add('provisionedReadCapacityUnits was given for a group without an online store: read capacity applies to the online store only');
      }
    }

    let prefix: string | undefined;
    if (offline) {
      prefix = keyPrefix(problems, 'offlineStore.prefix', offline.prefix ?? `feature-store/${name}/`);
      if (prefix !== undefined && !Token.isUnresolved(prefix)) {
        // s3://<bucket>/<prefix>: a bucket name known only at deploy time counts as the shortest one (3).
        const bucketName = offline.bucket.bucketName;
        const length = 6 + (Token.isUnresolved(bucketName) ? 3 : utf8Length(bucketName)) + utf8Length(prefix);
        if (length > 1024) problems.add(`the offline store's S3 URI is ${Token.isUnresolved(bucketName) ? 'at least ' : ''}${length} bytes long: at most 1024; shorten offlineStore.prefix`);
      }
      const catalog = offline.dataCatalog;
      if (catalog) {
        for (const [prop, value] of [['databaseName', catalog.databaseName], ['tableName', catalog.tableName], ['catalog', catalog.catalog]] as const) {
          if (value !== undefined && !Token.isUnresolved(value) && (value.length < 1 || value.length > 255)) {
            problems.add(`invalid offlineStore.dataCatalog.${prop} ${describeValue(value)} (length ${value.length}): use 1-255 characters`);
          }
        }
      }
    }
    problems.throwIfAny(this, 'FeatureGroup props');

    const onlineKey = onlineEnabled
      ? online.encryptionKey ?? createManagedKey(this, 'OnlineStoreKey', { description: `Encrypts the online store of the SageMaker feature group ${this.node.path}`, removalPolicy })
      : undefined;

    let role: LeastPrivilegeRole | undefined;
    let offlineConfig: Record<string, unknown> | undefined;
    const database = offline?.dataCatalog?.databaseName ?? DEFAULT_DATABASE;
    const table = offline?.dataCatalog?.tableName;
    if (offline) {
      const bucket = offline.bucket;
      role = new LeastPrivilegeRole(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
        description: `Writes the offline store of the SageMaker feature group ${this.node.path}`,
      });
      // Writing the store's objects, and the bucket's key (GenerateDataKey, with Decrypt for multipart uploads).
      bucket.grantWrite(role, prefix);
      // What Feature Store does besides (AWS's AmazonSageMakerFeatureStoreAccess policy, scoped to
      // this bucket and prefix): it checks the bucket's ACL, sets the object ACL on write, and reads
      // the manifest and Iceberg metadata files it keeps under metadata/ folders.
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [bucket.bucketArn] }));
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:PutObjectAcl'], resources: [bucket.arnForObjects(`${prefix}*`)] }));
      role.addToPolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: [bucket.arnForObjects(`${prefix}*/metadata/*`)] }));
      if (!offline.disableGlueTableCreation || offline.dataCatalog) {
        // Feature Store updates the table's schema (new features) and, with Iceberg, its metadata pointer.
        role.addToPolicy(new iam.PolicyStatement({ actions: ['glue:GetTable', 'glue:UpdateTable'], resources: glueArns(this, database, table) }));
      }
      offlineConfig = {
        S3StorageConfig: { S3Uri: bucket.s3Uri(prefix ?? ''), KmsKeyId: bucket.encryptionKey?.keyArn },
        DisableGlueTableCreation: offline.disableGlueTableCreation,
        TableFormat: offline.tableFormat ?? OfflineStoreTableFormat.GLUE,
        DataCatalogConfig: offline.dataCatalog
          ? { Catalog: offline.dataCatalog.catalog ?? DEFAULT_CATALOG, Database: offline.dataCatalog.databaseName, TableName: offline.dataCatalog.tableName }
          : undefined,
      };
    }

    const resource = new CfnFeatureGroup(this, 'Resource', {
      featureGroupName: name,
      description: props.description,
      featureDefinitions: features.map((f) => ({ featureName: f.featureName, featureType: f.featureType })),
      recordIdentifierFeatureName: props.recordIdentifierFeatureName,
      eventTimeFeatureName: props.eventTimeFeatureName,
      onlineStoreConfig: onlineEnabled ? {
        EnableOnlineStore: true,
        SecurityConfig: { KmsKeyId: onlineKey!.keyArn },
        StorageType: storageType,
        TtlDuration: ttl,
      } : undefined,
      offlineStoreConfig: offlineConfig,
      roleArn: role?.role.roleArn,
      throughputConfig: mode ? {
        throughputMode: mode,
        provisionedReadCapacityUnits: props.provisionedReadCapacityUnits,
        provisionedWriteCapacityUnits: props.provisionedWriteCapacityUnits,
      } : undefined,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    resource.applyRemovalPolicy(removalPolicy);
    // Feature Store checks the offline store's permissions with the role when it creates the group.
    if (role) resource.node.addDependency(role);

    this.featureGroupName = this.getResourceNameAttribute(resource.ref);
    this.featureGroupArn = this.getResourceArnAttribute(
      Stack.of(this).formatArn({ service: 'sagemaker', resource: 'feature-group', resourceName: resource.ref }),
      { service: 'sagemaker', resource: 'feature-group', resourceName: this.physicalName },
    );
    this.onlineStoreEncryptionKey = onlineKey;
    this.onlineStoreEnabled = onlineEnabled;
    this.offlineStoreBucket = offline?.bucket;
    this.offlineStorePrefix = offline ? prefix : undefined;
    this.offlineStoreDatabaseName = offline ? database : undefined;
    this.offlineStoreTableName = table;
    this.offlineStoreUri = offline ? offline.bucket.s3Uri(prefix ?? '') : undefined;
    this.role = role?.role;
    this.features = features;
    this.recordIdentifierFeatureName = props.recordIdentifierFeatureName;
    this.eventTimeFeatureName = props.eventTimeFeatureName;
  }
}

/** The Glue catalog, the database and its table (any table of it when `table` is unknown), in the group's account and region. */
function glueArns(group: Resource, database: string, table: string | undefined): string[] {
  return [
    arnIn(group, { service: 'glue', resource: 'catalog' }),
    arnIn(group, { service: 'glue', resource: 'database', resourceName: database }),
    arnIn(group, { service: 'glue', resource: 'table', resourceName: `${database}/${table ?? '*'}` }),
  ];
}

/** An ARN in the account and region of `group`. */
function arnIn(group: Resource, components: { service: string; resource: string; resourceName?: string }): string {
  return Stack.of(group).formatArn({ ...components, account: group.env.account, region: group.env.region });
}

/** The feature definitions, the record identifier and the event time, checked. Returns a copy of the definitions. */
function checkFeatures(problems: ProblemList, props: FeatureGroupProps, offlineStore: boolean): FeatureDefinition[] {
  const features = [...props.features ?? []];
  if (features.length < 1 || features.length > MAX_FEATURES) {
    problems.add(`features has ${features.length} entries: a feature group has 1 to ${MAX_FEATURES} features`);
  }
  const types = Object.values(FeatureType) as string[];
  const seen = new Map<string, string>();
  features.forEach((f, i) => {
    const n = f.featureName;
    if (typeof n !== 'string') {
      problems.add(`features[${i}].featureName is ${describeValue(n)}: use a string`);
      return;
    }
    if (!Token.isUnresolved(f.featureType) && !types.includes(f.featureType)) {
      problems.add(`invalid features[${i}].featureType ${describeValue(f.featureType)} of ${describeValue(n)}: use one of ${types.join(', ')}`);
    }
    if (Token.isUnresolved(n)) return;
    checkName(problems, `features[${i}].featureName`, n, FEATURE_NAME);
    // Glue and Athena column names are case-insensitive: 'Write_Time' would clash with the offline store's column.
    if (RESERVED_FEATURE_NAMES.includes(n.toLowerCase())) {
      problems.add(`features[${i}].featureName ${describeValue(n)} is reserved: the offline store adds the columns ${RESERVED_FEATURE_NAMES.join(', ')} to every record`);
    }
    const key = offlineStore ? n.toLowerCase() : n;
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      problems.add(earlier === n
        ? `the feature ${describeValue(n)} is defined twice: feature names are unique in a group`
        : `the features ${describeValue(earlier)} and ${describeValue(n)} differ only by case: the offline store's Glue columns are case-insensitive`);
    } else {
      seen.set(key, n);
    }
  });
  const find = (n: string) => features.find((f) => f.featureName === n);
  const id = props.recordIdentifierFeatureName;
  if (!Token.isUnresolved(id) && !find(id)) {
    problems.add(`recordIdentifierFeatureName ${describeValue(id)} is not one of the features (${listNames(features)})`);
  }
  const time = props.eventTimeFeatureName;
  if (!Token.isUnresolved(time)) {
    const f = find(time);
    if (!f) {
      problems.add(`eventTimeFeatureName ${describeValue(time)} is not one of the features (${listNames(features)})`);
    } else if (f.featureType === FeatureType.INTEGRAL) {
      problems.add(`the event time feature ${describeValue(time)} is Integral: use FeatureType.STRING (an ISO-8601 time) or FeatureType.FRACTIONAL (seconds since the Unix epoch)`);
    }
  }
  return features;
}

function listNames(features: FeatureDefinition[]): string {
  if (features.length === 0) return 'none';
  const names = features.slice(0, 10).map((f) => String(f.featureName)).join(', ');
  return features.length > 10 ? `${names}, ... ${features.length - 10} more` : names;
}

/** `TtlDuration` of a duration: the largest unit that holds it exactly. */
function ttlDuration(problems: ProblemList, d: Duration): { Unit: string; Value: number } | undefined {
  if (d.isUnresolved()) {
    // A deploy-time duration converts only to the unit it was made in.
    const units: Array<[string, (x: Duration) => number]> = [['Seconds', (x) => x.toSeconds()], ['Minutes', (x) => x.toMinutes()], ['Hours', (x) => x.toHours()], ['Days', (x) => x.toDays()]];
    for (const [unit, convert] of units) {
      try {
        return { Unit: unit, Value: convert(d) };
      } catch {
        // made in another unit
      }
    }
    problems.add('onlineStore.ttl is a deploy-time value in milliseconds: give it as Duration.seconds(), minutes(), hours() or days() of the token');
    return undefined;
  }
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < 1) {
    problems.add(`invalid onlineStore.ttl ${d.toHumanString()}: use a whole number of seconds, 1 or more`);
    return undefined;
  }
  for (const [unit, size] of [['Weeks', 604800], ['Days', 86400], ['Hours', 3600], ['Minutes', 60], ['Seconds', 1]] as const) {
    if (s % size === 0) {
      if (s / size > MAX_TTL_VALUE) break;
      return { Unit: unit, Value: s / size };
    }
  }
  problems.add(`invalid onlineStore.ttl ${d.toHumanString()}: too long for TtlDuration (at most ${MAX_TTL_VALUE} of its unit)`);
  return undefined;
}

/**
 * A key prefix of a DataBucket as its grants take it: `x` and `x/` both mean the folder `x/`, ''
 * the whole bucket; no leading '/' and no '*'. Returns it normalized (a token as is).
 */
function keyPrefix(problems: ProblemList, prop: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined || Token.isUnresolved(prefix)) return prefix;
  if (prefix.startsWith('/') || prefix.includes('*')) {
    problems.add(`invalid ${prop} ${describeValue(prefix)}: use a key prefix without a leading '/' or '*', e.g. 'feature-store/'`);
    return undefined;
  }
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}
