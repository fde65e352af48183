import { Aspects, CfnResource } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';
import { acknowledgeGrantWildcards } from '../private/compliance';

const DONE = new WeakSet<IConstruct>();

/**
 * The compliance findings that the library's grants leave on resources you own.
 *
 * The roles the library creates acknowledge their own findings. When you pass a role of yours (a
 * pipeline `role`, a profile's `executionRole`, a step's `role`), the library's grants go into that
 * role's policy, and cdk-nag's AwsSolutions-IAM5 reports the resource wildcards they need (objects
 * under a granted prefix, versions of a model package group, jobs with a granted name prefix, and
 * list/describe actions IAM authorizes only on `*`). The library writes exact actions, never action
 * wildcards.
 */
export class GrantFindings {
  /**
   * Acknowledges, finding by finding and with the reason for each, the AwsSolutions-IAM5 resource
   * wildcard findings of the kinds above on every IAM policy in `scope` (a role, its default
   * policy, or a construct that holds policies). Findings of other kinds, action wildcards among
   * them, stay visible. Call it anywhere before synthesis: it covers policies created later too,
   * and checks their statements when the app is validated.
   */
  public static acknowledgeResourceWildcards(scope: IConstruct): void {
    Aspects.of(scope).add({
      visit: (node: IConstruct) => {
        if ((node instanceof iam.CfnPolicy || node instanceof iam.CfnManagedPolicy) && !DONE.has(node)) {
          DONE.add(node);
          acknowledgeGrantWildcards(node as CfnResource);
        }
      },
    });
  }

  private constructor() {}
}
