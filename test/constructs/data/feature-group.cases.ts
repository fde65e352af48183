import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  DataBucket, DataBucketEncryption, FeatureDefinition, FeatureGroup, FeatureGroupProps, FeatureGroupThroughputMode, FeatureType,
  OfflineStoreTableFormat, OnlineStoreStorageType,
} from '../../../constructs';
import { LeastPrivilegeRole } from '../../../constructs/private/role';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

const FEATURES: FeatureDefinition[] = [
  { featureName: 'customer_id', featureType: FeatureType.STRING },
  { featureName: 'event_time', featureType: FeatureType.FRACTIONAL },
  { featureName: 'tenure_months', featureType: FeatureType.INTEGRAL },
  { featureName: 'monthly-charges', featureType: FeatureType.FRACTIONAL },
];
const BASE: FeatureGroupProps = { features: FEATURES, recordIdentifierFeatureName: 'customer_id', eventTimeFeatureName: 'event_time' };

function group(stack: Stack, props: Partial<FeatureGroupProps> = {}, id = 'Features'): FeatureGroup {
  return new FeatureGroup(stack, id, { ...BASE, ...props });
}

function featureGroupResource(stack: Stack): any {
  const resources = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::FeatureGroup'));
  expect(resources).toHaveLength(1);
  return resources[0];
}

/** Every statement of the managed policies whose description names `path`. */
function policyOf(stack: Stack, path: string): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy'))
    .filter((p: any) => p.Properties.Description.includes(path))
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function actionsOf(statements: any[]): string[] {
  return statements.flatMap((s) => [].concat(s.Action)).sort();
}

