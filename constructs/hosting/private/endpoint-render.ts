// Renders and checks the parts of an endpoint configuration: variants, asynchronous inference,
// data capture, and the per-variant alarms. Internal: the Endpoint construct composes them.
import { CfnResource, Duration, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cw_actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { CfnEndpointConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { compiledTargetProblem, modelFacts } from './hosting-util';
import { hasLocalStorage } from '../../core/private/instance-families';
import { InstanceUse } from '../../core/instance-type';
import { waiveGuardRules } from '../../private/compliance';
import { describeValue, ProblemList } from '../../private/errors';
import { prune } from '../../private/job-render';
import { checkName, integer, seconds } from '../../private/rules';
import type { AsyncInferenceOptions } from '../async-inference';
import type { DataCaptureOptions } from '../data-capture';
import type { IEndpoint } from '../endpoint';
import type { EndpointAlarmOptions } from '../endpoint-alarms';
import type { EndpointVariant } from '../endpoint-variant';

const MEMORY_SIZES = [1024, 2048, 3072, 4096, 5120, 6144];
/** The API's `DestinationS3Uri` (capture, asynchronous output and failure paths): 512, not the usual 1024. */
const DESTINATION_S3_URI_BYTES = 512;
const CONTENT_TYPE = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*\/[a-zA-Z0-9](-*[a-zA-Z0-9.])*$/;

/** A production or shadow variant (`at` names it in messages: 'variants[0]'); `names` collects the names seen. */
export function renderVariant(problems: ProblemList, v: EndpointVariant, at: string, shadow: boolean, names: Set<string>): CfnEndpointConfig.ProductionVariantProperty {
  const n = v.variantName;
  if (n === undefined) {
    problems.add(`${at} has no variantName: give 1-63 letters, digits or hyphens`);
  } else if (Token.isUnresolved(n)) {
    problems.add(`${at}.variantName is a token: use a literal name (it names the variant's alarms and scaling targets)`);
  } else {
    checkName(problems, `${at}.variantName`, n);
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
    integer(problems, `${at}.serverless.maxConcurrency`, s.maxConcurrency, 1, 200);
    const maxConcurrency = typeof s.maxConcurrency === 'number' && !Token.isUnresolved(s.maxConcurrency) && s.maxConcurrency >= 1 && s.maxConcurrency <= 200 ? s.maxConcurrency : 200;
    integer(problems, `${at}.serverless.provisionedConcurrency`, s.provisionedConcurrency, 1, maxConcurrency);
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
    problems.addIf(compiledTargetProblem(v.model, instanceType, `${at}.instanceType`));
  }
  integer(problems, `${at}.initialInstanceCount`, v.initialInstanceCount, 1, Number.MAX_SAFE_INTEGER);
  integer(problems, `${at}.volumeSizeGb`, v.volumeSizeGb, 1, 512);
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
      integer(problems, `${at}.managedInstanceScaling.minInstanceCount`, m.minInstanceCount, 1, Number.MAX_SAFE_INTEGER);
    }
    integer(problems, `${at}.managedInstanceScaling.maxInstanceCount`, m.maxInstanceCount, 1, Number.MAX_SAFE_INTEGER);
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

function checkContentTypes(problems: ProblemList, prop: string, types: string[] | undefined): void {
  if (!types) return;
  if (types.length < 1 || types.length > 10) problems.add(`${prop} has ${types.length} entries: give 1 to 10 content types`);
  for (const t of types) {
    if (!Token.isUnresolved(t) && (t.length > 256 || !CONTENT_TYPE.test(t))) problems.add(`invalid ${prop} entry ${describeValue(t)}: use a MIME type such as 'text/csv' or 'application/json'`);
  }
}

/** The asynchronous inference configuration, checked against the endpoint's kind. */
export function renderAsyncInference(problems: ProblemList, a: AsyncInferenceOptions, endpoint: { serverless: boolean; shadowVariants: number }): CfnEndpointConfig.AsyncInferenceConfigProperty {
  if (endpoint.serverless) problems.add('asyncInference was given for a serverless endpoint: asynchronous inference needs instance-based variants');
  if (endpoint.shadowVariants) problems.add('asyncInference was given with shadowVariants: SageMaker does not run shadow tests on asynchronous endpoints');
  if (!a.outputLocation) problems.add('asyncInference has no outputLocation: give the S3 location responses are written to');
  else problems.addIf(a.outputLocation._uriProblem('asyncInference.outputLocation', DESTINATION_S3_URI_BYTES));
  if (a.failureLocation) problems.addIf(a.failureLocation._uriProblem('asyncInference.failureLocation', DESTINATION_S3_URI_BYTES));
  integer(problems, 'asyncInference.maxConcurrentInvocationsPerInstance', a.maxConcurrentInvocationsPerInstance, 1, 1000);
  return {
    outputConfig: prune({
      s3OutputPath: a.outputLocation?.uri,
      s3FailurePath: a.failureLocation?.uri,
      kmsKeyId: a.kmsKey?.keyArn,
      notificationConfig: a.successTopic || a.errorTopic ? { successTopic: a.successTopic?.topicArn, errorTopic: a.errorTopic?.topicArn } : undefined,
    }),
    clientConfig: a.maxConcurrentInvocationsPerInstance !== undefined ? { maxConcurrentInvocationsPerInstance: a.maxConcurrentInvocationsPerInstance } : undefined,
  };
}

/** The data capture configuration (capture is on whenever options are given). */
export function renderDataCapture(problems: ProblemList, d: DataCaptureOptions, serverless: boolean): CfnEndpointConfig.DataCaptureConfigProperty {
  if (serverless) problems.add('dataCapture was given for a serverless endpoint: SageMaker does not capture data of serverless endpoints; use instance-based variants');
  if (!d.location) problems.add('dataCapture has no location: give the S3 location captured data is written to');
  else problems.addIf(d.location._uriProblem('dataCapture.location', DESTINATION_S3_URI_BYTES));
  integer(problems, 'dataCapture.samplingPercentage', d.samplingPercentage, 0, 100);
  const input = d.captureRequest ?? true;
  const output = d.captureResponse ?? true;
  if (!input && !output) problems.add('dataCapture captures nothing (captureRequest and captureResponse are false): enable at least one');
  checkContentTypes(problems, 'dataCapture.csvContentTypes', d.csvContentTypes);
  checkContentTypes(problems, 'dataCapture.jsonContentTypes', d.jsonContentTypes);
  return prune({
    enableCapture: true,
    initialSamplingPercentage: d.samplingPercentage ?? 100,
    destinationS3Uri: d.location?.uri,
    kmsKeyId: d.kmsKey?.keyArn,
    captureOptions: [...(input ? [{ captureMode: 'Input' }] : []), ...(output ? [{ captureMode: 'Output' }] : [])],
    captureContentTypeHeader: d.csvContentTypes || d.jsonContentTypes ? { csvContentTypes: d.csvContentTypes, jsonContentTypes: d.jsonContentTypes } : undefined,
  });
}

/** The checked settings of the variant alarms. */
export interface AlarmSettings {
  readonly enabled: boolean;
  readonly latencyThreshold: Duration;
  readonly latencyMicros: number;
  readonly errorThreshold: number;
  readonly options: EndpointAlarmOptions;
}

/** Checks the alarm options (thresholds in range, no options on disabled alarms). */
export function alarmSettings(problems: ProblemList, options: EndpointAlarmOptions = {}): AlarmSettings {
  const enabled = options.enabled ?? true;
  const latencyThreshold = options.latencyThreshold ?? Duration.seconds(1);
  let latencyMicros = 1_000_000;
  if (latencyThreshold.isUnresolved()) {
    problems.add('alarms.latencyThreshold is a deploy-time value: it needs a literal duration, because the alarm threshold is computed in microseconds (the ModelLatency unit) at synth');
  } else {
    const ms = latencyThreshold.toMilliseconds({ integral: false });
    if (!(ms > 0) || ms > 3_600_000) problems.add(`invalid alarms.latencyThreshold ${latencyThreshold.toHumanString()}: use a duration above 0 and at most 1 hour`);
    latencyMicros = Math.round(ms * 1000);
  }
  const errorThreshold = options.errorThreshold ?? 1;
  integer(problems, 'alarms.errorThreshold', errorThreshold, 1, Number.MAX_SAFE_INTEGER);
  if (!enabled && (options.topic || options.latencyThreshold || options.errorThreshold !== undefined)) {
    problems.add('alarms has enabled: false with thresholds or a topic: enable the alarms or remove their options');
  }
  return { enabled, latencyThreshold, latencyMicros, errorThreshold, options };
}

const ALARM_ACTION_RULES = ['HIPAA.Security::HIPAA.Security-CloudWatchAlarmAction', 'NIST.800.53.R5::NIST.800.53.R5-CloudWatchAlarmAction'];
const NO_TOPIC_REASON = 'Created without an action because the endpoint was given no alarms.topic: the alarm shows the variant\'s health in CloudWatch and is returned in endpoint.alarms for the caller to wire to its own notification; pass alarms.topic (e.g. an AlertsTopic) to notify, or alarms.enabled: false.';

/** Two alarms per production variant (5xx errors, p99 model latency), under `scope`. */
export function addVariantAlarms(scope: Construct, endpoint: IEndpoint, variantNames: string[], s: AlarmSettings): cloudwatch.IAlarm[] {
  if (!s.enabled) return [];
  const alarms: cloudwatch.IAlarm[] = [];
  for (const variantName of variantNames) {
    const errors = new cloudwatch.Alarm(scope, `${variantName}5XXErrorsAlarm`, {
      alarmDescription: `5xx errors of variant ${variantName} of endpoint ${endpoint.endpointName}`,
      metric: endpoint.metricInvocation5XXErrors({ variantName }),
      threshold: s.errorThreshold,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const latency = new cloudwatch.Alarm(scope, `${variantName}ModelLatencyAlarm`, {
      alarmDescription: `p99 model latency of variant ${variantName} of endpoint ${endpoint.endpointName} above ${s.latencyThreshold.toHumanString()}`,
      metric: endpoint.metricModelLatency({ variantName, statistic: cloudwatch.Stats.p(99) }),
      threshold: s.latencyMicros,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    for (const alarm of [errors, latency]) {
      if (s.options.topic) {
        alarm.addAlarmAction(new cw_actions.SnsAction(s.options.topic));
      } else {
        // No topic was given: the alarms are returned (`endpoint.alarms`) for the caller to wire.
        Validations.of(alarm).acknowledge(...ALARM_ACTION_RULES.map((id) => ({ id, reason: NO_TOPIC_REASON })));
        waiveGuardRules(alarm.node.defaultChild as CfnResource, { cloudwatch_alarm_action_check: NO_TOPIC_REASON });
      }
      alarms.push(alarm);
    }
  }
  return alarms;
}
