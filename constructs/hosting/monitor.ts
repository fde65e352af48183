import { createHash } from 'crypto';
import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatch_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnDataQualityJobDefinition, CfnModelBiasJobDefinition, CfnModelExplainabilityJobDefinition, CfnModelQualityJobDefinition, CfnMonitoringSchedule } from 'aws-cdk-lib/aws-sagemaker';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { Endpoint } from './endpoint';
import type { MonitorJobCommon } from './private/monitor-job';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { grantJobBasics } from '../private/job-render';
import * as rules from '../private/rules';
import { hasLocalStorage } from '../core/private/instance-families';
import { generatePhysicalName } from '../private/naming';
import { LeastPrivilegeRole } from '../private/role';
import { ContainerImage } from '../core/container-image';
import { InstanceType, InstanceUse } from '../core/instance-type';
import { S3Location } from '../core/s3-location';
import { grantKeyRead, grantKeyReadWrite, grantVolumeKey } from '../private/kms';

/** When a monitoring schedule runs. */
export class MonitoringScheduleExpression {
  /** Every hour. */
  public static hourly(): MonitoringScheduleExpression {
    return new MonitoringScheduleExpression('cron(0 * ? * * *)', 3600);
  }

  /** Every day at `hourUtc` (0-23; checked when a monitor uses the schedule). */
  public static daily(hourUtc: number = 0): MonitoringScheduleExpression {
    const valid = Number.isInteger(hourUtc) && hourUtc >= 0 && hourUtc <= 23;
    return new MonitoringScheduleExpression(`cron(0 ${hourUtc} ? * * *)`, 86400, valid ? undefined : `invalid daily schedule hour ${hourUtc}: use a whole hour from 0 to 23 (UTC)`);
  }

