import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SnapshotNormalizer } from '../../constructs';
import { configFromContext, DEFAULT_CONFIG } from '../../lib/config';
import { SageMakerLifecycleStack } from '../../lib/sagemaker-lifecycle-stack';
import { criticalPath, falseDependencies } from '../support/dependency-graph';
import { acknowledgements, testApp, validationFindings } from '../support/validity';

/** The template the validated synthesis wrote (synthesizing again would run every check again). */
function writtenTemplate(app: { outdir: string }, stack: { artifactId: string }): Template {
  return Template.fromJSON(JSON.parse(fs.readFileSync(path.join(app.outdir, `${stack.artifactId}.template.json`), 'utf8')));
}

function sample(config = DEFAULT_CONFIG) {
  const app = testApp();
  const stack = new SageMakerLifecycleStack(app, `SageMakerLifecycle-${config.stage}`, { config });
  return { app, stack };
}

/**
 * The default (standard profile) sample, synthesized and validated once for every describe below
 * that reads it: each synthesis of the whole sample with the four cdk-nag packs costs seconds.
 */
let defaultSample: { app: ReturnType<typeof testApp>; stack: SageMakerLifecycleStack; findings: ReturnType<typeof validationFindings>; template: Template } | undefined;
function validatedDefault() {
  if (!defaultSample) {
    const { app, stack } = sample();
    const findings = validationFindings(app);
    defaultSample = { app, stack, findings, template: writtenTemplate(app, stack) };
  }
  return defaultSample;
}

describe('sample lifecycle stack', () => {
  const { app, stack, findings, template } = validatedDefault();

  test('passes cdk-nag (4 packs) and the built-in CloudFormation validation with no finding', () => {
    expect(findings).toEqual([]);
  });

  test('every acknowledgement names a rule and gives a specific reason; the count is the one the README states', () => {
    const acks = acknowledgements(app);
    for (const ack of acks) {
      expect(ack.id).toMatch(/^(AwsSolutions|HIPAA\.Security|NIST\.800\.53\.R5|PCI\.DSS\.321)::/);
      expect(ack.reason.length).toBeGreaterThan(40);
      expect(ack.reason).not.toMatch(/^not needed/i);
    }
    expect(acks.some((a) => a.id.startsWith('CloudFormation-Validate'))).toBe(false);
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const stated = /acknowledgements in the sample stack: \*\*(\d+)\*\*/.exec(readme);
    expect(stated && Number(stated[1])).toBe(acks.length);
  });

  test('is environment-agnostic: no account or region literal', () => {
    expect(Token.isUnresolved(stack.account) && Token.isUnresolved(stack.region)).toBe(true);
    // Account IDs appear only in the image registry mappings (AWS's ECR registries), never for this stack.
    const { Mappings, ...rest } = template.toJSON();
    expect(JSON.stringify(rest)).not.toMatch(/\b\d{12}\b/);
    expect(Object.keys(Mappings).every((m) => m.startsWith('SageMakerImageRegistry'))).toBe(true);
  });

  test('stateful resources are retained by default', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'AWS::SageMaker::ModelPackageGroup']) {
      for (const resource of Object.values(template.findResources(type))) expect((resource as any).DeletionPolicy).toBe('Retain');
    }
  });

  test('no custom resource waits for a resource it does not use (directly or through the provider)', () => {
    expect(falseDependencies(template.toJSON() as any, (id) => id.startsWith('SageMakerConstructsProvider'))).toEqual([]);
  });

  test('the estimated critical path of a first deployment is the one the README states: data, then training, then hosting', () => {
    const { seconds, path: chain } = criticalPath(template.toJSON() as any);
    const types = chain.map((id) => (template.toJSON() as any).Resources[id].Type);
    expect(types).toContain('Custom::SageMakerTrainingJob');
    expect(types).toContain('AWS::SageMaker::Endpoint');
    expect(types).not.toContain('AWS::SageMaker::Domain');
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');
    const stated = /estimated critical path of the standard sample: about \*\*([\d,]+) s\*\*/i.exec(readme);
    expect(stated && Number(stated[1].replace(',', ''))).toBe(seconds);
  });

  test('snapshot (asset hashes normalized)', () => {
    expect(SnapshotNormalizer.normalizeTemplate(template.toJSON())).toMatchSnapshot();
  });
});

describe('the lean profile, with the opt-in notebook instance and work team', () => {
  const { app, stack } = sample({ stage: 'lab', retention: 'destroy', profile: 'lean', notebook: true, labeling: true });
  const findings = validationFindings(app);
  const template = writtenTemplate(app, stack);

  test('passes every check too', () => {
    expect(findings).toEqual([]);
  });

  test('idles cheaply: no interface endpoints, a serverless endpoint, no monitoring schedule', () => {
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    template.resourceCountIs('AWS::SageMaker::MonitoringSchedule', 0);
    template.hasResourceProperties('AWS::SageMaker::Domain', { AppNetworkAccessType: 'PublicInternetOnly' });
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', { ProductionVariants: [Match.objectLike({ ServerlessConfig: { MemorySizeInMB: 2048, MaxConcurrency: 5 } })] });
  });

  test('the opt-ins: an idle-stopping notebook instance in the Studio VPC, a private workforce and a work team without members', () => {
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', { DirectInternetAccess: 'Disabled', RootAccess: 'Disabled', InstanceType: 'ml.t3.medium' });
    template.resourceCountIs('AWS::SageMaker::NotebookInstanceLifecycleConfig', 1);
    template.resourceCountIs('AWS::SageMaker::Workforce', 1);
    template.resourceCountIs('AWS::SageMaker::Workteam', 1);
  });

  test('the feature group is offline only (no online store, no key of its own)', () => {
    template.hasResourceProperties('AWS::SageMaker::FeatureGroup', { OfflineStoreConfig: Match.objectLike({ TableFormat: 'Iceberg' }), OnlineStoreConfig: Match.absent() });
  });
});

