import { CfnResource, Validations } from 'aws-cdk-lib';
import { rules } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Why a wildcard that a grant wrote is as narrow as IAM allows. Action wildcards get no reason:
 * the library never writes one, so one showing up is left for the user to see.
 */
export function explainWildcard(finding: string): string | undefined {
  if (finding === 'Resource::*') {
    return "List and describe actions that IAM authorizes only on '*' (no resource-level permissions), e.g. sagemaker:ListModelPackages, ecr:GetAuthorizationToken, ec2:DescribeNetworkInterfaces; every action that supports resource-level permissions is scoped in its own statement.";
  }
  if (finding.startsWith('Resource::') && finding.endsWith('*')) {
    return 'Children of a granted resource whose names are only known at run time: objects under a granted S3 key prefix, versions of a model package group, jobs or log streams with a granted name prefix. The grant is scoped to that parent and prefix.';
  }
  return undefined;
}

/**
 * Acknowledges, finding by finding, the AwsSolutions-IAM5 wildcard findings of a policy that
 * the library's grants write. Runs when the app is validated, so it sees every statement added
 * after construction, and acknowledges only what is there, each with its reason.
 */
export function acknowledgeGrantWildcards(policy: IConstruct): void {
  const resource = policy instanceof CfnResource ? policy : policy.node.defaultChild;
  if (!(resource instanceof CfnResource)) return;
  acknowledgeGranularFindings(resource, rules.iam.IAMNoWildcardPermissions, 'AwsSolutions::AwsSolutions-IAM5', explainWildcard);
}

/**
 * Acknowledges each granular finding that a cdk-nag rule reports for `resource` (e.g. IAM4's
 * `Policy::<arn>` or IAM5's `Resource::<arn>`), with a reason chosen per finding; findings the
 * reason function returns undefined for stay visible. Runs at validation time, after every
 * statement has been added.
 */
export function acknowledgeGranularFindings(resource: CfnResource, rule: (node: CfnResource) => unknown, ruleId: string, reason: (finding: string) => string | undefined): void {
  resource.node.addValidation({
    validate: () => {
      let result: unknown;
      try {
        result = rule(resource);
      } catch {
        return []; // nothing to acknowledge (e.g. a policy that is still empty)
      }
      if (Array.isArray(result)) {
        for (const finding of result) {
          const why = reason(String(finding));
          if (why) Validations.of(resource).acknowledge({ id: `${ruleId}[${finding}]`, reason: why });
        }
      }
      return [];
    },
  });
}

/**
 * Waives cfn-guard rules on one resource, in the resource's own template metadata, so the waiver
 * travels with the resource into every app that uses the construct: `Metadata.guard.SuppressedRules`
 * (the list cfn-guard reads) and, beside it, `Metadata.guard.SuppressedRulesReasons` with the reason
 * for each rule. Merges with waivers added before.
 */
export function waiveGuardRules(resource: CfnResource, reasons: { [rule: string]: string }): void {
  const existing = (resource.getMetadata('guard') ?? {}) as { SuppressedRules?: string[]; SuppressedRulesReasons?: { [rule: string]: string } };
  const merged = { ...existing.SuppressedRulesReasons, ...reasons };
  for (const [rule, reason] of Object.entries(merged)) {
    if (!/^[a-z0-9_]+$/.test(rule) || !reason.trim()) throw new Error(`waiveGuardRules: a guard rule name and a reason are required, got ${JSON.stringify(rule)}: ${JSON.stringify(reason)}`);
  }
  resource.addMetadata('guard', { SuppressedRules: Object.keys(merged).sort(), SuppressedRulesReasons: merged });
}
