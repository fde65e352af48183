import { Fn, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnWorkteam } from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { IPrivateWorkforce, WorkforceIdentityType } from './workforce';
import { describeValue, ProblemList } from '../private/errors';
import { createManagedKey, TOPIC_PUBLISH_KEY_ACTIONS } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { checkImport, checkName, checkTags, nameOk, SAGEMAKER_NAME } from '../private/rules';

/** A SageMaker work team: the workers of a private workforce that labeling jobs and human reviews are sent to. */
export interface IWorkTeam extends IResource, sagemakerRefs.IWorkteamRef {
  /**
   * The work team's ARN.
   * @attribute
   */
  readonly workteamArn: string;
  /**
   * The work team's name.
   * @attribute
   */
  readonly workteamName: string;
  /**
   * Lets `grantee` send work to this team only: `sagemaker:CreateLabelingJob` and
   * `sagemaker:CreateFlowDefinition` with the condition `sagemaker:WorkteamArn` equal to this team's
   * ARN. Passing the job's role (`iam:PassRole`) is granted by the role, not here.
   */
  grantUse(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a WorkTeam. */
export interface WorkTeamProps {
  /** The private workforce whose workers the team is made of. */
  readonly workforce: IPrivateWorkforce;
  /**
   * The team's name (1-63 letters, digits or hyphens).
   * @default - generated from the construct path
   */
  readonly workteamName?: string;
  /**
   * What the team is for (1-200 characters), shown to administrators.
   * @default - 'Work team <name>'
   */
  readonly description?: string;
  /**
   * Cognito user groups of the workforce's user pool whose users are the team (1-10 groups).
   * Cognito workforces only.
   * @default - a user group created here, named like the team, with no members: add workers
   * to it in Cognito (`AdminAddUserToGroup`)
   */
  readonly userGroups?: string[];
  /**
   * Groups of the OIDC identity provider whose users are the team (1-10, each 1-63 characters).
   * Required for an OIDC workforce; not for a Cognito one.
   * @default - none (Cognito workforce)
   */
  readonly oidcGroups?: string[];
  /**
   * Whether workers can be notified by SNS of new and expiring tasks. Workers subscribe from the
   * labeling portal.
   * @default true
   */
  readonly notifications?: boolean;
  /**
   * The topic of the notifications; SageMaker must be allowed to publish to it (and to use its key).
   * @default - with `notifications`, a topic created here, encrypted with its own KMS key, TLS
   * required, that only SageMaker of this account may publish to
   */
  readonly notificationTopic?: sns.ITopic;
  /**
   * What happens to the notification topic's key when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Tags of the work team.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

abstract class WorkTeamBase extends Resource implements IWorkTeam {
  public abstract readonly workteamArn: string;
  public abstract readonly workteamName: string;

  public get workteamRef(): sagemakerRefs.WorkteamReference {
    return { workteamArn: this.workteamArn };
  }

  public grantUse(grantee: iam.IGrantable): iam.Grant {
    const stack = Stack.of(this);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:CreateLabelingJob', 'sagemaker:CreateFlowDefinition'],
      resourceArns: ['labeling-job', 'flow-definition'].map((resource) => stack.formatArn({ service: 'sagemaker', resource, resourceName: '*' })),
      conditions: { ArnEquals: { 'sagemaker:WorkteamArn': this.workteamArn } },
    });
  }
}

/** Work team ARNs: `workteam/private-crowd/<name>` (vendor and public crowds have their own prefixes). */
const WORKTEAM_ARN = /^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\d{12}:workteam\/[a-z]+-crowd\/([^/]+)$/;

/** Cognito group names (the API's CognitoUserGroup). */
const GROUP_NAME = /^[\p{L}\p{M}\p{S}\p{N}\p{P}]+$/u;

/**
 * A work team of a private workforce. With a Cognito workforce it creates a user group of the
 * workforce's user pool (no members) unless you name groups; with an OIDC workforce it is made of
 * IdP groups. Workers can be notified of new tasks through an encrypted SNS topic. An account has
 * at most 25 work teams per region by default.
 */
export class WorkTeam extends WorkTeamBase {
  /** Imports a work team by ARN. */
  public static fromWorkteamArn(scope: Construct, id: string, workteamArn: string): IWorkTeam {
    const parsed = checkImport(scope, id, 'the work team import', (problems) => {
      if (Token.isUnresolved(workteamArn)) return undefined;
      const m = WORKTEAM_ARN.exec(workteamArn);
      if (!m || !nameOk(m[1], SAGEMAKER_NAME)) {
        problems.add(`invalid workteamArn ${describeValue(workteamArn)}: expected arn:<partition>:sagemaker:<region>:<account>:workteam/private-crowd/<name> (name ${SAGEMAKER_NAME.description})`);
        return undefined;
      }
      return m[1];
    });
    class Import extends WorkTeamBase {
      public readonly workteamArn = workteamArn;
      // a token ARN: its last part (`workteam/private-crowd/<name>`)
      public readonly workteamName = parsed ?? Fn.select(2, Fn.split('/', workteamArn));
    }
    return new Import(scope, id);
  }

  /** Imports a private work team of this account and region by name. */
  public static fromWorkteamName(scope: Construct, id: string, workteamName: string): IWorkTeam {
    checkImport(scope, id, 'the work team import', (problems) => checkName(problems, 'workteamName', workteamName, SAGEMAKER_NAME));
    class Import extends WorkTeamBase {
      public readonly workteamName = workteamName;
      public readonly workteamArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'workteam', resourceName: `private-crowd/${workteamName}` });
    }
    return new Import(scope, id);
  }

  public readonly workteamArn: string;
  public readonly workteamName: string;
  /** The workforce of the team. */
  public readonly workforce: IPrivateWorkforce;
  /** The Cognito user group created here, when the team created one. */
  public readonly userGroup?: cognito.CfnUserPoolGroup;
  /** The notification topic, when notifications are on. */
  public readonly notificationTopic?: sns.ITopic;
  /** The key of the notification topic created here. */
  public readonly notificationKey?: kms.IKey;

  constructor(scope: Construct, id: string, props: WorkTeamProps) {
    super(scope, id);
    const problems = new ProblemList();
    const name = props.workteamName ?? generatePhysicalName(this);
    checkName(problems, 'workteamName', name, SAGEMAKER_NAME);
    const description = props.description ?? `Work team ${Token.isUnresolved(name) ? this.node.path : name}`.slice(0, 200);
    if (!Token.isUnresolved(description) && (description.length < 1 || description.length > 200)) problems.add(`description is ${description.length} characters long: use 1 to 200`);
    const wf = props.workforce;
    const oidc = props.oidcGroups !== undefined || wf.identityType === WorkforceIdentityType.OIDC;
    if (oidc) {
      if (wf.identityType === WorkforceIdentityType.COGNITO) problems.add('oidcGroups is for an OIDC workforce: this workforce signs in with Cognito; use userGroups');
      if (props.userGroups) problems.add('userGroups is for a Cognito workforce: give oidcGroups only');
      if (!props.oidcGroups) problems.add('the workforce signs in with OIDC: give oidcGroups, the IdP groups whose users are the team');
      else checkGroups(problems, 'oidcGroups', props.oidcGroups, 63);
    } else {
      if (!wf.userPool || !wf.userPoolClient) problems.add('the workforce\'s Cognito user pool and app client are unknown: import it with PrivateWorkforce.fromWorkforceAttributes({ userPool, userPoolClient }), or give oidcGroups for an OIDC workforce');
      if (props.userGroups) checkGroups(problems, 'userGroups', props.userGroups, 128);
    }
    if (props.notificationTopic && props.notifications === false) problems.add('notificationTopic is given but notifications is false: omit one of them');
    checkTags(problems, 'tags', props.tags);
    problems.throwIfAny(this, 'the work team');

    let members: CfnWorkteam.MemberDefinitionProperty[];
    if (oidc) {
      members = [{ oidcMemberDefinition: { oidcGroups: props.oidcGroups! } }];
    } else {
      const pool = wf.userPool!;
      const client = wf.userPoolClient!;
      let groups = props.userGroups;
      if (!groups) {
        this.userGroup = new cognito.CfnUserPoolGroup(this, 'UserGroup', {
          userPoolId: pool.userPoolId,
          groupName: name,
          description: `Workers of the work team ${Token.isUnresolved(name) ? this.node.path : name}`.slice(0, 2048),
        });
        groups = [this.userGroup.ref];
      }
      members = groups.map((group) => ({ cognitoMemberDefinition: { cognitoUserPool: pool.userPoolId, cognitoClientId: client.userPoolClientId, cognitoUserGroup: group } }));
    }

    let topic = props.notificationTopic;
    if (!topic && props.notifications !== false) {
      const stack = Stack.of(this);
      const key = createManagedKey(this, 'NotificationKey', { description: `Encrypts the notifications of the work team ${this.node.path}`, removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN });
      // What SNS passes to KMS for a service's delivery does not reliably carry aws:SourceAccount
      // (see AlertsTopic for EventBridge), and a denied key call drops notifications silently: the
      // topic policy below is what scopes publishing to SageMaker of this account.
      key.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowSageMakerNotifications',
        principals: [new iam.ServicePrincipal('sagemaker.amazonaws.com')],
        actions: TOPIC_PUBLISH_KEY_ACTIONS,
        resources: ['*'],
      }));
      const created = new sns.Topic(this, 'NotificationTopic', { masterKey: key, enforceSSL: true, displayName: 'Labeling tasks' });
      created.addToResourcePolicy(new iam.PolicyStatement({
        sid: 'AllowSageMakerOfThisAccount',
        principals: [new iam.ServicePrincipal('sagemaker.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [created.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': stack.account } },
      }));
      topic = created;
      this.notificationKey = key;
    }
    this.notificationTopic = topic;

    const cfn = new CfnWorkteam(this, 'Resource', {
      workteamName: name,
      workforceName: wf.workforceName,
      description,
      memberDefinitions: members,
      notificationConfiguration: topic ? { notificationTopicArn: topic.topicArn } : undefined,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    // The workforce (and its app client) must exist first; an imported one has no resource to wait for.
    cfn.node.addDependency(wf);
    this.workteamArn = cfn.attrWorkteamArn;
    this.workteamName = name;
    this.workforce = wf;
  }
}

function checkGroups(problems: ProblemList, prop: string, groups: string[], maxLength: number): void {
  if (Token.isUnresolved(groups)) return;
  if (groups.length < 1 || groups.length > 10) problems.add(`${prop} has ${groups.length} entries: use 1 to 10`);
  for (const g of groups) {
    if (Token.isUnresolved(g)) continue;
    if (typeof g !== 'string' || g.length > maxLength || !GROUP_NAME.test(g)) problems.add(`invalid ${prop} entry ${describeValue(g)}: use 1-${maxLength} letters, digits, marks, symbols or punctuation (no spaces)`);
  }
  const dupes = groups.filter((g, i) => !Token.isUnresolved(g) && groups.indexOf(g) !== i);
  if (dupes.length) problems.add(`${prop} lists ${describeValue(dupes)} more than once`);
}
