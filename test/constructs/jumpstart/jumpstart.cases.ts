// JumpStart: hosting and fine-tuning resolved from the bundled catalog as the SageMaker Python SDK
// resolves them from the same specs. The expected values come from the spec files in
// test/fixtures/jumpstart-specs.json.gz and the SDK's code (sagemaker-core jumpstart/: artifacts/
// image_uris.py, model_uris.py, environment_variables.py, hyperparameters.py, script_uris.py;
// types.py JumpStartInstanceTypeVariants; factory/model.py _add_model_data_to_kwargs;
// helper/session_helper.py container_def; v2 estimator.py _script_mode_hyperparam_update).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import {
  DataBucket, Endpoint, InferenceComponentEndpoint, InstanceType, JumpStartHostedModel, JumpStartModel, ModelData, Pipeline, S3Location, TrainingJob, TrainingStep,
} from '../../../constructs';
import { expectValidSageMakerRequest } from '../../support/sagemaker-api';
import { plainStack } from '../../support/stacks';
import { expectNoFindings, testApp } from '../../support/validity';

const ROOT = path.join(__dirname, '..', '..', '..');
const LLAMA = 'meta-textgeneration-llama-3-1-70b';
const GPT_OSS = 'openai-reasoning-gpt-oss-20b';
const MOBILENET = 'pytorch-ic-mobilenet-v2';

function stackIn(region: string): Stack {
  return plainStack('S', { env: { account: '111122223333', region } });
}

function container(stack: Stack): any {
  const models = Template.fromStack(stack).findResources('AWS::SageMaker::Model');
  return Object.values(models)[0].Properties;
}

function policyText(stack: Stack): string {
  return JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::ManagedPolicy')) + JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
}

describe('the bundled JumpStart catalog', () => {
  test('is what scripts/gen-jumpstart-catalog.mjs generates from the committed spec fixture', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'jumpstart-')), 'catalog.json');
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'gen-jumpstart-catalog.mjs'), '--from-fixture', path.join(ROOT, 'test', 'fixtures', 'jumpstart-specs.json.gz'), '--out', out], { stdio: 'pipe' });
    expect(fs.readFileSync(out, 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'constructs', 'jumpstart', 'catalog.json'), 'utf8'));
  });

  test("renders hyperparameter defaults as the SDK's str() does (Python float repr)", () => {
    const script = "import('" + path.join(ROOT, 'scripts', 'gen-jumpstart-catalog.mjs') + "').then((g) => process.stdout.write(JSON.stringify([1e-8, 0.001, 0.0001, 0.00001, 5, 1e16, 123456.5, 0.2, -3.5e-7].map(g.pythonFloatRepr))))";
    expect(JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))).toEqual(['1e-08', '0.001', '0.0001', '1e-05', '5.0', '1e+16', '123456.5', '0.2', '-3.5e-07']);
  });

  test('lists its models, versions and source', () => {
    expect(JumpStartModel.catalogModelIds()).toEqual([LLAMA, GPT_OSS, MOBILENET]);
    expect(JumpStartModel.catalogVersions(LLAMA)).toEqual(['2.16.2']);
    expect(JumpStartModel.catalogVersions('nope')).toEqual([]);
    expect(JumpStartModel.catalogSource()).toContain('aws/sagemaker-python-sdk@');
    const llama = JumpStartModel.of(LLAMA);
    expect(llama.version).toBe('2.16.2');
    expect(llama.inferenceConfigs).toEqual(['lmi']);
    expect(llama.defaultInstanceType).toBe('ml.p4d.24xlarge');
    expect(llama.supportedInstanceTypes).toEqual(['ml.g5.48xlarge', 'ml.p4d.24xlarge', 'ml.g6.48xlarge', 'ml.p5.48xlarge']);
    expect(llama.requiresEula).toBe(true);
    expect(llama.fineTuningSupported).toBe(true);
    expect(JumpStartModel.of(GPT_OSS).fineTuningSupported).toBe(false);
    expect(JumpStartModel.of(MOBILENET).requiresEula).toBe(false);
    expect(JumpStartModel.of(MOBILENET).hostingRegions()).toContain('cn-north-1');
    expect(JumpStartModel.of(MOBILENET).hostingRegions()).toContain('us-gov-west-1');
  });
});

