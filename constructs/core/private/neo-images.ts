import { IConstruct } from 'constructs';
import { AwsImageRequest, isGravitonFamily, tableAliases, tableVersions } from './aws-images';
import { describeValue, SageMakerConstructError } from '../../private/errors';
import { NeoFramework, NeoServingImageOptions } from '../neo';

/** CreateCompilationJob's `TargetDevice` values. */
export const NEO_DEVICES: ReadonlySet<string> = new Set(['lambda', 'ml_m4', 'ml_m5', 'ml_m6g', 'ml_c4', 'ml_c5', 'ml_c6g', 'ml_p2', 'ml_p3', 'ml_g4dn', 'ml_inf1', 'ml_inf2', 'ml_trn1', 'ml_eia2', 'jetson_tx1', 'jetson_tx2', 'jetson_nano', 'jetson_xavier', 'rasp3b', 'rasp4b', 'imx8qm', 'deeplens', 'rk3399', 'rk3288', 'aisage', 'sbe_c', 'qcs605', 'qcs603', 'sitara_am57x', 'amba_cv2', 'amba_cv22', 'amba_cv25', 'x86_win32', 'x86_win64', 'coreml', 'jacinto_tda4vm', 'imx8mplus']);
/** CreateCompilationJob's `TargetPlatform` values. */
export const NEO_OSES = ['ANDROID', 'LINUX'];
export const NEO_ARCHES = ['X86_64', 'X86', 'ARM64', 'ARM_EABI', 'ARM_EABIHF'];
export const NEO_ACCELERATORS = ['INTEL_GRAPHICS', 'MALI', 'NVIDIA', 'NNA'];

/** Frameworks with Neo serving images: `neo-<framework>` and `inferentia-<framework>`. */
const FRAMEWORK_IMAGES: { [framework: string]: string } = {
  [NeoFramework.PYTORCH]: 'pytorch',
  [NeoFramework.TENSORFLOW]: 'tensorflow',
  [NeoFramework.MXNET]: 'mxnet',
};

/** What SageMaker hosts instead of an edge compilation. */
const HOSTED_TARGETS = 'SageMaker hosts models compiled for a SageMaker target device (ml_c5, ml_m5, ml_p3, ml_g4dn, ml_inf1...)';
/** Where the compiled model has no Neo serving image in the SDK's table. */
const WHERE_INSTEAD = "host it with the image Neo recommends (CompilationJob's inferenceImageUri) or an image of your own (ContainerImage.fromImageUri)";

/**
 * The image request of the Neo serving image for a compiled model, as the SageMaker Python SDK picked
 * it (`Model._compilation_image_uri`, then `image_uris.retrieve` with the target as the instance
 * type): `xgboost-neo` for XGBoost; `inferentia-<framework>` (processor `inf`) for `ml_inf1`;
 * `neo-<framework>` (`gpu` for the p and g families, else `cpu`) for the other SageMaker targets.
 * Targets the SDK fails on (Graviton, Trainium) or gives the Inf1 image for (Inf2), Elastic
 * Inference, edge devices and platforms are errors that say what to do instead.
 */
export function neoImageRequest(scope: IConstruct, options: NeoServingImageOptions): AwsImageRequest {
  const { framework, frameworkVersion, target } = options;
  const device = target.device;
  if (device === undefined) {
    const p = target._platform!;
    throw new SageMakerConstructError(scope, `a Neo compilation for the platform ${[p.os, p.arch, p.accelerator].filter((x) => x).join('/')} runs on that device, not on SageMaker: ${HOSTED_TARGETS}`);
  }
  if (!NEO_DEVICES.has(device)) {
    throw new SageMakerConstructError(scope, `invalid Neo target device ${describeValue(device)}: use one of ${[...NEO_DEVICES].join(', ')}`);
  }
  if (!device.startsWith('ml_')) {
    throw new SageMakerConstructError(scope, `a Neo compilation for the edge device ${describeValue(device)} runs on that device (with the DLR runtime), not on SageMaker: ${HOSTED_TARGETS}`);
  }
  const family = device.slice('ml_'.length);
  if (family === 'eia2') {
    throw new SageMakerConstructError(scope, "target device 'ml_eia2' is an Elastic Inference accelerator: SageMaker no longer hosts models with Elastic Inference; compile for an instance family instead");
  }
  if (family.startsWith('inf') && family !== 'inf1' || family.startsWith('trn')) {
    throw new SageMakerConstructError(scope, `the SageMaker Python SDK's Neo serving images cover AWS Inferentia (ml_inf1), not target device ${describeValue(device)} (Neuron SDK 2 artifacts run in the Neuron DLCs): ${WHERE_INSTEAD}`);
  }
  if (isGravitonFamily(family)) {
    throw new SageMakerConstructError(scope, `the SageMaker Python SDK has no Neo serving image for the Graviton target device ${describeValue(device)}: ${WHERE_INSTEAD}`);
  }
  let key: string;
  let processor: string | undefined;
  if (framework === NeoFramework.XGBOOST) {
    key = 'xgboost-neo';
  } else if (FRAMEWORK_IMAGES[framework]) {
    const inferentia = family === 'inf1';
    key = `${inferentia ? 'inferentia' : 'neo'}-${FRAMEWORK_IMAGES[framework]}`;
    processor = inferentia ? 'inf' : /^[gp]/.test(family) ? 'gpu' : 'cpu';
  } else {
    throw new SageMakerConstructError(scope, `the SageMaker Python SDK has no Neo serving image for ${describeValue(framework)} models (it has them for ${[...Object.keys(FRAMEWORK_IMAGES), NeoFramework.XGBOOST].join(', ')}): ${WHERE_INSTEAD}`);
  }
  // the SDK's _validate_version_and_set_if_needed: an image with one version serves every version
  // that is not one of its aliases
  const versions = tableVersions(key);
  const version = versions.length === 1 && (frameworkVersion === undefined || !tableAliases(key, 'inference').includes(frameworkVersion)) ? versions[0] : frameworkVersion;
  return { key, scope: 'inference', version, versionRequired: true, processor };
}
