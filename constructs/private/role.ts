import * as crypto from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { acknowledgeGrantWildcards } from './compliance';

/**
 * Characters of statements per managed policy, as deployed (see `deployedLength`): IAM's limit is
 * 6,144 (whitespace excluded), less the document's envelope and a margin.
 */
const POLICY_BUDGET = 5800;

/** The longest value a pseudo parameter takes, in any partition. */
const PSEUDO_LENGTHS: Record<string, number> = {
  'AWS::Partition': 10, 'AWS::Region': 16, 'AWS::AccountId': 12, 'AWS::URLSuffix': 20, 'AWS::NoValue': 0,
};
/**
 * The longest a reference to a resource of the stack is taken to be: the ARNs and names CDK
 * resources resolve to (an S3 bucket ARN at most 83, a KMS key ARN about 95, a role ARN of ours
 * at most 108) fit in it.
 */
const REFERENCE_LENGTH = 128;
/** Any other intrinsic (Fn::ImportValue, Fn::Select...): taken as long as a long ARN. */
const OTHER_INTRINSIC_LENGTH = 256;

/**
 * The length of the compact JSON a resolved value deploys as: literal strings as they are, and each
 * CloudFormation intrinsic as the longest string it may resolve to. The token JSON itself is about
 * twice as long as the ARNs it makes, so sizing policies by it filled them half.
 */
export function deployedLength(value: unknown): number {
  return structuralLength(value);
}

/** `{ Ref }` or `{ Fn::* }`: the intrinsic's name and argument. */
function intrinsicOf(value: unknown): [string, unknown] | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.length === 1 && (entries[0][0] === 'Ref' || entries[0][0].startsWith('Fn::')) ? entries[0] : undefined;
}

/** The longest string a literal or an intrinsic resolves to, without quotes. */
function stringLength(value: unknown): number {
  if (typeof value === 'string') return JSON.stringify(value).length - 2;
  const intrinsic = intrinsicOf(value);
  if (!intrinsic) return OTHER_INTRINSIC_LENGTH;
  const [k, v] = intrinsic;
  if (k === 'Ref') return typeof v === 'string' && v in PSEUDO_LENGTHS ? PSEUDO_LENGTHS[v] : REFERENCE_LENGTH;
  if (k === 'Fn::GetAtt') return REFERENCE_LENGTH;
  if (k === 'Fn::Join' && Array.isArray(v) && typeof v[0] === 'string' && Array.isArray(v[1])) {
    return v[1].reduce((n: number, part: unknown) => n + stringLength(part), 0) + v[0].length * Math.max(0, v[1].length - 1);
  }
  if (k === 'Fn::Sub' && typeof v === 'string') {
    return v.replace(/\$\{([^}]+)\}/g, (_m, name: string) => 'x'.repeat(name in PSEUDO_LENGTHS ? PSEUDO_LENGTHS[name] : REFERENCE_LENGTH)).length;
  }
  return OTHER_INTRINSIC_LENGTH;
}

/** JSON length of a value inside an array or object (strings with their quotes). */
function structuralLength(value: unknown): number {
  if (typeof value === 'string') return JSON.stringify(value).length;
  if (Array.isArray(value)) return 2 + value.reduce((n: number, v) => n + structuralLength(v), 0) + Math.max(0, value.length - 1);
  if (value && typeof value === 'object') {
    if (intrinsicOf(value)) return 2 + stringLength(value);
    const entries = Object.entries(value as Record<string, unknown>);
    return 2 + entries.reduce((n, [k, v]) => n + JSON.stringify(k).length + 1 + structuralLength(v), 0) + Math.max(0, entries.length - 1);
  }
  return JSON.stringify(value ?? null).length;
}

/** Operators under which a condition's values are alternatives: a request matching any one is allowed. */
const ALTERNATIVE_OPERATORS = new Set(['StringEquals', 'StringLike', 'ArnEquals', 'ArnLike']);

/** Managed policies IAM attaches to a role by default (the quota may be raised to 20). */
export const MANAGED_POLICIES_PER_ROLE = 10;

interface Mergeable {
  readonly statement: iam.PolicyStatement;
  readonly policy: iam.ManagedPolicy;
  readonly pool: Pool;
  /** Resources (by resource merges) or condition values (by condition merges) already allowed. */
  readonly members: Set<string>;
  /**
   * How the statement has grown, shared by its two entries: once it took more resources, more
   * condition values would apply to those too (and the other way round), so it grows one way only.
   */
  readonly grown: { by?: 'resources' | 'condition' };
}

/** Policies of one reference set: statements naming the same resources of the stack. */
interface Pool {
  readonly key: string;
  current?: iam.ManagedPolicy;
  currentSize: number;
  parts: number;
}

