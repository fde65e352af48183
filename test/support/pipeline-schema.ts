/**
 * Validates a rendered SageMaker Pipelines definition (the JSON object of `PipelineDefinitionBody`,
 * version 2020-12-01) against the public pipeline definition JSON schema, so tests prove a
 * definition is well formed without an AWS account.
 *
 * The schema is test/fixtures/pipeline-definition.schema.json, an unmodified copy of the public
 * schema (source in test/fixtures/README.md). That schema rejects some definitions that the
 * SageMaker service and the SageMaker Python SDK produce and accept, so a private copy of it is
 * corrected in memory (see `correctedSchema` for the list), then compiled with ajv once per process,
 * on first use.
 *
 * Unions (steps, conditions, parameters) are checked against the one branch that the item's `Type`
 * names, so an invalid step reports its own errors instead of one error per possible step type;
 * steps nested in a Condition step's IfSteps/ElseSteps are checked the same way. Each problem names
 * its JSON path, the step it is in (if any) and the message.
 *
 * Step arguments: the schema describes them incompletely. An argument member that the schema does
 * not know but the SageMaker API model (test/fixtures/sagemaker-api-model.json) knows for the step's
 * operation (Training -> CreateTrainingJob, RegisterModel -> CreateModelPackage, ...) is accepted,
 * as the service passes arguments to that API. Such members are not checked here: check step
 * arguments against the API with `expectValidSageMakerRequest` (./sagemaker-api).
 *
 * CloudFormation intrinsics (`{ Ref }`, `{ 'Fn::...' }`), where CDK tokens were resolved, are
 * replaced by placeholder strings before validation (an `Fn::Join` or `Fn::Sub` becomes its text with
 * a placeholder for each intrinsic part, so `s3://${bucket}/key` keeps its shape).
 */
import * as childProcess from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';

const SCHEMA_FILE = path.join(__dirname, '..', 'fixtures', 'pipeline-definition.schema.json');
const API_MODEL_FILE = path.join(__dirname, '..', 'fixtures', 'sagemaker-api-model.json');

/** What an intrinsic becomes: valid as a step or parameter name and as an S3 bucket name. */
const INTRINSIC_PLACEHOLDER = 'placeholder';

/** Step type -> the SageMaker API operation its Arguments are the request of. */
const STEP_OPERATIONS: Readonly<Record<string, string>> = {
  Training: 'CreateTrainingJob',
  Processing: 'CreateProcessingJob',
  Transform: 'CreateTransformJob',
  Tuning: 'CreateHyperParameterTuningJob',
  Model: 'CreateModel',
  RegisterModel: 'CreateModelPackage',
  EndpointConfig: 'CreateEndpointConfig',
  Endpoint: 'CreateEndpoint',
};

const VALUE_PREVIEW_LENGTH = 80;

// ---------------------------------------------------------------------------------------------
// Public API

/**
 * Validates a pipeline definition: the parsed JSON object, or its JSON text (a string, or an
 * `Fn::Join`/`Fn::Sub` of text and intrinsics as CDK renders `PipelineDefinitionBody`). Returns the
 * problems found, each as `<JSON path> [step "<name>" (<Type>)]: <message>` (the step part only
 * inside a step); empty when valid.
 */
