import { CustomResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TrainingSpec } from './training-spec';
import { DEPLOY_TIME_JOB_MAX_SECONDS, grantJobControl, JOB_NAME_BUDGETS, jobNameBase, jobRole } from '../private/deploy-time-job';
import { SageMakerConstructError } from '../private/errors';
import { HandlerProvider } from '../private/provider';
import { LeastPrivilegeRole } from '../private/role';

/** Options shared by the jobs that run at deploy time. */
export interface DeployTimeJobOptions {
  /**
   * The role the job runs as. Grants the job needs are added to it.
   * @default - a new least-privilege role for this job
   */
  readonly role?: iam.IRole;
  /**
   * Start of the job name: at most 39 characters for a training job, 14 for a tuning job (letters,
   * digits or hyphens). The name goes on with a hash of the spec (and `runId`), a hash of the
   * deployed values (and the stack id), and `-r<N>` when an earlier job of that name stopped or failed.
   * @default - derived from the construct path
   */
  readonly jobNamePrefix?: string;
  /**
   * Part of the name hash: change it to run an unchanged spec again.
   * @default - none: an unchanged spec never runs again in the same stack
   */
  readonly runId?: string;
}

/** Properties of a TrainingJob. */
export interface TrainingJobProps extends DeployTimeJobOptions {
  /** What to train. */
  readonly spec: TrainingSpec;
}

/**
 * Runs a training job when the stack deploys. The job name is `<prefix>-<hash of the spec>-<hash of
 * the deployed values and the stack>`, so an unchanged stack never retrains, while a changed spec, a
 * changed deployed value (a new bucket or role) or a new stack trains anew; a job of that name that
 * stopped or failed (a rollback stopped it) is followed by `<name>-r2`, `-r3`... The deployment
 * waits for the job (the provider polls every 30 seconds, for at most 2 hours, so the spec's maximum
 * runtime, spot wait included, must be 110 minutes or less); a failed job fails the deployment with
 * SageMaker's `FailureReason`; deleting the stack (or a rollback) stops a running job.
 */
export class TrainingJob extends Construct implements iam.IGrantable {
  /**
   * The name of the job that ran (decided at deploy time).
   * @attribute
   */
  public readonly trainingJobName: string;
  /**
   * The job's ARN.
   * @attribute
   */
  public readonly trainingJobArn: string;
  /**
   * The S3 URI of the trained model artifact (`model.tar.gz`).
   * @attribute
   */
  public readonly modelDataUri: string;
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The spec this job runs. */
  public readonly spec: TrainingSpec;
  private readonly resource: CustomResource;

  constructor(scope: Construct, id: string, props: TrainingJobProps) {
    super(scope, id);
    this.spec = props.spec;
    if (props.spec.maxWaitSeconds > DEPLOY_TIME_JOB_MAX_SECONDS) {
      throw new SageMakerConstructError(this, `the spec may run ${props.spec.maxWaitSeconds} s (maxRuntime${props.spec.props.spot ? ' plus spot wait' : ''}), but a deploy-time TrainingJob waits at most ${DEPLOY_TIME_JOB_MAX_SECONDS} s (110 minutes): lower maxRuntime, or run the spec as a pipeline TrainingStep`);
    }
    const { role, grantee } = jobRole(this, props.role, `Runs the training job ${this.node.path}`);
    this.role = role;
    this.grantPrincipal = grantee.grantPrincipal;
    props.spec.grantTo(this, grantee);

    // The request goes without a name: the handler names the job from the resolved values.
    const request = props.spec.render(this, { role });
    const nameBase = jobNameBase(this, request, { prefix: props.jobNamePrefix, runId: props.runId, ...JOB_NAME_BUDGETS.training });

    const provider = HandlerProvider.of(this);
    grantJobControl(this, provider, 'training-job', nameBase, ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'], role);
    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SageMakerTrainingJob',
      properties: { NameBase: nameBase, Request: Stack.of(this).toJsonString(request) },
    });
    // The job must not start before its role can read its data.
    // A role of yours: depend on every policy in its tree (an iam.Role's DefaultPolicy, an imported
    // role's attached Policy...), not only a child named 'DefaultPolicy'.
    this.resource.node.addDependency(grantee instanceof LeastPrivilegeRole ? grantee : role);
    this.trainingJobName = this.resource.getAttString('TrainingJobName');
    this.trainingJobArn = this.resource.getAttString('TrainingJobArn');
    this.modelDataUri = this.resource.getAttString('ModelDataUri');
  }

  /**
   * The final value of a metric the job reported (e.g. `validation:auc`), as a string attribute.
   * Deployment fails if the job did not report it.
   */
  public metric(metricName: string): string {
    return this.resource.getAttString(`Metric_${metricName.replace(/[^A-Za-z0-9]/g, '_')}`);
  }
}
