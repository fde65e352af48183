import { catalog, catalogVersions, InferenceConfig, lookup, ModelVersion, Variant, variantFor } from './catalog';
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
  const variant = variantFor(config, instanceType);
  if (!variant.image) problems.add(`the JumpStart model ${what} has no inference image for ${describeValue(instanceType)}`);
  checkEula(problems, spec, config, options.acceptEula, what);
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

/** A gated model (the SDK's is_gated_model: a gated bucket or a hosting EULA) needs acceptEula: true. */
export function checkEula(problems: ProblemList, spec: ModelVersion, config: InferenceConfig | undefined, acceptEula: boolean | undefined, what: string): void {
  const gated = spec.gatedBucket === true || (config ?? spec.inference[spec.defaultInferenceConfig]).eulaKey !== undefined;
  if (gated && acceptEula !== true) {
    const key = Object.values(spec.inference).find((c) => c.eulaKey)?.eulaKey;
    problems.add(`JumpStart model ${what} has gated weights under a license (EULA${key ? `: s3://jumpstart-cache-prod-<region>/${key}` : ''}): read it, then set acceptEula: true`);
  }
  if (acceptEula === false) problems.add('acceptEula is false: leave it out, or set true to accept the model\'s EULA');
}