describe('JumpStartHostedModel', () => {
  test('a gated LLM: the image of its default instance, the prepacked prefix as an uncompressed S3DataSource with AcceptEula, the environment, network isolation', () => {
    const stack = stackIn('us-east-1');
    const model = new JumpStartHostedModel(stack, 'Llama', { model: JumpStartModel.of(LLAMA, '2.16.2'), acceptEula: true });
    const props = container(stack);
    expect(props.PrimaryContainer).toEqual({
      Image: '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-lmi11.0.0-cu124',
      ModelDataSource: {
        S3DataSource: {
          S3Uri: 's3://jumpstart-private-cache-prod-us-east-1/meta-textgeneration/meta-textgeneration-llama-3-1-70b/artifacts/inference-prepack/v2.0.0/',
          S3DataType: 'S3Prefix',
          CompressionType: 'None',
          ModelAccessConfig: { AcceptEula: true },
        },
      },
      Environment: {
        ENDPOINT_SERVER_TIMEOUT: '3600', HF_MODEL_ID: '/opt/ml/model', MODEL_CACHE_ROOT: '/opt/ml/model', OPTION_ENFORCE_EAGER: 'true', OPTION_TENSOR_PARALLEL_DEGREE: '8', SAGEMAKER_ENV: '1',
        SAGEMAKER_MODEL_SERVER_TIMEOUT: '3600', SAGEMAKER_MODEL_SERVER_WORKERS: '1', SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code',
      },
    });
    expect(props.EnableNetworkIsolation).toBe(true);
    expect(model.instanceType.name).toBe('ml.p4d.24xlarge');
    expect(model.inferenceConfig).toBe('lmi');
    const text = policyText(stack);
    expect(text).toContain('jumpstart-private-cache-prod-us-east-1/meta-textgeneration/meta-textgeneration-llama-3-1-70b/artifacts/inference-prepack/v2.0.0/*');
    expect(text).not.toContain('"s3:*"');
  });

  test('the instance type selects the variant: its image and its own environment over the defaults; yours over both', () => {
    const stack = stackIn('eu-west-1');
    new JumpStartHostedModel(stack, 'Gpt', { model: JumpStartModel.of(GPT_OSS), instanceType: InstanceType.of('ml.g5.12xlarge'), environment: { MAX_BATCH_SIZE: '8' } });
    const c = container(stack).PrimaryContainer;
    expect(c.Image).toMatch(/^763104351884\.dkr\.ecr\.eu-west-1\.amazonaws\.com\/djl-inference:/);
    expect(c.Environment).toMatchObject({ TENSOR_PARALLEL_DEGREE: '4', OPTION_DTYPE: 'bf16', MAX_BATCH_SIZE: '8', HF_MODEL_ID: '/opt/ml/model', TIKTOKEN_ENCODINGS_BASE: '/opt/ml/model' });
    expect(c.ModelDataSource.S3DataSource).toEqual({ S3Uri: 's3://jumpstart-cache-prod-eu-west-1/openai-reasoning/openai-reasoning-gpt-oss-20b/artifacts/inference-prepack/v1.0.0/', S3DataType: 'S3Prefix', CompressionType: 'None' });
  });

  test('a CPU model in China and GovCloud: the partition\'s registry and bucket', () => {
    const cn = stackIn('cn-north-1');
    new JumpStartHostedModel(cn, 'M', { model: JumpStartModel.of(MOBILENET) });
    const c = container(cn).PrimaryContainer;
    expect(c.Image).toBe('727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference:1.10.0-cpu-py38');
    expect(c.ModelDataSource.S3DataSource.S3Uri).toBe('s3://jumpstart-cache-prod-cn-north-1/pytorch-ic/pytorch-ic-mobilenet-v2/artifacts/inference-prepack/v1.0.0/');
    expect(policyText(cn)).toContain('"arn:",{"Ref":"AWS::Partition"},":s3:::jumpstart-cache-prod-cn-north-1');
    const gov = stackIn('us-gov-west-1');
    new JumpStartHostedModel(gov, 'M', { model: JumpStartModel.of(MOBILENET), instanceType: InstanceType.of('ml.m5.xlarge') });
    expect(container(gov).PrimaryContainer.Image).toMatch(/^\d{12}\.dkr\.ecr\.us-gov-west-1\.amazonaws\.com\/pytorch-inference:1\.10\.0-cpu-py38$/);
  });

  test('an environment-agnostic stack: the image and bucket from mappings', () => {
    const stack = new Stack(new App(), 'Agnostic');
    new JumpStartHostedModel(stack, 'M', { model: JumpStartModel.of(MOBILENET) });
    const t = Template.fromStack(stack).toJSON();
    const mappings = Object.keys(t.Mappings);
    expect(mappings).toEqual(expect.arrayContaining(['JumpStartBuckets', expect.stringMatching(/^JumpStartImages[0-9a-f]{8}$/)]));
    const images = t.Mappings[mappings.find((m) => m.startsWith('JumpStartImages'))!];
    expect(images['us-east-1']).toMatchObject({ cpuecruri1: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:1.10.0-cpu-py38', gpuecruri2: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:1.10.0-gpu-py38' });
    expect(t.Mappings.JumpStartBuckets['cn-north-1']).toEqual({ content: 'jumpstart-cache-prod-cn-north-1', gated: 'jumpstart-private-cache-prod-cn-north-1' });
    const c = container(stack).PrimaryContainer;
    expect(c.Image).toEqual({ 'Fn::FindInMap': [expect.stringMatching(/^JumpStartImages/), { Ref: 'AWS::Region' }, 'cpuecruri1'] });
  });

  test('any endpoint kind: a real-time variant with the spec\'s timeouts and volume; an inference component with its compute', () => {
    const stack = stackIn('us-east-1');
    const llama = new JumpStartHostedModel(stack, 'Llama', { model: JumpStartModel.of(LLAMA), acceptEula: true });
    new Endpoint(stack, 'Endpoint', { variants: [llama.endpointVariant()] });
    const gpt = new JumpStartHostedModel(stack, 'Gpt', { model: JumpStartModel.of(GPT_OSS), instanceType: InstanceType.of('ml.g6.12xlarge') });
    new InferenceComponentEndpoint(stack, 'Shared', { instanceType: gpt.instanceType, components: [{ componentId: 'gpt', model: gpt, compute: gpt.inferenceComponentCompute() }] });
    const config: any = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::EndpointConfig'))[0];
    expect(config.Properties.ProductionVariants[0]).toMatchObject({
      VariantName: 'AllTraffic', InstanceType: 'ml.p4d.24xlarge', InitialInstanceCount: 1,
      ContainerStartupHealthCheckTimeoutInSeconds: 1200, ModelDataDownloadTimeoutInSeconds: 1200,
    });
    // p4d has local NVMe: the SDK leaves the spec's volume size (256 GB) out (volume_size_supported)
    expect(config.Properties.ProductionVariants[0].VolumeSizeInGB).toBeUndefined();
    expect(llama.inferenceComponentCompute()).toEqual({ minMemoryMb: 589824, acceleratorDevices: 8 });
    expect(gpt.inferenceComponentCompute()).toEqual({ minMemoryMb: 98304, acceleratorDevices: 4 });
    expect(Template.fromStack(stack).findResources('AWS::SageMaker::InferenceComponent')).not.toEqual({});
  });

  test('a fine-tuned artifact instead of JumpStart\'s', () => {
    const stack = stackIn('us-east-1');
    const data = new DataBucket(stack, 'Data');
    new JumpStartHostedModel(stack, 'M', { model: JumpStartModel.of(MOBILENET), modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'tuned/model.tar.gz')) });
    const c = container(stack).PrimaryContainer;
    expect(c.ModelDataUrl).toBeDefined();
    expect(c.ModelDataSource).toBeUndefined();
  });

  test('ModelData.fromS3Prefix: uncompressed weights of your own, with or without the EULA', () => {
    const stack = stackIn('us-east-1');
    const data = new DataBucket(stack, 'Data');
    new JumpStartHostedModel(stack, 'M', { model: JumpStartModel.of(GPT_OSS), modelData: ModelData.fromS3Prefix(S3Location.inDataBucket(data, 'weights/gpt/'), { acceptEula: true }) });
    expect(container(stack).PrimaryContainer.ModelDataSource.S3DataSource).toMatchObject({ S3DataType: 'S3Prefix', CompressionType: 'None', ModelAccessConfig: { AcceptEula: true } });
    const other = stackIn('us-east-1');
    const bucket = new DataBucket(other, 'Data');
    expect(() => new JumpStartHostedModel(other, 'M', { model: JumpStartModel.of(GPT_OSS), modelData: ModelData.fromS3Prefix(S3Location.inDataBucket(bucket, 'weights/model.tar.gz')) })).toThrow(/\[S\/M\] invalid modelData prefix .*: ModelData\.fromS3Prefix names a key prefix ending in '\/'/);
  });

  test('bad input fails at synth, naming the construct, the value and what is allowed', () => {
    const cases: Array<[() => void, RegExp]> = [
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of('huggingface-nope') }), /\[S\/M\] JumpStart model 'huggingface-nope' is not in the bundled catalog: use one of meta-textgeneration-llama-3-1-70b, /],
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of(MOBILENET, '1.0.0') }), /\[S\/M\] .*has no version '1\.0\.0' in the bundled catalog: use one of 3\.0\.25/],
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of(LLAMA) }), /\[S\/M\] JumpStart model .*llama.* has gated weights under a license \(EULA: s3:\/\/jumpstart-cache-prod-<region>\/fmhMetadata\/eula\/llama3_1Eula\.txt\): read it, then set acceptEula: true/],
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of(MOBILENET), instanceType: InstanceType.of('ml.p4d.24xlarge') }), /instanceType 'ml\.p4d\.24xlarge' is not one the JumpStart model .* is hosted on: use one of ml\.m5\.large, ml\.m5\.xlarge/],
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of(LLAMA), acceptEula: true, inferenceConfig: 'lmi-optimized' }), /inferenceConfig 'lmi-optimized' is not an inference config of .* the library can deploy: use one of lmi/],
      [() => new JumpStartHostedModel(stackIn('mars-east-1'), 'M', { model: JumpStartModel.of(MOBILENET) }), /\[S\/M\] .*JumpStart has no content bucket in region 'mars-east-1'|has no image in region 'mars-east-1': deploy to one of af-south-1/],
      [() => new JumpStartHostedModel(stackIn('us-east-1'), 'M', { model: JumpStartModel.of(MOBILENET), acceptEula: false }), /acceptEula is false/],
    ];
    for (const [build, message] of cases) expect(build).toThrow(message);
  });

});

