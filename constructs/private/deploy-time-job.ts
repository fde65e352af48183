import { createHash } from 'crypto';
import { Aws, CustomResource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { describeValue, ProblemList, SageMakerConstructError } from './errors';
import { ENVIRONMENT_RULES, nameOk, sageMakerName } from './rules';
import { generatePhysicalName } from './naming';
import { CUSTOM_RESOURCE_SERVICE_TIMEOUT, HandlerGrants, HandlerProvider } from './provider';
import { LeastPrivilegeRole } from './role';
import type { JobSecretReference, SageMakerJobProperties } from './contracts/sagemaker-job';
import { JobSecret } from '../training/job-secret';
import type { DeployTimeJobOptions } from '../training/training-job';

/**
 * How long a deploy-time job may take: the provider polls for 55 minutes (CloudFormation waits at
 * most an hour for a custom resource), minus a margin to start the job, provision its instances,
 * upload the model and report.
 */
export const DEPLOY_TIME_JOB_MAX_SECONDS = 50 * 60;

/** Characters left for the construct part of a job role's name: `<name>-<region>` fits IAM's 64. */
const ROLE_NAME_MAX_BASE = 64 - 1 - 16;

/**
 * The role of a deploy-time job: the user's, or a new least-privilege one. A new role has a
 * physical name (`<construct path>-<hash>-<region>`: IAM names are global to the account, so the
 * region keeps copies of the stack in several regions apart), so that the provider's `iam:PassRole`
 * grant names it without referring to it: the provider's policies then hold no reference to any
 * job's role, and no custom resource waits for another job's role. `passRoleArn` is that ARN.
 */
export function jobRole(scope: Construct, role: iam.IRole | undefined, description: string, options: { named?: boolean } = {}): { role: iam.IRole; grantee: iam.IGrantable; passRoleArn: string } {
  if (role) return { role, grantee: role, passRoleArn: role.roleArn };
  if (!options.named) {
    const plain = new LeastPrivilegeRole(scope, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description });
    return { role: plain.role, grantee: plain, passRoleArn: plain.role.roleArn };
  }
  const stack = Stack.of(scope);
  const roleName = `${generatePhysicalName(scope, { maxLength: ROLE_NAME_MAX_BASE })}-${Aws.REGION}`;
  const created = new LeastPrivilegeRole(scope, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description, roleName });
  const passRoleArn = stack.formatArn({ service: 'iam', region: '', resource: 'role', resourceName: roleName });
  return { role: created.role, grantee: created, passRoleArn };
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
  /** As training: 63-character names. */
  compilation: { maxBaseLength: 50, synthHashLength: 10 },
} as const;

/**
 * The synth-time start of a deploy-time job's name: `<prefix>-<hash>` where the hash covers the
 * request as it appears in the template (and the run id), so a changed spec or run id changes the
 * resource's properties (and runs a new job). The handler appends a hash of the resolved request and
 * the stack id (and, for a retry, `-r<N>`): see `constructs/training/handlers/sagemaker-job`.
 */
export function jobNameBase(scope: Construct, request: unknown, options: { prefix?: string; runId?: string; maxBaseLength: number; synthHashLength: number }): string {
  const maxPrefix = options.maxBaseLength - 1 - options.synthHashLength;
  if (options.runId !== undefined && Token.isUnresolved(options.runId)) {
    throw new SageMakerConstructError(scope, 'runId is a deploy-time value: it needs a literal (e.g. from context: -c runId=7), because it is hashed into the job name at synth');
  }
  const hash = createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(request))).update(options.runId ?? '').digest('hex').slice(0, options.synthHashLength);
  const prefix = options.prefix ?? generatePhysicalName(scope, { maxLength: maxPrefix });
  if (Token.isUnresolved(prefix)) {
    throw new SageMakerConstructError(scope, 'jobNamePrefix must be a literal string, not a deploy-time value (it is part of the IAM resource the provider may act on)');
  }
  if (!nameOk(prefix, sageMakerName(maxPrefix))) {
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
function grantJobControl(scope: Construct, grants: HandlerGrants, resource: string, nameBase: string, actions: string[], passRoleArn: string): void {
  grants.addToPrincipalPolicy(new iam.PolicyStatement({
    actions,
    resources: [jobNameArnPattern(scope, resource, nameBase)],
  }));
  grants.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['iam:PassRole'],
    resources: [passRoleArn],
    conditions: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
  }));
}

/**
 * The references of a job's secret environment variables, checked against the spec's own
 * environment (every training definition's, for a tuning job) and CreateTrainingJob's limits; the
 * provider may read each secret.
 */