function grantee(stack: Stack, id = 'Grantee'): LeastPrivilegeRole {
  return new LeastPrivilegeRole(stack, id, { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test grantee' });
}

describe('FeatureGroup', () => {
  test('defaults: online store (Standard) with a key of its own, no offline store, no role, retained, generated name', () => {
    const stack = plainStack();
    const fg = group(stack);
    const r = featureGroupResource(stack);
    expect(r.DeletionPolicy).toBe('Retain');
    expect(r.UpdateReplacePolicy).toBe('Retain');
    expect(r.Properties).toEqual({
      FeatureGroupName: expect.stringMatching(/^test-features-[a-z0-9]+$/),
      FeatureDefinitions: FEATURES.map((f) => ({ FeatureName: f.featureName, FeatureType: f.featureType })),
      RecordIdentifierFeatureName: 'customer_id',
      EventTimeFeatureName: 'event_time',
      OnlineStoreConfig: {
        EnableOnlineStore: true,
        SecurityConfig: { KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^FeaturesOnlineStoreKey/), 'Arn'] } },
        StorageType: 'Standard',
      },
    });
    Template.fromStack(stack).hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    Template.fromStack(stack).resourceCountIs('AWS::IAM::Role', 0);
    expect(fg.role).toBeUndefined();
    expect(fg.offlineStoreBucket).toBeUndefined();
    expect(fg.onlineStoreEnabled).toBe(true);
    expect(stack.resolve(fg.featureGroupName)).toEqual({ Ref: expect.stringMatching(/^Features/) });
    expect(stack.resolve(fg.featureGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':feature-group/', { Ref: expect.stringMatching(/^Features/) }]] });
  });

  test('offline store: the prefix of a DataBucket encrypted with its key; the role writes only there and updates only the Glue table', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const fg = group(stack, { featureGroupName: 'churn-features', offlineStore: { bucket: data } });
    const r = featureGroupResource(stack);
    expect(r.Properties.OfflineStoreConfig).toEqual({
      S3StorageConfig: {
        S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/feature-store/churn-features/']] },
        KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] },
      },
      TableFormat: 'Glue',
    });
    expect(r.Properties.RoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FeaturesRole/), 'Arn'] });
    expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^FeaturesRolePolicy/)]));
    expect(fg.offlineStorePrefix).toBe('feature-store/churn-features/');
    expect(fg.offlineStoreDatabaseName).toBe('sagemaker_featurestore');
    const statements = policyOf(stack, 'Test/Features/Role');
    expect(actionsOf(statements)).toEqual([
      'glue:GetTable', 'glue:UpdateTable',
      'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey',
      's3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetBucketAcl', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:PutObject', 's3:PutObjectAcl', 's3:PutObjectTagging',
    ]);
    const text = JSON.stringify(stack.resolve(statements));
    expect(text).toContain('/feature-store/churn-features/*');
    expect(text).toContain('/feature-store/churn-features/*/metadata/*');
    expect(text).toContain(':table/sagemaker_featurestore/*');
    expect(text).not.toMatch(/"Resource":"\*"/);
  });

  test('offline store options: Iceberg, a named Glue table, a prefix; online store off', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data', { encryption: DataBucketEncryption.S3_MANAGED });
    const fg = group(stack, {
      onlineStore: { enabled: false },
      offlineStore: { bucket: data, prefix: 'features', tableFormat: OfflineStoreTableFormat.ICEBERG, dataCatalog: { databaseName: 'ml', tableName: 'churn' } },
    });
    const r = featureGroupResource(stack);
    expect(r.Properties.OnlineStoreConfig).toBeUndefined();
    expect(r.Properties.OfflineStoreConfig).toEqual({
      S3StorageConfig: { S3Uri: { 'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^Data/) }, '/features/']] } },
      TableFormat: 'Iceberg',
      DataCatalogConfig: { Catalog: 'AwsDataCatalog', Database: 'ml', TableName: 'churn' },
    });
    expect(fg.onlineStoreEncryptionKey).toBeUndefined();
    expect(fg.offlineStoreTableName).toBe('churn');
    expect(JSON.stringify(stack.resolve(policyOf(stack, 'Test/Features/Role')))).toContain(':table/ml/churn');
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
  });

  test('disableGlueTableCreation without a named table: no Glue permissions for the role', () => {
    const stack = plainStack();
    group(stack, { offlineStore: { bucket: new DataBucket(stack, 'Data'), disableGlueTableCreation: true } });
    expect(featureGroupResource(stack).Properties.OfflineStoreConfig.DisableGlueTableCreation).toBe(true);
    expect(actionsOf(policyOf(stack, 'Test/Features/Role')).filter((a) => a.startsWith('glue:'))).toEqual([]);
  });

  test('TTL in the largest exact unit; storage type, own key, throughput, description, tags, DESTROY', () => {
    const stack = plainStack();
    const key = new kms.Key(stack, 'Key');
    group(stack, { onlineStore: { ttl: Duration.days(14), encryptionKey: key } }, 'A');
    group(stack, { onlineStore: { ttl: Duration.hours(36), storageType: OnlineStoreStorageType.IN_MEMORY } }, 'B');
    group(stack, { onlineStore: { ttl: Duration.seconds(90) }, throughputMode: FeatureGroupThroughputMode.PROVISIONED, provisionedReadCapacityUnits: 10, provisionedWriteCapacityUnits: 5 }, 'C');
    group(stack, { onlineStore: { ttl: Duration.seconds(new CfnParameter(stack, 'Ttl', { type: 'Number' }).valueAsNumber) }, description: 'churn', tags: { team: 'ml' }, removalPolicy: RemovalPolicy.DESTROY }, 'D');
    const byId = (id: string) => Object.entries(Template.fromStack(stack).findResources('AWS::SageMaker::FeatureGroup')).find(([k]) => k.startsWith(id))![1] as any;
    expect(byId('A').Properties.OnlineStoreConfig).toEqual({ EnableOnlineStore: true, SecurityConfig: { KmsKeyId: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } }, StorageType: 'Standard', TtlDuration: { Unit: 'Weeks', Value: 2 } });
    expect(byId('B').Properties.OnlineStoreConfig).toEqual(expect.objectContaining({ StorageType: 'InMemory', TtlDuration: { Unit: 'Hours', Value: 36 } }));
    expect(byId('C').Properties.OnlineStoreConfig.TtlDuration).toEqual({ Unit: 'Seconds', Value: 90 });
    expect(byId('C').Properties.ThroughputConfig).toEqual({ ThroughputMode: 'Provisioned', ProvisionedReadCapacityUnits: 10, ProvisionedWriteCapacityUnits: 5 });
    const d = byId('D');
    expect(d.Properties.OnlineStoreConfig.TtlDuration).toEqual({ Unit: 'Seconds', Value: { Ref: 'Ttl' } });
    expect(d.Properties.Description).toBe('churn');
    expect(d.Properties.Tags).toEqual([{ Key: 'team', Value: 'ml' }]);
    expect(d.DeletionPolicy).toBe('Delete');
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 4);
  });

  test('grantIngest and grantRead: the record actions on the group and kms:Decrypt on the online store key', () => {
    const stack = plainStack();
    const fg = group(stack, { featureGroupName: 'churn' });
    fg.grantIngest(grantee(stack, 'Ingest'));
    fg.grantRead(grantee(stack, 'Read'));
    const ingest = policyOf(stack, 'Test/Ingest');
    expect(actionsOf(ingest)).toEqual(['kms:Decrypt', 'sagemaker:DeleteRecord', 'sagemaker:DescribeFeatureGroup', 'sagemaker:PutRecord']);
    expect(stack.resolve(ingest[0].Resource)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':feature-group/', { Ref: expect.stringMatching(/^Features/) }]] });
    expect(ingest[1]).toEqual({ Effect: 'Allow', Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^FeaturesOnlineStoreKey/), 'Arn'] } });
    expect(actionsOf(policyOf(stack, 'Test/Read'))).toEqual(['kms:Decrypt', 'sagemaker:BatchGetRecord', 'sagemaker:DescribeFeatureGroup', 'sagemaker:GetRecord']);
  });

  test('grantQuery: the offline prefix and key, the Glue table, the Athena workgroup, and the results location', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    const results = new DataBucket(stack, 'Results');
    const fg = group(stack, { offlineStore: { bucket: data, prefix: 'fs/', dataCatalog: { databaseName: 'ml', tableName: 'churn' } } });
    fg.grantQuery(grantee(stack), { workGroupName: 'analysts', resultsBucket: results, resultsPrefix: 'athena' });
    const statements = policyOf(stack, 'Test/Grantee');
    expect(actionsOf(statements)).toEqual(expect.arrayContaining([
      'athena:GetQueryExecution', 'athena:GetQueryResults', 'athena:GetWorkGroup', 'athena:StartQueryExecution', 'athena:StopQueryExecution',
      'glue:BatchGetPartition', 'glue:GetDatabase', 'glue:GetPartition', 'glue:GetPartitions', 'glue:GetTable', 'glue:GetTables',
      'kms:Decrypt', 'kms:DescribeKey', 's3:GetObject', 's3:ListBucket', 'sagemaker:DescribeFeatureGroup', 's3:PutObject',
    ]));
    expect(actionsOf(statements)).not.toContain('sagemaker:PutRecord');
    const text = JSON.stringify(stack.resolve(statements));
    expect(text).toContain(':workgroup/analysts');
    expect(text).toContain(':table/ml/churn');
    expect(text).toContain('"/fs/*"');
    expect(text).toContain('"/athena/*"');
    expect(statements).toContainEqual(expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['fs/', 'fs/*'] } } }));
  });

  test('imports: by name, by ARN (its account and region), by attributes with the online key and offline store', () => {
    const stack = plainStack();
    const byName = FeatureGroup.fromFeatureGroupName(stack, 'ByName', 'churn');
    expect(stack.resolve(byName.featureGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':feature-group/churn']] });
    expect(byName.featureGroupRef.featureGroupName).toBe('churn');
    const byArn = FeatureGroup.fromFeatureGroupArn(stack, 'ByArn', 'arn:aws:sagemaker:eu-west-1:111122223333:feature-group/churn_v2');
    expect(byArn.featureGroupName).toBe('churn_v2');
    expect(byArn.env).toEqual({ account: '111122223333', region: 'eu-west-1' });
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const data = DataBucket.fromBucketName(stack, 'Data', 'my-features');
    const attrs = FeatureGroup.fromFeatureGroupAttributes(stack, 'Attrs', { featureGroupName: 'churn', onlineStoreEncryptionKey: key, offlineStoreBucket: data, offlineStorePrefix: 'fs' });
    expect(attrs.offlineStorePrefix).toBe('fs/');
    const role = grantee(stack);
    attrs.grantRead(role);
    attrs.grantQuery(role);
    const text = JSON.stringify(stack.resolve(policyOf(stack, 'Test/Grantee')));
    expect(text).toContain('arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(text).toContain(':table/sagemaker_featurestore/*');
    expect(text).toContain('/fs/*');
  });

  test('import errors, and grantQuery without an offline store', () => {
    const stack = plainStack();
    expect(() => FeatureGroup.fromFeatureGroupName(stack, 'Bad', 'bad name')).toThrow(/^\[Test\/Bad\] invalid featureGroupName 'bad name' \(length 8\): use 1-64 letters, digits, '-' or '_'/);
    expect(() => FeatureGroup.fromFeatureGroupArn(stack, 'BadArn', 'arn:aws:sagemaker:eu-west-1:111122223333:endpoint/x'))
      .toThrow(/^\[Test\/BadArn\] invalid featureGroupArn '.*endpoint\/x': expected arn:<partition>:sagemaker:<region>:<account>:feature-group\/<name>/);
    expect(() => FeatureGroup.fromFeatureGroupAttributes(stack, 'NoBucket', { featureGroupName: 'x', offlineStorePrefix: 'fs/', offlineStoreTableName: 't' }))
      .toThrow(/^\[Test\/NoBucket\] 2 problems in FeatureGroup attributes:\n {2}- offlineStorePrefix was given without offlineStoreBucket.*\n {2}- offlineStoreTableName was given without offlineStoreBucket/);
    expect(() => FeatureGroup.fromFeatureGroupName(stack, 'Online', 'x').grantQuery(grantee(stack)))
      .toThrow(/^\[Test\/Online\] grantQuery: this feature group has no offline store that this app knows of/);
    const fg = group(stack, { offlineStore: { bucket: new DataBucket(stack, 'Data') } });
    expect(() => fg.grantQuery(grantee(stack, 'G2'), { workGroupName: 'no spaces', resultsPrefix: '/abs' }))
      .toThrow(/^\[Test\/Features\] 3 problems in grantQuery options:\n {2}- invalid workGroupName 'no spaces': use 1-128 letters.*\n {2}- resultsPrefix was given without resultsBucket.*\n {2}- invalid resultsPrefix '\/abs': use a key prefix without a leading '\/' or '\*'/);
  });

  test('feature definition errors, reported together', () => {
    const features: FeatureDefinition[] = [
      { featureName: 'customer_id', featureType: FeatureType.STRING },
      { featureName: 'customer_id', featureType: FeatureType.STRING },
      { featureName: '_bad', featureType: FeatureType.STRING },
      { featureName: 'a'.repeat(65), featureType: FeatureType.STRING },
      { featureName: 'Write_Time', featureType: FeatureType.STRING },
      { featureName: 'when', featureType: FeatureType.INTEGRAL },
      { featureName: 'x', featureType: 'Boolean' as FeatureType },
    ];
    expect(() => group(plainStack(), { featureGroupName: 'Bad Name', features, recordIdentifierFeatureName: 'id', eventTimeFeatureName: 'when' })).toThrow(new RegExp([
      '^\\[Test/Features\\] 8 problems in FeatureGroup props:',
      "  - invalid featureGroupName 'Bad Name' \\(length 8\\): use 1-64 letters, digits, '-' or '_', starting and ending with a letter or digit",
      "  - the feature 'customer_id' is defined twice: feature names are unique in a group",
      "  - invalid features\\[2\\].featureName '_bad' \\(length 4\\): use 1-64 letters.*",
      "  - invalid features\\[3\\].featureName 'a{65}' \\(length 65\\).*",
      "  - features\\[4\\].featureName 'Write_Time' is reserved: the offline store adds the columns is_deleted, write_time, api_invocation_time to every record",
      "  - invalid features\\[6\\].featureType 'Boolean' of 'x': use one of Integral, Fractional, String",
      "  - recordIdentifierFeatureName 'id' is not one of the features \\(customer_id, customer_id, _bad, a+, Write_Time, when, x\\)",
      "  - the event time feature 'when' is Integral: use FeatureType.STRING \\(an ISO-8601 time\\) or FeatureType.FRACTIONAL \\(seconds since the Unix epoch\\)$",
    ].join('\n')));
  });

  test('feature count, a missing event time, case-only duplicates with an offline store', () => {
    expect(() => group(plainStack(), { features: [], recordIdentifierFeatureName: 'id', eventTimeFeatureName: 't' }))
      .toThrow(/^\[Test\/Features\] 3 problems in FeatureGroup props:\n {2}- features has 0 entries: a feature group has 1 to 2500 features\n {2}- recordIdentifierFeatureName 'id' is not one of the features \(none\)\n {2}- eventTimeFeatureName 't' is not one of the features \(none\)$/);
    const many = Array.from({ length: 2501 }, (_, i) => ({ featureName: `f${i}`, featureType: FeatureType.FRACTIONAL }));
    expect(() => group(plainStack(), { features: many, recordIdentifierFeatureName: 'f0', eventTimeFeatureName: 'f1' }))
      .toThrow(/^\[Test\/Features\] features has 2501 entries: a feature group has 1 to 2500 features$/);
    const cased = [...FEATURES, { featureName: 'Tenure_Months', featureType: FeatureType.INTEGRAL }];
    expect(() => group(plainStack(), { features: cased })).not.toThrow();
    const stack = plainStack();
    expect(() => group(stack, { features: cased, offlineStore: { bucket: new DataBucket(stack, 'Data') } }))
      .toThrow(/^\[Test\/Features\] the features 'tenure_months' and 'Tenure_Months' differ only by case: the offline store's Glue columns are case-insensitive$/);
  });

  test('store combinations the service refuses', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    expect(() => group(stack, { onlineStore: { enabled: false, ttl: Duration.days(1), storageType: OnlineStoreStorageType.STANDARD } }, 'NoStore')).toThrow(new RegExp([
      '^\\[Test/NoStore\\] 3 problems in FeatureGroup props:',
      '  - onlineStore.enabled is false and there is no offlineStore: a feature group needs at least one of them',
      '  - onlineStore.storageType was given with onlineStore.enabled false: it applies to an online store only',
      '  - onlineStore.ttl was given with onlineStore.enabled false: it applies to an online store only$',
    ].join('\n')));
    expect(() => group(stack, { onlineStore: { storageType: OnlineStoreStorageType.IN_MEMORY }, offlineStore: { bucket: data }, throughputMode: FeatureGroupThroughputMode.PROVISIONED }, 'InMemory')).toThrow(new RegExp([
      '^\\[Test/InMemory\\] 2 problems in FeatureGroup props:',
      '  - onlineStore.storageType InMemory was given with an offlineStore: Feature Store does not replicate an InMemory online store.*',
      '  - throughputMode PROVISIONED was given with an InMemory online store: provisioned throughput is supported only for offline-only groups and Standard online stores$',
    ].join('\n')));
    expect(() => group(stack, { provisionedReadCapacityUnits: 5, provisionedWriteCapacityUnits: 1.5 }, 'Units')).toThrow(new RegExp([
      '^\\[Test/Units\\] 3 problems in FeatureGroup props:',
      "  - provisionedReadCapacityUnits was given with throughputMode 'undefined \\(on demand\\)': capacity units apply to FeatureGroupThroughputMode.PROVISIONED only",
      "  - provisionedWriteCapacityUnits was given with throughputMode 'undefined \\(on demand\\)'.*",
      '  - invalid provisionedWriteCapacityUnits 1.5: use a whole number from 0 to 10000000$',
    ].join('\n')));
    expect(() => group(stack, { onlineStore: { enabled: false }, offlineStore: { bucket: data }, throughputMode: FeatureGroupThroughputMode.PROVISIONED, provisionedReadCapacityUnits: 1 }, 'OfflineRead'))
      .toThrow(/^\[Test\/OfflineRead\] provisionedReadCapacityUnits was given for a group without an online store: read capacity applies to the online store only$/);
  });

  test('TTL, description, prefix, catalog and tag errors', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    expect(() => group(stack, { onlineStore: { ttl: Duration.millis(1500) }, description: 'd'.repeat(129), tags: { 'aws:x': 'y' } }, 'A')).toThrow(new RegExp([
      '^\\[Test/A\\] 3 problems in FeatureGroup props:',
      '  - description is 129 characters long: at most 128',
      "  - tags key 'aws:x' uses the reserved prefix 'aws:'",
      '  - invalid onlineStore.ttl 1 second 500 millis: use a whole number of seconds, 1 or more$',
    ].join('\n')));
    expect(() => group(stack, { onlineStore: { ttl: Duration.millis(new CfnParameter(stack, 'Ms', { type: 'Number' }).valueAsNumber) } }, 'B'))
      .toThrow(/^\[Test\/B\] onlineStore.ttl is a deploy-time value in milliseconds: give it as Duration.seconds\(\), minutes\(\), hours\(\) or days\(\) of the token$/);
    expect(() => group(stack, { onlineStore: { ttl: Duration.seconds(2_147_483_647 * 7 + 1) } }, 'C'))
      .toThrow(/^\[Test\/C\] invalid onlineStore.ttl .*: too long for TtlDuration \(at most 2147483647 of its unit\)$/);
    expect(() => group(stack, { offlineStore: { bucket: data, prefix: '/fs', dataCatalog: { databaseName: '', tableName: 't'.repeat(256) } } }, 'D')).toThrow(new RegExp([
      '^\\[Test/D\\] 3 problems in FeatureGroup props:',
      "  - invalid offlineStore.prefix '/fs': use a key prefix without a leading '/' or '\\*'.*",
      "  - invalid offlineStore.dataCatalog.databaseName '' \\(length 0\\): use 1-255 characters",
      "  - invalid offlineStore.dataCatalog.tableName 't{117}...' \\(length 256\\): use 1-255 characters$",
    ].join('\n')));
    expect(() => group(stack, { offlineStore: { bucket: data, prefix: 'p'.repeat(1020) } }, 'E'))
      .toThrow(/^\[Test\/E\] the offline store's S3 URI is at least 1030 bytes long: at most 1024; shorten offlineStore.prefix$/);
  });

  test('tokens pass unchecked', () => {
    const stack = plainStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const feature = new CfnParameter(stack, 'Feature').valueAsString;
    expect(() => group(stack, { featureGroupName: name, features: [...FEATURES, { featureName: feature, featureType: FeatureType.STRING }], recordIdentifierFeatureName: feature, description: new CfnParameter(stack, 'D').valueAsString })).not.toThrow();
  });

  test('valid with cdk-nag and CloudFormation validation: online and offline stores, with grants', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const fg = group(stack, { offlineStore: { bucket: data, tableFormat: OfflineStoreTableFormat.ICEBERG }, onlineStore: { ttl: Duration.days(30) } });
    const role = grantee(stack);
    fg.grantIngest(role);
    fg.grantRead(role);
    fg.grantQuery(role, { resultsBucket: data });
    expectNoFindings(stack);
  });
});
