import { Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct, IConstruct } from 'constructs';
import { DeployTimeJobOptions } from './training-job';
import { RenderOptions } from './training-spec';
import { ContainerImage } from '../core/container-image';
import { NeoFramework, NeoTarget } from '../core/neo';
import { NEO_ACCELERATORS, NEO_ARCHES, NEO_DEVICES, NEO_OSES } from '../core/private/neo-images';
import { S3Location } from '../core/s3-location';
import { COMPILATION_JOB_RESOURCE_TYPE, CompilationJobAttribute } from '../private/contracts/sagemaker-job';
import { DeployTimeJobKind, JOB_NAME_BUDGETS, startDeployTimeJob } from '../private/deploy-time-job';
import { describeValue, ProblemList } from '../private/errors';
import { grantJobBasics, prune, renderTags } from '../private/job-render';
import { grantKeyReadWrite } from '../private/kms';
import { checkNow, checkTags, seconds } from '../private/rules';
import type { CreateCompilationJobRequest } from '@aws-sdk/client-sagemaker';

/** Properties of a CompilationSpec. */
export interface CompilationSpecProps {
  /** The trained model (`model.tar.gz`), e.g. `S3Location.fromUri(trainingJob.modelDataUri)`. */
  readonly modelData: S3Location;
  /** The framework the model was trained with. */
  readonly framework: NeoFramework;
  /**
   * The framework version (e.g. '1.13' for PyTorch).
   * @default - Neo's default for the framework
   */
  readonly frameworkVersion?: string;
  /**
   * The names and shapes of the model's inputs, as JSON (e.g. `{"input0":[1,3,224,224]}`).
   * Required for every framework but XGBoost and scikit-learn.
   * @default - none
   */
  readonly dataInputConfig?: string;
  /** What to compile for. */
  readonly target: NeoTarget;
  /** Where the compiled artifact goes. */
  readonly outputLocation: S3Location;
  /**
   * KMS key of the compiled artifact.
   * @default - the output bucket's default encryption
   */
  readonly outputKey?: kms.IKey;
  /**
   * Compiler options as JSON (e.g. `{"dtype":"float16"}`): 3-1024 characters.
   * @default - none
   */
  readonly compilerOptions?: string;
  /**
   * Stop the compilation after this long.
   * @default Duration.minutes(15)
   */
  readonly maxRuntime?: Duration;
  /**
   * Tags of the compilation job.
   * @default - none
   */
  readonly tags?: { [key: string]: string };
}

/**
 * A SageMaker Neo compilation job, described once: the CreateCompilationJob request (checked
 * against the API's limits at synth) and the grants its role needs. Run it at deploy time with
 * `CompilationJob`.
 */
export class CompilationSpec {
  constructor(public readonly props: CompilationSpecProps) {}

  /** The longest the job may take, in seconds. */
  public get maxWaitSeconds(): number {
    const d = this.props.maxRuntime;
    return d && !d.isUnresolved() ? d.toSeconds({ integral: false }) : 900;
  }

