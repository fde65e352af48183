import { Duration, Lazy, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as appscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnEndpoint, CfnEndpointConfig, CfnInferenceComponent } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { KMS_RULE_IDS } from './endpoint';
import { IModel, Model } from './model';
import { compiledTargetProblem, contentHash } from './private/hosting-util';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { hasLocalStorage } from '../core/private/instance-families';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { grantJobBasics } from '../private/job-render';
import { createManagedKey } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { checkName, integer, seconds } from '../private/rules';
import { LeastPrivilegeRole } from '../private/role';

/** How requests are routed among the instances of an inference-component endpoint. */
export enum RoutingStrategy {
  /** To the instance with the fewest outstanding requests. */
  LEAST_OUTSTANDING_REQUESTS = 'LEAST_OUTSTANDING_REQUESTS',
  /** To a random instance. */
  RANDOM = 'RANDOM',
}

/** The compute one copy of a model takes on an instance. */
export interface InferenceComponentCompute {
  /** Memory a copy needs, in MB (at least 128). */
  readonly minMemoryMb: number;
  /**
   * Memory a copy may use, in MB.
   * @default - no limit beyond the instance's
   */
  readonly maxMemoryMb?: number;
  /**
   * CPU cores a copy needs (0.25 or more).
   * @default - none reserved
   */
  readonly cpuCores?: number;
  /**
   * Accelerators (GPUs, Inferentia cores) a copy needs.
   * @default - none
   */
  readonly acceleratorDevices?: number;
}

/** A model on an inference-component endpoint. */
export interface InferenceComponentOptions {
  /** The component's name in the construct tree (a literal; the deployed name is generated). */
  readonly componentId: string;
  /** The model (its containers, images and data). */
  readonly model: IModel;
  /** What one copy takes. */
  readonly compute: InferenceComponentCompute;
  /**
   * Copies at deployment: 0 deploys the model without capacity (with `scaleToZero`).
   * @default 1
   */
  readonly copies?: number;
  /**
   * How long a copy's container may take to pass its health check (60-3600 seconds).
   * @default - SageMaker's default
   */
  readonly containerStartupTimeout?: Duration;
  /**
   * How long downloading the model data may take (60-3600 seconds).
   * @default - SageMaker's default
   */
  readonly modelDataDownloadTimeout?: Duration;
}

/** Properties of an InferenceComponentEndpoint. */
export interface InferenceComponentEndpointProps {
  /**
   * The endpoint's name.
   * @default - generated
   */
  readonly endpointName?: string;
  /** The instance type every model shares. */
  readonly instanceType: InstanceType;
  /**
   * Instances at deployment.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * SageMaker adds and removes instances as the components' copies need them (required for scale
   * to zero, with `minInstanceCount` 0).
   * @default - a fixed instance count
   */
  readonly managedInstanceScaling?: InferenceComponentInstanceScaling;
  /**
   * Request routing among instances.
   * @default RoutingStrategy.LEAST_OUTSTANDING_REQUESTS
   */
  readonly routing?: RoutingStrategy;
  /**
   * Storage per instance, in GB (1-512), for instance types with EBS volumes.
   * @default - SageMaker's default
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key of the storage volumes.
   * @default - a new key (retained), unless the instance type has only local NVMe storage
   */
  readonly encryptionKey?: kms.IKey;
  /** The models. More can be added with `addComponent`. */
  readonly components?: InferenceComponentOptions[];
}

/** Managed instance scaling of an inference-component endpoint. */
export interface InferenceComponentInstanceScaling {
  /** The fewest instances (0 scales to zero when no copy runs). */
  readonly minInstanceCount: number;
  /** The most instances. */
  readonly maxInstanceCount: number;
}

/** Options of a component's copy autoscaling. */
export interface InferenceComponentScalingOptions {
  /** The fewest copies (0 with the endpoint's managed instance scaling down to 0: scale to zero). */
  readonly minCopies: number;
  /** The most copies. */
  readonly maxCopies: number;
  /** Invocations per copy per minute that target tracking keeps. */
  readonly targetInvocationsPerCopy: number;
  /**
   * With `minCopies` 0: how long without traffic before the last copy goes.
   * @default Duration.minutes(15)
   */
  readonly scaleInCooldown?: Duration;
}

const VARIANT = 'AllTraffic';

