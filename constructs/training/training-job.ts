import { CustomResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { JobSecret } from './job-secret';
import { Construct } from 'constructs';
import { TrainingSpec } from './training-spec';
import { TRAINING_JOB_RESOURCE_TYPE, TrainingJobAttribute } from '../private/contracts/sagemaker-job';
import { DeployTimeJobKind, JOB_NAME_BUDGETS, startDeployTimeJob } from '../private/deploy-time-job';

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
  /**
   * Environment variables whose values are secrets, by name: read by the provider when it starts
   * the job, so that only their references are in the template and the provider's logs (see
   * `JobSecret`). Names follow the spec's `environment` rules and must not repeat its names.
   * @default - none
   */
  readonly secretEnvironment?: { [name: string]: JobSecret };
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
 * waits for the job (the provider polls every 30 seconds for at most 55 minutes, inside the hour
 * CloudFormation waits for a custom resource, so the spec's maximum runtime, spot wait included, must
 * be 50 minutes or less: run longer jobs as a pipeline `TrainingStep`); a failed job fails the deployment with
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
    const job = startDeployTimeJob(this, TRAINING_JOB, props.spec, props, props.spec.props.spot ? ' (maxRuntime plus spot wait)' : ' (maxRuntime)');
    this.role = job.role;
    this.grantPrincipal = job.grantPrincipal;
    this.resource = job.resource;
    this.trainingJobName = this.resource.getAttString('TrainingJobName' satisfies TrainingJobAttribute);
    this.trainingJobArn = this.resource.getAttString('TrainingJobArn' satisfies TrainingJobAttribute);
    this.modelDataUri = this.resource.getAttString('ModelDataUri' satisfies TrainingJobAttribute);
  }

  /**
   * The final value of a metric the job reported (e.g. `validation:auc`), as a string attribute.
   * Deployment fails if the job did not report it.
   */
  public metric(metricName: string): string {
    return this.resource.getAttString(`Metric_${metricName.replace(/[^A-Za-z0-9]/g, '_')}`);
  }
}

const TRAINING_JOB: DeployTimeJobKind = {
  specName: 'spec',
  constructName: 'TrainingJob',
  pipelineStep: 'TrainingStep',
  arnResource: 'training-job',
  resourceType: TRAINING_JOB_RESOURCE_TYPE,
  actions: ['sagemaker:CreateTrainingJob', 'sagemaker:DescribeTrainingJob', 'sagemaker:StopTrainingJob', 'sagemaker:AddTags'],
  nameBudget: JOB_NAME_BUDGETS.training,
  roleDescription: (path) => `Runs the training job ${path}`,
};
