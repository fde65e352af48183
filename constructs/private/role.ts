import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IDependable } from 'constructs';
import { acknowledgeGrantWildcards } from './compliance';

/**
 * A principal that is a role, but whose grants land in a customer-managed policy attached to the
 * role instead of the role's inline default policy (HIPAA, NIST 800-53 and PCI DSS packs reject
 * inline policies). Everything else is the role's.
 */
class ManagedPolicyPrincipal implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;

  constructor(private readonly role: iam.IRole, private readonly policy: iam.ManagedPolicy) {
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
    this.policy.addStatements(statement);
    return { statementAdded: true, policyDependable: this.policy as IDependable };
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
      statements: props.statements,
      roles: [this.role],
    });
    this.grantPrincipal = new ManagedPolicyPrincipal(this.role, this.policy);
    acknowledgeGrantWildcards(this.policy);
  }

  /** Adds a statement to the role's managed policy. */
  public addToPolicy(statement: iam.PolicyStatement): void {
    this.policy.addStatements(statement);
  }

}
