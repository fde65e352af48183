import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { createHash } from 'crypto';
import { ArnFormat, IResource, Resource, Stack, Token, Tokenization } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { CfnPipeline } from 'aws-cdk-lib/aws-sagemaker';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import { ExecutionVariable, ParameterType, PipelineExpression, PipelineParameter } from './expressions';
import { newSources, toDefinitionJson } from './render';
import { ConditionStep, RenderContext, Step } from './steps';
import type { StepBody } from './private/step-render';
import { describeValue, ProblemList, SageMakerConstructError } from '../private/errors';
import { checkArn, checkImport, checkName, checkNow, PIPELINE_NAME, STEP_NAME } from '../private/rules';
import { generatePhysicalName } from '../private/naming';
import { PipelineJobRoles } from './private/job-roles';
import { LeastPrivilegeRole } from '../private/role';

/** The status of a pipeline execution. */
export enum PipelineExecutionStatus {
  /** Running. */
  EXECUTING = 'Executing',
  /** Stopping. */
  STOPPING = 'Stopping',
  /** Stopped. */
  STOPPED = 'Stopped',
  /** Failed. */
  FAILED = 'Failed',
  /** Succeeded. */
  SUCCEEDED = 'Succeeded',
}

/** Where the definition is stored. */
export enum DefinitionStorage {
  /** Inline when it fits (500,000 characters), otherwise in S3 (only possible without CloudFormation references). */
  AUTO = 'AUTO',
  /** In the template (`PipelineDefinitionBody`). */
  INLINE = 'INLINE',
  /** In an S3 asset (`PipelineDefinitionS3Location`); the definition must not hold CloudFormation references. */
  S3 = 'S3',
}

/**
 * A SageMaker pipeline. It is also aws-cdk-lib's generated `IPipelineRef`, so it can be passed where
 * aws-cdk-lib constructs take a pipeline reference.
 */
export interface IPipeline extends IResource, sagemakerRefs.IPipelineRef {
  /**
   * The pipeline's name.
   * @attribute
   */
  readonly pipelineName: string;
  /**
   * The pipeline's ARN.
   * @attribute
   */
  readonly pipelineArn: string;
  /** Start executions (and read them). */
  grantStartExecution(grantee: iam.IGrantable): iam.Grant;
  /** An EventBridge rule for execution status changes of this pipeline. */
  onExecutionStatusChange(id: string, options?: ExecutionStatusChangeOptions): events.Rule;
}

/** Options of `onExecutionStatusChange`. */
export interface ExecutionStatusChangeOptions {
  /**
   * Only these new statuses.
   * @default - every status
   */
  readonly statuses?: PipelineExecutionStatus[];
  /**
   * The rule's target.
   * @default - none; add with `rule.addTarget()`
   */
  readonly target?: events.IRuleTarget;
  /**
   * The rule's description.
   * @default - generated
   */
  readonly description?: string;
}

/** A schedule that starts executions. */
export interface PipelineSchedule {
  /** `rate(1 day)`, `cron(0 6 * * ? *)` or `at(2026-12-01T06:00:00)`. */
  readonly expression: string;
  /**
   * Parameter values of the scheduled executions (names must be declared parameters).
   * @default - the parameters' defaults
   */
  readonly parameters?: { [name: string]: string };
  /**
   * Time zone of a cron or at expression.
   * @default 'UTC'
   */
  readonly timezone?: string;
  /**
   * Description of the schedule.
   * @default - generated
   */
  readonly description?: string;
}

/** Names of the experiment and trial (run group) an execution records its jobs in. */
export interface PipelineExperimentOptions {
  /**
   * The experiment's name: a literal (1-120 letters, digits, hyphens), a parameter's value, an
   * execution variable or a `PipelineFunctions.join`. An existing experiment of that name is reused.
   * @default ExecutionVariable.PIPELINE_NAME
   */
  readonly experimentName?: string;
  /**
   * The trial's (run group's) name, one per execution: a literal, a parameter's value, an execution
   * variable or a `PipelineFunctions.join` (e.g. `join(['nightly', ExecutionVariable.PIPELINE_EXECUTION_ID], '-')`).
   * @default ExecutionVariable.PIPELINE_EXECUTION_ID
   */
  readonly trialName?: string;
}

