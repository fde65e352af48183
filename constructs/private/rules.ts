// The SageMaker API's recurring constraints, each written once: names, ARNs, whole numbers, durations,
// choices, string maps (environment, tags). Every rule adds what is wrong to a ProblemList (so a
// construct reports all its problems at once) and lets unresolved tokens through: CloudFormation
// checks those at deploy. `checkNow` runs a rule where there is no list to collect into.
import { Duration, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { SAGEMAKER_NAME_PATTERN } from './contracts/names';
import { describeValue, ProblemList } from './errors';

export { SAGEMAKER_NAME_PATTERN };

// ---------------------------------------------------------------------------------------------
// Names and ARNs

/** A name rule of the API: its pattern and lengths, and what it allows in words. */
export interface NameRule {
  readonly pattern: RegExp;
  readonly minLength: number;
  readonly maxLength: number;
  /** What the rule allows, in words, for the error message. */
  readonly description: string;
}

/** SageMaker's name pattern with the resource's maximum length. */
export function sageMakerName(maxLength: number): NameRule {
  return {
    pattern: SAGEMAKER_NAME_PATTERN,
    minLength: 1,
    maxLength,
    description: `1-${maxLength} letters, digits or hyphens, starting and ending with a letter or digit`,
  };
}

/** Names of domains, profiles, spaces, model package groups, jobs, endpoints, models: 63 characters. */
export const SAGEMAKER_NAME = sageMakerName(63);
/** Hyperparameter tuning job names: 32 characters. */
export const TUNING_JOB_NAME = sageMakerName(32);
/** Pipeline names and display names: 256 characters. */
export const PIPELINE_NAME = sageMakerName(256);

/** Studio domain ids, as SageMaker generates them: `d-` and 12 lower-case letters or digits. */
export const STUDIO_DOMAIN_ID: NameRule = { pattern: /^d-[a-z0-9]{12}$/, minLength: 14, maxLength: 14, description: "'d-' and 12 lower-case letters or digits" };

/** Pipeline step names: 1-64 letters, digits, '-' or '_'. */
export const STEP_NAME: NameRule = { pattern: /^[A-Za-z0-9\-_]+$/, minLength: 1, maxLength: 64, description: "1-64 letters, digits, '-' or '_'" };

/** Whether a literal name keeps the rule (tokens are not checked). */
export function nameOk(name: string, rule: NameRule = SAGEMAKER_NAME): boolean {
  return Token.isUnresolved(name) || (name.length >= rule.minLength && name.length <= rule.maxLength && rule.pattern.test(name));
}

/** A name that must keep `rule`. */
export function checkName(problems: ProblemList, prop: string, name: string | undefined, rule: NameRule = SAGEMAKER_NAME): void {
  if (name === undefined || nameOk(name, rule)) return;
  problems.add(`invalid ${prop} ${describeValue(name)} (length ${name.length}): use ${rule.description}`);
}

/** Options of `checkArn`. */
export interface ArnRule {
  /** The rule of the resource name in the ARN. @default SAGEMAKER_NAME */
  readonly name?: NameRule;
  /** The ARN may end in `/<version>` (model packages). @default false */
  readonly versioned?: boolean;
}

/**
 * An ARN of a SageMaker `resource` (`endpoint`, `pipeline`, `model-package-group`...) in any
 * partition, region and account. Returns the resource name (undefined for a token or a bad ARN).
 */
export function checkArn(problems: ProblemList, prop: string, arn: string, resource: string, rule: ArnRule = {}): string | undefined {
  if (Token.isUnresolved(arn)) return undefined;
  const name = rule.name ?? SAGEMAKER_NAME;
  const m = new RegExp(`^arn:aws[a-z-]*:sagemaker:[a-z0-9-]*:\\d{12}:${resource}/([^/]+)${rule.versioned ? '(/[0-9]{1,9})?' : ''}$`).exec(arn);
  if (!m || !nameOk(m[1], name)) {
    problems.add(`invalid ${prop} ${describeValue(arn)}: expected arn:<partition>:sagemaker:<region>:<account>:${resource}/<name>${rule.versioned ? '[/<version>]' : ''} (name ${name.description})`);
    return undefined;
  }
  return m[1];
}

// ---------------------------------------------------------------------------------------------
// Numbers, durations, choices

/** Whether a number is known at synth: given and not a token (comparisons with a token are meaningless). */
export function isLiteral(n: number | undefined): n is number {
  return n !== undefined && !Token.isUnresolved(n);
}

/** A whole number in [min, max]; returns it when valid or a token, else undefined. */
export function integer(problems: ProblemList, prop: string, value: number | undefined, min: number, max: number): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  if (!Number.isInteger(value) || value < min || value > max) {
    const allowed = max === Number.MAX_SAFE_INTEGER ? ` of ${min} or more` : ` from ${min} to ${max}`;
    problems.add(`invalid ${prop} ${describeValue(value)}: use a whole number${allowed}`);
    return undefined;
  }
  return value;
}

