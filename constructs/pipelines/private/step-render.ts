import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import type { ProblemList } from '../../private/errors';
import type { JobStepOptions, RenderContext, Step, StepOptions } from '../step';

// Render helpers the step families share (not public API).

export function isJobStep(step: Step): boolean {
  return ['Training', 'Processing', 'Tuning', 'Transform'].includes(step.type);
}

export function jobRoleOf(options: StepOptions, ctx: RenderContext): { role: iam.IRole; grantee: iam.IGrantable } {
  const role = (options as JobStepOptions).role;
  return role ? { role, grantee: role } : ctx.currentJobRole();
}

export function passRole(ctx: RenderContext, role: iam.IRole): void {
  ctx.pipelineGrantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [role.roleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
}

export function allowJobs(ctx: RenderContext, resource: string, actions: string[]): void {
  ctx.pipelineGrantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: [...actions, 'sagemaker:AddTags', 'sagemaker:ListTags'],
    resources: [Stack.of(ctx.scope).formatArn({ service: 'sagemaker', resource, resourceName: '*' })],
  }));
}

/** A step's type-specific members (`Arguments`, `PropertyFiles`...), as the definition holds them. */
export type StepBody = Record<string, unknown>;

/** A spec a job step runs: grants what the job reads and writes, and renders its request. */
interface JobSpec<R> {
  grantTo(scope: IConstruct, grantee: iam.IGrantable): void;
  _render(scope: IConstruct, options: { role: iam.IRole }, problems: ProblemList): R | undefined;
}

/**
 * What every job step does: the job's role gets the spec's grants, the pipeline may pass the role
 * and run jobs of `resource`, and the request renders into the pipeline's problem list.
 */
export function renderJobArguments<R>(ctx: RenderContext, options: StepOptions, spec: JobSpec<R>, resource: string, actions: string[]): R | Record<string, never> {
  const { role, grantee } = jobRoleOf(options, ctx);
  spec.grantTo(ctx.scope, grantee);
  passRole(ctx, role);
  allowJobs(ctx, resource, actions);
  return spec._render(ctx.scope, { role }, ctx.problems) ?? {};
}
