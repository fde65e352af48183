#!/usr/bin/env node
// Regenerates constructs/jumpstart/catalog.json, the JumpStart models the library can deploy and
// fine-tune, from JumpStart's public model specs (the files the SageMaker Python SDK reads):
//
//   node scripts/gen-jumpstart-catalog.mjs --from-dir <dir> [--models <id[@version],...>] [--out <file>] [--fixture <file.json.gz>]
//   node scripts/gen-jumpstart-catalog.mjs --from-cache <https://jumpstart-cache-prod-us-west-2.s3.us-west-2.amazonaws.com>
//       --region-config <region_config.json> --models <id[@version],...> [--out <file>] [--fixture <file.json.gz>]
//   node scripts/gen-jumpstart-catalog.mjs --from-fixture <file.json.gz> [--out <file>]
//
// The spec data: JumpStart serves `models_manifest.json` (a list of {model_id, version, spec_key})
// and one spec file per model version (`spec_key`) from its content bucket in every region; the SDK
// maps regions to buckets with sagemaker/core/jumpstart/region_config.json. --from-dir reads a
// directory with `manifest.json` (or `models_manifest.json`), `region_config.json` and the spec
// files (at their spec_key, or as `<model_id>.json`), e.g. the SDK's test data
// sagemaker-serve/tests/unit/servers/data/jumpstart_specs/ plus its region_config.json. --from-cache
// downloads the manifest and the selected specs from the live cache (needs network access).
// --models selects the catalog subset: a model id takes the newest version in the manifest, id@version
// pins one; default: every model of the input. --fixture also writes the generator's whole input
// (region config, manifest entries, spec files as they are) as a gzipped bundle:
// test/fixtures/jumpstart-specs.json.gz is that bundle, and a test regenerates the catalog from it
// and compares it with the vendored one. The output is deterministic (sorted keys).
//
// What is kept, per model version: for hosting, every inference config the library can render (a
// prepacked artifact, no inference script to download, no additional data sources), each resolved
// as the SDK resolves it (the base spec deep-overridden by the config's components), with its
// default and supported instance types, the image alias of each instance family or type, the
// regional aliases (shared between models by content id), the container environment the SDK sets
// (the variables `required_for_model_class`, then the instance family's and type's own), the
// artifact (key, S3 data type, compression), the gated bucket and EULA flags, network isolation and
// the deploy settings (startup and download timeouts, volume size); for fine-tuning (when the spec
// supports training), the training images the same way, the training script and base-model
// artifact keys, default hyperparameters (algorithm scope, as the SDK's str() renders them),
// metric definitions, the estimator settings and the gated-model variables.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------------------------
// Input

/**
 * Parses JSON keeping each number's literal text: Python's json.loads makes a literal with '.' or
 * an exponent a float, others ints, and the SDK renders defaults with str(): 1e-08, 5, 1.0.
 * Numbers become { $n: '<literal>' } objects; `plain` turns them back into numbers.
 */
function parseKeepingNumbers(text) {
  const marked = text.replace(/"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g, (m) => (m.startsWith('"') ? m : `{"$n":"${m}"}`));
  return JSON.parse(marked);
}

function plain(value) {
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    if (Object.keys(value).length === 1 && typeof value.$n === 'string') return Number(value.$n);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Python's str() of a JSON value as json.loads reads it (the SDK's str(default)). */
function pythonStr(value) {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return value;
  if (value && typeof value.$n === 'string') {
    const text = value.$n;
    if (!/[.eE]/.test(text)) return String(BigInt(text));
    return pythonFloatRepr(Number(text));
  }
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloatRepr(value);
  return JSON.stringify(plain(value));
}

/** repr(float): the shortest round-trip digits, fixed for exponents -4..15, else d.ddde[+-]XX. */
export function pythonFloatRepr(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  const [mantissa, exp] = v.toExponential().split('e');
  const e = Number(exp);
  if (e >= -4 && e < 16) {
    const fixed = String(v);
    return fixed.includes('.') ? fixed : `${fixed}.0`;
  }
  const sign = e < 0 ? '-' : '+';
  return `${mantissa}e${sign}${String(Math.abs(e)).padStart(2, '0')}`;
}

function parseArgs(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) throw new Error(`unexpected argument ${a}`);
    args[a.slice(2)] = argv[++i];
  }
  return args;
}

