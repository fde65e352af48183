import * as crypto from 'crypto';
import * as net from 'net';
import { Aws, Duration, Fn, IResource, Reference, RemovalPolicy, Resource, SecretValue, Stack, Token, Tokenization, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { CfnWorkforce } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { describeValue, ProblemList } from '../private/errors';
import { generatePhysicalName } from '../private/naming';
import { checkImport, checkName, checkTags, NameRule, stringMap } from '../private/rules';

/** Workforce names: 1-63 letters, digits or hyphens, starting with a letter or digit. */
const WORKFORCE_NAME: NameRule = { pattern: /^[a-zA-Z0-9][a-zA-Z0-9-]{0,62}$/, minLength: 1, maxLength: 63, description: '1-63 letters, digits or hyphens, starting with a letter or digit' };

/** How the private workforce's workers sign in. */
export enum WorkforceIdentityType {
  /** An Amazon Cognito user pool. */
  COGNITO = 'Cognito',
  /** Your own OpenID Connect identity provider. */
  OIDC = 'Oidc',
}

/** A SageMaker Ground Truth / Augmented AI private workforce (one per account and region). */
export interface IPrivateWorkforce extends IResource, sagemakerRefs.IWorkforceRef {
  /**
   * The workforce's name.
   * @attribute
   */
  readonly workforceName: string;
  /**
   * The workforce's ARN.
   * @attribute
   */
  readonly workforceArn: string;
  /** How its workers sign in, when known (a workforce imported by name does not say). */
  readonly identityType?: WorkforceIdentityType;
  /** The Cognito user pool of a Cognito workforce, when known. */
  readonly userPool?: cognito.IUserPool;
  /** The Cognito app client of a Cognito workforce, when known. */
  readonly userPoolClient?: cognito.IUserPoolClient;
}

/** Attributes of a workforce defined outside this stack. */
export interface PrivateWorkforceAttributes {
  /** The workforce's name. */
  readonly workforceName: string;
  /**
   * How its workers sign in.
   * @default - unknown: work teams of it must name their member groups themselves
   */
  readonly identityType?: WorkforceIdentityType;
  /**
   * Its Cognito user pool (a Cognito workforce): work teams create their user groups in it.
   * @default - unknown
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * Its Cognito app client (a Cognito workforce).
   * @default - unknown
   */
  readonly userPoolClient?: cognito.IUserPoolClient;
}

/** A Cognito sign-in: a user pool and app client created here (secure defaults), or yours. */
export interface CognitoWorkforceOptions {
  /**
   * Your user pool. Give `userPoolClient` with it. The app client must have a secret; SageMaker
   * writes the labeling portal's callback and sign-out URLs into it.
   * @default - a user pool created here: no self sign-up, e-mail sign-in, MFA (`mfa`), a strong
   * password policy, the Plus feature plan with full threat protection, deletion protection,
   * retained (`removalPolicy`), and a Cognito domain
   */
  readonly userPool?: cognito.IUserPool;
  /**
   * The app client of `userPool`.
   * @default - an app client created here (with a secret, authorization-code grant only)
   */
  readonly userPoolClient?: cognito.IUserPoolClient;
  /**
   * Multi-factor authentication of the user pool created here: `Mfa.REQUIRED` or `Mfa.OPTIONAL`
   * (one-time passwords from an authenticator app; SMS would need a messaging role). Not for
   * your own `userPool`.
   * @default cognito.Mfa.REQUIRED
   */
  readonly mfa?: cognito.Mfa;
  /**
   * The Plus feature plan and full threat protection (adaptive authentication, compromised
   * credentials) for the user pool created here. It is billed per monthly active user; turning it
   * off selects the Essentials plan.
   * @default true
   */
  readonly threatProtection?: boolean;
  /**
   * The prefix of the user pool's Cognito domain (`<prefix>.auth.<region>.amazoncognito.com`):
   * 1-63 lower-case letters, digits or hyphens, without 'aws', 'amazon' or 'cognito'; unique in the region.
   * @default - `labeling-<hash of the construct path>-<account id>`
   */
  readonly domainPrefix?: string;
}

/** Your OpenID Connect identity provider. Every endpoint is an https URL of at most 500 characters. */
export interface OidcWorkforceOptions {
  /** The issuer. */
  readonly issuer: string;
  /** The authorization endpoint. */
  readonly authorizationEndpoint: string;
  /** The token endpoint. */
  readonly tokenEndpoint: string;
  /** The user-info endpoint. */
  readonly userInfoEndpoint: string;
  /** The sign-out endpoint. */
  readonly logoutEndpoint: string;
  /** The JSON Web Key Set endpoint. */
  readonly jwksUri: string;
  /** The OIDC client id. */
  readonly clientId: string;
  /**
   * The OIDC client secret: a reference the template resolves at deploy time
   * (`SecretValue.secretsManager(...)`, `SecretValue.ssmSecure(...)`, a NoEcho parameter), never
   * a plain string, which would be readable in the template.
   */
  readonly clientSecret: SecretValue;
  /**
   * The scopes requested (space-separated).
   * @default - the IdP's default
   */
  readonly scope?: string;
  /**
   * Extra parameters of the authentication request (at most 10).
   * @default - none
   */
  readonly authenticationRequestExtraParams?: { [key: string]: string };
}

/** Where the labeling portal is reached from: a VPC endpoint of the workforce in your VPC. */
export interface WorkforceVpcOptions {
  /** The VPC. */
  readonly vpc: ec2.IVpc;
  /**
   * The subnets of the endpoint (1-16).
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
  /**
   * Security groups of the endpoint (1-5).
   * @default - one created here, admitting HTTPS from the VPC's CIDR block only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** Properties of a PrivateWorkforce. Give `cognito` or `oidc`, not both. */
export interface PrivateWorkforceProps {
  /**
   * The workforce's name (1-63 letters, digits or hyphens).
   * @default - generated from the construct path
   */
  readonly workforceName?: string;
  /**
   * Cognito sign-in.
   * @default - Cognito with a user pool and app client created here, unless `oidc` is given
   */
  readonly cognito?: CognitoWorkforceOptions;
  /**
   * OIDC sign-in instead of Cognito.
   * @default - Cognito
   */
  readonly oidc?: OidcWorkforceOptions;
  /**
   * The only IPv4 or IPv6 CIDR blocks workers may reach the labeling portal from (1-10).
   * @default - any address (workers still sign in)
   */
  readonly sourceIpCidrs?: string[];
  /**
   * Whether workers may reach the portal over IPv6 as well as IPv4 (`IpAddressType` dualstack),
   * which IPv6 `sourceIpCidrs` need.
   * @default false
   */
  readonly dualStack?: boolean;
  /**
   * A VPC endpoint of the portal in your VPC (SageMaker supports no `sourceIpCidrs` with it).
   * @default - none: the portal is reached over the internet
   */
  readonly vpc?: WorkforceVpcOptions;
  /**
   * What happens to the user pool created here when it leaves the stack (it holds the workers'
   * accounts). The workforce itself is deleted with the stack, so a new one can be created.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Tags of the workforce.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

abstract class PrivateWorkforceBase extends Resource implements IPrivateWorkforce {
  public abstract readonly workforceName: string;
  public abstract readonly workforceArn: string;
  public abstract readonly identityType?: WorkforceIdentityType;
  public abstract readonly userPool?: cognito.IUserPool;
  public abstract readonly userPoolClient?: cognito.IUserPoolClient;

  public get workforceRef(): sagemakerRefs.WorkforceReference {
    return { workforceArn: this.workforceArn };
  }
}

const DOMAIN_PREFIX = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const OIDC_ENDPOINT = /^https:\/\/\S+$/;
/** CloudFormation's pattern of OidcConfig.ClientId (stricter than the API's printable ASCII). */
const OIDC_CLIENT = /^[\w+]+$/;
const OIDC_SCOPE = /^[!#-[\]-~]+( [!#-[\]-~]+)*$/;

/**
 * A private workforce of SageMaker Ground Truth and Augmented AI: the people who label your data,
 * signing in to a labeling portal with Amazon Cognito or your own OIDC identity provider.
 *
 * An account has at most ONE private workforce per region (CreateWorkforce fails when there is
 * one already, including the default one the SageMaker console creates): define it once, in one
 * stack, and import it elsewhere with `PrivateWorkforce.fromWorkforceName`. Its work teams
 * (`WorkTeam`) must be deleted before it; CloudFormation does that when they are in the same stack.
 *
 * With Cognito (the default) the construct creates a user pool with no self sign-up, required MFA,
 * a strong password policy, full threat protection and deletion protection (retained), a Cognito
 * domain and an app client with a secret. Add workers in the Cognito console or with
 * `AdminCreateUser`, then add them to a work team's user group.
 */
export class PrivateWorkforce extends PrivateWorkforceBase {
  /** Imports the workforce of this account and region by name. */
  public static fromWorkforceName(scope: Construct, id: string, workforceName: string): IPrivateWorkforce {
    return PrivateWorkforce.fromWorkforceAttributes(scope, id, { workforceName });
  }

  /** Imports a workforce with what is known of it (its Cognito pool and client let work teams create their groups). */
  public static fromWorkforceAttributes(scope: Construct, id: string, attrs: PrivateWorkforceAttributes): IPrivateWorkforce {
    checkImport(scope, id, 'the workforce import', (problems) => {
      checkName(problems, 'workforceName', attrs.workforceName, WORKFORCE_NAME);
      if ((attrs.userPool === undefined) !== (attrs.userPoolClient === undefined)) problems.add('give userPool and userPoolClient together, or neither');
      if (attrs.userPool && attrs.identityType === WorkforceIdentityType.OIDC) problems.add('an OIDC workforce has no Cognito user pool: omit userPool and userPoolClient, or use identityType COGNITO');
    });
    class Import extends PrivateWorkforceBase {
      public readonly workforceName = attrs.workforceName;
      public readonly workforceArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'workforce', resourceName: attrs.workforceName });
      public readonly identityType = attrs.identityType ?? (attrs.userPool ? WorkforceIdentityType.COGNITO : undefined);
      public readonly userPool = attrs.userPool;
      public readonly userPoolClient = attrs.userPoolClient;
    }
    return new Import(scope, id);
  }

  public readonly workforceName: string;
  public readonly workforceArn: string;
  public readonly identityType?: WorkforceIdentityType;
  public readonly userPool?: cognito.IUserPool;
  public readonly userPoolClient?: cognito.IUserPoolClient;
  /**
   * The labeling portal's sub-domain (`<id>.labeling.<region>.sagemaker.aws`), where workers sign in.
   * @attribute
   */
  public readonly workforceSubDomain: string;
  /** The Cognito domain created here, when the construct created the user pool. */
  public readonly userPoolDomain?: cognito.UserPoolDomain;
  /** The security group of the portal's VPC endpoint created here, when `vpc` is given without `securityGroups`. */
  public readonly securityGroup?: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: PrivateWorkforceProps = {}) {
    super(scope, id);
    const problems = new ProblemList();
    const name = props.workforceName ?? generatePhysicalName(this);
    checkName(problems, 'workforceName', name, WORKFORCE_NAME);
    if (props.cognito && props.oidc) problems.add('give cognito or oidc, not both: a workforce has one identity provider');
    const c = props.cognito ?? {};
    if ((c.userPool === undefined) !== (c.userPoolClient === undefined)) problems.add('cognito: give userPool and userPoolClient together, or neither');
    if (c.userPool && (c.mfa !== undefined || c.threatProtection !== undefined || c.domainPrefix !== undefined)) {
      problems.add('cognito: mfa, threatProtection and domainPrefix configure the user pool created here; set them on your own userPool instead');
    }
    if (c.mfa === cognito.Mfa.OFF) problems.add(`cognito: invalid mfa ${describeValue(c.mfa)}: use Mfa.REQUIRED or Mfa.OPTIONAL (workers sign in to a portal that shows your data)`);
    if (c.domainPrefix !== undefined && !Token.isUnresolved(c.domainPrefix) && (!DOMAIN_PREFIX.test(c.domainPrefix) || /aws|amazon|cognito/.test(c.domainPrefix))) {
      problems.add(`cognito: invalid domainPrefix ${describeValue(c.domainPrefix)}: use 1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit, without 'aws', 'amazon' or 'cognito'`);
    }
    if (props.oidc) checkOidc(this, problems, props.oidc);
    const cidrs = checkCidrs(problems, props.sourceIpCidrs);
    const ipv6 = (cidrs ?? []).filter((block) => !Token.isUnresolved(block) && block.includes(':') && cidrOk(block));
    if (ipv6.length && !props.dualStack) problems.add(`sourceIpCidrs has IPv6 blocks ${describeValue(ipv6)}: set dualStack to true, or use IPv4 blocks only`);
    if (props.sourceIpCidrs && props.vpc) problems.add('sourceIpCidrs and vpc cannot be combined: SageMaker supports no source IP restriction for a portal reached through a VPC endpoint (restrict it with the endpoint\'s security groups)');
    if (props.vpc?.securityGroups && (props.vpc.securityGroups.length < 1 || props.vpc.securityGroups.length > 5)) {
      problems.add(`vpc.securityGroups has ${props.vpc.securityGroups.length} entries: use 1 to 5`);
    }
    checkTags(problems, 'tags', props.tags);
    problems.throwIfAny(this, 'the workforce');

    let cognitoConfig: CfnWorkforce.CognitoConfigProperty | undefined;
    let domain: cognito.UserPoolDomain | undefined;
    if (!props.oidc) {
      let pool = c.userPool;
      let client = c.userPoolClient;
      if (!pool || !client) {
        const created = this.createUserPool(c, props.removalPolicy ?? RemovalPolicy.RETAIN);
        pool = created.pool;
        client = created.client;
        domain = created.domain;
      }
      this.userPool = pool;
      this.userPoolClient = client;
      cognitoConfig = { userPool: pool.userPoolId, clientId: client.userPoolClientId };
    }
    this.userPoolDomain = domain;
    this.identityType = props.oidc ? WorkforceIdentityType.OIDC : WorkforceIdentityType.COGNITO;

    let vpcConfig: CfnWorkforce.WorkforceVpcConfigRequestProperty | undefined;
    if (props.vpc) {
      const v = props.vpc;
      let groups = v.securityGroups;
      if (!groups) {
        this.securityGroup = new ec2.SecurityGroup(this, 'PortalEndpointSecurityGroup', {
          vpc: v.vpc,
          description: `Labeling portal endpoint of ${this.node.path}: HTTPS from the VPC`,
          allowAllOutbound: false,
        });
        this.securityGroup.addIngressRule(ec2.Peer.ipv4(literalCidr(v.vpc)), ec2.Port.tcp(443), 'HTTPS from the VPC');
        groups = [this.securityGroup];
      }
      const subnets = v.vpc.selectSubnets(v.vpcSubnets).subnetIds;
      if (!Token.isUnresolved(subnets) && (subnets.length < 1 || subnets.length > 16)) {
        problems.add(`vpc.vpcSubnets selects ${subnets.length} subnets: use 1 to 16`);
        problems.throwIfAny(this, 'the workforce');
      }
      vpcConfig = { vpcId: v.vpc.vpcId, subnets, securityGroupIds: groups.map((g) => g.securityGroupId) };
    }

    const o = props.oidc;
    const cfn = new CfnWorkforce(this, 'Resource', {
      workforceName: name,
      cognitoConfig,
      oidcConfig: o ? {
        issuer: o.issuer,
        authorizationEndpoint: o.authorizationEndpoint,
        tokenEndpoint: o.tokenEndpoint,
        userInfoEndpoint: o.userInfoEndpoint,
        logoutEndpoint: o.logoutEndpoint,
        jwksUri: o.jwksUri,
        clientId: o.clientId,
        clientSecret: o.clientSecret.unsafeUnwrap(), // a deploy-time reference (checked): never a value in the template
        scope: o.scope,
        authenticationRequestExtraParams: o.authenticationRequestExtraParams,
      } : undefined,
      sourceIpConfig: cidrs ? { cidrs } : undefined,
      workforceVpcConfig: vpcConfig,
      ipAddressType: props.dualStack ? 'dualstack' : undefined,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    // SageMaker checks the app client's domain when it creates the workforce.
    if (domain) cfn.node.addDependency(domain);
    this.workforceName = name;
    this.workforceArn = cfn.attrWorkforceArn;
    this.workforceSubDomain = cfn.attrSubDomain;
  }

  private createUserPool(c: CognitoWorkforceOptions, removalPolicy: RemovalPolicy): { pool: cognito.UserPool; client: cognito.UserPoolClient; domain: cognito.UserPoolDomain } {
    const mfa = c.mfa ?? cognito.Mfa.REQUIRED;
    const threatProtection = c.threatProtection ?? true;
    const pool = new cognito.UserPool(this, 'UserPool', {
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      mfa,
      mfaSecondFactor: { otp: true, sms: false },
      passwordPolicy: { minLength: 12, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      featurePlan: threatProtection ? cognito.FeaturePlan.PLUS : cognito.FeaturePlan.ESSENTIALS,
      standardThreatProtectionMode: threatProtection ? cognito.StandardThreatProtectionMode.FULL_FUNCTION : undefined,
      deletionProtection: removalPolicy !== RemovalPolicy.DESTROY,
      removalPolicy,
    });
    const resource = pool.node.defaultChild as cognito.CfnUserPool;
    if (mfa !== cognito.Mfa.REQUIRED) {
      Validations.of(resource).acknowledge({ id: 'AwsSolutions::AwsSolutions-COG2', reason: 'MFA is optional by the explicit choice of the workforce\'s `cognito.mfa` prop; workers may still enrol an authenticator app.' });
    }
    if (!threatProtection) {
      Validations.of(resource).acknowledge({ id: 'AwsSolutions::AwsSolutions-COG3', reason: 'Threat protection (the Plus feature plan, billed per monthly active user) was turned off by the workforce\'s `cognito.threatProtection` prop.' });
    }
    const prefix = c.domainPrefix ?? Fn.join('-', ['labeling', crypto.createHash('sha256').update(this.node.path).digest('hex').slice(0, 12), Aws.ACCOUNT_ID]);
    const domain = pool.addDomain('Domain', { cognitoDomain: { domainPrefix: prefix } });
    const client = pool.addClient('Client', {
      generateSecret: true,
      preventUserExistenceErrors: true,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [cognito.OAuthScope.EMAIL, cognito.OAuthScope.OPENID, cognito.OAuthScope.PROFILE],
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
    });
    return { pool, client, domain };
  }
}

function checkOidc(scope: Construct, problems: ProblemList, o: OidcWorkforceOptions): void {
  const endpoints: Array<[string, string]> = [
    ['issuer', o.issuer], ['authorizationEndpoint', o.authorizationEndpoint], ['tokenEndpoint', o.tokenEndpoint],
    ['userInfoEndpoint', o.userInfoEndpoint], ['logoutEndpoint', o.logoutEndpoint], ['jwksUri', o.jwksUri],
  ];
  for (const [prop, url] of endpoints) {
    if (Token.isUnresolved(url)) continue;
    if (typeof url !== 'string' || !OIDC_ENDPOINT.test(url) || url.length > 500) problems.add(`oidc: invalid ${prop} ${describeValue(url)}: use an https:// URL of at most 500 characters`);
  }
  if (!Token.isUnresolved(o.clientId) && (!OIDC_CLIENT.test(o.clientId) || o.clientId.length > 1024)) problems.add(`oidc: invalid clientId ${describeValue(o.clientId)}: use 1-1024 letters, digits, '_' or '+' (CloudFormation's pattern for it)`);
  // A plain value resolves to itself; a reference to a dynamic reference ('{{resolve:...}}') or an intrinsic. Never print it.
  const resolved: unknown = SecretValue.isSecretValue(o.clientSecret) ? Stack.of(scope).resolve(o.clientSecret.unsafeUnwrap()) : undefined;
  if (!SecretValue.isSecretValue(o.clientSecret)) {
    problems.add('oidc: clientSecret is not a SecretValue: use SecretValue.secretsManager(...) or SecretValue.ssmSecure(...)');
  } else if (typeof resolved === 'string' && !resolved.startsWith('{{resolve:')) {
    problems.add('oidc: clientSecret is a plain value, which would be readable in the template: use SecretValue.secretsManager(...), SecretValue.ssmSecure(...) or a NoEcho parameter');
  }
  if (o.scope !== undefined && !Token.isUnresolved(o.scope) && (!OIDC_SCOPE.test(o.scope) || o.scope.length > 1024)) problems.add(`oidc: invalid scope ${describeValue(o.scope)}: use space-separated scope names (at most 1024 characters)`);
  stringMap(problems, 'oidc.authenticationRequestExtraParams', o.authenticationRequestExtraParams, { maxEntries: 10, keyPattern: /^[A-Za-z0-9_-]{1,512}$/, maxKey: 512, maxValue: 512 });
}

/** IPv4 or IPv6 CIDR blocks, 1 to 10. */
function checkCidrs(problems: ProblemList, cidrs: string[] | undefined): string[] | undefined {
  if (cidrs === undefined || Token.isUnresolved(cidrs)) return cidrs;
  if (cidrs.length < 1 || cidrs.length > 10) problems.add(`sourceIpCidrs has ${cidrs.length} entries: use 1 to 10${cidrs.length === 0 ? ' (omit it to admit any address)' : ''}`);
  for (const cidr of cidrs) {
    if (Token.isUnresolved(cidr)) continue;
    if (!cidrOk(cidr)) problems.add(`invalid sourceIpCidrs entry ${describeValue(cidr)}: use an IPv4 (a.b.c.d/0-32) or IPv6 (x:x::/0-128) CIDR block`);
  }
  const dupes = cidrs.filter((c, i) => !Token.isUnresolved(c) && cidrs.indexOf(c) !== i);
  if (dupes.length) problems.add(`sourceIpCidrs lists ${describeValue(dupes)} more than once`);
  return cidrs;
}

function cidrOk(cidr: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(cidr);
  if (!m) return false;
  const version = net.isIP(m[1]);
  const bits = Number(m[2]);
  if (version === 4) return bits <= 32 && !/(^|\.)0\d/.test(m[1]);
  return version === 6 && bits <= 128;
}

/**
 * The VPC's CIDR block as the literal its `AWS::EC2::VPC` was given, when `vpcCidrBlock` is that
 * resource's `CidrBlock` attribute: compliance rules can check a literal (cdk-nag reports a rule
 * from an attribute it cannot resolve). Otherwise `vpcCidrBlock` itself.
 */
function literalCidr(vpc: ec2.IVpc): string {
  const cidr = vpc.vpcCidrBlock;
  if (!Token.isUnresolved(cidr)) return cidr;
  const fragments = Tokenization.reverseString(cidr);
  const ref = fragments.firstToken;
  if (fragments.length === 1 && ref instanceof Reference && ref.displayName === 'CidrBlock' && ref.target instanceof ec2.CfnVPC) {
    const literal = ref.target.cidrBlock;
    if (literal !== undefined && !Token.isUnresolved(literal)) return literal;
  }
  return cidr;
}
