import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import * as s3_assets from 'aws-cdk-lib/aws-s3-assets';
import { DataBucket, DataBucketEncryption, DataSeed } from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const SOURCE = path.join(__dirname, '../../../lib/data/churn-train.csv');

/** The statements of the stack provider's role (its customer-managed policies). */
function providerStatements(template: Template): any[] {
  const roles = template.findResources('AWS::IAM::Role', { Properties: { Description: 'Runs the SageMaker constructs custom-resource handlers' } });
  expect(Object.keys(roles)).toHaveLength(1);
  const policies = Object.values<any>(template.findResources('AWS::IAM::ManagedPolicy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: Object.keys(roles)[0] }]));
  expect(policies.length).toBeGreaterThan(0);
  return policies.flatMap((p) => p.Properties.PolicyDocument.Statement);
}

describe('DataSeed', () => {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');
  const seed = new DataSeed(stack, 'Seed', { bucket: data, key: 'raw/churn/churn-train.csv', source: SOURCE });
  new DataSeed(stack, 'Removed', { bucket: data, key: 'raw/churn/churn-validation.csv', source: SOURCE, removeOnDelete: true });
  const json = Template.fromStack(stack).toJSON();
  const template = Template.fromStack(stack);
  const asset = seed.node.findChild('Asset') as s3_assets.Asset;
  const seeds = Object.entries<any>(json.Resources).filter(([, r]) => r.Type === 'Custom::SageMakerDataSeed');
  const dataBucketId = stack.getLogicalId(data.bucket.node.defaultChild as any);
  const statements = providerStatements(template);

  test('a Custom::SageMakerDataSeed copies the file asset to the data bucket', () => {
    expect(seeds).toHaveLength(2);
    const [, resource] = seeds.find(([id]) => id.startsWith('Seed'))!;
    expect(resource.Properties).toEqual({
      ServiceToken: { 'Fn::GetAtt': [expect.stringMatching(/^SageMakerConstructsProvider/), 'Arn'] },
      SourceBucket: { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' },
      SourceKey: expect.stringMatching(/^[0-9a-f]{64}\.csv$/),
      DestinationBucket: { Ref: dataBucketId },
      DestinationKey: 'raw/churn/churn-train.csv',
      RemoveOnDelete: 'false',
    });
    expect(resource.Properties.SourceKey).toBe(asset.s3ObjectKey);
    expect(asset.isFile).toBe(true);
  });

  test("RemoveOnDelete is 'true' when asked", () => {
    const [, resource] = seeds.find(([id]) => id.startsWith('Removed'))!;
    expect(resource.Properties.RemoveOnDelete).toBe('true');
    expect(resource.Properties.DestinationKey).toBe('raw/churn/churn-validation.csv');
  });

  test("the custom resource waits for the policies holding the seed's grants, not for the whole provider", () => {
    const policyIds = Object.keys(json.Resources).filter((id) => json.Resources[id].Type === 'AWS::IAM::ManagedPolicy' && id.startsWith('SageMakerConstructsProviderHandlerRolePolicy'));
    for (const [, resource] of seeds) {
      const deps: string[] = resource.DependsOn;
      expect(deps).toEqual(expect.arrayContaining([expect.stringMatching(/^SageMakerConstructsProviderHandlerRolePolicy/)]));
      // every policy it waits for grants something on the asset, the destination or its key
      for (const d of deps.filter((x) => policyIds.includes(x))) {
        expect(JSON.stringify(json.Resources[d].Properties.PolicyDocument)).toMatch(/cdk-hnb659fds-assets|Data|DataKey/);
        expect(JSON.stringify(json.Resources[d].Properties.PolicyDocument)).not.toContain('logs:');
      }
    }
  });

  test("the provider's role reads exactly the asset object", () => {
    // One statement reads the seeds' asset objects (the role merges statements that differ only by resources).
    const reads = statements.filter((s) => ([] as string[]).concat(s.Action).includes('s3:GetObject'));
    expect(reads).toHaveLength(1);
    expect(reads[0].Action).toEqual(['s3:GetObject', 's3:GetObjectTagging']);
    const resources = ([] as unknown[]).concat(reads[0].Resource);
    expect(resources).toContainEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::', { 'Fn::Sub': 'cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}' }, `/${asset.s3ObjectKey}`]],
    });
    // every one an exact object of the assets bucket, no wildcard
    for (const r of resources) expect(JSON.stringify(r)).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.csv"\]\]\}$/);
  });

  test("the provider's role writes, tags, reads the tags of and deletes exactly the seeded objects, and uses the bucket's key", () => {
    const writes = statements.filter((s) => ([] as string[]).concat(s.Action).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(([] as string[]).concat(writes[0].Action)).toEqual(['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject', 's3:GetObjectTagging']);
    expect(writes[0].Resource).toEqual([
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataBucketId, 'Arn'] }, '/raw/churn/churn-train.csv']] },
      { 'Fn::Join': ['', [{ 'Fn::GetAtt': [dataBucketId, 'Arn'] }, '/raw/churn/churn-validation.csv']] },
    ]);
    expect(statements).toContainEqual({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
    });
    // Nothing else on the data bucket: no read, no list, no folder.
    const onData = statements.filter((s) => JSON.stringify(s.Resource).includes(dataBucketId));
    expect(onData).toEqual(writes);
    expect(JSON.stringify(onData)).not.toContain('*');
  });

  test('attributes', () => {
    expect(seed.key).toBe('raw/churn/churn-train.csv');
    expect(stack.resolve(seed.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: dataBucketId }, '/raw/churn/churn-train.csv']] });
  });
});

