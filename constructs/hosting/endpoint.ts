import { Annotations, ArnFormat, Duration, Lazy, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { CfnEndpoint, CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { EndpointDeployment, TrafficShifting } from './endpoint-deployment';
import { ScalableInstanceCount, ScalableProvisionedConcurrency, VariantScalableTarget, VariantScalingCapacity } from './endpoint-scaling';
import { IModel } from './model';
import { contentHash, hasLocalStorage, modelFacts } from './private/hosting-util';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { prune, seconds } from '../private/job-render';
import { createManagedKey, grantKeyReadWrite } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { checkArn, SAGEMAKER_NAME } from '../private/validate';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { S3Location } from '../core/s3-location';

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

/** Memory and concurrency of a serverless variant. */
export interface ServerlessVariantConfig {
  /** Memory per worker in MB: 1024, 2048, 3072, 4096, 5120 or 6144. */
  readonly memorySizeMb: number;
  /** The most concurrent invocations the variant serves: 1 to 200. */
  readonly maxConcurrency: number;
  /**
   * Concurrency kept warm (billed while idle): 1 to `maxConcurrency`.
   * @default - none: every worker starts on demand
   */
  readonly provisionedConcurrency?: number;
}

/** The instance range of a variant that SageMaker scales itself (managed instance scaling). */
export interface ManagedInstanceScalingConfig {
  /** The fewest instances: 1 or more (0 needs inference components, which this construct does not host). */
  readonly minInstanceCount: number;
  /** The most instances: at least `minInstanceCount`. */
  readonly maxInstanceCount: number;
}

/**
 * One variant of an endpoint: a model on instances (`instanceType`) or serverless (`serverless`),
 * exactly one of the two.
 */
export interface EndpointVariant {
  /** The variant's name: 1-63 letters, digits or hyphens, unique within the endpoint. */
  readonly variantName: string;
  /** The model the variant serves. */
  readonly model: IModel;
  /**
   * The instance type of an instance-based variant (checked against SageMaker's hosting types).
   * @default - none: `serverless` must be given
   */
  readonly instanceType?: InstanceType;
  /**
   * Instances to start with (instance-based variants): 1 or more.
   * @default 1
   */
  readonly initialInstanceCount?: number;
  /**
   * The variant's share of the traffic, relative to the other variants' weights (0 or more; for
   * a shadow variant, the share of production traffic copied to it).
   * @default 1
   */
  readonly initialWeight?: number;
  /**
   * The EBS volume per instance, in GB (1-512). Not for instance types with local NVMe storage.
   * @default - SageMaker's default for the instance type
   */
  readonly volumeSizeGb?: number;
  /**
   * How long a container may take to pass its first health check: whole seconds, 60 to 3600.
   * Instance-based variants only.
   * @default - SageMaker's default
   */
  readonly containerStartupTimeout?: Duration;
  /**
   * How long SageMaker may take to download the model data to an instance: whole seconds, 60 to
   * 3600. Instance-based variants only.
   * @default - SageMaker's default
   */
  readonly modelDataDownloadTimeout?: Duration;
  /**
   * Let SageMaker scale the instances within a range. Instance-based variants only.
   * @default - no managed instance scaling
   */
  readonly managedInstanceScaling?: ManagedInstanceScalingConfig;
  /**
   * The serverless configuration of a serverless variant.
   * @default - none: `instanceType` must be given
   */
  readonly serverless?: ServerlessVariantConfig;
}

/** Asynchronous inference: requests are queued, responses written to S3. */
export interface AsyncInferenceOptions {
  /** Where responses are written. The models' roles get write access. */
  readonly outputLocation: S3Location;
  /**
   * Where failed requests' errors are written. The models' roles get write access.
   * @default - errors go to `outputLocation`
   */
  readonly failureLocation?: S3Location;
  /**
   * A topic notified of successful requests. The models' roles may publish to it.
   * @default - no success notification
   */
  readonly successTopic?: sns.ITopic;
  /**
   * A topic notified of failed requests. The models' roles may publish to it.
   * @default - no error notification
   */
  readonly errorTopic?: sns.ITopic;
  /**
   * Concurrent requests SageMaker sends to each instance: 1 to 1000.
   * @default - chosen by SageMaker
   */
  readonly maxConcurrentInvocationsPerInstance?: number;
  /**
   * The KMS key that encrypts the responses in S3. The models' roles may use it.
   * @default - the output bucket's default encryption
   */
  readonly kmsKey?: kms.IKey;
}

/** Data capture: a sample of requests and responses written to S3 (for Model Monitor). */
export interface DataCaptureOptions {
  /**
   * Where captured data is written. SageMaker writes with the execution roles of the models the
   * endpoint hosts, so each model's role gets write access there.
   */
  readonly location: S3Location;
  /**
   * The percentage of requests captured: a whole number from 0 to 100.
   * @default 100
   */
  readonly samplingPercentage?: number;
  /**
   * Capture the requests (input).
   * @default true
   */
  readonly captureRequest?: boolean;
  /**
   * Capture the responses (output).
   * @default true
   */
  readonly captureResponse?: boolean;
  /**
   * The KMS key that encrypts captured data in S3. The models' roles may use it.
   * @default - the bucket's default encryption
   */
  readonly kmsKey?: kms.IKey;
  /**
   * Content types captured as CSV text (at most 10), e.g. 'text/csv'.
   * @default - SageMaker's defaults (other content is base64-encoded)
   */
  readonly csvContentTypes?: string[];
  /**
   * Content types captured as JSON text (at most 10), e.g. 'application/json'.
   * @default - SageMaker's defaults (other content is base64-encoded)
   */
  readonly jsonContentTypes?: string[];
}

/** The alarms an endpoint creates for each production variant. */
export interface EndpointAlarmOptions {
  /**
   * Create the alarms.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * The p99 model latency above which the latency alarm fires (2 of 3 five-minute periods):
   * above 0, at most 1 hour.
   * @default Duration.seconds(1)
   */
  readonly latencyThreshold?: Duration;
  /**
   * The number of 5xx errors in five minutes at which the error alarm fires: a whole number, 1 or more.
   * @default 1
   */
  readonly errorThreshold?: number;
  /**
   * A topic notified when an alarm fires.
   * @default - no alarm action: wire `endpoint.alarms` yourself
   */
  readonly topic?: sns.ITopic;
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

const MEMORY_SIZES = [1024, 2048, 3072, 4096, 5120, 6144];
const CONTENT_TYPE = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$/;
const KMS_RULE_IDS = [
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
    class Import extends EndpointBase {
      public readonly endpointName = endpointName;
      public readonly endpointArn = endpointArnFor(scope, endpointName);
    }
    return new Import(scope, id);
  }

  /** Imports an endpoint by ARN. */
  public static fromEndpointArn(scope: Construct, id: string, endpointArn: string): IEndpoint {
    class Import extends EndpointBase {
      public readonly endpointName = Stack.of(scope).splitArn(checkArn(scope, 'endpointArn', endpointArn, 'endpoint'), ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
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
    if (!Token.isUnresolved(name) && (name.length > SAGEMAKER_NAME.maxLength || !SAGEMAKER_NAME.pattern.test(name))) {
      problems.add(`invalid endpointName ${describeValue(name)} (length ${name.length}): use ${SAGEMAKER_NAME.description}`);
    }

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
    const render = (v: EndpointVariant, at: string, shadow: boolean): CfnEndpointConfig.ProductionVariantProperty => {
      return this.renderVariant(problems, v, at, shadow, names);
    };
    const productionVariants = this.variants.map((v, i) => render(v, `variants[${i}]`, false));
    const shadowProductionVariants = this.shadowVariants.map((v, i) => render(v, `shadowVariants[${i}]`, true));
    const weights = this.variants.map((v) => v.initialWeight ?? 1);
    if (this.variants.length > 0 && weights.every((w) => typeof w === 'number' && !Token.isUnresolved(w) && w === 0)) {
      problems.add('every production variant has initialWeight 0: at least one variant must take traffic');
    }
    if (this.shadowVariants.length > 0) {
      if (this.shadowVariants.length > 1) problems.add(`shadowVariants has ${this.shadowVariants.length} entries: SageMaker allows one shadow variant`);
      if (this.variants.length !== 1) problems.add(`shadowVariants needs exactly one production variant, got ${this.variants.length}`);
      if (this.serverless) problems.add('shadowVariants was given for a serverless endpoint: shadow variants need instance-based production variants');
    }
    const localStorage = all.filter((v) => v.instanceType && !Token.isUnresolved(v.instanceType.name) && hasLocalStorage(v.instanceType.name)).map((v) => v.instanceType!.name);

    // --- asynchronous inference
    const a = props.asyncInference;
    this.asyncInference = a !== undefined;
    let asyncInferenceConfig: CfnEndpointConfig.AsyncInferenceConfigProperty | undefined;
    if (a) {
      if (this.serverless) problems.add('asyncInference was given for a serverless endpoint: asynchronous inference needs instance-based variants');
      if (this.shadowVariants.length) problems.add('asyncInference was given with shadowVariants: SageMaker does not run shadow tests on asynchronous endpoints');
      if (!a.outputLocation) problems.add('asyncInference has no outputLocation: give the S3 location responses are written to');
      else problems.addIf(a.outputLocation._uriProblem('asyncInference.outputLocation'));
      if (a.failureLocation) problems.addIf(a.failureLocation!._uriProblem('asyncInference.failureLocation'));
      checkInteger(problems, 'asyncInference.maxConcurrentInvocationsPerInstance', a.maxConcurrentInvocationsPerInstance, 1, 1000);
      asyncInferenceConfig = {
        outputConfig: prune({
          s3OutputPath: a.outputLocation?.uri,
          s3FailurePath: a.failureLocation?.uri,
          kmsKeyId: a.kmsKey?.keyArn,
          notificationConfig: a.successTopic || a.errorTopic ? { successTopic: a.successTopic?.topicArn, errorTopic: a.errorTopic?.topicArn } : undefined,
        }),
        clientConfig: a.maxConcurrentInvocationsPerInstance !== undefined ? { maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance } : undefined,
      };
    }

    // --- data capture
    const d = props.dataCapture;
    this.dataCapture = d;
    let dataCaptureConfig: CfnEndpointConfig.DataCaptureConfigProperty | undefined;
    if (d) {
      if (this.serverless) problems.add('dataCapture was given for a serverless endpoint: SageMaker does not capture data of serverless endpoints; use instance-based variants');
      if (!d.location) problems.add('dataCapture has no location: give the S3 location captured data is written to');
      else problems.addIf(d.location._uriProblem('dataCapture.location'));
      checkInteger(problems, 'dataCapture.samplingPercentage', d.samplingPercentage, 0, 100);
      const input = d.captureRequest ?? true;
      const output = d.captureResponse ?? true;
      if (!input && !output) problems.add('dataCapture captures nothing (captureRequest and captureResponse are false): enable at least one');
      checkContentTypes(problems, 'dataCapture.csvContentTypes', d.csvContentTypes);
      checkContentTypes(problems, 'dataCapture.jsonContentTypes', d.jsonContentTypes);
      dataCaptureConfig = prune({
        enableCapture: true,
        initialSamplingPercentage: d.samplingPercentage ?? 100,
        destinationS3Uri: d.location?.uri,
        kmsKeyId: d.kmsKey?.keyArn,
        captureOptions: [...(input ? [{ captureMode: 'Input' }] : []), ...(output ? [{ captureMode: 'Output' }] : [])],
        captureContentTypeHeader: d.csvContentTypes || d.jsonContentTypes ? { csvContentTypes: d.csvContentTypes, jsonContentTypes: d.jsonContentTypes } : undefined,
      });
    }

    // --- volume encryption
    if (props.encryptionKey && this.serverless) {
      problems.add('encryptionKey was given for a serverless endpoint: serverless variants have no storage volume to encrypt (SageMaker refuses KmsKeyId); remove it');
    }
    if (props.encryptionKey && localStorage.length) {
      problems.add(`encryptionKey was given, but instance types ${[...new Set(localStorage)].join(', ')} have local NVMe storage that their hardware encrypts: SageMaker refuses KmsKeyId for them; remove encryptionKey or use instance types with EBS volumes`);
    }

    // --- alarms
    const alarmOptions = props.alarms ?? {};
    const alarmsEnabled = alarmOptions.enabled ?? true;
    const latencyThreshold = alarmOptions.latencyThreshold ?? Duration.seconds(1);
    let latencyMicros = 1_000_000;
    if (!latencyThreshold.isUnresolved()) {
      const ms = latencyThreshold.toMilliseconds({ integral: false });
      if (!(ms > 0) || ms > 3_600_000) problems.add(`invalid alarms.latencyThreshold ${latencyThreshold.toHumanString()}: use a duration above 0 and at most 1 hour`);
      latencyMicros = Math.round(ms * 1000);
    }
    const errorThreshold = alarmOptions.errorThreshold ?? 1;
    checkInteger(problems, 'alarms.errorThreshold', errorThreshold, 1, Number.MAX_SAFE_INTEGER);
    if (!alarmsEnabled && (alarmOptions.topic || alarmOptions.latencyThreshold || alarmOptions.errorThreshold !== undefined)) {
      problems.add('alarms has enabled: false with thresholds or a topic: enable the alarms or remove their options');
    }
    const deploymentConfig = props.deployment?._render(problems, this.serverless, alarmsEnabled ? 2 * this.variants.length : 0, () => this.alarms);
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

    // SageMaker writes captured data and asynchronous responses with the models' execution roles.
    const models = [...new Set(all.map((v) => v.model).filter((m) => m !== undefined))];
    for (const model of models) {
      if (d) {
        d.location.grantWrite(model);
        grantKeyReadWrite(d.kmsKey, model);
      }
      if (a) {
        a.outputLocation.grantWrite(model);
        a.failureLocation?.grantWrite(model);
        for (const topic of [a.successTopic, a.errorTopic]) {
          if (!topic) continue;
          // sns.Topic.grantPublish would add kms:GenerateDataKey* (an action wildcard) for an
          // encrypted topic: grant the exact actions SNS needs of the topic key instead.
          iam.Grant.addToPrincipalOrResource({ grantee: model, actions: ['sns:Publish'], resourceArns: [topic.topicArn], resource: topic });
          topic.masterKey?.grant(model, 'kms:GenerateDataKey', 'kms:Decrypt');
        }
        grantKeyReadWrite(a.kmsKey, model);
      }
    }

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

    // --- alarms
    this.alarms = [];
    if (alarmsEnabled) {
      for (const v of this.variants) {
        const errors = new cloudwatch.Alarm(this, `${v.variantName}5XXErrorsAlarm`, {
          alarmDescription: `5xx errors of variant ${v.variantName} of endpoint ${name}`,
          metric: this.metricInvocation5XXErrors({ variantName: v.variantName }),
          threshold: errorThreshold,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        const latency = new cloudwatch.Alarm(this, `${v.variantName}ModelLatencyAlarm`, {
          alarmDescription: `p99 model latency of variant ${v.variantName} of endpoint ${name} above ${latencyThreshold.toHumanString()}`,
          metric: this.metricModelLatency({ variantName: v.variantName, statistic: cloudwatch.Stats.p(99) }),
          threshold: latencyMicros,
          comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
          evaluationPeriods: 3,
          datapointsToAlarm: 2,
          treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        });
        for (const alarm of [errors, latency]) {
          if (alarmOptions.topic) alarm.addAlarmAction(new cw_actions.SnsAction(alarmOptions.topic));
          this.alarms.push(alarm);
        }
      }
    }

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
    checkInteger(problems, 'minCapacity', min, 0, Number.MAX_SAFE_INTEGER);
    checkInteger(problems, 'maxCapacity', max, 1, Number.MAX_SAFE_INTEGER);
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
    checkInteger(problems, 'minCapacity', min, 1, limit);
    checkInteger(problems, 'maxCapacity', max, 1, limit);
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

  private renderVariant(problems: ProblemList, v: EndpointVariant, at: string, shadow: boolean, names: Set<string>): CfnEndpointConfig.ProductionVariantProperty {
    const n = v.variantName;
    if (n === undefined) {
      problems.add(`${at} has no variantName: give 1-63 letters, digits or hyphens`);
    } else if (Token.isUnresolved(n)) {
      problems.add(`${at}.variantName is a token: use a literal name (it names the variant's alarms and scaling targets)`);
    } else {
      if (n.length > SAGEMAKER_NAME.maxLength || !SAGEMAKER_NAME.pattern.test(n)) problems.add(`invalid ${at}.variantName ${describeValue(n)} (length ${n.length}): use ${SAGEMAKER_NAME.description}`);
      if (names.has(n)) problems.add(`${at}.variantName ${describeValue(n)} is used twice: variant names must be unique within the endpoint (shadow variants included)`);
      names.add(n);
    }
    if (!v.model) problems.add(`${at} has no model`);
    const weight = v.initialWeight;
    if (weight !== undefined && !Token.isUnresolved(weight) && !(typeof weight === 'number' && Number.isFinite(weight) && weight >= 0)) {
      problems.add(`invalid ${at}.initialWeight ${describeValue(weight)}: use a number, 0 or more (the variant's share relative to the others)`);
    }
    if (v.instanceType && v.serverless) {
      problems.add(`${at} has both instanceType ${describeValue(v.instanceType.name)} and serverless: a variant runs on instances or serverless, give one`);
    } else if (!v.instanceType && !v.serverless) {
      problems.add(`${at} has neither instanceType nor serverless: give an instance type (e.g. InstanceType.ML_M5_LARGE) or a serverless config`);
    }
    const base = { variantName: n, modelName: v.model?.modelName, initialVariantWeight: weight ?? 1 };

    if (v.serverless) {
      const s = v.serverless;
      if (shadow) problems.add(`${at} is serverless: shadow variants must be instance-based`);
      for (const [prop, value] of [['initialInstanceCount', v.initialInstanceCount], ['volumeSizeGb', v.volumeSizeGb], ['containerStartupTimeout', v.containerStartupTimeout], ['modelDataDownloadTimeout', v.modelDataDownloadTimeout], ['managedInstanceScaling', v.managedInstanceScaling]] as const) {
        if (value !== undefined) problems.add(`${at}.${prop} was given for a serverless variant: it only applies to instance-based variants`);
      }
      if (!Token.isUnresolved(s.memorySizeMb) && !MEMORY_SIZES.includes(s.memorySizeMb)) {
        problems.add(`invalid ${at}.serverless.memorySizeMb ${describeValue(s.memorySizeMb)}: use one of ${MEMORY_SIZES.join(', ')}`);
      }
      checkInteger(problems, `${at}.serverless.maxConcurrency`, s.maxConcurrency, 1, 200);
      const maxConcurrency = typeof s.maxConcurrency === 'number' && !Token.isUnresolved(s.maxConcurrency) && s.maxConcurrency >= 1 && s.maxConcurrency <= 200 ? s.maxConcurrency : 200;
      checkInteger(problems, `${at}.serverless.provisionedConcurrency`, s.provisionedConcurrency, 1, maxConcurrency);
      const facts = v.model ? modelFacts(v.model) : undefined;
      if (facts?.inVpc) problems.add(`${at}.model runs in a VPC: serverless endpoints do not support VPC configuration; host it on instances or create the model without vpc`);
      if (facts?.networkIsolation) problems.add(`${at}.model has networkIsolation: serverless endpoints do not support network isolation`);
      if (facts && facts.containerCount > 1) problems.add(`${at}.model is an inference pipeline of ${facts.containerCount} containers: serverless endpoints host single-container models`);
      return prune({
        ...base,
        serverlessConfig: { memorySizeInMb: s.memorySizeMb, maxConcurrency: s.maxConcurrency, provisionedConcurrency: s.provisionedConcurrency },
      });
    }

    let instanceType: string | undefined;
    if (v.instanceType) {
      const problem = v.instanceType._problem(`${at}.instanceType`, InstanceUse.HOSTING);
      if (problem) problems.add(problem);
      else instanceType = v.instanceType.name;
    }
    checkInteger(problems, `${at}.initialInstanceCount`, v.initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
    checkInteger(problems, `${at}.volumeSizeGb`, v.volumeSizeGb, 1, 512);
    if (v.volumeSizeGb !== undefined && instanceType && hasLocalStorage(instanceType)) {
      problems.add(`${at}.volumeSizeGb was given for ${instanceType}, whose storage is local NVMe of a fixed size: SageMaker refuses VolumeSizeInGB for it; remove volumeSizeGb`);
    }
    const startup = seconds(problems, `${at}.containerStartupTimeout`, v.containerStartupTimeout, 60, 3600);
    const download = seconds(problems, `${at}.modelDataDownloadTimeout`, v.modelDataDownloadTimeout, 60, 3600);
    const m = v.managedInstanceScaling;
    if (m) {
      if (m.minInstanceCount === 0) {
        problems.add(`${at}.managedInstanceScaling.minInstanceCount 0: scaling a variant to zero instances needs inference components, which this construct does not host; use 1 or more`);
      } else {
        checkInteger(problems, `${at}.managedInstanceScaling.minInstanceCount`, m.minInstanceCount, 1, Number.MAX_SAFE_INTEGER);
      }
      checkInteger(problems, `${at}.managedInstanceScaling.maxInstanceCount`, m.maxInstanceCount, 1, Number.MAX_SAFE_INTEGER);
      if (m.maxInstanceCount < m.minInstanceCount) problems.add(`${at}.managedInstanceScaling.maxInstanceCount ${m.maxInstanceCount} is below minInstanceCount ${m.minInstanceCount}`);
    }
    return prune({
      ...base,
      instanceType,
      initialInstanceCount: v.initialInstanceCount ?? 1,
      volumeSizeInGb: v.volumeSizeGb,
      containerStartupHealthCheckTimeoutInSeconds: startup,
      modelDataDownloadTimeoutInSeconds: download,
      managedInstanceScaling: m ? { status: 'ENABLED', minInstanceCount: m.minInstanceCount, maxInstanceCount: m.maxInstanceCount } : undefined,
    });
  }
}

function checkInteger(problems: ProblemList, prop: string, value: number | undefined, min: number, max: number): void {
  if (value === undefined || Token.isUnresolved(value)) return;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    problems.add(`invalid ${prop} ${describeValue(value)}: use a whole number ${max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`}`);
  }
}

function checkRange(problems: ProblemList, min: number, max: number): void {
  if (!Token.isUnresolved(min) && !Token.isUnresolved(max) && typeof min === 'number' && typeof max === 'number' && max < min) {
    problems.add(`maxCapacity ${max} is below minCapacity ${min}: use maxCapacity >= minCapacity`);
  }
}

function checkContentTypes(problems: ProblemList, prop: string, types: string[] | undefined): void {
  if (!types) return;
  if (types.length < 1 || types.length > 10) problems.add(`${prop} has ${types.length} entries: give 1 to 10 content types`);
  for (const t of types) {
    if (!Token.isUnresolved(t) && (t.length > 256 || !CONTENT_TYPE.test(t))) problems.add(`invalid ${prop} entry ${describeValue(t)}: use a MIME type such as 'text/csv' or 'application/json'`);
  }
}