function selectEntries(manifest, models) {
  const byId = new Map();
  for (const e of manifest) {
    if (!byId.has(e.model_id)) byId.set(e.model_id, []);
    byId.get(e.model_id).push(e);
  }
  const wanted = models ? models.split(',').map((s) => s.trim()).filter(Boolean) : [...byId.keys()];
  return wanted.map((w) => {
    const [id, version] = w.split('@');
    const entries = byId.get(id);
    if (!entries) throw new Error(`model ${id} is not in the manifest`);
    if (version) {
      const e = entries.find((x) => x.version === version);
      if (!e) throw new Error(`model ${id} has no version ${version} in the manifest (it has ${entries.map((x) => x.version).join(', ')})`);
      return e;
    }
    return [...entries].sort((a, b) => compareVersions(b.version, a.version))[0];
  });
}

function compareVersions(a, b) {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

async function loadInput(args) {
  if (args['from-fixture']) {
    return JSON.parse(gunzipSync(readFileSync(args['from-fixture'])).toString('utf8'));
  }
  if (args['from-dir']) {
    const dir = args['from-dir'];
    const manifestFile = ['manifest.json', 'models_manifest.json'].map((f) => join(dir, f)).find(existsSync);
    if (!manifestFile) throw new Error(`${dir} has no manifest.json or models_manifest.json`);
    const manifest = JSON.parse(readFileSync(manifestFile, 'utf8'));
    const regionConfigFile = args['region-config'] ?? join(dir, 'region_config.json');
    const regionConfig = JSON.parse(readFileSync(regionConfigFile, 'utf8'));
    const entries = selectEntries(manifest, args.models);
    const specs = {};
    for (const e of entries) {
      const file = [join(dir, e.spec_key), join(dir, `${e.model_id}.json`)].find(existsSync);
      if (!file) throw new Error(`no spec file for ${e.model_id}@${e.version}: looked for ${e.spec_key} and ${e.model_id}.json in ${dir}`);
      specs[e.spec_key] = readFileSync(file, 'utf8');
    }
    return { source: args.source ?? `local copy of JumpStart specs (${dir})`, regionConfig, manifest: entries, specs };
  }
  if (args['from-cache']) {
    const base = args['from-cache'].replace(/\/+$/, '');
    if (!args['region-config']) throw new Error('--from-cache needs --region-config <the SDK\'s region_config.json>');
    const regionConfig = JSON.parse(readFileSync(args['region-config'], 'utf8'));
    const get = async (key) => {
      const res = await fetch(`${base}/${key}`);
      if (!res.ok) throw new Error(`GET ${base}/${key}: HTTP ${res.status}`);
      return res.text();
    };
    const manifest = JSON.parse(await get('models_manifest.json'));
    const entries = selectEntries(manifest, args.models);
    const specs = {};
    for (const e of entries) specs[e.spec_key] = await get(e.spec_key);
    return { source: `${base} (${new Date().toISOString().slice(0, 10)})`, regionConfig, manifest: entries, specs };
  }
  throw new Error('give --from-dir <dir>, --from-cache <url> or --from-fixture <file.json.gz>');
}

// ---------------------------------------------------------------------------------------------
// Resolution, as the SDK does it

/** The SDK's deep_override_dict: nested dicts merge key by key, anything else is replaced; nulls of the base drop. */
function deepOverride(base, override, skipKeys = []) {
  const out = {};
  for (const [k, v] of Object.entries(base)) if (v !== null && v !== undefined) out[k] = v;
  for (const [k, v] of Object.entries(override)) {
    if (skipKeys.includes(k)) continue;
    if (isDict(v) && isDict(out[k])) out[k] = deepOverride(out[k], v);
    else out[k] = v;
  }
  return out;
}

function isDict(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(Object.keys(v).length === 1 && typeof v.$n === 'string');
}

/** JumpStartConfigComponent.OVERRIDING_DENY_LIST */
const DENY = ['model_id', 'url', 'version', 'min_sdk_version', 'deprecated', 'deprecated_message', 'deprecate_warn_message', 'resource_name_base', 'gated_bucket', 'training_supported', 'incremental_training_supported'];

/** The configs of a scope, resolved, in ranking order (the first is the SDK's default); or [['', spec]] without configs. */
function resolvedConfigs(spec, scope) {
  const configs = spec[`${scope}_configs`];
  if (!configs || Object.keys(configs).length === 0) return [['', spec]];
  const components = spec[`${scope}_config_components`] ?? {};
  const ranking = spec[`${scope}_config_rankings`]?.overall?.rankings ?? Object.keys(configs).sort();
  return ranking.filter((name) => configs[name]).map((name) => {
    let resolved = spec;
    for (const c of configs[name].component_names ?? []) {
      if (!components[c]) throw new Error(`${spec.model_id}: config ${name} names a component ${c} that the spec does not have`);
      resolved = deepOverride(resolved, components[c], DENY);
    }
    return [name, resolved];
  });
}

function str(v) {
  return pythonStr(v);
}

function num(v) {
  return v === undefined || v === null ? undefined : plain(v);
}

/** Shared tables (regional aliases) stored once under a content id. */
class Shared {
  constructor() { this.tables = {}; }
  add(value) {
    const sorted = sortKeys(value);
    const id = createHash('sha256').update(JSON.stringify(sorted)).digest('hex').slice(0, 8);
    this.tables[id] = sorted;
    return id;
  }
}

function sortKeys(v) {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  return v;
}

function prune(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0) && !(isDict(v) && Object.keys(v).length === 0)));
}