export function validatePipelineDefinition(definition: unknown): string[] {
  let parsed: unknown;
  try {
    parsed = parseDefinition(definition);
  } catch (e) {
    return [`(root): not a JSON pipeline definition: ${(e as Error).message}`];
  }
  const validate = validator();
  const valid: boolean = validate(parsed); // not as a type guard: it would narrow `parsed` to never
  if (valid) return [];

  const steps = [...collectSteps(isPlainObject(parsed) ? parsed.Steps : undefined, '/Steps')];
  const errors = validate.errors ?? [];
  // A failed oneOf is reported as itself, not as the failures of each of its branches.
  const oneOfs = errors.filter((e) => e.keyword === 'oneOf');
  const inFailedOneOf = (e: ErrorObject): boolean => oneOfs.some((o) => e.schemaPath.startsWith(`${o.schemaPath}/`)
    && (e.instancePath === o.instancePath || e.instancePath.startsWith(`${o.instancePath}/`)));
  const seen = new Set<string>();
  const problems: string[] = [];
  for (const error of errors) {
    // `if` only says that a `then` failed; the `then` errors themselves are reported.
    if (error.keyword === 'if' || inFailedOneOf(error)) continue;
    const owner = ownerStep(steps, error.instancePath);
    if (owner && isApiMember(owner, error)) continue;
    const problem = `${displayPath(error.instancePath)}${owner ? ` [${owner.label}]` : ''}: ${describeError(error)}`;
    if (seen.has(problem)) continue;
    seen.add(problem);
    problems.push(problem);
  }
  return problems;
}

/** Jest helper: expects `definition` to be a valid pipeline definition (see validatePipelineDefinition). */
export function expectValidPipelineDefinition(definition: unknown): void {
  expect(validatePipelineDefinition(definition)).toEqual([]);
}

// ---------------------------------------------------------------------------------------------
// The corrected schema

type SchemaObject = Record<string, any>;

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  if (!compiled) {
    // strict: false, as the public schema trips ajv's strict mode (keywords without their `type`,
    // required properties it does not define, stray keywords: `Values` in JoinFunction and
    // `ModelPackageName` beside the properties of RegisterModelStep's Arguments).
    const ajv = new Ajv({ allErrors: true, verbose: true, strict: false });
    compiled = ajv.compile(correctedSchema());
  }
  return compiled;
}

const ref = (name: string): SchemaObject => ({ $ref: `#/definitions/${name}` });

/**
 * The public schema, read afresh (so the fixture and any other reader's copy are untouched) and
 * corrected where it rejects what the SageMaker service and the Python SDK accept.
 */