/**
 * A principal that is a role, but whose grants land in a customer-managed policy attached to the
 * role instead of the role's inline default policy (HIPAA, NIST 800-53 and PCI DSS packs reject
 * inline policies). Everything else is the role's.
 *
 * Statements merge where IAM's meaning is kept: those that differ only by their resources become
 * one statement with all of them, and those that differ only by the values of a single
 * `StringLike`/`StringEquals`/`ArnLike`/`ArnEquals` condition key (e.g. `s3:ListBucket` on one
 * bucket under several `s3:prefix` patterns) one statement with all the values.
 *
 * With `poolByReferences`, statements go into policies by the set of the stack's resources they
 * name, so that what depends on a policy (a custom resource on its handler's permissions) waits
 * only for resources it uses: statements naming no resource share policies.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  private readonly pools = new Map<string, Pool>();
  private readonly policies: iam.ManagedPolicy[] = [];
  private readonly mergeable = new Map<string, Mergeable>();

  constructor(private readonly owner: Construct, private readonly role: iam.IRole, private readonly poolByReferences: boolean) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  /** How many managed policies the role has. */
  public get policyCount(): number {
    return this.policies.length;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const stack = Stack.of(this.owner);
    const resolved = stack.resolve(statement.toStatementJson());
    const pool = this.poolOf(this.poolByReferences ? referenceKey(resolved) : '');
    const merged = this.tryMerge(stack, statement, pool);
    if (merged) return { statementAdded: true, policyDependable: merged as IDependable };
    // Policies are created with their first statement (a role granted nothing has none: CDK
    // rejects empty managed policies). A managed policy holds at most 6,144 characters: statements
    // go into the pool's current policy until it nears that, then into a new one on the same role.
    const size = structuralLength(resolved);
    const policy = this.policyWithRoom(pool, size);
    // A copy, so that resources merged into it later never change the caller's statement.
    const own = mergeable(statement) ? new iam.PolicyStatement({ effect: statement.effect, actions: statement.actions, resources: statement.resources, conditions: statement.conditions }) : statement;
    policy.addStatements(own);
    const grown = {};
    const byResources = resourceMergeKey(stack, statement, pool);
    if (byResources !== undefined) {
      this.mergeable.set(byResources, { statement: own, policy, pool, grown, members: new Set([...(this.mergeable.get(byResources)?.members ?? []), ...own.resources]) });
    }
    const byCondition = conditionMergeKey(stack, statement, pool);
    if (byCondition !== undefined) {
      this.mergeable.set(byCondition.key, { statement: own, policy, pool, grown, members: new Set([...(this.mergeable.get(byCondition.key)?.members ?? []), ...byCondition.values]) });
    }
    return { statementAdded: true, policyDependable: policy as IDependable };
  }

  /** Adds the statement to an earlier one it differs from only by resources, or by condition values. */
  private tryMerge(stack: Stack, statement: iam.PolicyStatement, pool: Pool): iam.ManagedPolicy | undefined {
    const byResources = resourceMergeKey(stack, statement, pool);
    const earlier = byResources === undefined ? undefined : this.mergeable.get(byResources);
    if (earlier) {
      const added = statement.resources.filter((r) => !earlier.members.has(r));
      // Allowed already: nothing to add.
      if (added.length === 0) return earlier.policy;
      const size = structuralLength(stack.resolve(added));
      if (earlier.grown.by !== 'condition' && earlier.policy === pool.current && pool.currentSize + size <= POLICY_BUDGET) {
        earlier.grown.by = 'resources';
        earlier.statement.addResources(...added);
        for (const r of added) earlier.members.add(r);
        pool.currentSize += size;
        return earlier.policy;
      }
    }
    const byCondition = conditionMergeKey(stack, statement, pool);
    const alike = byCondition === undefined ? undefined : this.mergeable.get(byCondition.key);
    if (byCondition && alike) {
      const added = byCondition.values.filter((v) => !alike.members.has(v));
      if (added.length === 0) return alike.policy;
      const size = structuralLength(stack.resolve(added));
      if (alike.grown.by !== 'resources' && alike.policy === pool.current && pool.currentSize + size <= POLICY_BUDGET) {
        alike.grown.by = 'condition';
        for (const v of added) alike.members.add(v);
        alike.statement.addCondition(byCondition.operator, { [byCondition.conditionKey]: [...alike.members] });
        pool.currentSize += size;
        return alike.policy;
      }
    }
    return undefined;
  }

  private poolOf(key: string): Pool {
    let pool = this.pools.get(key);
    if (!pool) {
      pool = { key, currentSize: 0, parts: 0 };
      this.pools.set(key, pool);
    }
    return pool;
  }

  private policyWithRoom(pool: Pool, size: number): iam.ManagedPolicy {
    if (pool.current && pool.currentSize + size <= POLICY_BUDGET) {
      pool.currentSize += size;
      return pool.current;
    }
    if (this.poolByReferences && pool.key !== '' && this.policies.length >= MANAGED_POLICIES_PER_ROLE) {
      // The role has all the policies IAM allows by default: share one (what depends on it may wait
      // for a resource it does not use, which only slows the deployment).
      const shared = this.pools.get('');
      if (shared?.current && shared.currentSize + size <= POLICY_BUDGET) {
        shared.currentSize += size;
        return shared.current;
      }
    }
    pool.parts += 1;
    const first = this.policies.length === 0;
    const id = first ? 'Policy' : this.poolByReferences
      ? `Policy${pool.key === '' ? '' : referenceHash(pool.key)}${pool.parts === 1 && pool.key !== '' ? '' : pool.parts}`
      : `Policy${this.policies.length + 1}`;
    const part = this.policies.length + 1;
    pool.current = new iam.ManagedPolicy(this.owner, id, {
      description: part === 1 ? `Least-privilege permissions of ${this.owner.node.path}` : `Least-privilege permissions of ${this.owner.node.path} (part ${part})`,
      roles: [this.role],
    });
    acknowledgeGrantWildcards(pool.current);
    this.policies.push(pool.current);
    pool.currentSize = size;
    return pool.current;
  }
}

