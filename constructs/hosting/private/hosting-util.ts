import { createHash } from 'crypto';
import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from '../../private/errors';

// ---------------------------------------------------------------------------------------------
// Content hashes for replace-only resources

const inProgress = new Set<IConstruct>();

/**
 * A short hash of what `value` renders to in the template of `scope`'s stack, for the physical
 * names of replace-only resources (models, endpoint configurations): a changed definition gets a
 * new name, so CloudFormation can create the replacement before it deletes the old resource.
 *
 * Some values change at deploy time while their template expression stays the same: attributes
 * of custom resources (a deploy-time training job's `ModelDataUri` changes when the job runs
 * again, yet the `Fn::GetAtt` is unchanged). So the definition of every custom resource that
 * `value` references goes into the hash too. Attributes of AWS resources change only when those
 * resources are replaced, which their own definitions decide; they are not followed, so that an
 * unrelated change to, say, a bucket's lifecycle rules does not roll the endpoint.
 */
export function contentHash(scope: IConstruct, value: unknown, length = 10): string {
  if (inProgress.has(scope)) {
    throw new SageMakerConstructError(scope, 'its definition references its own generated name (through a custom resource): give the resource an explicit name');
  }
  inProgress.add(scope);
  try {
    const stack = Stack.of(scope);
    const resolved = stack.resolve(value);
    const referenced = referencedCustomResources(stack, resolved);
    return createHash('sha256').update(JSON.stringify([resolved, referenced])).digest('hex').slice(0, length);
  } finally {
    inProgress.delete(scope);
  }
}

function referencedCustomResources(stack: Stack, resolved: unknown): unknown[] {
  const ids = new Set<string>();
  collectReferences(resolved, ids);
  if (ids.size === 0) return [];
  const out: unknown[] = [];
  for (const c of stack.node.findAll()) {
    if (!(c instanceof CfnResource) || Stack.of(c) !== stack) continue;
    const type = c.cfnResourceType;
    if (!type.startsWith('Custom::') && type !== 'AWS::CloudFormation::CustomResource') continue;
    const logicalId = stack.resolve(c.logicalId);
    if (!ids.has(logicalId)) continue;
    out.push([logicalId, type, customResourceProperties(stack, c, logicalId)]);
  }
  return out;
}

/**
 * The rendered properties of a custom resource, without Tags: only what is known at construction,
 * so the hash is the same whether it is computed before synthesis (a test resolving a name) or
 * during it (after aspects added tags and dependencies). CfnResource has no public accessor for
 * its rendered definition; without it, the logical ID and type stand in.
 */
function customResourceProperties(stack: Stack, resource: CfnResource, logicalId: string): unknown {
  const render = (resource as unknown as { _toCloudFormation?: () => unknown })._toCloudFormation;
  if (typeof render !== 'function') return undefined;
  const rendered = stack.resolve(render.call(resource)) as { Resources?: Record<string, { Properties?: Record<string, unknown> }> };
  const { Tags: _tags, ...properties } = rendered?.Resources?.[logicalId]?.Properties ?? {};
  return properties;
}

function collectReferences(value: unknown, ids: Set<string>): void {
  if (Array.isArray(value)) {
    value.forEach((v) => collectReferences(v, ids));
    return;
  }
  if (!value || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k === 'Ref' && typeof v === 'string' && !v.startsWith('AWS::')) {ids.add(v);} else if (k === 'Fn::GetAtt') {
      if (Array.isArray(v) && typeof v[0] === 'string') ids.add(v[0]);
      else if (typeof v === 'string') ids.add(v.split('.')[0]);
    }
    collectReferences(v, ids);
  }
}

// ---------------------------------------------------------------------------------------------
// What an endpoint needs to know about the models it hosts

/** Facts about a Model of this library that the Endpoint validates against. */
export interface ModelFacts {
  readonly inVpc: boolean;
  readonly networkIsolation: boolean;
  readonly containerCount: number;
  readonly usesModelPackage: boolean;
  /** The instance families (`c5`) its Neo-compiled artifacts were compiled for (`ContainerImage.neo`). */
  readonly compiledFor: readonly string[];
}

/**
 * Why `model` cannot run on `instanceType` (a literal `ml.<family>.<size>`): a model compiled by Neo
 * for one instance family runs only on that family. Undefined when it can, or is not known.
 */
export function compiledTargetProblem(model: object | undefined, instanceType: string | undefined, at: string): string | undefined {
  const compiledFor = model ? FACTS.get(model)?.compiledFor ?? [] : [];
  if (compiledFor.length === 0 || instanceType === undefined || Token.isUnresolved(instanceType)) return undefined;
  const family = instanceType.split('.')[1];
  const other = compiledFor.find((f) => f !== family);
  if (other === undefined) return undefined;
  return `${at} runs ${describeValue(instanceType)}, but its model was compiled by Neo for ml_${other}: a compiled model runs only on the instance family it was compiled for; use an ml.${other}.* instance type or compile for ml_${family}`;
}

const FACTS = new WeakMap<object, ModelFacts>();

export function registerModelFacts(model: object, facts: ModelFacts): void {
  FACTS.set(model, facts);
}

export function modelFacts(model: object): ModelFacts | undefined {
  return FACTS.get(model);
}

