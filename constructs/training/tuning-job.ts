import { CustomResource, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { DeployTimeJobOptions } from './training-job';
import { HyperparameterTuningSpec } from './tuning-spec';
import { DEPLOY_TIME_JOB_MAX_SECONDS, grantJobControl, JOB_NAME_BUDGETS, jobNameArnPattern, jobNameBase, jobRole } from '../private/deploy-time-job';
import { SageMakerConstructError } from '../private/errors';
import { HandlerProvider } from '../private/provider';
import { LeastPrivilegeRole } from '../private/role';

/** Properties of a HyperparameterTuningJob. */
export interface HyperparameterTuningJobProps extends DeployTimeJobOptions {
  /** What to tune. */
  readonly spec: HyperparameterTuningSpec;
}

/**
 * Runs a hyperparameter tuning job when the stack deploys, like `TrainingJob`: hashed name (at most
 * 32 characters, decided at deploy time; `-r<N>` after a stopped or failed job), the deployment waits (at most 110 minutes: set the spec's `maxRuntime`), fails with SageMaker's reason,
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
    if (props.spec.maxWaitSeconds > DEPLOY_TIME_JOB_MAX_SECONDS) {
      throw new SageMakerConstructError(this, `the tuning spec may run ${props.spec.maxWaitSeconds} s, but a deploy-time HyperparameterTuningJob waits at most ${DEPLOY_TIME_JOB_MAX_SECONDS} s (110 minutes): set the spec's maxRuntime to 110 minutes or less, or run it as a pipeline TuningStep`);
    }
    const { role, grantee } = jobRole(this, props.role, `Runs the tuning job ${this.node.path}`);
    this.role = role;
    this.grantPrincipal = grantee.grantPrincipal;
    props.spec.grantTo(this, grantee);
    // The request goes without a name: the handler names the job from the resolved values.
    const request = props.spec.render(this, { role });
    const nameBase = jobNameBase(this, request, { prefix: props.jobNamePrefix, runId: props.runId, ...JOB_NAME_BUDGETS.tuning });

    const provider = HandlerProvider.of(this);
    grantJobControl(this, provider, 'hyper-parameter-tuning-job', nameBase,
      ['sagemaker:CreateHyperParameterTuningJob', 'sagemaker:DescribeHyperParameterTuningJob', 'sagemaker:StopHyperParameterTuningJob', 'sagemaker:AddTags'], role);
    // The best trial's model artifact is read from its training job, named `<tuning job name>-<NNN>-<id>`.
    provider.addToRolePolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeTrainingJob'],
      resources: [jobNameArnPattern(this, 'training-job', nameBase)],
    }));
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::SageMakerTuningJob',
      properties: { NameBase: nameBase, Request: Stack.of(this).toJsonString(request) },
    });
    // A role of yours: depend on every policy in its tree (an iam.Role's DefaultPolicy, an imported
    // role's attached Policy...), not only a child named 'DefaultPolicy'.
    resource.node.addDependency(grantee instanceof LeastPrivilegeRole ? grantee : role);
    this.tuningJobName = resource.getAttString('HyperParameterTuningJobName');
    this.tuningJobArn = resource.getAttString('HyperParameterTuningJobArn');
    this.bestTrainingJobName = resource.getAttString('BestTrainingJobName');
    this.bestModelDataUri = resource.getAttString('BestModelDataUri');
    this.bestObjectiveValue = resource.getAttString('BestObjectiveValue');
  }
}
