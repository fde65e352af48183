import { catalog, catalogVersions, InferenceConfig, instanceFamily, lookup, ModelVersion, TrainingConfig, Variant, variantFor } from './catalog';
import { describeValue, ProblemList } from '../../private/errors';

/** What hosting a JumpStart model on an instance type resolves to. */
export interface HostingResolution {
  readonly spec: ModelVersion;
  readonly version: string;
  readonly config: InferenceConfig;
  readonly configName: string;
  readonly instanceType: string;
  readonly variant: Variant;
  readonly label: string;
}

/** The model a resolution is for (JumpStartModel's public fields). */
export interface ModelRef {
  readonly modelId: string;
  readonly requestedVersion?: string;
}

export function label(model: ModelRef, version: string): string {
  return `${describeValue(model.modelId)} ${version}`;
}

/**
 * Resolves hosting as the SDK's JumpStartModel does (config: the one named or the top-ranked;
 * instance type: the one given or the config's default; image and environment: the instance type's
 * variant, else its family's), adding every problem to `problems`.
 */
export function resolveHosting(model: ModelRef, problems: ProblemList, options: { instanceType?: string; inferenceConfig?: string; acceptEula?: boolean }): HostingResolution | undefined {
  const resolved = lookup(model.modelId, model.requestedVersion);
  if ('problem' in resolved) {
    problems.add(resolved.problem);
    return undefined;
  }
  const { spec, version } = resolved;
  const name = options.inferenceConfig ?? spec.defaultInferenceConfig;
  const config = spec.inference[name];
  const what = label(model, version);
  if (!config) {
    problems.add(`inferenceConfig ${describeValue(options.inferenceConfig)} is not an inference config of ${what} the library can deploy: use one of ${Object.keys(spec.inference).join(', ')}`);
    return undefined;
  }
  const instanceType = options.instanceType ?? config.defaultInstanceType;
  if (!instanceType) {
    problems.add(`JumpStart model ${what} has no default instance type: give instanceType`);
    return undefined;
  }
  const supported = config.supportedInstanceTypes ?? [];
  if (!supported.includes(instanceType)) {
    problems.add(`instanceType ${describeValue(instanceType)} is not one the JumpStart model ${what}${name !== 'default' ? ` (config ${name})` : ''} is hosted on: use one of ${supported.join(', ')}`);
  }
  const variant = variantOf(config, instanceType);
  if (!variant.image) problems.add(`the JumpStart model ${what} has no inference image for ${describeValue(instanceType)}`);
  if (needsEula(spec, config) && options.acceptEula !== true) {
    problems.add(`JumpStart model ${what} has gated weights under a license (EULA${eulaHint(spec)}): read it, then set acceptEula: true`);
  }
  if (options.acceptEula === false) problems.add('acceptEula is false: leave it out, or set true to accept the model\'s EULA');
  if (spec.deprecated || spec.vulnerable) {
    problems.add(`JumpStart model ${what} is ${spec.deprecated ? 'deprecated' : 'marked vulnerable'} in its spec: use another version (${catalogVersions(model.modelId).join(', ')})`);
  }
  return { spec, version, config, configName: name, instanceType, variant, label: what };
}

/** The models of the catalog that can be fine-tuned, sorted. */
export function fineTunable(): string[] {
  const models = catalog().models;
  return Object.keys(models).filter((id) => Object.values(models[id]).some((v) => v.training)).sort();
}

/** Whether the weights are gated (the SDK's is_gated_model: a gated bucket or a hosting EULA). */
export function needsEula(spec: ModelVersion, config: InferenceConfig | undefined): boolean {
  return spec.gatedBucket === true || (config ?? spec.inference[spec.defaultInferenceConfig]).eulaKey !== undefined;
}

/** Where the EULA is, for messages. */
export function eulaHint(spec: ModelVersion): string {
  const key = Object.values(spec.inference).find((c) => c.eulaKey)?.eulaKey;
  return key ? `: s3://jumpstart-cache-prod-<region>/${key}` : '';
}

/** The variant of an instance type ('' family: only an exact entry). */
export function variantOf(config: InferenceConfig | TrainingConfig, instanceType: string): Variant {
  return instanceFamily(instanceType) || config.variants[instanceType] ? variantFor(config, instanceType) : {};
}