  /**
   * A cron expression of a form Model Monitor accepts (checked when a monitor uses the schedule):
   * hourly `cron(0 * ? * * *)`, daily `cron(0 H ? * * *)` or every N hours `cron(0 H/N ? * * *)`,
   * e.g. every 6 hours: `cron(0 0/6 ? * * *)`. Jobs start on the hour.
   */
  public static cron(expression: string): MonitoringScheduleExpression {
    if (Token.isUnresolved(expression)) return new MonitoringScheduleExpression(expression, 3600);
    const supported = 'Model Monitor accepts cron(0 * ? * * *) (hourly), cron(0 H ? * * *) (daily at hour H, 0-23) and cron(0 H/N ? * * *) (every N hours from hour H, N 1-24)';
    const m = /^cron\(\s*(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s*\)$/.exec(expression);
    if (!m) return new MonitoringScheduleExpression(expression, 3600, `invalid schedule ${describeValue(expression)}: ${supported}`);
    const [, minute, hour, dayOfMonth, month, dayOfWeek, year] = m;
    const hourOk = (v: string) => /^\d{1,2}$/.test(v) && +v <= 23;
    let interval: number | undefined;
    if (hour === '*') {interval = 3600;} else if (hourOk(hour)) {interval = 86400;} else {
      const step = /^(\d{1,2})\/(\d{1,2})$/.exec(hour);
      if (step && hourOk(step[1]) && +step[2] >= 1 && +step[2] <= 24) interval = +step[2] * 3600;
    }
    const rest = `${dayOfMonth} ${month} ${dayOfWeek} ${year}`;
    if (minute !== '0' || interval === undefined || rest !== '? * * *') {
      const why = minute !== '0' ? 'jobs start on the hour, so the minutes field must be 0' : interval === undefined ? `the hours field ${describeValue(hour)} is not supported` : 'the day, month, weekday and year fields must be ? * * *';
      return new MonitoringScheduleExpression(expression, interval ?? 3600, `invalid schedule ${describeValue(expression)}: ${why}; ${supported}`);
    }
    return new MonitoringScheduleExpression(expression, interval);
  }

  private constructor(
    /** The expression. */
    public readonly expression: string,
    /** @internal The interval the schedule's longest job must fit in. */
    public readonly _intervalSeconds: number,
    /** @internal What is wrong with it, reported by the monitor that uses it. */
    public readonly _problem?: string,
  ) {}
}

/** Options shared by every monitor. */
export interface MonitorOptions {
  /** The endpoint to monitor; it must capture data (`dataCapture`). */
  readonly endpoint: Endpoint;
  /** Where the monitoring reports (statistics, violations) go. */
  readonly outputLocation: S3Location;
  /**
   * When the monitor runs.
   * @default MonitoringScheduleExpression.hourly()
   */
  readonly schedule?: MonitoringScheduleExpression;
  /**
   * The monitoring job's instance type.
   * @default InstanceType.ML_M5_XLARGE
   */
  readonly instanceType?: InstanceType;
  /**
   * Storage per instance, in GB (1-16384).
   * @default 20
   */
  readonly volumeSizeGb?: number;
  /**
   * KMS key of the job's volume.
   * @default - AWS-managed encryption
   */
  readonly volumeKey?: kms.IKey;
  /**
   * KMS key of the reports.
   * @default - the output bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Stop a monitoring job after this long: at most 1 hour on hourly schedules (30 minutes for
   * model quality), at most 1 day otherwise.
   * @default Duration.minutes(30)
   */
  readonly maxRuntime?: Duration;
  /**
   * The role the monitoring jobs run as.
   * @default - a new least-privilege role
   */
  readonly role?: iam.IRole;
}

/** The monitor types (and the monitor's path) each endpoint has. */
const MONITORS_BY_ENDPOINT = new WeakMap<Endpoint, Map<string, string>>();

abstract class MonitorBase extends Construct implements iam.IGrantable {
  /** The monitoring schedule's name. */
  public readonly monitoringScheduleName: string;
  /** The job definition's name. */
  public readonly jobDefinitionName: string;
  /** The role the monitoring jobs run as. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  protected readonly endpoint: Endpoint;
  protected readonly schedule: CfnMonitoringSchedule;
  protected readonly grantee: iam.IGrantable;

  protected constructor(scope: Construct, id: string, props: MonitorOptions, type: string, extraProblems: (p: ProblemList) => void) {
    super(scope, id);
    this.endpoint = props.endpoint;
    const problems = new ProblemList();
    // MonitoringS3Uri: at most 512 bytes
    problems.addIf(props.outputLocation._uriProblem('outputLocation', 512));
    if (!props.endpoint.dataCapture) problems.add(`endpoint ${props.endpoint.node.path} does not capture data: set its dataCapture (Model Monitor reads the captured requests and responses)`);
    const types = MONITORS_BY_ENDPOINT.get(props.endpoint) ?? new Map<string, string>();
    MONITORS_BY_ENDPOINT.set(props.endpoint, types);
    const other = types.get(type);
    if (other) problems.add(`endpoint ${props.endpoint.node.path} already has the ${type} monitor ${other}: SageMaker allows one monitoring schedule of each type per endpoint; monitor more features in that one`);
    else types.set(type, this.node.path);
    const schedule = props.schedule ?? MonitoringScheduleExpression.hourly();
    if (schedule._problem) problems.add(schedule._problem);
    const maxRuntime = props.maxRuntime ?? Duration.minutes(30);
    const seconds = maxRuntime.isUnresolved() ? rules.seconds(problems, 'maxRuntime', maxRuntime, 1, 86400) : maxRuntime.toSeconds({ integral: false });
    // MonitoringStoppingCondition: at most 1 hour on hourly schedules (30 minutes for model quality and bias), at most a day otherwise.
    const runtimeLimit = schedule._intervalSeconds <= 3600 ? (type === 'ModelQuality' || type === 'ModelBias' ? 1800 : 3600) : 86400;
    if (!maxRuntime.isUnresolved() && (!Number.isInteger(seconds) || seconds! < 1 || seconds! > runtimeLimit)) {
      problems.add(`invalid maxRuntime ${maxRuntime.toHumanString()}: use whole seconds from 1 to ${runtimeLimit} (a ${type} job on this schedule may run at most ${Duration.seconds(runtimeLimit).toHumanString()})`);
    }
    const capture = props.endpoint.dataCapture;
    const needs: Array<readonly ['captureRequest' | 'captureResponse', string]> = type === 'ModelQuality'
      ? [['captureResponse', 'responses (the predictions it compares with ground truth)']]
      : type === 'ModelBias'
        ? [['captureRequest', 'requests (the facets it measures bias across)'], ['captureResponse', 'responses (the predictions whose bias it measures)']]
        : [['captureRequest', 'requests (the features it compares with the baseline)']];
    for (const [option, reads] of needs) {
      if (capture && capture[option] === false) {
        problems.add(`endpoint ${props.endpoint.node.path} has dataCapture.${option} false: a ${type} monitor reads the captured ${reads}`);
      }
    }
    const volume = props.volumeSizeGb ?? 20;
    rules.integer(problems, 'volumeSizeGb', volume, 1, 16384);
    const instanceType = props.instanceType ?? InstanceType.ML_M5_XLARGE;
    problems.addIf(instanceType._problem('instanceType', InstanceUse.PROCESSING));
    if (props.volumeKey && !Token.isUnresolved(instanceType.name) && hasLocalStorage(instanceType.name)) {
      problems.add(`volumeKey was given for ${instanceType.name}, whose local NVMe storage the hardware encrypts: SageMaker refuses VolumeKmsKeyId for it; remove volumeKey or use an instance type with EBS volumes`);
    }
    extraProblems(problems);
    problems.throwIfAny(this, `the ${type} monitor`);

    if (props.role) {
      this.role = props.role;
      this.grantee = props.role;
    } else {
      const r = new LeastPrivilegeRole(this, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: `Runs the ${type} monitoring jobs of ${this.node.path}` });
      this.role = r.role;
      this.grantee = r;
    }
    this.grantPrincipal = this.grantee.grantPrincipal;
    props.endpoint.dataCapture!.location.grantRead(this.grantee);
    grantKeyRead(props.endpoint.dataCapture!.kmsKey, this.grantee);
    props.outputLocation.grantWrite(this.grantee);
    grantKeyReadWrite(props.outputKey, this.grantee);
    grantVolumeKey(props.volumeKey, this.grantee);
    grantJobBasics(this, this.grantee, '/aws/sagemaker/ProcessingJobs');

    this.monitoringScheduleName = generatePhysicalName(new Construct(this, 'ScheduleName'));
    const common: MonitorJobCommon = {
      endpointName: props.endpoint.endpointName,
      roleArn: this.role.roleArn,
      stoppingCondition: { maxRuntimeInSeconds: seconds! },
      jobResources: { clusterConfig: { instanceCount: 1, instanceType: instanceType.name, volumeSizeInGb: volume, volumeKmsKeyId: props.volumeKey?.keyArn } },
      outputConfig: {
        kmsKeyId: props.outputKey?.keyArn,
        monitoringOutputs: [{ s3Output: { s3Uri: props.outputLocation.uri, localPath: '/opt/ml/processing/output', s3UploadMode: 'EndOfJob' } }],
      },
      endpointInput: { endpointName: props.endpoint.endpointName, localPath: '/opt/ml/processing/input/endpoint', s3InputMode: 'File', s3DataDistributionType: 'FullyReplicated' },
    };
    const definition = this._createDefinition(common, props);
    this.jobDefinitionName = (definition as unknown as { jobDefinitionName: string }).jobDefinitionName;
    // The definition may only be created once the endpoint exists.
    definition.node.addDependency(props.endpoint);
    const policy = this.grantee instanceof LeastPrivilegeRole ? this.grantee : undefined;
    if (policy) definition.node.addDependency(policy);
    this.schedule = new CfnMonitoringSchedule(this, 'Resource', {
      monitoringScheduleName: this.monitoringScheduleName,
      endpointName: props.endpoint.endpointName,
      monitoringScheduleConfig: {
        monitoringJobDefinitionName: this.jobDefinitionName,
        monitoringType: type,
        scheduleConfig: { scheduleExpression: schedule.expression },
      },
    });
    this.schedule.node.addDependency(definition);
    this.schedule.node.addDependency(props.endpoint);
  }

  /** @internal A metric of this schedule on this endpoint, hourly by default. */
  protected _scheduleMetric(namespace: string, metricName: string, statistic: string, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace,
      metricName,
      dimensionsMap: { Endpoint: this.endpoint.endpointName, MonitoringSchedule: this.monitoringScheduleName },
      statistic,
      period: Duration.hours(1),
      ...props,
    });
  }

  /** @internal */
  protected abstract _createDefinition(common: MonitorJobCommon, props: MonitorOptions): Construct;

  /**
   * @internal Job definitions are replace-only: every property is create-only. Their name is a
   * hash of their content, so a change creates a new definition (and the schedule, which can be
   * updated in place, moves to it) instead of failing on a named resource that needs replacing.
   */
  protected _hashedName(body: unknown): string {
    const hash = createHash('sha256').update(JSON.stringify(Stack.of(this).resolve(body))).digest('hex').slice(0, 10);
    return `${generatePhysicalName(new Construct(this, 'DefinitionName'), { maxLength: 52 })}-${hash}`;
  }
}

