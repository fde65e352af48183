import { Names } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

export interface GeneratedNameOptions {
  /** @default 63 */
  readonly maxLength?: number;
}

/**
 * A deterministic physical name that satisfies SageMaker's name rule
 * (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, at most 63 characters) and is unique per copy of the stack:
 * it is made from the construct path, stack name included, plus a hash of that path.
 *
 * Generated names are lower case: some SageMaker APIs report ARNs in lower case (tuning jobs,
 * endpoints) while IAM matches ARNs case-sensitively, so a lower-case name keeps the ARNs we write
 * into policies equal to the ones the service checks.
 */
export function generatePhysicalName(scope: IConstruct, options: GeneratedNameOptions = {}): string {
  const maxLength = options.maxLength ?? 63;
  const raw = Names.uniqueResourceName(scope, { maxLength, separator: '-' });
  // Only [A-Za-z0-9-] survive uniqueResourceName; collapse what could break the pattern.
  let name = raw.toLowerCase().replace(/[^a-z0-9-]/g, '').replace(/^-+/, '').replace(/-+$/, '');
  if (name.length === 0) name = 'sm';
  return name.slice(0, maxLength).replace(/-+$/, '');
}