describe('JumpStartModel.trainingSpec (fine-tuning)', () => {
  function fineTune(region = 'us-east-1', model = MOBILENET, extra: object = {}): { request: any; stack: Stack } {
    const stack = stackIn(region);
    const data = new DataBucket(stack, 'Data');
    const spec = JumpStartModel.of(model).trainingSpec(stack, {
      outputLocation: S3Location.inDataBucket(data, 'fine-tuned/'),
      inputs: [{ name: 'training', location: S3Location.inDataBucket(data, 'images/') }],
      hyperparameters: { epochs: '3' },
      maxRuntime: Duration.minutes(45),
      ...extra,
    });
    const job = new TrainingJob(stack, 'FineTune', { spec });
    const request = stack.resolve(job.spec.render(job, { role: job.role }));
    return { request, stack };
  }

  test("the SDK's JumpStartEstimator request: image, script-mode hyperparameters, the model and code channels, metrics, isolation", () => {
    const { request, stack } = fineTune();
    expect(request.AlgorithmSpecification).toEqual({
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.10.0-cpu-py38',
      TrainingInputMode: 'File',
      MetricDefinitions: [{ Name: 'pytorch-ic:val-accuracy', Regex: 'val_accuracy: ([0-9\\.]+)' }],
    });
    expect(request.HyperParameters).toEqual({
      batch_size: '4', epochs: '3', learning_rate: '0.001', reinitialize_top_layer: 'Auto', train_only_top_layer: 'True',
      sagemaker_submit_directory: '"/opt/ml/input/data/code/sourcedir.tar.gz"', sagemaker_program: '"transfer_learning.py"',
      sagemaker_container_log_level: '20', sagemaker_region: '"us-east-1"',
    });
    const channels = Object.fromEntries(request.InputDataConfig.map((c: any) => [c.ChannelName, c]));
    expect(channels.model).toEqual({
      ChannelName: 'model',
      DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://jumpstart-cache-prod-us-east-1/pytorch-training/v2.0.0/train-pytorch-ic-mobilenet-v2.tar.gz', S3DataDistributionType: 'FullyReplicated' } },
      ContentType: 'application/x-sagemaker-model',
      InputMode: 'File',
    });
    expect(channels.code.DataSource.S3DataSource.S3Uri).toBe('s3://jumpstart-cache-prod-us-east-1/source-directory-tarballs/pytorch/transfer_learning/ic/prepack/v1.1.0/sourcedir.tar.gz');
    expect(request.EnableNetworkIsolation).toBe(true);
    expect(request.EnableInterContainerTrafficEncryption).toBe(true);
    expect(request.ResourceConfig).toMatchObject({ InstanceType: 'ml.m5.xlarge', InstanceCount: 1 });
    expectValidSageMakerRequest('CreateTrainingJob', { ...request, TrainingJobName: 'x', RoleArn: 'arn:aws:iam::111122223333:role/x', OutputDataConfig: { S3OutputPath: 's3://b/fine-tuned/' }, InputDataConfig: request.InputDataConfig.map((c: any) => ({ ...c, DataSource: { S3DataSource: { ...c.DataSource.S3DataSource, S3Uri: 's3://b/k' } } })) });
    const text = policyText(stack);
    expect(text).toContain('jumpstart-cache-prod-us-east-1/pytorch-training/v2.0.0/train-pytorch-ic-mobilenet-v2.tar.gz');
    expect(text).toContain('jumpstart-cache-prod-us-east-1/source-directory-tarballs/pytorch/transfer_learning/ic/prepack/v1.1.0/sourcedir.tar.gz');
  });

  test('a gated model: the gated bucket, AcceptEula on the weights channel, no gated-URI variable, uncompressed output', () => {
    const { request } = fineTune('us-east-1', LLAMA, { acceptEula: true, hyperparameters: { epoch: '1' } });
    const model = request.InputDataConfig.find((c: any) => c.ChannelName === 'model');
    expect(model.DataSource.S3DataSource).toMatchObject({ S3Uri: 's3://jumpstart-private-cache-prod-us-east-1/meta-training/train-meta-textgeneration-llama-3-1-70b.tar.gz', ModelAccessConfig: { AcceptEula: true } });
    expect(request.Environment).toBeUndefined();
    expect(request.OutputDataConfig.CompressionType).toBe('NONE');
    expect(request.ResourceConfig.InstanceType).toBe('ml.g5.48xlarge');
    expect(request.HyperParameters).toMatchObject({ epoch: '1', lora_r: '8', learning_rate: '0.0001', chat_template: 'Llama3.1' });
    expectValidSageMakerRequest('CreateTrainingJob', { ...request, TrainingJobName: 'x', RoleArn: 'arn:aws:iam::111122223333:role/x', OutputDataConfig: { S3OutputPath: 's3://b/fine-tuned/', CompressionType: 'NONE' }, InputDataConfig: request.InputDataConfig.map((c: any) => ({ ...c, DataSource: { S3DataSource: { ...c.DataSource.S3DataSource, S3Uri: 's3://b/k' } } })) });
  });

  test('the spec default runtime is the model\'s max_run; a deploy-time job says to lower it', () => {
    const stack = stackIn('us-east-1');
    const data = new DataBucket(stack, 'Data');
    const spec = JumpStartModel.of(MOBILENET).trainingSpec(stack, { outputLocation: S3Location.inDataBucket(data, 'out/') });
    expect(spec.maxRuntimeSeconds).toBe(360000);
    expect(() => new TrainingJob(stack, 'Job', { spec })).toThrow(/lower the spec's maxRuntime/);
  });

  test('bad input fails at synth', () => {
    const stack = stackIn('us-east-1');
    const data = new DataBucket(stack, 'Data');
    const out = S3Location.inDataBucket(data, 'out/');
    expect(() => JumpStartModel.of(GPT_OSS).trainingSpec(stack, { outputLocation: out })).toThrow(/\[S\] JumpStart model 'openai-reasoning-gpt-oss-20b' 3\.38\.0 does not support fine-tuning: the catalog lists fine-tuning for meta-textgeneration-llama-3-1-70b, pytorch-ic-mobilenet-v2/);
    expect(() => JumpStartModel.of(LLAMA).trainingSpec(stack, { outputLocation: out })).toThrow(/set acceptEula: true/);
    expect(() => JumpStartModel.of(MOBILENET).trainingSpec(stack, { outputLocation: out, instanceType: InstanceType.ML_G5_XLARGE })).toThrow(/instanceType 'ml\.g5\.xlarge' is not one the JumpStart model .* trains on: use one of ml\.m5\.xlarge, ml\.c5\.2xlarge, ml\.m4\.xlarge/);
    expect(() => JumpStartModel.of(MOBILENET).trainingSpec(stack, { outputLocation: out, inputs: [{ name: 'model', location: out }] })).toThrow(/inputs has a channel named 'model'/);
    expect(() => JumpStartModel.of(MOBILENET).trainingSpec(stack, { outputLocation: out, hyperparameters: { sagemaker_program: 'x.py' } })).toThrow(/hyperparameters sets sagemaker_program/);
  });
});

// The README's "JumpStart models" example, character for character (a test below compares them).
function readmeExample(stack: Stack): void {
  // README:begin
  const data = new DataBucket(stack, 'Data');

  // host a gated LLM on a real-time endpoint: its default instance type (ml.p4d.24xlarge), the LMI
  // image of that family in the stack's region, the weights from JumpStart's gated bucket
  const llama = new JumpStartHostedModel(stack, 'Llama', {
    model: JumpStartModel.of('meta-textgeneration-llama-3-1-70b', '2.16.2'),
    acceptEula: true,                                  // required: the Llama 3.1 license
  });
  new Endpoint(stack, 'LlamaEndpoint', { variants: [llama.endpointVariant()] });

  // another model as an inference component, on the instance type you choose
  const gpt = new JumpStartHostedModel(stack, 'GptOss', {
    model: JumpStartModel.of('openai-reasoning-gpt-oss-20b', '3.38.0'),
    instanceType: InstanceType.of('ml.g6.12xlarge'),   // selects the image and TENSOR_PARALLEL_DEGREE=4
  });
  new InferenceComponentEndpoint(stack, 'Shared', {
    instanceType: gpt.instanceType,
    components: [{ componentId: 'gpt-oss', model: gpt, compute: gpt.inferenceComponentCompute() }],
  });

  // fine-tune an image classifier on your images in a pipeline (JumpStart allows 100-hour jobs)
  const mobilenet = JumpStartModel.of('pytorch-ic-mobilenet-v2', '3.0.25');
  const fineTune = new TrainingStep('FineTune', {
    spec: mobilenet.trainingSpec(stack, {
      outputLocation: S3Location.inDataBucket(data, 'fine-tuned/'),
      inputs: [{ name: 'training', location: S3Location.inDataBucket(data, 'flowers/') }],
      hyperparameters: { epochs: '3' },                 // over the model's defaults
    }),
  });
  new Pipeline(stack, 'FineTuning', { steps: [fineTune] });
  // README:end
}

describe("the README's JumpStart example", () => {
  // the validity test of JumpStart's constructs (cdk-nag packs, CloudFormation validation): an LLM
  // endpoint, an inference component on an NVMe-only type, a fine-tuning pipeline
  test('synthesizes valid requests with no finding', () => {
    const stack = new Stack(testApp(), 'Readme', { env: { account: '111122223333', region: 'us-west-2' } });
    readmeExample(stack);
    const t = Template.fromStack(stack);
    expect(Object.keys(t.findResources('AWS::SageMaker::Model'))).toHaveLength(2);
    const pipeline: any = Object.values(t.findResources('AWS::SageMaker::Pipeline'))[0];
    expect(JSON.stringify(pipeline.Properties)).toContain('transfer_learning.py');
    expectNoFindings(stack);
  });

  test("the README's example is this code, character for character", () => {
    const source = fs.readFileSync(__filename.replace(/\.js$/, '.ts'), 'utf8');
    const region = /\/\/ README:begin\n([\s\S]*?)\n {2}\/\/ README:end/.exec(source)![1].split('\n').map((l) => l.replace(/^ {2}/, '')).join('\n');
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const block = /## JumpStart models\n\n```ts\n([\s\S]*?)\n```/.exec(readme);
    expect(block && block[1]).toBe(region);
  });
});
