import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { ContainerImage, DataBucket, Framework, ImageScope, InferenceCode, Model, ModelData, S3Location } from '../../../constructs';
import { plainStack } from '../../support/stacks';

const SRC = path.join(__dirname, '..', '..', 'fixtures', 'script-mode', 'src');
const sklearn = ContainerImage.framework(Framework.SKLEARN, { version: '1.2-1', scope: ImageScope.INFERENCE });
const pytorch = ContainerImage.framework(Framework.PYTORCH, { version: '2.6.0', scope: ImageScope.INFERENCE });

describe('Model script mode (InferenceCode)', () => {
  test('a source directory for the scikit-learn serving container: the SDK\'s environment, the code object readable by the role', () => {
    const stack = plainStack('Test', { env: { account: '111122223333', region: 'eu-west-1' } });
    const data = new DataBucket(stack, 'Data');
    new Model(stack, 'Model', { containers: [{ image: sklearn, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')), code: InferenceCode.fromAsset(SRC, { entryPoint: 'train.py' }), environment: { SAGEMAKER_MODEL_SERVER_WORKERS: '2' } }] });
    const t = Template.fromStack(stack);
    const model: any = Object.values(t.findResources('AWS::SageMaker::Model'))[0];
    expect(model.Properties.PrimaryContainer.Environment).toEqual({
      SAGEMAKER_PROGRAM: 'train.py',
      SAGEMAKER_SUBMIT_DIRECTORY: expect.stringMatching(/^s3:\/\/cdk-hnb659fds-assets-111122223333-eu-west-1\/[0-9a-f]{64}\.gz$/),
      SAGEMAKER_CONTAINER_LOG_LEVEL: '20',
      SAGEMAKER_REGION: 'eu-west-1',
      SAGEMAKER_MODEL_SERVER_WORKERS: '2',
    });
    expect(JSON.stringify(t.findResources('AWS::IAM::ManagedPolicy'))).toMatch(/cdk-hnb659fds-assets-.*\/[0-9a-f]{64}\.gz/);
  });

  test('code in the model artifact (PyTorch, TensorFlow, Hugging Face; any container with network isolation): /opt/ml/model/code', () => {
    const stack = plainStack();
    const data = new DataBucket(stack, 'Data');
    new Model(stack, 'Model', { containers: [{ image: pytorch, modelData: ModelData.fromS3Location(S3Location.inDataBucket(data, 'models/model.tar.gz')), code: InferenceCode.inModelArtifact('inference.py') }], networkIsolation: true });
    const model: any = Object.values(Template.fromStack(stack).findResources('AWS::SageMaker::Model'))[0];
    expect(model.Properties.PrimaryContainer.Environment).toEqual(expect.objectContaining({ SAGEMAKER_PROGRAM: 'inference.py', SAGEMAKER_SUBMIT_DIRECTORY: '/opt/ml/model/code' }));
  });

  test.each<[string, any, RegExp]>([
    ['a downloaded source directory for PyTorch', { image: pytorch, code: InferenceCode.fromAsset(SRC, { entryPoint: 'train.py' }) }, /containers\[0\].code is a source directory to download, but the pytorch serving container reads inference code only from the model artifact/],
    ['a downloaded source directory with network isolation', { image: sklearn, code: InferenceCode.fromAsset(SRC, { entryPoint: 'train.py' }), isolated: true }, /containers\[0\].code is a source directory to download, but the model has networkIsolation, so the container cannot download it/],
    ['SAGEMAKER_PROGRAM set twice', { image: sklearn, code: InferenceCode.inModelArtifact('inference.py'), environment: { SAGEMAKER_PROGRAM: 'x.py' } }, /containers\[0\].environment sets SAGEMAKER_PROGRAM, which code sets: remove it/],
    ['an entry point outside code/', { image: sklearn, code: InferenceCode.inModelArtifact('../inference.py') }, /invalid inference code entryPoint '..\/inference.py'/],
  ])('bad input: %s', (_what, c, message) => {
    const stack = plainStack();
    const { isolated, ...container } = c;
    expect(() => new Model(stack, 'Model', { containers: [container], networkIsolation: isolated })).toThrow(new RegExp(`^\\[Test/Model\\] ${message.source}`));
  });
});