/** A number in [min, max] (`unit` follows the numbers in the message). */
export function numberIn(problems: ProblemList, prop: string, value: number | undefined, min: number, max: number, unit?: string): number | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  const u = unit ? ` ${unit}` : '';
  if (typeof value !== 'number' || Number.isNaN(value) || value < min || value > max) {
    problems.add(`invalid ${prop} ${describeValue(value)}${u}: use a number from ${min} to ${max}${u}`);
    return undefined;
  }
  return value;
}

/**
 * Whole seconds of a duration in [min, max]. A deploy-time duration made in seconds
 * (`Duration.seconds(param.valueAsNumber)`) is returned as its number token, for CloudFormation to
 * check; one in another unit cannot be converted at synth and is refused.
 */
export function seconds(problems: ProblemList, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  if (d === undefined) return undefined;
  if (d.isUnresolved()) return tokenAmount(problems, prop, d, 'seconds');
  const s = d.toSeconds({ integral: false });
  if (!Number.isInteger(s) || s < min || s > max) {
    problems.add(`invalid ${prop} ${d.toHumanString()}: use whole seconds from ${min} to ${max} (${Duration.seconds(max).toHumanString()})`);
    return undefined;
  }
  return s;
}

/** Whole days of a duration in [min, max] (`max` MAX_SAFE_INTEGER: no upper bound). */
export function days(problems: ProblemList, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  if (d === undefined) return undefined;
  if (d.isUnresolved()) return tokenAmount(problems, prop, d, 'days');
  const n = d.toDays({ integral: false });
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.add(`invalid ${prop} ${d.toHumanString()}: use a whole number of days${max === Number.MAX_SAFE_INTEGER ? `, ${min} or more` : ` from ${min} to ${max}`}`);
    return undefined;
  }
  return n;
}

/** The number token of a deploy-time duration made in `unit`; a problem when it is in another unit. */
function tokenAmount(problems: ProblemList, prop: string, d: Duration, unit: 'seconds' | 'minutes' | 'days'): number | undefined {
  try {
    return unit === 'seconds' ? d.toSeconds() : unit === 'minutes' ? d.toMinutes() : d.toDays();
  } catch {
    problems.add(`${prop} is a deploy-time value in a unit other than ${unit}: give it as Duration.${unit}(<token>), which the template can hold as a number of ${unit}`);
    return undefined;
  }
}

/**
 * A duration that a template holds in days: a literal is checked like `days`, a deploy-time one
 * passes when it was made in days (`Duration.days(param.valueAsNumber)`).
 */
export function daysDuration(problems: ProblemList, prop: string, d: Duration | undefined, min: number, max: number): Duration | undefined {
  if (d === undefined) return undefined;
  if (d.isUnresolved()) return tokenAmount(problems, prop, d, 'days') === undefined ? undefined : d;
  const n = days(problems, prop, d, min, max);
  return n === undefined ? undefined : Duration.days(n);
}

/** One of the allowed values. */
export function oneOf<T extends string>(problems: ProblemList, prop: string, value: T | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined || Token.isUnresolved(value)) return value;
  if (!allowed.includes(value)) {
    problems.add(`invalid ${prop} ${describeValue(value)}: use one of ${allowed.join(', ')}`);
    return undefined;
  }
  return value;
}

// ---------------------------------------------------------------------------------------------
// String maps: environment variables and tags

/** The rules of a string map: how many entries, the key pattern, key and value lengths. */
export interface StringMapRule {
  readonly maxEntries: number;
  readonly keyPattern: RegExp;
  readonly maxKey: number;
  readonly maxValue: number;
}

/** A string map (environment, tags): the entry limit, key pattern and lengths. Token keys and values pass. */
export function stringMap(problems: ProblemList, prop: string, map: { [key: string]: string } | undefined, rules: StringMapRule): { [key: string]: string } | undefined {
  if (!map) return undefined;
  const entries = Object.entries(map);
  if (entries.length > rules.maxEntries) problems.add(`${prop} has ${entries.length} entries: at most ${rules.maxEntries} are allowed`);
  for (const [k, v] of entries) {
    if (!Token.isUnresolved(k) && (!rules.keyPattern.test(k) || k.length > rules.maxKey)) problems.add(`invalid ${prop} key ${describeValue(k)}: use at most ${rules.maxKey} characters matching ${rules.keyPattern}`);
    if (typeof v !== 'string') problems.add(`${prop} ${describeValue(k)} has the non-string value ${describeValue(v)}: use a string`);
    else if (!Token.isUnresolved(v) && v.length > rules.maxValue) problems.add(`${prop} ${describeValue(k)} is ${v.length} characters long: at most ${rules.maxValue}`);
  }
  return map;
}

/** Environment variable names, as every SageMaker request takes them. */
const ENV_KEY = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** The `Environment` rules of each request (the SageMaker API model's lengths differ by request). */
export const ENVIRONMENT_RULES = {
  /** CreateTrainingJob. */
  training: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 512, maxValue: 512 },
  /** CreateProcessingJob. */
  processing: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 256, maxValue: 256 },
  /** CreateModel and CreateModelPackage containers. */
  model: { maxEntries: 100, keyPattern: ENV_KEY, maxKey: 1024, maxValue: 1024 },
} as const;

