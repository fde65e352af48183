import { CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { ProcessingSpec } from './processing-spec';
import { jobRole } from '../private/deploy-time-job';
import { LeastPrivilegeRole } from '../private/role';

/** Properties of a ProcessingJob. */
export interface ProcessingJobProps {
  /** What to run. */
  readonly spec: ProcessingSpec;
  /**
   * The role the job runs as.
   * @default - a new least-privilege role for this job
   */
  readonly role?: iam.IRole;
}

/**
 * Runs a processing job when the stack deploys, with CloudFormation's native
 * `AWS::SageMaker::ProcessingJob` (CloudFormation names the job; deleting the stack stops it).
 * The resource is replaced, and the job runs again, whenever the rendered request changes.
 */
export class ProcessingJob extends Construct implements iam.IGrantable {
  /**
   * The job's ARN.
   * @attribute
   */
  public readonly processingJobArn: string;
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The underlying resource. */
  public readonly resource: CfnResource;

  constructor(scope: Construct, id: string, props: ProcessingJobProps) {
    super(scope, id);
    const { role, grantee } = jobRole(this, props.role, `Runs the processing job ${this.node.path}`);
    this.role = role;
    this.grantPrincipal = grantee.grantPrincipal;
    props.spec.grantTo(this, grantee);
    const request = props.spec.render(this, { role });
    this.resource = new CfnResource(this, 'Resource', { type: 'AWS::SageMaker::ProcessingJob', properties: request });
    // A role of yours: depend on every policy in its tree (an iam.Role's DefaultPolicy, an imported
    // role's attached Policy...), not only a child named 'DefaultPolicy'.
    this.resource.node.addDependency(grantee instanceof LeastPrivilegeRole ? grantee : role);
    this.processingJobArn = this.resource.getAtt('ProcessingJobArn').toString();
  }
}
