/**
 * Validates SageMaker API request objects (what our constructs render for CreateTrainingJob, the
 * Arguments of SageMaker Pipelines steps, custom-resource SDK calls...) against botocore's SageMaker
 * service model, so tests prove a request is acceptable to the API without an AWS account.
 *
 * The model is test/fixtures/sagemaker-api-model.json, a trimmed botocore service-2.json generated
 * by scripts/gen-sagemaker-api-model.mjs (regenerate it to add an operation or refresh the model).
 * It is loaded and indexed once per process, on first use.
 *
 * What is checked, per shape of the model: missing required members, unknown members (the API
 * rejects them), JSON types, enums, string lengths and patterns, numeric ranges, list and map
 * sizes, and that a union sets exactly one member. Patterns are Java regular expressions that the
 * service matches against the whole value; they are translated to JS where needed and skipped when
 * they cannot be compiled. Values that are only known at deploy or run time (CloudFormation
 * intrinsics, CDK tokens, Pipelines expressions) are "deferred": accepted without checks.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';

/** Provenance of the model (see scripts/gen-sagemaker-api-model.mjs). */
export interface SageMakerModelInfo {
  /** Where the service model came from (a GitHub URL at a commit, or a local botocore). */
  readonly source: string;
  readonly botocoreVersion: string;
  readonly commit?: string;
  readonly commitDate?: string;
  /** sha256 of the full, untrimmed service-2.json. */
  readonly sha256: string;
  readonly apiVersion: string;
  readonly operationCount: number;
  readonly shapeCount: number;
  /** Requested operations that were not in the model. */
  readonly missingOperations: readonly string[];
  /** Shapes whose (over-long) pattern was dropped to keep the fixture small. */
  readonly droppedLongPatterns: readonly string[];
  readonly [key: string]: unknown;
}

export interface ValidateSageMakerRequestOptions {
  /**
   * Additional values to treat as deferred (valid but unknown until deploy or run time), on top of
   * the defaults: CloudFormation intrinsics (`{ Ref }`, `{ 'Fn::...' }`), unresolved CDK tokens and
   * SageMaker Pipelines expressions (`{ Get }`, `{ 'Std:...' }`).
   */
  readonly isDeferred?: (value: unknown) => boolean;
  /**
   * Required members that may be missing, as member paths relative to the request without list
   * indices or map keys, e.g. `['TrainingJobName']` for the Arguments of a Pipelines training step
   * (Pipelines names the job itself).
   */
  readonly allowMissing?: readonly string[];
}

interface MemberRef {
  readonly shape: string;
  readonly idempotencyToken?: boolean;
}

interface Shape {
  readonly type: string;
  readonly members?: Readonly<Record<string, MemberRef>>;
  readonly required?: readonly string[];
  readonly enum?: readonly string[];
  readonly min?: number;
  readonly max?: number;
  readonly pattern?: string;
  readonly union?: boolean;
  readonly member?: MemberRef;
  readonly key?: MemberRef;
  readonly value?: MemberRef;
}

interface ApiModel {
  readonly metadata: SageMakerModelInfo;
  readonly operations: Readonly<Record<string, { readonly input: string; readonly output?: string }>>;
  readonly shapes: Readonly<Record<string, Shape>>;
}

const MODEL_FILE = path.join(__dirname, '..', 'fixtures', 'sagemaker-api-model.json');
const ENUM_LIST_LIMIT = 15;

let model: ApiModel | undefined;
const enumSets = new Map<string, ReadonlySet<string>>();
const regexps = new Map<string, RegExp | null>();
const memberIndex = new Map<string, ReadonlyMap<string, string>>();

function loadModel(): ApiModel {
  if (!model) model = JSON.parse(fs.readFileSync(MODEL_FILE, 'utf8')) as ApiModel;
  return model;
}

/** Provenance of the SageMaker API model the validator uses (for test reports). */
export function sageMakerModelInfo(): SageMakerModelInfo {
  return loadModel().metadata;
}

