import * as fs from 'fs';
import { ArnFormat, IResource, Resource, Stack, Token } from 'aws-cdk-lib';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { CfnHumanTaskUi } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { describeValue, ProblemList } from '../private/errors';
import { generatePhysicalName } from '../private/naming';
import { checkArn, checkImport, checkName, checkTags, NameRule } from '../private/rules';

/** Human task UI names: 1-63 lower-case letters, digits or hyphens. */
const HUMAN_TASK_UI_NAME: NameRule = { pattern: /^[a-z0-9](-*[a-z0-9])*$/, minLength: 1, maxLength: 63, description: '1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit' };
/** The API's TemplateContent limit, in characters. */
const MAX_TEMPLATE_CHARACTERS = 128000;

/** A worker task template (Liquid and Crowd HTML Elements) for a HumanTaskUi. */
export abstract class HumanTaskTemplate {
  /** The template's content. */
  public static fromString(content: string): HumanTaskTemplate {
    return new ContentTemplate(content, 'template');
  }

  /** A template file, read at synth (UTF-8). */
  public static fromFile(path: string): HumanTaskTemplate {
    return new FileTemplate(path);
  }

  /** @internal Adds the template's problems and returns its content. */
  public abstract _content(problems: ProblemList): string | undefined;
}

class ContentTemplate extends HumanTaskTemplate {
  constructor(private readonly content: string, private readonly what: string) {
    super();
  }
  public _content(problems: ProblemList): string | undefined {
    const c = this.content;
    if (Token.isUnresolved(c)) {
      problems.add(`the ${this.what} is an unresolved token: its content is checked and written into the template at synth, so give it as a literal string or a file`);
      return undefined;
    }
    if (typeof c !== 'string' || c.trim().length === 0) {
      problems.add(`the ${this.what} is empty: give the Liquid/HTML of the worker task`);
      return undefined;
    }
    if (c.length > MAX_TEMPLATE_CHARACTERS) problems.add(`the ${this.what} is ${c.length} characters long: SageMaker takes at most ${MAX_TEMPLATE_CHARACTERS}`);
    if (!/<crowd-form[\s>]/.test(c)) problems.add(`the ${this.what} has no <crowd-form> element: workers submit their answers through it (see the Crowd HTML Elements reference)`);
    return c;
  }
}

class FileTemplate extends HumanTaskTemplate {
  constructor(private readonly path: string) {
    super();
  }
  public _content(problems: ProblemList): string | undefined {
    let content: string;
    try {
      content = fs.readFileSync(this.path, 'utf8');
    } catch (e) {
      problems.add(`cannot read the template file ${describeValue(this.path)}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
      return undefined;
    }
    return new ContentTemplate(content, `template file ${describeValue(this.path)}`)._content(problems);
  }
}

/** A worker task UI: the template Augmented AI human reviews (flow definitions) render for workers. */
export interface IHumanTaskUi extends IResource, sagemakerRefs.IHumanTaskUiRef {
  /**
   * The UI's ARN.
   * @attribute
   */
  readonly humanTaskUiArn: string;
  /**
   * The UI's name.
   * @attribute
   */
  readonly humanTaskUiName: string;
}

/** Properties of a HumanTaskUi. */
export interface HumanTaskUiProps {
  /** The worker task template: at most 128,000 characters, with a `<crowd-form>`. */
  readonly template: HumanTaskTemplate;
  /**
   * The UI's name (1-63 lower-case letters, digits or hyphens).
   * @default - generated from the construct path
   */
  readonly humanTaskUiName?: string;
  /**
   * Tags.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

abstract class HumanTaskUiBase extends Resource implements IHumanTaskUi {
  public abstract readonly humanTaskUiArn: string;
  public abstract readonly humanTaskUiName: string;

  public get humanTaskUiRef(): sagemakerRefs.HumanTaskUiReference {
    return { humanTaskUiArn: this.humanTaskUiArn };
  }
}

/**
 * A worker task UI (`AWS::SageMaker::HumanTaskUi`) from a Liquid template, checked at synth (size,
 * a `<crowd-form>`). Augmented AI flow definitions use it; Ground Truth labeling jobs take their
 * custom templates from S3 instead (`LabelingJobSpec`'s `uiTemplate`), and their built-in
 * named-entity, video and 3D point cloud tasks use AWS-owned UIs. A change of the template
 * replaces the UI.
 */
export class HumanTaskUi extends HumanTaskUiBase {
  /** Imports a UI of this account and region by name. */
  public static fromHumanTaskUiName(scope: Construct, id: string, humanTaskUiName: string): IHumanTaskUi {
    checkImport(scope, id, 'the human task UI import', (problems) => checkName(problems, 'humanTaskUiName', humanTaskUiName, HUMAN_TASK_UI_NAME));
    class Import extends HumanTaskUiBase {
      public readonly humanTaskUiName = humanTaskUiName;
      public readonly humanTaskUiArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'human-task-ui', resourceName: humanTaskUiName });
    }
    return new Import(scope, id);
  }

  /** Imports a UI by ARN (an AWS-owned one too). */
  public static fromHumanTaskUiArn(scope: Construct, id: string, humanTaskUiArn: string): IHumanTaskUi {
    const parsed = checkImport(scope, id, 'the human task UI import', (problems) => checkArn(problems, 'humanTaskUiArn', humanTaskUiArn, 'human-task-ui', { name: { ...HUMAN_TASK_UI_NAME, pattern: /^[A-Za-z0-9](-*[A-Za-z0-9])*$/ } }));
    class Import extends HumanTaskUiBase {
      public readonly humanTaskUiArn = humanTaskUiArn;
      public readonly humanTaskUiName = parsed ?? Stack.of(scope).splitArn(humanTaskUiArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    }
    return new Import(scope, id);
  }

  public readonly humanTaskUiArn: string;
  public readonly humanTaskUiName: string;

  constructor(scope: Construct, id: string, props: HumanTaskUiProps) {
    super(scope, id);
    const problems = new ProblemList();
    const name = props.humanTaskUiName ?? generatePhysicalName(this);
    checkName(problems, 'humanTaskUiName', name, HUMAN_TASK_UI_NAME);
    const content = props.template._content(problems);
    checkTags(problems, 'tags', props.tags);
    problems.throwIfAny(this, 'the human task UI');
    const cfn = new CfnHumanTaskUi(this, 'Resource', {
      humanTaskUiName: name,
      uiTemplate: { content: content! },
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    this.humanTaskUiArn = cfn.attrHumanTaskUiArn;
    this.humanTaskUiName = name;
  }
}