/** The variants (instance family or type -> what the library reads), with image aliases checked. */
function variantsOf(block, what, withKeys) {
  const out = {};
  const aliases = block?.regional_aliases ?? {};
  for (const [name, v] of Object.entries(block?.variants ?? {})) {
    const image = v.regional_properties?.image_uri;
    if (image !== undefined && !image.startsWith('$')) throw new Error(`${what}: variant ${name} has image_uri ${image}, not a $alias`);
    const props = plain(v.properties ?? {});
    const entry = prune({
      image: image?.slice(1),
      environment: props.environment_variables ? Object.fromEntries(Object.entries(props.environment_variables).map(([k, x]) => [k, String(x)])) : undefined,
      ...Object.fromEntries(withKeys.map((k) => [camel(k), props[k]])),
      resourceRequirements: requirements(props.resource_requirements),
    });
    if (Object.keys(entry).length) out[name] = entry;
  }
  const used = new Set(Object.values(out).map((v) => v.image).filter(Boolean));
  const regional = {};
  for (const [region, map] of Object.entries(aliases)) {
    const kept = Object.fromEntries(Object.entries(map).filter(([a]) => used.has(a)));
    if (Object.keys(kept).length) regional[region] = kept;
  }
  return { variants: out, regional };
}

/** hosting_resource_requirements / resource_requirements: what one inference-component copy takes. */
function requirements(r) {
  if (!r) return undefined;
  const p = plain(r);
  return prune({ minMemoryMb: p.min_memory_mb, numAccelerators: p.num_accelerators });
}

function camel(s) {
  return s.replace(/_([a-z])/g, (_, c) => c.toUpperCase());
}

