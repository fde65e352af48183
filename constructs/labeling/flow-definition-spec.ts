import { Duration, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import type { CreateFlowDefinitionRequest } from '@aws-sdk/client-sagemaker';
import { IHumanTaskUi } from './human-task-ui';
import { IWorkTeam } from './work-team';
import { S3Location } from '../core/s3-location';
import { describeValue, ProblemList } from '../private/errors';
import { prune, renderTags } from '../private/job-render';
import { grantKeyReadWrite } from '../private/kms';
import { checkName, checkNow, checkTags, integer, NameRule, seconds } from '../private/rules';

/** The AWS service integrations that start Augmented AI human loops themselves. */
export enum HumanReviewSource {
  /** Amazon Rekognition `DetectModerationLabels` (images). */
  REKOGNITION_DETECT_MODERATION_LABELS = 'AWS/Rekognition/DetectModerationLabels/Image/V3',
  /** Amazon Textract `AnalyzeDocument` (forms). */
  TEXTRACT_ANALYZE_DOCUMENT_FORMS = 'AWS/Textract/AnalyzeDocument/Forms/V1',
}

/** Properties of a FlowDefinitionSpec. */
export interface FlowDefinitionSpecProps {
  /** The worker task UI of the reviews. */
  readonly humanTaskUi: IHumanTaskUi;
  /** The work team that reviews. */
  readonly workteam: IWorkTeam;
  /** Where the review results are written (a prefix, e.g. in a DataBucket). */
  readonly output: S3Location;
  /**
   * The KMS key encrypting the results.
   * @default - the output bucket's default encryption (a DataBucket's own key)
   */
  readonly outputKey?: kms.IKey;
  /** The review task's title shown to workers (1-128 characters). */
  readonly taskTitle: string;
  /** The review task's description shown to workers (1-255 characters). */
  readonly taskDescription: string;
  /**
   * Keywords of the task (1-5, each 1-30 letters or digits, single spaces between words).
   * @default - none
   */
  readonly taskKeywords?: string[];
  /**
   * How many workers review each object (1-3).
   * @default 1
   */
  readonly workersPerObject?: number;
  /**
   * How long a worker has for one review (30 seconds or more, whole seconds).
   * @default Duration.hours(1)
   */
  readonly taskTimeLimit?: Duration;
  /**
   * How long a review stays available to workers (whole seconds).
   * @default - SageMaker's default
   */
  readonly taskAvailabilityLifetime?: Duration;
  /**
   * The AWS service integration that starts the human loops. Without one, your code starts them
   * (`StartHumanLoop`): a custom task type.
   * @default - a custom task type
   */
  readonly requestSource?: HumanReviewSource;
  /**
   * When the integration sends an object for review: the JSON of the activation conditions (a
   * `{"Conditions": [...]}` object, at most 10,240 characters). Only with `requestSource`.
   * @default - none (with `requestSource`, every request is reviewed unless you pass conditions)
   */
  readonly activationConditionsJson?: string;
  /**
   * Tags of the flow definition.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Options of `FlowDefinitionSpec.render`. */
export interface FlowDefinitionRenderOptions {
  /** The role Augmented AI uses (give it the spec's permissions with `grantTo`). */
  readonly role: iam.IRole;
  /** The flow definition's name (1-63 lower-case letters, digits or hyphens). */
  readonly flowDefinitionName: string;
}

const FLOW_DEFINITION_NAME: NameRule = { pattern: /^[a-z0-9](-*[a-z0-9])*$/, minLength: 1, maxLength: 63, description: '1-63 lower-case letters, digits or hyphens, starting and ending with a letter or digit' };
const KEYWORD = /^[A-Za-z0-9]+( [A-Za-z0-9]+)*$/;
const MAX_CONDITIONS = 10240;

/**
 * An Amazon Augmented AI flow definition (a human review workflow), described once and rendered
 * to the exact `CreateFlowDefinition` request: CloudFormation has no flow definition type, so the
 * request is for a deploy-time custom resource, a pipeline step or your own code to send. Its UI is
 * a `HumanTaskUi`, its reviewers a `WorkTeam`.
 */
export class FlowDefinitionSpec {
  constructor(public readonly props: FlowDefinitionSpecProps) {}

  /** Validates and renders the `CreateFlowDefinition` request. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's CreateFlowDefinitionRequest is not a jsii type (tsc checks it in _render)
  public render(scope: Construct, options: FlowDefinitionRenderOptions): any {
    return checkNow(scope, 'the flow definition spec', (problems) => this._render(scope, options, problems));
  }

  /**
   * Grants `grantee` (the flow definition's role) writing the results (and reading them back) under
   * `output`, with its key. Reading the objects under review is yours to grant: they are named by
   * each `StartHumanLoop` call or integration request.
   */
  public grantTo(grantee: iam.IGrantable): void {
    this.props.output.grantRead(grantee);
    this.props.output.grantWrite(grantee);
    grantKeyReadWrite(this.props.outputKey, grantee);
  }

  /** @internal Adds the spec's problems to `problems` and renders the request when it has none. */
  public _render(_scope: Construct, options: FlowDefinitionRenderOptions, problems: ProblemList): CreateFlowDefinitionRequest | undefined {
    const p = this.props;
    const known = problems.length;
    checkName(problems, 'flowDefinitionName', options.flowDefinitionName, FLOW_DEFINITION_NAME);
    problems.addIf(p.output._uriProblem('output'));
    text(problems, 'taskTitle', p.taskTitle, 128);
    text(problems, 'taskDescription', p.taskDescription, 255);
    if (p.taskKeywords && !Token.isUnresolved(p.taskKeywords)) {
      if (p.taskKeywords.length < 1 || p.taskKeywords.length > 5) problems.add(`taskKeywords has ${p.taskKeywords.length} entries: use 1 to 5 (omit it for none)`);
      for (const k of p.taskKeywords) {
        if (!Token.isUnresolved(k) && (typeof k !== 'string' || k.length > 30 || !KEYWORD.test(k))) problems.add(`invalid taskKeywords entry ${describeValue(k)}: use 1-30 letters or digits, words separated by single spaces`);
      }
    }
    const workers = integer(problems, 'workersPerObject', p.workersPerObject ?? 1, 1, 3);
    const taskTime = seconds(problems, 'taskTimeLimit', p.taskTimeLimit ?? Duration.hours(1), 30, Number.MAX_SAFE_INTEGER);
    const lifetime = seconds(problems, 'taskAvailabilityLifetime', p.taskAvailabilityLifetime, 1, Number.MAX_SAFE_INTEGER);
    const conditions = p.activationConditionsJson;
    if (conditions !== undefined && !Token.isUnresolved(conditions)) {
      if (!p.requestSource) problems.add('activationConditionsJson is for an AWS service integration: give requestSource, or omit the conditions (your code decides when it starts a human loop)');
      if (conditions.length > MAX_CONDITIONS) problems.add(`activationConditionsJson is ${conditions.length} characters long: at most ${MAX_CONDITIONS}`);
      let parsed: unknown;
      try {
        parsed = JSON.parse(conditions);
      } catch {
        problems.add(`activationConditionsJson is not JSON: ${describeValue(conditions)}`);
      }
      if (parsed !== undefined && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || !Array.isArray((parsed as { Conditions?: unknown }).Conditions))) {
        problems.add(`activationConditionsJson ${describeValue(conditions)} has no "Conditions" list: use {"Conditions": [...]}`);
      }
    }
    checkTags(problems, 'tags', p.tags);
    if (problems.length > known) return undefined;
    return prune({
      FlowDefinitionName: options.flowDefinitionName,
      RoleArn: options.role.roleArn,
      HumanLoopRequestSource: p.requestSource ? { AwsManagedHumanLoopRequestSource: p.requestSource } : undefined,
      HumanLoopActivationConfig: conditions !== undefined ? { HumanLoopActivationConditionsConfig: { HumanLoopActivationConditions: conditions } } : undefined,
      HumanLoopConfig: {
        WorkteamArn: p.workteam.workteamArn,
        HumanTaskUiArn: p.humanTaskUi.humanTaskUiArn,
        TaskTitle: p.taskTitle,
        TaskDescription: p.taskDescription,
        TaskCount: workers,
        TaskTimeLimitInSeconds: taskTime,
        TaskAvailabilityLifetimeInSeconds: lifetime,
        TaskKeywords: p.taskKeywords,
      },
      OutputConfig: { S3OutputPath: p.output.uri, KmsKeyId: p.outputKey?.keyArn },
      Tags: renderTags(p.tags),
    }) as CreateFlowDefinitionRequest;
  }
}

function text(problems: ProblemList, prop: string, value: string, max: number): void {
  if (Token.isUnresolved(value)) return;
  if (typeof value !== 'string' || value.length < 1 || value.length > max) problems.add(`invalid ${prop} ${describeValue(value)}: use 1-${max} characters`);
}
