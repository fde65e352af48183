// Control steps: condition and fail.
import { Condition } from './conditions';
import { PipelineExpression } from './expressions';
import { RenderContext, Step, StepOptions } from './step';
import type { StepBody } from './private/step-render';

/** Properties of a ConditionStep. */
export interface ConditionStepProps extends StepOptions {
  /** The condition; a list of several is their conjunction (use `Condition.and`). */
  readonly condition: Condition;
  /**
   * Steps run when the condition holds.
   * @default - none
   */
  readonly ifSteps?: Step[];
  /**
   * Steps run otherwise.
   * @default - none
   */
  readonly elseSteps?: Step[];
}

/** Branches on a condition. */
export class ConditionStep extends Step {
  public readonly type = 'Condition';
  constructor(name: string, private readonly props: ConditionStepProps) {
    super(name, props);
  }

  /** Whether the condition held. */
  public get outcome(): string {
    // untyped: the definition does not say what type the outcome is
    return PipelineExpression._of({ Get: `Steps.${this.name}.Outcome` }, [this], []).asString;
  }

  /** The steps of the if branch. */
  public get ifSteps(): Step[] {
    return this.props.ifSteps ?? [];
  }

  /** The steps of the else branch. */
  public get elseSteps(): Step[] {
    return this.props.elseSteps ?? [];
  }

  /** The condition. */
  public get condition(): Condition {
    return this.props.condition;
  }

  /** @internal */
  public _children(): Step[] {
    return [...this.ifSteps, ...this.elseSteps];
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    if (this.ifSteps.length + this.elseSteps.length === 0) ctx.problems.add(`condition step '${this.name}' has neither ifSteps nor elseSteps`);
    const conditions = this.props.condition._render();
    if (conditions.length === 0) ctx.problems.add(`condition step '${this.name}' has an empty condition (Condition.and() of nothing): give it at least one comparison`);
    conditions.forEach((c, i) => checkCondition(ctx, this.name, c, `Conditions[${i}]`));
    return {
      Arguments: {
        Conditions: conditions,
        IfSteps: this.ifSteps.map((s) => ctx.renderStep(s)),
        ElseSteps: this.elseSteps.map((s) => ctx.renderStep(s)),
      },
    };
  }
}

/** An In needs values to look in, an Or conditions to choose from (the service refuses empty lists). */
function checkCondition(ctx: RenderContext, step: string, condition: Record<string, unknown>, at: string): void {
  if (condition.Type === 'In' && Array.isArray(condition.Values) && condition.Values.length === 0) {
    ctx.problems.add(`condition step '${step}': ${at} is Condition.isIn(value, []) with no values: give at least one value`);
  }
  if (condition.Type === 'Or' && Array.isArray(condition.Conditions)) {
    if (condition.Conditions.length === 0) ctx.problems.add(`condition step '${step}': ${at} is Condition.or() of nothing: give at least one condition`);
    condition.Conditions.forEach((c, i) => checkCondition(ctx, step, c as Record<string, unknown>, `${at}.Conditions[${i}]`));
  }
  if (condition.Type === 'Not' && condition.Condition && typeof condition.Condition === 'object') {
    checkCondition(ctx, step, condition.Condition as Record<string, unknown>, `${at}.Condition`);
  }
}

/** Properties of a FailStep. */
export interface FailStepProps extends StepOptions {
  /** The error message; may hold parameters and properties (e.g. `PipelineFunctions.join([...])`). */
  readonly errorMessage: string;
}

/** Stops the execution as failed, with a message. */
export class FailStep extends Step {
  public readonly type = 'Fail';
  constructor(name: string, private readonly props: FailStepProps) {
    super(name, props);
  }

  /** @internal */
  public _renderBody(): StepBody {
    return { Arguments: { ErrorMessage: this.props.errorMessage } };
  }
}
