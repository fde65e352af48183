/**
 * What SageMaker's distributed-training launchers support, from the SageMaker Python SDK's
 * `fw_utils.py` (aws/sagemaker-python-sdk@a24812666d258d9d19c9a82d0c9385ca0bd3ba01, 2026-08-21):
 * the SDK refuses anything else before it calls CreateTrainingJob, and so do we, at synth.
 */

/** SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES. */
export const DATA_PARALLEL_INSTANCE_TYPES = ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge'];

/** SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS (TensorFlow 2.12 and later: not supported). */
export const DATA_PARALLEL_FRAMEWORK_VERSIONS: Record<string, string[]> = {
  tensorflow: ['2.3', '2.3.1', '2.3.2', '2.4', '2.4.1', '2.4.3', '2.5', '2.5.0', '2.5.1', '2.6', '2.6.0', '2.6.2', '2.6.3', '2.7', '2.7.1', '2.8', '2.8.0', '2.9', '2.9.1', '2.9.2', '2.10', '2.10.1', '2.11', '2.11.0'],
  pytorch: ['1.6', '1.6.0', '1.7', '1.7.1', '1.8', '1.8.0', '1.8.1', '1.9', '1.9.0', '1.9.1', '1.10', '1.10.0', '1.10.2', '1.11', '1.11.0', '1.12', '1.12.0', '1.12.1', '1.13.1', '2.0.0', '2.0.1', '2.1.0', '2.1.2', '2.2.0'],
};

/** TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS. */
export const TORCH_DISTRIBUTED_GPU_VERSIONS = ['1.13.1', '2.0.0', '2.0.1', '2.1.0', '2.1.2', '2.2.0', '2.3.0', '2.3.1', '2.4.1', '2.5.1', '2.6.0', '2.7.1', '2.8.0'];

/** TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS. */
export const TORCH_DISTRIBUTED_TRAINIUM_VERSIONS = ['1.11', '1.11.0', '1.12', '1.12.0', '1.12.1', '1.13.1', '2.0.0'];

/** The instance family of `ml.<family>.<size>`. */
export function instanceFamily(instanceType: string): string | undefined {
  return /^ml[._]([a-z\d-]+)\.?\w*$/.exec(instanceType)?.[1];
}

/** GPU instances, as the SDK tells them (`_is_gpu_instance`): the p and g families. */
export function isGpuInstance(instanceType: string): boolean {
  const family = instanceFamily(instanceType);
  return family !== undefined && (family.startsWith('p') || family.startsWith('g'));
}

export function isTrainiumInstance(instanceType: string): boolean {
  return instanceFamily(instanceType)?.startsWith('trn') ?? false;
}

/** The framework and version of an AWS framework image, from its description (`framework pytorch 2.8.0 (training)`). */
export function frameworkOf(description: string): { framework: string; version: string } | undefined {
  const m = /^framework (\S+) (\S+) \(/.exec(description);
  return m ? { framework: m[1], version: m[2] } : undefined;
}
