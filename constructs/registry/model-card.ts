import { ArnFormat, IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { CfnModelCard } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { IModelPackage } from './model-package';
import { describeValue, ProblemList } from '../private/errors';
import { createManagedKey } from '../private/kms';
import { generatePhysicalName } from '../private/naming';
import { checkArn, checkImport, checkName, checkTags, stringMap } from '../private/rules';

/** The review status of a model card. */
export enum ModelCardStatus {
  /** A work in progress. */
  DRAFT = 'Draft',
  /** Waiting for review. */
  PENDING_REVIEW = 'PendingReview',
  /** Approved. */
  APPROVED = 'Approved',
  /** Archived: SageMaker refuses any further change of its content. */
  ARCHIVED = 'Archived',
}

/** Your organization's risk rating of a model. */
export enum ModelRiskRating {
  /** High risk. */
  HIGH = 'High',
  /** Medium risk. */
  MEDIUM = 'Medium',
  /** Low risk. */
  LOW = 'Low',
  /** Not rated. */
  UNKNOWN = 'Unknown',
}

/** The model overview section (`model_overview`). Every text is at most 1024 characters. */
export interface ModelCardOverview {
  /** What the model is. @default - none */
  readonly modelDescription?: string;
  /** Who made it. @default - none */
  readonly modelCreator?: string;
  /** Who owns it. @default - none */
  readonly modelOwner?: string;
  /** The problem type, e.g. 'Binary classification'. @default - none */
  readonly problemType?: string;
  /** The algorithm, e.g. 'XGBoost'. @default - none */
  readonly algorithmType?: string;
  /** The model's name. @default - none */
  readonly modelName?: string;
  /** The model's version (a whole number of 1 or more). @default - none */
  readonly modelVersion?: number;
  /** The SageMaker model ARN, or the ID of a model made elsewhere. @default - none */
  readonly modelId?: string;
  /** The S3 URIs of the model artifacts (at most 15). @default - none */
  readonly modelArtifacts?: string[];
  /** The inference images (at most 15). @default - none */
  readonly inferenceImages?: string[];
}

/** The intended uses section (`intended_uses`). Every text is at most 2048 characters. */
export interface ModelCardIntendedUses {
  /** The general purpose of the model. @default - none */
  readonly purposeOfModel?: string;
  /** The intended use cases. @default - none */
  readonly intendedUses?: string;
  /** Factors affecting the model's efficacy. @default - none */
  readonly factorsAffectingModelEfficiency?: string;
  /** Your organization's risk rating. @default - none */
  readonly riskRating?: ModelRiskRating;
  /** Why the model has its risk rating. @default - none */
  readonly explanationsForRiskRating?: string;
}

/** The business details section (`business_details`). Every text is at most 2048 characters. */
export interface ModelCardBusinessDetails {
  /** The business problem the model solves. @default - none */
  readonly businessProblem?: string;
  /** The business stakeholders. @default - none */
  readonly businessStakeholders?: string;
  /** The line of business. @default - none */
  readonly lineOfBusiness?: string;
}

/** One metric of an evaluation (`metric_data`): give exactly one of `numberValue`, `stringValue`, `booleanValue`. */
export interface ModelCardMetric {
  /** The metric's name (1-255 characters). */
  readonly name: string;
  /** A numeric value (type `number`). @default - not a number metric */
  readonly numberValue?: number;
  /** A text value (type `string`). @default - not a string metric */
  readonly stringValue?: string;
  /** A true/false value (type `boolean`). @default - not a boolean metric */
  readonly booleanValue?: boolean;
  /** Notes on the metric (at most 1024 characters). @default - none */
  readonly notes?: string;
}

/** A group of evaluation metrics (`metric_groups`). */
export interface ModelCardMetricGroup {
  /** The group's name (1-63 characters). */
  readonly name: string;
  /** Its metrics (at least one). */
  readonly metrics: ModelCardMetric[];
}

/** One evaluation of the model (`evaluation_details`). */
export interface ModelCardEvaluation {
  /** The evaluation's name (1-63 characters). */
  readonly name: string;
  /** The ARN of the job that evaluated the model (at most 256 characters). @default - none */
  readonly evaluationJobArn?: string;
  /** What the evaluation found (at most 2096 characters). @default - none */
  readonly evaluationObservation?: string;
  /** The S3 URIs of the evaluation data sets (at most 10, each at most 1024 characters). @default - none */
  readonly datasets?: string[];
  /** More attributes of the evaluation: keys of letters, digits and '_' (not starting with a digit), values of at most 1024 characters. @default - none */
  readonly metadata?: { [key: string]: string };
  /** The metric groups. @default - none */
  readonly metricGroups?: ModelCardMetricGroup[];
}

/** The additional information section (`additional_information`). */
export interface ModelCardAdditionalInformation {
  /** Ethical considerations (at most 2048 characters). @default - none */
  readonly ethicalConsiderations?: string;
  /** Caveats and recommendations (at most 2048 characters). @default - none */
  readonly caveatsAndRecommendations?: string;
  /** Anything else: keys of letters, digits and '_' (not starting with a digit), values of at most 1024 characters. @default - none */
  readonly customDetails?: { [key: string]: string };
}

/** The content and settings of a model card, without its model package. */
export interface ModelCardOptions {
  /**
   * The card's name: 1-63 letters, digits or hyphens.
   * @default - a unique lower-case name derived from the construct path
   */
  readonly modelCardName?: string;
  /**
   * The card's review status.
   * @default ModelCardStatus.DRAFT
   */
  readonly status?: ModelCardStatus;
  /** The model overview. @default - none */
  readonly overview?: ModelCardOverview;
  /** The intended uses. @default - none */
  readonly intendedUses?: ModelCardIntendedUses;
  /** The business details. @default - none */
  readonly businessDetails?: ModelCardBusinessDetails;
  /** The evaluations. @default - none */
  readonly evaluations?: ModelCardEvaluation[];
  /** Additional information. @default - none */
  readonly additionalInformation?: ModelCardAdditionalInformation;
  /**
   * The KMS key that encrypts the card's content.
   * @default - a customer-managed key created for the card (yearly rotation, retained like the card)
   */
  readonly encryptionKey?: kms.IKey;
  /**
   * Tags of the card.
   * @default - none beyond those applied with `Tags.of()`
   */
  readonly tags?: { [key: string]: string };
  /**
   * What happens to the card (and the key created for it) when it leaves the stack.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Properties of a ModelCard. */
export interface ModelCardProps extends ModelCardOptions {
  /**
   * The registry version the card documents: its ARN goes into the card's model package details
   * (`model_package_details.model_package_arn`), which links the card to the version in Studio.
   * @default - a card of no model package
   */
  readonly modelPackage?: IModelPackage;
}

/** A SageMaker model card. */
export interface IModelCard extends IResource {
  /**
   * The card's name.
   * @attribute
   */
  readonly modelCardName: string;
  /**
   * The card's ARN.
   * @attribute
   */
  readonly modelCardArn: string;
  /** The key that encrypts the card's content, when this app knows it. */
  readonly encryptionKey?: kms.IKey;

  /** Read the card (`DescribeModelCard`, `ListModelCardVersions`) and decrypt it. */
  grantRead(grantee: iam.IGrantable): iam.Grant;
  /** Read and update the card (`UpdateModelCard`, e.g. its status) and encrypt it. */
  grantUpdate(grantee: iam.IGrantable): iam.Grant;
}

abstract class ModelCardBase extends Resource implements IModelCard {
  public abstract readonly modelCardName: string;
  public abstract readonly modelCardArn: string;
  public abstract readonly encryptionKey?: kms.IKey;

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelCard', 'sagemaker:ListModelCardVersions', 'sagemaker:ListTags'], resourceArns: [this.modelCardArn] });
    this.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:DescribeKey');
    return grant;
  }

  public grantUpdate(grantee: iam.IGrantable): iam.Grant {
    const grant = iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelCard', 'sagemaker:ListModelCardVersions', 'sagemaker:UpdateModelCard'], resourceArns: [this.modelCardArn] });
    this.encryptionKey?.grant(grantee, 'kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey');
    return grant;
  }
}

const CUSTOM_KEY_RULES = { maxEntries: 1000, keyPattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/, maxKey: 1024, maxValue: 1024 };

/**
 * A SageMaker model card (`AWS::SageMaker::ModelCard`): the documentation of a model for its
 * reviewers (overview, intended uses, business details, evaluations, additional information),
 * optionally linked to a registry version, encrypted with a customer-managed key, with a review
 * status. Each change of its content makes a new card version. Retained by default.
 */
export class ModelCard extends ModelCardBase {
  /** A card documenting a registry version (`modelPackage` set to it). */
  public static forModelPackage(scope: Construct, id: string, modelPackage: IModelPackage, options: ModelCardOptions = {}): ModelCard {
    return new ModelCard(scope, id, { ...options, modelPackage });
  }

  /** Imports a card of this account and region by name. */
  public static fromModelCardName(scope: Construct, id: string, modelCardName: string): IModelCard {
    checkImport(scope, id, 'ModelCard name', (p) => checkName(p, 'modelCardName', modelCardName));
    class Import extends ModelCardBase {
      public readonly modelCardName = modelCardName;
      public readonly modelCardArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'model-card', resourceName: modelCardName });
      public readonly encryptionKey = undefined;
    }
    return new Import(scope, id);
  }

  /** Imports a card by ARN. */
  public static fromModelCardArn(scope: Construct, id: string, modelCardArn: string): IModelCard {
    checkImport(scope, id, 'ModelCard ARN', (p) => checkArn(p, 'modelCardArn', modelCardArn, 'model-card'));
    const name = Stack.of(scope).splitArn(modelCardArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    class Import extends ModelCardBase {
      public readonly modelCardName = name;
      public readonly modelCardArn = modelCardArn;
      public readonly encryptionKey = undefined;
    }
    return new Import(scope, id);
  }

  public readonly modelCardName: string;
  public readonly modelCardArn: string;
  /** The key that encrypts the card's content (the one created for it, or yours). */
  public readonly encryptionKey?: kms.IKey;
  /** The card's version number (increases with each content change). */
  public readonly modelCardVersion: number;
  /** The card's review status. */
  public readonly status: ModelCardStatus;
  /** The registry version the card documents, when given. */
  public readonly modelPackage?: IModelPackage;

  constructor(scope: Construct, id: string, props: ModelCardProps = {}) {
    super(scope, id, { physicalName: props.modelCardName });
    const name = props.modelCardName ?? generatePhysicalName(this);
    const problems = new ProblemList();
    checkName(problems, 'modelCardName', name);
    checkTags(problems, 'tags', props.tags);
    const overrides: { [path: string]: unknown } = {};
    const content = renderContent(problems, props, overrides);
    problems.throwIfAny(this, 'ModelCard props');

    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const cardKey = props.encryptionKey ?? createManagedKey(this, 'Key', { description: `Encrypts the content of the model card ${this.node.path}`, removalPolicy });
    this.encryptionKey = cardKey;
    this.status = props.status ?? ModelCardStatus.DRAFT;
    const resource = new CfnModelCard(this, 'Resource', {
      modelCardName: name,
      modelCardStatus: this.status,
      content,
      securityConfig: { kmsKeyId: cardKey.keyArn },
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    for (const [path, value] of Object.entries(overrides)) resource.addPropertyOverride(path, value);
    resource.applyRemovalPolicy(removalPolicy);
    if (props.modelPackage) resource.node.addDependency(props.modelPackage);

    this.modelCardName = name;
    this.modelCardArn = resource.attrModelCardArn;
    this.modelCardVersion = resource.attrModelCardVersion;
    this.modelPackage = props.modelPackage;
  }
}

// ---------------------------------------------------------------------------------------------
// Content: the typed sections rendered to CloudFormation's Content, whose members are the model card
// JSON schema's fields (model_overview.model_description is ModelOverview.ModelDescription).

function text(problems: ProblemList, prop: string, value: string | undefined, max: number): string | undefined {
  if (value !== undefined && !Token.isUnresolved(value) && value.length > max) problems.add(`${prop} is ${value.length} characters long: use at most ${max}`);
  return value;
}

function strings(problems: ProblemList, prop: string, list: string[] | undefined, maxItems: number, maxLength: number): string[] | undefined {
  if (list === undefined || Token.isUnresolved(list)) return list;
  if (list.length > maxItems) problems.add(`${prop} has ${list.length} entries: at most ${maxItems}`);
  list.forEach((v, i) => text(problems, `${prop}[${i}]`, v, maxLength));
  return list;
}

function some<T extends object>(o: T): T | undefined {
  return Object.values(o).some((v) => v !== undefined) ? o : undefined;
}

function renderContent(problems: ProblemList, props: ModelCardProps, overrides: { [path: string]: unknown }): CfnModelCard.ContentProperty {
  const o = props.overview;
  const u = props.intendedUses;
  const b = props.businessDetails;
  const a = props.additionalInformation;
  if (o?.modelVersion !== undefined && !Token.isUnresolved(o.modelVersion) && (!Number.isInteger(o.modelVersion) || o.modelVersion < 1)) {
    problems.add(`invalid overview.modelVersion ${describeValue(o.modelVersion)}: use a whole number of 1 or more`);
  }
  if (a?.customDetails) stringMap(problems, 'additionalInformation.customDetails', a.customDetails, CUSTOM_KEY_RULES);
  const evaluations = props.evaluations?.map((e, i) => renderEvaluation(problems, i, e, overrides));
  if (evaluations) {
    const names = props.evaluations!.map((e) => e.name).filter((n) => !Token.isUnresolved(n));
    const repeated = names.filter((n, i) => names.indexOf(n) !== i);
    if (repeated.length) problems.add(`evaluations repeat the name${repeated.length > 1 ? 's' : ''} ${[...new Set(repeated)].map((n) => describeValue(n)).join(', ')}: give each evaluation its own name`);
  }
  return {
    modelOverview: o && some({
      modelDescription: text(problems, 'overview.modelDescription', o.modelDescription, 1024),
      modelCreator: text(problems, 'overview.modelCreator', o.modelCreator, 1024),
      modelOwner: text(problems, 'overview.modelOwner', o.modelOwner, 1024),
      problemType: text(problems, 'overview.problemType', o.problemType, 1024),
      algorithmType: text(problems, 'overview.algorithmType', o.algorithmType, 1024),
      modelName: text(problems, 'overview.modelName', o.modelName, 1024),
      modelId: text(problems, 'overview.modelId', o.modelId, 1024),
      modelVersion: o.modelVersion,
      modelArtifact: strings(problems, 'overview.modelArtifacts', o.modelArtifacts, 15, 1024),
      inferenceEnvironment: o.inferenceImages && { containerImage: strings(problems, 'overview.inferenceImages', o.inferenceImages, 15, 1024) },
    }),
    modelPackageDetails: props.modelPackage && {
      modelPackageArn: props.modelPackage.modelPackageArn,
      modelPackageGroupName: props.modelPackage.modelPackageGroupName,
    },
    intendedUses: u && some({
      purposeOfModel: text(problems, 'intendedUses.purposeOfModel', u.purposeOfModel, 2048),
      intendedUses: text(problems, 'intendedUses.intendedUses', u.intendedUses, 2048),
      factorsAffectingModelEfficiency: text(problems, 'intendedUses.factorsAffectingModelEfficiency', u.factorsAffectingModelEfficiency, 2048),
      riskRating: u.riskRating,
      explanationsForRiskRating: text(problems, 'intendedUses.explanationsForRiskRating', u.explanationsForRiskRating, 2048),
    }),
    businessDetails: b && some({
      businessProblem: text(problems, 'businessDetails.businessProblem', b.businessProblem, 2048),
      businessStakeholders: text(problems, 'businessDetails.businessStakeholders', b.businessStakeholders, 2048),
      lineOfBusiness: text(problems, 'businessDetails.lineOfBusiness', b.lineOfBusiness, 2048),
    }),
    evaluationDetails: evaluations,
    additionalInformation: a && some({
      ethicalConsiderations: text(problems, 'additionalInformation.ethicalConsiderations', a.ethicalConsiderations, 2048),
      caveatsAndRecommendations: text(problems, 'additionalInformation.caveatsAndRecommendations', a.caveatsAndRecommendations, 2048),
      customDetails: a.customDetails,
    }),
  };
}

function shortName(problems: ProblemList, prop: string, name: string, max: number): void {
  if (!Token.isUnresolved(name) && (name.length < 1 || name.length > max)) problems.add(`invalid ${prop} ${describeValue(name)} (length ${name.length}): use 1-${max} characters`);
}

function renderEvaluation(problems: ProblemList, index: number, e: ModelCardEvaluation, overrides: { [path: string]: unknown }): CfnModelCard.EvaluationDetailProperty {
  const at = `evaluations[${index}]`;
  shortName(problems, `${at}.name`, e.name, 63);
  if (e.metadata) stringMap(problems, `${at}.metadata`, e.metadata, CUSTOM_KEY_RULES);
  return {
    name: e.name,
    evaluationJobArn: text(problems, `${at}.evaluationJobArn`, e.evaluationJobArn, 256),
    evaluationObservation: text(problems, `${at}.evaluationObservation`, e.evaluationObservation, 2096),
    datasets: strings(problems, `${at}.datasets`, e.datasets, 10, 1024),
    metadata: e.metadata,
    metricGroups: e.metricGroups?.map((g, j) => {
      const gat = `${at}.metricGroups[${j}]`;
      shortName(problems, `${gat}.name`, g.name, 63);
      if (g.metrics.length === 0) problems.add(`${gat}.metrics is empty: give at least one metric, or leave the group out`);
      return {
        name: g.name,
        metricData: g.metrics.map((m, k) => {
          const mat = `${gat}.metrics[${k}]`;
          shortName(problems, `${mat}.name`, m.name, 255);
          text(problems, `${mat}.notes`, m.notes, 1024);
          const given = [m.numberValue, m.stringValue, m.booleanValue].filter((v) => v !== undefined).length;
          if (given !== 1) problems.add(`${mat} (${describeValue(m.name)}) has ${given} values: give exactly one of numberValue, stringValue and booleanValue`);
          const [type, value] = m.numberValue !== undefined ? ['number', m.numberValue] : m.stringValue !== undefined ? ['string', m.stringValue] : ['boolean', m.booleanValue];
          // aws-cdk-lib's validator of MetricDataItems takes only an object for Value, whereas the
          // schema's metric values are numbers, strings and booleans: the L1 gets a placeholder, and
          // the value goes into the template as a property override (see ModelCard's constructor).
          overrides[`Content.EvaluationDetails.${index}.MetricGroups.${j}.MetricData.${k}.Value`] = value;
          return { name: m.name, type, value: {}, notes: m.notes };
        }),
      };
    }),
  };
}
