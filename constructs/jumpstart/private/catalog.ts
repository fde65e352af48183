import * as fs from 'fs';
import * as path from 'path';
import { CfnMapping, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { compareVersions } from '../../core/private/aws-images';
import { describeValue, SageMakerConstructError } from '../../private/errors';

// The vendored subset of JumpStart's model specs, as scripts/gen-jumpstart-catalog.mjs writes it
// (its header says what each field is and how the SDK resolves it).

export interface ResourceRequirements {
  readonly minMemoryMb?: number;
  readonly numAccelerators?: number;
}

export interface Variant {
  readonly image?: string;
  readonly environment?: { [name: string]: string };
  readonly artifactKey?: string;
  readonly prepackedArtifactKey?: string;
  readonly trainingArtifactKey?: string;
  readonly gatedModelKeyEnvVarValue?: string;
  readonly hyperparameters?: { [name: string]: string };
  readonly resourceRequirements?: ResourceRequirements;
}

interface ScopeConfig {
  readonly defaultInstanceType?: string;
  readonly supportedInstanceTypes?: string[];
  readonly artifactKey?: string;
  readonly aliases?: string;
  readonly variants: { [familyOrType: string]: Variant };
  readonly networkIsolation?: boolean;
  readonly volumeSizeGb?: number;
}

export interface InferenceConfig extends ScopeConfig {
  readonly s3DataType?: string;
  readonly compressionType?: string;
  readonly environment?: { [name: string]: string };
  readonly containerStartupTimeoutSeconds?: number;
  readonly modelDataDownloadTimeoutSeconds?: number;
  readonly resourceRequirements?: ResourceRequirements;
  readonly eulaKey?: string;
}

export interface TrainingConfig extends ScopeConfig {
  readonly scriptKey?: string;
  readonly hyperparameters?: { [name: string]: string };
  readonly metricDefinitions?: { name: string; regex: string }[];
  readonly encryptInterContainerTraffic?: boolean;
  readonly maxRunSeconds?: number;
  readonly disableOutputCompression?: boolean;
  readonly incrementalTraining?: boolean;
}

export interface ModelVersion {
  readonly provider?: string;
  readonly url?: string;
  readonly deprecated?: boolean;
  readonly vulnerable?: boolean;
  readonly gatedBucket?: boolean;
  readonly defaultInferenceConfig: string;
  readonly inference: { [config: string]: InferenceConfig };
  readonly defaultTrainingConfig?: string;
  readonly training?: { [config: string]: TrainingConfig };
}

interface Catalog {
  readonly source: { readonly description: string; readonly specs: { [idAtVersion: string]: string } };
  readonly regions: { [region: string]: { readonly contentBucket: string; readonly gatedContentBucket?: string } };
  readonly regionalAliases: { [id: string]: { [region: string]: { [alias: string]: string } } };
  readonly models: { [modelId: string]: { [version: string]: ModelVersion } };
}

let loaded: Catalog | undefined;

export function catalog(): Catalog {
  if (!loaded) loaded = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'catalog.json'), 'utf8')) as Catalog;
  return loaded;
}

/** Versions of a model in the catalog, oldest first (numeric, part by part). */
export function catalogVersions(modelId: string): string[] {
  return Object.keys(catalog().models[modelId] ?? {}).sort(compareVersions);
}

/** The spec of a model version, or a problem naming what the catalog has. */
export function lookup(modelId: string, version: string | undefined): { spec: ModelVersion; version: string } | { problem: string } {
  const models = catalog().models;
  const versions = catalogVersions(modelId);
  if (!versions.length) {
    return { problem: `JumpStart model ${describeValue(modelId)} is not in the bundled catalog: use one of ${Object.keys(models).sort().join(', ')} (JumpStartModel.catalogModelIds()), or regenerate the catalog with scripts/gen-jumpstart-catalog.mjs to add it` };
  }
  const v = version ?? versions[versions.length - 1];
  const spec = models[modelId][v];
  if (!spec) return { problem: `JumpStart model ${describeValue(modelId)} has no version ${describeValue(v)} in the bundled catalog: use one of ${versions.join(', ')}` };
  return { spec, version: v };
}

