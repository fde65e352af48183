import { Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { stepProperty } from './expressions';
import { allowJobs, StepBody } from './private/step-render';
import { RenderContext, Step, StepOptions } from './step';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { describeValue } from '../private/errors';
import { prune } from '../private/job-render';
import { checkName, integer } from '../private/rules';

/** A production variant of an endpoint configuration a pipeline creates. */
export interface PipelineEndpointVariant {
  /** The variant's name (1-63 letters, digits or hyphens). */
  readonly variantName: string;
  /** The model, e.g. `modelStep.modelName`. */
  readonly modelName: string;
  /** The instance type. */
  readonly instanceType: InstanceType;
  /**
   * Instances at creation.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * The variant's share of the traffic, relative to the others.
   * @default 1
   */
  readonly initialWeight?: number;
}

/** Properties of an EndpointConfigStep. */
export interface EndpointConfigStepProps extends StepOptions {
  /** The production variants (1-10). */
  readonly variants: PipelineEndpointVariant[];
  /**
   * KMS key of the instances' storage volumes (the pipeline's role may create grants on it).
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
  /**
   * The configuration's name (1-63 letters, digits or hyphens; may be a pipeline expression).
   * @default - the service generates one
   */
  readonly endpointConfigName?: string;
}

/**
 * Creates an endpoint configuration (`Type: EndpointConfig`, a CreateEndpointConfig request): the
 * step type SageMaker Studio's pipeline designer writes to deploy from a pipeline. The SageMaker
 * Python SDK has no such step; its arguments follow the API, as the pipeline schema does.
 */
export class EndpointConfigStep extends Step {
  public readonly type = 'EndpointConfig';
  constructor(name: string, private readonly props: EndpointConfigStepProps) {
    super(name, props);
  }

  /** The created configuration's name. */
  public get endpointConfigName(): string {
    return stepProperty(this, 'EndpointConfigName').asString;
  }

  /** The created configuration's ARN. */
  public get endpointConfigArn(): string {
    return stepProperty(this, 'EndpointConfigArn').asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    const at = `of step '${this.name}'`;
    if (p.variants.length < 1 || p.variants.length > 10) ctx.problems.add(`variants ${at} has ${p.variants.length} entries: an endpoint configuration takes 1 to 10`);
    const names = new Set<string>();
    p.variants.forEach((v, i) => {
      checkName(ctx.problems, `variants[${i}].variantName ${at}`, v.variantName);
      if (!Token.isUnresolved(v.variantName) && names.has(v.variantName)) ctx.problems.add(`variants[${i}].variantName ${at} ${describeValue(v.variantName)} is used twice`);
      names.add(v.variantName);
      ctx.problems.addIf(v.instanceType._problem(`variants[${i}].instanceType ${at}`, InstanceUse.HOSTING));
      integer(ctx.problems, `variants[${i}].initialInstanceCount ${at}`, v.initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
      if (v.initialWeight !== undefined && !(v.initialWeight >= 0)) ctx.problems.add(`invalid variants[${i}].initialWeight ${at} ${describeValue(v.initialWeight)}: use a number, 0 or more`);
    });
    if (p.endpointConfigName !== undefined && !Token.isUnresolved(p.endpointConfigName)) checkName(ctx.problems, `endpointConfigName ${at}`, p.endpointConfigName);
    allowJobs(ctx, 'endpoint-config', ['sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpointConfig']);
    if (p.volumeKey) p.volumeKey.grant(ctx.pipelineGrantee, 'kms:CreateGrant', 'kms:DescribeKey');
    return {
      Arguments: prune({
        EndpointConfigName: p.endpointConfigName,
        ProductionVariants: p.variants.map((v) => ({
          VariantName: v.variantName,
          ModelName: v.modelName,
          InstanceType: v.instanceType.name,
          InitialInstanceCount: v.initialInstanceCount ?? 1,
          InitialVariantWeight: v.initialWeight ?? 1,
        })),
        KmsKeyId: p.volumeKey?.keyArn,
      }),
    };
  }
}

/** Properties of an EndpointStep. */
export interface EndpointStepProps extends StepOptions {
  /** The configuration, e.g. `endpointConfigStep.endpointConfigName`. */
  readonly endpointConfigName: string;
  /**
   * The endpoint's name (1-63 letters, digits or hyphens; may be a pipeline expression).
   * @default - the service generates one
   */
  readonly endpointName?: string;
}

/**
 * Creates an endpoint from a configuration (`Type: Endpoint`, a CreateEndpoint request), the
 * deployment step of SageMaker Studio's pipeline designer; the step completes when the endpoint is
 * in service. A second execution with the same endpoint name fails (the endpoint exists): give a
 * name from the execution (`ExecutionVariable.PIPELINE_EXECUTION_ID`) or deploy with a LambdaStep
 * that updates it.
 */
export class EndpointStep extends Step {
  public readonly type = 'Endpoint';
  constructor(name: string, private readonly props: EndpointStepProps) {
    super(name, props);
  }

  /** The created endpoint's name. */
  public get endpointName(): string {
    return stepProperty(this, 'EndpointName').asString;
  }

  /** The created endpoint's ARN. */
  public get endpointArn(): string {
    return stepProperty(this, 'EndpointArn').asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    const p = this.props;
    if (p.endpointName !== undefined && !Token.isUnresolved(p.endpointName)) checkName(ctx.problems, `endpointName of step '${this.name}'`, p.endpointName);
    allowJobs(ctx, 'endpoint', ['sagemaker:CreateEndpoint', 'sagemaker:DescribeEndpoint']);
    allowJobs(ctx, 'endpoint-config', ['sagemaker:DescribeEndpointConfig']);
    return { Arguments: prune({ EndpointConfigName: p.endpointConfigName, EndpointName: p.endpointName }) };
  }
}