/** A baseline: statistics and constraints a data-quality monitor compares against. */
export interface DataQualityBaseline {
  /**
   * `statistics.json` (e.g. from a baselining job or a pipeline's QualityCheck output).
   * @default - no statistics baseline
   */
  readonly statistics?: S3Location;
  /**
   * `constraints.json`.
   * @default - no constraints: the monitor reports statistics but no violations
   */
  readonly constraints?: S3Location;
}

/** Properties of a DataQualityMonitor. */
export interface DataQualityMonitorProps extends MonitorOptions {
  /**
   * The baseline to compare the captured data with.
   * @default - none: statistics only
   */
  readonly baseline?: DataQualityBaseline;
  /**
   * Publish per-feature drift metrics to CloudWatch (`aws/sagemaker/Endpoints/data-metrics`).
   * @default true
   */
  readonly publishMetrics?: boolean;
}

/**
 * Model Monitor data quality: a job definition and an (hourly by default) monitoring schedule that
 * compare the endpoint's captured requests with a baseline, with CloudWatch drift metrics and alarms.
 */
export class DataQualityMonitor extends MonitorBase {
  private readonly publishMetrics: boolean;
  private readonly hasConstraints: boolean;

  constructor(scope: Construct, id: string, props: DataQualityMonitorProps) {
    super(scope, id, props, 'DataQuality', () => undefined);
    this.publishMetrics = props.publishMetrics ?? true;
    this.hasConstraints = props.baseline?.constraints !== undefined;
    props.baseline?.statistics?.grantRead(this.grantee);
    props.baseline?.constraints?.grantRead(this.grantee);
  }

