import { SnapshotNormalizer } from '../../constructs';

test('normalizeTemplate replaces asset hashes and drops version-dependent parts', () => {
  const hash = 'a'.repeat(64);
  const template = {
    Parameters: { BootstrapVersion: { Type: 'String' } },
    Rules: { CheckBootstrapVersion: {} },
    Conditions: { CDKMetadataAvailable: {} },
    Resources: {
      CDKMetadata: { Type: 'AWS::CDK::Metadata' },
      Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: `${hash}.zip` } } },
    },
  };
  expect(SnapshotNormalizer.normalizeTemplate(template)).toEqual({
    Resources: { Fn: { Type: 'AWS::Lambda::Function', Properties: { Code: { S3Key: 'ASSET-HASH.zip' } } } },
  });
  expect(template.Resources.CDKMetadata).toBeDefined();
  expect(SnapshotNormalizer.normalizeTemplate(template, { keepCdkMetadata: true, keepBootstrapVersion: true, hashPlaceholder: 'H' }).Resources.Fn.Properties.Code.S3Key).toBe('H.zip');
});
