import { ArnFormat, Duration, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnCodeRepository, CfnNotebookInstance } from 'aws-cdk-lib/aws-sagemaker';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct, IConstruct } from 'constructs';
import { INotebookLifecycleConfig, NotebookLifecycleConfig, NotebookScript } from './lifecycle-config';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { describeValue, ProblemList } from '../private/errors';
import { createManagedKey, grantVolumeKey } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { LeastPrivilegeRole } from '../private/role';
import { checkImport, checkName, checkTags, integer, NameRule } from '../private/rules';

/** The runtime platform of a notebook instance: its Amazon Linux and JupyterLab versions. */
export class NotebookPlatform {
  /** Amazon Linux 2023, JupyterLab 4 (`notebook-al2023-v1`). */
  public static readonly AL2023_V1 = new NotebookPlatform('notebook-al2023-v1');
  /** Amazon Linux 2, JupyterLab 4 (`notebook-al2-v3`); Amazon Linux 2 itself reached its end of support on 30 June 2026. */
  public static readonly AL2_V3 = new NotebookPlatform('notebook-al2-v3');

  /** A platform by its identifier, checked at synth against those the API accepts for new instances. */
  public static of(identifier: string): NotebookPlatform {
    return new NotebookPlatform(identifier);
  }

  private constructor(public readonly identifier: string) {}
}

/** Platforms the API still lists but that reached their end of support (AL1; AL2 with JupyterLab 1 and 3). */
const RETIRED_PLATFORMS = ['notebook-al1-v1', 'notebook-al2-v1', 'notebook-al2-v2'];
const CURRENT_PLATFORMS = ['notebook-al2023-v1', 'notebook-al2-v3'];

/** A git repository, as `AWS::SageMaker::CodeRepository` takes it. */
export interface NotebookGitRepositoryOptions {
  /** The repository's HTTPS URL (11-1024 characters), e.g. `https://github.com/org/repo.git`. */
  readonly repositoryUrl: string;
  /**
   * The branch to check out.
   * @default - the repository's default branch
   */
  readonly branch?: string;
  /**
   * A Secrets Manager secret holding the repository's credentials, as `{"username": ..., "password": ...}`
   * (a personal access token as the password). The notebook's execution role may read it.
   * @default - a public repository
   */
  readonly secret?: secretsmanager.ISecret;
  /**
   * The code repository's name: 1-63 letters, digits or hyphens.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly codeRepositoryName?: string;
}

/**
 * A git repository a notebook instance clones into `/home/ec2-user/SageMaker` when it is created. The
 * instance has no direct internet access: it reaches the repository only through your VPC (a NAT
 * gateway, or AWS CodeCommit through its VPC endpoint).
 */
export class NotebookCodeRepository {
  /** A repository by its HTTPS URL (public, or one SageMaker reaches without credentials). */
  public static fromUrl(url: string): NotebookCodeRepository {
    return new NotebookCodeRepository('url', url, undefined);
  }

  /** A code repository of this account and region (`AWS::SageMaker::CodeRepository`) by name. */
  public static fromName(codeRepositoryName: string): NotebookCodeRepository {
    return new NotebookCodeRepository('name', codeRepositoryName, undefined);
  }

  /** A new `AWS::SageMaker::CodeRepository`, created beside the instance, optionally with credentials. */
  public static fromGit(options: NotebookGitRepositoryOptions): NotebookCodeRepository {
    return new NotebookCodeRepository('git', options.repositoryUrl, options);
  }

  private constructor(private readonly kind: 'url' | 'name' | 'git', private readonly value: string, private readonly git: NotebookGitRepositoryOptions | undefined) {}

