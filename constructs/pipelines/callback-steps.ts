// Integration steps: Lambda and callback (SQS), with their declared outputs.
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { anyTypeSlot, ParameterType, stepProperty } from './expressions';
import { prune } from '../private/job-render';
import { grantQueueSend } from '../private/kms';
import { RenderContext, Step, StepOptions } from './step';
import type { StepBody } from './private/step-render';

/** The type of an output of a Lambda or callback step. */
export enum OutputType {
  /** A string. */
  STRING = 'String',
  /** An integer. */
  INTEGER = 'Integer',
  /** A boolean. */
  BOOLEAN = 'Boolean',
  /** A float. */
  FLOAT = 'Float',
}

/** An output of a Lambda or callback step. */
export interface StepOutput {
  /** The output's name. */
  readonly name: string;
  /**
   * The output's type.
   * @default OutputType.STRING
   */
  readonly type?: OutputType;
}

/** Properties of a LambdaStep. */
export interface LambdaStepProps extends StepOptions {
  /** The function to invoke. */
  readonly function: lambda.IFunction;
  /**
   * The input event (values may be parameters and properties).
   * @default - an empty event
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: strings, numbers, booleans or expression tokens
  readonly inputs?: { [name: string]: any };
  /**
   * Outputs the function returns.
   * @default - none
   */
  readonly outputs?: StepOutput[];
}

/** Invokes a Lambda function. */
export class LambdaStep extends Step {
  public readonly type = 'Lambda';
  constructor(name: string, private readonly props: LambdaStepProps) {
    super(name, props);
  }

  private readonly referencedOutputs = new Set<string>();

  /** An output of the function (one of `outputs`). */
  public output(name: string): string {
    this.referencedOutputs.add(name);
    return stepProperty(this, `OutputParameters['${name}']`, undefined, outputType(this.props.outputs, name)).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    if (!this.props.function) {
      ctx.problems.add(`Lambda step '${this.name}' has no function`);
      return {};
    }
    // An identity policy, not a function resource policy: works for functions of other accounts too.
    iam.Grant.addToPrincipal({ grantee: ctx.pipelineGrantee, actions: ['lambda:InvokeFunction'], resourceArns: [this.props.function.functionArn] });
    return prune({
      FunctionArn: this.props.function.functionArn,
      Arguments: anyTypeSlot(this.props.inputs ?? {}),
      OutputParameters: outputParameters(ctx, this.name, this.props.outputs, this.referencedOutputs),
    });
  }
}

/** Properties of a CallbackStep. */
export interface CallbackStepProps extends StepOptions {
  /** The queue that receives the callback token and inputs. */
  readonly queue: sqs.IQueue;
  /**
   * The message inputs.
   * @default - none
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii has no union type: strings, numbers, booleans or expression tokens
  readonly inputs?: { [name: string]: any };
  /**
   * Outputs sent back with SendPipelineExecutionStepSuccess.
   * @default - none
   */
  readonly outputs?: StepOutput[];
}

/** Sends a message to SQS and waits for an external process to call back. */
export class CallbackStep extends Step {
  public readonly type = 'Callback';
  constructor(name: string, private readonly props: CallbackStepProps) {
    super(name, props);
  }

  private readonly referencedOutputs = new Set<string>();

  /** An output sent back by the external process (one of `outputs`). */
  public output(name: string): string {
    this.referencedOutputs.add(name);
    return stepProperty(this, `OutputParameters['${name}']`, undefined, outputType(this.props.outputs, name)).asString;
  }

  /** @internal */
  public _renderBody(ctx: RenderContext): StepBody {
    grantQueueSend(this.props.queue, ctx.pipelineGrantee);
    return prune({
      SqsQueueUrl: this.props.queue.queueUrl,
      Arguments: anyTypeSlot(this.props.inputs ?? {}),
      OutputParameters: outputParameters(ctx, this.name, this.props.outputs, this.referencedOutputs),
    });
  }
}

/** The declared type of an output (String when undeclared: that is reported at render). */
function outputType(outputs: StepOutput[] | undefined, name: string): ParameterType {
  const type = outputs?.find((o) => o.name === name)?.type ?? OutputType.STRING;
  return type as string as ParameterType;
}

/**
 * The `OutputParameters` of a Lambda or callback step, checked: output names are unique, and every
 * `output(name)` read names a declared output.
 */
function outputParameters(ctx: RenderContext, step: string, outputs: StepOutput[] | undefined, referenced: Set<string>): Array<{ OutputName: string; OutputType: OutputType }> | undefined {
  const declared = (outputs ?? []).map((o) => o.name);
  const twice = declared.filter((n, i) => declared.indexOf(n) !== i);
  if (twice.length) ctx.problems.add(`step '${step}' declares the outputs ${[...new Set(twice)].map((n) => `'${n}'`).join(', ')} more than once`);
  for (const name of referenced) {
    if (!declared.includes(name)) ctx.problems.add(`output('${name}') of step '${step}': the step declares no such output (outputs: ${declared.join(', ') || 'none'}); add it to outputs`);
  }
  return outputs?.map((o) => ({ OutputName: o.name, OutputType: o.type ?? OutputType.STRING }));
}
