import { Annotations, ArnFormat, Duration, Lazy, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { AsyncInferenceOptions } from './async-inference';
import { DataCaptureOptions } from './data-capture';
import { EndpointAlarmOptions } from './endpoint-alarms';
import { EndpointDeployment, TrafficShifting } from './endpoint-deployment';
import { ScalableInstanceCount, ScalableProvisionedConcurrency, VariantScalableTarget, VariantScalingCapacity } from './endpoint-scaling';
import { EndpointVariant } from './endpoint-variant';
import { IModel } from './model';
import { addVariantAlarms, alarmSettings, renderAsyncInference, renderDataCapture, renderVariant } from './private/endpoint-render';
import { contentHash } from './private/hosting-util';
import { hasLocalStorage } from '../core/private/instance-families';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { createManagedKey, grantKeyReadWrite, grantTopicPublish } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { checkArn, checkImport, checkName, integer } from '../private/rules';

/** Options of an endpoint metric. */
export interface EndpointMetricOptions extends cloudwatch.MetricOptions {
  /**
   * The variant whose metric it is (dimension `VariantName`).
   * @default - the endpoint's only production variant (an error if it has several); 'AllTraffic' for imported endpoints
   */
  readonly variantName?: string;
}

/** A SageMaker endpoint: a stable HTTPS entry point for inference. */
export interface IEndpoint extends sagemaker.IEndpoint {
  /**
   * A metric of a variant of this endpoint: namespace `AWS/SageMaker`, or `/aws/sagemaker/Endpoints`
   * for instance metrics (CPUUtilization, MemoryUtilization, GPUUtilization, DiskUtilization...);
   * the asynchronous backlog metrics (ApproximateBacklogSize...) are per endpoint, without
   * `VariantName`. Statistic: Average, period: 5 minutes.
   */
  metric(metricName: string, props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Requests sent to the variant. Statistic: Sum. */
  metricInvocations(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Requests the model answered with a 4xx status. Statistic: Sum. */
  metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Requests the model answered with a 5xx status. Statistic: Sum. */
  metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Time the model took to respond, in microseconds. Statistic: Average. */
  metricModelLatency(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Time SageMaker added on top of the model, in microseconds. Statistic: Average. */
  metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Invocations per instance (what target tracking on invocations uses). Statistic: Sum. */
  metricInvocationsPerInstance(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** CPU utilization of the instances, in percent of one core (so up to 100 × vCPUs). Statistic: Average. */
  metricCpuUtilization(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** Memory utilization of the instances, in percent. Statistic: Average. */
  metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.Metric;
  /** GPU utilization of the instances, in percent of one GPU (so up to 100 × GPUs). Statistic: Average. */
  metricGpuUtilization(props?: EndpointMetricOptions): cloudwatch.Metric;
}

/** Properties of an Endpoint. */
export interface EndpointProps {
  /**
   * The endpoint's name: 1-63 letters, digits or hyphens. It stays the same across updates.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly endpointName?: string;
  /**
   * The production variants (1 to 10): all instance-based, or one serverless variant.
   */
  readonly variants: EndpointVariant[];
  /**
   * Shadow variants: instance-based variants that receive a copy of the production traffic
   * (`initialWeight` sets the share copied) and whose responses are discarded. At most one, with
   * exactly one production variant.
   * @default - no shadow variant
   */
  readonly shadowVariants?: EndpointVariant[];
  /**
   * Serve asynchronous inference (instance-based variants only).
   * @default - real-time inference
   */
  readonly asyncInference?: AsyncInferenceOptions;
  /**
   * Capture requests and responses to S3 (instance-based variants only; SageMaker does not
   * capture data of serverless endpoints).
   * @default - no data capture
   */
  readonly dataCapture?: DataCaptureOptions;
  /**
   * The KMS key that encrypts the instances' storage volumes (instance-based variants only).
   * Instance types with local NVMe storage (c5d, g4dn, g5, p4d...) are encrypted by their hardware
   * and SageMaker refuses a key for them.
   * @default - a new customer-managed key with yearly rotation when every instance type uses EBS
   * volumes; none for serverless endpoints and instance types with local storage
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * What happens to the volume key this construct creates when it leaves the stack. Like every
   * key of the library it is kept by default (a KMS key costs $1 a month); choose DESTROY for
   * throw-away endpoints.
   * @default RemovalPolicy.RETAIN
   */
  readonly encryptionKeyRemovalPolicy?: RemovalPolicy;
  /**
   * How updates roll out: blue/green all at once, canary or linear, with rollback alarms.
   * @default - SageMaker's default: blue/green, all at once, no rollback alarms
   */
  readonly deployment?: EndpointDeployment;
  /**
   * Alarms on 5xx errors and p99 model latency of each production variant.
   * @default - enabled, latency threshold 1 second, error threshold 1, no action
   */
  readonly alarms?: EndpointAlarmOptions;
}

/** Asynchronous inference metrics: per endpoint, without a VariantName dimension. */
const ENDPOINT_METRICS = new Set(['ApproximateBacklogSize', 'ApproximateBacklogSizePerInstance', 'ApproximateAgeOfOldestRequest', 'HasBacklogWithoutCapacity']);

/** Metrics in the `/aws/sagemaker/Endpoints` namespace; every other metric is in `AWS/SageMaker`. */
const INSTANCE_METRICS = new Set(['CPUUtilization', 'MemoryUtilization', 'GPUUtilization', 'GPUMemoryUtilization', 'DiskUtilization', 'CPUReservation', 'MemoryReservation', 'GPUReservation']);

abstract class EndpointBase extends Resource implements IEndpoint {
  public abstract readonly endpointName: string;
  public abstract readonly endpointArn: string;

  public get endpointRef(): sagemaker.EndpointReference {
    return { endpointArn: this.endpointArn };
  }

  public grantInvoke(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: this.invokeActions(), resourceArns: [this.endpointArn] });
  }

  public metric(metricName: string, props: EndpointMetricOptions = {}): cloudwatch.Metric {
    const { variantName, ...options } = props;
    return new cloudwatch.Metric({
      namespace: INSTANCE_METRICS.has(metricName) ? '/aws/sagemaker/Endpoints' : 'AWS/SageMaker',
      metricName,
      dimensionsMap: ENDPOINT_METRICS.has(metricName)
        ? { EndpointName: this.endpointName }
        : { EndpointName: this.endpointName, VariantName: variantName ?? this.defaultVariantName() },
      statistic: cloudwatch.Stats.AVERAGE,
      period: Duration.minutes(5),
      ...options,
    });
  }

  public metricInvocations(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('Invocations', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricInvocation4XXErrors(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('Invocation4XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricInvocation5XXErrors(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('Invocation5XXErrors', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricModelLatency(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('ModelLatency', props);
  }

  public metricOverheadLatency(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('OverheadLatency', props);
  }

  public metricInvocationsPerInstance(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('InvocationsPerInstance', { statistic: cloudwatch.Stats.SUM, ...props });
  }

  public metricCpuUtilization(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('CPUUtilization', props);
  }

  public metricMemoryUtilization(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('MemoryUtilization', props);
  }

  public metricGpuUtilization(props?: EndpointMetricOptions): cloudwatch.Metric {
    return this.metric('GPUUtilization', props);
  }

  protected invokeActions(): string[] {
    return ['sagemaker:InvokeEndpoint'];
  }

  protected defaultVariantName(): string {
    return 'AllTraffic';
  }
}

function endpointArnFor(scope: Construct, name: string): string {
  // SageMaker reports endpoint ARNs in lower case; IAM compares ARNs case-sensitively.
  const resourceName = Token.isUnresolved(name) ? name : name.toLowerCase();
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName });
}

/** The cdk-nag rules asking for a KMS key on an endpoint configuration. */
export const KMS_RULE_IDS = [
  'HIPAA.Security::HIPAA.Security-SageMakerEndpointConfigurationKMSKeyConfigured',
  'NIST.800.53.R5::NIST.800.53.R5-SageMakerEndpointConfigurationKMSKeyConfigured',
  'PCI.DSS.321::PCI.DSS.321-SageMakerEndpointConfigurationKMSKeyConfigured',
];

/**
 * A SageMaker endpoint with its endpoint configuration: real-time (instance-based or serverless)
 * or asynchronous, with optional shadow variants, data capture, deployment guardrails,
 * autoscaling and alarms. Everything is validated at synth.
 *
 * Updates are safe: endpoint configurations are replace-only, so the configuration's name is
 * derived from its rendered content (models included). A change creates a new configuration, the
 * endpoint (whose name never changes) switches to it as a blue/green update, and CloudFormation
 * deletes the old configuration afterwards.
 */
export class Endpoint extends EndpointBase {
  /** Imports an endpoint by name. */
  public static fromEndpointName(scope: Construct, id: string, endpointName: string): IEndpoint {
    checkImport(scope, id, 'Endpoint.fromEndpointName', (p) => checkName(p, 'endpointName', endpointName));
    class Import extends EndpointBase {
      public readonly endpointName = endpointName;
      public readonly endpointArn = endpointArnFor(scope, endpointName);
    }
    return new Import(scope, id);
  }

  /** Imports an endpoint by ARN. */
  public static fromEndpointArn(scope: Construct, id: string, endpointArn: string): IEndpoint {
    checkImport(scope, id, 'Endpoint.fromEndpointArn', (p) => checkArn(p, 'endpointArn', endpointArn, 'endpoint'));
    class Import extends EndpointBase {
      public readonly endpointName = Stack.of(scope).splitArn(endpointArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
      public readonly endpointArn = endpointArn;
    }
    return new Import(scope, id);
  }

  public readonly endpointName: string;
  public readonly endpointArn: string;
  /** The name of the current endpoint configuration (it changes with the configuration's content). */
  public readonly endpointConfigName: string;
  /** The alarms of the production variants (empty when disabled). */
  public readonly alarms: cloudwatch.IAlarm[];
  /** The KMS key of the instances' storage volumes, if any. */
  public readonly encryptionKey?: kms.IKey;
  /** Whether the endpoint serves asynchronous inference. */
  public readonly asyncInference: boolean;
  /** Whether the endpoint is serverless. */
  public readonly serverless: boolean;
  /** Where data capture writes, if it is on (Model Monitor reads from there). */
  public readonly dataCapture?: DataCaptureOptions;

  private readonly variants: EndpointVariant[];
  private readonly shadowVariants: EndpointVariant[];
  private readonly resource: CfnEndpoint;
  private readonly scaling = new Map<string, VariantScalableTarget>();

  constructor(scope: Construct, id: string, props: EndpointProps) {
    super(scope, id, { physicalName: props.endpointName });
    const problems = new ProblemList();
    this.variants = props.variants ?? [];
    this.shadowVariants = props.shadowVariants ?? [];
    const all = [...this.variants, ...this.shadowVariants];

    const name = props.endpointName ?? generatePhysicalName(this);
    checkName(problems, 'endpointName', name);

    // --- variants
    if (this.variants.length < 1 || this.variants.length > 10) {
      problems.add(`variants has ${this.variants.length} entries: an endpoint needs 1 to 10 production variants`);
    }
    const serverlessCount = this.variants.filter((v) => v.serverless).length;
    this.serverless = serverlessCount > 0;
    if (serverlessCount > 0 && serverlessCount < this.variants.length) {
      problems.add(`variants mixes ${serverlessCount} serverless and ${this.variants.length - serverlessCount} instance-based variants: an endpoint is either serverless or instance-based`);
    } else if (serverlessCount > 1) {
      problems.add(`variants has ${serverlessCount} serverless variants: a serverless endpoint has exactly one variant`);
    }
    const names = new Set<string>();
    const productionVariants = this.variants.map((v, i) => renderVariant(problems, v, `variants[${i}]`, false, names));
    const shadowProductionVariants = this.shadowVariants.map((v, i) => renderVariant(problems, v, `shadowVariants[${i}]`, true, names));
    const weights = this.variants.map((v) => v.initialWeight ?? 1);
    if (this.variants.length > 0 && weights.every((w) => typeof w === 'number' && !Token.isUnresolved(w) && w === 0)) {
      problems.add('every production variant has initialWeight 0: at least one variant must take traffic');
    }
    if (this.shadowVariants.length > 0) {
      if (this.shadowVariants.length > 1) problems.add(`shadowVariants has ${this.shadowVariants.length} entries: SageMaker allows one shadow variant`);
      if (this.variants.length !== 1) problems.add(`shadowVariants needs exactly one production variant, got ${this.variants.length}`);
      if (this.serverless) problems.add('shadowVariants was given for a serverless endpoint: shadow variants need instance-based production variants');
    }
    const here = Stack.of(this);
    for (const model of new Set(all.map((v) => v.model).filter((m) => m !== undefined))) {
      // A model of another stack in another region or account would be named by a literal, with no
      // cross-stack reference for CDK to refuse: the endpoint configuration would name a model that
      // does not exist where it is created.
      const env = model.env;
      for (const [what, theirs, ours] of [['region', env?.region, here.region], ['account', env?.account, here.account]] as const) {
        if (theirs !== undefined && !Token.isUnresolved(theirs) && !Token.isUnresolved(ours) && theirs !== ours) {
          problems.add(`the model ${model.node.path} is in ${what} ${theirs}, the endpoint in ${ours}: an endpoint hosts models of its own account and region; create the model in the endpoint's stack`);
        }
      }
    }
    const localStorage = all.filter((v) => v.instanceType && !Token.isUnresolved(v.instanceType.name) && hasLocalStorage(v.instanceType.name)).map((v) => v.instanceType!.name);

    // --- asynchronous inference
    const a = props.asyncInference;
    this.asyncInference = a !== undefined;
    const asyncInferenceConfig = a ? renderAsyncInference(problems, a, { serverless: this.serverless, shadowVariants: this.shadowVariants.length }) : undefined;

    // --- data capture
    const d = props.dataCapture;
    this.dataCapture = d;
    const dataCaptureConfig = d ? renderDataCapture(problems, d, this.serverless) : undefined;

    // --- volume encryption
    if (props.encryptionKey && this.serverless) {
      problems.add('encryptionKey was given for a serverless endpoint: serverless variants have no storage volume to encrypt (SageMaker refuses KmsKeyId); remove it');
    }
    if (props.encryptionKey && localStorage.length) {
      problems.add(`encryptionKey was given, but instance types ${[...new Set(localStorage)].join(', ')} have local NVMe storage that their hardware encrypts: SageMaker refuses KmsKeyId for them; remove encryptionKey or use instance types with EBS volumes`);
    }

    // --- alarms
    const alarms = alarmSettings(problems, props.alarms);
    const deploymentConfig = props.deployment?._render(problems, this.serverless, alarms.enabled ? 2 * this.variants.length : 0, () => this.alarms);
    problems.throwIfAny(this, 'Endpoint props');

    this.endpointName = name;
    this.endpointArn = endpointArnFor(this, name);

    // Volume key: created when SageMaker accepts one; kept by default, like every key.
    if (props.encryptionKey && props.encryptionKeyRemovalPolicy !== undefined) {
      throw new SageMakerConstructError(this, 'encryptionKeyRemovalPolicy was given with encryptionKey: it applies only to the key this construct creates; manage your own key\'s removal policy where you create it');
    }
    const acceptsKey = !this.serverless && localStorage.length === 0;
    this.encryptionKey = props.encryptionKey ?? (acceptsKey
      ? createManagedKey(this, 'Key', { description: `Encrypts the storage volumes of the SageMaker endpoint ${this.node.path}`, removalPolicy: props.encryptionKeyRemovalPolicy ?? RemovalPolicy.RETAIN })
      : undefined);

    const models = [...new Set(all.map((v) => v.model).filter((m) => m !== undefined))];
    this.grantModelWrites(models, d, a);

    // --- the configuration: its name follows its content
    const definition = {
      productionVariants,
      shadowProductionVariants: shadowProductionVariants.length ? shadowProductionVariants : undefined,
      asyncInferenceConfig,
      dataCaptureConfig,
      kmsKeyId: this.encryptionKey?.keyArn,
    };
    const config: CfnEndpointConfig = new CfnEndpointConfig(this, 'EndpointConfig', {
      ...definition,
      endpointConfigName: Lazy.string({ produce: (): string => `${generatePhysicalName(config, { maxLength: 52 })}-${contentHash(config, definition)}` }),
    });
    for (const model of models) config.node.addDependency(model);
    if (!this.encryptionKey) {
      const reason = this.serverless
        ? 'Serverless endpoints have no storage volume to encrypt with a customer key; SageMaker refuses KmsKeyId for serverless variants.'
        : `Instance types ${[...new Set(localStorage)].join(', ')} only have local NVMe storage, which the instance hardware encrypts; SageMaker refuses KmsKeyId for them.`;
      Validations.of(config).acknowledge(...KMS_RULE_IDS.map((ruleId) => ({ id: ruleId, reason })));
    }
    this.endpointConfigName = config.attrEndpointConfigName;

    this.alarms = addVariantAlarms(this, this, this.variants.map((v) => v.variantName), alarms);

    // --- the endpoint
    this.resource = new CfnEndpoint(this, 'Resource', {
      endpointName: name,
      endpointConfigName: config.attrEndpointConfigName,
      deploymentConfig,
    });
    const inf1 = all.filter((v) => v.instanceType?.name.startsWith('ml.inf1.')).map((v) => v.instanceType!.name);
    if (props.deployment && props.deployment.trafficShifting !== TrafficShifting.ALL_AT_ONCE && inf1.length) {
      Annotations.of(this).addWarningV2('sagemaker-lifecycle-constructs:inf1Guardrails', `deployment ${props.deployment.trafficShifting} has no effect with ${[...new Set(inf1)].join(', ')}: SageMaker falls back to blue/green all at once, with no final baking period, for Inf1 instances`);
    }
  }

  /**
   * Scales the instance count of an instance-based variant with Application Auto Scaling. Add
   * policies to the result (`scaleOnInvocationsPerInstance`, `scaleOnMetric`,
   * `scaleOnBacklogSizePerInstance`).
   *
   * `minCapacity` 0 (scale to zero) is only accepted for asynchronous endpoints: SageMaker scales
   * real-time variants to zero only on endpoints that host inference components.
   *
   * SageMaker refuses to remove a registered variant or change its instance type: such an update
   * fails until the variant is deregistered (remove the scaling in one deployment, change the
   * variant in the next).
   *
   * Once a variant scales, updates of the endpoint (a new model, a new config) keep each variant's
   * current instance count (`RetainAllVariantProperties`) instead of restarting at
   * `initialInstanceCount`; weights and data capture still come from the code.
   */
  public autoScaleInstanceCount(variantName: string, capacity: VariantScalingCapacity): ScalableInstanceCount {
    const problems = new ProblemList();
    const variant = this.findVariant(problems, variantName, 'autoScaleInstanceCount');
    if (variant && !variant.instanceType) {
      problems.add(`autoScaleInstanceCount: variant ${describeValue(variantName)} is serverless: scale its provisioned concurrency with autoScaleProvisionedConcurrency`);
    }
    const min = capacity.minCapacity;
    const max = capacity.maxCapacity;
    integer(problems, 'minCapacity', min, 0, Number.MAX_SAFE_INTEGER);
    integer(problems, 'maxCapacity', max, 1, Number.MAX_SAFE_INTEGER);
    if (min === 0 && !this.asyncInference) {
      problems.add(`minCapacity 0 (scale to zero) for variant ${describeValue(variantName)}: SageMaker scales real-time variants to zero only on endpoints that host inference components; use minCapacity 1 or more, or asyncInference (asynchronous endpoints can scale to zero)`);
    }
    checkRange(problems, min, max);
    this.checkNotScaled(problems, variantName);
    problems.throwIfAny(this, `autoScaleInstanceCount(${variantName})`);
    // An update (a new model or config) would otherwise restart the fleet at its initial instance
    // count while scaling is suspended; keep the scaled count, but take weights and data capture from
    // the new config.
    this.resource.retainAllVariantProperties = true;
    this.resource.excludeRetainedVariantProperties = [{ variantPropertyType: 'DesiredWeight' }, { variantPropertyType: 'DataCaptureConfig' }];
    return this.addScaling(new ScalableInstanceCount(this, `${variantName}InstanceScaling`, {
      endpointName: this.endpointName,
      variantName,
      minCapacity: min,
      maxCapacity: max,
      asyncInference: this.asyncInference,
    }));
  }

  /**
   * Scales the provisioned concurrency of a serverless variant (which must have
   * `provisionedConcurrency`) with Application Auto Scaling; add `scaleOnUtilization` or
   * `scaleOnMetric` to the result. The range is 1 to the variant's `maxConcurrency`.
   */
  public autoScaleProvisionedConcurrency(variantName: string, capacity: VariantScalingCapacity): ScalableProvisionedConcurrency {
    const problems = new ProblemList();
    const variant = this.findVariant(problems, variantName, 'autoScaleProvisionedConcurrency');
    const max = capacity.maxCapacity;
    const min = capacity.minCapacity;
    if (variant && !variant.serverless) {
      problems.add(`autoScaleProvisionedConcurrency: variant ${describeValue(variantName)} is instance-based: scale its instances with autoScaleInstanceCount`);
    } else if (variant?.serverless && variant.serverless.provisionedConcurrency === undefined) {
      problems.add(`autoScaleProvisionedConcurrency: variant ${describeValue(variantName)} has no provisionedConcurrency: set serverless.provisionedConcurrency to scale it`);
    }
    const limit = variant?.serverless?.maxConcurrency ?? 200;
    integer(problems, 'minCapacity', min, 1, limit);
    integer(problems, 'maxCapacity', max, 1, limit);
    checkRange(problems, min, max);
    this.checkNotScaled(problems, variantName);
    problems.throwIfAny(this, `autoScaleProvisionedConcurrency(${variantName})`);
    return this.addScaling(new ScalableProvisionedConcurrency(this, `${variantName}ConcurrencyScaling`, {
      endpointName: this.endpointName,
      variantName,
      minCapacity: min,
      maxCapacity: max,
    }));
  }

  protected invokeActions(): string[] {
    return this.asyncInference ? ['sagemaker:InvokeEndpoint', 'sagemaker:InvokeEndpointAsync'] : ['sagemaker:InvokeEndpoint'];
  }

  protected defaultVariantName(): string {
    if (this.variants.length === 1) return this.variants[0].variantName;
    const problems = new ProblemList();
    problems.add(`the endpoint has ${this.variants.length} production variants (${this.variants.map((v) => v.variantName).join(', ')}): pass variantName to choose the metric's variant`);
    problems.throwIfAny(this, 'metric');
    return '';
  }

  /** SageMaker writes captured data, asynchronous responses and their notifications with the models' roles. */
  private grantModelWrites(models: IModel[], d: DataCaptureOptions | undefined, a: AsyncInferenceOptions | undefined): void {
    for (const model of models) {
      if (d) {
        d.location.grantWrite(model);
        grantKeyReadWrite(d.kmsKey, model);
      }
      if (a) {
        a.outputLocation.grantWrite(model);
        a.failureLocation?.grantWrite(model);
        for (const topic of [a.successTopic, a.errorTopic]) {
          if (topic) grantTopicPublish(topic, model);
        }
        grantKeyReadWrite(a.kmsKey, model);
      }
    }
  }

  private addScaling<T extends VariantScalableTarget>(target: T): T {
    // The endpoint (hence the variant) must exist before it is registered.
    target.node.addDependency(this.resource);
    this.scaling.set(target.variantName, target);
    return target;
  }

  private findVariant(problems: ProblemList, variantName: string, method: string): EndpointVariant | undefined {
    const variant = [...this.variants, ...this.shadowVariants].find((v) => v.variantName === variantName);
    if (!variant) {
      problems.add(`${method}: unknown variant ${describeValue(variantName)}: use one of ${[...this.variants, ...this.shadowVariants].map((v) => v.variantName).join(', ')}`);
    }
    return variant;
  }

  private checkNotScaled(problems: ProblemList, variantName: string): void {
    if (this.scaling.has(variantName)) problems.add(`variant ${describeValue(variantName)} is already scaled: call autoScale* once per variant and add several policies to its result`);
  }
}

function checkRange(problems: ProblemList, min: number, max: number): void {
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && typeof min === 'number' && typeof max === 'number' && max < min) {
    problems.add(`maxCapacity ${max} is below minCapacity ${min}: use maxCapacity >= minCapacity`);
  }
}
