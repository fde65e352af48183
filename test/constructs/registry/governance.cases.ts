import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import {
  BuiltInAlgorithm, ContainerImage, DataBucket, InstanceType, MlflowTrackingServer, Model, ModelApprovalStatus, ModelCard, ModelCardStatus,
  ModelPackage, ModelPackageProps, ModelRegistry, ModelRiskRating, S3Location, TrackingServerSize,
} from '../../../constructs';
import { LeastPrivilegeRole } from '../../../constructs/private/role';
import { registryOfModelPackageArn } from '../../../constructs/registry/private/registry-util';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testStack } from '../../support/validity';

function role(stack: Stack, id = 'Grantee'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

function statements(stack: Stack): any[] {
  const t = Template.fromStack(stack);
  return [...Object.values(t.findResources('AWS::IAM::Policy')), ...Object.values(t.findResources('AWS::IAM::ManagedPolicy'))]
    .flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

function only(stack: Stack, type: string): { id: string; resource: any } {
  const found = Template.fromStack(stack).findResources(type);
  const ids = Object.keys(found);
  expect(ids).toHaveLength(1);
  return { id: ids[0], resource: found[ids[0]] };
}

/** A data bucket, a registry that knows it, and the props of a minimal version. */
function registrySetup(stack: Stack, real = false) {
  // An imported bucket with its key, except where a test needs the real one: quicker to synthesize.
  const data = real ? new DataBucket(stack, 'Data') : DataBucket.fromBucketAttributes(stack, 'Data', {
    bucketName: 'models-bucket',
    encryptionKey: kms.Key.fromKeyArn(stack, 'DataKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
  });
  const registry = new ModelRegistry(stack, 'Registry', { modelPackageGroupName: 'churn', artifactsBucket: data, artifactsPrefix: 'models/' });
  const props: ModelPackageProps = {
    registry,
    containers: [{ image: ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), modelData: S3Location.inDataBucket(data, 'models/churn/model.tar.gz') }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['text/csv'],
  };
  return { data, registry, props };
}

/** The props of a minimal version of an imported registry (no bucket: quicker for the error cases). */
function lightProps(stack: Stack): ModelPackageProps {
  return {
    registry: ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn'),
    containers: [{ image: ContainerImage.fromImageUri('111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1'), modelData: S3Location.fromUri('s3://models-bucket/churn/model.tar.gz') }],
    supportedContentTypes: ['text/csv'],
    supportedResponseMimeTypes: ['text/csv'],
  };
}

const ARN = 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn/3';

describe('ModelPackage', () => {
  test('defaults: a version of the registry, pending manual approval, retained, after the group; a valid CreateModelPackage request', () => {
    const stack = plainStack();
    const { registry, props } = registrySetup(stack);
    const pkg = new ModelPackage(stack, 'Version', props);
    const { resource } = only(stack, 'AWS::SageMaker::ModelPackage');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    expect(resource.DependsOn).toEqual([stack.getLogicalId(registry.node.defaultChild as any)]);
    expect(resource.Properties).toMatchObject({
      ModelPackageGroupName: 'churn',
      ModelApprovalStatus: 'PendingManualApproval',
      InferenceSpecification: {
        Containers: [{ Image: expect.anything(), ModelDataUrl: 's3://models-bucket/models/churn/model.tar.gz' }],
        SupportedContentTypes: ['text/csv'],
        SupportedResponseMIMETypes: ['text/csv'],
      },
    });
    expectValidSageMakerRequest('CreateModelPackage', resource.Properties);
    expect(pkg.approvalStatus).toBe(ModelApprovalStatus.PENDING_MANUAL_APPROVAL);
    expect(pkg.modelPackageGroupName).toBe('churn');
    const id = only(stack, 'AWS::SageMaker::ModelPackage').id;
    expect(stack.resolve(pkg.modelPackageVersion)).toEqual({ 'Fn::Select': [2, { 'Fn::Split': ['/', { 'Fn::GetAtt': [id, 'ModelPackageArn'] }] }] });
    // A Model deploying the version learns its registry (and gets grantModelRead).
    expect(registryOfModelPackageArn(pkg.modelPackageArn)).toBe(registry);
  });

  test('every option: instance types, approval, metrics, drift-check baselines, metadata, key, tags; a valid CreateModelPackage request', () => {
    const stack = plainStack();
    const { data, props } = registrySetup(stack);
    const key = new kms.Key(stack, 'PkgKey');
    const at = (k: string) => S3Location.inDataBucket(data, k);
    new ModelPackage(stack, 'Version', {
      ...props,
      containers: [{ ...props.containers[0], environment: { SAGEMAKER_PROGRAM: 'inference.py' }, framework: 'XGBOOST', frameworkVersion: '1.7', containerHostname: 'xgb' }],
      realtimeInferenceInstanceTypes: [InstanceType.ML_M5_LARGE],
      transformInstanceTypes: [InstanceType.ML_M5_XLARGE],
      approvalStatus: ModelApprovalStatus.APPROVED,
      approvalDescription: 'AUC 0.91 on the hold-out set',
      description: 'Churn model, December',
      modelMetrics: {
        modelQualityStatistics: { location: at('evaluation/statistics.json') },
        dataQualityConstraints: { location: at('baseline/constraints.json'), contentType: 'application/json', contentDigest: `sha256:${'a'.repeat(64)}` },
        biasReport: { location: at('clarify/bias.json') },
        explainabilityReport: { location: at('clarify/explainability.json') },
      },
      driftCheckBaselines: {
        modelQualityConstraints: { location: at('evaluation/constraints.json') },
        biasConfigFile: { location: at('clarify/analysis_config.json') },
        explainabilityConstraints: { location: at('clarify/explainability-constraints.json') },
      },
      customerMetadata: { team: 'ml', 'git:commit': 'abc123' },
      encryptionKey: key,
      tags: { project: 'churn' },
    });
    const { resource } = only(stack, 'AWS::SageMaker::ModelPackage');
    expect(resource.Properties).toMatchObject({
      ModelApprovalStatus: 'Approved',
      ApprovalDescription: 'AUC 0.91 on the hold-out set',
      ModelPackageDescription: 'Churn model, December',
      InferenceSpecification: {
        Containers: [{ Environment: { SAGEMAKER_PROGRAM: 'inference.py' }, Framework: 'XGBOOST', FrameworkVersion: '1.7', ContainerHostname: 'xgb' }],
        SupportedRealtimeInferenceInstanceTypes: ['ml.m5.large'],
        SupportedTransformInstanceTypes: ['ml.m5.xlarge'],
      },
      ModelMetrics: {
        ModelQuality: { Statistics: { ContentType: 'application/json', S3Uri: expect.anything() } },
        ModelDataQuality: { Constraints: { ContentType: 'application/json', ContentDigest: `sha256:${'a'.repeat(64)}` } },
        Bias: { Report: { ContentType: 'application/json' } },
        Explainability: { Report: { ContentType: 'application/json' } },
      },
      DriftCheckBaselines: {
        ModelQuality: { Constraints: { ContentType: 'application/json' } },
        Bias: { ConfigFile: { S3Uri: expect.anything() } },
        Explainability: { Constraints: { ContentType: 'application/json' } },
      },
      CustomerMetadataProperties: { 'team': 'ml', 'git:commit': 'abc123' },
      SecurityConfig: { KmsKeyId: { 'Fn::GetAtt': [expect.anything(), 'Arn'] } },
      Tags: [{ Key: 'project', Value: 'churn' }],
    });
    expect(resource.Properties.ModelMetrics.ModelQuality.Constraints).toBeUndefined();
    expect(resource.Properties.DriftCheckBaselines.Bias.ConfigFile.ContentType).toBeUndefined();
    // ApprovalDescription is CloudFormation's (the API takes it in UpdateModelPackage): the rest is the request.
    const { ApprovalDescription: _approval, ...request } = resource.Properties;
    expectValidSageMakerRequest('CreateModelPackage', request);
    expectValidSageMakerRequest('UpdateModelPackage', { ModelPackageArn: ARN, ApprovalDescription: _approval });
  });

  test('a Model deploying the version gets the registry artifacts through grantModelRead', () => {
    const stack = plainStack();
    const { props } = registrySetup(stack);
    const pkg = new ModelPackage(stack, 'Version', props);
    new Model(stack, 'Model', { containers: [{ modelPackageArn: pkg.modelPackageArn }] });
    const s = statements(stack);
    expect(s).toContainEqual(expect.objectContaining({ Action: 'sagemaker:DescribeModelPackage' }));
    expect(s.some((st) => JSON.stringify(st).includes('/models/*'))).toBe(true);
  });

  test('grantRead and grantApprove: this version only, and its key', () => {
    const stack = plainStack();
    const { props } = registrySetup(stack);
    const key = new kms.Key(stack, 'PkgKey');
    const pkg = new ModelPackage(stack, 'Version', { ...props, encryptionKey: key });
    pkg.grantRead(role(stack, 'Reader'));
    pkg.grantApprove(role(stack, 'Approver'));
    const s = statements(stack);
    const arn = { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::ModelPackage').id, 'ModelPackageArn'] };
    expect(s).toContainEqual({ Action: ['sagemaker:DescribeModelPackage', 'sagemaker:ListTags'], Effect: 'Allow', Resource: arn });
    expect(s).toContainEqual({ Action: ['sagemaker:UpdateModelPackage', 'sagemaker:DescribeModelPackage'], Effect: 'Allow', Resource: arn });
    expect(s).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:DescribeKey'] }));
  });

  test('fromModelPackageArn: group and version from the ARN, the registry remembered', () => {
    const stack = plainStack();
    const registry = ModelRegistry.fromModelPackageGroupName(stack, 'Registry', 'churn');
    const pkg = ModelPackage.fromModelPackageArn(stack, 'Imported', ARN, registry);
    expect(pkg.modelPackageGroupName).toBe('churn');
    expect(pkg.modelPackageVersion).toBe('3');
    expect(pkg.env.account).toBe('111122223333');
    expect(registryOfModelPackageArn(pkg.modelPackageArn)).toBeUndefined(); // a literal ARN carries no token
    expect(ModelPackage.fromModelPackageArn(stack, 'NoRegistry', ARN).registry).toBeUndefined();
  });

  test('a registry of another account is named by its ARN', () => {
    const stack = plainStack('Test', { env: { account: '444455556666', region: 'us-east-1' } });
    const { props } = registrySetup(stack);
    const shared = ModelRegistry.fromModelPackageGroupArn(stack, 'Shared', 'arn:aws:sagemaker:us-east-1:111122223333:model-package-group/churn');
    new ModelPackage(stack, 'Version', { ...props, registry: shared });
    expect(only(stack, 'AWS::SageMaker::ModelPackage').resource.Properties.ModelPackageGroupName).toBe('arn:aws:sagemaker:us-east-1:111122223333:model-package-group/churn');
  });

  describe('synth errors', () => {
    const image = ContainerImage.fromImageUri('111122223333.dkr.ecr.us-east-1.amazonaws.com/churn:1');
    test.each<[string, (p: ModelPackageProps, s: Stack) => Partial<ModelPackageProps>, RegExp]>([
      ['no container', () => ({ containers: [] }), /^\[Test\/Version\] containers has 0 entries: use 1 to 15$/],
      ['16 containers', () => ({ containers: Array.from({ length: 16 }, () => ({ image })) }), /^\[Test\/Version\] containers has 16 entries: use 1 to 15$/],
      ['model data not a .tar.gz', (p, s) => ({ containers: [{ image, modelData: S3Location.inDataBucket(DataBucket.fromBucketName(s, 'B', 'models-bucket'), 'models/model.pkl') }] }), /^\[Test\/Version\] invalid containers\[0\]\.modelData .*'\.tar\.gz'/],
      ['bad environment name', () => ({ containers: [{ image, environment: { '1X': 'a' } }] }), /^\[Test\/Version\] invalid containers\[0\]\.environment key '1X'/],
      ['bad framework version', () => ({ containers: [{ image, frameworkVersion: 'latest' }] }), /^\[Test\/Version\] invalid containers\[0\]\.frameworkVersion 'latest': use 3-10 characters/],
      ['bad container host name', () => ({ containers: [{ image, containerHostname: 'a_b' }] }), /^\[Test\/Version\] invalid containers\[0\]\.containerHostname 'a_b'/],
      ['no content type', () => ({ supportedContentTypes: [] }), /^\[Test\/Version\] supportedContentTypes is empty: give at least one MIME type$/],
      ['content type too long', () => ({ supportedContentTypes: ['x'.repeat(257)] }), /^\[Test\/Version\] supportedContentTypes\[0\] 'x+\.\.\.' is 257 characters long: at most 256$/],
      ['bad response MIME type', () => ({ supportedResponseMimeTypes: ['csv'] }), /^\[Test\/Version\] invalid supportedResponseMimeTypes\[0\] 'csv': use 'type\/subtype', e\.g\. 'text\/csv'$/],
      ['hosting type not for hosting', () => ({ realtimeInferenceInstanceTypes: [InstanceType.of('ml.m5.nano')] }), /^\[Test\/Version\] invalid realtimeInferenceInstanceTypes\[0\] 'ml\.m5\.nano': not a hosting instance type/],
      ['empty transform types', () => ({ transformInstanceTypes: [] }), /^\[Test\/Version\] transformInstanceTypes is empty: omit it to allow any instance type$/],
      ['approval description too long', () => ({ approvalDescription: 'x'.repeat(1025) }), /^\[Test\/Version\] approvalDescription is 1025 characters long: use at most 1024$/],
      ['description too long', () => ({ description: 'x'.repeat(1025) }), /^\[Test\/Version\] description is 1025 characters long: use at most 1024$/],
      ['empty customer metadata', () => ({ customerMetadata: {} }), /^\[Test\/Version\] customerMetadata is empty: give 1-50 entries, or omit it$/],
      ['51 metadata entries', () => ({ customerMetadata: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) }), /^\[Test\/Version\] customerMetadata has 51 entries: at most 50 are allowed$/],
      ['metadata value with a bad character', () => ({ customerMetadata: { team: 'a;b' } }), /^\[Test\/Version\] invalid customerMetadata 'team' value 'a;b': use 1-256 letters/],
      ['empty metadata value', () => ({ customerMetadata: { team: '' } }), /^\[Test\/Version\] invalid customerMetadata 'team' value '': use 1-256/],
      ['metrics URI not in S3', () => ({ modelMetrics: { modelQualityStatistics: { location: S3Location.fromUri('https://example.com/x.json') } } }), /^\[Test\/Version\] invalid modelMetrics\.modelQualityStatistics\.location/],
      ['metrics content type too long', () => ({ modelMetrics: { biasReport: { location: S3Location.fromUri('s3://bucket/x.json'), contentType: 'x'.repeat(257) } } }), /^\[Test\/Version\] modelMetrics\.biasReport\.contentType is 257 characters long: use at most 256$/],
      ['bad content digest', () => ({ driftCheckBaselines: { dataQualityStatistics: { location: S3Location.fromUri('s3://bucket/x.json'), contentDigest: 'md5:1' } } }), /^\[Test\/Version\] invalid driftCheckBaselines\.dataQualityStatistics\.contentDigest 'md5:1': use 'sha256:' and 64 hexadecimal digits$/],
      ['reserved tag key', () => ({ tags: { 'aws:x': 'y' } }), /^\[Test\/Version\] tags key 'aws:x' uses the reserved prefix 'aws:'$/],
    ])('%s', (_n, change, error) => {
      const stack = plainStack();
      const props = lightProps(stack);
      expect(() => new ModelPackage(stack, 'Version', { ...props, ...change(props, stack) })).toThrow(error);
    });

    test('several problems are reported at once', () => {
      const stack = plainStack();
      const props = lightProps(stack);
      expect(() => new ModelPackage(stack, 'Version', { ...props, supportedContentTypes: [], description: 'x'.repeat(2000) }))
        .toThrow(/^\[Test\/Version\] 2 problems in ModelPackage props:\n {2}- supportedContentTypes is empty/);
    });

    test.each<[string, string, RegExp]>([
      ['not a model package ARN', 'arn:aws:sagemaker:us-east-1:111122223333:model/churn', /^\[Test\/I\] invalid modelPackageArn 'arn:aws:sagemaker:us-east-1:111122223333:model\/churn': expected .*model-package\/<name>\[\/<version>\]/],
      ['an unversioned package', 'arn:aws:sagemaker:us-east-1:111122223333:model-package/churn', /^\[Test\/I\] invalid modelPackageArn .*: a version's ARN ends in \/<group>\/<version>; an unversioned model package is not a registry version$/],
    ])('import: %s', (_n, arn, error) => {
      expect(() => ModelPackage.fromModelPackageArn(plainStack(), 'I', arn)).toThrow(error);
    });
  });
});

describe('ModelCard', () => {
  test('defaults: a generated name, Draft, a customer-managed key of its own, retained', () => {
    const stack = plainStack('My-Stack');
    const card = new ModelCard(stack, 'Card');
    const { resource } = only(stack, 'AWS::SageMaker::ModelCard');
    const key = only(stack, 'AWS::KMS::Key');
    expect(resource).toMatchObject({
      DeletionPolicy: 'Retain',
      Properties: { ModelCardName: card.modelCardName, ModelCardStatus: 'Draft', Content: {}, SecurityConfig: { KmsKeyId: { 'Fn::GetAtt': [key.id, 'Arn'] } } },
    });
    expect(key.resource.Properties.EnableKeyRotation).toBe(true);
    expect(key.resource.DeletionPolicy).toBe('Retain');
    expect(card.modelCardName).toMatch(/^mystack-card/);
    expect(card.status).toBe(ModelCardStatus.DRAFT);
  });

  test('content: the typed sections render to the model card schema fields, linked to a version', () => {
    const stack = plainStack();
    const { props } = registrySetup(stack);
    const pkg = new ModelPackage(stack, 'Version', props);
    const card = ModelCard.forModelPackage(stack, 'Card', pkg, {
      modelCardName: 'churn-card',
      status: ModelCardStatus.PENDING_REVIEW,
      overview: { modelDescription: 'Predicts churn', modelCreator: 'ML team', modelOwner: 'Retention', problemType: 'Binary classification', algorithmType: 'XGBoost', modelVersion: 3, modelArtifacts: ['s3://bucket/models/churn/model.tar.gz'], inferenceImages: ['image'] },
      intendedUses: { purposeOfModel: 'Retention offers', intendedUses: 'Weekly scoring', riskRating: ModelRiskRating.MEDIUM, explanationsForRiskRating: 'Customer-facing offers' },
      businessDetails: { businessProblem: 'Churn', businessStakeholders: 'Retention', lineOfBusiness: 'Consumer' },
      evaluations: [{
        name: 'holdout', evaluationJobArn: 'arn:aws:sagemaker:us-east-1:111122223333:processing-job/eval', datasets: ['s3://bucket/test/'], metadata: { split: '80_20' },
        metricGroups: [{ name: 'binary', metrics: [{ name: 'auc', numberValue: 0.91 }, { name: 'calibrated', booleanValue: true }, { name: 'threshold_note', stringValue: '0.5', notes: 'default' }] }],
      }],
      additionalInformation: { ethicalConsiderations: 'No protected attributes', caveatsAndRecommendations: 'Retrain monthly', customDetails: { owner_email: 'ml@example.com' } },
      tags: { project: 'churn' },
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const { resource } = only(stack, 'AWS::SageMaker::ModelCard');
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.DependsOn).toContain(only(stack, 'AWS::SageMaker::ModelPackage').id);
    expect(resource.Properties).toMatchObject({
      ModelCardName: 'churn-card',
      ModelCardStatus: 'PendingReview',
      Content: {
        ModelOverview: { ModelDescription: 'Predicts churn', ModelCreator: 'ML team', ModelOwner: 'Retention', ProblemType: 'Binary classification', AlgorithmType: 'XGBoost', ModelVersion: 3, ModelArtifact: ['s3://bucket/models/churn/model.tar.gz'], InferenceEnvironment: { ContainerImage: ['image'] } },
        ModelPackageDetails: { ModelPackageArn: { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::ModelPackage').id, 'ModelPackageArn'] }, ModelPackageGroupName: 'churn' },
        IntendedUses: { PurposeOfModel: 'Retention offers', IntendedUses: 'Weekly scoring', RiskRating: 'Medium', ExplanationsForRiskRating: 'Customer-facing offers' },
        BusinessDetails: { BusinessProblem: 'Churn', BusinessStakeholders: 'Retention', LineOfBusiness: 'Consumer' },
        EvaluationDetails: [{
          Name: 'holdout', Datasets: ['s3://bucket/test/'], Metadata: { split: '80_20' },
          MetricGroups: [{ Name: 'binary', MetricData: [{ Name: 'auc', Type: 'number', Value: 0.91 }, { Name: 'calibrated', Type: 'boolean', Value: true }, { Name: 'threshold_note', Type: 'string', Value: '0.5', Notes: 'default' }] }],
        }],
        AdditionalInformation: { EthicalConsiderations: 'No protected attributes', CaveatsAndRecommendations: 'Retrain monthly', CustomDetails: { owner_email: 'ml@example.com' } },
      },
      Tags: [{ Key: 'project', Value: 'churn' }],
    });
    expect(card.modelPackage).toBe(pkg);
    // The key made for a DESTROY card goes with it.
    const keys = Template.fromStack(stack).findResources('AWS::KMS::Key') as any;
    expect(keys[Object.keys(keys).find((k) => k.startsWith('CardKey'))!].DeletionPolicy).toBe('Delete');
  });

  test('your key; grantRead and grantUpdate include it; imports', () => {
    const stack = plainStack();
    const key = new kms.Key(stack, 'CardKey');
    const card = new ModelCard(stack, 'Card', { modelCardName: 'churn-card', encryptionKey: key });
    card.grantRead(role(stack, 'Reader'));
    card.grantUpdate(role(stack, 'Editor'));
    expect(Object.keys(Template.fromStack(stack).findResources('AWS::KMS::Key'))).toHaveLength(1);
    const s = statements(stack);
    const arn = { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::ModelCard').id, 'ModelCardArn'] };
    expect(s).toContainEqual({ Action: ['sagemaker:DescribeModelCard', 'sagemaker:ListModelCardVersions', 'sagemaker:ListTags'], Effect: 'Allow', Resource: arn });
    expect(s).toContainEqual({ Action: ['sagemaker:DescribeModelCard', 'sagemaker:ListModelCardVersions', 'sagemaker:UpdateModelCard'], Effect: 'Allow', Resource: arn });
    expect(s).toContainEqual(expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:DescribeKey'] }));
    const byName = ModelCard.fromModelCardName(stack, 'ByName', 'churn-card');
    expect(stack.resolve(byName.modelCardArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':model-card/churn-card']] });
    expect(ModelCard.fromModelCardArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111122223333:model-card/churn-card').modelCardName).toBe('churn-card');
  });

  describe('synth errors', () => {
    const long = (n: number) => 'x'.repeat(n);
    test.each<[string, any, RegExp]>([
      ['bad name', { modelCardName: 'churn_card' }, /^\[Test\/Card\] invalid modelCardName 'churn_card' \(length 10\): use 1-63 letters/],
      ['description too long', { overview: { modelDescription: long(1025) } }, /^\[Test\/Card\] overview\.modelDescription is 1025 characters long: use at most 1024$/],
      ['model version not whole', { overview: { modelVersion: 1.5 } }, /^\[Test\/Card\] invalid overview\.modelVersion 1\.5: use a whole number of 1 or more$/],
      ['16 artifacts', { overview: { modelArtifacts: Array.from({ length: 16 }, () => 's3://b/k') } }, /^\[Test\/Card\] overview\.modelArtifacts has 16 entries: at most 15$/],
      ['purpose too long', { intendedUses: { purposeOfModel: long(2049) } }, /^\[Test\/Card\] intendedUses\.purposeOfModel is 2049 characters long: use at most 2048$/],
      ['business problem too long', { businessDetails: { businessProblem: long(2049) } }, /^\[Test\/Card\] businessDetails\.businessProblem is 2049 characters long: use at most 2048$/],
      ['caveats too long', { additionalInformation: { caveatsAndRecommendations: long(2049) } }, /^\[Test\/Card\] additionalInformation\.caveatsAndRecommendations is 2049 characters long/],
      ['bad custom detail key', { additionalInformation: { customDetails: { 'owner-email': 'x' } } }, /^\[Test\/Card\] invalid additionalInformation\.customDetails key 'owner-email'/],
      ['evaluation name too long', { evaluations: [{ name: long(64) }] }, /^\[Test\/Card\] invalid evaluations\[0\]\.name 'x{64}' \(length 64\): use 1-63 characters$/],
      ['repeated evaluation names', { evaluations: [{ name: 'a' }, { name: 'a' }] }, /^\[Test\/Card\] evaluations repeat the name 'a': give each evaluation its own name$/],
      ['observation too long', { evaluations: [{ name: 'a', evaluationObservation: long(2097) }] }, /^\[Test\/Card\] evaluations\[0\]\.evaluationObservation is 2097 characters long: use at most 2096$/],
      ['11 datasets', { evaluations: [{ name: 'a', datasets: Array.from({ length: 11 }, () => 's3://b/k') }] }, /^\[Test\/Card\] evaluations\[0\]\.datasets has 11 entries: at most 10$/],
      ['bad metadata key', { evaluations: [{ name: 'a', metadata: { '1x': 'y' } }] }, /^\[Test\/Card\] invalid evaluations\[0\]\.metadata key '1x'/],
      ['empty metric group', { evaluations: [{ name: 'a', metricGroups: [{ name: 'g', metrics: [] }] }] }, /^\[Test\/Card\] evaluations\[0\]\.metricGroups\[0\]\.metrics is empty: give at least one metric, or leave the group out$/],
      ['metric group name too long', { evaluations: [{ name: 'a', metricGroups: [{ name: long(64), metrics: [{ name: 'm', numberValue: 1 }] }] }] }, /^\[Test\/Card\] invalid evaluations\[0\]\.metricGroups\[0\]\.name/],
      ['metric without value', { evaluations: [{ name: 'a', metricGroups: [{ name: 'g', metrics: [{ name: 'auc' }] }] }] }, /^\[Test\/Card\] evaluations\[0\]\.metricGroups\[0\]\.metrics\[0\] \('auc'\) has 0 values: give exactly one of numberValue, stringValue and booleanValue$/],
      ['metric with two values', { evaluations: [{ name: 'a', metricGroups: [{ name: 'g', metrics: [{ name: 'auc', numberValue: 1, stringValue: '1' }] }] }] }, /has 2 values/],
      ['metric notes too long', { evaluations: [{ name: 'a', metricGroups: [{ name: 'g', metrics: [{ name: 'auc', numberValue: 1, notes: long(1025) }] }] }] }, /^\[Test\/Card\] evaluations\[0\]\.metricGroups\[0\]\.metrics\[0\]\.notes is 1025 characters long/],
      ['metric name too long', { evaluations: [{ name: 'a', metricGroups: [{ name: 'g', metrics: [{ name: long(256), numberValue: 1 }] }] }] }, /^\[Test\/Card\] invalid evaluations\[0\]\.metricGroups\[0\]\.metrics\[0\]\.name .*use 1-255 characters$/],
      ['reserved tag key', { tags: { 'aws:x': 'y' } }, /^\[Test\/Card\] tags key 'aws:x' uses the reserved prefix 'aws:'$/],
    ])('%s', (_n, props, error) => {
      expect(() => new ModelCard(plainStack(), 'Card', props)).toThrow(error);
    });

    test.each<[string, (s: Stack) => unknown, RegExp]>([
      ['bad import name', (s) => ModelCard.fromModelCardName(s, 'I', 'a b'), /^\[Test\/I\] invalid modelCardName 'a b'/],
      ['bad import ARN', (s) => ModelCard.fromModelCardArn(s, 'I', 'arn:aws:sagemaker:us-east-1:111122223333:model/x'), /^\[Test\/I\] invalid modelCardArn .*model-card\/<name>/],
    ])('%s', (_n, build, error) => {
      expect(() => build(plainStack())).toThrow(error);
    });
  });
});

describe('MlflowTrackingServer', () => {
  test('defaults: Small, artifacts under mlflow/ of the bucket, a least-privilege role for that prefix and its key, retained', () => {
    const stack = plainStack('My-Stack');
    const data = new DataBucket(stack, 'Data');
    const server = new MlflowTrackingServer(stack, 'Mlflow', { artifactBucket: data });
    const { resource } = only(stack, 'AWS::SageMaker::MlflowTrackingServer');
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.Properties).toMatchObject({
      TrackingServerName: server.trackingServerName,
      TrackingServerSize: 'Small',
      AutomaticModelRegistration: false,
      ArtifactStoreUri: { 'Fn::Join': ['', ['s3://', { Ref: expect.anything() }, '/mlflow/']] },
      RoleArn: { 'Fn::GetAtt': [expect.stringMatching('^MlflowRole'), 'Arn'] },
    });
    expect(resource.Properties.MlflowVersion).toBeUndefined();
    expect(server.trackingServerName).toMatch(/^mystack-mlflow/);
    const roleResource = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Role'))[0] as any;
    expect(roleResource.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'sagemaker.amazonaws.com' });
    expect(roleResource.Properties.ManagedPolicyArns).toBeUndefined();
    const policies = Object.values(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) as any[];
    expect(policies.map((p) => p.Properties.Roles)).toEqual([[{ Ref: expect.stringMatching(/^MlflowRole/) }]]);
    expect(Template.fromStack(stack).findResources('AWS::IAM::Policy')).toEqual({});
    const s = statements(stack);
    expect(s).toContainEqual(expect.objectContaining({ Action: expect.arrayContaining(['s3:PutObject']), Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.anything(), 'Arn'] }, '/mlflow/*']] } }));
    expect(s).toContainEqual(expect.objectContaining({ Action: 's3:ListBucket', Condition: { StringLike: { 's3:prefix': ['mlflow/', 'mlflow/*'] } } }));
    expect(s).toContainEqual(expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt', 'kms:DescribeKey'] }));
    expect(JSON.stringify(s)).not.toContain('CreateModelPackage');
    expect(server.size).toBe(TrackingServerSize.SMALL);
  });

  test('options: size, version, maintenance window, prefix, tags, automatic model registration', () => {
    const stack = plainStack();
    const data = DataBucket.fromBucketAttributes(stack, 'Data', { bucketName: 'artifacts-bucket', encryptionKey: kms.Key.fromKeyArn(stack, 'DataKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') });
    new MlflowTrackingServer(stack, 'Mlflow', {
      artifactBucket: data, artifactPrefix: 'experiments', trackingServerName: 'churn-mlflow', size: TrackingServerSize.MEDIUM, mlflowVersion: '2.16.2',
      weeklyMaintenanceWindowStart: 'Tue:03:30', automaticModelRegistration: true, tags: { project: 'churn' }, removalPolicy: RemovalPolicy.DESTROY,
    });
    const { resource } = only(stack, 'AWS::SageMaker::MlflowTrackingServer');
    expect(resource.DeletionPolicy).toBe('Delete');
    expect(resource.Properties).toMatchObject({
      TrackingServerName: 'churn-mlflow', TrackingServerSize: 'Medium', MlflowVersion: '2.16.2', WeeklyMaintenanceWindowStart: 'Tue:03:30',
      AutomaticModelRegistration: true, ArtifactStoreUri: 's3://artifacts-bucket/experiments/', Tags: [{ Key: 'project', Value: 'churn' }],
    });
    const registration = statements(stack).find((st) => JSON.stringify(st.Action).includes('CreateModelPackageGroup'));
    expect(registration.Action).toEqual(['sagemaker:CreateModelPackageGroup', 'sagemaker:DescribeModelPackageGroup', 'sagemaker:CreateModelPackage', 'sagemaker:DescribeModelPackage', 'sagemaker:UpdateModelPackage', 'sagemaker:AddTags']);
    expect(JSON.stringify(registration.Resource)).toContain(':model-package-group/*');
  });

  test('grantAccess: the sagemaker-mlflow actions on this server, AccessUI, and the artifact prefix', () => {
    const stack = plainStack();
    const data = DataBucket.fromBucketAttributes(stack, 'Data', { bucketName: 'artifacts-bucket', encryptionKey: kms.Key.fromKeyArn(stack, 'DataKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab') });
    const server = new MlflowTrackingServer(stack, 'Mlflow', { artifactBucket: data });
    server.grantAccess(role(stack));
    const s = statements(stack);
    const arn = { 'Fn::GetAtt': [only(stack, 'AWS::SageMaker::MlflowTrackingServer').id, 'TrackingServerArn'] };
    const main = s.find((st) => Array.isArray(st.Action) && st.Action.includes('sagemaker-mlflow:LogMetric'));
    expect(main.Resource).toEqual(arn);
    expect(main.Action).toEqual(expect.arrayContaining(['sagemaker-mlflow:CreateExperiment', 'sagemaker-mlflow:SearchRuns', 'sagemaker-mlflow:CreateModelVersion', 'sagemaker:DescribeMlflowTrackingServer', 'sagemaker:CreatePresignedMlflowTrackingServerUrl']));
    expect(main.Action.every((a: string) => !a.includes('*'))).toBe(true);
    expect(s).toContainEqual({ Action: 'sagemaker-mlflow:AccessUI', Effect: 'Allow', Resource: '*' });
    expect(s.filter((st) => JSON.stringify(st.Resource ?? '').includes('/mlflow/*')).length).toBeGreaterThanOrEqual(2); // the role's and the grantee's
  });

  test('imports: by name and by ARN; grantAccess scoped to the server only', () => {
    const stack = plainStack();
    const byName = MlflowTrackingServer.fromTrackingServerName(stack, 'ByName', 'team-mlflow');
    expect(stack.resolve(byName.trackingServerArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':mlflow-tracking-server/team-mlflow']] });
    const byArn = MlflowTrackingServer.fromTrackingServerArn(stack, 'ByArn', 'arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/team-mlflow');
    expect(byArn.trackingServerName).toBe('team-mlflow');
    byArn.grantAccess(role(stack));
    expect(statements(stack).map((st) => st.Resource)).toEqual(['arn:aws:sagemaker:us-east-1:111122223333:mlflow-tracking-server/team-mlflow', '*']);
  });

  describe('synth errors', () => {
    test.each<[string, any, RegExp]>([
      ['bad name', { trackingServerName: 'team_mlflow' }, /^\[Test\/Mlflow\] invalid trackingServerName 'team_mlflow' \(length 11\): use 1-256 letters/],
      ['name too long', { trackingServerName: 'a'.repeat(257) }, /^\[Test\/Mlflow\] invalid trackingServerName 'a+\.\.\.' \(length 257\)/],
      ['prefix with a leading slash', { artifactPrefix: '/mlflow' }, /^\[Test\/Mlflow\] invalid artifactPrefix '\/mlflow': use a key prefix without a leading '\/' or '\*'/],
      ['prefix too long', { artifactPrefix: 'p'.repeat(1001) }, /^\[Test\/Mlflow\] artifactPrefix is 1002 bytes long: the artifact store URI may be at most 1024 bytes$/],
      ['bad MLflow version', { mlflowVersion: 'v2' }, /^\[Test\/Mlflow\] invalid mlflowVersion 'v2': use digits separated by dots/],
      ['MLflow version too long', { mlflowVersion: '1.2.3.4.5.6.7.8.9' }, /^\[Test\/Mlflow\] invalid mlflowVersion '1\.2\.3\.4\.5\.6\.7\.8\.9'/],
      ['bad maintenance window', { weeklyMaintenanceWindowStart: 'TUE:3:30' }, /^\[Test\/Mlflow\] invalid weeklyMaintenanceWindowStart 'TUE:3:30': use Ddd:HH:MM in UTC/],
      ['reserved tag key', { tags: { 'aws:x': 'y' } }, /^\[Test\/Mlflow\] tags key 'aws:x' uses the reserved prefix 'aws:'$/],
    ])('%s', (_n, props, error) => {
      const stack = plainStack();
      expect(() => new MlflowTrackingServer(stack, 'Mlflow', { artifactBucket: DataBucket.fromBucketName(stack, 'Data', 'artifacts-bucket'), ...props })).toThrow(error);
    });

    test.each<[string, (s: Stack) => unknown, RegExp]>([
      ['bad import name', (s) => MlflowTrackingServer.fromTrackingServerName(s, 'I', '-x'), /^\[Test\/I\] invalid trackingServerName '-x'/],
      ['bad import ARN', (s) => MlflowTrackingServer.fromTrackingServerArn(s, 'I', 'arn:aws:sagemaker:us-east-1:111122223333:mlflow-app/x'), /^\[Test\/I\] invalid trackingServerArn .*mlflow-tracking-server\/<name>/],
    ])('%s', (_n, build, error) => {
      expect(() => build(plainStack())).toThrow(error);
    });
  });
});

test('governance validity: a version, its model card and an MLflow tracking server with defaults and grants pass every check', () => {
  const stack = testStack();
  const { data, props } = registrySetup(stack, true);
  const pkg = new ModelPackage(stack, 'Version', props);
  const card = ModelCard.forModelPackage(stack, 'Card', pkg, { overview: { modelDescription: 'churn' } });
  const server = new MlflowTrackingServer(stack, 'Mlflow', { artifactBucket: data, automaticModelRegistration: true });
  const grantee = new LeastPrivilegeRole(stack, 'Scientist', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'), description: 'test' });
  pkg.grantRead(grantee);
  pkg.grantApprove(grantee);
  card.grantRead(grantee);
  server.grantAccess(grantee);
  expectNoFindings(stack);
});
