import { Token, Tokenization } from 'aws-cdk-lib';
import { ParameterType, PipelineExpression } from './expressions';
import { Step } from './steps';
import { describeValue } from '../private/errors';

/** What a rendered value reads, and what is wrong with the values it holds. */
export interface Sources {
  readonly steps: Set<Step>;
  readonly parameters: Set<string>;
  /** The property files read with `Std:JsonGet`. */
  readonly propertyFileReads: Array<{ readonly step: Step; readonly file: string }>;
  /** Values that cannot stand where they are (a String expression where a number goes). */
  readonly problems: string[];
}

export function newSources(): Sources {
  return { steps: new Set(), parameters: new Set(), propertyFileReads: [], problems: [] };
}

function record(expr: PipelineExpression, sources: Sources): void {
  for (const s of expr._steps) sources.steps.add(s as Step);
  for (const p of expr._parameters) sources.parameters.add(p);
  for (const r of expr._propertyFileReads) sources.propertyFileReads.push(r);
}

/**
 * Members of the step requests (CreateTrainingJob, CreateTransformJob...) that take whole numbers:
 * a Float value there is refused by the service as a String one is by a number.
 */
const INTEGER_MEMBERS = new Set([
  'InstanceCount', 'InitialInstanceCount', 'VolumeSizeInGB', 'MaxRuntimeInSeconds', 'MaxWaitTimeInSeconds', 'MaxPendingTimeInSeconds',
  'MaxNumberOfTrainingJobs', 'MaxParallelTrainingJobs', 'MaxConcurrentTransforms', 'MaxPayloadInMB', 'MaximumRetryAttempts',
]);

const NON_STRING = new Set<ParameterType | undefined>([ParameterType.INTEGER, ParameterType.FLOAT, ParameterType.BOOLEAN]);

/** "Arguments.HyperParameters.num_round", "Arguments.Containers[0].Image" */
function child(at: string, key: string | number): string {
  if (typeof key === 'number') return `${at}[${key}]`;
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (at ? `${at}.${key}` : key) : `${at}[${JSON.stringify(key)}]`;
}

/**
 * Turns pipeline-expression tokens back into definition JSON (`{"Get": ...}`, `Std:Join`,
 * `Std:JsonGet`) and records what they read. A string that mixes an expression with other text
 * becomes a `Std:Join` of its parts. CloudFormation tokens (bucket names, role ARNs) stay tokens,
 * resolved when the definition is written into the template.
 *
 * Expressions are typed (`valueType`), and where one stands tells what it must be: in a string (a
 * string-typed prop, a hyperparameter, an environment value) an Integer, Float or Boolean value is
 * wrapped in a `Std:Join` (the SDK's `to_string()`: the service refuses a bare non-string `Get`
 * there); in a number, a String or Boolean value is a problem (no conversion exists). An
 * expression object itself (not a token) takes any type and renders as it is.
 */
export function toDefinitionJson(value: unknown, sources: Sources, at: string = ''): unknown {
  if (value instanceof PipelineExpression) {
    record(value, sources);
    return toDefinitionJson(value.json, sources, at);
  }
  if (typeof value === 'string') {
    if (!Token.isUnresolved(value)) return value;
    const fragments = Tokenization.reverseString(value);
    const parts: unknown[] = [];
    let hasExpression = false;
    for (const token of fragments.tokens) {
      if (token instanceof PipelineExpression) hasExpression = true;
    }
    if (!hasExpression) return value;
    const pieces = fragmentsOf(value);
    for (const piece of pieces) {
      if (piece instanceof PipelineExpression) {
        record(piece, sources);
        parts.push(toDefinitionJson(piece.json, sources, at));
      } else {
        const last = parts[parts.length - 1];
        if (typeof last === 'string' && !Token.isUnresolved(last) && !Token.isUnresolved(piece)) parts[parts.length - 1] = last + piece;
        else parts.push(piece);
      }
    }
    const nonEmpty = parts.filter((p) => p !== '');
    if (nonEmpty.length === 1 && typeof nonEmpty[0] !== 'string') {
      // The whole string is one expression: a non-string one is converted, as a string goes here.
      const only = pieces.find((p): p is PipelineExpression => p instanceof PipelineExpression);
      return only && NON_STRING.has(only.valueType) ? { 'Std:Join': { On: '', Values: nonEmpty } } : nonEmpty[0];
    }
    return { 'Std:Join': { On: '', Values: nonEmpty } };
  }
  if (typeof value === 'number') {
    if (!Token.isUnresolved(value)) return value;
    const token = Tokenization.reverseNumber(value);
    if (token instanceof PipelineExpression) {
      record(token, sources);
      const json = toDefinitionJson(token.json, sources, at);
      if (token.valueType === ParameterType.STRING || token.valueType === ParameterType.BOOLEAN) {
        sources.problems.push(`${at || 'a value'} takes a number, but got ${describeValue(json)}, a ${token.valueType} value, which the service cannot convert: use an Integer or Float parameter or property there`);
      } else if (token.valueType === ParameterType.FLOAT && INTEGER_MEMBERS.has(at.replace(/^.*\./, ''))) {
        sources.problems.push(`${at} takes a whole number, but got ${describeValue(json)}, a Float value: use an Integer parameter or property there`);
      }
      return json;
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v, i) => toDefinitionJson(v, sources, child(at, i)));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toDefinitionJson(v, sources, child(at, k));
    return out;
  }
  return value;
}

/** The literal and token pieces of a string, in order (tokens other than expressions as strings). */
function fragmentsOf(value: string): Array<string | PipelineExpression> {
  const fragments = Tokenization.reverseString(value);
  if (fragments.length === 1) {
    const only = fragments.firstToken ?? fragments.firstValue;
    return [only instanceof PipelineExpression || typeof only === 'string' ? only : Token.asString(only)];
  }
  const marker = Symbol('pieces');
  type Pieces = unknown[] & { [marker]?: true };
  const joined = fragments.join({
    join(left: unknown, right: unknown): unknown {
      const pieces: Pieces = Array.isArray(left) && (left as Pieces)[marker] ? left as Pieces : Object.assign([left], { [marker]: true as const });
      pieces.push(right);
      return pieces;
    },
  });
  const pieces = Array.isArray(joined) ? joined : [joined];
  return pieces.map((p) => typeof p === 'string' || p instanceof PipelineExpression ? p : Token.asString(p));
}