  /** A feature's drift from the baseline (published when publishMetrics is on). */
  public metricFeatureDrift(feature: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this._scheduleMetric('aws/sagemaker/Endpoints/data-metrics', `feature_baseline_drift_${feature}`, 'Maximum', props);
  }

  /** An alarm when a feature drifts beyond `threshold`, notifying `topic` if given. */
  public alarmOnFeatureDrift(id: string, feature: string, threshold: number, topic?: sns.ITopic): cloudwatch.Alarm {
    if (!this.publishMetrics) {
      throw new SageMakerConstructError(this, `alarmOnFeatureDrift('${feature}') needs publishMetrics: the drift metric is only published when it is on`);
    }
    if (!this.hasConstraints) {
      throw new SageMakerConstructError(this, `alarmOnFeatureDrift('${feature}') needs baseline.constraints: drift is measured against a baseline, so without one the metric is never published`);
    }
    if (!Number.isFinite(threshold) || threshold < 0) {
      throw new SageMakerConstructError(this, `alarmOnFeatureDrift('${feature}') has threshold ${threshold}: use a finite number, 0 or more`);
    }
    const alarm = new cloudwatch.Alarm(this, id, {
      metric: this.metricFeatureDrift(feature),
      threshold,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: `Feature '${feature}' of ${this.endpoint.node.path} drifted from its baseline by more than ${threshold}`,
    });
    if (topic) {
      alarm.addAlarmAction(new cloudwatch_actions.SnsAction(topic));
      alarm.addOkAction(new cloudwatch_actions.SnsAction(topic));
    }
    return alarm;
  }