/** The operations the model has (a request for any other throws). */
export function sageMakerOperations(): string[] {
  return Object.keys(loadModel().operations);
}

/**
 * Validates `input` as the request of SageMaker `operation` (`CreateTrainingJob`; `createTrainingJob`
 * and `CreateTrainingJobCommand` are accepted too). Returns the problems found, each prefixed with
 * its JSON path (`CreateTrainingJob.InputDataConfig[1].ChannelName: ...`); empty when valid.
 * Throws for an operation that is not in the model.
 */
export function validateSageMakerRequest(
  operation: string,
  input: unknown,
  options: ValidateSageMakerRequestOptions = {},
): string[] {
  const m = loadModel();
  const name = resolveOperation(m, operation);
  const ctx: Context = {
    model: m,
    problems: [],
    isDeferred: options.isDeferred,
    allowMissing: new Set(options.allowMissing ?? []),
  };
  checkValue(ctx, m.operations[name].input, input, name, '');
  return ctx.problems;
}

/** Jest helper: expects `input` to be a valid request of `operation` (see validateSageMakerRequest). */
export function expectValidSageMakerRequest(
  operation: string,
  input: unknown,
  options?: ValidateSageMakerRequestOptions,
): void {
  expect(validateSageMakerRequest(operation, input, options)).toEqual([]);
}

/**
 * Jest helper: expects every recorded SageMaker call (`{ command: 'DeleteAppCommand', input }`, as a
 * ScriptedClient records them) to be a valid request, and at least one to have been made. The
 * recorded inputs are structuredClone copies, whose objects come from another realm than the test's
 * (the plain-object check compares prototypes): a JSON round trip brings them back.
 */
export function expectValidSageMakerCalls(calls: ReadonlyArray<{ readonly command: string; readonly input: unknown }>): void {
  expect(calls.length).toBeGreaterThan(0);
  for (const call of calls) {
    expect(validateSageMakerRequest(call.command, JSON.parse(JSON.stringify(call.input ?? {})))).toEqual([]);
  }
}

function resolveOperation(m: ApiModel, operation: string): string {
  const candidates = [operation, operation.replace(/Command$/, '')];
  for (const c of candidates) {
    const name = c.charAt(0).toUpperCase() + c.slice(1);
    if (Object.prototype.hasOwnProperty.call(m.operations, name)) return name;
  }
  throw new Error(
    `Unknown SageMaker operation '${operation}': not in ${path.relative(process.cwd(), MODEL_FILE)} ` +
    `(add it to scripts/gen-sagemaker-api-model.mjs and regenerate). Known: ${Object.keys(m.operations).join(', ')}`,
  );
}

interface Context {
  readonly model: ApiModel;
  readonly problems: string[];
  readonly isDeferred?: (value: unknown) => boolean;
  readonly allowMissing: ReadonlySet<string>;
}

// ---------------------------------------------------------------------------------------------
// Deferred values

const TOKEN_MARKER = '${Token[';

/** A string holding an unresolved CDK token or a CloudFormation dynamic reference. */
function hasUnresolvedText(s: string): boolean {
  return s.includes(TOKEN_MARKER) || s.includes('{{resolve:');
}

function isSingleKeyObject(value: unknown): value is Record<string, unknown> {
  return isPlainObject(value) && Object.keys(value).length === 1;
}

/** `{ Ref: ... }` or `{ 'Fn::...': ... }`. */
function isIntrinsic(value: unknown): boolean {
  if (!isSingleKeyObject(value)) return false;
  const key = Object.keys(value)[0];
  return key === 'Ref' || key.startsWith('Fn::');
}

/** SageMaker Pipelines runtime expressions: `{ Get: 'Steps.X...' }`, `{ 'Std:Join': ... }`... */
function isPipelineExpression(value: unknown): boolean {
  if (!isSingleKeyObject(value)) return false;
  const key = Object.keys(value)[0];
  return key === 'Get' || key.startsWith('Std:');
}

