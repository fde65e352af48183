// What an instance type's family says about its hardware, for the rules of every API that takes an
// instance type (training, processing, hosting). Each takes the type's name (`ml.<family>.<size>`);
// callers leave unresolved tokens out.

/**
 * Instance families whose storage is local NVMe, encrypted by the instance's hardware: SageMaker
 * refuses a KMS key (`KmsKeyId`, `VolumeKmsKeyId`) for them, and an endpoint also a volume size
 * (`VolumeSizeInGB`). Like the SageMaker Python SDK (`volume_size_supported`): every family with a
 * 'd' (c5d, m5d, r6gd, g4dn, p4d, dl1...) plus the newer GPU and Trainium families that only come
 * with instance storage.
 */
export function hasLocalStorage(instanceType: string): boolean {
  const family = instanceType.split('.')[1] ?? '';
  return family.includes('d') || /^(g5|g6|g6e|g7e|p5|p5e|p5en|p6|p6e|trn1|trn1n|trn2)(-|$)/.test(family);
}

/** Whether the type has NVIDIA GPUs: the p and g families (not Trainium or Inferentia accelerators). */
export function hasNvidiaGpu(instanceType: string): boolean {
  return /^ml\.[pg]\d/.test(instanceType);
}