/**
 * The definition's `PipelineExperimentConfig`: SageMaker Experiments entities the service creates
 * for each execution (an experiment, a trial per execution, a trial component per job). The SDK
 * writes one by default (`PipelineName` / `PipelineExecutionId`); so does `Pipeline`.
 */
export class PipelineExperiment {
  /** The SDK's default: the pipeline's name as the experiment, the execution ID as the trial. */
  public static default(): PipelineExperiment {
    return new PipelineExperiment({});
  }

  /** An experiment and trial named as given (each defaults as in `default()`). */
  public static of(options: PipelineExperimentOptions): PipelineExperiment {
    return new PipelineExperiment(options);
  }

  /** No experiment: the definition has no `PipelineExperimentConfig` (the SDK's `pipeline_experiment_config=None`). */
  public static none(): PipelineExperiment {
    return new PipelineExperiment(undefined);
  }

  private constructor(/** @internal */ public readonly _options: PipelineExperimentOptions | undefined) {}
}

/** Properties of a Pipeline. */
export interface PipelineProps {
  /**
   * The pipeline's name: 1-256 letters, digits or hyphens.
   * @default - a unique name derived from the construct path
   */
  readonly pipelineName?: string;
  /**
   * The name shown in Studio.
   * @default - the pipeline name
   */
  readonly displayName?: string;
  /**
   * A description.
   * @default - none
   */
  readonly description?: string;
  /**
   * The parameters (every one a step uses must be declared).
   * @default - none
   */
  readonly parameters?: PipelineParameter[];
  /** The top-level steps (steps of condition branches are declared in their condition step). */
  readonly steps: Step[];
  /**
   * The role the pipeline's jobs run as (unless a step names its own).
   * @default - a new least-privilege role with what the steps' specs need
   */
  readonly jobRole?: iam.IRole;
  /**
   * The pipeline's own role.
   * @default - a new least-privilege role derived from the steps
   */
  readonly role?: iam.IRole;
  /**
   * Run at most this many steps at once (CreatePipeline's `ParallelismConfiguration`
   * `MaxParallelExecutionSteps`, the SDK's ParallelismConfiguration; a whole number, 1 or more).
   * An execution may lower it when it starts (StartPipelineExecution takes its own
   * ParallelismConfiguration, as it takes SelectiveExecutionConfig: both are execution-time
   * settings, not part of the definition).
   * @default - no limit beyond SageMaker's
   */
  readonly maxParallelSteps?: number;
  /**
   * The SageMaker Experiments integration (`PipelineExperimentConfig`): on by default, as the SDK
   * writes it; the pipeline's role may then create the experiment and trials and associate the
   * jobs' trial components. `PipelineExperiment.none()` turns it off.
   * @default PipelineExperiment.default() - experiment named after the pipeline, a trial per execution ID
   */
  readonly experiment?: PipelineExperiment;
  /**
   * Start executions on these schedules (EventBridge Scheduler).
   * @default - none
   */
  readonly schedules?: PipelineSchedule[];
  /**
   * Where the definition is stored.
   * @default DefinitionStorage.AUTO
   */
  readonly definitionStorage?: DefinitionStorage;
}

/** The definition's format version. */
export const PIPELINE_DEFINITION_VERSION = '2020-12-01';
const INLINE_LIMIT = 500_000;
const SERVICE_LIMIT = 1_048_576;

abstract class PipelineBase extends Resource implements IPipeline {
  public abstract readonly pipelineName: string;
  public abstract readonly pipelineArn: string;

  public get pipelineRef(): sagemakerRefs.PipelineReference {
    return { pipelineName: this.pipelineName };
  }

  public grantStartExecution(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['sagemaker:StartPipelineExecution', 'sagemaker:DescribePipeline', 'sagemaker:DescribePipelineExecution', 'sagemaker:ListPipelineExecutionSteps'],
      resourceArns: [this.pipelineArn, `${this.pipelineArn}/execution/*`],
    });
  }

  public onExecutionStatusChange(id: string, options: ExecutionStatusChangeOptions = {}): events.Rule {
    const detail: Record<string, string[]> = { pipelineArn: [this.pipelineArn] };
    if (options.statuses?.length) detail.currentPipelineExecutionStatus = options.statuses;
    const rule = new events.Rule(this, id, {
      description: options.description ?? `Execution status changes of pipeline ${this.node.path}`,
      eventPattern: { source: ['aws.sagemaker'], detailType: ['SageMaker Model Building Pipeline Execution Status Change'], detail },
    });
    if (options.target) rule.addTarget(options.target);
    return rule;
  }
}

