import { ArnFormat, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnMlflowTrackingServer } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { keyPrefix } from './private/registry-util';
import { IDataBucket } from '../data/data-bucket';
import { describeValue, ProblemList } from '../private/errors';
import { generatePhysicalName } from '../private/naming';
import { LeastPrivilegeRole } from '../private/role';
import { checkArn, checkImport, checkName, checkTags, sageMakerName, utf8Length } from '../private/rules';

/** The size of a managed MLflow tracking server. */
export enum TrackingServerSize {
  /** For teams of up to 25 users (AWS's recommendation). */
  SMALL = 'Small',
  /** For teams of up to 50 users. */
  MEDIUM = 'Medium',
  /** For teams of up to 100 users. */
  LARGE = 'Large',
}

/** A SageMaker managed MLflow tracking server. */
export interface IMlflowTrackingServer extends IResource {
  /**
   * The tracking server's name.
   * @attribute
   */
  readonly trackingServerName: string;
  /**
   * The tracking server's ARN: the MLflow tracking URI the `sagemaker-mlflow` plugin takes.
   * @attribute
   */
  readonly trackingServerArn: string;

  /**
   * Use the tracking server from the MLflow client, the MLflow UI and Studio: every
   * `sagemaker-mlflow` action on this server (experiments, runs, metrics, registered models, logged
   * models), `sagemaker:DescribeMlflowTrackingServer` and
   * `sagemaker:CreatePresignedMlflowTrackingServerUrl` on it, and, when this app knows the artifact
   * store, reading and writing artifacts there (the MLflow client writes them to S3 itself).
   */
  grantAccess(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of an MlflowTrackingServer. */
export interface MlflowTrackingServerProps {
  /** The bucket of the artifact store (models, plots, files that runs log). */
  readonly artifactBucket: IDataBucket;
  /**
   * The key prefix (folder) of the artifact store in `artifactBucket`.
   * @default 'mlflow/'
   */
  readonly artifactPrefix?: string;
  /**
   * The tracking server's name: 1-256 letters, digits or hyphens.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly trackingServerName?: string;
  /**
   * The server's size. It is billed by the hour while it runs, whatever its use.
   * @default TrackingServerSize.SMALL
   */
  readonly size?: TrackingServerSize;
  /**
   * The MLflow version, e.g. '2.16.2' (digits separated by dots, at most 16 characters).
   * @default - the version SageMaker chooses when the server is created
   */
  readonly mlflowVersion?: string;
  /**
   * Register models that MLflow registers in the SageMaker Model Registry too (a model package
   * group named after each MLflow registered model). The server's role then may create model
   * package groups and versions in this account and region.
   * @default false
   */
  readonly automaticModelRegistration?: boolean;
  /**
   * When SageMaker may update the server each week, in UTC: `Ddd:HH:MM` (e.g. 'Tue:03:30').
   * @default - a window SageMaker chooses
   */
  readonly weeklyMaintenanceWindowStart?: string;
  /**
   * Tags of the server.
   * @default - none beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the server when it leaves the stack. The server holds the experiments' and
   * runs' metadata (the artifacts stay in the bucket either way): deleting it deletes them.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The actions of the `sagemaker-mlflow` service prefix that take the tracking server as their
 * resource (Service Authorization Reference, "Amazon SageMaker with MLflow"; SageMaker's "Set up
 * IAM permissions for MLflow"). Listed one by one: the library writes no action wildcard.
 */
const MLFLOW_TRACKING_ACTIONS: readonly string[] = [
  'CreateExperiment', 'SearchExperiments', 'GetExperiment', 'GetExperimentByName', 'DeleteExperiment', 'RestoreExperiment', 'UpdateExperiment',
  'CreateRun', 'DeleteRun', 'RestoreRun', 'GetRun', 'UpdateRun', 'SearchRuns',
  'LogMetric', 'LogBatch', 'LogModel', 'LogInputs', 'LogOutputs', 'LogParam', 'SetExperimentTag', 'SetTag', 'DeleteTag', 'GetMetricHistory', 'ListArtifacts',
  'CreateRegisteredModel', 'GetRegisteredModel', 'RenameRegisteredModel', 'UpdateRegisteredModel', 'DeleteRegisteredModel', 'SearchRegisteredModels',
  'SetRegisteredModelTag', 'DeleteRegisteredModelTag', 'SetRegisteredModelAlias', 'DeleteRegisteredModelAlias', 'GetModelVersionByAlias',
  'GetLatestModelVersions', 'CreateModelVersion', 'GetModelVersion', 'UpdateModelVersion', 'DeleteModelVersion', 'SearchModelVersions',
  'GetDownloadURIForModelVersionArtifacts', 'TransitionModelVersionStage', 'DeleteModelVersionTag',
  'FinalizeLoggedModel', 'GetLoggedModel', 'DeleteLoggedModel', 'SearchLoggedModels', 'SetLoggedModelTags', 'DeleteLoggedModelTag',
  'ListLoggedModelArtifacts', 'LogLoggedModelParams',
].map((a) => `sagemaker-mlflow:${a}`);

const TRACKING_SERVER_NAME = sageMakerName(256);
const MAINTENANCE_WINDOW = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun):([01]\d|2[0-3]):([0-5]\d)$/;
const MLFLOW_VERSION = /^\d+(\.\d+)+$/;

abstract class MlflowTrackingServerBase extends Resource implements IMlflowTrackingServer {
  public abstract readonly trackingServerName: string;
  public abstract readonly trackingServerArn: string;

  public grantAccess(grantee: iam.IGrantable): iam.Grant {
    let grant = iam.Grant.addToPrincipal({
      grantee,
      actions: [...MLFLOW_TRACKING_ACTIONS, 'sagemaker:DescribeMlflowTrackingServer', 'sagemaker:CreatePresignedMlflowTrackingServerUrl'],
      resourceArns: [this.trackingServerArn],
    });
    // AccessUI has no resource type in the Service Authorization Reference: IAM honours it only on
    // '*'. It opens the UI of a server the principal has a presigned URL for, which is scoped above.
    grant = grant.combine(iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker-mlflow:AccessUI'], resourceArns: ['*'] }));
    const artifacts = this._grantArtifacts(grantee);
    return artifacts ? grant.combine(artifacts) : grant;
  }

  /**
   * Reading and writing the artifact store, when this app knows it.
   * @internal
   */
  protected _grantArtifacts(_grantee: iam.IGrantable): iam.Grant | undefined {
    return undefined;
  }
}

/**
 * A SageMaker managed MLflow tracking server (`AWS::SageMaker::MlflowTrackingServer`) for
 * experiments: its artifact store in a DataBucket prefix (SSE-KMS with the bucket's key), a
 * least-privilege role that may read and write only that prefix (and, with automatic model
 * registration, register models in the Model Registry), a weekly maintenance window and
 * `grantAccess` for the people and jobs that log to it. Retained by default.
 *
 * Cost: billed per hour by size while the server runs (it runs from creation until it is
 * stopped or deleted), plus the artifacts' S3 storage; see the SageMaker pricing page.
 */
export class MlflowTrackingServer extends MlflowTrackingServerBase {
  /** Imports a tracking server of this account and region by name. */
  public static fromTrackingServerName(scope: Construct, id: string, trackingServerName: string): IMlflowTrackingServer {
    checkImport(scope, id, 'MlflowTrackingServer name', (p) => checkName(p, 'trackingServerName', trackingServerName, TRACKING_SERVER_NAME));
    class Import extends MlflowTrackingServerBase {
      public readonly trackingServerName = trackingServerName;
      public readonly trackingServerArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'mlflow-tracking-server', resourceName: trackingServerName });
    }
    return new Import(scope, id);
  }

  /** Imports a tracking server by ARN. */
  public static fromTrackingServerArn(scope: Construct, id: string, trackingServerArn: string): IMlflowTrackingServer {
    checkImport(scope, id, 'MlflowTrackingServer ARN', (p) => checkArn(p, 'trackingServerArn', trackingServerArn, 'mlflow-tracking-server', { name: TRACKING_SERVER_NAME }));
    const name = Stack.of(scope).splitArn(trackingServerArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    class Import extends MlflowTrackingServerBase {
      public readonly trackingServerName = name;
      public readonly trackingServerArn = trackingServerArn;
    }
    return new Import(scope, id);
  }

  public readonly trackingServerName: string;
  public readonly trackingServerArn: string;
  /** The role SageMaker runs the server with. */
  public readonly role: iam.IRole;
  /** The artifact store's `s3://` URI. */
  public readonly artifactStoreUri: string;
  /** The server's size. */
  public readonly size: TrackingServerSize;
  private readonly artifactStore: { bucket: IDataBucket; prefix: string };

  constructor(scope: Construct, id: string, props: MlflowTrackingServerProps) {
    super(scope, id, { physicalName: props.trackingServerName });
    const name = props.trackingServerName ?? generatePhysicalName(this);
    const problems = new ProblemList();
    checkName(problems, 'trackingServerName', name, TRACKING_SERVER_NAME);
    const prefix = keyPrefix(problems, 'artifactPrefix', props.artifactPrefix ?? 'mlflow/');
    const version = props.mlflowVersion;
    if (version !== undefined && !Token.isUnresolved(version) && (version.length > 16 || !MLFLOW_VERSION.test(version))) {
      problems.add(`invalid mlflowVersion ${describeValue(version)}: use digits separated by dots, e.g. '2.16.2' (at most 16 characters)`);
    }
    const window = props.weeklyMaintenanceWindowStart;
    if (window !== undefined && !Token.isUnresolved(window) && !MAINTENANCE_WINDOW.test(window)) {
      problems.add(`invalid weeklyMaintenanceWindowStart ${describeValue(window)}: use Ddd:HH:MM in UTC, a day of Mon, Tue, Wed, Thu, Fri, Sat, Sun and a 24-hour time, e.g. 'Tue:03:30'`);
    }
    checkTags(problems, 'tags', props.tags);
    const uri = props.artifactBucket.s3Uri(prefix ?? '');
    if (!Token.isUnresolved(prefix) && utf8Length(prefix ?? '') > 1000) {
      problems.add(`artifactPrefix is ${utf8Length(prefix ?? '')} bytes long: the artifact store URI may be at most 1024 bytes`);
    }
    problems.throwIfAny(this, 'MlflowTrackingServer props');

    const role = new LeastPrivilegeRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Runs the MLflow tracking server ${this.node.path}`,
    });
    props.artifactBucket.grantReadWrite(role, prefix);
    if (props.automaticModelRegistration) {
      const stack = Stack.of(this);
      role.addToPolicy(new iam.PolicyStatement({
        actions: ['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage', 'sagemaker:AddTags'],
        // The groups are named after the MLflow registered models, known only at run time.
        resources: [
          stack.formatArn({ service: 'sagemaker', resource: 'model-package-group', resourceName: '*' }),
          stack.formatArn({ service: 'sagemaker', resource: 'model-package', resourceName: '*' }),
        ],
      }));
    }

    this.size = props.size ?? TrackingServerSize.SMALL;
    const resource = new CfnMlflowTrackingServer(this, 'Resource', {
      trackingServerName: name,
      artifactStoreUri: uri,
      roleArn: role.role.roleArn,
      trackingServerSize: this.size,
      mlflowVersion: version,
      automaticModelRegistration: props.automaticModelRegistration ?? false,
      weeklyMaintenanceWindowStart: window,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    // SageMaker checks the artifact store with the role when it creates the server.
    resource.node.addDependency(role);

    this.trackingServerName = name;
    this.trackingServerArn = resource.attrTrackingServerArn;
    this.role = role.role;
    this.artifactStoreUri = uri;
    this.artifactStore = { bucket: props.artifactBucket, prefix: prefix ?? '' };
  }

  /** @internal */
  protected _grantArtifacts(grantee: iam.IGrantable): iam.Grant | undefined {
    return this.artifactStore.bucket.grantReadWrite(grantee, this.artifactStore.prefix);
  }
}
