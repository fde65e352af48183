import { createHash } from 'crypto';
import { Names, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { describeValue, SageMakerConstructError } from './errors';
import { HandlerProvider } from './provider';
import { LeastPrivilegeRole } from './role';

/** How long a deploy-time job may take: the provider polls for 2 hours, minus a margin to start and report. */
export const DEPLOY_TIME_JOB_MAX_SECONDS = 110 * 60;

/** The role of a deploy-time job: the user's, or a new least-privilege one. */
export function jobRole(scope: Construct, role: iam.IRole | undefined, description: string): { role: iam.IRole; grantee: iam.IGrantable } {
  if (role) return { role, grantee: role };
  const created = new LeastPrivilegeRole(scope, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description });
  return { role: created.role, grantee: created };
}

/**
 * A deterministic job name: `<prefix>-<hash>` where the hash covers the resolved request (and the
 * run id), so an unchanged spec keeps its name (and never runs again) and a changed spec gets a new
 * one (and runs anew).
 */
export function hashedJobName(scope: Construct, request: unknown, options: { prefix?: string; runId?: string; maxLength: number }): string {
  const hash = createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(request))).update(options.runId ?? '').digest('hex').slice(0, 10);
  const prefix = options.prefix ?? Names.uniqueResourceName(scope, { maxLength: options.maxLength - 11, separator: '-' }).toLowerCase().replace(/[^a-z0-9-]/g, '');
  if (!Token.isUnresolved(prefix) && (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(prefix) || prefix.length > options.maxLength - 11)) {
    throw new SageMakerConstructError(scope, `invalid jobNamePrefix ${describeValue(prefix)}: use 1-${options.maxLength - 11} letters, digits or hyphens (the name ends with '-' and a 10-character hash)`);
  }
  return `${prefix.replace(/-+$/, '')}-${hash}`;
}

/** Lets the stack's provider start, watch and stop one kind of SageMaker job, and pass its role. */
export function grantJobControl(scope: Construct, provider: HandlerProvider, resource: string, jobName: string, actions: string[], role: iam.IRole): void {
  const stack = Stack.of(scope);
  provider.addToRolePolicy(new iam.PolicyStatement({
    actions,
    resources: [stack.formatArn({ service: 'sagemaker', resource, resourceName: jobName.toLowerCase() })],
  }));
  provider.addToRolePolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
}
