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
  private current: iam.ManagedPolicy;
  private currentSize = 0;
  private parts = 1;

  constructor(private readonly role: iam.IRole, private readonly policy: iam.ManagedPolicy) {
    this.assumeRoleAction = role.assumeRoleAction;
    this.principalAccount = role.principalAccount;
    this.current = policy;
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.role.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    // A managed policy holds at most 6,144 characters. Statements go into the current policy until
    // it nears that, then into a new one attached to the same role. The extra policies are children
    // of the first, so a dependency on it covers them all.
    const size = JSON.stringify(Stack.of(this.policy).resolve(statement.toStatementJson())).length;
    if (this.currentSize > 0 && this.currentSize + size > POLICY_BUDGET) {
      this.parts += 1;
      this.current = new iam.ManagedPolicy(this.policy, `Part${this.parts}`, {
        description: `Least-privilege permissions (part ${this.parts})`,
        roles: [this.role],
      });
      acknowledgeGrantWildcards(this.current);
      this.currentSize = 0;
    }
    this.current.addStatements(statement);
    this.currentSize += size;
    return { statementAdded: true, policyDependable: this.current as IDependable };
  }
}

export interface LeastPrivilegeRoleProps {
  readonly assumedBy: iam.IPrincipal;
  readonly description: string;
  /** Statements the role needs whatever it is granted later. */
  readonly statements?: iam.PolicyStatement[];
}

/**
 * A role created by the library: no AWS managed policies, no inline policy; its permissions live
 * in one customer-managed policy that `grant*()` calls extend.
 */
export class LeastPrivilegeRole extends Construct implements iam.IGrantable {
  public readonly role: iam.Role;
  public readonly policy: iam.ManagedPolicy;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: LeastPrivilegeRoleProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'Role', { assumedBy: props.assumedBy, description: props.description });
    this.policy = new iam.ManagedPolicy(this, 'Policy', {
      description: `Least-privilege permissions of ${this.node.path}`,
      roles: [this.role],
    });
    this.grantPrincipal = new ManagedPolicyPrincipal(this.role, this.policy);
    for (const statement of props.statements ?? []) this.addToPolicy(statement);
    acknowledgeGrantWildcards(this.policy);
  }

  /** Adds a statement to the role's managed policies. */
  public addToPolicy(statement: iam.PolicyStatement): void {
    this.grantPrincipal.addToPrincipalPolicy(statement);
  }

}
