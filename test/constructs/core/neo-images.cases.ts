import * as fs from 'fs';
import * as path from 'path';
import * as zlib from 'zlib';
import { App, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { ContainerImage, NeoFramework, NeoTarget } from '../../../constructs/core';

// The SageMaker Python SDK's rule for the image of a compiled model (`Model._compilation_image_uri`,
// then `image_uris.retrieve(<key>, region, instance_type=<target>, version=<framework version>)`),
// checked the way the SDK's own tests check it (sagemaker-core/tests/unit/image_uris/test_neo.py):
// every version, processor and region of the SDK's config files, which are read here from the
// generator's vendored input, not from the generated table.

const FIXTURE = path.join(__dirname, '..', '..', 'fixtures', 'sdk-image-uri-config.json.gz');
const configs: Record<string, any> = JSON.parse(zlib.gunzipSync(fs.readFileSync(FIXTURE)).toString('utf8')).configs;

/** The SDK's ALTERNATE_DOMAINS (sagemaker-core common_utils.py): the ECR DNS suffix outside amazonaws.com. */
const ALTERNATE_DOMAINS: Record<string, string> = {
  'cn-north-1': 'amazonaws.com.cn',
  'cn-northwest-1': 'amazonaws.com.cn',
  'us-iso-east-1': 'c2s.ic.gov',
  'us-iso-west-1': 'c2s.ic.gov',
  'us-isob-east-1': 'sc2s.sgov.gov',
  'us-isob-west-1': 'sc2s.sgov.gov',
  'us-isof-south-1': 'csp.hci.ic.gov',
  'us-isof-east-1': 'csp.hci.ic.gov',
  'eu-isoe-west-1': 'cloud.adc-e.uk',
  'eusc-de-east-1': 'amazonaws.eu',
};
const uri = (account: string, region: string, repository: string, tag: string) => `${account}.dkr.ecr.${region}.${ALTERNATE_DOMAINS[region] ?? 'amazonaws.com'}/${repository}:${tag}`;

/** One stack per region; every image binds to a construct of its own. */
const stacks = new Map<string, Stack>();
function uriIn(region: string, image: ContainerImage): string {
  let stack = stacks.get(region);
  if (!stack) {
    stack = new Stack(new App(), 'Test', { env: { region, account: '111122223333' } });
    stacks.set(region, stack);
  }
  return stack.resolve(image.bind(new Construct(stack, `User${stack.node.children.length}`)).imageUri);
}

const FRAMEWORKS: Record<string, NeoFramework> = { pytorch: NeoFramework.PYTORCH, tensorflow: NeoFramework.TENSORFLOW, mxnet: NeoFramework.MXNET };
/** The SDK test's targets per processor, plus the other SageMaker targets that select them. */
const TARGETS: Record<string, string[]> = { cpu: ['ml_c5', 'ml_c4', 'ml_m4', 'ml_m5'], gpu: ['ml_p2', 'ml_p3', 'ml_g4dn'], inf: ['ml_inf1'] };

describe("ContainerImage.neo: the SageMaker Python SDK's image for every version, target and region", () => {
  test.each(Object.keys(FRAMEWORKS).flatMap((fw) => [`neo-${fw}`, `inferentia-${fw}`]))('%s', (key) => {
    const config = configs[key];
    const framework = FRAMEWORKS[key.split('-')[1]];
    const mismatches: string[] = [];
    let checked = 0;
    for (const [version, vc] of Object.entries<any>(config.versions)) {
      for (const processor of config.processors) {
        for (const target of TARGETS[processor]) {
          for (const [region, account] of Object.entries<string>(vc.registries)) {
            const expected = uri(account, region, vc.repository, `${version}-${processor}-${vc.py_versions[0]}`);
            const actual = uriIn(region, ContainerImage.neo({ framework, frameworkVersion: version, target: NeoTarget.targetDevice(target) }));
            checked++;
            if (actual !== expected) mismatches.push(`${version} ${target} ${region}: ${actual}, SDK ${expected}`);
          }
        }
      }
    }
    expect(mismatches).toEqual([]);
    expect(checked).toBeGreaterThan(30);
  });

  test('version aliases: the tag keeps the version as given (retrieve uses it as the tag prefix)', () => {
    const mismatches: string[] = [];
    for (const fw of Object.keys(FRAMEWORKS)) {
      const config = configs[`neo-${fw}`];
      for (const [alias, version] of Object.entries<string>(config.version_aliases ?? {})) {
        const vc = config.versions[version];
        const expected = uri(vc.registries['us-west-2'], 'us-west-2', vc.repository, `${alias}-cpu-py3`);
        const actual = uriIn('us-west-2', ContainerImage.neo({ framework: FRAMEWORKS[fw], frameworkVersion: alias, target: NeoTarget.ML_C5 }));
        if (actual !== expected) mismatches.push(`neo-${fw} ${alias}: ${actual}, SDK ${expected}`);
      }
    }
    expect(mismatches).toEqual([]);
  });

  test('an image with one version serves every other version as that one, as _validate_version_and_set_if_needed does', () => {
    // neo-mxnet has one version (1.8): 1.5.1 (not an alias) gets 1.8; 1.4 (an alias) keeps its tag
    expect(uriIn('us-west-2', ContainerImage.neo({ framework: NeoFramework.MXNET, frameworkVersion: '1.5.1', target: NeoTarget.ML_C5 })))
      .toBe('301217895009.dkr.ecr.us-west-2.amazonaws.com/sagemaker-inference-mxnet:1.8-cpu-py3');
    expect(uriIn('us-west-2', ContainerImage.neo({ framework: NeoFramework.MXNET, frameworkVersion: '1.4', target: NeoTarget.ML_C5 })))
      .toBe('301217895009.dkr.ecr.us-west-2.amazonaws.com/sagemaker-inference-mxnet:1.4-cpu-py3');
    expect(uriIn('us-west-2', ContainerImage.neo({ framework: NeoFramework.MXNET, target: NeoTarget.ML_P3 })))
      .toBe('301217895009.dkr.ecr.us-west-2.amazonaws.com/sagemaker-inference-mxnet:1.8-gpu-py3');
  });

  test.each(['xgboost-neo', 'image-classification-neo'])('%s: <algorithm>:latest in every region, for any version and target', (key) => {
    const vc = configs[key].versions.latest;
    const mismatches: string[] = [];
    for (const [region, account] of Object.entries<string>(vc.registries)) {
      const expected = uri(account, region, key, 'latest');
      const actual = uriIn(region, key === 'xgboost-neo'
        ? ContainerImage.neo({ framework: NeoFramework.XGBOOST, frameworkVersion: '1.7', target: region.endsWith('1') ? NeoTarget.ML_C5 : NeoTarget.ML_INF1 })
        : ContainerImage.neoImageClassification());
      if (actual !== expected) mismatches.push(`${region}: ${actual}, SDK ${expected}`);
    }
    expect(mismatches).toEqual([]);
    expect(Object.keys(vc.registries)).toEqual(expect.arrayContaining(['cn-north-1', 'us-gov-west-1', 'us-iso-east-1']));
  });

  test('an environment-agnostic stack gets the account from a mapping', () => {
    const stack = new Stack(new App(), 'Agnostic');
    const imageUri = stack.resolve(ContainerImage.neo({ framework: NeoFramework.PYTORCH, frameworkVersion: '2.0', target: NeoTarget.ML_G4DN }).bind(new Construct(stack, 'User')).imageUri);
    expect(JSON.stringify(imageUri)).toMatch(/Fn::FindInMap.*SageMakerImageRegistry.*sagemaker-inference-pytorch:2\.0-gpu-py3/);
  });
});

describe('ContainerImage.neo: errors name the construct, the value and what to do', () => {
  const bind = (image: ContainerImage) => () => uriIn('us-east-1', image);
  const neo = (target: NeoTarget, framework = NeoFramework.PYTORCH, frameworkVersion = '1.13') => bind(ContainerImage.neo({ framework, frameworkVersion, target }));

  test.each([
    // the SDK fails on these (Graviton and Trainium validation in retrieve)
    ['ml_c6g', /Test\/User\d+\] the SageMaker Python SDK has no Neo serving image for the Graviton target device 'ml_c6g'.*inferenceImageUri/],
    ['ml_m6g', /Graviton target device 'ml_m6g'/],
    ['ml_trn1', /cover AWS Inferentia \(ml_inf1\), not target device 'ml_trn1'/],
    // the SDK would give the Inf1 image, which cannot run an Inf2 artifact
    ['ml_inf2', /cover AWS Inferentia \(ml_inf1\), not target device 'ml_inf2'.*Neuron DLCs/],
    ['ml_eia2', /'ml_eia2' is an Elastic Inference accelerator/],
    ['jetson_nano', /the edge device 'jetson_nano' runs on that device.*ml_c5, ml_m5/],
    ['lambda', /the edge device 'lambda'/],
    ['ml_c99', /invalid Neo target device 'ml_c99': use one of lambda, ml_m4/],
  ])('target %s', (target, message) => {
    expect(neo(NeoTarget.targetDevice(target))).toThrow(message);
  });

  test('a platform target', () => {
    expect(neo(NeoTarget.platform('LINUX', 'ARM64', 'NVIDIA'))).toThrow(/platform LINUX\/ARM64\/NVIDIA runs on that device, not on SageMaker/);
  });

  test.each([NeoFramework.KERAS, NeoFramework.ONNX, NeoFramework.TFLITE, NeoFramework.DARKNET, NeoFramework.SKLEARN])('%s has no Neo serving image in the SDK', (framework) => {
    expect(neo(NeoTarget.ML_C5, framework)).toThrow(new RegExp(`no Neo serving image for '${framework}' models \\(it has them for PYTORCH, TENSORFLOW, MXNET, XGBOOST\\)`));
  });

  test('a version the SDK does not list, or none where there are several', () => {
    expect(neo(NeoTarget.ML_INF1, NeoFramework.PYTORCH, '1.9.1')).toThrow(/unknown inferentia-pytorch version '1\.9\.1' for inference: use one of 1\.7, 1\.8, 1\.9/);
    expect(bind(ContainerImage.neo({ framework: NeoFramework.TENSORFLOW, target: NeoTarget.ML_C5 }))).toThrow(/neo-tensorflow needs a version: use one of 1\.15\.3, 2\.9\.2 \(or an alias: .*2\.9/);
  });
});