describe('the standard profile monitors bias and feeds the feature group', () => {
  const t = validatedDefault().template;
  test('a daily Clarify bias monitor with its seeded analysis configuration', () => {
    t.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: Match.objectLike({ MonitoringType: 'ModelBias', ScheduleConfig: { ScheduleExpression: 'cron(0 3 ? * * *)' } }) });
    t.hasResourceProperties('Custom::SageMakerDataSeed', { DestinationKey: 'clarify/bias/analysis_config.json' });
  });
  test("the pipeline's preprocessing step names the feature group, and its jobs may put records", () => {
    const body = JSON.stringify(t.findResources('AWS::SageMaker::Pipeline'));
    expect(body).toContain('FEATURE_GROUP_NAME');
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy'))).toContain('sagemaker:PutRecord');
  });
});

describe('by default', () => {
  test('no notebook instance and no workforce (both opt-in)', () => {
    const t = validatedDefault().template;
    t.resourceCountIs('AWS::SageMaker::NotebookInstance', 0);
    t.resourceCountIs('AWS::SageMaker::Workforce', 0);
  });
});

describe('the standard profile serves the trained model', () => {
  const template = validatedDefault().template;

  test('a real-time endpoint with data capture, autoscaling, alarms to the alerts topic and an hourly data-quality monitor', () => {
    template.hasResourceProperties('AWS::SageMaker::EndpointConfig', {
      ProductionVariants: [Match.objectLike({ InstanceType: 'ml.m5.large', InitialInstanceCount: 1 })],
      DataCaptureConfig: Match.objectLike({ InitialSamplingPercentage: 20 }),
    });
    template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', { MinCapacity: 1, MaxCapacity: 2, ScalableDimension: 'sagemaker:variant:DesiredInstanceCount' });
    template.hasResourceProperties('AWS::SageMaker::MonitoringSchedule', { MonitoringScheduleConfig: Match.objectLike({ MonitoringType: 'DataQuality', ScheduleConfig: { ScheduleExpression: 'cron(0 * ? * * *)' } }) });
    template.hasResourceProperties('AWS::SageMaker::Model', { PrimaryContainer: Match.objectLike({ ModelDataUrl: { 'Fn::GetAtt': [Match.stringLikeRegexp('Training'), 'ModelDataUri'] } }) });
    for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm'))) {
      expect((alarm as any).Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/Alerts/) }]);
    }
  });
});

describe('sample config', () => {
  test('destroy retention deletes stateful resources', () => {
    const { stack } = sample({ stage: 'test', retention: 'destroy', profile: 'standard' });
    const template = Template.fromStack(stack);
    for (const [id, resource] of Object.entries(template.findResources('AWS::KMS::Key'))) {
      // The custom-resource provider's log key stays with its log group (retained, like every log group).
      expect([id, (resource as any).DeletionPolicy]).toEqual([id, id.startsWith('SageMakerConstructsProviderLogKey') ? 'Retain' : 'Delete']);
    }
  });

  test('context is validated', () => {
    expect(configFromContext(() => undefined)).toEqual(DEFAULT_CONFIG);
    expect(configFromContext((k) => ({ stage: 'prod', retention: 'destroy', profile: 'lean' } as any)[k])).toEqual({ stage: 'prod', retention: 'destroy', profile: 'lean', alertEmail: undefined, notebook: false, labeling: false });
    expect(configFromContext((k) => ({ notebook: 'true', labeling: true } as any)[k])).toEqual(expect.objectContaining({ notebook: true, labeling: true }));
    expect(() => configFromContext((k) => (k === 'notebook' ? 'yes' : undefined))).toThrow(/invalid context notebook 'yes': use 'true' or 'false'/);
    expect(() => configFromContext((k) => (k === 'profile' ? 'tiny' : undefined))).toThrow(/invalid context profile 'tiny': use 'standard' or 'lean'/);
    expect(() => configFromContext((k) => (k === 'alertEmail' ? 'nope' : undefined))).toThrow(/invalid context alertEmail 'nope'/);
    expect(() => configFromContext((k) => (k === 'stage' ? 'Prod_1' : undefined))).toThrow(/invalid context stage 'Prod_1'/);
    expect(() => configFromContext((k) => (k === 'retention' ? 'keep' : undefined))).toThrow(/invalid context retention 'keep': use 'retain' or 'destroy'/);
  });
});