function correctedSchema(): SchemaObject {
  const schema: SchemaObject = JSON.parse(fs.readFileSync(SCHEMA_FILE, 'utf8'));
  const defs: Record<string, SchemaObject> = schema.definitions;

  // 0. `$schema` is an unversioned meta-schema URI ('http://json-schema.org/schema#') that ajv
  //    cannot resolve; the schema is draft-07 compatible.
  delete schema.$schema;

  // 1. Top-level PipelineExperimentConfig (the SDK renders it by default).
  schema.properties.PipelineExperimentConfig = {
    type: 'object',
    additionalProperties: false,
    properties: {
      ExperimentName: ref('StringArgumentValue'),
      TrialName: ref('StringArgumentValue'),
    },
  };

  // 2. PropertyFiles on Processing steps (what Std:JsonGet reads).
  defs.ProcessingStep.properties.PropertyFiles = {
    type: 'array',
    items: {
      type: 'object',
      additionalProperties: false,
      required: ['PropertyFileName', 'OutputName', 'FilePath'],
      properties: {
        PropertyFileName: { type: 'string' },
        OutputName: { type: 'string' },
        FilePath: { type: 'string' },
      },
    },
  };

  // 3. Std:Join and Std:JsonGet wherever a Get is allowed (the schema knows Get only). A value of an
  //    *ArgumentValue is a literal of its type, or any object, which must then be an expression.
  defs.PipelineExpression = {
    type: 'object',
    minProperties: 1,
    maxProperties: 1,
    additionalProperties: false,
    properties: {
      'Get': { type: 'string', minLength: 1 },
      'Std:Join': {
        type: 'object',
        additionalProperties: false,
        required: ['Values'],
        properties: {
          On: { type: 'string' },
          Values: { type: 'array', items: ref('AnyArgumentValue') },
        },
      },
      'Std:JsonGet': {
        type: 'object',
        additionalProperties: false,
        required: ['Path'],
        properties: {
          PropertyFile: ref('StringArgumentValue'),
          S3Uri: ref('StringArgumentValue'),
          Path: ref('StringArgumentValue'),
        },
        // reads either a step's property file or an S3 object
        oneOf: [{ required: ['PropertyFile'] }, { required: ['S3Uri'] }],
      },
    },
  };
  const argumentValue = (literal: SchemaObject): SchemaObject => ({
    if: { type: 'object' },
    then: ref('PipelineExpression'),
    else: literal,
  });
  defs.StringArgumentValue = argumentValue({ type: 'string' });
  defs.IntegerArgumentValue = argumentValue({ type: 'integer' });
  defs.FloatArgumentValue = argumentValue({ type: 'number' });
  defs.BooleanArgumentValue = argumentValue({ type: 'boolean' });
  defs.AnyArgumentValue = argumentValue({ type: ['string', 'number', 'boolean'] });
  defs.BinaryCondition.properties.LeftValue = ref('AnyArgumentValue');
  defs.BinaryCondition.properties.RightValue = ref('AnyArgumentValue');

  // 4. In conditions in the SDK's form only: ConditionIn.to_request renders
  //    { Type: 'In', QueryValue, Values }, and the service accepts that; the schema's { Value, In }
  //    form is not what the SDK sends and is rejected (as ../shared/tools/check-cdk-out does).
  defs.InCondition = {
    type: 'object',
    additionalProperties: false,
    required: ['Type', 'QueryValue', 'Values'],
    properties: {
      Type: { type: 'string', enum: ['In'] },
      QueryValue: ref('AnyArgumentValue'),
      Values: { type: 'array', minItems: 1, items: ref('AnyArgumentValue') },
    },
  };

  // 5. The Not condition in the SDK's form ({ Type: 'Not', Condition: ... }: ConditionNot.to_request;
  //    the service rejects any other key, e.g. `Expression`), and any condition (Or, Not included)
  //    inside Or and Not.
  defs.NotCondition = {
    type: 'object',
    additionalProperties: false,
    required: ['Type', 'Condition'],
    properties: {
      Type: { type: 'string', enum: ['Not'] },
      Condition: ref('AnyCondition'),
    },
  };
  defs.OrCondition.properties.Conditions.items = ref('AnyCondition');

  // 6. Retry policies list their exception types (the SDK renders a list; the schema takes one).
  const exceptionType = defs.RetryPolicy.properties.ExceptionType;
  defs.RetryPolicy.properties.ExceptionType = {
    if: { type: 'array' },
    then: { minItems: 1, items: exceptionType },
    else: exceptionType,
  };

  // 7. EndpointConfig steps are typed EndpointConfig (the schema repeats Endpoint).
  defs.EndpointConfigStep.properties.Type.enum = ['EndpointConfig'];

  // 8. String parameters may list their allowed values (the SDK renders EnumValues).
  defs.StringParameter.properties.EnumValues = { type: 'array', minItems: 1, items: { type: 'string' } };

  // 9. A container's ModelDataUrl may be an expression (typically the S3ModelArtifacts of a
  //    training step); the schema allows a literal URL only, which is still checked as before.
  const containerProps = defs.ContainerDefinition.properties;
  containerProps.ModelDataUrl = argumentValue(containerProps.ModelDataUrl);

  // 10. Unions checked against the branch that the item's Type names, and any step type inside a
  //     condition's IfSteps/ElseSteps (the schema allows five).
  const stepDefs = Object.keys(defs).filter((name) => name.endsWith('Step'));
  defs.AnyStep = unionByType(defs, stepDefs);
  defs.AnyCondition = unionByType(defs, ['BinaryCondition', 'InCondition', 'OrCondition', 'NotCondition']);
  defs.AnyParameter = unionByType(defs, ['StringParameter', 'IntegerParameter', 'FloatParameter', 'BooleanParameter']);
  schema.properties.Steps.items = ref('AnyStep');
  schema.properties.Parameters.items = ref('AnyParameter');
  const conditionArgs = defs.ConditionStep.properties.Arguments.properties;
  conditionArgs.Conditions.items = ref('AnyCondition');
  conditionArgs.IfSteps.items = ref('AnyStep');
  conditionArgs.ElseSteps.items = ref('AnyStep');

  return schema;
}

