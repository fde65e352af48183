import { Aws, Lazy, Token } from 'aws-cdk-lib';
import {
  compileSageMakerPattern,
  expectValidSageMakerRequest,
  sageMakerModelInfo,
  sageMakerOperations,
  validateSageMakerRequest,
} from '../support/sagemaker-api';

const ROLE = 'arn:aws:iam::123456789012:role/SageMakerExecution';

/** A small but complete CreateTrainingJob request; each test changes one thing. */
function trainingJob(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    TrainingJobName: 'train-2024-01-01',
    RoleArn: ROLE,
    AlgorithmSpecification: {
      TrainingImage: '123456789012.dkr.ecr.us-east-1.amazonaws.com/train:latest',
      TrainingInputMode: 'File',
    },
    InputDataConfig: [
      { ChannelName: 'train', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/train/' } } },
      { ChannelName: 'validation', DataSource: { S3DataSource: { S3DataType: 'S3Prefix', S3Uri: 's3://bucket/val/' } } },
    ],
    OutputDataConfig: { S3OutputPath: 's3://bucket/output/' },
    ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
    HyperParameters: { epochs: '10' },
    Environment: { LOG_LEVEL: 'info' },
    Tags: [{ Key: 'project', Value: 'demo' }],
    ...overrides,
  };
}

describe('the model', () => {
  test('records where it came from and has every operation we render', () => {
    const info = sageMakerModelInfo();
    expect(info.source).toMatch(/botocore/);
    expect(info.botocoreVersion).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(info.missingOperations).toEqual([]);
    expect(sageMakerOperations()).toEqual(expect.arrayContaining([
      'CreateTrainingJob', 'CreatePipeline', 'CreateModelPackage', 'DeleteApp', 'ListSpaces',
    ]));
  });

  test('every pattern of the model compiles in JS', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const model = require('../fixtures/sagemaker-api-model.json');
    const skipped = Object.entries<{ pattern?: string }>(model.shapes)
      .filter(([, s]) => s.pattern !== undefined && compileSageMakerPattern(s.pattern) === null)
      .map(([name]) => name);
    expect(skipped).toEqual([]);
  });
});

