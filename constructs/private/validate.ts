import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue, SageMakerConstructError } from './errors';

/** SageMaker's name rule for most resources (domains, model package groups, pipelines, jobs...). */
export const SAGEMAKER_NAME_PATTERN = /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/;

export interface NameRule {
  readonly pattern: RegExp;
  readonly minLength: number;
  readonly maxLength: number;
  /** What the rule allows, in words, for the error message. */
  readonly description: string;
}

export const SAGEMAKER_NAME: NameRule = {
  pattern: SAGEMAKER_NAME_PATTERN,
  minLength: 1,
  maxLength: 63,
  description: '1-63 letters, digits or hyphens, starting and ending with a letter or digit',
};

/** Throws when a (non-token) name breaks the rule. Returns the name for chaining. */
export function validateName(scope: IConstruct, prop: string, name: string | undefined, rule: NameRule = SAGEMAKER_NAME): string | undefined {
  if (name === undefined || Token.isUnresolved(name)) return name;
  if (name.length < rule.minLength || name.length > rule.maxLength || !rule.pattern.test(name)) {
    throw new SageMakerConstructError(scope, `invalid ${prop} ${describeValue(name)} (length ${name.length}): use ${rule.description}`);
  }
  return name;
}

/** Throws unless min <= value <= max (and an integer when asked). Tokens pass. */
export function validateNumber(scope: IConstruct, prop: string, value: number | undefined, min: number, max: number, options: { integer?: boolean; unit?: string } = {}): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  const unit = options.unit ? ` ${options.unit}` : '';
  if (Number.isNaN(value) || value < min || value > max || (options.integer && !Number.isInteger(value))) {
    throw new SageMakerConstructError(scope, `invalid ${prop} ${describeValue(value)}${unit}: use ${options.integer ? 'an integer' : 'a number'} from ${min} to ${max}${unit}`);
  }
  return value;
}

/** Throws unless the duration is a whole number of days in [min, max]. Returns days. */
export function validateDays(scope: IConstruct, prop: string, duration: Duration | undefined, min: number, max: number): number | undefined {
  if (duration === undefined) return undefined;
  if (duration.isUnresolved()) return undefined;
  const days = duration.toDays({ integral: false });
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new SageMakerConstructError(scope, `invalid ${prop} ${duration.toHumanString()}: use a whole number of days from ${min} to ${max}`);
  }
  return days;
}

/** Throws unless value is one of allowed. */
export function validateOneOf<T extends string>(scope: IConstruct, prop: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  if (!allowed.includes(value)) {
    throw new SageMakerConstructError(scope, `invalid ${prop} ${describeValue(value)}: use one of ${allowed.join(', ')}`);
  }
  return value;
}

/** Throws unless `arn` is a SageMaker ARN of `resource` with a valid name. Tokens pass. Returns the ARN. */
export function checkArn(scope: IConstruct, prop: string, arn: string, resource: string): string {
  if (Token.isUnresolved(arn)) return arn;
  const pattern = new RegExp(`^arn:[^:]+:sagemaker:[^:]*:\\d{12}:${resource}/[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$`);
  if (!pattern.test(arn)) {
    throw new SageMakerConstructError(scope, `invalid ${prop} ${describeValue(arn)}: use arn:<partition>:sagemaker:<region>:<account>:${resource}/<name>`);
  }
  return arn;
}