  /** @internal */
  protected _createDefinition(common: MonitorJobCommon, options: MonitorOptions): Construct {
    const props = options as DataQualityMonitorProps;
    const baseline = props.baseline;
    const body = {
      endpointName: common.endpointName,
      roleArn: common.roleArn,
      stoppingCondition: common.stoppingCondition,
      jobResources: common.jobResources,
      dataQualityJobOutputConfig: common.outputConfig,
      dataQualityJobInput: { endpointInput: common.endpointInput },
      dataQualityBaselineConfig: baseline && (baseline.statistics || baseline.constraints) ? {
        statisticsResource: baseline.statistics ? { s3Uri: baseline.statistics.uri } : undefined,
        constraintsResource: baseline.constraints ? { s3Uri: baseline.constraints.uri } : undefined,
      } : undefined,
      dataQualityAppSpecification: {
        imageUri: ContainerImage.modelMonitor().bind(this).imageUri,
        environment: (props.publishMetrics ?? true) ? { publish_cloudwatch_metrics: 'Enabled' } : undefined,
      },
    };
    return new CfnDataQualityJobDefinition(this, 'Definition', { ...body, jobDefinitionName: this._hashedName(body) });
  }
}

/** The ground-truth window of a monitor: negative ISO 8601 offsets, the start before the end. */
function checkOffsets(problems: ProblemList, startTimeOffset: string | undefined, endTimeOffset: string | undefined): void {
  const props = { startTimeOffset, endTimeOffset };
  const minutes = (v: string) => { const m = /^-P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(v); return m ? -((+(m[1] ?? 0)) * 1440 + (+(m[2] ?? 0)) * 60 + (+(m[3] ?? 0))) : NaN; };
  const start = minutes(props.startTimeOffset ?? '-PT1H');
  const end = minutes(props.endTimeOffset ?? '-PT0H');
  if (start >= end) problems.add(`startTimeOffset ${describeValue(props.startTimeOffset ?? '-PT1H')} is not before endTimeOffset ${describeValue(props.endTimeOffset ?? '-PT0H')}: the window starts before it ends`);
  for (const [name, v] of [['startTimeOffset', props.startTimeOffset], ['endTimeOffset', props.endTimeOffset]] as const) {
    if (v !== undefined && (!/^-P(\d+D)?(T(\d+H)?(\d+M)?)?$/.test(v) || /^-PT?$/.test(v))) problems.add(`invalid ${name} ${describeValue(v)}: use a negative ISO 8601 duration like '-PT1H' or '-P1D'`);
  }
}

/** What a model-quality monitor's model predicts. */
export enum ProblemType {
  /** Two classes. */
  BINARY_CLASSIFICATION = 'BinaryClassification',
  /** More than two classes. */
  MULTICLASS_CLASSIFICATION = 'MulticlassClassification',
  /** A number. */
  REGRESSION = 'Regression',
}

/** Properties of a ModelQualityMonitor. */
export interface ModelQualityMonitorProps extends MonitorOptions {
  /** The problem type. */
  readonly problemType: ProblemType;
  /** Where ground-truth labels are uploaded (merged with captured predictions by event id). */
  readonly groundTruth: S3Location;
  /**
   * For binary classification: the attribute (or index) of the predicted probability in the response.
   * @default - the whole response is the prediction
   */
  readonly probabilityAttribute?: string;
  /**
   * For binary classification: probabilities at or above this are the positive class (0-1).
   * @default 0.5 with probabilityAttribute
   */
  readonly probabilityThreshold?: number;
  /**
   * The attribute (or index) of the prediction in the response, when the response has several.
   * @default - the whole response
   */
  readonly inferenceAttribute?: string;
  /**
   * Constraints (e.g. from a model-quality baselining job).
   * @default - none: metrics only
   */
  readonly baselineConstraints?: S3Location;
  /**
   * Ground truth arrives this long after the predictions it labels (ISO 8601 offset, e.g. '-P1D').
   * @default '-PT1H' start and '-PT0H' end: the last hour
   */
  readonly startTimeOffset?: string;
  /** @default '-PT0H' */
  readonly endTimeOffset?: string;
}