  /**
   * Checks the repository, and for `fromGit` creates its resource under `scope` as `id` and lets
   * `grantee` read its secret. Returns what the instance's property takes (a URL or a name).
   * @internal
   */
  public _bind(scope: Construct, id: string, prop: string, problems: ProblemList, grantee: iam.IGrantable): string | undefined {
    const literal = !Token.isUnresolved(this.value);
    if (this.kind === 'name') {
      checkName(problems, `${prop} name`, this.value);
      return this.value;
    }
    if (this.kind === 'url') {
      if (literal && (this.value.length > 1024 || !/^https:\/\/[^/]+\/?.*$/.test(this.value))) {
        problems.add(`invalid ${prop} URL ${describeValue(this.value)}: use an https:// git URL of at most 1024 characters`);
      }
      return this.value;
    }
    const git = this.git!;
    const before = problems.length;
    if (literal && (this.value.length < 11 || this.value.length > 1024 || !/^https:\/\/[^/]+\/?.{3,}$/.test(this.value))) {
      problems.add(`invalid ${prop} repositoryUrl ${describeValue(this.value)}: use an https:// git URL of 11-1024 characters`);
    }
    if (git.branch !== undefined && !Token.isUnresolved(git.branch) && (git.branch.length < 1 || git.branch.length > 1024 || !/^[^ ~^:?*[]+$/.test(git.branch))) {
      problems.add(`invalid ${prop} branch ${describeValue(git.branch)}: use 1-1024 characters without spaces or any of ~^:?*[`);
    }
    checkName(problems, `${prop} codeRepositoryName`, git.codeRepositoryName);
    if (problems.length > before) return undefined;
    const repository = new CfnCodeRepository(scope, id, {
      gitConfig: { repositoryUrl: this.value, branch: git.branch, secretArn: git.secret?.secretArn },
    });
    repository.codeRepositoryName = git.codeRepositoryName ?? generatePhysicalName(repository);
    // SageMaker reads the credentials with the notebook's execution role.
    git.secret?.grantRead(grantee);
    return repository.attrCodeRepositoryName;
  }
}

/** A SageMaker notebook instance. */
export interface INotebookInstance extends IResource, sagemakerRefs.INotebookInstanceRef {
  /**
   * The instance's name.
   * @attribute
   */
  readonly notebookInstanceName: string;
  /**
   * The instance's ARN (SageMaker writes the name in lower case there).
   * @attribute
   */
  readonly notebookInstanceArn: string;

  /**
   * Open the instance's Jupyter: `sagemaker:CreatePresignedNotebookInstanceUrl` (what the console's
   * "Open JupyterLab" calls) and `sagemaker:DescribeNotebookInstance`, on this instance only.
   */
  grantOpen(grantee: iam.IGrantable): iam.Grant;
  /** Start, stop and describe this instance. */
  grantStartStop(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a NotebookInstance. */
export interface NotebookInstanceProps {
  /**
   * The VPC the instance's network interface is in. The instance has no direct internet access: it
   * reaches AWS services through the VPC (VPC endpoints, or a NAT gateway). Idle auto-stop needs the
   * SageMaker API (`com.amazonaws.<region>.sagemaker.api`), CloudWatch Logs (`logs`) takes its logs.
   */
  readonly vpc: ec2.IVpc;
  /**
   * The subnet of the instance: the first subnet this selects.
   * @default - the VPC's first isolated subnet, or its first private subnet
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the instance's network interface (1 to 5), of `vpc`.
   * @default - a new security group with no inbound rule and HTTPS (443) out
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
  /**
   * The instance type.
   * @default InstanceType.of('ml.t3.medium') (2 vCPU, 4 GiB)
   */
  readonly instanceType?: InstanceType;
  /**
   * The size of the ML storage volume (mounted at `/home/ec2-user/SageMaker`, the only storage kept
   * across stops), 5 to 16,384 GB. It can grow later, never shrink.
   * @default 5
   */
  readonly volumeSizeGb?: number;
  /**
   * The runtime platform.
   * @default NotebookPlatform.AL2023_V1
   */
  readonly platform?: NotebookPlatform;
  /**
   * Give notebook users root access (`sudo`). Lifecycle scripts run as root either way.
   * @default false
   */
  readonly rootAccess?: boolean;
  /**
   * The KMS key that encrypts the ML storage volume.
   * @default - a new customer-managed key with rotation, retained like the instance
   */
  readonly volumeKey?: kms.IKey;
  /**
   * The execution role: what code in the notebook may do. Grant it more with other constructs'
   * `grant*()` (`bucket.grantRead(notebook)`).
   * @default - a new least-privilege role that may write the instance's logs and stop it (for idle auto-stop), nothing else
   */
  readonly role?: iam.IRole;
  /**
   * The instance's name: 1-63 letters, digits or hyphens.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly notebookInstanceName?: string;
  /**
   * Stop the instance after this much time without kernel or terminal activity (whole minutes, 5
   * minutes to 30 days), through the on-start script of the lifecycle configuration the instance
   * creates. From a token, give it as `Duration.minutes(param.valueAsNumber)`.
   * @default Duration.hours(1), unless `autoStop` is false
   */
  readonly idleTimeout?: Duration;
  /**
   * Stop the instance when it is idle (see `idleTimeout`). With `lifecycleConfig` of your own, the
   * instance cannot add the auto-stop part to it: leave this unset (the configuration decides).
   * @default true
   */
  readonly autoStop?: boolean;
  /**
   * Scripts run once, in order, when the instance is created.
   * @default - none
   */
  readonly onCreate?: NotebookScript[];
  /**
   * Scripts run, in order, at every start (after the auto-stop part).
   * @default - none
   */
  readonly onStart?: NotebookScript[];
  /**
   * A lifecycle configuration of your own (to share one between instances), instead of the one the
   * instance creates from `idleTimeout`, `onCreate` and `onStart`.
   * @default - one created from `idleTimeout`, `onCreate` and `onStart`, when there is anything to run
   */
  readonly lifecycleConfig?: INotebookLifecycleConfig;
  /**
   * The git repository cloned into `/home/ec2-user/SageMaker` and opened by default.
   * @default - none
   */
  readonly defaultCodeRepository?: NotebookCodeRepository;
  /**
   * Up to 3 more repositories, cloned beside the default one.
   * @default - none
   */
  readonly additionalCodeRepositories?: NotebookCodeRepository[];
  /**
   * Tags of the instance.
   * @default - no tags beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the instance (and its volume, the notebooks on it), its lifecycle configuration
   * and its key when they leave the stack. A retained instance keeps its name and needs a role again
   * before it starts (the role is deleted with the stack).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const DEFAULT_INSTANCE_TYPE = 'ml.t3.medium';
const DEFAULT_IDLE = Duration.hours(1);
const VOLUME_GB = { min: 5, max: 16384 };
const NAME_RULE: NameRule = { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, minLength: 1, maxLength: 63, description: '1-63 letters, digits or hyphens, starting and ending with a letter or digit' };

/** The ARN of a notebook instance: SageMaker lower-cases the name in it, and IAM compares ARNs case-sensitively. */
function instanceArn(scope: IConstruct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'notebook-instance', resourceName: Token.isUnresolved(name) ? name : name.toLowerCase() });
}

abstract class NotebookInstanceBase extends Resource implements INotebookInstance {
  public abstract readonly notebookInstanceName: string;
  public abstract readonly notebookInstanceArn: string;

