import { Duration, Token, Tokenization } from 'aws-cdk-lib';
import { describeValue, ProblemList } from '../../private/errors';
import { ParameterType, PipelineExpression } from '../expressions';

// Render helpers of the QualityCheck and ClarifyCheck steps (not public API): the SageMaker Python
// SDK's shapes (quality_check_step.py, clarify_check_step.py, clarify.py, model_monitoring.py).

/** Container paths of the Model Monitor baselining job (quality_check_step.py). */
export const QUALITY_PATHS = {
  datasetInput: 'baseline_dataset_input',
  postProcessorInput: 'post_analytics_processor_script_input',
  preprocessorInput: 'record_preprocessor_script_input',
  input: '/opt/ml/processing/input',
  output: '/opt/ml/processing/output',
  outputName: 'quality_check_output',
};

/** Container paths of the Clarify processing job (SageMakerClarifyProcessor). */
export const CLARIFY_PATHS = {
  configInput: '/opt/ml/processing/input/config',
  dataInput: '/opt/ml/processing/input/data',
  output: '/opt/ml/processing/output',
};

/** An S3 input of a check job, in the SDK's complete form (every member written). */
export function s3Input(name: string, uri: string, localPath: string, compression: string = 'None'): Record<string, unknown> {
  return {
    InputName: name,
    S3Input: { S3Uri: uri, LocalPath: localPath, S3DataType: 'S3Prefix', S3InputMode: 'File', S3DataDistributionType: 'FullyReplicated', S3CompressionType: compression },
  };
}

/**
 * The `CacheConfig` of a check step (the SDK's CacheConfig.config): the same rule as job steps',
 * whole positive seconds rendered as an ISO-8601 duration.
 */
export function checkCacheConfig(problems: ProblemList, step: string, cache: { enabled?: boolean; expireAfter: Duration } | undefined): { Enabled: boolean; ExpireAfter: string } | undefined {
  if (!cache) return undefined;
  const seconds = cache.expireAfter.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 1) {
    problems.add(`the cache of step '${step}' expires after ${cache.expireAfter.toHumanString()} (ExpireAfter '${cache.expireAfter.toIsoString()}'): use a positive whole number of seconds (e.g. Duration.days(30), rendered 'P30D')`);
  }
  return { Enabled: cache.enabled ?? true, ExpireAfter: cache.expireAfter.toIsoString() };
}

/** The single pipeline expression a string is, if it is exactly one. */
export function expressionOf(value: string | undefined): PipelineExpression | undefined {
  if (value === undefined || !Token.isUnresolved(value)) return undefined;
  const fragments = Tokenization.reverseString(value);
  return fragments.length === 1 && fragments.firstToken instanceof PipelineExpression ? fragments.firstToken : undefined;
}

/**
 * A Model Monitor attribute (inference, probability, ground truth) is an environment value: the
 * SDK's `_format_env_variable_value` takes a literal or a String parameter, and refuses parameters of
 * other types (their run-time value would not be the string the container reads).
 */
export function checkStringArgument(problems: ProblemList, what: string, value: string | undefined): void {
  const expr = expressionOf(value);
  if (expr && expr.valueType !== undefined && expr.valueType !== ParameterType.STRING) {
    problems.add(`${what} is ${describeValue(expr.json)}, a ${expr.valueType} value: the check job reads it as a string environment value, so use a literal or a String parameter (the SDK refuses other parameter types)`);
  }
}
