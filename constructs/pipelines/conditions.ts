import { anyTypeSlot } from './expressions';

/** A condition as the definition holds it. */
type ConditionJson = Record<string, unknown>;

/**
 * A condition of a `ConditionStep`. Values may be literals, parameters (`param.value`), step
 * properties or `PipelineFunctions.jsonGet(...)`.
 */
export abstract class Condition {
  /** left == right */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static equalTo(left: any, right: any): Condition {
    return new Comparison('Equals', left, right);
  }

  /** left > right */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static greaterThan(left: any, right: any): Condition {
    return new Comparison('GreaterThan', left, right);
  }

  /** left >= right */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static greaterThanOrEqualTo(left: any, right: any): Condition {
    return new Comparison('GreaterThanOrEqualTo', left, right);
  }

  /** left < right */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static lessThan(left: any, right: any): Condition {
    return new Comparison('LessThan', left, right);
  }

  /** left <= right */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static lessThanOrEqualTo(left: any, right: any): Condition {
    return new Comparison('LessThanOrEqualTo', left, right);
  }

  /** value is one of values */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: literals (string, number, boolean) or expression tokens
  public static isIn(value: any, values: any[]): Condition {
    return new InCondition(value, values);
  }

  /** not condition */
  public static not(condition: Condition): Condition {
    return new NotCondition(condition);
  }

  /** every condition */
  public static and(...conditions: Condition[]): Condition {
    return new AndCondition(conditions);
  }

  /** any condition */
  public static or(...conditions: Condition[]): Condition {
    return new OrCondition(conditions);
  }

  /** @internal The definition JSON of this condition (the pipeline's list form for a top-level AND). */
  public abstract _render(): ConditionJson[];

  /** @internal A human-readable form, for graphs. */
  public abstract _describe(): string;
}

class Comparison extends Condition {
  constructor(private readonly type: string, private readonly left: unknown, private readonly right: unknown) {
    super();
  }
  public _render(): ConditionJson[] {
    // Operands compare as their own types: a Float parameter is not converted to a string.
    return [{ Type: this.type, LeftValue: anyTypeSlot(this.left), RightValue: anyTypeSlot(this.right) }];
  }
  public _describe(): string {
    return `${this.type}`;
  }
}

class InCondition extends Condition {
  constructor(private readonly value: unknown, private readonly values: unknown[]) {
    super();
  }
  public _render(): ConditionJson[] {
    return [{ Type: 'In', QueryValue: anyTypeSlot(this.value), Values: anyTypeSlot(this.values) }];
  }
  public _describe(): string {
    return 'In';
  }
}

class NotCondition extends Condition {
  constructor(private readonly inner: Condition) {
    super();
  }
  public _render(): ConditionJson[] {
    const inner = this.inner._render();
    // NOT (a AND b) = (NOT a) OR (NOT b): the definition's Not holds one condition.
    if (inner.length === 1) return [{ Type: 'Not', Condition: inner[0] }];
    return [{ Type: 'Or', Conditions: inner.map((c) => ({ Type: 'Not', Condition: c })) }];
  }
  public _describe(): string {
    return `Not(${this.inner._describe()})`;
  }
}

class AndCondition extends Condition {
  constructor(private readonly conditions: Condition[]) {
    super();
  }
  public _render(): ConditionJson[] {
    // A list of conditions is their conjunction.
    return this.conditions.flatMap((c) => c._render());
  }
  public _describe(): string {
    return this.conditions.map((c) => c._describe()).join(' and ');
  }
}

class OrCondition extends Condition {
  constructor(private readonly conditions: Condition[]) {
    super();
  }
  public _render(): ConditionJson[] {
    // Inside Or, an AND of several becomes NOT (OR of the negations).
    return [{
      Type: 'Or',
      Conditions: this.conditions.map((c) => {
        const r = c._render();
        return r.length === 1 ? r[0] : { Type: 'Not', Condition: { Type: 'Or', Conditions: r.map((x) => ({ Type: 'Not', Condition: x })) } };
      }),
    }];
  }
  public _describe(): string {
    return this.conditions.map((c) => c._describe()).join(' or ');
  }
}