function secretReferences(scope: Construct, secrets: { [name: string]: JobSecret } | undefined, request: unknown, grants: HandlerGrants): JobSecretReference[] {
  if (!secrets) return [];
  const problems = new ProblemList();
  const r = request as Record<string, unknown>;
  const environments = [r.Environment, (r.TrainingJobDefinition as Record<string, unknown> | undefined)?.Environment,
    ...((r.TrainingJobDefinitions as Array<Record<string, unknown>> | undefined) ?? []).map((d) => d.Environment)]
    .filter((e): e is Record<string, string> => typeof e === 'object' && e !== null);
  const rules = ENVIRONMENT_RULES.training;
  const out: JobSecretReference[] = [];
  for (const [name, secret] of Object.entries(secrets)) {
    if (Token.isUnresolved(name) || !rules.keyPattern.test(name) || name.length > rules.maxKey) {
      problems.add(`invalid secretEnvironment name ${describeValue(name)}: use 1-${rules.maxKey} characters matching ${rules.keyPattern}`);
      continue;
    }
    if (!(secret instanceof JobSecret)) {
      // never the value itself: it may be the secret
      problems.add(`secretEnvironment ${name} is ${secret === null ? 'null' : `a ${typeof secret}`}, not a JobSecret: use JobSecret.fromSecretsManager(secret) or JobSecret.fromSsmParameter(parameter), so the value stays out of the template`);
      continue;
    }
    if (environments.some((e) => name in e)) {
      problems.add(`secretEnvironment ${name} (${secret.description}) is also in the spec's environment: give each variable one source`);
    }
    out.push({ Name: name, ...secret._bind(grants) });
  }
  for (const e of environments.length ? environments : [{}]) {
    const total = Object.keys(e).length + out.length;
    if (total > rules.maxEntries) problems.add(`the job would have ${total} environment variables (spec environment and secretEnvironment): SageMaker accepts at most ${rules.maxEntries}`);
  }
  problems.throwIfAny(scope, 'secretEnvironment');
  return out;
}

/** What differs between the kinds of deploy-time job. */
export interface DeployTimeJobKind {
  /** The spec, in messages: 'spec', 'tuning spec'. */
  readonly specName: string;
  /** The construct, in messages: 'TrainingJob'. */
  readonly constructName: string;
  /** The pipeline step that runs such a spec without holding the stack: 'TrainingStep'. */
  readonly pipelineStep: string;
  /** The job's ARN resource type: 'training-job'. */
  readonly arnResource: string;
  /** The custom resource type the handler serves. */
  readonly resourceType: string;
  /** Create, describe, stop and tag actions of the job. */
  readonly actions: string[];
  readonly nameBudget: { readonly maxBaseLength: number; readonly synthHashLength: number };
  /** The role's description, given the construct path. */
  readonly roleDescription: (path: string) => string;
}

/** A spec that a deploy-time job runs. */
export interface DeployTimeJobSpec {
  /** The longest the job may take, in seconds (maximum runtime, and spot wait where there is one). */
  readonly maxWaitSeconds: number;
  grantTo(scope: Construct, grantee: iam.IGrantable): void;
  render(scope: Construct, options: { role: iam.IRole }): unknown;
}

/** What `startDeployTimeJob` created. */
export interface DeployTimeJob {
  readonly role: iam.IRole;
  readonly grantPrincipal: iam.IPrincipal;
  /** What the provider's handlers may do for this job (the resource waits for it). */
  readonly handlerGrants: HandlerGrants;
  readonly nameBase: string;
  readonly resource: CustomResource;
}

/**
 * The deploy-time job of `scope` (a TrainingJob or HyperparameterTuningJob): checks that it fits the
 * provider's wait, makes or takes its role and grants it what the spec needs, renders the request
 * (without a name: the handler names the job from the resolved values), lets the stack's provider
 * control jobs of its name prefix, and creates the custom resource, which waits for the role's policies.
 * `detail` adds to the runtime message (e.g. '(maxRuntime plus spot wait)').
 */
export function startDeployTimeJob(scope: Construct, kind: DeployTimeJobKind, spec: DeployTimeJobSpec, options: DeployTimeJobOptions, detail = ''): DeployTimeJob {
  if (spec.maxWaitSeconds > DEPLOY_TIME_JOB_MAX_SECONDS) {
    throw new SageMakerConstructError(scope, `the ${kind.specName} may run ${spec.maxWaitSeconds} s${detail}, but a deploy-time ${kind.constructName} waits at most ${DEPLOY_TIME_JOB_MAX_SECONDS} s (${DEPLOY_TIME_JOB_MAX_SECONDS / 60} minutes: CloudFormation waits at most an hour for a custom resource): lower the spec's maxRuntime${detail.includes('spot') ? ' (and spot wait)' : ''} to ${DEPLOY_TIME_JOB_MAX_SECONDS / 60} minutes or less, or run it as a pipeline ${kind.pipelineStep} instead`);
  }
  const { role, grantee, passRoleArn } = jobRole(scope, options.role, kind.roleDescription(scope.node.path), { named: true });
  spec.grantTo(scope, grantee);
  const request = spec.render(scope, { role });
  const nameBase = jobNameBase(scope, request, { prefix: options.jobNamePrefix, runId: options.runId, ...kind.nameBudget });
  const provider = HandlerProvider.of(scope);
  const handlerGrants = provider.grantsFor();
  grantJobControl(scope, handlerGrants, kind.arnResource, nameBase, kind.actions, passRoleArn);
  const secrets = secretReferences(scope, options.secretEnvironment, request, handlerGrants);
  const resource = new CustomResource(scope, 'Resource', {
    serviceToken: provider.serviceToken,
    resourceType: kind.resourceType,
    serviceTimeout: CUSTOM_RESOURCE_SERVICE_TIMEOUT,
    properties: {
      NameBase: nameBase,
      Request: Stack.of(scope).toJsonString(request),
      ...(secrets.length ? { SecretEnvironment: Stack.of(scope).toJsonString(secrets) } : {}),
    } satisfies SageMakerJobProperties,
  });
  // The job must not start before its role can read its data. A role of yours: depend on every
  // policy in its tree (an iam.Role's DefaultPolicy, an imported role's attached Policy...), not only
  // a child named 'DefaultPolicy'.
  resource.node.addDependency(grantee instanceof LeastPrivilegeRole ? grantee : role);
  handlerGrants.dependOn(resource);
  return { role, grantPrincipal: grantee.grantPrincipal, handlerGrants, nameBase, resource };
}
