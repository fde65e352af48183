import { IResolvable, Token, Tokenization } from 'aws-cdk-lib';
import { describeValue, ProblemList } from '../../private/errors';
import type { IModelRegistry } from '../model-registry';

// ---------------------------------------------------------------------------------------------
// Rules (in the style of private/rules.ts: add to a ProblemList, tokens pass)

/** A 12-digit AWS account ID. */
export function checkAccountId(problems: ProblemList, prop: string, accountId: string): void {
  if (Token.isUnresolved(accountId) || /^\d{12}$/.test(accountId)) return;
  problems.add(`invalid ${prop} ${describeValue(accountId)}: use a 12-digit AWS account ID`);
}

/**
 * A key prefix of a DataBucket, as its grants take it: `models` and `models/` both mean the folder
 * `models/`, '' the whole bucket; no leading '/' and no '*'. Returns it normalized (a token as is).
 */
export function keyPrefix(problems: ProblemList, prop: string, prefix: string | undefined): string | undefined {
  if (prefix === undefined || Token.isUnresolved(prefix)) return prefix;
  if (prefix.startsWith('/') || prefix.includes('*')) {
    problems.add(`invalid ${prop} ${describeValue(prefix)}: use a key prefix without a leading '/' or '*', e.g. 'models/'`);
    return undefined;
  }
  return prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
}

// ---------------------------------------------------------------------------------------------
// The registry a deploy-time model package ARN comes from

const REGISTRIES = new WeakMap<IResolvable, IModelRegistry>();

/** The one token `value` consists of, or undefined (a literal, or a string mixing tokens). */
function soleToken(value: string): IResolvable | undefined {
  if (!Token.isUnresolved(value)) return undefined;
  const fragments = Tokenization.reverseString(value);
  return fragments.length === 1 ? fragments.firstToken : undefined;
}

/** Records that the model package ARN `arn` (a token, e.g. a custom resource's attribute) is a version of `registry`. */
export function registerModelPackageArn(arn: string, registry: IModelRegistry): void {
  const token = soleToken(arn);
  if (token) REGISTRIES.set(token, registry);
}

/** The registry a model package ARN token was recorded for (`LatestApprovedModelPackage.modelPackageArn`). */
export function registryOfModelPackageArn(arn: string): IModelRegistry | undefined {
  const token = soleToken(arn);
  return token && REGISTRIES.get(token);
}
