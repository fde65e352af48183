import { createHash } from 'crypto';
import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { describeValue } from '../../private/errors';

/**
 * The construct id of a child of `scope` that the user names (a user profile, a space):
 * `<prefix>-<name>` for a literal name, as always. A construct id cannot hold a token (a
 * CfnParameter's value...), so a token name gets `<prefix>Token-<hash>`, hashed from the token's
 * resolved form (`{ "Ref": "P" }`): it stays the same from one synth to the next, unlike the
 * token's string, which is numbered in the order the app creates tokens (so the logical ID, and
 * with it the resource, would change whenever that order does). It never equals a literal's id.
 */
export function childId(scope: IConstruct, prefix: string, name: string): string {
  if (!Token.isUnresolved(name)) return `${prefix}-${name}`;
  return `${prefix}Token-${createHash('sha256').update(JSON.stringify(Stack.of(scope).resolve(name))).digest('hex').slice(0, 8)}`;
}

/** A name for an error message: the literal, or the resolved form of a token (`{"Ref":"P"}`). */
export function describeName(scope: IConstruct, name: string): string {
  return Token.isUnresolved(name) ? `${JSON.stringify(Stack.of(scope).resolve(name))} (a token)` : describeValue(name);
}