/** SageMaker's tag rules (the `Tag` shape): 50 tags, keys of 1-128 and values of 0-256 characters. */
const TAG_RULES: StringMapRule = { maxEntries: 50, keyPattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u, maxKey: 128, maxValue: 256 };

/**
 * Tags as SageMaker checks them (count, key pattern and length, value length), and the reserved
 * `aws:` prefix, which only AWS may write. Keys and values that are tokens are left to the deploy.
 */
export function checkTags(problems: ProblemList, prop: string, tags: { [key: string]: string } | undefined): void {
  if (!tags) return;
  stringMap(problems, prop, tags, TAG_RULES);
  for (const key of Object.keys(tags)) {
    if (Token.isUnresolved(key)) continue;
    if (key.length === 0) problems.add(`${prop} has an empty key: tag keys are 1-128 characters`);
    if (key.toLowerCase().startsWith('aws:')) problems.add(`${prop} key ${describeValue(key)} uses the reserved prefix 'aws:'`);
  }
}

// ---------------------------------------------------------------------------------------------

/**
 * Runs the rules of an import (`fromXxxArn`, `fromXxxName`...) and throws what they found, named
 * for the import's own path (`<scope>/<id>`, the construct the user asked for) rather than its
 * scope's. The construct that names the error is only made when there is one.
 */
export function checkImport<T>(scope: IConstruct, id: string, subject: string, rules: (problems: ProblemList) => T): T {
  const problems = new ProblemList();
  const result = rules(problems);
  if (problems.length) problems.throwIfAny(new Construct(scope, id), subject);
  return result;
}

/**
 * Runs rules outside a constructor's problem list (an import, an `add*` method) and throws what
 * they found, named for `scope`. Returns what `rules` returns.
 */
export function checkNow<T>(scope: IConstruct, subject: string, rules: (problems: ProblemList) => T): T {
  const problems = new ProblemList();
  const result = rules(problems);
  problems.throwIfAny(scope, subject);
  return result;
}

// ---------------------------------------------------------------------------------------------
// Lengths in bytes; lists the API takes only non-empty

/**
 * The length of `text` in UTF-8 bytes: the unit of S3 key limits (and the safe reading of the
 * API's URI limits). `text.length` counts UTF-16 code units, so 'é' is 1 there and 2 bytes here.
 */
export function utf8Length(text: string): number {
  return Buffer.byteLength(text, 'utf8');
}

/** The rules of a list of strings: how many entries (`minItems` 1: the API refuses an empty list), how long each. */
export interface StringListRule {
  readonly minItems: number;
  readonly maxItems: number;
  readonly maxLength: number;
}

/**
 * A list of strings (container arguments, an entrypoint): its entry count and each entry's length.
 * An empty list is refused when the API takes at least one entry: omitting the prop is how to pass
 * none. A list token and token entries pass.
 */
export function stringList(problems: ProblemList, prop: string, list: string[] | undefined, rule: StringListRule): string[] | undefined {
  if (list === undefined || Token.isUnresolved(list)) return list;
  if (list.length < rule.minItems || list.length > rule.maxItems) {
    const empty = list.length === 0 ? '; to pass none, omit it' : '';
    problems.add(`${prop} has ${list.length} entries: use ${rule.minItems} to ${rule.maxItems}${empty}`);
  }
  list.forEach((entry, i) => {
    if (typeof entry !== 'string') problems.add(`${prop}[${i}] is ${describeValue(entry)}: use a string`);
    else if (!Token.isUnresolved(entry) && entry.length > rule.maxLength) problems.add(`${prop}[${i}] ${describeValue(entry)} is ${entry.length} characters long: at most ${rule.maxLength}`);
  });
  return list;
}

// ---------------------------------------------------------------------------------------------
// Minutes and literals

/**
 * Whole minutes of a duration in [min, max]. A duration from a token passes when it is in minutes
 * (`Duration.minutes(param.valueAsNumber)`): its amount, a token, is returned for the deploy to
 * check. A token in another unit cannot be converted at synth, so it is a problem.
 */
export function minutes(problems: ProblemList, prop: string, d: Duration | undefined, min: number, max: number): number | undefined {
  if (d === undefined) return undefined;
  if (d.isUnresolved()) return tokenAmount(problems, prop, d, 'minutes');
  const n = d.toMinutes({ integral: false });
  if (!Number.isInteger(n) || n < min || n > max) {
    problems.add(`invalid ${prop} ${d.toHumanString()}: use whole minutes from ${min} to ${max} (${Duration.minutes(min).toHumanString()} to ${Duration.minutes(max).toHumanString()})`);
    return undefined;
  }
  return n;
}

/**
 * A value the construct needs at synth (it decides what is created, or names a file to read), so
 * an unresolved token cannot stand for it; `why` says what it decides.
 */
export function literal(problems: ProblemList, prop: string, value: string | number | undefined, why: string): void {
  if (value !== undefined && Token.isUnresolved(value)) problems.add(`${prop} is an unresolved token (${describeValue(value)}): it needs a literal value, because ${why}`);
}