/**
 * A real-time endpoint that hosts several models as inference components, each with its own
 * compute and copies on shared instances, scaled one by one (down to zero copies, with the
 * endpoint's managed instance scaling down to zero instances). The endpoint's role loads the models'
 * images and data; a KMS key encrypts the volumes; the endpoint configuration is replace-only and
 * named by its content.
 */
export class InferenceComponentEndpoint extends Resource {
  /** @attribute */
  public readonly endpointName: string;
  /** @attribute */
  public readonly endpointArn: string;
  /** The role SageMaker loads the components' models with. */
  public readonly role: iam.IRole;
  /** The key of the volumes, if the instance type takes one. */
  public readonly encryptionKey?: kms.IKey;
  /** The components, by id. */
  public readonly components: { [id: string]: InferenceComponent } = {};
  /** @internal */
  public readonly _roleGrantee: LeastPrivilegeRole;
  /** @internal */
  public readonly _resource: CfnEndpoint;
  /** @internal Whether managed instance scaling goes down to 0 instances. */
  public readonly _scalesToZero: boolean;
  /** @internal The instance type the components share. */
  public readonly _instanceType: string;

  constructor(scope: Construct, id: string, props: InferenceComponentEndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    this._instanceType = props.instanceType.name;
    const problems = new ProblemList();
    const name = props.endpointName ?? generatePhysicalName(this);
    checkName(problems, 'endpointName', name);
    problems.addIf(props.instanceType._problem('instanceType', InstanceUse.HOSTING));
    integer(problems, 'initialInstanceCount', props.initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
    integer(problems, 'volumeSizeGb', props.volumeSizeGb, 1, 512);
    const local = !Token.isUnresolved(props.instanceType.name) && hasLocalStorage(props.instanceType.name);
    if (local && props.volumeSizeGb !== undefined) problems.add(`volumeSizeGb was given for ${props.instanceType.name}, which has local NVMe storage only: remove it`);
    if (local && props.encryptionKey) problems.add(`encryptionKey was given for ${props.instanceType.name}, whose local NVMe storage the hardware encrypts: SageMaker refuses KmsKeyId for it; remove encryptionKey`);
    const mis = props.managedInstanceScaling;
    if (mis) {
      integer(problems, 'managedInstanceScaling.minInstanceCount', mis.minInstanceCount, 0, Number.MAX_SAFE_INTEGER);
      integer(problems, 'managedInstanceScaling.maxInstanceCount', mis.maxInstanceCount, 1, Number.MAX_SAFE_INTEGER);
      if (!Token.isUnresolved(mis.minInstanceCount) && !Token.isUnresolved(mis.maxInstanceCount) && mis.minInstanceCount > mis.maxInstanceCount) {
        problems.add(`managedInstanceScaling.minInstanceCount ${mis.minInstanceCount} is above maxInstanceCount ${mis.maxInstanceCount}`);
      }
    }
    problems.throwIfAny(this, 'InferenceComponentEndpoint props');
    this._scalesToZero = mis?.minInstanceCount === 0;

    this.endpointName = name;
    const arnName = Token.isUnresolved(name) ? name : name.toLowerCase();
    this.endpointArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: arnName });
    this._roleGrantee = new LeastPrivilegeRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Loads the models of the inference components of ${this.node.path}`,
    });
    this.role = this._roleGrantee.role;
    grantJobBasics(this, this._roleGrantee, '/aws/sagemaker/InferenceComponents');
    grantJobBasics(this, this._roleGrantee, '/aws/sagemaker/Endpoints');
    this.encryptionKey = props.encryptionKey ?? (local ? undefined : createManagedKey(this, 'Key', {
      description: `Encrypts the storage volumes of the SageMaker endpoint ${this.node.path}`,
      removalPolicy: RemovalPolicy.RETAIN,
    }));
    if (this.encryptionKey) this.encryptionKey.grant(this._roleGrantee, 'kms:CreateGrant', 'kms:DescribeKey');

    const definition = {
      executionRoleArn: this.role.roleArn,
      kmsKeyId: this.encryptionKey?.keyArn,
      productionVariants: [{
        variantName: VARIANT,
        instanceType: props.instanceType.name,
        initialInstanceCount: props.initialInstanceCount ?? 1,
        volumeSizeInGb: props.volumeSizeGb,
        managedInstanceScaling: mis ? { status: 'ENABLED', minInstanceCount: mis.minInstanceCount, maxInstanceCount: mis.maxInstanceCount } : undefined,
        routingConfig: { routingStrategy: props.routing ?? RoutingStrategy.LEAST_OUTSTANDING_REQUESTS },
      }],
    };
    const config: CfnEndpointConfig = new CfnEndpointConfig(this, 'EndpointConfig', {
      ...definition,
      endpointConfigName: Lazy.string({ produce: (): string => `${generatePhysicalName(config, { maxLength: 52 })}-${contentHash(config, definition)}` }),
    });
    if (!this.encryptionKey) {
      const reason = `Instance type ${props.instanceType.name} only has local NVMe storage, which the instance hardware encrypts; SageMaker refuses KmsKeyId for it.`;
      Validations.of(config).acknowledge(...KMS_RULE_IDS.map((ruleId) => ({ id: ruleId, reason })));
    }
    config.node.addDependency(this._roleGrantee);
    this._resource = new CfnEndpoint(this, 'Resource', { endpointName: name, endpointConfigName: config.attrEndpointConfigName });
    for (const c of props.components ?? []) this.addComponent(c);
  }

  /** Adds a model to the endpoint, with its compute and copies. */
  public addComponent(options: InferenceComponentOptions): InferenceComponent {
    if (this.components[options.componentId]) throw new SageMakerConstructError(this, `component ${describeValue(options.componentId)} was added twice: component ids are unique within the endpoint`);
    return new InferenceComponent(this, options.componentId, { ...options, endpoint: this });
  }

  /** @internal */
  public _register(id: string, component: InferenceComponent): void {
    if (this.components[id] && this.components[id] !== component) throw new SageMakerConstructError(this, `component ${describeValue(id)} was added twice: component ids are unique within the endpoint`);
    (this.components as Record<string, InferenceComponent>)[id] = component;
  }

  /** Lets `grantee` invoke the endpoint's components (`InvokeEndpoint` with an `InferenceComponentName`). */
  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointWithResponseStream'], resourceArns: [this.endpointArn] });
  }
}

/** Properties of an InferenceComponent: a model on an endpoint (`endpoint.addComponent` makes them). */
export interface InferenceComponentProps extends InferenceComponentOptions {
  /** The endpoint the model goes on. */
  readonly endpoint: InferenceComponentEndpoint;
}

/** One model on an InferenceComponentEndpoint (`endpoint.addComponent`). */
export class InferenceComponent extends Construct {
  /**
   * The component's name, to pass as `InferenceComponentName` to InvokeEndpoint.
   * @attribute
   */
  public readonly inferenceComponentName: string;
  private readonly scalesToZero: boolean;
  private readonly copies: number;

  constructor(scope: Construct, id: string, props: InferenceComponentProps) {
    super(scope, id);
    const endpoint = props.endpoint;
    const problems = new ProblemList();
    const c = props.compute;
    integer(problems, 'compute.minMemoryMb', c.minMemoryMb, 128, Number.MAX_SAFE_INTEGER);
    integer(problems, 'compute.maxMemoryMb', c.maxMemoryMb, 128, Number.MAX_SAFE_INTEGER);
    integer(problems, 'compute.acceleratorDevices', c.acceleratorDevices, 1, Number.MAX_SAFE_INTEGER);
    if (c.cpuCores !== undefined && !Token.isUnresolved(c.cpuCores) && !(c.cpuCores >= 0.25)) problems.add(`invalid compute.cpuCores ${describeValue(c.cpuCores)}: use 0.25 or more`);
    if (c.maxMemoryMb !== undefined && !Token.isUnresolved(c.maxMemoryMb) && !Token.isUnresolved(c.minMemoryMb) && c.maxMemoryMb < c.minMemoryMb) {
      problems.add(`compute.maxMemoryMb ${c.maxMemoryMb} is below minMemoryMb ${c.minMemoryMb}`);
    }
    this.copies = props.copies ?? 1;
    integer(problems, 'copies', this.copies, 0, Number.MAX_SAFE_INTEGER);
    if (this.copies === 0 && !endpoint._scalesToZero) {
      problems.add('copies 0 needs the endpoint\'s managedInstanceScaling with minInstanceCount 0 (scale to zero): otherwise the instances idle with no copy');
    }
    problems.addIf(compiledTargetProblem(props.model, endpoint._instanceType, `the endpoint's instanceType (model ${props.model.node.path})`));
    const startup = seconds(problems, 'containerStartupTimeout', props.containerStartupTimeout, 60, 3600);
    const download = seconds(problems, 'modelDataDownloadTimeout', props.modelDataDownloadTimeout, 60, 3600);
    problems.throwIfAny(this, `inference component ${describeValue(id)}`);
    this.scalesToZero = endpoint._scalesToZero;

