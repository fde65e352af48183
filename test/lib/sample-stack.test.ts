import * as fs from 'fs';
import * as path from 'path';
import { Token } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SnapshotNormalizer } from '../../constructs';
import { configFromContext, DEFAULT_CONFIG } from '../../lib/config';
import { SageMakerLifecycleStack } from '../../lib/sagemaker-lifecycle-stack';
import { acknowledgements, testApp, validationFindings } from '../support/validity';

function sample(config = DEFAULT_CONFIG) {
  const app = testApp();
  const stack = new SageMakerLifecycleStack(app, `SageMakerLifecycle-${config.stage}`, { config });
  return { app, stack };
}

describe('sample lifecycle stack', () => {
  const { app, stack } = sample();
  const findings = validationFindings(app);
  const template = Template.fromStack(stack);

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

  test('snapshot (asset hashes normalized)', () => {
    expect(SnapshotNormalizer.normalizeTemplate(template.toJSON())).toMatchSnapshot();
  });
});

describe('sample config', () => {
  test('destroy retention deletes stateful resources', () => {
    const { stack } = sample({ stage: 'test', retention: 'destroy' });
    const template = Template.fromStack(stack);
    for (const resource of Object.values(template.findResources('AWS::KMS::Key'))) expect((resource as any).DeletionPolicy).toBe('Delete');
  });

  test('context is validated', () => {
    expect(configFromContext(() => undefined)).toEqual(DEFAULT_CONFIG);
    expect(configFromContext((k) => ({ stage: 'prod', retention: 'destroy' } as any)[k])).toEqual({ stage: 'prod', retention: 'destroy' });
    expect(() => configFromContext((k) => (k === 'stage' ? 'Prod_1' : undefined))).toThrow(/invalid context stage 'Prod_1'/);
    expect(() => configFromContext((k) => (k === 'retention' ? 'keep' : undefined))).toThrow(/invalid context retention 'keep': use 'retain' or 'destroy'/);
  });
});
