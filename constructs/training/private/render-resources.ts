import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { InstanceType, InstanceUse } from '../../core/instance-type';
import { hasLocalStorage } from '../../core/private/instance-families';
import { describeValue, ProblemList } from '../../private/errors';
import { prune } from '../../private/job-render';
import { integer, seconds } from '../../private/rules';
import { TrainingResources } from '../training-resources';
import type { ResourceConfig, TrainingInstanceType } from '@aws-sdk/client-sagemaker';

/**
 * An instance type as the request types it. The SDK's union is closed; ours is open on purpose
 * (types newer than the SDK, and tokens, pass through and are checked by the API at deploy).
 */
const trainingInstanceType = (t: InstanceType) => t.name as TrainingInstanceType;

/** Validates the compute of a training spec and renders its `ResourceConfig`. */
export function renderResources(scope: IConstruct, problems: ProblemList, r: TrainingResources): ResourceConfig | undefined {
  const volume = integer(problems, 'resources.volumeSizeGb', r.volumeSizeGb ?? 30, 1, 16384);
  const keepAlive = r.keepAlive ? seconds(problems, 'resources.keepAlive', r.keepAlive, 0, 3600) : undefined;
  const types = r.instanceGroups ? r.instanceGroups.map((g) => g.instanceType) : r.instanceType ? [r.instanceType] : [];
  if (r.volumeKey) checkVolumeKey(problems, 'resources.volumeKey', types);
  if (r.instanceGroups) {
    if (r.instanceType || r.instanceCount !== undefined) problems.add('resources has instanceGroups and instanceType/instanceCount: a heterogeneous cluster is described by instanceGroups alone');
    if (r.instanceGroups.length < 1 || r.instanceGroups.length > 5) problems.add(`resources.instanceGroups has ${r.instanceGroups.length} groups: use 1 to 5`);
    const names = new Set<string>();
    for (const g of r.instanceGroups) {
      if (!Token.isUnresolved(g.name) && !/^.{1,64}$/.test(g.name)) problems.add(`invalid instance group name ${describeValue(g.name)}: use 1-64 characters`);
      if (names.has(g.name)) problems.add(`duplicate instance group name ${describeValue(g.name)}`);
      names.add(g.name);
      integer(problems, `instance count of group '${g.name}'`, g.instanceCount, 1, 10000);
      problems.addIf(g.instanceType._problem(`instance type of group '${g.name}'`, InstanceUse.TRAINING));
    }
    return prune({
      InstanceGroups: r.instanceGroups.map((g) => ({ InstanceGroupName: g.name, InstanceType: trainingInstanceType(g.instanceType), InstanceCount: g.instanceCount })),
      VolumeSizeInGB: volume,
      VolumeKmsKeyId: r.volumeKey?.keyArn,
      KeepAlivePeriodInSeconds: keepAlive,
    });
  }
  if (!r.instanceType) {
    problems.add('resources.instanceType is missing: set it (or instanceGroups for a heterogeneous cluster)');
    return undefined;
  }
  problems.addIf(r.instanceType!._problem('resources.instanceType', InstanceUse.TRAINING));
  const count = integer(problems, 'resources.instanceCount', r.instanceCount ?? 1, 1, 10000);
  return prune({
    InstanceType: trainingInstanceType(r.instanceType),
    InstanceCount: count,
    VolumeSizeInGB: volume,
    VolumeKmsKeyId: r.volumeKey?.keyArn,
    KeepAlivePeriodInSeconds: keepAlive,
  });
}

/**
 * A volume KMS key needs instance types with EBS volumes: types with local NVMe storage encrypt it
 * in hardware, and SageMaker refuses `VolumeKmsKeyId` for them (training and processing alike).
 */
export function checkVolumeKey(problems: ProblemList, prop: string, types: InstanceType[]): void {
  const local = [...new Set(types.map((t) => t.name).filter((name) => !Token.isUnresolved(name) && hasLocalStorage(name)))];
  if (local.length === 0) return;
  problems.add(`${prop} was given for ${local.map((t) => describeValue(t)).join(', ')}, whose storage is local NVMe encrypted by the instance's hardware: SageMaker refuses VolumeKmsKeyId for such types; remove ${prop} or use an instance type without local storage (e.g. 'ml.m5.xlarge', 'ml.p3.2xlarge')`);
}
