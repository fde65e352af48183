import { Token, Tokenization } from 'aws-cdk-lib';
import { PipelineExpression } from './expressions';
import { Step } from './steps';

/** What a rendered value reads. */
export interface Sources {
  readonly steps: Set<Step>;
  readonly parameters: Set<string>;
}

export function newSources(): Sources {
  return { steps: new Set(), parameters: new Set() };
}

function record(expr: PipelineExpression, sources: Sources): void {
  for (const s of expr._steps) sources.steps.add(s as Step);
  for (const p of expr._parameters) sources.parameters.add(p);
}

/**
 * Turns pipeline-expression tokens back into definition JSON (`{"Get": ...}`, `Std:Join`,
 * `Std:JsonGet`) and records what they read. A string that mixes an expression with other text
 * becomes a `Std:Join` of its parts. CloudFormation tokens (bucket names, role ARNs) stay tokens,
 * resolved when the definition is written into the template.
 */
export function toDefinitionJson(value: unknown, sources: Sources): unknown {
  if (value instanceof PipelineExpression) {
    record(value, sources);
    return toDefinitionJson(value.json, sources);
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
        parts.push(toDefinitionJson(piece.json, sources));
      } else {
        const last = parts[parts.length - 1];
        if (typeof last === 'string' && !Token.isUnresolved(last) && !Token.isUnresolved(piece)) parts[parts.length - 1] = last + piece;
        else parts.push(piece);
      }
    }
    const nonEmpty = parts.filter((p) => p !== '');
    if (nonEmpty.length === 1 && typeof nonEmpty[0] !== 'string') return nonEmpty[0];
    return { 'Std:Join': { On: '', Values: nonEmpty } };
  }
  if (typeof value === 'number') {
    if (!Token.isUnresolved(value)) return value;
    const token = Tokenization.reverseNumber(value);
    if (token instanceof PipelineExpression) {
      record(token, sources);
      return toDefinitionJson(token.json, sources);
    }
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => toDefinitionJson(v, sources));
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toDefinitionJson(v, sources);
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