/**
 * A SageMaker pipeline (`AWS::SageMaker::Pipeline`) written as typed TypeScript: parameters,
 * steps taking the same specs as deploy-time jobs, property references that create their
 * dependencies, conditions and failures. The definition is validated at synth (names, references,
 * cycles, parameters, size) and rendered deterministically, so an unchanged program gives a
 * byte-identical definition and step caching survives deployments. The pipeline's role is derived
 * from its steps.
 */
export class Pipeline extends PipelineBase implements iam.IGrantable {
  /** Imports a pipeline of this account and region by name. */
  public static fromPipelineName(scope: Construct, id: string, pipelineName: string): IPipeline {
    checkImport(scope, id, 'Pipeline.fromPipelineName', (p) => checkName(p, 'pipelineName', pipelineName, PIPELINE_NAME));
    class Import extends PipelineBase {
      public readonly pipelineName = pipelineName;
      public readonly pipelineArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: Token.isUnresolved(pipelineName) ? pipelineName : pipelineName.toLowerCase() });
    }
    return new Import(scope, id);
  }

  /**
   * Imports a pipeline by ARN (`arn:<partition>:sagemaker:<region>:<account>:pipeline/<name>`), also
   * of another account or region: the import's environment is the ARN's. `pipelineName` is the name as
   * the ARN spells it; SageMaker writes ARNs in lower case, so for a name with capitals (which
   * `StartPipelineExecution` needs as created) use `fromPipelineName`.
   */
  public static fromPipelineArn(scope: Construct, id: string, pipelineArn: string): IPipeline {
    let pipelineName: string;
    if (Token.isUnresolved(pipelineArn)) {
      pipelineName = Stack.of(scope).splitArn(pipelineArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    } else {
      pipelineName = checkImport(scope, id, 'Pipeline.fromPipelineArn', (p) => checkArn(p, 'pipelineArn', pipelineArn, 'pipeline', { name: PIPELINE_NAME }))!;
    }
    class Import extends PipelineBase {
      public readonly pipelineName = pipelineName;
      public readonly pipelineArn = pipelineArn;
    }
    return new Import(scope, id, { environmentFromArn: Token.isUnresolved(pipelineArn) ? undefined : pipelineArn });
  }

  public readonly pipelineName: string;
  public readonly pipelineArn: string;
  /** The pipeline's role. */
  public readonly role: iam.IRole;
  /** The role the jobs run as (the first of `jobRoles`). */
  public readonly jobRole: iam.IRole;
  /**
   * Every role the jobs run as: `jobRole` if you gave one, else the pipeline's own, one per group
   * of steps whose grants fill 8 managed policies (IAM attaches at most 10 to a role by default).
   * Grants to the pipeline (`grantPrincipal`) go to all of them.
   */
  public readonly jobRoles: iam.IRole[];
  /**
   * The jobs' principal: grant the pipeline what its jobs read or write beyond what the steps
   * derive, e.g. `data.grantRead(pipeline, 'raw/')` for a location a parameter names.
   */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The rendered definition (with CloudFormation tokens where the template supplies values). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the definition is free-form JSON, which jsii types as any
  public readonly definition: any;
  /** The underlying resource. */
  public readonly resource: CfnPipeline;
  private readonly steps: Step[];

  constructor(scope: Construct, id: string, props: PipelineProps) {
    super(scope, id, { physicalName: props.pipelineName });
    const name = props.pipelineName ?? generatePhysicalName(this, { maxLength: 256 });
    checkNow(this, 'pipelineName', (p) => checkName(p, 'pipelineName', name, PIPELINE_NAME));
    this.pipelineName = name;
    this.pipelineArn = Stack.of(this).formatArn({ service: 'sagemaker', resource: 'pipeline', resourceName: Token.isUnresolved(name) ? name : name.toLowerCase() });
    this.steps = props.steps;

    const pipelineRole = props.role ? { role: props.role, grantee: props.role as iam.IGrantable } : (() => {
      const r = new LeastPrivilegeRole(this, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: `Runs the SageMaker pipeline ${this.node.path}` });
      return { role: r.role, grantee: r as iam.IGrantable };
    })();
    // Your job role, or ours: as many roles as the steps' grants need within IAM's quotas.
    const jobRoles = props.jobRole ? undefined : new PipelineJobRoles(this, `Runs the jobs of the SageMaker pipeline ${this.node.path}`);
    const currentJobRole = (): { role: iam.IRole; grantee: iam.IGrantable } => {
      if (!jobRoles) return { role: props.jobRole!, grantee: props.jobRole! };
      const r = jobRoles.current();
      return { role: r.role, grantee: r };
    };
    this.role = pipelineRole.role;

    this.definition = this.render(props, pipelineRole.grantee, currentJobRole);
    this.jobRoles = jobRoles ? jobRoles.all : [props.jobRole!];
    this.jobRole = this.jobRoles[0];
    this.grantPrincipal = jobRoles ?? props.jobRole!.grantPrincipal;
    const storage = this.storeDefinition(props.definitionStorage ?? DefinitionStorage.AUTO);

    checkNow(this, 'displayName', (p) => checkName(p, 'displayName', props.displayName, PIPELINE_NAME));
    if (props.description !== undefined && !Token.isUnresolved(props.description) && props.description.length > 3072) {
      throw new SageMakerConstructError(this, `description is ${props.description.length} characters: at most 3072`);
    }
    if (props.maxParallelSteps !== undefined && !Token.isUnresolved(props.maxParallelSteps) && (!Number.isInteger(props.maxParallelSteps) || props.maxParallelSteps < 1)) {
      throw new SageMakerConstructError(this, `invalid maxParallelSteps ${describeValue(props.maxParallelSteps)}: use a whole number, 1 or more`);
    }
    this.resource = new CfnPipeline(this, 'Resource', {
      pipelineName: name,
      pipelineDisplayName: props.displayName,
      pipelineDescription: props.description,
      roleArn: this.role.roleArn,
      pipelineDefinition: storage,
      parallelismConfiguration: props.maxParallelSteps ? { MaxParallelExecutionSteps: props.maxParallelSteps } : undefined,
    });
    const policy = pipelineRole.grantee instanceof LeastPrivilegeRole ? pipelineRole.grantee : undefined;
    if (policy) this.resource.node.addDependency(policy);

    (props.schedules ?? []).forEach((schedule, i) => this.addSchedule(i, schedule, props.parameters ?? []));
  }

  /** The step graph as a Mermaid flowchart (`flowchart TD`), for docs and reviews. */
  public toMermaid(): string {
    const lines = ['flowchart TD'];
    const all = flatten(this.steps);
    const id = (s: Step) => s.name.replace(/[^A-Za-z0-9_]/g, '_');
    for (const s of all) {
      lines.push(s instanceof ConditionStep ? `  ${id(s)}{"${s.name}"}` : `  ${id(s)}["${s.name}<br/><i>${s.type}</i>"]`);
    }
    const edges = new Set<string>();
    for (const s of all) {
      const sources = this.dependencies.get(s) ?? new Set<Step>();
      for (const d of sources) edges.add(`  ${id(d)} --> ${id(s)}`);
      if (s instanceof ConditionStep) {
        for (const t of s.ifSteps) edges.add(`  ${id(s)} -- if --> ${id(t)}`);
        for (const t of s.elseSteps) edges.add(`  ${id(s)} -- else --> ${id(t)}`);
      }
    }
    return [...lines, ...edges].join('\n') + '\n';
  }

  private dependencies = new Map<Step, Set<Step>>();

  private render(props: PipelineProps, pipelineGrantee: iam.IGrantable, currentJobRole: () => { role: iam.IRole; grantee: iam.IGrantable }): Record<string, unknown> {
    const problems = new ProblemList();
    const all = flatten(props.steps);
    const byName = new Map<string, Step>();
    for (const s of all) {
      checkName(problems, 'step name', s.name, STEP_NAME);
      const other = byName.get(s.name);
      if (other === s) problems.add(`step '${s.name}' appears more than once in the pipeline (top level or condition branches)`);
      else if (other) problems.add(`duplicate step name '${s.name}': step names must be unique in a pipeline`);
      byName.set(s.name, s);
    }
    const parameters = props.parameters ?? [];
    const declared = new Set<string>();
    for (const p of parameters) {
      for (const problem of p._problems()) problems.add(problem);
      if (declared.has(p.name)) problems.add(`duplicate parameter name '${p.name}'`);
      declared.add(p.name);
    }

    const allSources = newSources();
    const parents = new Map<Step, ConditionStep>();
    for (const s of all) if (s instanceof ConditionStep) for (const c of s._children()) parents.set(c, s);
    const ctx: RenderContext = {
      scope: this,
      currentJobRole,
      pipelineGrantee,
      problems,
      renderStep: (step: Step) => renderOne(step),
    };
    const renderOne = (step: Step): StepBody => {
      const sources = newSources();
      const raw = step._render(ctx);
      grantS3JsonGetReads(raw, pipelineGrantee);
      const json = toDefinitionJson(raw, sources) as StepBody;
      for (const problem of sources.problems) problems.add(`step '${step.name}': ${problem}`);
      for (const read of sources.propertyFileReads) {
        if (read.step.type !== 'Processing') {
          problems.add(`step '${step.name}' reads the property file '${read.file}' of step '${read.step.name}' with jsonGet, but '${read.step.name}' is a ${read.step.type} step: property files are outputs of processing steps only (declare it in a ProcessingStep's propertyFiles)`);
        }
      }
      const deps = new Set<Step>([...step.dependsOn, ...sources.steps]);
      // Steps of a branch run after their condition step.
      const parent = parents.get(step);
      if (parent) deps.add(parent);
      this.dependencies.set(step, new Set([...step.dependsOn, ...[...sources.steps].filter((d) => d !== step)]));
      for (const d of deps) {
        if (!all.includes(d)) {
          problems.add(`step '${step.name}' refers to the step '${d.name}', which is not in the pipeline: add it to steps (or a condition branch)`);
        }
      }
      for (const p of sources.parameters) allSources.parameters.add(p);
      graph.set(step, deps);
      return json;
    };
    const graph = new Map<Step, Set<Step>>();
    const steps = props.steps.map((s) => renderOne(s));

    const usedParameters = allSources.parameters;
    // A condition cannot read a step that only runs after it (in its own branches).
    for (const s of all) {
      if (!(s instanceof ConditionStep)) continue;
      const later = new Set(flatten(s._children()));
      for (const d of graph.get(s) ?? []) {
        if (later.has(d)) problems.add(`condition step '${s.name}' refers to '${d.name}', which runs after it (in its own branches): a condition can only read steps that finish before it`);
      }
    }
    // The branches of a condition are exclusive: a step of one cannot read a step of the other.
    for (const s of all) {
      if (!(s instanceof ConditionStep)) continue;
      const ifBranch = new Set(flatten(s.ifSteps));
      const elseBranch = new Set(flatten(s.elseSteps));
      for (const [branch, other, name, otherName] of [[ifBranch, elseBranch, 'ifSteps', 'elseSteps'], [elseBranch, ifBranch, 'elseSteps', 'ifSteps']] as const) {
        for (const step of branch) {
          for (const d of graph.get(step) ?? []) {
            if (other.has(d)) problems.add(`step '${step.name}' (in the ${name} of condition step '${s.name}') refers to '${d.name}', which is in its ${otherName}: only one branch runs, so a step cannot read or wait for a step of the other branch`);
          }
        }
      }
    }
    const experiment = this.renderExperiment(props.experiment ?? PipelineExperiment.default(), problems, allSources.parameters, pipelineGrantee);
    if (!experiment) {
      for (const json of steps) {
        const found = findGet(json, 'PipelineExperimentConfig.');
        if (found) problems.add(`step '${(json as { Name?: string }).Name}' reads ${found}, but the pipeline has no experiment (experiment: PipelineExperiment.none()): set an experiment or remove the reference`);
      }
    }
    for (const json of steps) checkS3JsonGets(json, problems);

    const cycle = findCycle(all, graph);
    if (cycle) problems.add(`dependency cycle: ${cycle.map((s) => s.name).join(' -> ')}`);
    if (all.length === 0) problems.add('the pipeline has no steps');
    for (const p of usedParameters) {
      if (!declared.has(p)) problems.add(`the parameter '${p}' is used but not declared: add it to the pipeline's parameters`);
    }
    problems.throwIfAny(this, `pipeline ${describeValue(this.pipelineName)}`);

    // The SDK's key order: Version, Metadata, Parameters, PipelineExperimentConfig, Steps.
    return {
      Version: PIPELINE_DEFINITION_VERSION,
      Metadata: {},
      Parameters: parameters.map((p) => p._render()),
      ...(experiment ? { PipelineExperimentConfig: experiment } : {}),
      Steps: steps,
    };
  }

  /** The `PipelineExperimentConfig` (undefined when off), checked, and the pipeline's role's grants for it. */
  private renderExperiment(experiment: PipelineExperiment, problems: ProblemList, parameters: Set<string>, grantee: iam.IGrantable): Record<string, unknown> | undefined {
    const options = experiment._options;
    if (!options) return undefined;
    const sources = newSources();
    const one = (prop: string, value: string | undefined, fallback: string): unknown => {
      const v = value ?? fallback;
      if (!Token.isUnresolved(v) && !/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,119}$/.test(v)) {
        problems.add(`invalid experiment ${prop} ${describeValue(v)}: use 1-120 letters, digits or hyphens, starting with a letter or digit, or an expression`);
      }
      const json = toDefinitionJson(v, sources, `PipelineExperimentConfig.${prop}`);
      const self = findGet(json, 'PipelineExperimentConfig.');
      if (self) problems.add(`experiment ${prop} reads ${self}: the experiment's names cannot refer to themselves`);
      const step = findGet(json, 'Steps.');
      if (step) problems.add(`experiment ${prop} reads ${step}: the experiment is created before any step runs; use literals, parameters or execution variables`);
      return json;
    };
    if (options.experimentName === undefined && !Token.isUnresolved(this.pipelineName) && this.pipelineName.length > 120) {
      problems.add(`the experiment is named after the pipeline, whose name is ${this.pipelineName.length} characters long, but experiment names have at most 120: set experiment: PipelineExperiment.of({ experimentName: ... }) or PipelineExperiment.none()`);
    }
    const config = {
      ExperimentName: one('experimentName', options.experimentName, ExecutionVariable.PIPELINE_NAME),
      TrialName: one('trialName', options.trialName, ExecutionVariable.PIPELINE_EXECUTION_ID),
    };
    for (const problem of sources.problems) problems.add(`experiment: ${problem}`);
    for (const p of sources.parameters) parameters.add(p);
    // The service creates the experiment and the trial, and associates each job's trial component.
    const stack = Stack.of(this);
    const name = options.experimentName ?? (Token.isUnresolved(this.pipelineName) ? undefined : this.pipelineName);
    const experimentName = name !== undefined && !Token.isUnresolved(name) ? name.toLowerCase() : '*';
    const arn = (resource: string, resourceName: string) => stack.formatArn({ service: 'sagemaker', resource, resourceName });
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateExperiment', 'sagemaker:DescribeExperiment', 'sagemaker:AddTags'],
      resources: [arn('experiment', experimentName)],
    }));
    grantee.grantPrincipal.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:CreateTrial', 'sagemaker:DescribeTrial', 'sagemaker:AssociateTrialComponent', 'sagemaker:AddTags'],
      resources: [arn('experiment-trial', '*'), arn('experiment-trial-component', '*')],
    }));
    return config;
  }

  private storeDefinition(storage: DefinitionStorage): Record<string, unknown> {
    const stack = Stack.of(this);
    const body = stack.toJsonString(this.definition);
    const resolved = JSON.stringify(stack.resolve(this.definition));
    const hasReferences = typeof stack.resolve(body) !== 'string';
    const length = resolved.length;
    if (length > SERVICE_LIMIT) {
      throw new SageMakerConstructError(this, `the pipeline definition is ${length} characters: SageMaker accepts at most ${SERVICE_LIMIT}; split the pipeline or shorten its steps`);
    }
    const inS3 = storage === DefinitionStorage.S3 || (storage === DefinitionStorage.AUTO && length > INLINE_LIMIT);
    if (!inS3) {
      if (length > INLINE_LIMIT) throw new SageMakerConstructError(this, `the pipeline definition is ${length} characters, too large to inline in the template (at most ${INLINE_LIMIT}): use DefinitionStorage.S3`);
      return { PipelineDefinitionBody: body };
    }
    if (hasReferences) {
      throw new SageMakerConstructError(this, `the pipeline definition (${length} characters) must go to S3, but it holds CloudFormation references (bucket names, role ARNs), which only an inline definition can resolve: pass literal names, or shrink it below ${INLINE_LIMIT} characters`);
    }
    const text = JSON.stringify(this.definition);
    const dir = path.join(os.tmpdir(), 'sagemaker-pipeline-definitions');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${createHash('sha256').update(text).digest('hex')}.json`);
    fs.writeFileSync(file, text);
    const asset = new s3_assets.Asset(this, 'Definition', { path: file });
    return { PipelineDefinitionS3Location: { Bucket: asset.s3BucketName, Key: asset.s3ObjectKey } };
  }

  private addSchedule(index: number, schedule: PipelineSchedule, parameters: PipelineParameter[]): void {
    const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(schedule.expression);
    const cron = /^cron\((.+)\)$/.exec(schedule.expression);
    const badRate = rate !== null && Number(rate[1]) < 1;
    const badCron = cron !== null && cron[1].trim().split(/\s+/).length !== 6;
    if (!Token.isUnresolved(schedule.expression) && (badRate || badCron || !/^(rate\(\d+ (minute|minutes|hour|hours|day|days)\)|cron\(.+\)|at\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\))$/.test(schedule.expression))) {
      throw new SageMakerConstructError(this, `invalid schedule expression ${describeValue(schedule.expression)}: use rate(<n ≥ 1> minutes|hours|days), cron(<minutes hours day-of-month month day-of-week year>: 6 fields) or at(yyyy-mm-ddThh:mm:ss)`);
    }
    const names = new Set(parameters.map((p) => p.name));
    const unknown = Object.keys(schedule.parameters ?? {}).filter((k) => !names.has(k));
    if (unknown.length) throw new SageMakerConstructError(this, `schedule ${index} sets ${describeValue(unknown)}, which are not parameters of the pipeline (declared: ${describeValue([...names])})`);
    const problems = new ProblemList();
    for (const p of parameters) {
      const value = schedule.parameters?.[p.name];
      if (value === undefined || Token.isUnresolved(value)) continue;
      if (p.enumValues && !p.enumValues.includes(value)) {
        problems.add(`schedule ${index} sets parameter '${p.name}' to ${describeValue(value)}: use one of ${p.enumValues.join(', ')}`);
      }
      // The scheduler passes strings; SageMaker parses them as the parameter's type at the execution.
      const ok = p.type === ParameterType.INTEGER ? /^-?\d+$/.test(value)
        : p.type === ParameterType.FLOAT ? value.trim() !== '' && Number.isFinite(Number(value))
          : p.type === ParameterType.BOOLEAN ? value === 'true' || value === 'false' : true;
      if (!ok) problems.add(`schedule ${index} sets the ${p.type} parameter '${p.name}' to ${describeValue(value)}: use ${p.type === ParameterType.BOOLEAN ? "'true' or 'false'" : `a ${p.type === ParameterType.INTEGER ? 'whole number' : 'number'} written as a string, e.g. '${p.type === ParameterType.INTEGER ? '3' : '0.5'}'`}`);
    }
    const timezone = schedule.timezone;
    if (timezone !== undefined && !Token.isUnresolved(timezone) && !isTimeZone(timezone)) {
      problems.add(`schedule ${index} has the timezone ${describeValue(timezone)}, which is not an IANA time zone name: use e.g. 'UTC', 'Europe/Berlin' or 'America/New_York'`);
    }
    problems.throwIfAny(this, `schedule ${index}`);
    const role = new LeastPrivilegeRole(this, `ScheduleRole${index}`, {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com'),
      description: `Starts executions of ${this.node.path} on schedule ${index}`,
      statements: [new iam.PolicyStatement({ actions: ['sagemaker:StartPipelineExecution'], resources: [this.pipelineArn] })],
    });
    const entries = Object.entries(schedule.parameters ?? {});
    new CfnSchedule(this, `Schedule${index}`, {
      description: schedule.description ?? `Starts ${this.node.path}`,
      scheduleExpression: schedule.expression,
      scheduleExpressionTimezone: schedule.timezone ?? 'UTC',
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: this.pipelineArn,
        roleArn: role.role.roleArn,
        sageMakerPipelineParameters: entries.length ? { pipelineParameterList: entries.map(([name, value]) => ({ name, value })) } : undefined,
        retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 3600 },
      },
    }).node.addDependency(role);
  }
}

/** Whether `name` is a time zone of the IANA database (what EventBridge Scheduler accepts). */
function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return /^[A-Za-z_]+(\/[A-Za-z0-9_+-]+)*$/.test(name);
  } catch {
    return false;
  }
}

/** Every step, the steps of condition branches included. */
function flatten(steps: Step[]): Step[] {
  const out: Step[] = [];
  const visit = (s: Step) => {
    out.push(s);
    s._children().forEach(visit);
  };
  steps.forEach(visit);
  return out;
}

/** A dependency cycle (first step repeated at the end), or undefined. */
function findCycle(steps: Step[], graph: Map<Step, Set<Step>>): Step[] | undefined {
  const state = new Map<Step, 'visiting' | 'done'>();
  const stack: Step[] = [];
  const visit = (s: Step): Step[] | undefined => {
    if (state.get(s) === 'done') return undefined;
    if (state.get(s) === 'visiting') return [...stack.slice(stack.indexOf(s)), s];
    state.set(s, 'visiting');
    stack.push(s);
    for (const d of graph.get(s) ?? []) {
      const found = visit(d);
      if (found) return found;
    }
    stack.pop();
    state.set(s, 'done');
    return undefined;
  };
  for (const s of steps) {
    const found = visit(s);
    if (found) return found.reverse();
  }
  return undefined;
}

/** The first `{"Get": "<prefix>..."}` in rendered definition JSON, or undefined. */
function findGet(json: unknown, prefix: string): string | undefined {
  if (Array.isArray(json)) {
    for (const v of json) {
      const found = findGet(v, prefix);
      if (found) return found;
    }
    return undefined;
  }
  if (json && typeof json === 'object') {
    const get = (json as { Get?: unknown }).Get;
    if (typeof get === 'string' && get.startsWith(prefix)) return get;
    for (const v of Object.values(json)) {
      const found = findGet(v, prefix);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * A `Std:JsonGet` on an S3 URI, as the SDK accepts it: the URI is a `Std:Join` whose values are
 * literals, parameters, execution variables or step properties, and the path is not empty.
 */
function checkS3JsonGets(json: unknown, problems: ProblemList, step?: string): void {
  if (Array.isArray(json)) {
    json.forEach((v) => checkS3JsonGets(v, problems, step));
    return;
  }
  if (!json || typeof json !== 'object') return;
  const name = step ?? (json as { Name?: string }).Name;
  const get = (json as Record<string, unknown>)['Std:JsonGet'] as { S3Uri?: unknown; Path?: unknown } | undefined;
  if (get && get.S3Uri !== undefined) {
    const join = (get.S3Uri as Record<string, { Values?: unknown[] }>)['Std:Join'];
    for (const v of join?.Values ?? []) {
      const ok = typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' || (v && typeof v === 'object' && typeof (v as { Get?: unknown }).Get === 'string');
      if (!ok) problems.add(`step '${name}': jsonGetFromS3 builds its URI from ${describeValue(v)}: the URI's parts may be literals, parameters, execution variables or step properties only (as the SDK's JsonGet s3_uri)`);
    }
    const first = join?.Values?.[0];
    if (typeof first === 'string' && !Token.isUnresolved(first) && !first.startsWith('s3://')) {
      problems.add(`step '${name}': jsonGetFromS3 reads ${describeValue(first)}, which is not an S3 URI: start it with s3://`);
    }
    if (typeof get.Path !== 'string' || get.Path.trim() === '') problems.add(`step '${name}': jsonGetFromS3 has an empty JSON path: name the value to read (e.g. 'metrics.auc.value')`);
  }
  for (const v of Object.values(json)) checkS3JsonGets(v, problems, name);
}

/** The pipeline's role reads the files `jsonGetFromS3` reads where their location is known (a step output). */
function grantS3JsonGetReads(raw: unknown, grantee: iam.IGrantable): void {
  const seen = new Set<unknown>();
  const visit = (value: unknown): void => {
    if (value instanceof PipelineExpression) {
      if (seen.has(value)) return;
      seen.add(value);
      const location = value._s3JsonGet ? value._location as { grantRead?: (g: iam.IGrantable) => unknown } | undefined : undefined;
      if (location && typeof location.grantRead === 'function') location.grantRead(grantee);
      visit(value.json);
      return;
    }
    if (typeof value === 'string' && Token.isUnresolved(value)) {
      Tokenization.reverseString(value).tokens.forEach(visit);
      return;
    }
    if (typeof value === 'number' && Token.isUnresolved(value)) {
      visit(Tokenization.reverseNumber(value));
      return;
    }
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) Object.values(value).forEach(visit);
  };
  visit(raw);
}