function isDeferred(ctx: Context, value: unknown): boolean {
  if (typeof value === 'string') return hasUnresolvedText(value) || (ctx.isDeferred?.(value) ?? false);
  return isIntrinsic(value)
    || isPipelineExpression(value)
    || Token.isUnresolved(value) // number and list tokens, IResolvable objects
    || (ctx.isDeferred?.(value) ?? false);
}

/** `{ 'Fn::Join': [sep, [literal strings]] }` → the joined string, else undefined. */
function literalJoin(value: unknown): string | undefined {
  if (!isSingleKeyObject(value) || !('Fn::Join' in value)) return undefined;
  const args = value['Fn::Join'];
  if (!Array.isArray(args) || args.length !== 2) return undefined;
  const [sep, parts] = args;
  if (typeof sep !== 'string' || !Array.isArray(parts)) return undefined;
  if (!parts.every((p) => typeof p === 'string' && !hasUnresolvedText(p))) return undefined;
  return parts.join(sep);
}

// ---------------------------------------------------------------------------------------------
// Checks

function checkValue(ctx: Context, shapeName: string, value: unknown, where: string, memberPath: string): void {
  const shape = ctx.model.shapes[shapeName];
  if (!shape) throw new Error(`SageMaker API model is missing shape ${shapeName} (regenerate the fixture)`);

  if (shape.type === 'string') {
    const joined = literalJoin(value);
    if (joined !== undefined) {
      if (!(ctx.isDeferred?.(value) ?? false)) checkString(ctx, shapeName, shape, joined, where);
      return;
    }
  }
  if (isDeferred(ctx, value)) return;

  const problem = (msg: string): void => { ctx.problems.push(`${where}: ${msg}`); };
  switch (shape.type) {
    case 'structure':
      if (!isPlainObject(value)) return problem(`expected a structure (object), got ${describe(value)}`);
      return checkStructure(ctx, shapeName, shape, value, where, memberPath);
    case 'list':
      if (!Array.isArray(value)) return problem(`expected a list (array), got ${describe(value)}`);
      checkSize(ctx, shape, value.length, 'item', where);
      value.forEach((item, i) => checkValue(ctx, shape.member!.shape, item, `${where}[${i}]`, memberPath));
      return;
    case 'map': {
      if (!isPlainObject(value)) return problem(`expected a map (object), got ${describe(value)}`);
      const entries = Object.entries(value).filter(([, v]) => v !== undefined);
      checkSize(ctx, shape, entries.length, 'entry', where);
      for (const [k, v] of entries) {
        const at = `${where}[${JSON.stringify(k)}]`;
        checkValue(ctx, shape.key!.shape, k, `${at} (key)`, memberPath);
        checkValue(ctx, shape.value!.shape, v, at, memberPath);
      }
      return;
    }
    case 'string':
      if (typeof value !== 'string') return problem(`expected a string, got ${describe(value)}`);
      return checkString(ctx, shapeName, shape, value, where);
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        return problem(`expected ${article(shape.type)} ${shape.type} (whole number), got ${describe(value)}`);
      }
      return checkRange(ctx, shape, value, where);
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        return problem(`expected a ${shape.type} (number), got ${describe(value)}`);
      }
      return checkRange(ctx, shape, value, where);
    case 'boolean':
      if (typeof value !== 'boolean') return problem(`expected a boolean, got ${describe(value)}`);
      return;
    case 'timestamp':
      if (!isTimestamp(value)) {
        return problem(`expected a timestamp (Date, ISO 8601 string or epoch seconds), got ${describe(value)}`);
      }
      return;
    case 'blob':
      if (typeof value === 'string') return checkSize(ctx, shape, Buffer.byteLength(value, 'utf8'), 'byte', where);
      if (value instanceof Uint8Array) return checkSize(ctx, shape, value.byteLength, 'byte', where);
      return problem(`expected a blob (string or Uint8Array), got ${describe(value)}`);
    default:
      return; // a type this validator does not know (none in the SageMaker model today)
  }
}

