import { CfnParameter, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as events_targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { DataBucket, DataBucketEncryption, ModelApprovalStatus, ModelRegistry } from '../../../constructs';
import { LeastPrivilegeRole } from '../../../constructs/private/role';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

function statements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

/** The statements of the one `type` resource's policy `property` (a bucket policy: the data bucket's, not its log bucket's). */
function resourcePolicy(stack: Stack, type: string, property: string): any[] {
  const resources = (Object.values(Template.fromStack(stack).findResources(type)) as any[])
    .filter((r) => !/AccessLogs/.test(JSON.stringify(r.Properties.Bucket ?? '')));
  expect(resources).toHaveLength(1);
  return resources[0].Properties[property].Statement;
}

const ROOT_111 = { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } };

function warnings(stack: Stack, id: string): string[] {
  return Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(`\\[ack: sagemaker-lifecycle-constructs:${id}\\]`)).map((w) => String(w.entry.data));
}

/** A registry that knows its artifacts (a DataBucket with its key) and image repository. */
function sharingStack() {
  const stack = plainStack();
  const data = new DataBucket(stack, 'Data');
  const repo = new ecr.Repository(stack, 'Repo');
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn', artifactsBucket: data, artifactsPrefix: 'models', imageRepositories: [repo] });
  return { stack, data, repo, registry };
}

