import { Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, NIST80053R5Checks, PCIDSS321Checks } from 'cdk-nag';
import { IConstruct } from 'constructs';

/**
 * Registers the four cdk-nag rule packs (v3 plugin API) on an App or Stage. Any unacknowledged
 * finding fails synthesis; the report lands in `cdk.out/validation-report.json`.
 */
export function applyComplianceChecks(scope: IConstruct): void {
  Validations.of(scope).addPlugins(
    new AwsSolutionsChecks(scope, { verbose: true }),
    new HIPAASecurityChecks(scope, { verbose: true }),
    new NIST80053R5Checks(scope, { verbose: true }),
    new PCIDSS321Checks(scope, { verbose: true }),
  );
}