function checkStructure(
  ctx: Context, shapeName: string, shape: Shape, value: Record<string, unknown>, where: string, memberPath: string,
): void {
  const members = shape.members ?? {};
  const present: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue; // dropped by JSON rendering
    const ref = members[key];
    if (!ref) {
      const suggestion = similarMember(shapeName, members, key);
      ctx.problems.push(`${where}.${key}: unknown member of ${shapeName}` +
        (suggestion ? ` (did you mean '${suggestion}'?)` : ` (members: ${Object.keys(members).join(', ') || 'none'})`));
      continue;
    }
    present.push(key);
    checkValue(ctx, ref.shape, v, `${where}.${key}`, memberPath ? `${memberPath}.${key}` : key);
  }
  for (const req of shape.required ?? []) {
    if (value[req] !== undefined) continue;
    if (members[req]?.idempotencyToken) continue; // SDKs fill idempotency tokens in
    const reqPath = memberPath ? `${memberPath}.${req}` : req;
    if (ctx.allowMissing.has(reqPath)) continue;
    ctx.problems.push(`${where}.${req}: required member of ${shapeName} is missing`);
  }
  if (shape.union && present.length !== 1) {
    ctx.problems.push(`${where}: ${shapeName} is a union: set exactly one of ${Object.keys(members).join(', ')}` +
      (present.length ? `, got ${present.join(', ')}` : ', got none'));
  }
}

function checkString(ctx: Context, shapeName: string, shape: Shape, value: string, where: string): void {
  if (hasUnresolvedText(value)) return;
  const problem = (msg: string): void => { ctx.problems.push(`${where}: ${msg}`); };
  if (shape.enum) {
    let set = enumSets.get(shapeName);
    if (!set) enumSets.set(shapeName, set = new Set(shape.enum));
    if (!set.has(value)) {
      const shown = shape.enum.slice(0, ENUM_LIST_LIMIT).join(', ');
      const more = shape.enum.length > ENUM_LIST_LIMIT ? `, ... (${shape.enum.length - ENUM_LIST_LIMIT} more)` : '';
      problem(`${show(value)} is not one of ${shown}${more}`);
    }
    // SageMaker enums carry no other constraints; still fall through for min/max/pattern.
  }
  const length = codePointLength(value);
  if (shape.min !== undefined && length < shape.min) {
    problem(`${show(value)} is ${length} characters long, less than the minimum ${shape.min}`);
  }
  if (shape.max !== undefined && length > shape.max) {
    problem(`${show(value)} is ${length} characters long, more than the maximum ${shape.max}`);
  }
  if (shape.pattern !== undefined) {
    const re = compilePattern(shape.pattern);
    if (re && !re.test(value)) {
      problem(`${show(value)} does not match the pattern ${truncate(shape.pattern, 160)} (whole value) of ${shapeName}`);
    }
  }
}

function checkRange(ctx: Context, shape: Shape, value: number, where: string): void {
  if (shape.min !== undefined && value < shape.min) {
    ctx.problems.push(`${where}: ${value} is less than the minimum ${shape.min}`);
  }
  if (shape.max !== undefined && value > shape.max) {
    ctx.problems.push(`${where}: ${value} is more than the maximum ${shape.max}`);
  }
}

function checkSize(ctx: Context, shape: Shape, size: number, unit: 'item' | 'entry' | 'byte', where: string): void {
  const plural = (n: number) => `${n} ${unit === 'entry' ? (n === 1 ? 'entry' : 'entries') : unit + (n === 1 ? '' : 's')}`;
  if (shape.min !== undefined && size < shape.min) {
    ctx.problems.push(`${where}: has ${plural(size)}, fewer than the minimum ${shape.min}`);
  }
  if (shape.max !== undefined && size > shape.max) {
    ctx.problems.push(`${where}: has ${plural(size)}, more than the maximum ${shape.max}`);
  }
}

