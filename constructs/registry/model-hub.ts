import { IResource, RemovalPolicy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnHub } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { keyPrefix } from './private/registry-util';
import { IDataBucket } from '../data/data-bucket';
import { describeValue, ProblemList } from '../private/errors';
import { generatePhysicalName } from '../private/naming';
import { checkImport, checkName, checkTags, sageMakerName } from '../private/rules';

/** A private curated hub of models (SageMaker JumpStart's hubs). */
export interface IModelHub extends IResource {
  /**
   * The hub's name.
   * @attribute
   */
  readonly hubName: string;
  /**
   * The hub's ARN.
   * @attribute
   */
  readonly hubArn: string;

  /**
   * Browse the hub and deploy from it: describe the hub and its contents, list them, and
   * search them (what Studio and the SDK's `hub_name` need).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Curate the hub: add and remove content (references to public JumpStart models and your own
   * imported models), plus `grantRead`.
   */
  grantCurate(grantee: iam.IGrantable): iam.Grant;
}

/** Properties of a ModelHub. */
export interface ModelHubProps {
  /**
   * The hub's name: 1-63 letters, digits or hyphens.
   * @default - generated from the construct path
   */
  readonly hubName?: string;
  /** What the hub holds, for its users (1-1023 characters). */
  readonly description: string;
  /**
   * The name Studio shows.
   * @default - the hub's name
   */
  readonly displayName?: string;
  /**
   * Search keywords (at most 50, each 1-255 characters).
   * @default - none
   */
  readonly searchKeywords?: string[];
  /**
   * Where the hub keeps the content you import (model artifacts and notebooks): a prefix of a
   * DataBucket of yours, KMS-encrypted with its key.
   * @default - no storage: the hub can reference public JumpStart models only
   */
  readonly storage?: ModelHubStorage;
  /**
   * What happens to the hub when it leaves the stack (its content references go with it).
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Tags of the hub.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/** Where a hub keeps imported content. */
export interface ModelHubStorage {
  /** The bucket. */
  readonly bucket: IDataBucket;
  /**
   * The key prefix.
   * @default 'model-hub/<hub name>/'
   */
  readonly prefix?: string;
}

const READ_ACTIONS = ['sagemaker:DescribeHub', 'sagemaker:DescribeHubContent', 'sagemaker:ListHubContents', 'sagemaker:ListHubContentVersions', 'sagemaker:Search'];
const CURATE_ACTIONS = ['sagemaker:CreateHubContentReference', 'sagemaker:DeleteHubContentReference', 'sagemaker:ImportHubContent', 'sagemaker:DeleteHubContent', 'sagemaker:UpdateHubContent', 'sagemaker:UpdateHubContentReference'];

abstract class ModelHubBase extends Resource implements IModelHub {
  public abstract readonly hubName: string;
  public abstract readonly hubArn: string;

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    // Hub content ARNs are `hub-content/<hub name>/<type>/<name>/<version>`.
    return iam.Grant.addToPrincipal({ grantee, actions: READ_ACTIONS, resourceArns: [this.hubArn, this.contentArns()] });
  }

  public grantCurate(grantee: iam.IGrantable): iam.Grant {
    this.grantRead(grantee);
    return iam.Grant.addToPrincipal({ grantee, actions: CURATE_ACTIONS, resourceArns: [this.hubArn, this.contentArns()] });
  }

  private contentArns(): string {
    return Stack.of(this).formatArn({ service: 'sagemaker', resource: 'hub-content', resourceName: `${Token.isUnresolved(this.hubName) ? this.hubName : this.hubName.toLowerCase()}/*` });
  }
}

/**
 * A private curated hub (`AWS::SageMaker::Hub`): the models your teams may use from SageMaker
 * JumpStart (references to public models) and your own (imported into the hub's storage), shown
 * in Studio and deployable with the SDK's `hub_name`. Retained by default.
 */
export class ModelHub extends ModelHubBase {
  /** Imports a hub by name. */
  public static fromHubName(scope: Construct, id: string, hubName: string): IModelHub {
    checkImport(scope, id, 'ModelHub.fromHubName', (p) => checkName(p, 'hubName', hubName, sageMakerName(63)));
    class Import extends ModelHubBase {
      public readonly hubName = hubName;
      public readonly hubArn = Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'hub', resourceName: Token.isUnresolved(hubName) ? hubName : hubName.toLowerCase() });
    }
    return new Import(scope, id);
  }

  public readonly hubName: string;
  public readonly hubArn: string;
  /** The S3 URI of the hub's storage, when it has one. */
  public readonly storageUri?: string;
  private readonly storage?: { bucket: IDataBucket; prefix: string };

  constructor(scope: Construct, id: string, props: ModelHubProps) {
    super(scope, id, { physicalName: props.hubName });
    const problems = new ProblemList();
    const name = props.hubName ?? generatePhysicalName(this, { maxLength: 63 });
    checkName(problems, 'hubName', name, sageMakerName(63));
    const text = (prop: string, value: string | undefined, max: number) => {
      if (value !== undefined && !Token.isUnresolved(value) && (value.length < 1 || value.length > max)) problems.add(`${prop} is ${value.length} characters: use 1-${max}`);
    };
    text('description', props.description, 1023);
    text('displayName', props.displayName, 255);
    const keywords = props.searchKeywords ?? [];
    if (keywords.length > 50) problems.add(`searchKeywords has ${keywords.length} entries: at most 50`);
    keywords.forEach((k, i) => text(`searchKeywords[${i}]`, k, 255));
    if (new Set(keywords).size !== keywords.length) problems.add(`searchKeywords repeats a keyword: ${describeValue(keywords)}`);
    checkTags(problems, 'tags', props.tags);
    const prefix = props.storage ? keyPrefix(problems, 'storage.prefix', props.storage.prefix ?? `model-hub/${Token.isUnresolved(name) ? 'hub' : name}/`) : undefined;
    problems.throwIfAny(this, 'ModelHub props');

    this.storageUri = props.storage ? props.storage.bucket.s3Uri(prefix ?? '') : undefined;
    this.storage = props.storage ? { bucket: props.storage.bucket, prefix: prefix ?? '' } : undefined;
    const resource = new CfnHub(this, 'Resource', {
      hubName: name,
      hubDescription: props.description,
      hubDisplayName: props.displayName,
      hubSearchKeywords: keywords.length ? keywords : undefined,
      s3StorageConfig: this.storageUri ? { s3OutputPath: this.storageUri } : undefined,
      tags: props.tags ? Object.entries(props.tags).map(([key, value]) => ({ key, value })) : undefined,
    });
    resource.applyRemovalPolicy(props.removalPolicy ?? RemovalPolicy.RETAIN);
    this.hubName = name;
    this.hubArn = resource.attrHubArn;
  }

  /** Browse the hub and deploy from it, and read its imported content. */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const grant = super.grantRead(grantee);
    if (this.storage) this.storage.bucket.grantRead(grantee, this.storage.prefix);
    return grant;
  }

  /** Curate the hub, and write the content you import into its storage. */
  public grantCurate(grantee: iam.IGrantable): iam.Grant {
    const grant = super.grantCurate(grantee);
    if (this.storage) this.storage.bucket.grantReadWrite(grantee, this.storage.prefix);
    return grant;
  }
}