    const name = generatePhysicalName(this);
    const resource = new CfnInferenceComponent(this, 'Resource', {
      inferenceComponentName: name,
      endpointName: props.endpoint.endpointName,
      variantName: VARIANT,
      runtimeConfig: { copyCount: this.copies },
      specification: {
        modelName: props.model.modelName,
        computeResourceRequirements: {
          minMemoryRequiredInMb: c.minMemoryMb,
          maxMemoryRequiredInMb: c.maxMemoryMb,
          numberOfCpuCoresRequired: c.cpuCores,
          numberOfAcceleratorDevicesRequired: c.acceleratorDevices,
        },
        startupParameters: startup !== undefined || download !== undefined
          ? { containerStartupHealthCheckTimeoutInSeconds: startup, modelDataDownloadTimeoutInSeconds: download }
          : undefined,
      },
    });
    resource.node.addDependency(endpoint._resource, props.model);
    this.inferenceComponentName = name;
    if (props.model instanceof Model) props.model._grantArtifactsTo(endpoint._roleGrantee);
    endpoint._register(id, this);
  }

  /**
   * Scales the component's copies on invocations per copy; with `minCopies` 0, the last copy goes
   * after `scaleInCooldown` without traffic, and a request that finds no copy
   * (`NoCapacityInvocationFailures`) adds one.
   */
  public autoScaleCopies(options: InferenceComponentScalingOptions): appscaling.ScalableTarget {
    const problems = new ProblemList();
    integer(problems, 'minCopies', options.minCopies, 0, Number.MAX_SAFE_INTEGER);
    integer(problems, 'maxCopies', options.maxCopies, 1, Number.MAX_SAFE_INTEGER);
    if (!Token.isUnresolved(options.minCopies) && !Token.isUnresolved(options.maxCopies) && options.minCopies > options.maxCopies) problems.add(`minCopies ${options.minCopies} is above maxCopies ${options.maxCopies}`);
    if (options.minCopies === 0 && !this.scalesToZero) problems.add('minCopies 0 needs the endpoint\'s managedInstanceScaling with minInstanceCount 0 (scale to zero)');
    if (!(options.targetInvocationsPerCopy > 0)) problems.add(`invalid targetInvocationsPerCopy ${describeValue(options.targetInvocationsPerCopy)}: use a number above 0`);
    problems.throwIfAny(this, 'autoScaleCopies');
    const target = new appscaling.ScalableTarget(this, 'Copies', {
      serviceNamespace: appscaling.ServiceNamespace.SAGEMAKER,
      resourceId: `inference-component/${this.inferenceComponentName}`,
      scalableDimension: 'sagemaker:inference-component:DesiredCopyCount',
      minCapacity: options.minCopies,
      maxCapacity: options.maxCopies,
    });
    target.scaleToTrackMetric('InvocationsPerCopy', {
      predefinedMetric: appscaling.PredefinedMetric.SAGEMAKER_INFERENCE_COMPONENT_INVOCATIONS_PER_COPY,
      targetValue: options.targetInvocationsPerCopy,
      scaleInCooldown: options.scaleInCooldown ?? (options.minCopies === 0 ? Duration.minutes(15) : undefined),
    });
    if (options.minCopies === 0) {
      target.scaleOnMetric('FromZero', {
        metric: new cloudwatch.Metric({
          namespace: 'AWS/SageMaker',
          metricName: 'NoCapacityInvocationFailures',
          dimensionsMap: { InferenceComponentName: this.inferenceComponentName },
          statistic: cloudwatch.Stats.MAXIMUM,
          period: Duration.minutes(1),
        }),
        scalingSteps: [{ upper: 0, change: 0 }, { lower: 1, change: 1 }],
        adjustmentType: appscaling.AdjustmentType.CHANGE_IN_CAPACITY,
        cooldown: Duration.minutes(1),
        evaluationPeriods: 1,
      });
    }
    return target;
  }

  /** A metric of the component (AWS/SageMaker, by InferenceComponentName), e.g. 'Invocations', 'ModelLatency'. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: 'AWS/SageMaker', metricName, dimensionsMap: { InferenceComponentName: this.inferenceComponentName }, ...props });
  }
}