function similarMember(shapeName: string, members: Readonly<Record<string, MemberRef>>, key: string): string | undefined {
  let index = memberIndex.get(shapeName);
  if (!index) {
    index = new Map(Object.keys(members).map((n) => [normalizeName(n), n]));
    memberIndex.set(shapeName, index);
  }
  return index.get(normalizeName(key));
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

// ---------------------------------------------------------------------------------------------
// Patterns: Java regular expressions, matched against the whole value.

/** Java POSIX classes (`\p{Alnum}`...) as the contents of a JS character class. */
const POSIX_CLASSES: Record<string, string> = {
  Lower: 'a-z', Upper: 'A-Z', ASCII: '\\x00-\\x7F', Alpha: 'A-Za-z', Digit: '0-9', Alnum: 'A-Za-z0-9',
  Punct: '!-\\/:-@\\[-`{-~', Graph: '!-~', Print: ' -~', Blank: ' \\t', Cntrl: '\\x00-\\x1F\\x7F',
  XDigit: '0-9A-Fa-f', Space: ' \\t\\n\\x0B\\f\\r',
};

/**
 * Rewrites the Java-only bits of a model pattern: POSIX `\p{Alnum}` classes, `\A` `\z` `\Z`, and a
 * quantified `$` (`...${1,128}`, which Java accepts and means `$`).
 */
function javaToJs(pattern: string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      const posix = /^\\p\{(\w+)\}/.exec(pattern.slice(i));
      if (posix && POSIX_CLASSES[posix[1]] !== undefined) {
        out += inClass ? POSIX_CLASSES[posix[1]] : `[${POSIX_CLASSES[posix[1]]}]`;
        i += posix[0].length - 1;
        continue;
      }
      const next = pattern[i + 1];
      if (!inClass && next === 'A') out += '^';
      else if (!inClass && next === 'z') out += '$';
      else if (!inClass && next === 'Z') out += '(?=\\n?$)';
      else out += c + (next ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      out += c;
      continue;
    }
    if (c === '[') {
      inClass = true;
      out += c;
      // a leading ']' (or '^]') is a literal in Java
      if (pattern[i + 1] === '^') out += pattern[++i];
      if (pattern[i + 1] === ']') out += '\\' + pattern[++i];
      continue;
    }
    if (c === '$') {
      const quantifier = /^\$(\{\d+(,\d*)?\}|[*+?])/.exec(pattern.slice(i));
      if (quantifier) {
        out += '$';
        i += quantifier[0].length - 1;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * The JS RegExp the validator uses for a model pattern (a Java regular expression matched against
 * the whole value), or null when it cannot be compiled in JS and is skipped.
 */
export function compileSageMakerPattern(pattern: string): RegExp | null {
  return compilePattern(pattern);
}

function compilePattern(pattern: string): RegExp | null {
  let re = regexps.get(pattern);
  if (re !== undefined) return re;
  const source = `^(?:${javaToJs(pattern)})$`;
  re = null;
  try {
    // 'u' for \p{L} classes and surrogate pairs, as Java matches code points
    re = new RegExp(source, 'u');
  } catch {
    // Unicode mode rejects identity escapes such as \_ or \- outside a class; without \p{...} the
    // legacy mode means the same thing.
    if (!/\\[pP]\{/.test(source)) {
      try {
        re = new RegExp(source);
      } catch {
        re = null;
      }
    }
  }
  regexps.set(pattern, re);
  return re;
}

// ---------------------------------------------------------------------------------------------
// Helpers

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  // Plain objects from any realm (Jest's structuredClone copies come from another one).
  const proto = Object.getPrototypeOf(value);
  return proto === null || proto === Object.prototype || Object.getPrototypeOf(proto) === null;
}

function isTimestamp(value: unknown): boolean {
  if (value instanceof Date) return !Number.isNaN(value.getTime());
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value === 'string') {
    return /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?)?$/i.test(value)
      && !Number.isNaN(Date.parse(value));
  }
  return false;
}

function codePointLength(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function truncate(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max)}...` : s;
}

function show(value: string): string {
  return `'${truncate(value, 80)}'`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `array ${truncate(safeJson(value), 60)}`;
  if (value instanceof Date) return 'Date';
  if (typeof value === 'string') return `string ${show(value)}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  if (typeof value === 'object') return `object ${truncate(safeJson(value), 60)}`;
  return typeof value;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