function inference(spec, shared, skipped) {
  const configs = {};
  for (const [name, c] of resolvedConfigs(spec, 'inference')) {
    const label = `${spec.model_id}@${spec.version}${name ? ` config ${name}` : ''}`;
    const why = [];
    if (c.hosting_use_script_uri || (c.inference_dependencies ?? []).length) why.push('it downloads an inference script (the SDK repacks the artifact with it)');
    if (c.hosting_additional_data_sources && Object.keys(c.hosting_additional_data_sources).length) why.push('it has additional model data sources');
    if (c.hosting_model_package_arns && Object.keys(c.hosting_model_package_arns).length) why.push('it is a model package');
    if (!c.hosting_instance_type_variants) why.push('it has no instance type variants (images)');
    if (why.length) {
      skipped.push(`${label}: ${why.join('; ')}`);
      continue;
    }
    const { variants, regional } = variantsOf(c.hosting_instance_type_variants, label, ['artifact_key', 'prepacked_artifact_key']);
    const deploy = plain(c.deploy_kwargs ?? {});
    configs[name || 'default'] = prune({
      defaultInstanceType: c.default_inference_instance_type,
      supportedInstanceTypes: c.supported_inference_instance_types ?? [],
      // _retrieve_model_uri: not use_inference_script_uri() -> the prepacked key, else the artifact key
      artifactKey: c.hosting_prepacked_artifact_key ?? c.hosting_artifact_key,
      s3DataType: c.hosting_artifact_s3_data_type,
      compressionType: c.hosting_artifact_compression_type,
      // _retrieve_default_environment_variables(include_aws_sdk_env_vars=False)
      environment: Object.fromEntries((c.inference_environment_variables ?? []).filter((e) => e.required_for_model_class).map((e) => [e.name, str(e.default)])),
      networkIsolation: c.inference_enable_network_isolation === true,
      containerStartupTimeoutSeconds: num(deploy.container_startup_health_check_timeout),
      modelDataDownloadTimeoutSeconds: num(deploy.model_data_download_timeout),
      volumeSizeGb: num(c.inference_volume_size),
      resourceRequirements: requirements(c.hosting_resource_requirements),
      eulaKey: c.hosting_eula_key ?? undefined,
      aliases: Object.keys(regional).length ? shared.add(regional) : undefined,
      variants,
    });
  }
  return configs;
}

function training(spec, shared, skipped) {
  if (!spec.training_supported) return undefined;
  const configs = {};
  for (const [name, c] of resolvedConfigs(spec, 'training')) {
    const label = `${spec.model_id}@${spec.version} training${name ? ` config ${name}` : ''}`;
    if (!c.training_instance_type_variants) {
      skipped.push(`${label}: it has no instance type variants (images)`);
      continue;
    }
    const { variants, regional } = variantsOf(c.training_instance_type_variants, label, ['training_artifact_key', 'gated_model_key_env_var_value']);
    for (const [vname, v] of Object.entries(c.training_instance_type_variants.variants ?? {})) {
      const hps = v.properties?.hyperparameters;
      if (hps?.length) variants[vname] = { ...variants[vname], hyperparameters: Object.fromEntries(hps.map((h) => [h.name, str(h.default)])) };
    }
    const est = plain(c.estimator_kwargs ?? {});
    configs[name || 'default'] = prune({
      defaultInstanceType: c.default_training_instance_type,
      supportedInstanceTypes: c.supported_training_instance_types ?? [],
      artifactKey: c.training_artifact_key,
      // _retrieve_script_uri(TRAINING): the prepacked script, else the script
      scriptKey: c.training_prepacked_script_key ?? c.training_script_key,
      hyperparameters: Object.fromEntries((c.hyperparameters ?? []).filter((h) => h.scope === 'algorithm').map((h) => [h.name, str(h.default)])),
      metricDefinitions: (c.metrics ?? []).map((m) => ({ name: m.Name, regex: m.Regex })),
      networkIsolation: c.training_enable_network_isolation === true,
      encryptInterContainerTraffic: est.encrypt_inter_container_traffic === true ? true : undefined,
      maxRunSeconds: est.max_run,
      disableOutputCompression: est.disable_output_compression === true ? true : undefined,
      volumeSizeGb: num(c.training_volume_size),
      incrementalTraining: spec.incremental_training_supported === true ? true : undefined,
      aliases: Object.keys(regional).length ? shared.add(regional) : undefined,
      variants,
    });
  }
  return Object.keys(configs).length ? configs : undefined;
}

