import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { LeastPrivilegeRole, MANAGED_POLICIES_PER_ROLE } from '../../private/role';

/**
 * A new job role is started once the current one has this many managed policies, leaving room
 * for the grants of the step that reaches it within IAM's default quota of 10 per role.
 */
const POLICIES_PER_GROUP = MANAGED_POLICIES_PER_ROLE - 2;

/**
 * The job roles of a pipeline: steps run as the current role until its grants fill
 * `POLICIES_PER_GROUP` managed policies, then as a new one (`JobRole`, `JobRole2`, ...), so a
 * pipeline of hundreds of steps stays within IAM's default quotas. Grants to `grantPrincipal` go
 * to every job role.
 */
export class PipelineJobRoles implements iam.IPrincipal {
  public readonly grantPrincipal: iam.IPrincipal = this;
  public readonly assumeRoleAction: string;
  public readonly principalAccount?: string;
  private readonly roles: LeastPrivilegeRole[] = [];
  /** Statements granted to every role (added to roles started later too). */
  private readonly everyRole: iam.PolicyStatement[] = [];

  constructor(private readonly scope: Construct, private readonly description: string) {
    const first = this.start();
    this.assumeRoleAction = first.role.assumeRoleAction;
    this.principalAccount = first.role.principalAccount;
  }

  /** The role the next step runs as. */
  public current(): LeastPrivilegeRole {
    const last = this.roles[this.roles.length - 1];
    return last.policyCount >= POLICIES_PER_GROUP ? this.start() : last;
  }

  public get all(): iam.IRole[] {
    return this.roles.map((r) => r.role);
  }

  public get policyFragment(): iam.PrincipalPolicyFragment {
    return this.roles[0].role.policyFragment;
  }

  public addToPolicy(statement: iam.PolicyStatement): boolean {
    return this.addToPrincipalPolicy(statement).statementAdded;
  }

  public addToPrincipalPolicy(statement: iam.PolicyStatement): iam.AddToPrincipalPolicyResult {
    this.everyRole.push(statement);
    const policies = this.roles.map((r) => r.addToPolicy(statement.copy()));
    return { statementAdded: true, policyDependable: policies[policies.length - 1] };
  }

  private start(): LeastPrivilegeRole {
    const n = this.roles.length + 1;
    const role = new LeastPrivilegeRole(this.scope, n === 1 ? 'JobRole' : `JobRole${n}`, {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: n === 1 ? this.description : `${this.description} (group ${n})`,
    });
    this.roles.push(role);
    for (const s of this.everyRole) role.addToPolicy(s.copy());
    return role;
  }
}