/**
 * Model Monitor model quality: compares predictions the endpoint captured with ground-truth labels
 * you upload, on a schedule, publishing metrics such as accuracy, AUC or RMSE to CloudWatch
 * (`aws/sagemaker/Endpoints/model-metrics`).
 */
export class ModelQualityMonitor extends MonitorBase {
  constructor(scope: Construct, id: string, props: ModelQualityMonitorProps) {
    super(scope, id, props, 'ModelQuality', (problems) => {
      const t = props.probabilityThreshold;
      rules.numberIn(problems, 'probabilityThreshold', t, 0, 1);
      if (props.problemType !== ProblemType.BINARY_CLASSIFICATION && (props.probabilityAttribute || t !== undefined)) {
        problems.add(`probabilityAttribute/probabilityThreshold are for BinaryClassification, got ${props.problemType}`);
      }
      checkOffsets(problems, props.startTimeOffset, props.endTimeOffset);
    });
    props.groundTruth.grantRead(this.grantee);
    props.baselineConstraints?.grantRead(this.grantee);
  }

  /** A model-quality metric (e.g. 'accuracy', 'auc', 'rmse'). */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this._scheduleMetric('aws/sagemaker/Endpoints/model-metrics', metricName, 'Average', props);
  }

  /** @internal */
  protected _createDefinition(common: MonitorJobCommon, options: MonitorOptions): Construct {
    const props = options as ModelQualityMonitorProps;
    const body = {
      endpointName: common.endpointName,
      roleArn: common.roleArn,
      stoppingCondition: common.stoppingCondition,
      jobResources: common.jobResources,
      modelQualityJobOutputConfig: common.outputConfig,
      modelQualityJobInput: {
        endpointInput: {
          ...common.endpointInput,
          inferenceAttribute: props.inferenceAttribute,
          probabilityAttribute: props.probabilityAttribute,
          probabilityThresholdAttribute: props.probabilityAttribute ? props.probabilityThreshold ?? 0.5 : undefined,
          startTimeOffset: props.startTimeOffset ?? '-PT1H',
          endTimeOffset: props.endTimeOffset ?? '-PT0H',
        },
        groundTruthS3Input: { s3Uri: props.groundTruth.uri },
      },
      modelQualityBaselineConfig: props.baselineConstraints ? { constraintsResource: { s3Uri: props.baselineConstraints.uri } } : undefined,
      modelQualityAppSpecification: {
        imageUri: ContainerImage.modelMonitor().bind(this).imageUri,
        problemType: props.problemType,
      },
    };
    return new CfnModelQualityJobDefinition(this, 'Definition', { ...body, jobDefinitionName: this._hashedName(body) });
  }
}

/** Options of the SageMaker Clarify monitors (bias and explainability). */
export interface ClarifyMonitorOptions extends MonitorOptions {
  /**
   * The Clarify analysis configuration (`analysis_config.json`): the label, facets and bias
   * metrics, or the SHAP baseline and the model to explain, as written by a pipeline's ClarifyCheck
   * step or a Clarify baselining job (the SageMaker Python SDK's `BiasAnalysisConfig` /
   * `ExplainabilityAnalysisConfig`).
   */
  readonly analysisConfig: S3Location;
  /**
   * The attribute (or index) of the features in the captured request, when it holds more.
   * @default - the whole request
   */
  readonly featuresAttribute?: string;
  /**
   * The attribute (or index) of the prediction in the response, when the response has several.
   * @default - the whole response
   */
  readonly inferenceAttribute?: string;
  /**
   * The attribute (or index) of the predicted probability in the response.
   * @default - none
   */
  readonly probabilityAttribute?: string;
  /**
   * Probabilities at or above this are the positive label (0-1), with probabilityAttribute.
   * @default 0.5 with probabilityAttribute
   */
  readonly probabilityThreshold?: number;
}

