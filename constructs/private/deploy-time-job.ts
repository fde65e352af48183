import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { describeValue, SageMakerConstructError } from './errors';
import { generatePhysicalName } from './naming';
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
 * Name budgets of the deploy-time jobs. The handler names a job `<base>-<resolved hash>` and, when
 * that name is taken by a stopped or failed job, `<base>-<resolved hash>-r<N>` (N up to 20); the
 * base is `<prefix>-<synth hash>`. Kept equal to the handler's `JOB_NAME_LIMITS` by a test (the
 * handler bundle and this file share no import).
 */
export const JOB_NAME_BUDGETS = {
  /** 39 + '-' + 10 = 50; + '-' + 8 + '-r20' = 63. */
  training: { maxBaseLength: 50, synthHashLength: 10 },
  /** 14 + '-' + 6 = 21; + '-' + 6 + '-r20' = 32. */
  tuning: { maxBaseLength: 21, synthHashLength: 6 },
} as const;

/**
 * The synth-time start of a deploy-time job's name: `<prefix>-<hash>` where the hash covers the
 * request as it appears in the template (and the run id), so a changed spec or run id changes the
 * resource's properties (and runs a new job). The handler appends a hash of the resolved request and
 * the stack id (and, for a retry, `-r<N>`): see `constructs/training/handlers/sagemaker-job`.
 */
export function jobNameBase(scope: Construct, request: unknown, options: { prefix?: string; runId?: string; maxBaseLength: number; synthHashLength: number }): string {
  const maxPrefix = options.maxBaseLength - 1 - options.synthHashLength;
  const hash = createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(request))).update(options.runId ?? '').digest('hex').slice(0, options.synthHashLength);
  const prefix = options.prefix ?? generatePhysicalName(scope, { maxLength: maxPrefix });
  if (Token.isUnresolved(prefix)) {
    throw new SageMakerConstructError(scope, 'jobNamePrefix must be a literal string, not a deploy-time value (it is part of the IAM resource the provider may act on)');
  }
  if (!/^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/.test(prefix) || prefix.length > maxPrefix) {
    throw new SageMakerConstructError(scope, `invalid jobNamePrefix ${describeValue(prefix)}: use 1-${maxPrefix} letters, digits or hyphens (the name goes on with '-', a ${options.synthHashLength}-character hash of the spec, '-', a hash of the deployed values and, for a retry, '-r<N>')`);
  }
  return `${prefix}-${hash}`;
}

/**
 * The ARN of every job of this construct, whatever its spec: names start with the construct's
 * prefix (`<prefix>-<spec hash>-<hash>`, `...-r<N>`, and a tuning job's trials
 * `<tuning job name>-<NNN>-<id>`). Scoped to the prefix rather than to the current spec's hash, so
 * the provider can still stop the previous spec's job when an update rolls back. Lower case:
 * SageMaker reports some job ARNs in lower case, and IAM compares ARNs case-sensitively.
 */
export function jobNameArnPattern(scope: Construct, resource: string, nameBase: string): string {
  const prefix = nameBase.slice(0, nameBase.lastIndexOf('-'));
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource, resourceName: `${prefix.toLowerCase()}-*` });
}

/**
 * Lets the stack's provider start, watch and stop one kind of SageMaker job (every name starting
 * with `<nameBase>-`), and pass its role.
 */
export function grantJobControl(scope: Construct, provider: HandlerProvider, resource: string, nameBase: string, actions: string[], role: iam.IRole): void {
  provider.addToRolePolicy(new iam.PolicyStatement({
    actions,
    resources: [jobNameArnPattern(scope, resource, nameBase)],
  }));
  provider.addToRolePolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
}