/**
 * A union of definitions told apart by their `Type` enum, as one `if Type is X then X` per branch
 * rather than `oneOf`, so an invalid item gets the errors of its own branch only. A definition that
 * does not require `Type` (StringParameter: String is the default) applies when Type is absent.
 */
function unionByType(defs: Record<string, SchemaObject>, names: string[]): SchemaObject {
  const branches = names.map((name) => ({
    name,
    tags: defs[name].properties.Type.enum as string[],
    typeOptional: !(defs[name].required ?? []).includes('Type'),
  }));
  const fallback = branches.find((b) => b.typeOptional);
  return {
    type: 'object',
    ...(fallback ? {} : { required: ['Type'] }),
    properties: { Type: { enum: branches.flatMap((b) => b.tags) } },
    allOf: [
      ...branches.map((b) => ({
        if: { required: ['Type'], properties: { Type: { enum: b.tags } } },
        then: ref(b.name),
      })),
      ...(fallback ? [{ if: { not: { required: ['Type'] } }, then: ref(fallback.name) }] : []),
    ],
  };
}

// ---------------------------------------------------------------------------------------------
// Intrinsics

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{ Ref: ... }` or `{ 'Fn::...': ... }`. */
function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

/** The text an intrinsic stands for, with a placeholder for what only CloudFormation knows. */
function intrinsicText(value: Record<string, unknown>): string {
  const join = value['Fn::Join'];
  if (Array.isArray(join) && join.length === 2 && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map(partText).join(join[0]);
  }
  const sub = value['Fn::Sub'];
  const template = Array.isArray(sub) ? sub[0] : sub;
  if (typeof template === 'string') {
    // ${Name} and ${Res.Attr} are substituted, ${!Literal} stands for ${Literal}
    return template.replace(/\$\{([^}]*)\}/g, (_m, name: string) => (name.startsWith('!') ? `\${${name.slice(1)}}` : INTRINSIC_PLACEHOLDER));
  }
  return INTRINSIC_PLACEHOLDER;
}

function partText(part: unknown): string {
  if (typeof part === 'string') return part;
  if (isIntrinsic(part)) return intrinsicText(part);
  return typeof part === 'number' || typeof part === 'boolean' ? String(part) : INTRINSIC_PLACEHOLDER;
}

/** A copy of `value` with each intrinsic replaced by its placeholder text. */
function withoutIntrinsics(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutIntrinsics);
  if (isIntrinsic(value)) return intrinsicText(value);
  if (isPlainObject(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutIntrinsics(v)]));
  }
  return value;
}

/** The definition object, from an object, JSON text, or an intrinsic that renders JSON text. */
function parseDefinition(definition: unknown): unknown {
  if (typeof definition === 'string') return withoutIntrinsics(JSON.parse(definition));
  if (isIntrinsic(definition)) return withoutIntrinsics(JSON.parse(intrinsicText(definition)));
  return withoutIntrinsics(definition);
}

// ---------------------------------------------------------------------------------------------
// Problems

interface StepAt {
  /** JSON pointer of the step. */
  readonly at: string;
  readonly type?: string;
  readonly label: string;
}

/** Every step with its JSON pointer, parents before the steps of their IfSteps/ElseSteps. */
function* collectSteps(steps: unknown, at: string): Generator<StepAt> {
  if (!Array.isArray(steps)) return;
  for (const [i, step] of steps.entries()) {
    const s = isPlainObject(step) ? step : {};
    const type = typeof s.Type === 'string' ? s.Type : undefined;
    const name = typeof s.Name === 'string' ? `"${s.Name}"` : 'without a Name';
    yield { at: `${at}/${i}`, type, label: `step ${name}${type ? ` (${type})` : ''}` };
    if (type === 'Condition' && isPlainObject(s.Arguments)) {
      yield* collectSteps(s.Arguments.IfSteps, `${at}/${i}/Arguments/IfSteps`);
      yield* collectSteps(s.Arguments.ElseSteps, `${at}/${i}/Arguments/ElseSteps`);
    }
  }
}

/** The innermost step that `pointer` is in. */
function ownerStep(steps: StepAt[], pointer: string): StepAt | undefined {
  let owner: StepAt | undefined;
  for (const step of steps) {
    if ((pointer === step.at || pointer.startsWith(`${step.at}/`)) && (!owner || step.at.length > owner.at.length)) owner = step;
  }
  return owner;
}

const decodeSegment = (segment: string): string => segment.replace(/~1/g, '/').replace(/~0/g, '~');

/** "/Steps/0/Arguments/Std:Join" -> 'Steps[0].Arguments["Std:Join"]'; "" -> "(root)". */
function displayPath(pointer: string): string {
  if (!pointer) return '(root)';
  let out = '';
  for (const segment of pointer.split('/').slice(1).map(decodeSegment)) {
    if (/^\d+$/.test(segment)) out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

function preview(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > VALUE_PREVIEW_LENGTH ? `${text.slice(0, VALUE_PREVIEW_LENGTH - 3)}...` : text;
}

function describeError(error: ErrorObject): string {
  switch (error.keyword) {
    case 'additionalProperties':
      return `unknown property '${error.params.additionalProperty}'`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')} (got ${preview(error.data)})`;
    case 'type':
    case 'pattern':
    case 'const':
    case 'minLength':
    case 'maxLength':
      return `${error.message} (got ${preview(error.data)})`;
    case 'oneOf': {
      // oneOf of { required: [one property] } branches: say which properties
      const branches = Array.isArray(error.schema) ? error.schema as SchemaObject[] : [];
      const keys = branches.map((b) => (Object.keys(b).length === 1 && b.required?.length === 1 ? b.required[0] : undefined));
      if (keys.length > 0 && keys.every((k) => k !== undefined)) return `must have exactly one of ${keys.map((k) => `'${k}'`).join(', ')}`;
      return error.message ?? error.keyword;
    }
    default:
      return error.message ?? error.keyword;
  }
}