  /** Validates the spec and renders the CreateCompilationJob request (without its name). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- jsii: the SDK's request type is not a jsii type (tsc checks it below)
  public render(scope: IConstruct, options: RenderOptions): any {
    return checkNow(scope, 'the compilation spec', (problems) => this._render(problems, options));
  }

  /** @internal */
  public _render(problems: ProblemList, options: { role: iam.IRole }): Omit<CreateCompilationJobRequest, 'CompilationJobName'> | undefined {
    const p = this.props;
    const known = problems.length;
    problems.addIf(p.modelData._uriProblem('modelData'));
    problems.addIf(p.outputLocation._uriProblem('outputLocation'));
    if (p.frameworkVersion !== undefined && !/^[0-9]\.[A-Za-z0-9.]+$/.test(p.frameworkVersion) || (p.frameworkVersion !== undefined && (p.frameworkVersion.length < 3 || p.frameworkVersion.length > 10))) {
      problems.add(`invalid frameworkVersion ${describeValue(p.frameworkVersion)}: use 3-10 characters like '1.13' or '2.9.1'`);
    }
    const needsShape = p.framework !== NeoFramework.XGBOOST && p.framework !== NeoFramework.SKLEARN;
    if (needsShape && p.dataInputConfig === undefined) {
      problems.add(`dataInputConfig is required for ${p.framework}: give the model's input names and shapes as JSON, e.g. '{"input0":[1,3,224,224]}'`);
    }
    if (p.dataInputConfig !== undefined) {
      if (p.dataInputConfig.length < 1 || p.dataInputConfig.length > 16384) problems.add(`dataInputConfig is ${p.dataInputConfig.length} characters: use 1-16384`);
      else if (!/[{[]/.test(p.dataInputConfig)) problems.add(`dataInputConfig ${describeValue(p.dataInputConfig)} is not a JSON object or list of input shapes`);
    }
    if (p.compilerOptions !== undefined && (p.compilerOptions.length < 3 || p.compilerOptions.length > 1024)) {
      problems.add(`compilerOptions is ${p.compilerOptions.length} characters: use 3-1024`);
    }
    const t = p.target;
    if (t.device !== undefined && !NEO_DEVICES.has(t.device)) {
      problems.add(`invalid target device ${describeValue(t.device)}: use one of ${[...NEO_DEVICES].join(', ')}, or NeoTarget.platform(os, arch)`);
    }
    if (t._platform) {
      if (!NEO_OSES.includes(t._platform.os)) problems.add(`invalid target platform os ${describeValue(t._platform.os)}: use ${NEO_OSES.join(' or ')}`);
      if (!NEO_ARCHES.includes(t._platform.arch)) problems.add(`invalid target platform arch ${describeValue(t._platform.arch)}: use one of ${NEO_ARCHES.join(', ')}`);
      if (t._platform.accelerator !== undefined && !NEO_ACCELERATORS.includes(t._platform.accelerator)) problems.add(`invalid target platform accelerator ${describeValue(t._platform.accelerator)}: use one of ${NEO_ACCELERATORS.join(', ')}`);
    }
    const maxRuntime = seconds(problems, 'maxRuntime', p.maxRuntime ?? Duration.minutes(15), 1, 86400);
    checkTags(problems, 'tags', p.tags);
    if (problems.length > known) return undefined;
    return prune({
      RoleArn: options.role.roleArn,
      InputConfig: { S3Uri: p.modelData.uri, Framework: p.framework, FrameworkVersion: p.frameworkVersion, DataInputConfig: p.dataInputConfig },
      OutputConfig: {
        S3OutputLocation: p.outputLocation.uri,
        TargetDevice: t.device as CreateCompilationJobRequest['OutputConfig'] extends infer O ? O extends { TargetDevice?: infer D } ? D : never : never,
        TargetPlatform: t._platform ? { Os: t._platform.os, Arch: t._platform.arch, Accelerator: t._platform.accelerator } as never : undefined,
        CompilerOptions: p.compilerOptions,
        KmsKeyId: p.outputKey?.keyArn,
      },
      StoppingCondition: { MaxRuntimeInSeconds: maxRuntime },
      Tags: renderTags(p.tags),
    }) as Omit<CreateCompilationJobRequest, 'CompilationJobName'>;
  }

  /**
   * The image that hosts the compiled model on SageMaker: `ContainerImage.neo` for this spec's
   * framework, framework version and target (a synth error for targets SageMaker does not host).
   */
  public servingImage(): ContainerImage {
    return ContainerImage.neo({ framework: this.props.framework, frameworkVersion: this.props.frameworkVersion, target: this.props.target });
  }

  /** Grants `grantee` (the job's role) what the job needs: read the model, write the output, logs. */
  public grantTo(scope: IConstruct, grantee: iam.IGrantable): void {
    this.props.modelData.grantRead(grantee);
    this.props.outputLocation.grantWrite(grantee);
    grantKeyReadWrite(this.props.outputKey, grantee);
    grantJobBasics(scope, grantee, '/aws/sagemaker/CompilationJobs');
  }
}

/** Properties of a CompilationJob. */
export interface CompilationJobProps extends DeployTimeJobOptions {
  /** What to compile. */
  readonly spec: CompilationSpec;
}

/**
 * Compiles a trained model with SageMaker Neo when the stack deploys, with the guarantees of a
 * deploy-time `TrainingJob`: a name hashed from the request, the deployment waits (at most 50
 * minutes), a failure fails it with SageMaker's reason, and a rollback or stack delete stops a
 * running job. Host the result (`compiledModelDataUri`) with `servingImage()`, the Neo image for its
 * framework and target.
 */
export class CompilationJob extends Construct implements iam.IGrantable {
  /** @attribute */
  public readonly compilationJobName: string;
  /** @attribute */
  public readonly compilationJobArn: string;
  /**
   * The S3 URI of the compiled artifact.
   * @attribute
   */
  public readonly compiledModelDataUri: string;
  /**
   * The image Neo recommends for hosting the compiled model (DescribeCompilationJob's
   * `InferenceImage`, which the SageMaker Python SDK hosts compiled models with). Empty for targets
   * SageMaker does not host (edge devices, platforms).
   * @attribute
   */
  public readonly inferenceImageUri: string;
  /** The role the job runs as. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** What the job compiles. */
  public readonly spec: CompilationSpec;

  constructor(scope: Construct, id: string, props: CompilationJobProps) {
    super(scope, id);
    if (props.secretEnvironment) {
      checkNow(this, 'CompilationJob props', (p) => p.add('secretEnvironment was given: a compilation job has no environment'));
    }
    const job = startDeployTimeJob(this, COMPILATION_JOB, {
      maxWaitSeconds: props.spec.maxWaitSeconds,
      grantTo: (s, g) => props.spec.grantTo(s, g),
      render: (s, o) => props.spec.render(s, o),
    }, props, ' (maxRuntime)');
    this.role = job.role;
    this.grantPrincipal = job.grantPrincipal;
    this.compilationJobName = job.resource.getAttString('CompilationJobName' satisfies CompilationJobAttribute);
    this.compilationJobArn = job.resource.getAttString('CompilationJobArn' satisfies CompilationJobAttribute);
    this.compiledModelDataUri = job.resource.getAttString('CompiledModelDataUri' satisfies CompilationJobAttribute);
    this.inferenceImageUri = job.resource.getAttString('InferenceImage' satisfies CompilationJobAttribute);
    this.spec = props.spec;
  }

  /**
   * The image that hosts the compiled model, resolved at synth from the bundled table for the
   * stack's region (`CompilationSpec.servingImage()`). For a target without one in the table
   * (ml_inf2, ml_trn1, Graviton), use `ContainerImage.fromImageUri(job.inferenceImageUri)`.
   */
  public servingImage(): ContainerImage {
    return this.spec.servingImage();
  }
}

const COMPILATION_JOB: DeployTimeJobKind = {
  specName: 'compilation spec',
  constructName: 'CompilationJob',
  pipelineStep: 'step of your own (SageMaker Pipelines has no compilation step; e.g. a LambdaStep that calls CreateCompilationJob)',
  arnResource: 'compilation-job',
  resourceType: COMPILATION_JOB_RESOURCE_TYPE,
  actions: ['sagemaker:CreateCompilationJob', 'sagemaker:DescribeCompilationJob', 'sagemaker:StopCompilationJob', 'sagemaker:AddTags'],
  nameBudget: JOB_NAME_BUDGETS.compilation,
  roleDescription: (path) => `Runs the compilation job ${path}`,
};
