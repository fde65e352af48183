import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, CloudFormationValidatePlugin, IPolicyValidationContext, Stack, Validations } from 'aws-cdk-lib';
import * as applicationautoscaling from 'aws-cdk-lib/aws-applicationautoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as stepfunctions from 'aws-cdk-lib/aws-stepfunctions';
import { IConstruct } from 'constructs';
import * as dataSeed from '../../constructs/private/contracts/data-seed';
import * as domainCleanup from '../../constructs/private/contracts/domain-cleanup';
import * as latestApproved from '../../constructs/private/contracts/latest-approved';
import * as restrictDefaultSg from '../../constructs/private/contracts/restrict-default-sg';
import * as sageMakerJob from '../../constructs/private/contracts/sagemaker-job';
import { applyComplianceChecks } from '../../lib/compliance';

const cdkJson = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'cdk.json'), 'utf8'));

/** One finding of cdk-nag, the built-in CloudFormation validation or a construct annotation. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
  readonly description: string;
}

/** One instance for every test app: its validation engine loads once per Jest worker (see warmEngine). */
const CFN_VALIDATE = new CloudFormationValidatePlugin();

/**
 * The resource types the library's stacks have: every L1 type of the aws-cdk-lib modules it uses,
 * its custom resources and aws-cdk-lib's own.
 */
function libraryResourceTypes(): Set<string> {
  const types = new Set<string>(['AWS::CDK::Metadata', 'AWS::CloudFormation::CustomResource', 'Custom::S3AutoDeleteObjects', 'Custom::VpcRestrictDefaultSG']);
  const modules = [applicationautoscaling, cloudwatch, cognito, ec2, ecr, events, iam, kms, lambda, logs, s3, sagemaker, scheduler, secretsmanager, sns, sqs, ssm, stepfunctions];
  for (const mod of modules) {
    for (const value of Object.values(mod)) {
      const type = (value as { CFN_RESOURCE_TYPE_NAME?: unknown } | undefined)?.CFN_RESOURCE_TYPE_NAME;
      if (typeof type === 'string') types.add(type);
    }
  }
  for (const type of [dataSeed, domainCleanup, latestApproved, restrictDefaultSg, sageMakerJob].flatMap((m) => Object.values(m))) if (typeof type === 'string' && type.startsWith('Custom::')) types.add(type);
  return types;
}

/**
 * The plugin builds its validation engine for the resource types of the templates it validates and
 * builds it anew (about 100 ms) whenever a template has a type the engine was not built for, which
 * hundreds of validity tests with different resources would do (and free the old engine each time). Validating once, first, a template
 * with every type the library's stacks have builds one engine the later validations reuse. The
 * engine selects its rules by type, so building it for a superset loses no finding.
 */
let warmed = false;
function warmEngine(): void {
  if (warmed) return;
  warmed = true;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-validate-warm-'));
  const templatePath = path.join(dir, 'warm.template.json');
  const resources = Object.fromEntries([...libraryResourceTypes()].map((type, i) => [`R${i}`, { Type: type, Properties: {} }]));
  fs.writeFileSync(templatePath, JSON.stringify({ Resources: resources }));
  CFN_VALIDATE.validate({ templatePaths: [templatePath], stackTemplates: [{ stackConstructPath: 'Warm', templatePath, accountId: undefined, region: undefined }], appConstruct: new App() } as unknown as IPolicyValidationContext);
}

/**
 * An App configured like the project's app: cdk.json's feature flags (built-in validation on) and
 * the four cdk-nag packs. Output goes to a temporary folder.
 */
export function testApp(props: AppProps = {}): App {
  const app = new App({
    outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk-test-')),
    ...props,
    context: { ...cdkJson.context, ...props.context },
  });
  applyComplianceChecks(app);
  // The built-in CloudFormation validation, registered explicitly: jest-env.js turns off its
  // automatic registration for the tests that do not assert validity.
  warmEngine();
  Validations.of(app).addPlugins(CFN_VALIDATE);
  return app;
}

/** A stack in a fresh test app, environment-agnostic unless `env` is given. */
export function testStack(id = 'Test', props: AppProps = {}): Stack {
  return new Stack(testApp(props), id);
}

/**
 * Synthesizes the app of `scope` and returns every validation finding (errors and warnings) of
 * cdk-nag, the built-in CloudFormation validation and construct annotations.
 */
export function validationFindings(scope: IConstruct): Finding[] {
  const app = scope.node.root as App;
  let outdir: string;
  try {
    outdir = app.synth({ force: true }).directory;
  } catch (e) {
    if (!/Validation ?failed/i.test(String(e))) throw e;
    outdir = app.outdir;
  }
  const reportFile = path.join(outdir, 'validation-report.json');
  if (!fs.existsSync(reportFile)) return [];
  const report = JSON.parse(fs.readFileSync(reportFile, 'utf8'));
  const findings: Finding[] = [];
  for (const plugin of report.pluginReports ?? []) {
    for (const violation of plugin.violations ?? []) {
      for (const c of violation.violatingConstructs ?? []) {
        findings.push({ plugin: plugin.pluginName, rule: violation.ruleName, severity: violation.severity, path: c.constructPath, description: violation.description });
      }
    }
  }
  return findings;
}

/** Asserts that the app of `scope` synthesizes with no validation finding at all. */
export function expectNoFindings(scope: IConstruct): void {
  const findings = validationFindings(scope).map((f) => `${f.severity} ${f.rule} at ${f.path}: ${f.description.slice(0, 160)}`);
  expect(findings).toEqual([]);
}

/** Every acknowledgement (suppression) recorded in the tree of `scope`, with its reason. */
export function acknowledgements(scope: IConstruct): Array<{ path: string; id: string; reason: string }> {
  const out: Array<{ path: string; id: string; reason: string }> = [];
  for (const c of scope.node.findAll()) {
    for (const entry of c.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) out.push({ path: c.node.path, id, reason });
    }
  }
  return out;
}