describe('ModelRegistry', () => {
  test('defaults: a generated lower-case name that meets the SageMaker rule, retained', () => {
    const stack = plainStack('My-Stack');
    const registry = new ModelRegistry(stack, 'Registry');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: registry.modelPackageGroupName },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(registry.modelPackageGroupName).toMatch(/^[a-z0-9](-*[a-z0-9])*$/);
    expect(registry.modelPackageGroupName.length).toBeLessThanOrEqual(63);
    expect(registry.modelPackageGroupName).toContain('mystack-registry');
    expect(template.toJSON().Resources[Object.keys(template.findResources('AWS::SageMaker::ModelPackageGroup'))[0]].Properties.ModelPackageGroupPolicy).toBeUndefined();
  });

  test('generated names are deterministic and differ per stack copy', () => {
    const a = new ModelRegistry(plainStack('StackA'), 'Registry').modelPackageGroupName;
    const a2 = new ModelRegistry(plainStack('StackA'), 'Registry').modelPackageGroupName;
    const b = new ModelRegistry(plainStack('StackB'), 'Registry').modelPackageGroupName;
    expect(a).toBe(a2);
    expect(a).not.toBe(b);
  });

  test('name, description, tags and DESTROY', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'Churn-Model', description: 'churn', tags: { team: 'ml' }, removalPolicy: RemovalPolicy.DESTROY });
    Template.fromStack(stack).hasResource('AWS::SageMaker::ModelPackageGroup', {
      Properties: { ModelPackageGroupName: 'Churn-Model', ModelPackageGroupDescription: 'churn', Tags: [{ Key: 'team', Value: 'ml' }] },
      DeletionPolicy: 'Delete',
    });
  });

  test('grantRegister: CreateModelPackage on the group and its versions', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' }).grantRegister(role(stack));
    expect(statements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: ['sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:AddTags'],
      Resource: [
        { 'Fn::GetAtt': [Match.stringLikeRegexp('Registry') as any, 'ModelPackageGroupArn'] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package/churn/*']] },
      ].map((r) => expect.objectContaining(r['Fn::GetAtt'] ? { 'Fn::GetAtt': [expect.stringMatching(/Registry/), 'ModelPackageGroupArn'] } : r)),
    });
  });

  test('grantRead: scoped describes plus ListModelPackages (IAM allows it only on *)', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry').grantRead(role(stack));
    const s = statements(stack);
    expect(s).toContainEqual(expect.objectContaining({ Action: ['sagemaker:DescribeModelPackageGroup', 'sagemaker:DescribeModelPackage', 'sagemaker:ListTags'] }));
    expect(s).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:ListModelPackages', Resource: '*' });
  });

  test('grantApprove: UpdateModelPackage on versions only', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' }).grantApprove(role(stack));
    expect(statements(stack)).toContainEqual({
      Effect: 'Allow',
      Action: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'],
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package/churn/*']] },
    });
  });

  test('grantCrossAccount writes the group resource policy', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    registry.grantCrossAccount('111122223333');
    registry.grantCrossAccount('444455556666', { allowApprove: true, allowRegister: true });
    const policy = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::ModelPackageGroup'))[0] as any;
    const doc = policy.Properties.ModelPackageGroupPolicy;
    expect(doc.Version).toBe('2012-10-17');
    expect(doc.Statement).toHaveLength(4);
    expect(doc.Statement[0]).toEqual(expect.objectContaining({
      Sid: 'ShareGroup111122223333',
      Action: 'sagemaker:DescribeModelPackageGroup',
      Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::111122223333:root']] } },
    }));
    expect(doc.Statement[1]).toEqual(expect.objectContaining({ Sid: 'ShareVersions111122223333', Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages'] }));
    expect(doc.Statement[2].Action).toEqual(['sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage']);
    expect(doc.Statement[3].Action).toEqual(['sagemaker:DescribeModelPackage', 'sagemaker:ListModelPackages', 'sagemaker:UpdateModelPackage']);
  });

  test('grantCrossAccount shares the artifacts: bucket policy read under the prefix for the account', () => {
    const { stack, registry } = sharingStack();
    expect(registry.artifactsPrefix).toBe('models/');
    registry.grantCrossAccount('111122223333');
    const bucketStatements = resourcePolicy(stack, 'AWS::S3::BucketPolicy', 'PolicyDocument').filter((st) => JSON.stringify(st.Principal) === JSON.stringify(ROOT_111));
    expect(bucketStatements).toEqual([
      { Effect: 'Allow', Principal: ROOT_111, Action: 's3:GetObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/models/*']] } },
      {
        Effect: 'Allow',
        Principal: ROOT_111,
        Action: 's3:ListBucket',
        Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] },
        Condition: { StringLike: { 's3:prefix': ['models/', 'models/*'] } },
      },
    ]);
  });

  test('grantCrossAccount shares the artifacts key (Decrypt and DescribeKey through S3 only) and pull on the image repositories', () => {
    const { stack, registry } = sharingStack();
    registry.grantCrossAccount('111122223333');
    const keyStatements = resourcePolicy(stack, 'AWS::KMS::Key', 'KeyPolicy').filter((st) => JSON.stringify(st.Principal) === JSON.stringify(ROOT_111));
    expect(keyStatements).toEqual([{
      Effect: 'Allow',
      Principal: ROOT_111,
      Action: ['kms:Decrypt', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } } },
    }]);
    expect(resourcePolicy(stack, 'AWS::ECR::Repository', 'RepositoryPolicyText')).toEqual([{
      Effect: 'Allow',
      Principal: ROOT_111,
      Action: ['ecr:BatchGetImage', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchCheckLayerAvailability'],
    }]);
    expect(warnings(stack, 'crossAccountArtifacts')).toEqual([]);
  });

  test('grantCrossAccount of a registry that does not know its artifacts warns that the account cannot read them', () => {
    const stack = plainStack();
    new ModelRegistry(stack, 'Registry').grantCrossAccount('111122223333');
    const found = warnings(stack, 'crossAccountArtifacts');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/account '111122223333' may describe and deploy the versions of this registry, but cannot read their model data: .*Set artifactsBucket/);
    const quiet = plainStack();
    new ModelRegistry(quiet, 'Registry').grantCrossAccount('111122223333', { shareArtifacts: false });
    expect(warnings(quiet, 'crossAccountArtifacts')).toEqual([]);
  });

  test('grantCrossAccount refuses what it cannot write: an imported bucket, key or repository', () => {
    const stack = plainStack();
    const imported = DataBucket.fromBucketName(stack, 'Imported', 'shared-models');
    expect(() => new ModelRegistry(stack, 'R1', { artifactsBucket: imported }).grantCrossAccount('111122223333'))
      .toThrow(/\[Test\/R1\] cannot share the artifacts in Test\/Imported with account '111122223333': the bucket is imported, so its bucket policy cannot be written here\. .*pass shareArtifacts: false/);
    const withKey = new DataBucket(stack, 'WithKey', { encryptionKey: kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') });
    expect(() => new ModelRegistry(stack, 'R2', { artifactsBucket: withKey }).grantCrossAccount('444455556666'))
      .toThrow(/\[Test\/R2\] cannot share the key Test\/Key of the artifacts in Test\/WithKey with account '444455556666': the key is imported/);
    const repo = ecr.Repository.fromRepositoryName(stack, 'ImportedRepo', 'models');
    expect(() => new ModelRegistry(stack, 'R3', { imageRepositories: [repo] }).grantCrossAccount('111122223333', { shareArtifacts: false }))
      .toThrow(/\[Test\/R3\] cannot share the image repository Test\/ImportedRepo with account '111122223333': it is imported, .*pass shareImages: false/);
    expect(() => new ModelRegistry(stack, 'R4', { artifactsBucket: imported, imageRepositories: [repo] }).grantCrossAccount('111122223333', { shareArtifacts: false, shareImages: false })).not.toThrow();
  });

  test('grantCrossAccount with an S3-managed bucket writes no key policy; a deploy-time account id passes', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data', { encryption: DataBucketEncryption.S3_MANAGED });
    const account = new CfnParameter(stack, 'Account').valueAsString;
    new ModelRegistry(stack, 'Registry', { artifactsBucket: data }).grantCrossAccount(account);
    Template.fromStack(stack).resourceCountIs('AWS::KMS::Key', 0);
    const shared = resourcePolicy(stack, 'AWS::S3::BucketPolicy', 'PolicyDocument').filter((st) => JSON.stringify(st.Principal).includes('"Ref":"Account"'));
    // The whole bucket: no prefix, no listing condition.
    expect(shared.map((st) => [st.Action, st.Condition])).toEqual([['s3:GetObject', undefined], ['s3:ListBucket', undefined]]);
    expect(shared[0].Resource).toEqual({ 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/*']] });
  });

  test('grantModelRead: describe the versions, read the artifacts (and decrypt), pull the images', () => {
    const { stack, registry } = sharingStack();
    registry.grantModelRead(role(stack));
    const s = statements(stack);
    expect(s).toContainEqual({
      Effect: 'Allow',
      Action: 'sagemaker:DescribeModelPackage',
      Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package/churn/*']] },
    });
    expect(s).toContainEqual(expect.objectContaining({ Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectTagging'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^Data/), 'Arn'] }, '/models/*']] } }));
    expect(s).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^DataKey/), 'Arn'] } }));
    expect(s).toContainEqual(expect.objectContaining({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Repo/), 'Arn'] } }));
    for (const st of s) for (const a of [st.Action].flat()) expect(a).not.toMatch(/\*/);
  });

  test('fromModelRegistryAttributes: by name or ARN, with artifacts and images', () => {
    const stack = plainStack('Test', { env: { account: '444455556666', region: 'eu-west-1' } });
    const data = DataBucket.fromBucketAttributes(stack, 'Shared', {
      bucketName: 'shared-models',
      encryptionKey: kms.Key.fromKeyArn(stack, 'SharedKey', 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    });
    const repo = ecr.Repository.fromRepositoryArn(stack, 'SharedRepo', 'arn:aws:ecr:eu-west-1:111122223333:repository/churn');
    const registry = ModelRegistry.fromModelRegistryAttributes(stack, 'Registry', {
      modelPackageGroupArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/churn',
      artifactsBucket: data,
      artifactsPrefix: 'pipelines/',
      imageRepositories: [repo],
    });
    expect(registry.modelPackageGroupName).toBe('churn');
    expect(registry.env.account).toBe('111122223333');
    expect(registry.artifactsBucket).toBe(data);
    registry.grantModelRead(role(stack));
    const s = statements(stack);
    expect(s).toContainEqual({ Effect: 'Allow', Action: 'sagemaker:DescribeModelPackage', Resource: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/churn/*' });
    expect(JSON.stringify(s)).toContain(':s3:::shared-models/pipelines/*');
    expect(s).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey'], Resource: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' }));
    expect(s).toContainEqual(expect.objectContaining({ Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'], Resource: 'arn:aws:ecr:eu-west-1:111122223333:repository/churn' }));

    const byName = ModelRegistry.fromModelRegistryAttributes(stack, 'ByName', { modelPackageGroupName: 'own' });
    expect(stack.resolve(byName.modelPackageGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:eu-west-1:444455556666:model-package-group/own']] });
    expect(byName.artifactsBucket).toBeUndefined();
    expect(byName.imageRepositories).toEqual([]);
  });

  test('tokens pass: a deploy-time group name, group ARN and artifacts prefix', () => {
    const stack = plainStack();
    const name = new CfnParameter(stack, 'Name').valueAsString;
    const arn = new CfnParameter(stack, 'Arn').valueAsString;
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    const data = new DataBucket(stack, 'Data');
    const created = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: name, artifactsBucket: data, artifactsPrefix: prefix });
    expect(created.artifactsPrefix).toBe(prefix);
    created.grantCrossAccount('111122223333');
    const byArn = ModelRegistry.fromModelRegistryAttributes(stack, 'ByArn', { modelPackageGroupArn: arn, artifactsBucket: data, artifactsPrefix: prefix });
    byArn.grantModelRead(role(stack));
    expect(JSON.stringify(stack.resolve(byArn.modelPackageArnPattern))).toContain('{"Ref":"Arn"}');
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::ModelPackageGroup', { ModelPackageGroupName: { Ref: 'Name' } });
  });

  test('onApprovalStateChange: an EventBridge rule for this group and status, with a target', () => {
    const stack = plainStack();
    const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn' });
    const topic = new sns.Topic(stack, 'Topic');
    const rule = registry.onApprovalStateChange('Approved', { status: ModelApprovalStatus.APPROVED, target: new events_targets.SnsTopic(topic) });
    expect(rule.node.path).toBe('Test/Registry/Approved');
    Template.fromStack(stack).hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        source: ['aws.sagemaker'],
        'detail-type': ['SageMaker Model Package State Change'],
        detail: { ModelPackageGroupName: ['churn'], ModelApprovalStatus: ['Approved'] },
      },
      Targets: [Match.objectLike({ Arn: { Ref: Match.stringLikeRegexp('Topic') } })],
    });
  });

  test('imports by name and ARN (another account) build ARNs with formatArn', () => {
    const stack = plainStack();
    const byName = ModelRegistry.fromModelPackageGroupName(stack, 'ByName', 'churn');
    expect(stack.resolve(byName.modelPackageGroupArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-package-group/churn']] });
    const byArn = ModelRegistry.fromModelPackageGroupArn(stack, 'ByArn', 'arn:aws:sagemaker:eu-west-1:111122223333:model-package-group/shared');
    expect(byArn.modelPackageGroupName).toBe('shared');
    expect(byArn.modelPackageArnPattern).toBe('arn:aws:sagemaker:eu-west-1:111122223333:model-package/shared/*');
    expect(byArn.env.account).toBe('111122223333');
    byArn.grantApprove(role(stack));
    expect(statements(stack)).toContainEqual(expect.objectContaining({ Resource: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/shared/*' }));
  });

  describe('bad input fails at synth with path, value and what is allowed', () => {
    test.each<[string, (s: Stack) => unknown, RegExp]>([
      ['name with underscore', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'my_models' }), /\[Test\/R\] invalid modelPackageGroupName 'my_models' \(length 9\): use 1-63 letters, digits or hyphens/],
      ['name too long', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'a'.repeat(64) }), /invalid modelPackageGroupName 'a{64}' \(length 64\)/],
      ['name ending in a hyphen', (s) => new ModelRegistry(s, 'R', { modelPackageGroupName: 'models-' }), /invalid modelPackageGroupName 'models-'/],
      ['description too long', (s) => new ModelRegistry(s, 'R', { description: 'x'.repeat(1025) }), /description is 1025 characters long: use at most 1024/],
      ['bad account id', (s) => new ModelRegistry(s, 'R').grantCrossAccount('12345'), /invalid accountId '12345': use a 12-digit AWS account ID/],
      ['bad import name', (s) => ModelRegistry.fromModelPackageGroupName(s, 'I', 'bad name'), /\[Test\/I\] invalid modelPackageGroupName 'bad name'/],
      ['bad import ARN', (s) => ModelRegistry.fromModelPackageGroupArn(s, 'I', 'arn:aws:sagemaker:us-east-1:111122223333:model-package/x/1'), /invalid modelPackageGroupArn .*model-package-group\/<name>/],
      ['prefix without bucket', (s) => new ModelRegistry(s, 'R', { artifactsPrefix: 'models/' }), /\[Test\/R\] artifactsPrefix 'models\/' was given without artifactsBucket: set the bucket the prefix is in/],
      ['prefix with a leading slash', (s) => new ModelRegistry(s, 'R', { artifactsBucket: DataBucket.fromBucketName(s, 'D', 'models'), artifactsPrefix: '/models' }), /\[Test\/R\] invalid artifactsPrefix '\/models': use a key prefix without a leading '\/' or '\*'/],
      ['import with neither name nor ARN', (s) => ModelRegistry.fromModelRegistryAttributes(s, 'I', {}), /\[Test\/I\] give exactly one of modelPackageGroupName and modelPackageGroupArn \(got neither\)/],
      ['import with name and ARN', (s) => ModelRegistry.fromModelRegistryAttributes(s, 'I', { modelPackageGroupName: 'a', modelPackageGroupArn: 'arn:aws:sagemaker:us-east-1:111122223333:model-package-group/a' }), /\(got both\)/],
      ['import with a bad prefix', (s) => ModelRegistry.fromModelRegistryAttributes(s, 'I', { modelPackageGroupName: 'a', artifactsBucket: DataBucket.fromBucketName(s, 'D', 'models'), artifactsPrefix: 'models/*' }), /\[Test\/I\] invalid artifactsPrefix 'models\/\*'/],
    ])('%s', (_n, build, error) => {
      expect(() => build(plainStack())).toThrow(error);
    });
  });

  test('validity: registry, grants to a library role and cross-account sharing pass every check', () => {
    const stack = testStack();
    const data = new DataBucket(stack, 'Data');
    const repo = new ecr.Repository(stack, 'Repo', { imageScanOnPush: true });
    const registry = new ModelRegistry(stack, 'Registry', { artifactsBucket: data, artifactsPrefix: 'models/', imageRepositories: [repo] });
    const grantee = new LeastPrivilegeRole(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
    registry.grantRegister(grantee);
    registry.grantRead(grantee);
    registry.grantApprove(grantee);
    registry.grantModelRead(grantee);
    registry.grantCrossAccount('111122223333');
    registry.onApprovalStateChange('OnApproved', { status: ModelApprovalStatus.APPROVED });
    expectNoFindings(stack);
  });
});
