import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DeployTimeJobOptions } from './training-job';
import { HyperparameterTuningSpec } from './tuning-spec';
import { TUNING_JOB_RESOURCE_TYPE, TuningJobAttribute } from '../private/contracts/sagemaker-job';
import { DeployTimeJobKind, JOB_NAME_BUDGETS, jobNameArnPattern, startDeployTimeJob } from '../private/deploy-time-job';

/** Properties of a HyperparameterTuningJob. */
export interface HyperparameterTuningJobProps extends DeployTimeJobOptions {
  /** What to tune. */
  readonly spec: HyperparameterTuningSpec;
}

/**
 * Runs a hyperparameter tuning job when the stack deploys, like `TrainingJob`: hashed name (at most
 * 32 characters, decided at deploy time; `-r<N>` after a stopped or failed job), the deployment waits (at most 50 minutes, inside CloudFormation's hour for a custom resource: set the spec's `maxRuntime`), fails with SageMaker's reason,
 * and a stack delete stops it. Exposes the best training job and its model artifact.
 */
export class HyperparameterTuningJob extends Construct implements iam.IGrantable {
  /**
   * The name of the tuning job that ran (at most 32 characters, decided at deploy time).
   * @attribute
   */
  public readonly tuningJobName: string;
  /**
   * The tuning job's ARN.
   * @attribute
   */
  public readonly tuningJobArn: string;
  /**
   * The name of the best training job.
   * @attribute
   */
  public readonly bestTrainingJobName: string;
  /**
   * The S3 URI of the best training job's model artifact.
   * @attribute
   */
  public readonly bestModelDataUri: string;
  /**
   * The best objective metric value, as a string.
   * @attribute
   */
  public readonly bestObjectiveValue: string;
  /** The role the trials run as. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;

  constructor(scope: Construct, id: string, props: HyperparameterTuningJobProps) {
    super(scope, id);
    const job = startDeployTimeJob(this, TUNING_JOB, props.spec, props);
    this.role = job.role;
    this.grantPrincipal = job.grantPrincipal;
    // The best trial's model artifact is read from its training job, named `<tuning job name>-<NNN>-<id>`.
    job.handlerGrants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeTrainingJob'],
      resources: [jobNameArnPattern(this, 'training-job', job.nameBase)],
    }));
    const resource = job.resource;
    this.tuningJobName = resource.getAttString('HyperParameterTuningJobName' satisfies TuningJobAttribute);
    this.tuningJobArn = resource.getAttString('HyperParameterTuningJobArn' satisfies TuningJobAttribute);
    this.bestTrainingJobName = resource.getAttString('BestTrainingJobName' satisfies TuningJobAttribute);
    this.bestModelDataUri = resource.getAttString('BestModelDataUri' satisfies TuningJobAttribute);
    this.bestObjectiveValue = resource.getAttString('BestObjectiveValue' satisfies TuningJobAttribute);
  }
}

const TUNING_JOB: DeployTimeJobKind = {
  specName: 'tuning spec',
  constructName: 'HyperparameterTuningJob',
  pipelineStep: 'TuningStep',
  arnResource: 'hyper-parameter-tuning-job',
  resourceType: TUNING_JOB_RESOURCE_TYPE,
  actions: ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:AddTags'],
  nameBudget: JOB_NAME_BUDGETS.tuning,
  roleDescription: (path) => `Runs the tuning job ${path}`,
};