// The SageMaker API model, for step argument members the schema lacks.

interface ApiShape {
  readonly type: string;
  readonly members?: Readonly<Record<string, { readonly shape: string }>>;
  readonly member?: { readonly shape: string };
  readonly value?: { readonly shape: string };
}

interface ApiModel {
  readonly operations: Readonly<Record<string, { readonly input: string }>>;
  readonly shapes: Readonly<Record<string, ApiShape>>;
}

let apiModel: ApiModel | undefined;

function loadApiModel(): ApiModel {
  if (!apiModel) apiModel = JSON.parse(fs.readFileSync(API_MODEL_FILE, 'utf8')) as ApiModel;
  return apiModel;
}

/**
 * Whether `error` is an unknown-property error inside the Arguments of `step` about a member that
 * the API model knows for the step's operation.
 */
function isApiMember(step: StepAt, error: ErrorObject): boolean {
  const operation = step.type ? STEP_OPERATIONS[step.type] : undefined;
  const argumentsAt = `${step.at}/Arguments`;
  if (error.keyword !== 'additionalProperties' || !operation) return false;
  if (error.instancePath !== argumentsAt && !error.instancePath.startsWith(`${argumentsAt}/`)) return false;
  const model = loadApiModel();
  const input = model.operations[operation]?.input;
  if (!input) return false;
  const segments = error.instancePath.slice(argumentsAt.length).split('/').slice(1).map(decodeSegment);
  segments.push(String(error.params.additionalProperty));
  let shape: ApiShape | undefined = model.shapes[input];
  for (const segment of segments) {
    if (!shape) return false;
    const next: string | undefined = shape.type === 'structure' ? (shape.members && Object.hasOwn(shape.members, segment) ? shape.members[segment].shape : undefined)
      : shape.type === 'list' && /^\d+$/.test(segment) ? shape.member?.shape
        : shape.type === 'map' ? shape.value?.shape
          : undefined;
    shape = next !== undefined && Object.hasOwn(model.shapes, next) ? model.shapes[next] : undefined;
  }
  return shape !== undefined;
}

