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
    return {
      Arguments: {
        Conditions: conditions,
        IfSteps: this.ifSteps.map((s) => ctx.renderStep(s)),
        ElseSteps: this.elseSteps.map((s) => ctx.renderStep(s)),
      },
    };
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