/** May the statement take more resources or condition values? Not with principals, NotAction, NotResource or a Sid. */
function mergeable(statement: iam.PolicyStatement): boolean {
  return statement.sid === undefined && !statement.notActions.length && !statement.notResources.length && !statement.hasPrincipal && statement.resources.length > 0;
}

/** What a statement is apart from its resources (effect, actions, conditions), when it may take more. */
function resourceMergeKey(stack: Stack, statement: iam.PolicyStatement, pool: Pool): string | undefined {
  if (!mergeable(statement)) return undefined;
  return JSON.stringify(stack.resolve({ by: 'resources', pool: pool.key, effect: statement.effect, actions: [...statement.actions].sort(), conditions: statement.conditions }));
}

/**
 * What a statement is apart from the values of its one condition key, when those are
 * alternatives (a single key under a single StringEquals/StringLike/ArnEquals/ArnLike).
 */
function conditionMergeKey(stack: Stack, statement: iam.PolicyStatement, pool: Pool): { key: string; operator: string; conditionKey: string; values: string[] } | undefined {
  if (!mergeable(statement)) return undefined;
  const conditions = statement.conditions as Record<string, Record<string, unknown>>;
  const operators = Object.keys(conditions);
  if (operators.length !== 1 || !ALTERNATIVE_OPERATORS.has(operators[0])) return undefined;
  const keys = Object.keys(conditions[operators[0]]);
  if (keys.length !== 1) return undefined;
  const raw = conditions[operators[0]][keys[0]];
  const values = ([] as unknown[]).concat(raw);
  if (!values.every((v): v is string => typeof v === 'string')) return undefined;
  const key = JSON.stringify(stack.resolve({ by: 'condition', pool: pool.key, effect: statement.effect, actions: [...statement.actions].sort(), resources: [...statement.resources].sort(), operator: operators[0], conditionKey: keys[0] }));
  return { key, operator: operators[0], conditionKey: keys[0], values };
}

/** The stack resources a resolved statement names (Ref / Fn::GetAtt; pseudo parameters excluded), sorted, as one key. */
function referenceKey(resolved: unknown): string {
  const ids = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      v.forEach(walk);
    } else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
        if (k === 'Ref' && typeof x === 'string' && !x.startsWith('AWS::')) ids.add(x);
        else if (k === 'Fn::GetAtt' && Array.isArray(x) && typeof x[0] === 'string') ids.add(x[0]);
        else walk(x);
      }
    }
  };
  walk(resolved);
  return [...ids].sort().join(',');
}

function referenceHash(key: string): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 8).toUpperCase();
}

export interface LeastPrivilegeRoleProps {
  readonly assumedBy: iam.IPrincipal;
  readonly description: string;
  /** Statements the role needs whatever it is granted later. */
  readonly statements?: iam.PolicyStatement[];
  /**
   * Put statements into policies by the stack resources they name (see ManagedPolicyPrincipal),
   * for roles whose policies other resources depend on one statement at a time.
   * @default false
   */
  readonly poolByReferences?: boolean;
  /**
   * A physical name, for a role that policies must name without referring to it (a reference would
   * make whatever depends on such a policy wait for the role).
   * @default a name CloudFormation generates
   */
  readonly roleName?: string;
}

/**
 * A role created by the library: no AWS managed policies, no inline policy; its permissions live
 * in customer-managed policies that `grant*()` calls extend. Depend on this construct (not on one
 * policy) to wait for all of its permissions.
 */
export class LeastPrivilegeRole extends Construct implements iam.IGrantable {
  public readonly role: iam.Role;
  public readonly grantPrincipal: iam.IPrincipal;
  private readonly principal: ManagedPolicyPrincipal;

  constructor(scope: Construct, id: string, props: LeastPrivilegeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: props.assumedBy, description: props.description, roleName: props.roleName });
    this.principal = new ManagedPolicyPrincipal(this, this.role, props.poolByReferences ?? false);
    this.grantPrincipal = this.principal;
    for (const statement of props.statements ?? []) this.addToPolicy(statement);
  }

  /** How many managed policies the role has so far. */
  public get policyCount(): number {
    return this.principal.policyCount;
  }

  /** Adds a statement to the role's managed policies; returns the policy that holds it. */
  public addToPolicy(statement: iam.PolicyStatement): IDependable {
    return this.principal.addToPrincipalPolicy(statement).policyDependable!;
  }
}