describe('DataSeed options', () => {
  test('a key at the root of the bucket: the provider writes that object only, not the whole bucket', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    new DataSeed(stack, 'Seed', { bucket: data, key: 'churn.csv', source: SOURCE });
    const writes = providerStatements(Template.fromStack(stack)).filter((s) => ([] as string[]).concat(s.Action).includes('s3:PutObject'));
    expect(writes).toHaveLength(1);
    expect(writes[0].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/churn.csv']] });
    expect(([] as string[]).concat(writes[0].Action)).toEqual(expect.arrayContaining(['s3:PutObject', 's3:PutObjectTagging', 's3:DeleteObject', 's3:GetObjectTagging']));
    expect(providerStatements(Template.fromStack(stack))).toContainEqual(expect.objectContaining({
      Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
    }));
  });

  test('an S3-managed bucket: no KMS grant', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data', { encryption: DataBucketEncryption.S3_MANAGED });
    new DataSeed(stack, 'Seed', { bucket: data, key: 'raw/churn.csv', source: SOURCE });
    const statements = providerStatements(Template.fromStack(stack));
    expect(JSON.stringify(statements)).not.toContain('kms:');
    expect(statements.filter((s) => ([] as string[]).concat(s.Action).includes('s3:PutObject'))).toHaveLength(1);
  });
});

describe('DataSeed bad input fails at synth', () => {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');

  test.each([
    ['starting with /', '/raw/churn.csv'],
    ['ending with /', 'raw/churn/'],
    ['empty', ''],
    ['over 1024 characters', `raw/${'x'.repeat(1021)}`],
  ])('a key %s', (_, key) => {
    expect(() => new DataSeed(stack, `Seed${_.replace(/\W/g, '')}`, { bucket: data, key, source: SOURCE }))
      .toThrow(/^\[Test\/Seed\w*\] invalid key '.*' \(\d+ bytes\): use an object key of 1-1024 UTF-8 bytes, not starting or ending with '\/'/);
  });

  test('a source over 5 GiB (the single CopyObject limit)', () => {
    // a sparse file: its size is known without writing 5 GiB
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'data-seed-'));
    const big = path.join(dir, 'big.csv');
    try {
      fs.writeFileSync(big, '');
      fs.truncateSync(big, 5 * 1024 ** 3 + 1);
      expect(() => new DataSeed(stack, 'Big', { bucket: data, key: 'raw/big.csv', source: big }))
        .toThrow(/^\[Test\/Big\] source 'big.csv' is 5368709121 bytes: DataSeed copies with a single S3 CopyObject, at most 5 GiB/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a directory as source', () => {
    expect(() => new DataSeed(stack, 'Dir', { bucket: data, key: 'raw/data.csv', source: path.join(__dirname, '../../../lib/data') }))
      .toThrow(/^\[Test\/Dir\] source 'data' is a directory: DataSeed copies a single file/);
  });
});

describe('DataSeed validity', () => {
  test('a stack with a DataBucket and a DataSeed has no cdk-nag or CloudFormation validation finding', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    new DataSeed(stack, 'Seed', { bucket: data, key: 'raw/churn/churn-train.csv', source: SOURCE, removeOnDelete: true });
    expectNoFindings(stack);
  });
});

describe('the stack provider (through DataSeed)', () => {
  const stack = plainStack();
  new DataSeed(stack, 'Seed', { bucket: new DataBucket(stack, 'Data'), key: 'raw/x.csv', source: SOURCE });
  const template = Template.fromStack(stack);

  test('its log group is encrypted with a retained, rotating key of its own', () => {
    const [group] = Object.values<any>(template.findResources('AWS::Logs::LogGroup'));
    expect(group.Properties.KmsKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SageMakerConstructsProviderLogKey/), 'Arn'] });
    const [, key] = Object.entries<any>(template.findResources('AWS::KMS::Key')).find(([id]) => id.startsWith('SageMakerConstructsProviderLogKey'))!;
    expect(key.DeletionPolicy).toBe('Retain');
    expect(key.Properties.EnableKeyRotation).toBe(true);
  });

  test('the waiter state machine is traced with X-Ray', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', { TracingConfiguration: { Enabled: true } });
  });

  test('every function carries its cfn-guard waiver, with a reason, in its own metadata', () => {
    const functions = Object.values<any>(template.findResources('AWS::Lambda::Function'));
    expect(functions.length).toBeGreaterThanOrEqual(5);
    for (const f of functions) {
      expect(f.Metadata.guard.SuppressedRules).toEqual(['lambda_inside_vpc_check']);
      expect(f.Metadata.guard.SuppressedRulesReasons.lambda_inside_vpc_check).toMatch(/control-plane APIs/);
    }
  });
});