/** Checks shared by the Clarify monitors. */
function clarifyProblems(problems: ProblemList, props: ClarifyMonitorOptions & { baselineConstraints?: S3Location }): void {
  problems.addIf(props.analysisConfig._uriProblem('analysisConfig', 1024));
  rules.numberIn(problems, 'probabilityThreshold', props.probabilityThreshold, 0, 1);
  if (props.probabilityThreshold !== undefined && !props.probabilityAttribute) {
    problems.add(`probabilityThreshold ${props.probabilityThreshold} was given without probabilityAttribute: the threshold applies to the probability the response holds at that attribute`);
  }
}

/**
 * What a Clarify monitor's job needs beyond its data: it reads its analysis configuration and
 * baseline, and may run a temporary shadow endpoint of the model (Clarify names those `sm-clarify-*`)
 * to compute what the captured data does not hold.
 */
function grantClarify(scope: Construct, grantee: iam.IGrantable, props: ClarifyMonitorOptions & { baselineConstraints?: S3Location }): void {
  props.analysisConfig.grantRead(grantee);
  props.baselineConstraints?.grantRead(grantee);
  const stack = Stack.of(scope);
  grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['sagemaker:CreateEndpoint', 'sagemaker:CreateEndpointConfig', 'sagemaker:DescribeEndpoint', 'sagemaker:DeleteEndpoint', 'sagemaker:DeleteEndpointConfig', 'sagemaker:InvokeEndpoint', 'sagemaker:AddTags'],
    resources: [stack.formatArn({ service: 'sagemaker', resource: 'endpoint', resourceName: 'sm-clarify-*' }), stack.formatArn({ service: 'sagemaker', resource: 'endpoint-config', resourceName: 'sm-clarify-*' })],
  }));
}

/** The endpoint input of a Clarify monitor's job definition. */
function clarifyEndpointInput(common: MonitorJobCommon, props: ClarifyMonitorOptions & { startTimeOffset?: string; endTimeOffset?: string }): CfnModelBiasJobDefinition.EndpointInputProperty {
  return {
    ...common.endpointInput,
    featuresAttribute: props.featuresAttribute,
    inferenceAttribute: props.inferenceAttribute,
    probabilityAttribute: props.probabilityAttribute,
    probabilityThresholdAttribute: props.probabilityAttribute ? props.probabilityThreshold ?? 0.5 : undefined,
    startTimeOffset: props.startTimeOffset,
    endTimeOffset: props.endTimeOffset,
  };
}

/** Properties of a ModelBiasMonitor. */
export interface ModelBiasMonitorProps extends ClarifyMonitorOptions {
  /**
   * The baseline's `constraints.json`: the bias metrics of the baseline data (from the same
   * baselining job or ClarifyCheck step), which violations are measured against.
   * @default - none: the monitor reports metrics but no violations
   */
  readonly baselineConstraints?: S3Location;
  /** Where ground-truth labels are uploaded (merged with the captured predictions by event id). */
  readonly groundTruth: S3Location;
  /**
   * Ground truth arrives this long after the predictions it labels (negative ISO 8601 duration).
   * @default '-PT1H'
   */
  readonly startTimeOffset?: string;
  /** @default '-PT0H' */
  readonly endTimeOffset?: string;
}

/**
 * SageMaker Clarify bias drift: on a schedule, measures the bias metrics of the analysis
 * configuration (e.g. DPPL, DI) on the predictions the endpoint captured, with the ground truth you
 * upload, and compares them with the baseline's constraints; metrics go to CloudWatch
 * (`aws/sagemaker/Endpoints/bias-metrics`).
 */
export class ModelBiasMonitor extends MonitorBase {
  constructor(scope: Construct, id: string, props: ModelBiasMonitorProps) {
    super(scope, id, props, 'ModelBias', (problems) => {
      clarifyProblems(problems, props);
      problems.addIf(props.groundTruth._uriProblem('groundTruth', 512));
      checkOffsets(problems, props.startTimeOffset, props.endTimeOffset);
    });
    grantClarify(this, this.grantee, props);
    props.groundTruth.grantRead(this.grantee);
  }

