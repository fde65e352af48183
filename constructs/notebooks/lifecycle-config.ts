import * as fs from 'fs';
import { Duration, IResource, Resource, Stack, Token } from 'aws-cdk-lib';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { CfnNotebookInstanceLifecycleConfig } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { renderHooks } from './private/hooks';
import { describeValue, ProblemList } from '../private/errors';
import { generatePhysicalName } from '../private/naming';
import { checkImport, checkName } from '../private/rules';

/**
 * A shell script a notebook instance runs as root when it is created (`onCreate`, once) or started
 * (`onStart`, every start). SageMaker stops the script after 5 minutes and fails the instance's start
 * with it: run longer work in the background (`nohup ... &`). Without an interpreter line (`#!`), it
 * runs with bash.
 */
export class NotebookScript {
  /** A script given inline. It may hold tokens (e.g. a bucket name), resolved at deploy. */
  public static fromString(script: string): NotebookScript {
    return new NotebookScript(script, undefined);
  }

  /** A script read from a file at synth (a path relative to the working directory, or absolute). */
  public static fromFile(path: string): NotebookScript {
    return new NotebookScript(undefined, path);
  }

  private constructor(private readonly script: string | undefined, private readonly path: string | undefined) {}

  /**
   * The script's text, or a problem (an empty script, a file that cannot be read).
   * @internal
   */
  public _render(problems: ProblemList, prop: string): string | undefined {
    let text = this.script;
    if (this.path !== undefined) {
      try {
        text = fs.readFileSync(this.path, 'utf8');
      } catch (e) {
        problems.add(`${prop}: cannot read the script file ${describeValue(this.path)} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}): give a readable file`);
        return undefined;
      }
    }
    if (text === undefined || (!Token.isUnresolved(text) && text.trim() === '')) {
      problems.add(`${prop} has an empty script${this.path !== undefined ? ` (file ${describeValue(this.path)})` : ''}: give a script, or leave it out`);
      return undefined;
    }
    return text;
  }
}

/** A notebook instance lifecycle configuration. */
export interface INotebookLifecycleConfig extends IResource, sagemakerRefs.INotebookInstanceLifecycleConfigRef {
  /**
   * The configuration's name.
   * @attribute
   */
  readonly notebookInstanceLifecycleConfigName: string;
  /**
   * The configuration's ARN.
   * @attribute
   */
  readonly notebookInstanceLifecycleConfigArn: string;
  /**
   * The idle time after which its on-start script stops the instance, when the library wrote that
   * script; undefined for an imported configuration (the library does not know what it does).
   */
  readonly idleTimeout?: Duration;
}

/** Properties of a NotebookLifecycleConfig. */
export interface NotebookLifecycleConfigProps {
  /**
   * The configuration's name: 1-63 letters, digits or hyphens.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly notebookInstanceLifecycleConfigName?: string;
  /**
   * Scripts run, in order, once when the instance is created (merged into the one on-create script
   * the API takes).
   * @default - none
   */
  readonly onCreate?: NotebookScript[];
  /**
   * Scripts run, in order, at every start of the instance, after the idle auto-stop part when
   * `idleTimeout` is given (merged into the one on-start script the API takes).
   * @default - none
   */
  readonly onStart?: NotebookScript[];
  /**
   * Stop the instance after this much time without activity (whole minutes, 5 minutes to 30 days):
   * an on-start part installs a checker that reads the Jupyter server's kernel and terminal activity
   * every 5 minutes and calls `aws sagemaker stop-notebook-instance`. The instance's execution role
   * needs `sagemaker:StopNotebookInstance` on itself (a `NotebookInstance` grants it), and the
   * instance a route to the SageMaker API (a `sagemaker.api` VPC endpoint, or a NAT gateway). From a
   * token, give it as `Duration.minutes(param.valueAsNumber)`.
   * @default - no idle auto-stop
   */
  readonly idleTimeout?: Duration;
}

/**
 * A notebook instance lifecycle configuration (`AWS::SageMaker::NotebookInstanceLifecycleConfig`):
 * on-create and on-start scripts, each merged from several, and optionally the idle auto-stop
 * part. Its scripts run as root even when the instance's root access is off. A `NotebookInstance`
 * creates its own from its props; create one yourself to share it between instances.
 */
export class NotebookLifecycleConfig extends Resource implements INotebookLifecycleConfig {
  /** Imports a lifecycle configuration of this account and region by name. */
  public static fromNotebookLifecycleConfigName(scope: Construct, id: string, name: string): INotebookLifecycleConfig {
    checkImport(scope, id, 'NotebookLifecycleConfig import', (p) => checkName(p, 'notebookInstanceLifecycleConfigName', name));
    class Import extends Resource implements INotebookLifecycleConfig {
      public readonly notebookInstanceLifecycleConfigName = name;
      public readonly notebookInstanceLifecycleConfigArn = Stack.of(scope).formatArn({
        service: 'sagemaker', resource: 'notebook-instance-lifecycle-config', resourceName: Token.isUnresolved(name) ? name : name.toLowerCase(),
      });
      public get notebookInstanceLifecycleConfigRef(): sagemakerRefs.NotebookInstanceLifecycleConfigReference {
        return { notebookInstanceLifecycleConfigArn: this.notebookInstanceLifecycleConfigArn };
      }
    }
    return new Import(scope, id);
  }

  public readonly notebookInstanceLifecycleConfigName: string;
  public readonly notebookInstanceLifecycleConfigArn: string;
  public readonly idleTimeout?: Duration;
  /** The underlying resource. */
  public readonly resource: CfnNotebookInstanceLifecycleConfig;

  constructor(scope: Construct, id: string, props: NotebookLifecycleConfigProps = {}) {
    super(scope, id, { physicalName: props.notebookInstanceLifecycleConfigName });
    const name = props.notebookInstanceLifecycleConfigName ?? generatePhysicalName(this);
    const problems = new ProblemList();
    checkName(problems, 'notebookInstanceLifecycleConfigName', name);
    if (!props.idleTimeout && !props.onCreate?.length && !props.onStart?.length) {
      problems.add('a lifecycle configuration needs something to run: give onCreate or onStart scripts, or idleTimeout');
    }
    const hooks = renderHooks(problems, props);
    problems.throwIfAny(this, 'NotebookLifecycleConfig props');
    this.resource = new CfnNotebookInstanceLifecycleConfig(this, 'Resource', {
      notebookInstanceLifecycleConfigName: name,
      onCreate: hooks.onCreate === undefined ? undefined : [{ content: hooks.onCreate }],
      onStart: hooks.onStart === undefined ? undefined : [{ content: hooks.onStart }],
    });
    this.idleTimeout = props.idleTimeout;
    this.notebookInstanceLifecycleConfigName = this.resource.attrNotebookInstanceLifecycleConfigName;
    this.notebookInstanceLifecycleConfigArn = this.resource.attrNotebookInstanceLifecycleConfigArn;
  }

  public get notebookInstanceLifecycleConfigRef(): sagemakerRefs.NotebookInstanceLifecycleConfigReference {
    return { notebookInstanceLifecycleConfigArn: this.notebookInstanceLifecycleConfigArn };
  }
}