/** The SDK's get_instance_type_family: 'ml.g5.2xlarge' -> 'g5'. */
export function instanceFamily(instanceType: string): string {
  return /^ml[._]([a-z\d-]+)\.?\w*$/.exec(instanceType)?.[1] ?? '';
}

/** The variant properties of an instance type: its family's, overridden by its own (the SDK's order). */
export function variantFor(config: ScopeConfig, instanceType: string): Variant {
  const own = config.variants[instanceType] ?? {};
  const family = config.variants[instanceFamily(instanceType)] ?? {};
  return {
    ...family,
    ...own,
    image: own.image ?? family.image,
    environment: { ...family.environment, ...own.environment },
    hyperparameters: { ...family.hyperparameters, ...own.hyperparameters },
    resourceRequirements: own.resourceRequirements || family.resourceRequirements ? { ...family.resourceRequirements, ...own.resourceRequirements } : undefined,
  };
}

/** Regions that have both JumpStart's buckets and the alias, sorted. */
export function regionsWith(config: ScopeConfig, alias: string): string[] {
  const table = config.aliases ? catalog().regionalAliases[config.aliases] : {};
  const regions = catalog().regions;
  return Object.keys(table).filter((r) => regions[r] && table[r][alias] !== undefined).sort();
}

/**
 * The image URI of an alias in the scope's region: a literal for a concrete region, a FindInMap
 * of one mapping per alias table (shared by the models that use it) for an environment-agnostic stack.
 */
export function imageUri(scope: IConstruct, config: ScopeConfig, alias: string, what: string): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  const table = catalog().regionalAliases[config.aliases ?? ''] ?? {};
  const regions = regionsWith(config, alias);
  if (!Token.isUnresolved(region)) {
    if (!regions.includes(region)) {
      throw new SageMakerConstructError(scope, `${what} has no image in region ${describeValue(region)}: deploy to one of ${regions.join(', ')}`);
    }
    return table[region][alias];
  }
  const id = `JumpStartImages${config.aliases}`;
  let mapping = stack.node.tryFindChild(id) as CfnMapping | undefined;
  if (!mapping) {
    const entries: { [region: string]: { [key: string]: string } } = {};
    for (const r of Object.keys(table).filter((x) => catalog().regions[x]).sort()) {
      entries[r] = Object.fromEntries(Object.entries(table[r]).map(([a, uri]) => [mappingKey(a), uri]));
    }
    mapping = new CfnMapping(stack, id, { mapping: entries });
  }
  return mapping.findInMap(region, mappingKey(alias));
}

/** The content (or gated content) bucket of the scope's region: a literal, or a FindInMap. */
export function contentBucket(scope: IConstruct, gated: boolean, what: string): string {
  const stack = Stack.of(scope);
  const region = stack.region;
  const regions = catalog().regions;
  const key = gated ? 'gatedContentBucket' : 'contentBucket';
  const available = Object.keys(regions).filter((r) => regions[r][key]).sort();
  if (!Token.isUnresolved(region)) {
    const bucket = regions[region]?.[key];
    if (!bucket) throw new SageMakerConstructError(scope, `${what}: JumpStart has no ${gated ? 'gated ' : ''}content bucket in region ${describeValue(region)}: deploy to one of ${available.join(', ')}`);
    return bucket;
  }
  const id = 'JumpStartBuckets';
  let mapping = stack.node.tryFindChild(id) as CfnMapping | undefined;
  if (!mapping) {
    const entries: { [region: string]: { [key: string]: string } } = {};
    for (const r of Object.keys(regions).sort()) {
      entries[r] = { content: regions[r].contentBucket, ...(regions[r].gatedContentBucket ? { gated: regions[r].gatedContentBucket! } : {}) };
    }
    mapping = new CfnMapping(stack, id, { mapping: entries });
  }
  return mapping.findInMap(region, gated ? 'gated' : 'content');
}

/** CloudFormation mapping keys are alphanumeric. */
function mappingKey(alias: string): string {
  return alias.replace(/[^A-Za-z0-9]/g, '');
}
