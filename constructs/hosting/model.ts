import { ArnFormat, IResource, Lazy, Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { aws_sagemaker as sagemakerRefs } from 'aws-cdk-lib/interfaces';
import { CfnModel } from 'aws-cdk-lib/aws-sagemaker';
import { InferenceCode } from './inference-code';
import { Construct, IConstruct } from 'constructs';
import { ModelData } from './model-data';
import { contentHash, registerModelFacts } from './private/hosting-util';
import { checkModelPackageRegistry, grantModelPackages } from './private/model-package';
import { describeValue, ProblemList } from '../private/errors';
import { grantJobBasics, prune, renderVpcConfig } from '../private/job-render';
import { generatePhysicalName } from '../private/naming';
import { LeastPrivilegeRole } from '../private/role';
import { checkArn, checkImport, checkName, ENVIRONMENT_RULES, nameOk, stringMap } from '../private/rules';
import { ContainerImage } from '../core/container-image';
import { NetworkOptions } from '../core/network';
import { IModelRegistry } from '../registry/model-registry';

/**
 * A SageMaker model: containers, their artifacts and the role they run as. As a grantable, it is
 * that role: an Endpoint grants it write access to its data capture and asynchronous inference
 * locations (an imported model without a known role cannot receive grants).
 */
export interface IModel extends IResource, iam.IGrantable, sagemakerRefs.IModelRef {
  /**
   * The model's name.
   * @attribute
   */
  readonly modelName: string;
  /**
   * The model's ARN.
   * @attribute
   */
  readonly modelArn: string;
}

/** Attributes to import an existing model. */
export interface ModelAttributes {
  /** The model's name. */
  readonly modelName: string;
  /**
   * The model's execution role. Endpoints grant it what the model needs at run time (data capture
   * and asynchronous inference output).
   * @default - unknown: such grants add a warning and must be made on the role yourself
   */
  readonly role?: iam.IRole;
}

/**
 * One container of a model: an image with optional model data, or a model package (a version in
 * a model registry or an AWS Marketplace package), which brings its own image and data.
 */
export interface ModelContainer {
  /**
   * The inference image. Required unless `modelPackageArn` is given; binding grants the model's
   * role pull access to images in your ECR repositories.
   * @default - none: `modelPackageArn` must be given
   */
  readonly image?: ContainerImage;
  /**
   * The model artifact (`model.tar.gz`) SageMaker downloads into `/opt/ml/model`. Only with `image`.
   * @default - no artifact (the image holds the model)
   */
  readonly modelData?: ModelData;
  /**
   * Environment variables of the container: at most 100; keys match `[a-zA-Z_][a-zA-Z0-9_]*`,
   * keys and values at most 1024 characters.
   * @default - none
   */
  readonly environment?: { [key: string]: string };
  /**
   * The container's DNS host name in an inference pipeline: 1-63 letters, digits or hyphens,
   * unique within the model.
   * @default - assigned by SageMaker
   */
  readonly containerHostname?: string;
  /**
   * Your inference script for the image's serving container (script mode): the environment the
   * framework containers read is set, and the model's role may read the code.
   * @default - the image's own serving code
   */
  readonly code?: InferenceCode;
  /**
   * The ARN of a model package version (e.g. `arn:aws:sagemaker:us-east-1:123456789012:model-package/churn/3`,
   * or `LatestApprovedModelPackage.modelPackageArn`) to deploy instead of an image. Exclusive with
   * `image` and `modelData`. SageMaker checks at CreateModel that the model's role can read the
   * package's artifacts and pull its image, which are not known at synth: give `registry` (a
   * LatestApprovedModelPackage's registry is known) so the role gets them, or grant them on
   * `model.role` yourself. The role may `sagemaker:DescribeModelPackage` the package (without a
   * registry: exactly this ARN, and its versions when it has no version).
   * @default - none: `image` must be given
   */
  readonly modelPackageArn?: string;
  /**
   * The registry `modelPackageArn` is a version of. The model's role gets what the registry knows
   * a version needs (`IModelRegistry.grantModelRead`): `sagemaker:DescribeModelPackage` on its
   * versions, read access to its `artifactsBucket` under `artifactsPrefix` (and the bucket's key),
   * and pull access to its `imageRepositories`. Only with `modelPackageArn`. For a registry of
   * another stack or account, import it with `ModelRegistry.fromModelRegistryAttributes`.
   * @default - the registry of the LatestApprovedModelPackage whose `modelPackageArn` is given, else
   * none: a synth warning (`sagemaker-lifecycle-constructs:modelPackageAccess`) says the role may not
   * read the package's artifacts
   */
  readonly registry?: IModelRegistry;
}

/** Properties of a Model. */
export interface ModelProps extends NetworkOptions {
  /**
   * The model's name: 1-63 letters, digits or hyphens. A fixed name blocks replacement: every
   * change to a model replaces it, and CloudFormation cannot replace a resource whose name stays
   * the same. Prefer the generated name.
   * @default - `<construct path>-<hash of the definition>`, lower case: a changed model gets a new name
   */
  readonly modelName?: string;
  /**
   * The containers: one for a single-container model, 2 to 15 for a serial inference pipeline
   * (each container's output is the next one's input).
   */
  readonly containers: ModelContainer[];
  /**
   * The role SageMaker runs the containers with. Grants the model needs are added to it.
   * @default - a new role trusted by sagemaker.amazonaws.com with exactly what the model needs:
   * read its model data (and key), pull its ECR images, write logs under `/aws/sagemaker/Endpoints`,
   * put metrics in SageMaker namespaces, and, in a VPC, manage its network interfaces there
   */
  readonly role?: iam.IRole;
}

abstract class ModelBase extends Resource implements IModel {
  public abstract readonly modelName: string;
  public abstract readonly modelArn: string;
  public abstract readonly grantPrincipal: iam.IPrincipal;

  public get modelRef(): sagemakerRefs.ModelReference {
    return { modelArn: this.modelArn };
  }
}

function modelArnFor(scope: IConstruct, name: string): string {
  // SageMaker reports model ARNs in lower case; IAM compares ARNs case-sensitively.
  const resourceName = Token.isUnresolved(name) ? name : name.toLowerCase();
  return Stack.of(scope).formatArn({ service: 'sagemaker', resource: 'model', resourceName });
}

/**
 * A SageMaker model (`AWS::SageMaker::Model`): one container or a serial inference pipeline of up
 * to 15, with a least-privilege execution role by default. Models are replace-only: the generated
 * name is derived from the definition, so a changed model is created under a new name before the
 * old one is deleted, and the endpoint configurations that host it follow.
 */
export class Model extends ModelBase {
  /** Imports a model by name (its execution role unknown). */
  public static fromModelName(scope: Construct, id: string, modelName: string): IModel {
    checkImport(scope, id, 'Model.fromModelName', (p) => checkName(p, 'modelName', modelName));
    return Model.fromModelAttributes(scope, id, { modelName });
  }

  /** Imports a model by ARN (its execution role unknown). */
  public static fromModelArn(scope: Construct, id: string, modelArn: string): IModel {
    checkImport(scope, id, 'Model.fromModelArn', (p) => checkArn(p, 'modelArn', modelArn, 'model'));
    const modelName = Stack.of(scope).splitArn(modelArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName!;
    class Import extends ModelBase {
      public readonly modelName = modelName;
      public readonly modelArn = modelArn;
      public readonly grantPrincipal: iam.IPrincipal = new iam.UnknownPrincipal({ resource: this });
    }
    return new Import(scope, id);
  }

  /** Imports a model by name, with its execution role if known. */
  public static fromModelAttributes(scope: Construct, id: string, attrs: ModelAttributes): IModel {
    class Import extends ModelBase {
      public readonly modelName = attrs.modelName;
      public readonly modelArn = modelArnFor(scope, attrs.modelName);
      public readonly grantPrincipal: iam.IPrincipal = attrs.role ?? new iam.UnknownPrincipal({ resource: this });
    }
    return new Import(scope, id);
  }

  public readonly modelName: string;
  public readonly modelArn: string;
  /** The execution role. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The VPC the containers run in, if any. */
  public readonly vpc?: ec2.IVpc;
  /** Whether the containers run with network isolation. */
  public readonly networkIsolation: boolean;
  private readonly containers: ModelContainer[];

  constructor(scope: Construct, id: string, props: ModelProps) {
    super(scope, id, { physicalName: props.modelName });
    const problems = new ProblemList();

    checkName(problems, 'modelName', props.modelName);
    const containers = props.containers ?? [];
    if (containers.length < 1 || containers.length > 15) {
      problems.add(`containers has ${containers.length} entries: a model needs 1 container, or 2 to 15 for a serial inference pipeline`);
    }
    const hostnames = new Set<string>();
    const compiledFor = new Set<string>();
    containers.forEach((c, i) => {
      const at = `containers[${i}]`;
      if (c.image && c.modelPackageArn !== undefined) {
        problems.add(`${at} has both image and modelPackageArn ${describeValue(c.modelPackageArn)}: a model package brings its own image and data; give one of them`);
      } else if (!c.image && c.modelPackageArn === undefined) {
        problems.add(`${at} has neither image nor modelPackageArn: give the inference image (with optional modelData) or a model package ARN`);
      }
      if (c.modelData && !c.image) problems.add(`${at} has modelData without image: model data belongs to an image (a model package brings its own data)`);
      const facts = c.image?._facts();
      if (facts?.compiledFor !== undefined) compiledFor.add(facts.compiledFor);
      if (facts?.scope !== undefined && facts.scope !== 'inference') {
        problems.add(`${at}.image is ${facts.description}, not an inference image: use scope ImageScope.INFERENCE (or an image of your own that serves)`);
      }
      if (c.modelPackageArn !== undefined) checkArn(problems, `${at}.modelPackageArn`, c.modelPackageArn, 'model-package', { versioned: true });
      checkModelPackageRegistry(problems, at, c);
      if (c.containerHostname !== undefined && !Token.isUnresolved(c.containerHostname)) {
        if (!nameOk(c.containerHostname)) {
          checkName(problems, `${at}.containerHostname`, c.containerHostname);
        } else if (hostnames.has(c.containerHostname)) {
          problems.add(`${at}.containerHostname ${describeValue(c.containerHostname)} is used twice: container host names must be unique within a model`);
        }
        hostnames.add(c.containerHostname);
      }
      stringMap(problems, `${at}.environment`, c.environment, ENVIRONMENT_RULES.model);
    });
    const vpc = renderVpcConfig(props, problems, 'model', '');
    const vpcConfig = vpc && { securityGroupIds: vpc.SecurityGroupIds, subnets: vpc.Subnets };
    problems.throwIfAny(this, 'Model props');

    let policy: IConstruct | undefined;
    let grantee: iam.IGrantable;
    if (props.role) {
      this.role = props.role;
      grantee = props.role;
    } else {
      const created = new LeastPrivilegeRole(this, 'Role', {
        assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
        description: `Runs the containers of the SageMaker model ${this.node.path}`,
      });
      this.role = created.role;
      grantee = created;
      policy = created;
    }
    this.grantPrincipal = grantee.grantPrincipal;
    this.vpc = props.vpc;
    this.networkIsolation = props.networkIsolation ?? false;
    grantJobBasics(this, grantee, '/aws/sagemaker/Endpoints', props.vpc);
    grantModelPackages(this, grantee, containers);

    // Binding validates the images and data (an error names this model) and grants the role.
    const rendered: CfnModel.ContainerDefinitionProperty[] = containers.map((c, i) => {
      const environment = { ...this.scriptModeEnvironment(c, i, grantee, props.networkIsolation ?? false), ...c.environment };
      const data = c.modelData?.bind(this, grantee);
      return prune({
        image: c.image?.bind(this, grantee).imageUri,
        modelDataUrl: data && data.s3DataType === undefined && data.acceptEula === undefined ? data.uri : undefined,
        modelDataSource: data && (data.s3DataType !== undefined || data.acceptEula !== undefined) ? {
          s3DataSource: {
            s3Uri: data.uri,
            s3DataType: data.s3DataType ?? 'S3Object',
            compressionType: data.compressionType ?? (data.s3DataType === 'S3Prefix' ? 'None' : 'Gzip'),
            modelAccessConfig: data.acceptEula !== undefined ? { acceptEula: data.acceptEula } : undefined,
          },
        } : undefined,
        modelPackageName: c.modelPackageArn,
        environment: Object.keys(environment).length ? environment : undefined,
        containerHostname: c.containerHostname,
      });
    });

    const definition = {
      primaryContainer: rendered.length === 1 ? rendered[0] : undefined,
      containers: rendered.length > 1 ? rendered : undefined,
      inferenceExecutionConfig: rendered.length > 1 ? { mode: 'Serial' } : undefined,
      executionRoleArn: this.role.roleArn,
      vpcConfig,
      enableNetworkIsolation: props.networkIsolation,
    };
    const name = props.modelName ?? Lazy.string({
      produce: () => `${generatePhysicalName(this, { maxLength: 52 })}-${contentHash(this, definition)}`,
    });
    const resource = new CfnModel(this, 'Resource', { ...definition, modelName: name });
    // SageMaker checks on CreateModel that the role can read the data and pull the images. A role
    // passed in may get its grants (its DefaultPolicy) later: depending on the role construct
    // covers every policy created under it.
    resource.node.addDependency(policy ?? this.role);

    this.modelName = name;
    this.modelArn = modelArnFor(this, name);
    this.containers = containers;
    registerModelFacts(this, {
      inVpc: props.vpc !== undefined,
      networkIsolation: this.networkIsolation,
      containerCount: containers.length,
      usesModelPackage: containers.some((c) => c.modelPackageArn !== undefined),
      compiledFor: [...compiledFor],
    });
  }

  /**
   * @internal Grants `grantee` what this model's containers read: pulling their images and
   * reading their model data (an inference-component endpoint's role loads the model).
   */
  public _grantArtifactsTo(grantee: iam.IGrantable): void {
    for (const c of this.containers) {
      c.image?.bind(this, grantee);
      c.modelData?.bind(this, grantee);
    }
    grantModelPackages(this, grantee, this.containers);
  }

  /** The script-mode environment of a container with `code`, checked against its image. */
  private scriptModeEnvironment(c: ModelContainer, i: number, grantee: iam.IGrantable, networkIsolation: boolean): { [key: string]: string } {
    if (!c.code) return {};
    const at = `containers[${i}]`;
    const problems = new ProblemList();
    if (!c.image) problems.add(`${at}.code needs an image: a model package brings its own code`);
    const framework = /^framework (\S+) /.exec(c.image?._facts().description ?? '')?.[1];
    if (c.code._downloads && framework && !['sklearn', 'xgboost'].includes(framework)) {
      problems.add(`${at}.code is a source directory to download, but the ${framework} serving container reads inference code only from the model artifact (the SDK repacks it into code/): package it into model.tar.gz under code/ and use InferenceCode.inModelArtifact('inference.py')`);
    }
    if (c.code._downloads && networkIsolation) {
      problems.add(`${at}.code is a source directory to download, but the model has networkIsolation, so the container cannot download it: package it into model.tar.gz under code/ and use InferenceCode.inModelArtifact(...)`);
    }
    for (const name of ['SAGEMAKER_PROGRAM', 'SAGEMAKER_SUBMIT_DIRECTORY']) {
      if (c.environment && name in c.environment) problems.add(`${at}.environment sets ${name}, which code sets: remove it`);
    }
    problems.throwIfAny(this, 'Model props');
    const bound = c.code.bind(this);
    bound.location?.grantRead(grantee);
    return {
      SAGEMAKER_PROGRAM: bound.entryPoint,
      SAGEMAKER_SUBMIT_DIRECTORY: bound.location ? bound.location.uri : '/opt/ml/model/code',
      SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
      SAGEMAKER_REGION: Stack.of(this).region,
    };
  }
}