export function generate(input) {
  const shared = new Shared();
  const skipped = [];
  const models = {};
  for (const entry of input.manifest) {
    const spec = parseKeepingNumbers(input.specs[entry.spec_key]);
    if (spec.model_id !== entry.model_id || spec.version !== entry.version) {
      throw new Error(`spec ${entry.spec_key} is ${spec.model_id}@${spec.version}, not ${entry.model_id}@${entry.version}`);
    }
    const hosting = inference(spec, shared, skipped);
    if (!Object.keys(hosting).length) {
      skipped.push(`${spec.model_id}@${spec.version}: no inference config the library can render`);
      continue;
    }
    const trainingConfigs = training(spec, shared, skipped);
    models[spec.model_id] ??= {};
    models[spec.model_id][spec.version] = prune({
      provider: spec.provider,
      url: spec.url,
      deprecated: spec.deprecated === true ? true : undefined,
      vulnerable: spec.inference_vulnerable === true || spec.training_vulnerable === true ? true : undefined,
      gatedBucket: spec.gated_bucket === true ? true : undefined,
      defaultInferenceConfig: Object.keys(hosting)[0],
      inference: hosting,
      defaultTrainingConfig: trainingConfigs ? Object.keys(trainingConfigs)[0] : undefined,
      training: trainingConfigs,
    });
  }
  const regions = {};
  for (const [region, c] of Object.entries(input.regionConfig)) {
    regions[region] = prune({ contentBucket: c.content_bucket, gatedContentBucket: c.gated_content_bucket });
  }
  const catalog = sortKeys({
    source: { description: input.source, specs: Object.fromEntries(input.manifest.map((e) => [`${e.model_id}@${e.version}`, createHash('sha256').update(input.specs[e.spec_key]).digest('hex')])) },
    regions,
    regionalAliases: shared.tables,
    models,
  });
  // model order, config order (ranking) matter: keep them as the spec ranks them
  for (const [id, versions] of Object.entries(models)) {
    for (const [v, m] of Object.entries(versions)) catalog.models[id][v] = { ...sortKeys(m), inference: orderedConfigs(m.inference), ...(m.training ? { training: orderedConfigs(m.training) } : {}) };
  }
  return { catalog, skipped };
}

function orderedConfigs(configs) {
  return Object.fromEntries(Object.entries(configs).map(([k, v]) => [k, sortKeys(v)]));
}

export function serialize(catalog) {
  return `${JSON.stringify(catalog, null, 1)}\n`;
}

// ---------------------------------------------------------------------------------------------

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = parseArgs(process.argv.slice(2));
  const input = await loadInput(args);
  const { catalog, skipped } = generate(input);
  const out = args.out ?? join(root, 'constructs', 'jumpstart', 'catalog.json');
  writeFileSync(out, serialize(catalog));
  const count = Object.values(catalog.models).reduce((n, v) => n + Object.keys(v).length, 0);
  console.log(`gen-jumpstart-catalog: ${count} model versions -> ${out}`);
  for (const s of skipped) console.log(`  skipped ${s}`);
  if (args.fixture) {
    const bundle = { source: input.source, regionConfig: input.regionConfig, manifest: input.manifest, specs: input.specs };
    writeFileSync(args.fixture, gzipSync(Buffer.from(JSON.stringify(bundle)), { level: 9 }));
    console.log(`  input bundle -> ${args.fixture}`);
  }
}
