import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { BuiltInAlgorithm, ContainerImage, Framework, ImageScope, InstanceType, LlmServingContainer, Processor } from '../../../constructs/core';

const TABLE = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../constructs/core/images/image-table.json'), 'utf8'));

function concreteStack(region = 'us-east-1'): Stack {
  return new Stack(new App(), 'Test', { env: { region, account: '111122223333' } });
}

function agnosticStack(): Stack {
  return new Stack(new App(), 'Test');
}

function uriIn(region: string, image: ContainerImage): string {
  const stack = concreteStack(region);
  return stack.resolve(image.bind(new Construct(stack, 'User')).imageUri);
}

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

function policyStatements(stack: Stack): any[] {
  return Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
}

describe('ContainerImage: images SageMaker provides, concrete region', () => {
  // Each expected URI was produced by the SageMaker Python SDK's image_uris.retrieve at the commit
  // the table was generated from, with the same version, scope, processor and Python version.
  test.each([
    ['xgboost 1.7-1', 'us-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1'],
    ['xgboost 0.90-1 (processor and python in the tag)', 'ap-southeast-2', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '0.90-1'), '783357654285.dkr.ecr.ap-southeast-2.amazonaws.com/sagemaker-xgboost:0.90-1-cpu-py3'],
    ['xgboost alias latest (legacy built-in)', 'us-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, 'latest'), '811284229777.dkr.ecr.us-east-1.amazonaws.com/xgboost:latest'],
    ['kmeans', 'us-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS), '382416733822.dkr.ecr.us-east-1.amazonaws.com/kmeans:1'],
    ['deepar', 'eu-west-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.DEEPAR), '224300973850.dkr.ecr.eu-west-1.amazonaws.com/forecasting-deepar:1'],
    ['lda', 'us-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LDA), '766337827248.dkr.ecr.us-east-1.amazonaws.com/lda:1'],
    ['sklearn 1.2-1 training', 'eu-west-1', ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }), '141502667606.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-scikit-learn:1.2-1-cpu-py3'],
    ['pytorch 2.8.0 gpu training', 'af-south-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.TRAINING, processor: Processor.GPU }), '626614931356.dkr.ecr.af-south-1.amazonaws.com/pytorch-training:2.8.0-gpu-py312'],
    ['pytorch alias 2.8 keeps the alias in the tag', 'us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.8', scope: ImageScope.TRAINING, pythonVersion: 'py312' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.8-cpu-py312'],
    ['tensorflow serving 2.19.0 (no python in the tag)', 'eu-central-1', ContainerImage.framework(Framework.TENSORFLOW, { version: '2.19.0', scope: ImageScope.INFERENCE }), '763104351884.dkr.ecr.eu-central-1.amazonaws.com/tensorflow-inference:2.19.0-cpu'],
    ['tensorflow 1.13.1 py2 (per-python repository)', 'us-east-1', ContainerImage.framework(Framework.TENSORFLOW, { version: '1.13.1', scope: ImageScope.TRAINING, pythonVersion: 'py2' }), '520713654638.dkr.ecr.us-east-1.amazonaws.com/sagemaker-tensorflow-scriptmode:1.13.1-cpu-py2'],
    ['huggingface training (GPU only, default processor)', 'us-east-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.36.0', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch2.1.0' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04'],
    ['huggingface inference cpu, default base framework', 'us-west-2', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.49.0', scope: ImageScope.INFERENCE }), '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-inference:2.6.0-transformers4.49.0-cpu-py312-ubuntu22.04'],
    ['huggingface base-framework alias', 'us-east-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.26.0', scope: ImageScope.INFERENCE, processor: Processor.GPU, baseFrameworkVersion: 'tensorflow2.11' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-inference:2.11-transformers4.26.0-gpu-py39-cu112-ubuntu20.04'],
    ['debugger rules', 'eu-west-1', ContainerImage.debuggerRules(), '929884845733.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-debugger-rules:latest'],
    ['model monitor (no tag, as the SDK)', 'eu-west-1', ContainerImage.modelMonitor(), '468650794304.dkr.ecr.eu-west-1.amazonaws.com/sagemaker-model-monitor-analyzer'],
    ['clarify', 'us-east-1', ContainerImage.clarify(), '205585389593.dkr.ecr.us-east-1.amazonaws.com/sagemaker-clarify-processing:1.0'],
  ])('%s in %s', (_name, region, image, expected) => {
    expect(uriIn(region, image)).toBe(expected);
  });

  test('xgboost as a framework gives the same image as the built-in algorithm', () => {
    expect(uriIn('us-east-1', ContainerImage.framework(Framework.XGBOOST, { version: '1.7-1', scope: ImageScope.INFERENCE, processor: Processor.GPU })))
      .toBe('683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.7-1');
  });

  test('built-in xgboost defaults to the newest listed version', () => {
    const newest = ContainerImage.versions('xgboost').slice(-1)[0];
    expect(newest).toBe('3.2-0');
    expect(uriIn('us-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST))).toBe(`683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:${newest}`);
  });

  test('python version defaults to the newest listed', () => {
    // pytorch 1.4.0 lists py2, py3 and py36
    expect(uriIn('us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '1.4.0', scope: ImageScope.TRAINING })))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.4.0-cpu-py36');
  });

  test('images SageMaker provides grant nothing', () => {
    const stack = concreteStack();
    const r = role(stack);
    ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS).bind(stack, r);
    expect(policyStatements(stack)).toEqual([]);
  });

  test('every built-in algorithm resolves in us-east-1', () => {
    for (const algorithm of Object.values(BuiltInAlgorithm)) {
      expect(uriIn('us-east-1', ContainerImage.builtInAlgorithm(algorithm))).toMatch(/^\d{12}\.dkr\.ecr\.us-east-1\.amazonaws\.com\/[a-z0-9-]+:[\w.-]+$/);
    }
  });
});

describe('ContainerImage: environment-agnostic stack', () => {
  test('renders Fn::FindInMap and a mapping with every region of the image, in every partition', () => {
    const stack = agnosticStack();
    const uri = stack.resolve(ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1').bind(stack).imageUri);
    const mappings = Template.fromStack(stack).toJSON().Mappings;
    const ids = Object.keys(mappings);
    expect(ids).toHaveLength(1);
    expect(uri).toEqual({
      'Fn::Join': ['', [
        { 'Fn::FindInMap': [ids[0], { Ref: 'AWS::Region' }, 'account'] },
        '.dkr.ecr.',
        { Ref: 'AWS::Region' },
        '.',
        { Ref: 'AWS::URLSuffix' },
        '/sagemaker-xgboost:1.7-1',
      ]],
    });
    const mapping = mappings[ids[0]];
    // the SDK lists 37 regions for xgboost 1.7-1: 29 commercial, 2 China, 2 GovCloud, 4 ISO
    expect(Object.keys(mapping)).toEqual([
      'af-south-1', 'ap-east-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-south-2',
      'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ca-central-1', 'ca-west-1', 'cn-north-1', 'cn-northwest-1',
      'eu-central-1', 'eu-central-2', 'eu-north-1', 'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3',
      'il-central-1', 'me-central-1', 'me-south-1', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-gov-east-1', 'us-gov-west-1',
      'us-iso-east-1', 'us-isob-east-1', 'us-isof-east-1', 'us-isof-south-1', 'us-west-1', 'us-west-2',
    ]);
    expect(mapping['us-east-1']).toEqual({ account: '683313688378' });
    expect(mapping['eu-west-1']).toEqual({ account: '141502667606' });
    expect(mapping['cn-north-1']).toEqual({ account: '450853457545' });
    expect(mapping['us-gov-west-1']).toEqual({ account: '414596584902' });
    expect(mapping['us-iso-east-1']).toEqual({ account: '833128469047' });
    // the id is the hash of the commercial regions, as before the other partitions were added
    expect(ids[0]).toBe('SageMakerImageRegistry81ead836');
    // and it is exactly the table's map for that image
    const registryId = TABLE.images.xgboost.training.versions['1.7-1'].registry;
    expect(ids[0]).toBe(`SageMakerImageRegistry${registryId}`);
    expect(Object.fromEntries(Object.entries(mapping).map(([r, v]: [string, any]) => [r, v.account]))).toEqual(TABLE.registries[registryId]);
  });

  test('two images with the same registry map share one mapping; another map gets its own', () => {
    const stack = agnosticStack();
    const a = ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1').bind(new Construct(stack, 'A')).imageUri;
    const b = ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }).bind(new Construct(stack, 'B')).imageUri;
    const c = ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.TRAINING }).bind(stack).imageUri;
    const d = ContainerImage.framework(Framework.TENSORFLOW, { version: '2.19.0', scope: ImageScope.INFERENCE }).bind(stack).imageUri;
    const findInMap = (uri: string) => stack.resolve(uri)['Fn::Join'][1][0]['Fn::FindInMap'][0];
    expect(findInMap(a)).toBe(findInMap(b));
    expect(findInMap(c)).toBe(findInMap(d));
    expect(findInMap(a)).not.toBe(findInMap(c));
    const mappings = Template.fromStack(stack).toJSON().Mappings;
    expect(Object.keys(mappings).sort()).toEqual([findInMap(a), findInMap(c)].sort());
    const dlc = Object.values(mappings).find((m: any) => m['us-east-1'].account === '763104351884') as any;
    expect(dlc['af-south-1']).toEqual({ account: '626614931356' });
    expect(dlc['mx-central-1']).toBeDefined();
  });

  test('the mappings cover China, GovCloud, ISO and European Sovereign Cloud regions; the host uses AWS::URLSuffix', () => {
    const stack = agnosticStack();
    for (const algorithm of Object.values(BuiltInAlgorithm)) ContainerImage.builtInAlgorithm(algorithm).bind(stack);
    ContainerImage.debuggerRules().bind(stack);
    ContainerImage.modelMonitor().bind(stack);
    ContainerImage.clarify().bind(stack);
    const tgi = stack.resolve(ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '0.3.0', instanceType: InstanceType.of('ml.inf2.xlarge') }).bind(stack).imageUri);
    expect(tgi['Fn::Join'][1].slice(1, 5)).toEqual(['.dkr.ecr.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]);
    const regions = new Set(Object.values(Template.fromStack(stack).toJSON().Mappings).flatMap((m: any) => Object.keys(m)));
    for (const r of ['cn-north-1', 'cn-northwest-1', 'us-gov-west-1', 'us-gov-east-1', 'us-iso-east-1', 'us-isob-east-1', 'us-isof-south-1', 'eu-isoe-west-1', 'eusc-de-east-1']) {
      expect(regions).toContain(r);
    }
  });
});

describe('ContainerImage: errors name the value and what is allowed', () => {
  test('unknown algorithm version', () => {
    const stack = concreteStack();
    expect(() => ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '9.9-9').bind(new Construct(stack, 'Job')))
      .toThrow(/^\[Test\/Job\] unknown xgboost version '9\.9-9' for training: use one of 0\.90-1, 0\.90-2, 1, 1\.0-1, 1\.2-1, 1\.2-2, 1\.3-1, 1\.5-1, 1\.7-1, 3\.0-5, 3\.2-0 \(or an alias: latest\)$/);
    expect(() => ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS, '2').bind(stack)).toThrow(/unknown kmeans version '2' for training: use one of 1$/);
  });

  test('unknown framework version', () => {
    expect(() => ContainerImage.framework(Framework.PYTORCH, { version: '9.0.0', scope: ImageScope.INFERENCE }).bind(concreteStack()))
      .toThrow(/unknown pytorch version '9\.0\.0' for inference: use one of 0\.4\.0, .*2\.6\.0 \(or an alias: 0\.4, .*2\.6\)/);
  });

  test('the error is a SageMakerConstructError with the construct path', () => {
    const stack = concreteStack();
    let error: any;
    try {
      ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, 'nope').bind(new Construct(stack, 'Job'));
    } catch (e) {
      error = e;
    }
    expect(error.name).toBe('SageMakerConstructError');
    expect(error.constructPath).toBe('Test/Job');
  });

  test('region the table lacks lists the supported regions', () => {
    // lda is offered in fewer regions
    expect(() => uriIn('af-south-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LDA)))
      .toThrow(/^\[Test\/User\] region 'af-south-1' has no lda 1 \(training\) image \(lda\): deploy to one of ap-northeast-1, ap-northeast-2, ap-south-1, ap-southeast-1, ap-southeast-2, ca-central-1, eu-central-1, eu-west-1, eu-west-2, us-east-1, us-east-2, us-gov-west-1, us-iso-east-1, us-isob-east-1, us-west-1, us-west-2$/);
    // the SDK lists no China region for lda, no GovCloud region for Model Monitor
    expect(() => uriIn('cn-north-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.LDA))).toThrow(/^\[Test\/User\] region 'cn-north-1' has no lda 1 \(training\) image/);
    expect(() => uriIn('us-gov-west-1', ContainerImage.modelMonitor())).toThrow(/^\[Test\/User\] region 'us-gov-west-1' has no model-monitor /);
  });

  test('processor not offered', () => {
    expect(() => ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING, processor: Processor.GPU }).bind(concreteStack()))
      .toThrow(/processor 'gpu' is not offered for sklearn 1\.2-1 \(training\): use one of cpu$/);
    expect(() => ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.36.0', scope: ImageScope.TRAINING, processor: Processor.CPU }).bind(concreteStack()))
      .toThrow(/processor 'cpu' is not offered for huggingface 4\.36\.0 pytorch2\.1\.0 \(training\): use one of gpu$/);
  });

  test('python version not listed', () => {
    expect(() => ContainerImage.framework(Framework.PYTORCH, { version: '1.4.0', scope: ImageScope.TRAINING, pythonVersion: 'py312' }).bind(concreteStack()))
      .toThrow(/pythonVersion 'py312' is not listed for pytorch 1\.4\.0 \(training\): use one of py2, py3, py36$/);
  });

  test('Hugging Face base framework: unknown, ambiguous, or given for another framework', () => {
    expect(() => ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.17.0', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch9.9' }).bind(concreteStack()))
      .toThrow(/baseFrameworkVersion 'pytorch9\.9' is not offered for huggingface 4\.17\.0 \(training\): use one of pytorch1\.10\.2, tensorflow2\.6\.3 \(or an alias: pytorch1\.10, tensorflow2\.6\)$/);
    expect(() => ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.17.0', scope: ImageScope.TRAINING }).bind(concreteStack()))
      .toThrow(/huggingface 4\.17\.0 \(training\) needs baseFrameworkVersion: use one of pytorch1\.10\.2, tensorflow2\.6\.3/);
    expect(() => ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch2.8.0' }).bind(concreteStack()))
      .toThrow(/baseFrameworkVersion 'pytorch2\.8\.0' applies to Hugging Face images only: remove it for pytorch$/);
  });

  test('scope the framework lacks', () => {
    // the PyTorch alias 2.8 exists for training only
    expect(() => ContainerImage.framework(Framework.PYTORCH, { version: '2.8', scope: ImageScope.INFERENCE }).bind(concreteStack()))
      .toThrow(/unknown pytorch version '2\.8' for inference/);
  });
});

describe('ContainerImage: static helpers', () => {
  test('supportedRegions lists the commercial regions by default, or a partition\'s', () => {
    const regions = ContainerImage.supportedRegions();
    expect(regions).toContain('us-east-1');
    expect(regions).toContain('mx-central-1');
    expect(regions.filter((r) => /^(cn-|us-gov-|us-iso|eu-isoe-|eusc-)/.test(r))).toEqual([]);
    expect([...regions].sort()).toEqual(regions);
    expect(ContainerImage.supportedRegions('aws-cn')).toEqual(['cn-north-1', 'cn-northwest-1']);
    expect(ContainerImage.supportedRegions('aws-us-gov')).toEqual(['us-gov-east-1', 'us-gov-west-1']);
    expect(ContainerImage.supportedRegions('aws-iso-f')).toEqual(['us-isof-east-1', 'us-isof-south-1']);
    expect(ContainerImage.supportedRegions('nope')).toEqual([]);
    expect(ContainerImage.supportedPartitions()).toEqual(['aws', 'aws-cn', 'aws-eusc', 'aws-iso', 'aws-iso-b', 'aws-iso-e', 'aws-iso-f', 'aws-us-gov']);
  });

  test('versions are sorted oldest first; unknown key gives an empty list', () => {
    expect(ContainerImage.versions('kmeans')).toEqual(['1']);
    expect(ContainerImage.versions('sklearn')).toEqual(['0.20.0', '0.23-1', '1.0-1', '1.2-1', '1.4-2', '1.4-2-py312']);
    const pytorch = ContainerImage.versions('pytorch');
    expect(pytorch.indexOf('1.10.0')).toBeGreaterThan(pytorch.indexOf('1.9.1'));
    expect(pytorch).toContain('2.8.0'); // training only
    expect(ContainerImage.versions('nope')).toEqual([]);
    expect(ContainerImage.versions('spark')).toEqual(['2.4', '3.0', '3.1', '3.2', '3.3', '3.5']);
    expect(ContainerImage.versions('data-wrangler')).toEqual(['1.x', '2.x', '3.x']);
    expect(ContainerImage.versions('djl-lmi').slice(-1)).toEqual(['0.36.0']);
  });
});

describe('ContainerImage.fromEcrRepository', () => {
  test('renders the repository URI with a tag and grants pull to the grantee', () => {
    const stack = concreteStack();
    const repository = new ecr.Repository(stack, 'Repo');
    const r = role(stack);
    const uri = ContainerImage.fromEcrRepository(repository, 'v1.2').bind(stack, r).imageUri;
    expect(stack.resolve(uri)).toEqual({
      'Fn::Join': ['', [
        { 'Fn::Select': [4, { 'Fn::Split': [':', { 'Fn::GetAtt': [stack.getLogicalId(repository.node.defaultChild as ecr.CfnRepository), 'Arn'] }] }] },
        '.dkr.ecr.',
        { 'Fn::Select': [3, { 'Fn::Split': [':', { 'Fn::GetAtt': [stack.getLogicalId(repository.node.defaultChild as ecr.CfnRepository), 'Arn'] }] }] },
        '.',
        { Ref: 'AWS::URLSuffix' },
        '/',
        { Ref: stack.getLogicalId(repository.node.defaultChild as ecr.CfnRepository) },
        ':v1.2',
      ]],
    });
    const statements = policyStatements(stack);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [stack.getLogicalId(repository.node.defaultChild as ecr.CfnRepository), 'Arn'] },
    }));
    expect(statements).toContainEqual(expect.objectContaining({ Action: 'ecr:GetAuthorizationToken', Resource: '*' }));
  });

  test('imported repository: default tag latest, digest joined with @', () => {
    const stack = concreteStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'my-models');
    const digest = 'sha256:' + 'a'.repeat(64);
    expect(stack.resolve(ContainerImage.fromEcrRepository(repository).bind(stack).imageUri))
      .toEqual({ 'Fn::Join': ['', ['111122223333.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, '/my-models:latest']] });
    expect(stack.resolve(ContainerImage.fromEcrRepository(repository, digest).bind(stack).imageUri))
      .toEqual({ 'Fn::Join': ['', ['111122223333.dkr.ecr.us-east-1.', { Ref: 'AWS::URLSuffix' }, `/my-models@${digest}`]] });
    expect(policyStatements(stack)).toEqual([]); // no grantee, no grant
  });

  test('invalid tag or digest', () => {
    const stack = concreteStack();
    const repository = ecr.Repository.fromRepositoryName(stack, 'Repo', 'my-models');
    expect(() => ContainerImage.fromEcrRepository(repository, 'bad tag').bind(stack)).toThrow(/invalid image tag or digest 'bad tag': use a tag of 1-128/);
    expect(() => ContainerImage.fromEcrRepository(repository, 'sha256:abc').bind(stack)).toThrow(/invalid image tag or digest 'sha256:abc'.*sha256:<64 hex digits>/);
  });
});

describe('ContainerImage.fromAsset', () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'container-image-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.12-slim\n');
    fs.writeFileSync(path.join(dir, 'Other.Dockerfile'), 'FROM public.ecr.aws/docker/library/python:3.11-slim\n');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('creates an image asset in the bind scope, once, and grants pull', () => {
    const stack = concreteStack();
    const r = role(stack);
    const image = ContainerImage.fromAsset(dir, { buildArgs: { PY: '3.12' }, platform: 'linux/amd64' });
    const user = new Construct(stack, 'Job');
    const uri = image.bind(user, r).imageUri;
    const again = image.bind(new Construct(stack, 'Other'), r).imageUri;
    expect(stack.resolve(again)).toEqual(stack.resolve(uri));
    expect(JSON.stringify(stack.resolve(uri))).toContain('cdk-hnb659fds-container-assets-111122223333-us-east-1');

    const assets = user.node.children.filter((c) => c.node.id.startsWith('ContainerImageAsset'));
    expect(assets).toHaveLength(1);
    const statements = policyStatements(stack);
    expect(statements).toContainEqual(expect.objectContaining({
      Action: ['ecr:BatchCheckLayerAvailability', 'ecr:GetDownloadUrlForLayer', 'ecr:BatchGetImage'],
      Resource: expect.anything(),
    }));

    // one Docker image in the stack's asset manifest, with the build options
    const assembly = App.of(stack)!.synth();
    const manifest = assembly.artifacts.find((a) => a.id === `${stack.artifactId}.assets`)!;
    const images = Object.values(JSON.parse(fs.readFileSync(path.join(assembly.directory, (manifest.manifest.properties as any).file), 'utf8')).dockerImages);
    expect(images).toEqual([expect.objectContaining({
      source: expect.objectContaining({ dockerBuildArgs: { PY: '3.12' }, platform: 'linux/amd64' }),
    })]);
  });

  test('two images in one scope get two assets; a custom Dockerfile is used', () => {
    const stack = concreteStack();
    ContainerImage.fromAsset(dir).bind(stack);
    ContainerImage.fromAsset(dir, { file: 'Other.Dockerfile' }).bind(stack);
    expect(stack.node.children.filter((c) => c.node.id.startsWith('ContainerImageAsset'))).toHaveLength(2);
  });

  test('missing Dockerfile or bad platform', () => {
    const stack = concreteStack();
    expect(() => ContainerImage.fromAsset(dir, { file: 'Missing.Dockerfile' }).bind(stack)).toThrow(/no Dockerfile at '.*Missing\.Dockerfile'/);
    expect(() => ContainerImage.fromAsset(dir, { platform: 'amd64' }).bind(stack)).toThrow(/invalid platform 'amd64': use <os>\/<arch>/);
  });
});

describe('ContainerImage.fromImageUri', () => {
  test.each([
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/my-repo:1.0',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/my-repo',
    `public.ecr.aws/docker/library/python@sha256:${'0'.repeat(64)}`,
    'registry.example.com:5000/ml/trainer:latest',
    'localhost:5000/trainer:dev',
  ])('accepts %s', (uri) => {
    expect(ContainerImage.fromImageUri(uri).bind(concreteStack()).imageUri).toBe(uri);
  });

  test.each([
    'my-repo:1.0', // no registry
    'python', // no registry
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/', // no repository
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/My-Repo:1', // upper case repository
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/repo:bad tag',
    '123456789012.dkr.ecr.us-east-1.amazonaws.com/repo@sha256:123',
  ])('rejects %s', (uri) => {
    const stack = concreteStack();
    expect(() => ContainerImage.fromImageUri(uri).bind(new Construct(stack, 'Job')))
      .toThrow(/^\[Test\/Job\] invalid image URI '.*': use <registry>\/<repository>\[:tag\|@sha256:digest\]/);
  });

  test('tokens pass unvalidated', () => {
    const stack = concreteStack();
    const uri = `${stack.account}.dkr.ecr.${stack.region}.${stack.urlSuffix}/repo:1`;
    expect(ContainerImage.fromImageUri(uri).bind(stack).imageUri).toBe(uri);
  });
});
