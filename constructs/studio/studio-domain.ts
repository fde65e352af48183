import { ArnFormat, CustomResource, Duration, IResource, Lazy, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnDomain, CfnStudioLifecycleConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { createManagedKey } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { HandlerProvider } from '../private/provider';
import { LeastPrivilegeRole } from '../private/role';
import { DOMAIN_CLEANUP_RESOURCE_TYPE, DomainCleanupProperties } from '../private/contracts/domain-cleanup';
import { checkArn, checkImport, checkName, checkNow, literal, minutes, STUDIO_DOMAIN_ID } from '../private/rules';
import { LifecycleConfigOptions, StudioAppType } from './lifecycle-config';
import { DEFAULT_STUDIO_VPC_ENDPOINTS, StudioVpcEndpoint, StudioVpcEndpointAccess } from './network';
import { grantStudioUse, StudioUse } from './private/grants';
import { childId, describeName } from './private/ids';
import { lifecycleConfigContent } from './private/lifecycle-config';
import { addStudioVpcEndpoints, checkVpcEndpoints, createAppSecurityGroup, createStudioVpc, defaultSubnets, endpointAccess, selectDomainSubnets } from './private/network';
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
   * VPC endpoints to create in the domain's VPC. In a `vpc` of yours, the S3 gateway endpoint's
   * route goes on the route tables of the domain's subnets only. In a `vpc` of yours that already
   * has the endpoints Studio needs (a shared VPC), pass `[]`, or only the missing ones: a second
   * interface endpoint with private DNS for a service, or a second S3 route on a route table, fails
   * to deploy. Your endpoints must then accept HTTPS from the domain's apps:
   * `endpoint.connections.allowDefaultPortFrom(domain)`.
   * @default - DEFAULT_STUDIO_VPC_ENDPOINTS with VPC_ONLY, none with PUBLIC_INTERNET_ONLY
   */
  readonly vpcEndpoints?: StudioVpcEndpoint[];
  /**
   * Who may reach the interface endpoints the domain creates, on HTTPS. They are created with
   * private DNS, whose names answer for the whole VPC: from then on every workload of the VPC calls
   * STS, CloudWatch Logs, the SageMaker API, ECR... through them, and is refused unless let in. So
   * in a `vpc` of yours the default lets in the VPC's CIDR block (`vpc.vpcCidrBlock`), and what
   * already runs there keeps working; leaving private DNS off instead would cut Studio's own apps
   * off, as they call the services by their usual names. DOMAIN_ONLY in a VPC of yours is for a VPC
   * where nothing else runs. `ec2.IVpc` does not know secondary CIDR blocks: let them in with
   * `domain.interfaceVpcEndpoints[0].connections.allowDefaultPortFrom(ec2.Peer.ipv4(cidr))` (the
   * endpoints share one security group). A `vpc` imported without `vpcCidrBlock` needs this prop,
   * or `vpcEndpoints: []`.
   * @default - DOMAIN_ONLY in the VPC the domain creates; VPC_CIDR with a `vpc` of yours
   */
  readonly vpcEndpointAccess?: StudioVpcEndpointAccess;
  /**
   * The default execution role of users and spaces. The domain gives it what Studio needs (a role
   * it cannot change, imported with `mutable: false` or from another account, gets a synth
   * warning listing that instead).
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
   * Users may choose a timeout from 60 minutes to the larger of this and 1,440. From a token, give
   * it in minutes, `Duration.minutes(param.valueAsNumber)` (checked at deploy); the longest timeout
   * users may choose is then this one, as CloudFormation cannot compute the larger of two numbers.
   * @default Duration.hours(1)
   */
  readonly idleTimeout?: Duration;
  /**
   * Default EBS volume size of a space, in GiB (5 to 16,384). A token is checked at deploy and
   * needs `maxSpaceEbsSizeGb` too.
   * @default 5
   */
  readonly defaultSpaceEbsSizeGb?: number;
  /**
   * Largest EBS volume a user may choose for a space, in GiB (default size to 16,384). A token is
   * checked at deploy.
   * @default - 100, or `defaultSpaceEbsSizeGb` when that is larger
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
/** Space EBS volume sizes SageMaker takes, in GiB. */
const EBS_MIN = 5;
const EBS_MAX = 16384;

/** The idle timeout and space volume sizes of a domain, once its props are checked (tokens stay tokens). */
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
export class StudioDomain extends StudioDomainBase implements ec2.IConnectable {
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
    checkImport(scope, id, 'StudioDomain.fromDomainAttributes', (p) => checkName(p, 'domainId', attrs.domainId, STUDIO_DOMAIN_ID));
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
      domainId = checkImport(scope, id, 'StudioDomain.fromDomainArn', (p) => checkArn(p, 'domainArn', domainArn, 'domain', { name: STUDIO_DOMAIN_ID }))!;
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
  /** The security group of the apps. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /**
   * The apps' security group, to let them reach what they need: for an endpoint of yours,
   * `endpoint.connections.allowDefaultPortFrom(domain)`.
   */
  public readonly connections: ec2.Connections;
  /**
   * The interface VPC endpoints the domain created (none when it created none), to share them:
   * `domain.interfaceVpcEndpoints[0].connections.allowDefaultPortFrom(peer)`. They share one
   * security group, so that opens all of them to `peer`.
   */
  public readonly interfaceVpcEndpoints: ec2.InterfaceVpcEndpoint[];
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
  private readonly studioUse: StudioUse;
  /** The user profiles' own execution roles that were given what Studio needs. */
  private readonly profileRoles = new Set<iam.IRole>();
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
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });
    this.interfaceVpcEndpoints = vpcOnly || props.vpcEndpoints
      ? addStudioVpcEndpoints(this, this.vpc, this.securityGroup, endpoints, {
        access: endpointAccess(props.vpcEndpointAccess, props.vpc !== undefined),
        gatewaySubnets: props.vpc && (props.vpcSubnets ?? defaultSubnets(props.vpc)),
      })
      : [];

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

    this.studioUse = { domainArn: this.domainArn, domainId: this.domainId, key: this.encryptionKey, vpcId: vpcOnly ? this.vpc.vpcId : undefined };
    grantStudioUse(this, this.studioUse, this.executionRole, this.grantPrincipal);
    // Always present, so that switching DESTROY to RETAIN is an update to Mode RETAIN rather than the
    // removal (and so the delete, with Mode DESTROY) of the cleanup resource.
    this.cleanup = this.addCleanup();
  }

  /** The security group IDs of the domain: the apps' and the one SageMaker made for the domain boundary. */
  public get securityGroupIds(): string[] {
    return [this.securityGroup.securityGroupId, this.securityGroupIdForDomainBoundary];
  }

  /**
   * Adds a user profile. Names are unique per domain; a name may be a token (a CfnParameter's
   * value), checked at deploy. A profile's own `executionRole` is given what the domain's role is
   * given for Studio.
   */
  public addUserProfile(name: string, options: UserProfileOptions = {}): StudioUserProfile {
    const id = childId(this, 'UserProfile', name);
    const described = describeName(this, name);
    const problems = new ProblemList();
    checkName(problems, 'userProfileName', name);
    if (this.node.tryFindChild(id)) problems.add(`user profile ${described} was already added: user profile names are unique per domain`);
    if (this.authMode === StudioAuthMode.IAM && (options.singleSignOnUserValue || options.singleSignOnUserIdentifier)) {
      problems.add(`singleSignOnUserValue/singleSignOnUserIdentifier were given for user profile ${described} of a domain with authMode IAM: they are only allowed with StudioAuthMode.SSO`);
    }
    if (this.authMode === StudioAuthMode.SSO && !options.singleSignOnUserValue) {
      problems.add(`user profile ${described} of an SSO domain needs singleSignOnUserValue (the IAM Identity Center user name)`);
    }
    problems.throwIfAny(this, `user profile ${described}`);
    const profile = new StudioUserProfile(this, id, this, name, options);
    profile.resource.applyRemovalPolicy(this.removalPolicy);
    this.profiles.set(name, profile);
    this.cleanup.node.addDependency(profile.resource);
    const role = options.executionRole;
    // Once per role: each grant is a managed policy, and a role takes at most 10 to 20 of them.
    if (role && role !== this.executionRole && !this.profileRoles.has(role)) {
      this.profileRoles.add(role);
      grantStudioUse(profile, this.studioUse, role);
    }
    return profile;
  }

  /**
   * Adds a JupyterLab or Code Editor space owned by a user profile of this domain. The name, the
   * display name and the volume size may be tokens, checked at deploy.
   */
  public addSpace(name: string, options: SpaceOptions): StudioSpace {
    const id = childId(this, 'Space', name);
    const described = describeName(this, name);
    const problems = new ProblemList();
    checkName(problems, 'spaceName', name);
    if (options.displayName !== undefined && !Token.isUnresolved(options.displayName) && (options.displayName.length < 1 || options.displayName.length > 64)) {
      problems.add(`invalid displayName ${describeValue(options.displayName)} of space ${described}: use 1-64 characters`);
    }
    const ebs = options.ebsSizeGb ?? this.defaultEbsGb;
    if (this.node.tryFindChild(id)) problems.add(`space ${described} was already added: space names are unique per domain`);
    if (![...this.profiles.values()].includes(options.owner)) {
      problems.add(`the owner of space ${described} is not a user profile of this domain: use a profile returned by addUserProfile of ${this.node.path}`);
    }
    // A token maximum is checked at deploy; a literal size must still be one SageMaker takes.
    const maxEbs = Token.isUnresolved(this.maxEbsGb) ? EBS_MAX : this.maxEbsGb;
    if (!Token.isUnresolved(ebs) && (!Number.isInteger(ebs) || ebs < EBS_MIN || ebs > maxEbs)) {
      const allowed = Token.isUnresolved(this.maxEbsGb) ? `${EBS_MAX} (the domain's maxSpaceEbsSizeGb is a token, checked at deploy)` : `the domain's maxSpaceEbsSizeGb (${maxEbs})`;
      problems.add(`invalid ebsSizeGb ${describeValue(ebs)} for space ${described}: use a whole number of GiB from ${EBS_MIN} to ${allowed}`);
    }
    problems.throwIfAny(this, `space ${described}`);
    const space = new StudioSpace(this, id, this, name, options, ebs);
    space.resource.applyRemovalPolicy(this.removalPolicy);
    this.spaces.set(name, space);
    this.cleanup.node.addDependency(space.resource);
    return space;
  }

  /** Adds a Studio lifecycle configuration (a shell script run when an app starts). */
  public addLifecycleConfig(id: string, options: LifecycleConfigOptions): CfnStudioLifecycleConfig {
    checkNow(this, 'addLifecycleConfig', (p) => {
      literal(p, 'lifecycle config id', id, 'it is a construct id');
      literal(p, `appType of lifecycle config '${id}'`, options.appType, "it decides at synth which app type's settings offer the configuration");
    });
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
    // A token timeout is also the longest users may choose: CloudFormation has no maximum function.
    const longest = Token.isUnresolved(this.idleMinutes) ? this.idleMinutes : Math.max(this.idleMinutes, 1440);
    return { idleSettings: { lifecycleManagement: 'ENABLED', idleTimeoutInMinutes: this.idleMinutes, minIdleTimeoutInMinutes: IDLE_MIN, maxIdleTimeoutInMinutes: longest } };
  }

  /** Checks all the props at once; returns the idle timeout and space volume sizes they set. */
  private validateProps(props: StudioDomainProps, name: string, networkMode: StudioNetworkMode, endpoints: StudioVpcEndpoint[]): DomainLimits {
    const vpcOnly = networkMode === StudioNetworkMode.VPC_ONLY;
    const problems = new ProblemList();
    checkName(problems, 'domainName', name);
    literal(problems, 'networkMode', props.networkMode, 'it decides at synth what the domain creates (VPC endpoints, network-interface permissions)');
    literal(problems, 'authMode', props.authMode, 'it decides at synth what each user profile needs (singleSignOnUserValue with SSO)');
    const idleMinutes = minutes(problems, 'idleTimeout', props.idleTimeout, IDLE_MIN, IDLE_MAX) ?? 60;
    const defaultEbsGb = props.defaultSpaceEbsSizeGb ?? 5;
    const tokenDefault = Token.isUnresolved(defaultEbsGb);
    if (tokenDefault && props.maxSpaceEbsSizeGb === undefined) {
      problems.add('defaultSpaceEbsSizeGb is a token (checked at deploy), so the default maxSpaceEbsSizeGb, the larger of 100 and defaultSpaceEbsSizeGb, cannot be computed at synth: pass maxSpaceEbsSizeGb too (a literal or a token)');
    }
    const maxEbsGb = props.maxSpaceEbsSizeGb ?? (tokenDefault ? 100 : Math.max(100, defaultEbsGb));
    if (!tokenDefault && (!Number.isInteger(defaultEbsGb) || defaultEbsGb < EBS_MIN || defaultEbsGb > EBS_MAX)) {
      problems.add(`invalid defaultSpaceEbsSizeGb ${describeValue(defaultEbsGb)}: use a whole number of GiB from ${EBS_MIN} to ${EBS_MAX}`);
    }
    // Against a token default, only SageMaker's own bounds can be checked at synth.
    if (!Token.isUnresolved(maxEbsGb) && (!Number.isInteger(maxEbsGb) || maxEbsGb < (tokenDefault ? EBS_MIN : defaultEbsGb) || maxEbsGb > EBS_MAX)) {
      problems.add(`invalid maxSpaceEbsSizeGb ${describeValue(maxEbsGb)}: use a whole number of GiB from defaultSpaceEbsSizeGb (${tokenDefault ? `a token; at least ${EBS_MIN}` : defaultEbsGb}) to ${EBS_MAX}`);
    }
    if (props.enableDockerAccess && !vpcOnly) {
      problems.add(`enableDockerAccess needs networkMode VPC_ONLY, got ${describeValue(networkMode)}: SageMaker allows Docker only in VPC-only domains`);
    }
    if (props.vpcSubnets && !props.vpc) {
      problems.add('vpcSubnets was given without vpc: pass the VPC the subnets belong to');
    }
    checkVpcEndpoints(problems, { endpoints, requested: props.vpcEndpoints, vpcOnly, vpc: props.vpc, access: props.vpcEndpointAccess });
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

  private addCleanup(): CustomResource {
    const provider = HandlerProvider.of(this);
    const stack = Stack.of(this);
    const domainId = this.resource.attrDomainId;
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    const grants = provider.grantsFor();
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeDomain', 'sagemaker:DeleteDomain', 'sagemaker:DeleteApp', 'sagemaker:DeleteSpace', 'sagemaker:DeleteUserProfile'],
      resources: [this.resource.attrDomainArn, arn('app', `${domainId}/*`), arn('space', `${domainId}/*`), arn('user-profile', `${domainId}/*`)],
    }));
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'elasticfilesystem:DescribeMountTargets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }));
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['elasticfilesystem:DeleteMountTarget', 'elasticfilesystem:DeleteFileSystem', 'elasticfilesystem:DescribeFileSystems'],
      resources: [stack.formatArn({ service: 'elasticfilesystem', resource: 'file-system', resourceName: this.resource.attrHomeEfsFileSystemId })],
    }));
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
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
    grants.dependOn(cleanup);
    cleanup.node.addDependency(this.resource);
    return cleanup;
  }
}
