import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export interface ManagedKeyOptions {
  readonly description: string;
  readonly removalPolicy: RemovalPolicy;
  /** Service principals that must use the key directly (e.g. `logs.<region>.amazonaws.com`). */
  readonly servicePrincipals?: iam.IPrincipal[];
}

/**
 * A customer-managed key as every construct of this library creates it: yearly rotation, retained
 * like the data it protects, and a key policy that lets grants be created only for AWS services
 * acting on the caller's behalf (SageMaker, EBS, EFS create grants that way), never by a principal
 * for itself.
 */
export function createManagedKey(scope: Construct, id: string, options: ManagedKeyOptions): kms.Key {
  const key = new kms.Key(scope, id, {
    description: options.description,
    enableKeyRotation: true,
    removalPolicy: options.removalPolicy,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyGrantsNotForAwsResources',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['kms:CreateGrant'],
    resources: ['*'],
    conditions: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
  }));
  return key;
}