describe('validateSageMakerRequest', () => {
  test('a valid CreateTrainingJob passes', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob())).toEqual([]);
    expectValidSageMakerRequest('CreateTrainingJob', {
      TrainingJobName: 'minimal',
      RoleArn: ROLE,
      OutputDataConfig: { S3OutputPath: 's3://bucket/out' },
    });
  });

  test('accepts SDK-style operation names', () => {
    expectValidSageMakerRequest('createTrainingJob', trainingJob());
    expectValidSageMakerRequest('CreateTrainingJobCommand', trainingJob());
  });

  test('an unknown operation throws', () => {
    expect(() => validateSageMakerRequest('CreateBogusJob', {})).toThrow(/Unknown SageMaker operation 'CreateBogusJob'/);
  });

  test('missing required members', () => {
    const request = trainingJob();
    delete request.RoleArn;
    expect(validateSageMakerRequest('CreateTrainingJob', request)).toEqual([
      'CreateTrainingJob.RoleArn: required member of CreateTrainingJobRequest is missing',
    ]);
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      AlgorithmSpecification: { TrainingImage: 'image' },
    }))).toEqual([
      'CreateTrainingJob.AlgorithmSpecification.TrainingInputMode: required member of AlgorithmSpecification is missing',
    ]);
  });

  test('undefined members count as absent', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ RoleArn: undefined, VpcConfig: undefined })))
      .toEqual(['CreateTrainingJob.RoleArn: required member of CreateTrainingJobRequest is missing']);
  });

  test('allowMissing lets Pipelines step arguments omit the job name', () => {
    const args = trainingJob();
    delete args.TrainingJobName;
    expect(validateSageMakerRequest('CreateTrainingJob', args)).toEqual([
      'CreateTrainingJob.TrainingJobName: required member of CreateTrainingJobRequest is missing',
    ]);
    expectValidSageMakerRequest('CreateTrainingJob', args, { allowMissing: ['TrainingJobName'] });
  });

  test('idempotency tokens are not required (SDKs fill them in)', () => {
    expectValidSageMakerRequest('CreatePipeline', {
      PipelineName: 'my-pipeline',
      RoleArn: ROLE,
      PipelineDefinition: '{"Version":"2020-12-01","Steps":[]}',
    });
  });

  test('unknown members, with a hint for a wrong case', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      roleArn: ROLE,
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGb: 30 },
    }))).toEqual([
      "CreateTrainingJob.ResourceConfig.VolumeSizeInGb: unknown member of ResourceConfig (did you mean 'VolumeSizeInGB'?)",
      "CreateTrainingJob.roleArn: unknown member of CreateTrainingJobRequest (did you mean 'RoleArn'?)",
    ]);
    const [problem] = validateSageMakerRequest('CreateTrainingJob', trainingJob({ Bogus: true }));
    expect(problem).toMatch(/^CreateTrainingJob\.Bogus: unknown member of CreateTrainingJobRequest \(members: .*RoleArn/);
  });

  test('wrong types', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: '1' },
    }))).toEqual([
      "CreateTrainingJob.ResourceConfig.InstanceCount: expected an integer (whole number), got string '1'",
    ]);
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1.5 },
      EnableNetworkIsolation: 'true',
      InputDataConfig: { ChannelName: 'train' },
      OutputDataConfig: 's3://bucket/out',
      HyperParameters: [],
      Environment: { A: 1 },
      RoleArn: null,
    }))).toEqual([
      'CreateTrainingJob.RoleArn: expected a string, got null',
      'CreateTrainingJob.InputDataConfig: expected a list (array), got object {"ChannelName":"train"}',
      "CreateTrainingJob.OutputDataConfig: expected a structure (object), got string 's3://bucket/out'",
      'CreateTrainingJob.ResourceConfig.InstanceCount: expected an integer (whole number), got number 1.5',
      'CreateTrainingJob.HyperParameters: expected a map (object), got array []',
      'CreateTrainingJob.Environment["A"]: expected a string, got number 1',
      "CreateTrainingJob.EnableNetworkIsolation: expected a boolean, got string 'true'",
    ]);
    expect(validateSageMakerRequest('CreateTrainingJob', 'not a request')).toEqual([
      "CreateTrainingJob: expected a structure (object), got string 'not a request'",
    ]);
  });

  test('timestamps: Date, ISO 8601 string or epoch number', () => {
    expectValidSageMakerRequest('ListModelPackages', { CreationTimeAfter: new Date('2024-01-01T00:00:00Z') });
    expectValidSageMakerRequest('ListModelPackages', { CreationTimeAfter: '2024-01-01T00:00:00Z' });
    expectValidSageMakerRequest('ListModelPackages', { CreationTimeAfter: 1704067200 });
    expect(validateSageMakerRequest('ListModelPackages', { CreationTimeAfter: 'yesterday' })).toEqual([
      "ListModelPackages.CreationTimeAfter: expected a timestamp (Date, ISO 8601 string or epoch seconds), got string 'yesterday'",
    ]);
  });

  test('enum membership, with long enum lists truncated', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      AlgorithmSpecification: { TrainingImage: 'image', TrainingInputMode: 'Bogus' },
    }))).toEqual([
      "CreateTrainingJob.AlgorithmSpecification.TrainingInputMode: 'Bogus' is not one of Pipe, File, FastFile",
    ]);
    const [problem] = validateSageMakerRequest('CreateTrainingJob', trainingJob({
      ResourceConfig: { InstanceType: 'ml.foo', InstanceCount: 1 },
    }));
    expect(problem).toMatch(/^CreateTrainingJob\.ResourceConfig\.InstanceType: 'ml\.foo' is not one of ml\.\S+, .*, \.\.\. \(\d+ more\)$/);
    expect(problem.split(', ').length).toBe(16); // 15 values, then the count
  });

  test('string length and pattern (matched against the whole value)', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ TrainingJobName: 'my_job' }))).toEqual([
      "CreateTrainingJob.TrainingJobName: 'my_job' does not match the pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (whole value) of TrainingJobName",
    ]);
    const long = 'a'.repeat(64);
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ TrainingJobName: long }))).toEqual([
      `CreateTrainingJob.TrainingJobName: '${long}' is 64 characters long, more than the maximum 63`,
      `CreateTrainingJob.TrainingJobName: '${long}' does not match the pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (whole value) of TrainingJobName`,
    ]);
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ TrainingJobName: '' }))).toEqual([
      "CreateTrainingJob.TrainingJobName: '' is 0 characters long, less than the minimum 1",
      "CreateTrainingJob.TrainingJobName: '' does not match the pattern [a-zA-Z0-9](-*[a-zA-Z0-9]){0,62} (whole value) of TrainingJobName",
    ]);
    // map keys are checked too
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ Environment: { 'BAD KEY': 'x' } }))).toEqual([
      'CreateTrainingJob.Environment["BAD KEY"] (key): \'BAD KEY\' does not match the pattern [a-zA-Z_][a-zA-Z0-9_]* (whole value) of TrainingEnvironmentKey',
    ]);
    // \p{L} classes (Unicode mode): tag values may hold letters of any script
    expectValidSageMakerRequest('CreateTrainingJob', trainingJob({ Tags: [{ Key: 'équipe', Value: 'données' }] }));
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({ Tags: [{ Key: 'a', Value: 'x#y' }] })))
      .toEqual([expect.stringMatching(/^CreateTrainingJob\.Tags\[0\]\.Value: 'x#y' does not match the pattern/)]);
  });

  test('numeric ranges and list sizes', () => {
    expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
      StoppingCondition: { MaxRuntimeInSeconds: 0 },
      ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, KeepAlivePeriodInSeconds: 99999 },
      InputDataConfig: [],
    }))).toEqual([
      'CreateTrainingJob.InputDataConfig: has 0 items, fewer than the minimum 1',
      'CreateTrainingJob.ResourceConfig.KeepAlivePeriodInSeconds: 99999 is more than the maximum 21600',
      'CreateTrainingJob.StoppingCondition.MaxRuntimeInSeconds: 0 is less than the minimum 1',
    ]);
    expect(validateSageMakerRequest('CreateProcessingJob', {
      ProcessingJobName: 'process',
      RoleArn: ROLE,
      AppSpecification: { ImageUri: 'image' },
      ProcessingResources: { ClusterConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: 1, VolumeSizeInGB: 0 } },
    })).toEqual([
      'CreateProcessingJob.ProcessingResources.ClusterConfig.VolumeSizeInGB: 0 is less than the minimum 1',
    ]);
  });

  test('paths name list items', () => {
    const request = trainingJob();
    (request.InputDataConfig as any)[1] = { ChannelName: 'bad name', DataSource: { S3DataSource: { S3DataType: 'S3Prefix' } } };
    expect(validateSageMakerRequest('CreateTrainingJob', request)).toEqual([
      "CreateTrainingJob.InputDataConfig[1].ChannelName: 'bad name' does not match the pattern [A-Za-z0-9\\.\\-_]+ (whole value) of ChannelName",
      'CreateTrainingJob.InputDataConfig[1].DataSource.S3DataSource.S3Uri: required member of S3DataSource is missing',
    ]);
  });

  describe('deferred values', () => {
    test('CloudFormation intrinsics are accepted anywhere', () => {
      expectValidSageMakerRequest('CreateTrainingJob', trainingJob({
        RoleArn: { 'Fn::GetAtt': ['Role', 'Arn'] },
        ResourceConfig: { InstanceType: { Ref: 'InstanceType' }, InstanceCount: { Ref: 'Count' } },
        InputDataConfig: { 'Fn::If': ['Cond', [], []] },
        Tags: [{ Key: 'stack', Value: { Ref: 'AWS::StackName' } }],
      }));
    });

    test('a Fn::Join of literals is checked as the joined string', () => {
      expectValidSageMakerRequest('CreateTrainingJob', trainingJob({ TrainingJobName: { 'Fn::Join': ['-', ['train', 'v1']] } }));
      expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
        TrainingJobName: { 'Fn::Join': ['_', ['train', 'v1']] },
      }))).toEqual([expect.stringMatching(/^CreateTrainingJob\.TrainingJobName: 'train_v1' does not match/)]);
      expectValidSageMakerRequest('CreateTrainingJob', trainingJob({
        TrainingJobName: { 'Fn::Join': ['_', ['train', { Ref: 'AWS::StackName' }]] },
      }));
    });

    test('unresolved CDK tokens skip length, pattern and enum checks', () => {
      expectValidSageMakerRequest('CreateTrainingJob', trainingJob({
        TrainingJobName: `${Aws.STACK_NAME}_with_underscores_and_far_too_long_for_a_training_job_name`,
        AlgorithmSpecification: { TrainingImage: 'image', TrainingInputMode: Lazy.string({ produce: () => 'File' }) },
        ResourceConfig: {
          InstanceType: Token.asString({ Ref: 'Type' }),
          InstanceCount: Lazy.number({ produce: () => 1 }),
        },
        InputDataConfig: Lazy.list({ produce: () => [] }),
        Environment: { [Lazy.string({ produce: () => 'KEY' })]: 'v' },
        StoppingCondition: Lazy.any({ produce: () => ({}) }),
      }));
    });

    test('SageMaker Pipelines expressions are accepted', () => {
      expectValidSageMakerRequest('CreateTrainingJob', trainingJob({
        TrainingJobName: undefined,
        ResourceConfig: {
          InstanceType: { Get: 'Parameters.TrainingInstanceType' },
          InstanceCount: { Get: 'Parameters.InstanceCount' },
        },
        OutputDataConfig: {
          S3OutputPath: { 'Std:Join': { On: '/', Values: ['s3://bucket', { Get: 'Execution.PipelineExecutionId' }] } },
        },
      }), { allowMissing: ['TrainingJobName'] });
    });

    test('objects with several keys are not mistaken for expressions', () => {
      expect(validateSageMakerRequest('CreateTrainingJob', trainingJob({
        RoleArn: { Ref: 'Role', Extra: 1 },
      }))).toEqual(['CreateTrainingJob.RoleArn: expected a string, got object {"Ref":"Role","Extra":1}']);
    });

    test('options.isDeferred adds more', () => {
      const placeholder = '<<deploy-time>>';
      const request = trainingJob({ TrainingJobName: placeholder, ResourceConfig: { InstanceType: 'ml.m5.xlarge', InstanceCount: placeholder } });
      expect(validateSageMakerRequest('CreateTrainingJob', request)).toHaveLength(2);
      expectValidSageMakerRequest('CreateTrainingJob', request, { isDeferred: (v) => v === placeholder });
    });
  });

  test('other operations', () => {
    expectValidSageMakerRequest('DeleteApp', {
      DomainId: 'd-abcdef123456', UserProfileName: 'alice', AppType: 'JupyterServer', AppName: 'default',
    });
    expect(validateSageMakerRequest('DeleteApp', {
      DomainId: 'd-abcdef123456', UserProfileName: 'alice', AppType: 'Notebook',
    })).toEqual([
      expect.stringMatching(/^DeleteApp\.AppType: 'Notebook' is not one of JupyterServer, /),
      'DeleteApp.AppName: required member of DeleteAppRequest is missing',
    ]);
    expectValidSageMakerRequest('CreateEndpointConfig', {
      EndpointConfigName: 'config',
      ProductionVariants: [{ VariantName: 'AllTraffic', ModelName: 'model', InstanceType: 'ml.m5.large', InitialInstanceCount: 1 }],
    });
  });
});
