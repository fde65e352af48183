import { IConstruct } from 'constructs';

/**
 * The one error the library throws for bad input. Its message starts with the construct path so
 * the user can find the offending construct in a large app, then says what was received and what
 * is allowed.
 */
export class SageMakerConstructError extends Error {
  public readonly constructPath: string;

  constructor(scope: IConstruct, message: string) {
    const path = scope.node.path || '<root>';
    super(`[${path}] ${message}`);
    this.name = 'SageMakerConstructError';
    this.constructPath = path;
  }
}

/** Renders a received value for an error message without flooding it. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return `'${value.length > 120 ? value.slice(0, 117) + '...' : value}'`;
  try {
    const json = JSON.stringify(value);
    return json.length > 120 ? json.slice(0, 117) + '...' : json;
  } catch {
    return String(value);
  }
}

/**
 * Collects every problem of one construct before throwing, so a user sees them all at once
 * instead of fixing them one deploy at a time.
 */
export class ProblemList {
  private readonly problems: string[] = [];

  public add(message: string): void {
    this.problems.push(message);
  }

  /** Adds `problem` when there is one (the `_problem()` forms of validators return undefined when valid). */
  public addIf(problem: string | undefined): void {
    if (problem !== undefined) this.problems.push(problem);
  }

  public get length(): number {
    return this.problems.length;
  }

  public throwIfAny(scope: IConstruct, subject: string): void {
    if (this.problems.length === 0) return;
    if (this.problems.length === 1) throw new SageMakerConstructError(scope, this.problems[0]);
    throw new SageMakerConstructError(scope, `${this.problems.length} problems in ${subject}:\n  - ${this.problems.join('\n  - ')}`);
  }
}
