import { Annotations, CustomResource, Stack, Token, TokenComparison } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct, IConstruct } from 'constructs';
import { IModelRegistry, ModelRegistry } from './model-registry';
import { registerModelPackageArn } from './private/registry-util';
import { describeValue, SageMakerConstructError } from '../private/errors';
import { LATEST_APPROVED_RESOURCE_TYPE, LatestApprovedAttribute, LatestApprovedProperties } from '../private/contracts/latest-approved';
import { HandlerProvider } from '../private/provider';

/** Properties of a LatestApprovedModelPackage. */
export interface LatestApprovedModelPackageProps {
  /** The Model Registry (model package group) whose newest Approved version to resolve. */
  readonly registry: IModelRegistry;
  /**
   * Any string; change it to resolve the newest Approved version again on the next deploy.
   *
   * The version is resolved when the resource is created and whenever one of its properties changes.
   * CloudFormation skips unchanged resources, so deploying an unchanged stack does NOT pick up a
   * version approved since the last deploy: pass a value that changes when a new version is approved,
   * e.g. `app.node.tryGetContext('refresh')` set from CI (`cdk deploy -c refresh=<version or time>`)
   * or from the approval event (see `IModelRegistry.onApprovalStateChange`). Keep it deterministic
   * (no `Date.now()` in the app), so synthesis and snapshot tests stay stable.
   *
   * @default - no token: resolved on create, and again only when the registry changes
   */
  readonly refreshToken?: string;
}

/**
 * The newest Approved version of a Model Registry, resolved at deploy time by the stack's
 * custom-resource provider (`Custom::SageMakerLatestApprovedModelPackage`): ListModelPackages,
 * newest Approved first, then DescribeModelPackage. Use its attributes to deploy that version,
 * e.g. `new CfnModel(..., { containers: [{ modelPackageName: latest.modelPackageArn }] })`.
 *
 * The deployment fails, saying so, when the group has no Approved version yet or does not exist.
 * A newly approved version changes the resource's physical id (`<group>/<version>`), so CloudFormation
 * updates whatever uses the attributes. See `refreshToken` for when the version is resolved again.
 *
 * The provider's role may `sagemaker:ListModelPackages` (IAM authorizes it only on `*`), and
 * `sagemaker:DescribeModelPackage` on the registry's versions and `sagemaker:DescribeModelPackageGroup`
 * on the group only. A registry imported from another account is listed by ARN; that account must
 * share it (`ModelRegistry.grantCrossAccount`).
 *
 * A `Model` whose container's `modelPackageArn` is this construct's `modelPackageArn` knows the
 * registry: its role gets `IModelRegistry.grantModelRead` (the registry's artifacts and images).
 *
 * Do not resolve a registry created in the same stack: its group is empty when the stack is first
 * deployed, so that deployment fails (a synth warning says so). Create the registry (and the
 * pipeline that registers versions) in one stack, and resolve its latest approved version in a
 * second stack, deployed once a version is approved.
 */
export class LatestApprovedModelPackage extends Construct {
  /** The ARN of the newest Approved model package version. */
  public readonly modelPackageArn: string;
  /** Its version number within the group, as a string. */
  public readonly modelPackageVersion: string;
  /** The S3 URI of the model artifacts of its first inference container; '' when it has none. */
  public readonly modelDataUrl: string;
  /** The image of its first inference container; '' when it has no inference specification. */
  public readonly image: string;
  /** The registry this resolves versions of. */
  public readonly registry: IModelRegistry;

  constructor(scope: Construct, id: string, props: LatestApprovedModelPackageProps) {
    super(scope, id);
    const refreshToken = props.refreshToken;
    if (refreshToken !== undefined && !Token.isUnresolved(refreshToken) && (refreshToken.trim() === '' || refreshToken.length > 256)) {
      throw new SageMakerConstructError(this, `invalid refreshToken ${describeValue(refreshToken)}: use 1-256 characters, not only spaces, or leave it out`);
    }
    this.registry = props.registry;
    if (props.registry instanceof ModelRegistry && deployedStackOf(props.registry) === deployedStackOf(this)) {
      Annotations.of(this).addWarningV2('sagemaker-lifecycle-constructs:latestApprovedSameStack', `the registry ${props.registry.node.path} is created in the same stack, so its group has no Approved version when the stack is first deployed: resolving the latest approved version fails that deployment (and its rollback keeps the retained group). Deploy the registry (with the pipeline that registers versions) in one stack, and the hosting that reads the latest approved version in a second stack, deployed after a version is approved (e.g. ModelRegistry.fromModelPackageGroupName there)`);
    }

    const provider = HandlerProvider.of(this);
    const grants = provider.grantsFor();
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      // A list action without resource-level permissions: IAM only honours it on '*'.
      actions: ['sagemaker:ListModelPackages'],
      resources: ['*'],
    }));
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['sagemaker:DescribeModelPackage'],
      resources: [props.registry.modelPackageArnPattern],
    }));
    grants.addToPrincipalPolicy(new iam.PolicyStatement({
      // Tells "no Approved version yet" from "no such group" when the list is empty.
      actions: ['sagemaker:DescribeModelPackageGroup'],
      resources: [props.registry.modelPackageGroupArn],
    }));

    // A group of another account is only found by its ARN; one of this account by its name.
    // (An undecidable comparison, e.g. a literal account in an environment-agnostic stack, uses the ARN.)
    const registryAccount = props.registry.env.account;
    const stackAccount = Stack.of(this).account;
    const sameAccount = registryAccount === stackAccount || Token.compareStrings(registryAccount, stackAccount) === TokenComparison.SAME;
    const resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: LATEST_APPROVED_RESOURCE_TYPE,
      properties: {
        ModelPackageGroupName: sameAccount ? props.registry.modelPackageGroupName : props.registry.modelPackageGroupArn,
        ...(refreshToken === undefined ? {} : { Nonce: refreshToken }),
      } satisfies LatestApprovedProperties,
    });
    grants.dependOn(resource);
    // Resolve after the group exists when it is created in this app (the name alone is no reference).
    resource.node.addDependency(props.registry);

    this.modelPackageArn = resource.getAttString('ModelPackageArn' satisfies LatestApprovedAttribute);
    registerModelPackageArn(this.modelPackageArn, props.registry);
    this.modelPackageVersion = resource.getAttString('ModelPackageVersion' satisfies LatestApprovedAttribute);
    this.modelDataUrl = resource.getAttString('ModelDataUrl' satisfies LatestApprovedAttribute);
    this.image = resource.getAttString('Image' satisfies LatestApprovedAttribute);
  }
}

/** The stack CloudFormation deploys `scope` with: its stack, or the top parent of a nested stack. */
function deployedStackOf(scope: IConstruct): Stack {
  let stack = Stack.of(scope);
  while (stack.nestedStackParent) stack = stack.nestedStackParent;
  return stack;
}
