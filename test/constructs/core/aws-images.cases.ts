import { App, CfnParameter, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { BuiltInAlgorithm, ContainerImage, Framework, ImageScope, InstanceType, LlmServingContainer, Processor } from '../../../constructs/core';

// Each expected URI is what the SageMaker Python SDK returns at the commit the table was generated
// from (images/README.md): `image_uris.retrieve(...)`, or `get_training_image_uri(...)` for Hugging
// Face training (what its estimator calls), with the arguments in the comment. They were checked by
// running the SDK's own code (sagemaker-core image_uris.py with botocore's endpoint data) on them.

function uriIn(region: string, image: ContainerImage): string {
  const stack = new Stack(new App(), 'Test', { env: { region, account: '111122223333' } });
  return stack.resolve(image.bind(new Construct(stack, 'User')).imageUri);
}

const it = (name: string) => InstanceType.of(name);

describe('ContainerImage: URIs equal the SageMaker Python SDK\'s in every partition', () => {
  test.each([
    // China (aws-cn, amazonaws.com.cn)
    ['pytorch 2.3.0 training gpu', 'cn-north-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.3.0', scope: ImageScope.TRAINING, processor: Processor.GPU }), // retrieve('pytorch', region, '2.3.0', 'py311', 'ml.p3.2xlarge', image_scope='training')
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-training:2.3.0-gpu-py311'],
    ['pytorch 2.3.0 inference cpu', 'cn-northwest-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.3.0', scope: ImageScope.INFERENCE }),
      '727897471807.dkr.ecr.cn-northwest-1.amazonaws.com.cn/pytorch-inference:2.3.0-cpu-py311'],
    ['xgboost 1.7-1', 'cn-north-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-xgboost:1.7-1'],
    ['kmeans', 'cn-northwest-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS), '387376663083.dkr.ecr.cn-northwest-1.amazonaws.com.cn/kmeans:1'],
    ['sklearn 1.2-1', 'cn-north-1', ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING }), '450853457545.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-scikit-learn:1.2-1-cpu-py3'],
    ['debugger rules', 'cn-north-1', ContainerImage.debuggerRules(), '618459771430.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-debugger-rules:latest'],
    ['clarify', 'cn-north-1', ContainerImage.clarify(), '122526803553.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-clarify-processing:1.0'],
    ['huggingface training 4.4.2', 'cn-north-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.4.2', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch1.6.0' }),
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04'],
    ['TGI 3.3.6', 'cn-north-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '3.3.6' }),
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04'],
    ['LMI 0.36.0', 'cn-north-1', ContainerImage.llmServing(LlmServingContainer.DJL_LMI, { version: '0.36.0' }), '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/djl-inference:0.36.0-lmi27.0.0-cu130'],
    ['pytorch graviton 2.4.0', 'cn-north-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.INFERENCE, instanceType: it('ml.c7g.xlarge') }),
      '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/pytorch-inference-graviton:2.4.0-cpu-py311-ubuntu22.04-sagemaker'],
    ['spark 3.3 py39 v1', 'cn-north-1', ContainerImage.sparkProcessing({ version: '3.3', pythonVersion: 'py39', containerVersion: '1' }), // retrieve('spark', region, '3.3', 'py39', 'ml.m5.xlarge', container_version='v1')
      '671472414489.dkr.ecr.cn-north-1.amazonaws.com.cn/sagemaker-spark-processing:3.3-cpu-py39-v1'],
    ['data wrangler 3.x', 'cn-northwest-1', ContainerImage.dataWrangler('3.x'), '249157047649.dkr.ecr.cn-northwest-1.amazonaws.com.cn/sagemaker-data-wrangler-container:3.x'],
    // GovCloud (aws-us-gov, amazonaws.com)
    ['pytorch 2.3.0 inference', 'us-gov-west-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.3.0', scope: ImageScope.INFERENCE }), '442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/pytorch-inference:2.3.0-cpu-py311'],
    ['pytorch 2.3.0 training gpu', 'us-gov-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.3.0', scope: ImageScope.TRAINING, instanceType: it('ml.g5.xlarge') }),
      '446045086412.dkr.ecr.us-gov-east-1.amazonaws.com/pytorch-training:2.3.0-gpu-py311'],
    ['tensorflow serving 2.16.1 gpu', 'us-gov-west-1', ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16.1', scope: ImageScope.INFERENCE, instanceType: it('ml.g5.xlarge') }),
      '442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/tensorflow-inference:2.16.1-gpu'],
    ['xgboost 1.7-1', 'us-gov-west-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '414596584902.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-xgboost:1.7-1'],
    ['kmeans', 'us-gov-west-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS), '226302683700.dkr.ecr.us-gov-west-1.amazonaws.com/kmeans:1'],
    ['sklearn graviton 1.0-1', 'us-gov-west-1', ContainerImage.framework(Framework.SKLEARN, { version: '1.0-1', scope: ImageScope.INFERENCE, instanceType: it('ml.c6g.xlarge') }),
      '414596584902.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-scikit-learn:1.0-1-arm64-cpu-py3'],
    ['TGI 3.3.6', 'us-gov-west-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '3.3.6' }),
      '442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04'],
    ['spark 3.5', 'us-gov-west-1', ContainerImage.sparkProcessing({ version: '3.5' }), '271483468897.dkr.ecr.us-gov-west-1.amazonaws.com/sagemaker-spark-processing:3.5-cpu'],
    // ISO partitions
    ['xgboost 1.7-1 (aws-iso)', 'us-iso-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '833128469047.dkr.ecr.us-iso-east-1.c2s.ic.gov/sagemaker-xgboost:1.7-1'],
    ['kmeans (aws-iso)', 'us-iso-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.KMEANS), '490574956308.dkr.ecr.us-iso-east-1.c2s.ic.gov/kmeans:1'],
    ['xgboost 1.7-1 (aws-iso-b)', 'us-isob-east-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '281123927165.dkr.ecr.us-isob-east-1.sc2s.sgov.gov/sagemaker-xgboost:1.7-1'],
    ['xgboost 1.7-1 (aws-iso-f)', 'us-isof-south-1', ContainerImage.builtInAlgorithm(BuiltInAlgorithm.XGBOOST, '1.7-1'), '124985052026.dkr.ecr.us-isof-south-1.csp.hci.ic.gov/sagemaker-xgboost:1.7-1'],
    ['TGI Neuron 0.3.0 (aws-iso-e)', 'eu-isoe-west-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '0.3.0', instanceType: it('ml.inf2.xlarge') }),
      '371248457586.dkr.ecr.eu-isoe-west-1.cloud.adc-e.uk/huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04'],
    // European Sovereign Cloud (aws-eusc, amazonaws.eu)
    ['TGI Neuron 0.3.0', 'eusc-de-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '0.3.0', instanceType: it('ml.trn1.2xlarge') }),
      '204133271717.dkr.ecr.eusc-de-east-1.amazonaws.eu/huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04'],
    ['LMI 0.36.0', 'eusc-de-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_LMI, { version: '0.36.0' }), '204133271717.dkr.ecr.eusc-de-east-1.amazonaws.eu/djl-inference:0.36.0-lmi27.0.0-cu130'],
  ])('%s in %s', (_name, region, image, expected) => {
    expect(uriIn(region, image)).toBe(expected);
  });
});

describe('ContainerImage: Hugging Face GPU training 4.4 and 4.5 get the SDK\'s cu110-ubuntu18.04', () => {
  test.each([
    // get_training_image_uri(region, 'huggingface', '4.4.2', 'py36', pytorch_version='1.6.0', instance_type='ml.p3.2xlarge')
    ['4.4.2 pytorch1.6.0', 'us-east-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.4.2', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch1.6.0' }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04'],
    ['4.5.0 tensorflow2.4.1', 'eu-west-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.5.0', scope: ImageScope.TRAINING, baseFrameworkVersion: 'tensorflow2.4.1', instanceType: it('ml.p3.2xlarge') }),
      '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-tensorflow-training:2.4.1-transformers4.5.0-gpu-py37-cu110-ubuntu18.04'],
    ['aliases 4.5 pytorch1.6 (kept in the tag)', 'us-west-2', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.5', scope: ImageScope.TRAINING, baseFrameworkVersion: 'pytorch1.6' }),
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:1.6-transformers4.5-gpu-py36-cu110-ubuntu18.04'],
  ])('%s in %s', (_name, region, image, expected) => {
    expect(uriIn(region, image)).toBe(expected);
  });
});

describe('ContainerImage: LLM serving, Neuron, Graviton, Spark and Data Wrangler images', () => {
  test.each([
    // retrieve('huggingface-llm', region, version, image_scope='inference'); an alias gives the same tag
    ['TGI 3.3.6', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '3.3.6' }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04'],
    ['TGI alias 3.3', 'eu-west-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '3.3', instanceType: it('ml.g5.2xlarge') }),
      '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-tgi3.3.6-gpu-py311-cu124-ubuntu22.04'],
    // retrieve('huggingface-llm-neuronx', region, '0.3.0', inference_tool='neuronx')
    ['TGI on inf2 (Neuron build)', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '0.3.0', instanceType: it('ml.inf2.xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-tgi-inference:2.7.0-optimum3.3.6-neuronx-py310-ubuntu22.04'],
    // retrieve('huggingface-tei', region, '1.8.2', instance_type='ml.g5.xlarge') / ('huggingface-tei-cpu', ..., 'ml.c5.xlarge')
    ['TEI GPU', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TEI, { version: '1.8.2', instanceType: it('ml.g5.xlarge') }),
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/tei:2.0.1-tei1.8.2-gpu-py310-cu122-ubuntu22.04'],
    ['TEI on a CPU instance type (CPU build)', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TEI, { version: '1.8.2', instanceType: it('ml.c5.xlarge') }),
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/tei-cpu:2.0.1-tei1.8.2-cpu-py310-ubuntu22.04'],
    ['vLLM 0.21.0', 'us-west-2', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_VLLM, { version: '0.21.0' }),
      '763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-vllm:0.21.0-transformers5.8.1-gpu-py312-cu130-ubuntu22.04'],
    // retrieve('huggingface-vllm-neuronx', region, '0.4.4'): the SDK version is prepended to the container version
    ['vLLM on inf2 (Neuron build)', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_VLLM, { version: '0.4.4', instanceType: it('ml.inf2.8xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-vllm-inference-neuronx:0.11.0-optimum0.4.4-neuronx-py310-sdk2.26.1-ubuntu22.04'],
    ['LMI 0.36.0', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_LMI, { version: '0.36.0' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.36.0-lmi27.0.0-cu130'],
    ['DJL DeepSpeed 0.27.0', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_DEEPSPEED, { version: '0.27.0' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.27.0-deepspeed0.12.6-cu121'],
    ['DJL TensorRT-LLM 0.33.0', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_TENSORRTLLM, { version: '0.33.0' }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.33.0-tensorrtllm0.21.0-cu128'],
    ['DJL NeuronX 0.29.0', 'us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_NEURONX, { version: '0.29.0', instanceType: it('ml.inf2.xlarge') }), '763104351884.dkr.ecr.us-east-1.amazonaws.com/djl-inference:0.29.0-neuronx-sdk2.19.1'],
    // retrieve('pytorch', region, '1.11.0', 'py38', 'ml.trn1.2xlarge', image_scope='training'): inference_tool 'neuron' from the instance type
    ['PyTorch training on trn1', 'us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '1.11.0', scope: ImageScope.TRAINING, instanceType: it('ml.trn1.2xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training-neuron:1.11.0-neuron-py38-sdk2.4.0-ubuntu20.04'],
    // retrieve('huggingface', region, '4.12', 'py37', 'ml.inf1.xlarge', base_framework_version='pytorch1.9'): full versions in the tag
    ['Hugging Face on inf1, aliases', 'us-east-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.12', scope: ImageScope.INFERENCE, baseFrameworkVersion: 'pytorch1.9', instanceType: it('ml.inf1.xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference-neuron:1.9.1-transformers4.12.3-neuron-py37-sdk1.17.1-ubuntu18.04'],
    // retrieve('huggingface', region, '4.55.4', 'py310', 'ml.inf2.xlarge', base_framework_version='pytorch2.8.0', inference_tool='neuronx')
    ['Hugging Face on inf2', 'us-east-1', ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.55.4', scope: ImageScope.INFERENCE, instanceType: it('ml.inf2.xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference-neuronx:2.8.0-transformers4.55.4-neuronx-py310-sdk2.26.0-ubuntu22.04'],
    // retrieve(framework, region, version, py, 'ml.c7g.xlarge' / 'ml.m6g.xlarge', image_scope='inference'): scope inference_graviton
    ['PyTorch on Graviton', 'us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.INFERENCE, instanceType: it('ml.c7g.xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference-graviton:2.4.0-cpu-py311-ubuntu22.04-sagemaker'],
    ['TensorFlow on Graviton', 'eu-west-1', ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16.1', scope: ImageScope.INFERENCE, instanceType: it('ml.m6g.xlarge') }),
      '763104351884.dkr.ecr.eu-west-1.amazonaws.com/tensorflow-inference-graviton:2.16.1-cpu-py310-ubuntu20.04-sagemaker'],
    ['XGBoost on Graviton', 'us-east-1', ContainerImage.framework(Framework.XGBOOST, { version: '1.5-1', scope: ImageScope.INFERENCE, instanceType: it('ml.m6g.xlarge') }),
      '683313688378.dkr.ecr.us-east-1.amazonaws.com/sagemaker-xgboost:1.5-1-arm64'],
    // p4d: the SDK's CUDA 11 container versions for PyTorch 1.6 and TensorFlow 2.3/1.15
    ['PyTorch 1.6.0 on p4d', 'us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '1.6.0', scope: ImageScope.TRAINING, pythonVersion: 'py36', instanceType: it('ml.p4d.24xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.6.0-gpu-py36-cu110-ubuntu18.04'],
    ['PyTorch 1.6.0 on p3', 'us-east-1', ContainerImage.framework(Framework.PYTORCH, { version: '1.6.0', scope: ImageScope.TRAINING, pythonVersion: 'py36', instanceType: it('ml.p3.2xlarge') }),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:1.6.0-gpu-py36'],
    // retrieve('spark', region, '3.5', instance_type='ml.m5.xlarge'): no Python version unless given
    ['Spark 3.5', 'us-east-1', ContainerImage.sparkProcessing({ version: '3.5' }), '173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.5-cpu'],
    ['Data Wrangler 3.x', 'us-east-1', ContainerImage.dataWrangler('3.x'), '663277389841.dkr.ecr.us-east-1.amazonaws.com/sagemaker-data-wrangler-container:3.x'],
  ])('%s in %s', (_name, region, image, expected) => {
    expect(uriIn(region, image)).toBe(expected);
  });

  test('defaults: the newest version; without an instance type the GPU (x86) build', () => {
    expect(uriIn('us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_LMI))).toBe(uriIn('us-east-1', ContainerImage.llmServing(LlmServingContainer.DJL_LMI, { version: ContainerImage.versions('djl-lmi').slice(-1)[0] })));
    expect(uriIn('us-east-1', ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TEI))).toMatch(/\/tei:.*-gpu-/);
    expect(uriIn('us-east-1', ContainerImage.sparkProcessing())).toBe('173754725891.dkr.ecr.us-east-1.amazonaws.com/sagemaker-spark-processing:3.5-cpu');
    expect(uriIn('us-east-1', ContainerImage.dataWrangler())).toBe('663277389841.dkr.ecr.us-east-1.amazonaws.com/sagemaker-data-wrangler-container:3.x');
  });

  test('an instance type that is a token selects nothing', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'us-east-1', account: '111122223333' } });
    const token = InstanceType.of(new CfnParameter(stack, 'InstanceType', { type: 'String' }).valueAsString);
    expect(stack.resolve(ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.INFERENCE, instanceType: token }).bind(stack).imageUri))
      .toBe('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-inference:2.4.0-cpu-py311');
  });

  test('images for instance types facts: scope stays inference for Graviton and Neuron serving images', () => {
    const image = ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.INFERENCE, instanceType: it('ml.c7g.xlarge') });
    expect(image._facts()).toEqual(expect.objectContaining({ known: true, scope: 'inference' }));
    expect(ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI)._facts()).toEqual(expect.objectContaining({ known: true, scope: 'inference' }));
  });
});

describe('ContainerImage: instance type errors name the value and what is allowed', () => {
  const bind = (image: ContainerImage) => () => uriIn('us-east-1', image);

  test('processor and instanceType together', () => {
    expect(bind(ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.INFERENCE, processor: Processor.GPU, instanceType: it('ml.g5.xlarge') })))
      .toThrow(/^\[Test\/User\] processor 'gpu' and instanceType 'ml\.g5\.xlarge' are both given: give one \(the instance type selects the processor\)$/);
  });

  test('an image without a Neuron build on inf/trn', () => {
    expect(bind(ContainerImage.framework(Framework.TENSORFLOW, { version: '2.16.1', scope: ImageScope.INFERENCE, instanceType: it('ml.inf2.xlarge') })))
      .toThrow(/^\[Test\/User\] tensorflow has no Neuron image for instance type 'ml\.inf2\.xlarge' \(AWS Inferentia or Trainium\): images with Neuron variants are djl-neuronx, huggingface, huggingface-llm, huggingface-vllm, pytorch$/);
    expect(bind(ContainerImage.llmServing(LlmServingContainer.DJL_LMI, { instanceType: it('ml.trn1.2xlarge') }))).toThrow(/^\[Test\/User\] djl-lmi has no Neuron image for instance type 'ml\.trn1\.2xlarge'/);
  });

  test('a Neuron image on another instance type', () => {
    expect(bind(ContainerImage.llmServing(LlmServingContainer.DJL_NEURONX, { instanceType: it('ml.g5.xlarge') })))
      .toThrow(/^\[Test\/User\] djl-neuronx runs on AWS Inferentia or Trainium instances \(ml\.inf\*, ml\.trn\*\), not 'ml\.g5\.xlarge'$/);
  });

  test('a Neuron scope the SDK does not offer', () => {
    // PyTorch's Neuron images are training images; Hugging Face's inference images
    expect(bind(ContainerImage.framework(Framework.PYTORCH, { version: '1.11.0', scope: ImageScope.INFERENCE, instanceType: it('ml.inf2.xlarge') })))
      .toThrow(/^\[Test\/User\] pytorch-neuron has no 'inference' images: use one of training$/);
    expect(bind(ContainerImage.framework(Framework.HUGGINGFACE, { version: '4.55.4', scope: ImageScope.TRAINING, instanceType: it('ml.trn1.2xlarge') })))
      .toThrow(/^\[Test\/User\] huggingface-neuronx has no 'training' images: use one of inference$/);
  });

  test('Graviton: training, or a framework without Graviton images', () => {
    expect(bind(ContainerImage.framework(Framework.PYTORCH, { version: '2.4.0', scope: ImageScope.TRAINING, instanceType: it('ml.c7g.xlarge') })))
      .toThrow(/^\[Test\/User\] SageMaker has no Graviton \(arm64\) training image for pytorch, so it cannot run on instance type 'ml\.c7g\.xlarge': Graviton inference images exist for pytorch, sklearn, tensorflow, xgboost; use an x86 instance type otherwise$/);
    expect(bind(ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { instanceType: it('ml.m6g.xlarge') })))
      .toThrow(/^\[Test\/User\] huggingface-llm has no Graviton \(arm64\) inference image, so it cannot run on instance type 'ml\.m6g\.xlarge'/);
    expect(bind(ContainerImage.framework(Framework.PYTORCH, { version: '2.8.0', scope: ImageScope.INFERENCE, instanceType: it('ml.c7g.xlarge') })))
      .toThrow(/^\[Test\/User\] unknown pytorch version '2\.8\.0' for inference_graviton: use one of 1\.12\.1, .*2\.4\.0/);
  });

  test('a processor the image is not built for', () => {
    expect(bind(ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.TRAINING, instanceType: it('ml.p3.2xlarge') })))
      .toThrow(/^\[Test\/User\] instance type 'ml\.p3\.2xlarge' needs a gpu image; sklearn 1\.2-1 \(training\) is built for cpu$/);
    expect(bind(ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_VLLM, { instanceType: it('ml.m5.xlarge') })))
      .toThrow(/^\[Test\/User\] instance type 'ml\.m5\.xlarge' needs a cpu image; huggingface-vllm [\d.]+ \(inference\) is built for gpu$/);
  });

  test('Spark: python and container version together; a numeric container version', () => {
    expect(bind(ContainerImage.sparkProcessing({ pythonVersion: 'py39' })))
      .toThrow(/^\[Test\/User\] sparkProcessing: pythonVersion 'py39' and containerVersion undefined: give both or neither$/);
    expect(bind(ContainerImage.sparkProcessing({ pythonVersion: 'py39', containerVersion: 'v1' })))
      .toThrow(/^\[Test\/User\] sparkProcessing: invalid containerVersion 'v1': use a number such as '1' \(the tag gets 'v1'\)$/);
    expect(bind(ContainerImage.sparkProcessing({ version: '3.5', pythonVersion: 'py27', containerVersion: '1' })))
      .toThrow(/^\[Test\/User\] pythonVersion 'py27' is not listed for spark 3\.5 \(processing\): use one of py39, py312$/);
  });

  test('unknown versions of the new images', () => {
    expect(bind(ContainerImage.dataWrangler('9.x'))).toThrow(/^\[Test\/User\] unknown data-wrangler version '9\.x' for processing: use one of 1\.x, 2\.x, 3\.x$/);
    expect(bind(ContainerImage.llmServing(LlmServingContainer.HUGGINGFACE_TGI, { version: '0.0.1' }))).toThrow(/^\[Test\/User\] unknown huggingface-llm version '0\.0\.1' for inference: use one of /);
  });
});
