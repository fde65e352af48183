import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, CloudFormationValidatePlugin, Stack, Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
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

/** One instance for every test app: its validation engine loads once per Jest worker. */
const CFN_VALIDATE = new CloudFormationValidatePlugin();

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
