import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { acknowledgeGrantWildcards } from './compliance';

/** Characters of statements per managed policy: below the 6,144 limit, with room for unresolved parts. */
const POLICY_BUDGET = 4500;

/**
 * A principal that is a role, but whose grants land in a customer-managed policy attached to the
 * role instead of the role's inline default policy (HIPAA, NIST 800-53 and PCI DSS packs reject
 * inline policies). Everything else is the role's.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  private current?: iam.ManagedPolicy;
  private currentSize = 0;
  private parts = 0;

  constructor(private readonly owner: Construct, private readonly role: iam.IRole) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    const stack = Stack.of(this.owner);
    // A statement that differs from one of the current policy only by its resources joins it:
    // allowing the same actions under the same conditions on R1 and on R2 is allowing them on
    // [R1, R2]. A hundred jobs then add resources to a few statements, not a policy every few jobs.
    const key = mergeKey(stack, statement);
    const earlier = key === undefined ? undefined : this.mergeable.get(key);
    if (earlier) {
      const added = statement.resources.filter((r) => !earlier.resources.has(r));
      // Allowed already: nothing to add.
      if (added.length === 0) return { statementAdded: true, policyDependable: earlier.policy as IDependable };
      const size = JSON.stringify(stack.resolve(added)).length;
      if (earlier.policy === this.current && this.currentSize + size <= POLICY_BUDGET) {
        earlier.statement.addResources(...added);
        for (const r of added) earlier.resources.add(r);
        this.currentSize += size;
        return { statementAdded: true, policyDependable: earlier.policy as IDependable };
      }
    }
    // Policies are created with their first statement (a role granted nothing has none: CDK
    // rejects empty managed policies). A managed policy holds at most 6,144 characters: statements
    // go into the current policy until it nears that, then into a new one on the same role.
    const size = JSON.stringify(stack.resolve(statement.toStatementJson())).length;
    if (!this.current || this.currentSize + size > POLICY_BUDGET) {
      this.parts += 1;
      this.current = new iam.ManagedPolicy(this.owner, this.parts === 1 ? 'Policy' : `Policy${this.parts}`, {
        description: this.parts === 1 ? `Least-privilege permissions of ${this.owner.node.path}` : `Least-privilege permissions of ${this.owner.node.path} (part ${this.parts})`,
        roles: [this.role],
      });
      acknowledgeGrantWildcards(this.current);
      this.currentSize = 0;
    }
    // A copy, so that resources merged into it later never change the caller's statement.
    const own = key === undefined ? statement : new iam.PolicyStatement({ effect: statement.effect, actions: statement.actions, resources: statement.resources, conditions: statement.conditions });
    this.current.addStatements(own);
    this.currentSize += size;
    if (key !== undefined) this.mergeable.set(key, { statement: own, policy: this.current, resources: new Set([...(earlier?.resources ?? []), ...own.resources]) });
    return { statementAdded: true, policyDependable: this.current as IDependable };
  }

  /** Per effect, actions and conditions: the statement that takes more resources, and every resource allowed so far. */
  private readonly mergeable = new Map<string, { statement: iam.PolicyStatement; policy: iam.ManagedPolicy; resources: Set<string> }>();
}

/**
 * What a statement is apart from its resources (effect, actions, conditions), when it may take
 * more resources: not for statements with principals, NotAction, NotResource or a Sid.
 */
function mergeKey(stack: Stack, statement: iam.PolicyStatement): string | undefined {
  if (statement.sid !== undefined || statement.notActions.length || statement.notResources.length || statement.hasPrincipal || statement.resources.length === 0) return undefined;
  return JSON.stringify(stack.resolve({ effect: statement.effect, actions: [...statement.actions].sort(), conditions: statement.conditions }));
}

export interface LeastPrivilegeRoleProps {
  readonly assumedBy: iam.IPrincipal;
  readonly description: string;
  /** Statements the role needs whatever it is granted later. */
  readonly statements?: iam.PolicyStatement[];
}

/**
 * A role created by the library: no AWS managed policies, no inline policy; its permissions live
 * in customer-managed policies that `grant*()` calls extend. Depend on this construct (not on one
 * policy) to wait for all of its permissions.
 */
export class LeastPrivilegeRole extends Construct implements iam.IGrantable {
  public readonly role: iam.Role;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: LeastPrivilegeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: props.assumedBy, description: props.description });
    this.grantPrincipal = new ManagedPolicyPrincipal(this, this.role);
    for (const statement of props.statements ?? []) this.addToPolicy(statement);
  }

  /** Adds a statement to the role's managed policies. */
  public addToPolicy(statement: iam.PolicyStatement): void {
    this.grantPrincipal.addToPrincipalPolicy(statement);
  }
}