  /** A bias metric of the analysis (e.g. 'DPPL', 'DI'), per facet, as Clarify publishes it. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this._scheduleMetric('aws/sagemaker/Endpoints/bias-metrics', metricName, 'Average', props);
  }

  /** @internal */
  protected _createDefinition(common: MonitorJobCommon, options: MonitorOptions): Construct {
    const props = options as ModelBiasMonitorProps;
    const body = {
      endpointName: common.endpointName,
      roleArn: common.roleArn,
      stoppingCondition: common.stoppingCondition,
      jobResources: common.jobResources,
      modelBiasJobOutputConfig: common.outputConfig,
      modelBiasJobInput: {
        endpointInput: clarifyEndpointInput(common, { ...props, startTimeOffset: props.startTimeOffset ?? '-PT1H', endTimeOffset: props.endTimeOffset ?? '-PT0H' }),
        groundTruthS3Input: { s3Uri: props.groundTruth.uri },
      },
      modelBiasBaselineConfig: props.baselineConstraints ? { constraintsResource: { s3Uri: props.baselineConstraints.uri } } : undefined,
      modelBiasAppSpecification: {
        imageUri: ContainerImage.clarify().bind(this).imageUri,
        configUri: props.analysisConfig.uri,
        environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
    };
    return new CfnModelBiasJobDefinition(this, 'Definition', { ...body, jobDefinitionName: this._hashedName(body) });
  }
}

/** Properties of a ModelExplainabilityMonitor. */
export interface ModelExplainabilityMonitorProps extends ClarifyMonitorOptions {
  /**
   * The baseline's `constraints.json`: the SHAP values of the baseline data (from a ClarifyCheck
   * step or an explainability baselining job), which drift is measured against.
   * @default - none: the monitor reports attributions but no drift violations
   */
  readonly baselineConstraints?: S3Location;
}

/**
 * SageMaker Clarify feature attribution drift: on a schedule, computes the SHAP values of the
 * requests the endpoint captured (Clarify runs a temporary shadow endpoint of the model, per the
 * analysis configuration's predictor) and compares them with the baseline's; metrics go to
 * CloudWatch (`aws/sagemaker/Endpoints/explainability-metrics`).
 */
export class ModelExplainabilityMonitor extends MonitorBase {
  constructor(scope: Construct, id: string, props: ModelExplainabilityMonitorProps) {
    super(scope, id, props, 'ModelExplainability', (problems) => clarifyProblems(problems, props));
    grantClarify(this, this.grantee, props);
  }

  /** A feature-attribution metric (e.g. `feature_<name>` or 'global_shap'), as Clarify publishes it. */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return this._scheduleMetric('aws/sagemaker/Endpoints/explainability-metrics', metricName, 'Average', props);
  }

  /** @internal */
  protected _createDefinition(common: MonitorJobCommon, options: MonitorOptions): Construct {
    const props = options as ModelExplainabilityMonitorProps;
    const body = {
      endpointName: common.endpointName,
      roleArn: common.roleArn,
      stoppingCondition: common.stoppingCondition,
      jobResources: common.jobResources,
      modelExplainabilityJobOutputConfig: common.outputConfig,
      modelExplainabilityJobInput: { endpointInput: clarifyEndpointInput(common, props) },
      modelExplainabilityBaselineConfig: props.baselineConstraints ? { constraintsResource: { s3Uri: props.baselineConstraints.uri } } : undefined,
      modelExplainabilityAppSpecification: {
        imageUri: ContainerImage.clarify().bind(this).imageUri,
        configUri: props.analysisConfig.uri,
        environment: { publish_cloudwatch_metrics: 'Enabled' },
      },
    };
    return new CfnModelExplainabilityJobDefinition(this, 'Definition', { ...body, jobDefinitionName: this._hashedName(body) });
  }
}