// ---------------------------------------------------------------------------------------------
// check-cdk-out's pipeline checks, for what a schema cannot tell

/** The checker of synthesized assemblies beside the project (README.md there). */
const CHECK_CDK_OUT_TOOLS = path.join(__dirname, '..', '..', '..', 'shared', 'tools');

interface CdkOutFinding {
  readonly check: string;
  readonly severity: 'error' | 'warning';
  readonly rule: string;
  readonly step?: string;
  readonly path?: string;
  readonly message: string;
}

interface CdkOutPipelineChecks {
  check(template: unknown, resolver: unknown, assets: Map<string, string>): { findings: CdkOutFinding[] };
}

let cdkOutChecks: { checks: CdkOutPipelineChecks; Resolver: new (template: unknown) => unknown } | undefined;

/**
 * check-cdk-out's own pipeline checks, loaded from ../shared/tools/checker: its corrected schema (the
 * same corrections as above) and every step's arguments against the SageMaker API model, with each
 * `Get` typed (parameters, execution variables, Describe* response members, Lambda/Callback outputs)
 * against the argument it stands in (`ExpressionType`, `PropertyPath`). Its npm dependencies are
 * installed by the check-cdk-out script on its first run (into ~/.cache/sm-cdk-checks), which this
 * triggers when they are missing.
 */
function loadCdkOutChecks(): NonNullable<typeof cdkOutChecks> {
  if (cdkOutChecks) return cdkOutChecks;
  const script = path.join(CHECK_CDK_OUT_TOOLS, 'check-cdk-out');
  if (!fs.existsSync(script)) throw new Error(`check-cdk-out not found at ${script}: the pipeline checks need ../shared/tools beside the project`);
  const lock = fs.readFileSync(path.join(CHECK_CDK_OUT_TOOLS, 'package-lock.json'));
  const cache = process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache');
  const deps = path.join(cache, 'sm-cdk-checks', crypto.createHash('sha256').update(lock).digest('hex').slice(0, 16));
  if (!fs.existsSync(path.join(deps, 'node_modules'))) {
    // The script installs its dependencies, then exits 2 for want of templates in an empty folder.
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'check-cdk-out-'));
    childProcess.spawnSync(script, [empty], { stdio: 'ignore' });
    if (!fs.existsSync(path.join(deps, 'node_modules'))) throw new Error(`check-cdk-out could not install its dependencies into ${deps}`);
  }
  process.env.SM_CDK_CHECKS_DEPS = deps;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the checker is CommonJS outside the project
  const { PipelineChecks } = require(path.join(CHECK_CDK_OUT_TOOLS, 'checker', 'pipeline.js'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- the checker is CommonJS outside the project
  const { Resolver } = require(path.join(CHECK_CDK_OUT_TOOLS, 'checker', 'intrinsics.js'));
  cdkOutChecks = { checks: new PipelineChecks(), Resolver };
  return cdkOutChecks;
}

/**
 * The errors check-cdk-out reports for the `AWS::SageMaker::Pipeline` resources of a synthesized
 * template (`Template.fromStack(stack).toJSON()`), each as `<rule> [<step>] <path>: <message>`;
 * empty when every definition would pass `../shared/tools/check-cdk-out`.
 */
export function checkPipelinesWithCdkOut(template: unknown): string[] {
  const { checks, Resolver } = loadCdkOutChecks();
  const { findings } = checks.check(template, new Resolver(template), new Map());
  return findings.filter((f) => f.severity === 'error').map((f) => `${f.rule}${f.step ? ` [${f.step}]` : ''}${f.path ? ` ${f.path}` : ''}: ${f.message}`);
}
