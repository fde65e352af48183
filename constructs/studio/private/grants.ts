import { Annotations, ArnFormat, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, Dependable } from 'constructs';

/** The domain an execution role is granted the use of. */
export interface StudioUse {
  readonly domainArn: string;
  readonly domainId: string;
  /** The key of the home EFS and the space volumes. */
  readonly key: kms.IKey;
  /** The domain's VPC, when the domain is VPC_ONLY (apps and jobs create their ENIs in it). */
  readonly vpcId?: string;
}

/** A statement, and what it grants in words (for the warning on a role this app cannot change). */
interface Need {
  readonly statement: iam.PolicyStatement;
  readonly summary: string;
}

/**
 * What an execution role of the domain needs to open Studio, run apps in spaces and run jobs in
 * the VPC: the same for the domain's role and for a user profile's own role. Exact actions only;
 * resource wildcards only for children of the domain, log groups under `/aws/sagemaker/`, network
 * interfaces in the domain's VPC, and list and describe actions IAM authorizes only on `*`.
 */
function studioNeeds(scope: Construct, use: StudioUse, role: iam.IRole): Need[] {
  const stack = Stack.of(scope);
  const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
  const need = (props: iam.PolicyStatementProps, where: string): Need => ({ statement: new iam.PolicyStatement(props), summary: `${props.actions!.join(', ')} on ${where}` });
  const needs = [
    need({
      sid: 'StudioDomainUse',
      actions: ['sagemaker:DescribeDomain', 'sagemaker:DescribeUserProfile', 'sagemaker:DescribeSpace', 'sagemaker:DescribeApp', 'sagemaker:CreateApp', 'sagemaker:DeleteApp', 'sagemaker:UpdateSpace', 'sagemaker:ListTags', 'sagemaker:AddTags'],
      resources: [use.domainArn, arn('user-profile', `${use.domainId}/*`), arn('space', `${use.domainId}/*`), arn('app', `${use.domainId}/*`)],
    }, 'the domain and its user-profile/<domain id>/*, space/<domain id>/* and app/<domain id>/* ARNs'),
    need({
      sid: 'StudioLists',
      actions: ['sagemaker:ListApps', 'sagemaker:ListSpaces', 'sagemaker:ListUserProfiles', 'sagemaker:ListDomains'],
      resources: ['*'],
    }, '*'),
    need({
      sid: 'StudioLogs',
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams', 'logs:GetLogEvents'],
      resources: [stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '/aws/sagemaker/*', arnFormat: ArnFormat.COLON_RESOURCE_NAME })],
    }, 'log groups /aws/sagemaker/*'),
    need({
      sid: 'PassOwnRole',
      actions: ['iam:PassRole'],
      resources: [role.roleArn],
      conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
    }, 'the role itself, to sagemaker.amazonaws.com'),
  ];
  if (use.vpcId !== undefined) {
    needs.push(need({
      sid: 'JobNetworkInterfaces',
      actions: ['ec2:CreateNetworkInterface', 'ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      resources: [stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: '*' }), stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: '*' })],
      conditions: { StringEquals: { 'ec2:Vpc': stack.formatArn({ service: 'ec2', resource: 'vpc', resourceName: use.vpcId }) } },
    }, 'network interfaces, subnets and security groups of the domain\'s VPC (condition ec2:Vpc)'), need({
      sid: 'JobNetworkDescribe',
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups', 'ec2:DescribeDhcpOptions'],
      resources: ['*'],
    }, '*'));
  }
  // Without a Sid, so that it merges with the read/write grants of other keys (as key.grant writes them).
  needs.push(need({ actions: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'], resources: [use.key.keyArn] }, 'the domain\'s KMS key'));
  // Apps attach the home EFS and space EBS volumes encrypted with the domain key: the services
  // create grants on it on the role's behalf (only for AWS resources, as the key policy demands).
  needs.push(need({
    sid: 'DomainKeyGrantsForAwsResources',
    actions: ['kms:CreateGrant'],
    resources: [use.key.keyArn],
    conditions: { Bool: { 'kms:GrantIsForAWSResource': 'true' } },
  }, 'the domain\'s KMS key, with kms:GrantIsForAWSResource true'));
  return needs;
}

/**
 * Gives execution role `role` of a domain what Studio needs (`studioNeeds`), as identity policies:
 * through `principal` (the domain's own grant principal) when given, else in a customer-managed
 * policy `<scope>/ExecutionRolePolicy` attached to `role` (a role of the user's, imported or not:
 * no inline policy, so the compliance packs find only the documented resource wildcards). A role
 * this app cannot change gets a warning on `scope` listing what to attach to it instead.
 */
export function grantStudioUse(scope: Construct, use: StudioUse, role: iam.IRole, principal?: iam.IPrincipal): void {
  const needs = studioNeeds(scope, use, role);
  if (isImmutableRole(role)) {
    // Still offered to the role: a pre-created role of Role.customizeRoles lists them in its policy report.
    for (const n of needs) role.addToPrincipalPolicy(n.statement);
    const name = Token.isUnresolved(role.roleArn) ? role.node.path : role.roleArn;
    Annotations.of(scope).addWarningV2('sagemaker-lifecycle-constructs:studioExecutionRoleImmutable',
      `executionRole ${name} cannot be changed by this app (imported with mutable: false, from another account, or pre-created): Studio apps that use it cannot start until you attach to it: ${needs.map((n) => n.summary).join('; ')}`);
    return;
  }
  if (principal) {
    for (const n of needs) principal.addToPrincipalPolicy(n.statement);
    return;
  }
  new iam.ManagedPolicy(scope, 'ExecutionRolePolicy', {
    description: `Studio permissions of the execution role of ${scope.node.path}`,
    roles: [role],
    statements: needs.map((n) => n.statement),
  });
}

/**
 * Whether `role` is one of aws-cdk-lib's roles that this app cannot change: an import with
 * `mutable: false` or of another account, or a pre-created role (`Role.customizeRoles`). They take
 * statements and drop them (or only report them). aws-cdk-lib does not export their classes; each
 * wraps the role it imports and depends on it rather than on itself.
 */
export function isImmutableRole(role: iam.IRole): boolean {
  return !Dependable.of(role).dependencyRoots.includes(role);
}