  public get notebookInstanceRef(): sagemakerRefs.NotebookInstanceReference {
    return { notebookInstanceArn: this.notebookInstanceArn };
  }

  public grantOpen(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:CreatePresignedNotebookInstanceUrl', 'sagemaker:DescribeNotebookInstance'], resourceArns: [this.notebookInstanceArn] });
  }

  public grantStartStop(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:StartNotebookInstance', 'sagemaker:StopNotebookInstance', 'sagemaker:DescribeNotebookInstance'], resourceArns: [this.notebookInstanceArn] });
  }
}

/**
 * A SageMaker notebook instance (`AWS::SageMaker::NotebookInstance`), secure by default: in a VPC
 * with no direct internet access, no root access for users, IMDSv2 only, its volume encrypted with a
 * customer-managed key, and a least-privilege execution role. It stops itself after an hour without
 * activity (a lifecycle configuration it creates). Retained, with its key, by default.
 */
export class NotebookInstance extends NotebookInstanceBase implements iam.IGrantable, ec2.IConnectable {
  /** Imports a notebook instance of this account and region by name. */
  public static fromNotebookInstanceName(scope: Construct, id: string, notebookInstanceName: string): INotebookInstance {
    checkImport(scope, id, 'NotebookInstance import', (p) => checkName(p, 'notebookInstanceName', notebookInstanceName, NAME_RULE));
    class Import extends NotebookInstanceBase {
      public readonly notebookInstanceName = notebookInstanceName;
      public readonly notebookInstanceArn = instanceArn(scope, notebookInstanceName);
    }
    return new Import(scope, id);
  }

  public readonly notebookInstanceName: string;
  public readonly notebookInstanceArn: string;
  /** The execution role. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The key of the ML storage volume. */
  public readonly volumeKey: kms.IKey;
  /** The security groups of the instance, to let it reach what it needs: `endpoint.connections.allowDefaultPortFrom(notebook)`. */
  public readonly connections: ec2.Connections;
  /** The lifecycle configuration of the instance, when it has one. */
  public readonly lifecycleConfig?: INotebookLifecycleConfig;
  /** After how long without activity the instance stops itself, when the library knows (its own lifecycle configuration). */
  public readonly idleTimeout?: Duration;
  /** The underlying resource. */
  public readonly resource: CfnNotebookInstance;

