import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { JobStepOptions, RenderContext, Step, StepOptions } from '../step';

// Render helpers the step families share (not public API).

export function isJobStep(step: Step): boolean {
  return ['Training', 'Processing', 'Tuning', 'Transform'].includes(step.type);
}

export function jobRoleOf(options: StepOptions, ctx: RenderContext): { role: iam.IRole; grantee: iam.IGrantable } {
  const role = (options as JobStepOptions).role;
  return role ? { role, grantee: role } : { role: ctx.jobRole, grantee: ctx.jobGrantee };
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
