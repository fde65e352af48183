import { Annotations, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { describeValue, ProblemList } from '../../private/errors';
import { IModelRegistry } from '../../registry/model-registry';
import { registryOfModelPackageArn } from '../../registry/private/registry-util';

/** The model package parts of a model container. */
export interface ModelPackageContainer {
  readonly modelPackageArn?: string;
  readonly registry?: IModelRegistry;
}

const LITERAL_PACKAGE_ARN = /:model-package\/([^/]+)(\/[0-9]+)?$/;

/** `registry` belongs to a model package, and a literal version ARN must be one of its versions. */
export function checkModelPackageRegistry(problems: ProblemList, at: string, c: ModelPackageContainer): void {
  if (!c.registry) return;
  if (c.modelPackageArn === undefined) {
    problems.add(`${at} has registry ${c.registry.node.path} without modelPackageArn: the registry only says where a model package's artifacts and images are; give the version's modelPackageArn`);
    return;
  }
  const group = c.registry.modelPackageGroupName;
  if (Token.isUnresolved(c.modelPackageArn) || Token.isUnresolved(group)) return;
  const m = LITERAL_PACKAGE_ARN.exec(c.modelPackageArn);
  if (m && (m[1] !== group || !m[2])) {
    problems.add(`${at}.modelPackageArn ${describeValue(c.modelPackageArn)} is not a version of the registry ${describeValue(group)} it names: use an ARN ending in model-package/${group}/<version>, or the registry the package belongs to`);
  }
}

/**
 * Grants the model's role what SageMaker checks when it creates a model from a model package:
 * through the package's registry (`IModelRegistry.grantModelRead`: the versions' description, the
 * artifacts, the images) when it is given or known from a `LatestApprovedModelPackage`; otherwise
 * `sagemaker:DescribeModelPackage` on the package, and a warning that the role cannot read the
 * package's artifacts.
 */
export function grantModelPackages(scope: IConstruct, grantee: iam.IGrantable, containers: ModelPackageContainer[]): void {
  const unreadable: string[] = [];
  containers.forEach((c, i) => {
    const arn = c.modelPackageArn;
    if (arn === undefined) return;
    const registry = c.registry ?? registryOfModelPackageArn(arn);
    if (registry) {
      registry.grantModelRead(grantee);
    } else {
      // An unversioned ARN: the package itself and, should the name be a group's, the group's versions.
      const unversioned = !Token.isUnresolved(arn) && LITERAL_PACKAGE_ARN.exec(arn)?.[2] === undefined;
      iam.Grant.addToPrincipal({ grantee, actions: ['sagemaker:DescribeModelPackage'], resourceArns: unversioned ? [arn, `${arn}/*`] : [arn] });
    }
    if (!registry?.artifactsBucket) unreadable.push(`containers[${i}] (${describeValue(arn)})`);
  });
  if (unreadable.length === 0) return;
  Annotations.of(scope).addWarningV2('sagemaker-lifecycle-constructs:modelPackageAccess', `the model package of ${unreadable.join(', ')} brings model data (and an image) that the model's role may not read: SageMaker checks that the role can read them when it creates the model, and the location is not known at synth. Pass the container's registry, a ModelRegistry with artifactsBucket (and artifactsPrefix, imageRepositories) or one imported with ModelRegistry.fromModelRegistryAttributes; or grant model.role read access to the artifacts (and their KMS key) and pull access to the image yourself, and acknowledge this warning. AWS Marketplace packages need no such access.`);
}