  constructor(scope: Construct, id: string, props: NotebookInstanceProps) {
    super(scope, id, { physicalName: props.notebookInstanceName });
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const name = props.notebookInstanceName ?? generatePhysicalName(this);
    const problems = new ProblemList();
    checkName(problems, 'notebookInstanceName', name, NAME_RULE);
    problems.addIf((props.instanceType ?? InstanceType.of(DEFAULT_INSTANCE_TYPE))._problem('instanceType', InstanceUse.NOTEBOOK));
    integer(problems, 'volumeSizeGb', props.volumeSizeGb, VOLUME_GB.min, VOLUME_GB.max);
    const platform = (props.platform ?? NotebookPlatform.AL2023_V1).identifier;
    if (!Token.isUnresolved(platform) && !CURRENT_PLATFORMS.includes(platform)) {
      problems.add(RETIRED_PLATFORMS.includes(platform)
        ? `platform ${describeValue(platform)} has reached its end of support: use NotebookPlatform.AL2023_V1 or NotebookPlatform.AL2_V3`
        : `invalid platform ${describeValue(platform)}: use one of ${CURRENT_PLATFORMS.join(', ')}`);
    }
    const sgCount = props.securityGroups?.length;
    if (sgCount !== undefined && (sgCount < 1 || sgCount > 5)) problems.add(`securityGroups has ${sgCount} entries: use 1 to 5 (or leave it out for a new one)`);
    if ((props.additionalCodeRepositories?.length ?? 0) > 3) problems.add(`additionalCodeRepositories has ${props.additionalCodeRepositories!.length} entries: at most 3`);
    checkTags(problems, 'tags', props.tags);
    if (props.lifecycleConfig) {
      const own = [props.idleTimeout && 'idleTimeout', props.onCreate && 'onCreate', props.onStart && 'onStart', props.autoStop === true && 'autoStop: true'].filter((x): x is string => typeof x === 'string');
      if (own.length) problems.add(`${own.join(', ')} cannot be combined with lifecycleConfig, which the instance cannot change: put them in that configuration (NotebookLifecycleConfig's idleTimeout, onCreate, onStart), or leave lifecycleConfig out`);
    } else if (props.autoStop === false && props.idleTimeout !== undefined) {
      problems.add(`idleTimeout ${props.idleTimeout.toHumanString()} was given with autoStop: false: drop one of them`);
    }
    const subnetId = this.selectSubnet(problems, props);
    problems.throwIfAny(this, 'NotebookInstance props');

    this.volumeKey = props.volumeKey ?? createManagedKey(this, 'Key', {
      description: `Encrypts the ML storage volume of notebook instance ${this.node.path}`,
      removalPolicy,
    });
    const securityGroups = props.securityGroups ?? [this.createSecurityGroup(props.vpc)];
    this.connections = new ec2.Connections({ securityGroups });

    let roleConstruct: IConstruct;
    if (props.role) {
      this.role = props.role;
      this.grantPrincipal = props.role;
      roleConstruct = props.role;
    } else {
      const role = new LeastPrivilegeRole(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
        description: `Execution role of notebook instance ${this.node.path}`,
      });
      this.role = role.role;
      this.grantPrincipal = role.grantPrincipal;
      roleConstruct = role;
    }
    this.notebookInstanceArn = instanceArn(this, name);
    this.grantLogs(name);
    grantVolumeKey(this.volumeKey, this.grantPrincipal);

    // Lifecycle configuration: the instance's own, unless one is given.
    const autoStop = props.lifecycleConfig ? false : props.autoStop ?? true;
    const idleTimeout = autoStop ? props.idleTimeout ?? DEFAULT_IDLE : undefined;
    if (props.lifecycleConfig) {
      this.lifecycleConfig = props.lifecycleConfig;
    } else if (idleTimeout || props.onCreate?.length || props.onStart?.length) {
      const config = new NotebookLifecycleConfig(this, 'LifecycleConfig', { idleTimeout, onCreate: props.onCreate, onStart: props.onStart });
      config.resource.applyRemovalPolicy(removalPolicy);
      this.lifecycleConfig = config;
    }
    this.idleTimeout = this.lifecycleConfig?.idleTimeout;
    if (this.idleTimeout) {
      // The auto-stop checker stops the instance with its execution role.
      iam.Grant.addToPrincipal({ grantee: this, actions: ['sagemaker:StopNotebookInstance', 'sagemaker:DescribeNotebookInstance'], resourceArns: [this.notebookInstanceArn] });
    }

