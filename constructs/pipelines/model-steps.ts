// Model steps: create a model, register a model package version.
import { Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { ENVIRONMENT_RULES, stringMap } from '../private/rules';
import { modelDataUrlProblem } from '../hosting/model-data';
import { IModelRegistry } from '../registry/model-registry';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { S3Location } from '../core/s3-location';
import { RenderContext, Step, StepOptions } from './step';
import { allowJobs, jobRoleOf, passRole, StepBody } from './private/step-render';

/** Properties of a ModelStep. */
export interface ModelStepProps extends StepOptions {
  /** The inference image. */
  readonly image: ContainerImage;
  /** The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts`. */
  readonly modelData: string;
  /**
   * Environment of the container.
   * @default - none
   */
  readonly environment?: { [name: string]: string };
  /**
   * The model's execution role.
   * @default - the pipeline's job role
   */
  readonly role?: iam.IRole;
}

/** Creates a SageMaker model (for a transform step or later deployment). */
export class ModelStep extends Step {
  public readonly type = 'Model';
  constructor(name: string, private readonly props: ModelStepProps) {
    super(name, props);
  }

  /** The created model's name. */
  public get modelName(): string {
    return stepProperty(this, 'ModelName').asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const { role, grantee } = jobRoleOf(this._options, ctx);
    passRole(ctx, role);
    allowJobs(ctx, 'model', ['sagemaker:CreateModel', 'sagemaker:DescribeModel']);
    const dataProblem = modelDataUrlProblem(this.props.modelData, `modelData of step '${this.name}'`);
    if (dataProblem) ctx.problems.add(dataProblem);
    stringMap(ctx.problems, `environment of step '${this.name}'`, this.props.environment, ENVIRONMENT_RULES.model);
    S3Location.fromUri(this.props.modelData).grantRead(grantee);
    return {
      Arguments: prune({
        ExecutionRoleArn: role.roleArn,
        PrimaryContainer: { Image: this.props.image.bind(ctx.scope, grantee).imageUri, ModelDataUrl: this.props.modelData, Environment: this.props.environment },
      }),
    };
  }
}

/** Model quality metrics attached to a registered version. */
export interface ModelMetricsOptions {
  /** S3 URI of a statistics JSON (e.g. the evaluation report). */
  readonly statisticsUri: string;
  /**
   * Its content type.
   * @default 'application/json'
   */
  readonly contentType?: string;
}

/** Properties of a RegisterModelStep. */
export interface RegisterModelStepProps extends StepOptions {
  /** The registry (model package group) to register into. */
  readonly registry: IModelRegistry;
  /** The inference image. */
  readonly image: ContainerImage;
  /** The model artifact's S3 URI, e.g. `trainingStep.modelArtifacts`. */
  readonly modelData: string;
  /**
   * The approval status of the new version: a `ModelApprovalStatus` value or a parameter's `.value`.
   * @default 'PendingManualApproval'
   */
  readonly approvalStatus?: string;
  /** MIME types the model accepts. */
  readonly contentTypes: string[];
  /** MIME types the model returns. */
  readonly responseTypes: string[];
  /** Instance types for real-time inference. */
  readonly inferenceInstanceTypes: InstanceType[];
  /**
   * Instance types for batch transform.
   * @default - same as inferenceInstanceTypes
   */
  readonly transformInstanceTypes?: InstanceType[];
  /**
   * Model quality metrics (e.g. from an evaluation step's output).
   * @default - none
   */
  readonly modelMetrics?: ModelMetricsOptions;
  /**
   * Description of the version.
   * @default - none
   */
  readonly modelPackageDescription?: string;
  /**
   * Custom metadata.
   * @default - none
   */
  readonly customerMetadata?: { [key: string]: string };
}

/** Registers a model version in a ModelRegistry. */
export class RegisterModelStep extends Step {
  public readonly type = 'RegisterModel';
  constructor(name: string, private readonly props: RegisterModelStepProps) {
    super(name, props);
  }

  /** The ARN of the registered version. */
  public get modelPackageArn(): string {
    return stepProperty(this, 'ModelPackageArn').asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    p.registry.grantRegister(ctx.pipelineGrantee);
    for (const t of p.inferenceInstanceTypes) ctx.problems.addIf(t._problem(`inference instance type of step '${this.name}'`, InstanceUse.HOSTING));
    for (const t of p.transformInstanceTypes ?? []) ctx.problems.addIf(t._problem(`transform instance type of step '${this.name}'`, InstanceUse.TRANSFORM));
    if (p.contentTypes.length === 0 || p.responseTypes.length === 0) ctx.problems.add(`step '${this.name}' needs at least one content type and one response type`);
    const transformTypes = p.transformInstanceTypes ?? p.inferenceInstanceTypes.filter((t) => {
      return t._problem('', InstanceUse.TRANSFORM) === undefined;
    });
    const dataProblem = modelDataUrlProblem(p.modelData, `modelData of step '${this.name}'`);
    if (dataProblem) ctx.problems.add(dataProblem);
    if (p.modelMetrics) S3Location.fromUri(p.modelMetrics.statisticsUri).grantRead(ctx.pipelineGrantee);
    return {
      Arguments: prune({
        ModelPackageGroupName: p.registry.modelPackageGroupName,
        ModelPackageDescription: p.modelPackageDescription,
        ModelApprovalStatus: checkApproval(ctx, this.name, p.approvalStatus ?? 'PendingManualApproval'),
        InferenceSpecification: {
          Containers: [{ Image: p.image.bind(ctx.scope).imageUri, ModelDataUrl: p.modelData }],
          SupportedContentTypes: p.contentTypes,
          SupportedResponseMIMETypes: p.responseTypes,
          SupportedRealtimeInferenceInstanceTypes: p.inferenceInstanceTypes.map((t) => t.name),
          SupportedTransformInstanceTypes: transformTypes.length ? transformTypes.map((t) => t.name) : undefined,
        },
        ModelMetrics: p.modelMetrics ? { ModelQuality: { Statistics: { ContentType: p.modelMetrics.contentType ?? 'application/json', S3Uri: p.modelMetrics.statisticsUri } } } : undefined,
        CustomerMetadataProperties: p.customerMetadata,
      }),
    };
  }
}

const APPROVAL_STATUSES = ['Approved', 'Rejected', 'PendingManualApproval'];

/** A literal approval status must be one SageMaker knows; a parameter's value is checked at run time. */
function checkApproval(ctx: RenderContext, step: string, status: string): string {
  if (!Token.isUnresolved(status) && !APPROVAL_STATUSES.includes(status)) {
    ctx.problems.add(`step '${step}' has approvalStatus '${status}': use one of ${APPROVAL_STATUSES.join(', ')} (or a parameter's value)`);
  }
  return status;
}
