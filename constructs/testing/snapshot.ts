/** Options for `SnapshotNormalizer.normalizeTemplate`. */
export interface NormalizeTemplateOptions {
  /**
   * Text that replaces every asset hash.
   * @default 'ASSET-HASH'
   */
  readonly hashPlaceholder?: string;
  /**
   * Keep the `CDKMetadata` resource and condition (they change with the aws-cdk-lib version).
   * @default false
   */
  readonly keepCdkMetadata?: boolean;
  /**
   * Keep the bootstrap-version parameter and rule (they change with the bootstrap template).
   * @default false
   */
  readonly keepBootstrapVersion?: boolean;
}

const HASH = /\b[0-9a-f]{64}\b/g;

/**
 * Makes a synthesized CloudFormation template stable for snapshot tests: replaces asset hashes
 * (in S3 keys, image tags, asset parameters and anywhere else they appear) with a placeholder and
 * drops values that change with the aws-cdk-lib version rather than with your code.
 *
 * ```ts
 * const template = Template.fromStack(stack).toJSON();
 * expect(SnapshotNormalizer.normalizeTemplate(template)).toMatchSnapshot();
 * ```
 */
export class SnapshotNormalizer {
  /** Returns a normalized deep copy of `template`; the input is not changed. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- a template is free-form JSON (jsii has no JSON type)
  public static normalizeTemplate(template: any, options: NormalizeTemplateOptions = {}): any {
    const placeholder = options.hashPlaceholder ?? 'ASSET-HASH';
    const copy = JSON.parse(JSON.stringify(template ?? {}));
    if (!options.keepCdkMetadata) {
      if (copy.Resources) delete copy.Resources.CDKMetadata;
      if (copy.Conditions) {
        delete copy.Conditions.CDKMetadataAvailable;
        if (Object.keys(copy.Conditions).length === 0) delete copy.Conditions;
      }
    }
    if (!options.keepBootstrapVersion) {
      if (copy.Parameters) {
        delete copy.Parameters.BootstrapVersion;
        if (Object.keys(copy.Parameters).length === 0) delete copy.Parameters;
      }
      if (copy.Rules) {
        delete copy.Rules.CheckBootstrapVersion;
        if (Object.keys(copy.Rules).length === 0) delete copy.Rules;
      }
    }
    return SnapshotNormalizer.replaceHashes(copy, placeholder);
  }

  /** Returns `value` with every 64-character hex asset hash replaced by `placeholder`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- any JSON value (jsii has no JSON type)
  public static replaceHashes(value: any, placeholder: string = 'ASSET-HASH'): any {
    if (typeof value === 'string') return value.replace(HASH, placeholder);
    if (Array.isArray(value)) return value.map((v) => SnapshotNormalizer.replaceHashes(v, placeholder));
    if (value && typeof value === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k.replace(HASH, placeholder)] = SnapshotNormalizer.replaceHashes(v, placeholder);
      return out;
    }
    return value;
  }

  private constructor() {}
}