    const repositories = new ProblemList();
    const defaultCodeRepository = props.defaultCodeRepository?._bind(this, 'CodeRepository', 'defaultCodeRepository', repositories, this);
    const additional = (props.additionalCodeRepositories ?? []).map((r, i) => r._bind(this, `CodeRepository${i + 1}`, `additionalCodeRepositories[${i}]`, repositories, this));
    repositories.throwIfAny(this, 'NotebookInstance code repositories');

    this.resource = new CfnNotebookInstance(this, 'Resource', {
      notebookInstanceName: name,
      instanceType: (props.instanceType ?? InstanceType.of(DEFAULT_INSTANCE_TYPE)).name,
      roleArn: this.role.roleArn,
      subnetId,
      securityGroupIds: securityGroups.map((sg) => sg.securityGroupId),
      directInternetAccess: 'Disabled',
      rootAccess: props.rootAccess ? 'Enabled' : 'Disabled',
      kmsKeyId: this.volumeKey.keyArn,
      volumeSizeInGb: props.volumeSizeGb ?? VOLUME_GB.min,
      platformIdentifier: platform,
      instanceMetadataServiceConfiguration: { minimumInstanceMetadataServiceVersion: '2' },
      lifecycleConfigName: this.lifecycleConfig?.notebookInstanceLifecycleConfigName,
      defaultCodeRepository,
      additionalCodeRepositories: additional.length ? additional as string[] : undefined,
      tags: props.tags && Object.entries(props.tags).map(([key, value]) => ({ key, value })),
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    // The instance starts as soon as it is created, and its scripts and logs use the role's permissions.
    this.resource.node.addDependency(roleConstruct);
    this.notebookInstanceName = this.resource.attrNotebookInstanceName;
  }

  /** The instance's subnet: the first of the selection, or of the VPC's isolated or private subnets. */
  private selectSubnet(problems: ProblemList, props: NotebookInstanceProps): string | undefined {
    const vpc = props.vpc;
    let selection = props.vpcSubnets;
    if (!selection && vpc.isolatedSubnets.length + vpc.privateSubnets.length === 0) {
      problems.add('the vpc has no private subnets (isolated or with egress): pass a vpc with private subnets, or vpcSubnets selecting the subnet to use');
      return undefined;
    }
    selection ??= { subnetType: vpc.isolatedSubnets.length > 0 ? ec2.SubnetType.PRIVATE_ISOLATED : ec2.SubnetType.PRIVATE_WITH_EGRESS };
    let subnetIds: string[];
    try {
      subnetIds = vpc.selectSubnets(selection).subnetIds;
    } catch (e) {
      problems.add(`cannot select a subnet: ${(e as Error).message.split('\n')[0]}; pass vpcSubnets selecting subnets of the vpc`);
      return undefined;
    }
    if (subnetIds.length === 0) {
      problems.add(`vpcSubnets ${describeValue(selection)} selects no subnet of the vpc: select one`);
      return undefined;
    }
    return subnetIds[0];
  }

  private createSecurityGroup(vpc: ec2.IVpc): ec2.SecurityGroup {
    const sg = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc,
      description: `Notebook instance ${this.node.path}`,
      allowAllOutbound: false,
    });
    // HTTPS to VPC endpoints (SageMaker API, CloudWatch Logs, STS...) and, through the S3 gateway endpoint or a NAT gateway, to S3 and git.
    sg.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to VPC endpoints, S3 and git');
    return sg;
  }

  /**
   * The instance's logs: SageMaker writes Jupyter and lifecycle-script logs with the execution role
   * to `/aws/sagemaker/NotebookInstances`, streams `<name>/...`.
   */
  private grantLogs(name: string): void {
    const stack = Stack.of(this);
    const group = '/aws/sagemaker/NotebookInstances';
    const arn = (resourceName: string) => stack.formatArn({ service: 'logs', resource: 'log-group', resourceName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogGroup'], resources: [arn(`${group}:*`)] }));
    this.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [arn(`${group}:log-stream:${name}/*`)] }));
  }
}

