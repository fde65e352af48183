import { ArnFormat, CustomResource, Duration, IResource, Lazy, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnDomain, CfnStudioLifecycleConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { createManagedKey, grantKeyReadWrite } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { HandlerProvider } from '../private/provider';
import { LeastPrivilegeRole } from '../private/role';
import { DOMAIN_CLEANUP_RESOURCE_TYPE, DomainCleanupProperties } from '../private/contracts/domain-cleanup';
import { checkArn, checkName, checkNow, STUDIO_DOMAIN_ID } from '../private/rules';
import { LifecycleConfigOptions, StudioAppType } from './lifecycle-config';
import { DEFAULT_STUDIO_VPC_ENDPOINTS, StudioVpcEndpoint } from './network';
import { lifecycleConfigContent } from './private/lifecycle-config';
import { addStudioVpcEndpoints, checkVpcEndpoints, createAppSecurityGroup, createStudioVpc, selectDomainSubnets } from './private/network';
import { SpaceOptions, StudioSpace } from './space';
import { StudioUserProfile, UserProfileOptions } from './user-profile';

/** How users sign in to Studio. */
export enum StudioAuthMode {
  /** IAM users or roles open Studio with a presigned URL (`CreatePresignedDomainUrl`). */
  IAM = 'IAM',
  /** IAM Identity Center users; each user profile names an Identity Center user. */
  SSO = 'SSO',
}

/** How Studio apps reach the network. */
export enum StudioNetworkMode {
  /** All traffic stays in your VPC and goes to AWS services through VPC endpoints. */
  VPC_ONLY = 'VpcOnly',
  /** Apps reach the internet through SageMaker's own network; your VPC only carries the home EFS. */
  PUBLIC_INTERNET_ONLY = 'PublicInternetOnly',
}

/** A SageMaker Studio domain. */
export interface IStudioDomain extends IResource, iam.IGrantable, sagemakerRefs.IDomainRef {
  /**
   * The domain's ID (`d-xxxxxxxxxxxx`).
   * @attribute
   */
  readonly domainId: string;
  /**
   * The domain's ARN.
   * @attribute
   */
  readonly domainArn: string;
}

/** Attributes to import an existing domain. */
export interface StudioDomainAttributes {
  /** The domain's ID. */
  readonly domainId: string;
  /**
   * The default execution role of the domain; grants to the imported domain go to it.
   * @default - grants to the imported domain are not possible
   */
  readonly executionRole?: iam.IRole;
}

/** Properties of a StudioDomain. */
export interface StudioDomainProps {
  /**
   * The domain's name: 1-63 letters, digits or hyphens.
   * @default - a unique name derived from the construct path
   */
  readonly domainName?: string;
  /**
   * How users sign in.
   * @default StudioAuthMode.IAM
   */
  readonly authMode?: StudioAuthMode;
  /**
   * Network access of the apps.
   * @default StudioNetworkMode.VPC_ONLY
   */
  readonly networkMode?: StudioNetworkMode;
  /**
   * The VPC of the domain.
   * @default - a new VPC: 2 AZs, private isolated subnets only, no NAT gateway, flow logs
   */
  readonly vpc?: ec2.IVpc;
  /**
   * The subnets of the domain, in `vpc`. Required with a VPC of your own that has no private subnets.
   * @default - the VPC's private subnets (isolated or with egress)
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * VPC endpoints to create in the domain's VPC.
   * @default - DEFAULT_STUDIO_VPC_ENDPOINTS with VPC_ONLY, none with PUBLIC_INTERNET_ONLY
   */
  readonly vpcEndpoints?: StudioVpcEndpoint[];
  /**
   * The default execution role of users and spaces.
   * @default - a new least-privilege role (no AWS managed policies); widen it with `grant*()` of other constructs
   */
  readonly executionRole?: iam.IRole;
  /**
   * The KMS key for the home EFS and the spaces' EBS volumes.
   * @default - a new customer-managed key with rotation, retained like the domain
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Shut JupyterLab and Code Editor apps down after this much idle time (60 to 525,600 minutes).
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
  /**
   * Default EBS volume size of a space, in GiB (5 to 16,384).
   * @default 5
   */
  readonly defaultSpaceEbsSizeGb?: number;
  /**
   * Largest EBS volume a user may choose for a space, in GiB (default size to 16,384).
   * @default 100
   */
  readonly maxSpaceEbsSizeGb?: number;
  /**
   * Let apps run Docker (local mode). Only in VPC_ONLY mode.
   * @default false
   */
  readonly enableDockerAccess?: boolean;
  /**
   * What happens to the domain, its user profiles and spaces when they leave the stack. With
   * DESTROY, a cleanup custom resource also deletes apps, spaces and user profiles created outside
   * the stack, the home EFS and the NFS security groups SageMaker created, so the VPC can go too.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

abstract class StudioDomainBase extends Resource implements IStudioDomain {
  public get domainRef(): sagemakerRefs.DomainReference {
    return { domainId: this.domainId, domainArn: this.domainArn };
  }

  public abstract readonly domainId: string;
  public abstract readonly domainArn: string;
  public abstract readonly grantPrincipal: iam.IPrincipal;
}

const IDLE_MIN = 60;
const IDLE_MAX = 525600;

/** The idle timeout and space volume sizes of a domain, once its props are checked. */
interface DomainLimits {
  readonly idleMinutes: number;
  readonly defaultEbsGb: number;
  readonly maxEbsGb: number;
}

/**
 * A SageMaker Studio domain, secure by default: VPC-only networking in isolated subnets with the
 * VPC endpoints Studio needs, a KMS key for the home EFS and space volumes, a least-privilege
 * execution role, idle shutdown of JupyterLab and Code Editor apps, Docker off, and retained on
 * stack delete. With `RemovalPolicy.DESTROY`, `cdk destroy` removes it completely.
 */
export class StudioDomain extends StudioDomainBase {
  /** Imports an existing domain. */
  public static fromDomainAttributes(scope: Construct, id: string, attrs: StudioDomainAttributes): IStudioDomain {
    class Import extends StudioDomainBase {
      public readonly domainId = attrs.domainId;
      public readonly domainArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'domain', resourceName: attrs.domainId });
      public get grantPrincipal(): iam.IPrincipal {
        if (!attrs.executionRole) throw new SageMakerConstructError(this, 'cannot grant to an imported domain without executionRole: pass executionRole to fromDomainAttributes');
        return attrs.executionRole;
      }
    }
    checkNow(scope, 'StudioDomain.fromDomainAttributes', (p) => checkName(p, 'domainId', attrs.domainId, STUDIO_DOMAIN_ID));
    return new Import(scope, id);
  }

  /**
   * Imports a domain by ARN (`arn:<partition>:sagemaker:<region>:<account>:domain/d-...`), also of
   * another account or region: the import's environment is the ARN's. Grants to it need
   * `fromDomainAttributes` with the domain's `executionRole`.
   */
  public static fromDomainArn(scope: Construct, id: string, domainArn: string): IStudioDomain {
    let domainId: string;
    if (Token.isUnresolved(domainArn)) {
      domainId = Stack.of(scope).splitArn(domainArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    } else {
      const problems = new ProblemList();
      domainId = checkArn(problems, 'domainArn', domainArn, 'domain', { name: STUDIO_DOMAIN_ID })!;
      // named for the import's own path: the construct the user asked for at `id`
      if (problems.length) problems.throwIfAny(new Construct(scope, id), 'StudioDomain.fromDomainArn');
    }
    class Import extends StudioDomainBase {
      public readonly domainId = domainId;
      public readonly domainArn = domainArn;
      public get grantPrincipal(): iam.IPrincipal {
        throw new SageMakerConstructError(this, 'cannot grant to a domain imported by ARN: import it with fromDomainAttributes and its executionRole');
      }
    }
    return new Import(scope, id, { environmentFromArn: Token.isUnresolved(domainArn) ? undefined : domainArn });
  }

  public readonly domainId: string;
  public readonly domainArn: string;
  /** The Studio URL of the domain. */
  public readonly domainUrl: string;
  /** The ID of the home EFS file system SageMaker creates for the domain. */
  public readonly homeEfsFileSystemId: string;
  /** The ID of the security group SageMaker creates for the domain's EFS traffic. */
  public readonly securityGroupIdForDomainBoundary: string;
  /** The security group of the apps (and of the VPC endpoints it creates). */
  public readonly securityGroup: ec2.ISecurityGroup;
  /** The VPC of the domain. */
  public readonly vpc: ec2.IVpc;
  /** The default execution role. */
  public readonly executionRole: iam.IRole;
  /** The key of the home EFS and space volumes. */
  public readonly encryptionKey: kms.IKey;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The underlying resource. */
  public readonly resource: CfnDomain;

  private readonly authMode: StudioAuthMode;
  private readonly removalPolicy: RemovalPolicy;
  private readonly idleMinutes: number;
  private readonly defaultEbsGb: number;
  private readonly maxEbsGb: number;
  private readonly profiles = new Map<string, StudioUserProfile>();
  private readonly spaces = new Map<string, StudioSpace>();
  private readonly lifecycleConfigArns: Record<StudioAppType, string[]> = { [StudioAppType.JUPYTER_LAB]: [], [StudioAppType.CODE_EDITOR]: [] };
  private readonly lifecycleConfigNames = new Map<string, string>();
  private readonly defaultLifecycleConfig: Partial<Record<StudioAppType, { id: string; arn: string }>> = {};
  private readonly cleanup: CustomResource;

  constructor(scope: Construct, id: string, props: StudioDomainProps = {}) {
    super(scope, id, { physicalName: props.domainName });
    this.authMode = props.authMode ?? StudioAuthMode.IAM;
    this.removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const networkMode = props.networkMode ?? StudioNetworkMode.VPC_ONLY;
    const vpcOnly = networkMode === StudioNetworkMode.VPC_ONLY;
    const name = props.domainName ?? generatePhysicalName(this);
    const endpoints = props.vpcEndpoints ?? (vpcOnly ? DEFAULT_STUDIO_VPC_ENDPOINTS : []);
    const limits = this.validateProps(props, name, networkMode, endpoints);
    this.idleMinutes = limits.idleMinutes;
    this.defaultEbsGb = limits.defaultEbsGb;
    this.maxEbsGb = limits.maxEbsGb;

    this.encryptionKey = props.encryptionKey ?? createManagedKey(this, 'Key', {
      description: `Encrypts the home EFS, space volumes and VPC flow logs of Studio domain ${this.node.path}`,
      removalPolicy: this.removalPolicy,
    });

    // Network
    this.vpc = props.vpc ?? createStudioVpc(this, this.removalPolicy, props.encryptionKey ? undefined : this.encryptionKey as kms.Key);
    const subnetIds = selectDomainSubnets(this, this.vpc, props.vpcSubnets, vpcOnly);
    this.securityGroup = createAppSecurityGroup(this, this.vpc);
    if (vpcOnly || props.vpcEndpoints) addStudioVpcEndpoints(this, this.vpc, this.securityGroup, endpoints);

    // Identity
    const identity = props.executionRole ? { role: props.executionRole, grantPrincipal: props.executionRole } : this.createExecutionRole();
    this.executionRole = identity.role;
    this.grantPrincipal = identity.grantPrincipal;

    this.resource = this.createDomainResource(name, networkMode, subnetIds, props.enableDockerAccess);
    this.domainId = this.resource.attrDomainId;
    this.domainArn = this.resource.attrDomainArn;
    this.domainUrl = this.resource.attrUrl;
    this.homeEfsFileSystemId = this.resource.attrHomeEfsFileSystemId;
    this.securityGroupIdForDomainBoundary = this.resource.attrSecurityGroupIdForDomainBoundary;

    this.grantStudioUse(vpcOnly);
    // Always present, so that switching DESTROY to RETAIN is an update to Mode RETAIN rather than the
    // removal (and so the delete, with Mode DESTROY) of the cleanup resource.
    this.cleanup = this.addCleanup();
  }

  /** The security group IDs of the domain: the apps' and the one SageMaker made for the domain boundary. */
  public get securityGroupIds(): string[] {
    return [this.securityGroup.securityGroupId, this.securityGroupIdForDomainBoundary];
  }

  /** Adds a user profile. Names are unique per domain. */
  public addUserProfile(name: string, options: UserProfileOptions = {}): StudioUserProfile {
    const problems = new ProblemList();
    checkName(problems, 'userProfileName', name);
    if (this.profiles.has(name)) problems.add(`user profile ${describeValue(name)} was already added: user profile names are unique per domain`);
    if (this.authMode === StudioAuthMode.IAM && (options.singleSignOnUserValue || options.singleSignOnUserIdentifier)) {
      problems.add(`singleSignOnUserValue/singleSignOnUserIdentifier were given for user profile ${describeValue(name)} of a domain with authMode IAM: they are only allowed with StudioAuthMode.SSO`);
    }
    if (this.authMode === StudioAuthMode.SSO && !options.singleSignOnUserValue) {
      problems.add(`user profile ${describeValue(name)} of an SSO domain needs singleSignOnUserValue (the IAM Identity Center user name)`);
    }
    problems.throwIfAny(this, `user profile '${name}'`);
    const profile = new StudioUserProfile(this, `UserProfile-${name}`, this, name, options);
    profile.resource.applyRemovalPolicy(this.removalPolicy);
    this.profiles.set(name, profile);
    this.cleanup.node.addDependency(profile.resource);
    return profile;
  }

  /** Adds a JupyterLab or Code Editor space owned by a user profile of this domain. */
  public addSpace(name: string, options: SpaceOptions): StudioSpace {
    const problems = new ProblemList();
    checkName(problems, 'spaceName', name);
    if (options.displayName !== undefined && !Token.isUnresolved(options.displayName) && (options.displayName.length < 1 || options.displayName.length > 64)) {
      problems.add(`invalid displayName ${describeValue(options.displayName)} of space '${name}': use 1-64 characters`);
    }
    const ebs = options.ebsSizeGb ?? this.defaultEbsGb;
    if (this.spaces.has(name)) problems.add(`space ${describeValue(name)} was already added: space names are unique per domain`);
    if (![...this.profiles.values()].includes(options.owner)) {
      problems.add(`the owner of space ${describeValue(name)} is not a user profile of this domain: use a profile returned by addUserProfile of ${this.node.path}`);
    }
    if (!Number.isInteger(ebs) || ebs < 5 || ebs > this.maxEbsGb) {
      problems.add(`invalid ebsSizeGb ${describeValue(ebs)} for space ${describeValue(name)}: use a whole number of GiB from 5 to the domain's maxSpaceEbsSizeGb (${this.maxEbsGb})`);
    }
    problems.throwIfAny(this, `space '${name}'`);
    const space = new StudioSpace(this, `Space-${name}`, this, name, options, ebs);
    space.resource.applyRemovalPolicy(this.removalPolicy);
    this.spaces.set(name, space);
    this.cleanup.node.addDependency(space.resource);
    return space;
  }

  /** Adds a Studio lifecycle configuration (a shell script run when an app starts). */
  public addLifecycleConfig(id: string, options: LifecycleConfigOptions): CfnStudioLifecycleConfig {
    if (this.node.tryFindChild(id)) {
      throw new SageMakerConstructError(this, `lifecycle config '${id}' was already added: use a different id`);
    }
    const content = lifecycleConfigContent(this, id, options);
    const name = options.name ?? generatePhysicalName(new Construct(this, `${id}Name`));
    if (this.lifecycleConfigNames.has(name)) {
      throw new SageMakerConstructError(this, `lifecycle config name ${describeValue(name)} is already used by '${this.lifecycleConfigNames.get(name)}': names are unique per account and region`);
    }
    this.lifecycleConfigNames.set(name, id);
    checkNow(this, `addLifecycleConfig(${id})`, (p) => checkName(p, 'lifecycle config name', name));
    const config = new CfnStudioLifecycleConfig(this, id, {
      studioLifecycleConfigAppType: options.appType,
      studioLifecycleConfigContent: content,
      studioLifecycleConfigName: name,
    });
    this.lifecycleConfigArns[options.appType].push(config.attrStudioLifecycleConfigArn);
    if (options.attachByDefault ?? true) {
      const existing = this.defaultLifecycleConfig[options.appType];
      if (existing) {
        throw new SageMakerConstructError(this, `lifecycle config '${id}' would be the second default of ${options.appType} (after '${existing.id}'): an app type has one default; pass attachByDefault: false to offer it without running it by default`);
      }
      this.defaultLifecycleConfig[options.appType] = { id, arn: config.attrStudioLifecycleConfigArn };
    }
    return config;
  }

  /** The settings of an app type: idle shutdown, the lifecycle configs offered, and the default. */
  private appSettings(appType: StudioAppType): CfnDomain.JupyterLabAppSettingsProperty {
    return {
      appLifecycleManagement: this.idleSettings(),
      lifecycleConfigArns: Lazy.list({ produce: () => this.lifecycleConfigArns[appType] }, { omitEmpty: true }),
      defaultResourceSpec: Lazy.any({ produce: () => this.defaultLifecycleConfig[appType] ? { lifecycleConfigArn: this.defaultLifecycleConfig[appType]!.arn } : undefined }),
    };
  }

  private idleSettings(): CfnDomain.AppLifecycleManagementProperty {
    return { idleSettings: { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: this.idleMinutes, minIdleTimeoutInMinutes: IDLE_MIN, maxIdleTimeoutInMinutes: Math.max(this.idleMinutes, 1440) } };
  }

  /** Checks all the props at once; returns the idle timeout and space volume sizes they set. */
  private validateProps(props: StudioDomainProps, name: string, networkMode: StudioNetworkMode, endpoints: StudioVpcEndpoint[]): DomainLimits {
    const vpcOnly = networkMode === StudioNetworkMode.VPC_ONLY;
    const problems = new ProblemList();
    checkName(problems, 'domainName', name);
    let idleMinutes = 60;
    if (props.idleTimeout) {
      const minutes = props.idleTimeout.toMinutes({ integral: false });
      if (!Number.isInteger(minutes) || minutes < IDLE_MIN || minutes > IDLE_MAX) {
        problems.add(`invalid idleTimeout ${props.idleTimeout.toHumanString()}: use whole minutes from ${IDLE_MIN} to ${IDLE_MAX} (1 hour to 365 days)`);
      } else {
        idleMinutes = minutes;
      }
    }
    const defaultEbsGb = props.defaultSpaceEbsSizeGb ?? 5;
    const maxEbsGb = props.maxSpaceEbsSizeGb ?? Math.max(100, defaultEbsGb);
    if (!Number.isInteger(defaultEbsGb) || defaultEbsGb < 5 || defaultEbsGb > 16384) {
      problems.add(`invalid defaultSpaceEbsSizeGb ${describeValue(defaultEbsGb)}: use a whole number of GiB from 5 to 16384`);
    }
    if (!Number.isInteger(maxEbsGb) || maxEbsGb < defaultEbsGb || maxEbsGb > 16384) {
      problems.add(`invalid maxSpaceEbsSizeGb ${describeValue(maxEbsGb)}: use a whole number of GiB from defaultSpaceEbsSizeGb (${defaultEbsGb}) to 16384`);
    }
    if (props.enableDockerAccess && !vpcOnly) {
      problems.add(`enableDockerAccess needs networkMode VPC_ONLY, got ${describeValue(networkMode)}: SageMaker allows Docker only in VPC-only domains`);
    }
    if (props.vpcSubnets && !props.vpc) {
      problems.add('vpcSubnets was given without vpc: pass the VPC the subnets belong to');
    }
    checkVpcEndpoints(problems, { endpoints, requested: props.vpcEndpoints, vpcOnly, vpcGiven: !!props.vpc });
    problems.throwIfAny(this, 'StudioDomain props');
    return { idleMinutes, defaultEbsGb, maxEbsGb };
  }

  /** The default execution role when none is given: assumed by SageMaker, no permissions until granted. */
  private createExecutionRole(): LeastPrivilegeRole {
    return new LeastPrivilegeRole(this, 'ExecutionRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Default execution role of Studio domain ${this.node.path}`,
    });
  }

  /** The domain resource, with the settings every user and space starts from. */
  private createDomainResource(name: string, networkMode: StudioNetworkMode, subnetIds: string[], enableDockerAccess?: boolean): CfnDomain {
    const resource = new CfnDomain(this, 'Resource', {
      domainName: name,
      authMode: this.authMode,
      appNetworkAccessType: networkMode,
      vpcId: this.vpc.vpcId,
      subnetIds,
      kmsKeyId: this.encryptionKey.keyArn,
      tagPropagation: 'ENABLED',
      domainSettings: {
        dockerSettings: { enableDockerAccess: enableDockerAccess ? 'ENABLED' : 'DISABLED' },
      },
      defaultUserSettings: {
        executionRole: this.executionRole.roleArn,
        securityGroups: [this.securityGroup.securityGroupId],
        studioWebPortal: 'ENABLED',
        defaultLandingUri: 'studio::',
        jupyterLabAppSettings: this.appSettings(StudioAppType.JUPYTER_LAB),
        codeEditorAppSettings: this.appSettings(StudioAppType.CODE_EDITOR),
        spaceStorageSettings: { defaultEbsStorageSettings: { defaultEbsVolumeSizeInGb: this.defaultEbsGb, maximumEbsVolumeSizeInGb: this.maxEbsGb } },
      },
      defaultSpaceSettings: {
        executionRole: this.executionRole.roleArn,
        securityGroups: [this.securityGroup.securityGroupId],
        jupyterLabAppSettings: this.appSettings(StudioAppType.JUPYTER_LAB),
      },
    });
    resource.applyRemovalPolicy(this.removalPolicy);
    return resource;
  }

  /** What the execution role needs to open Studio, run apps in spaces and run jobs in the VPC. */
  private grantStudioUse(vpcOnly: boolean): void {
    const stack = Stack.of(this);
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    const domainId = this.resource.attrDomainId;
    const statements = [
      new iam.PolicyStatement({
        sid: 'StudioDomainUse',
        actions: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:DescribeApp', 'sagemaker:CreateApp', 'sagemaker:DeleteApp', 'sagemaker:UpdateSpace', 'sagemaker:ListTags', 'sagemaker:AddTags'],
        resources: [this.resource.attrDomainArn, arn('user-profile', `${domainId}/*`), arn('space', `${domainId}/*`), arn('app', `${domainId}/*`)],
      }),
      new iam.PolicyStatement({
        sid: 'StudioLists',
        actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'sagemaker:ListDomains'],
        resources: ['*'],
      }),
      new iam.PolicyStatement({
        sid: 'StudioLogs',
        actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
        resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
      }),
      new iam.PolicyStatement({
        sid: 'PassOwnRole',
        actions: ['iam:PassRole'],
        resources: [this.executionRole.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
      }),
    ];
    if (vpcOnly) {
      statements.push(new iam.PolicyStatement({
        sid: 'JobNetworkInterfaces',
        actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
        resources: [stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' })],
        conditions: { StringEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: this.vpc.vpcId }) } },
      }), new iam.PolicyStatement({
        sid: 'JobNetworkDescribe',
        actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeDhcpOptions'],
        resources: ['*'],
      }));
    }
    for (const s of statements) this.grantPrincipal.addToPrincipalPolicy(s);
    grantKeyReadWrite(this.encryptionKey, this.grantPrincipal);
    // Apps attach the home EFS and space EBS volumes encrypted with the domain key: the services
    // create grants on it on the role's behalf (only for AWS resources, as the key policy demands).
    this.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      sid: 'DomainKeyGrantsForAwsResources',
      actions: ['kms:CreateGrant'],
      resources: [this.encryptionKey.keyArn],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
    }));
  }

  private addCleanup(): CustomResource {
    const provider = HandlerProvider.of(this);
    const stack = Stack.of(this);
    const domainId = this.resource.attrDomainId;
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeDomain', 'sagemaker:DeleteDomain', 'sagemaker:DeleteApp', 'sagemaker:DeleteSpace', 'sagemaker:DeleteUserProfile'],
      resources: [this.resource.attrDomainArn, arn('app', `${domainId}/*`), arn('space', `${domainId}/*`), arn('user-profile', `${domainId}/*`)],
    }));
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'elasticfilesystem:DescribeMountTargets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }));
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem', 'elasticfilesystem:DescribeFileSystems'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: this.resource.attrHomeEfsFileSystemId })],
    }));
    provider.addToRolePolicy(new iam.PolicyStatement({
      // DeleteMountTarget deletes the mount target's network interface with the caller's permissions.
      actions: ['ec2:RevokeSecurityGroupIngress', 'ec2:RevokeSecurityGroupEgress', 'ec2:DeleteSecurityGroup', 'ec2:DeleteNetworkInterface'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' })],
      conditions: { StringEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: this.vpc.vpcId }) } },
    }));
    const cleanup = new CustomResource(this, 'Cleanup', {
      serviceToken: provider.serviceToken,
      resourceType: DOMAIN_CLEANUP_RESOURCE_TYPE,
      properties: {
        DomainId: this.resource.attrDomainId,
        Mode: this.removalPolicy === RemovalPolicy.DESTROY ? 'DESTROY' : 'RETAIN',
        DeleteDomain: 'true',
        HomeEfsFileSystemId: this.resource.attrHomeEfsFileSystemId,
        VpcId: this.vpc.vpcId,
        StackUserProfiles: Lazy.list({ produce: () => [...this.profiles.keys()] }),
        StackSpaces: Lazy.list({ produce: () => [...this.spaces.keys()] }),
      } satisfies DomainCleanupProperties,
    });
    cleanup.node.addDependency(this.resource);
    return cleanup;
  }
}
