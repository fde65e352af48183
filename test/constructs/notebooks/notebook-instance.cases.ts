import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CfnParameter, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  InstanceType, NotebookCodeRepository, NotebookInstance, NotebookInstanceProps, NotebookLifecycleConfig, NotebookPlatform, NotebookScript,
} from '../../../constructs';
import { plainStack } from '../../support/stacks';
import { acknowledgements, expectNoFindings, testStack } from '../../support/validity';

/** An imported VPC: two isolated subnets, no resources of its own (so validity covers the notebook only). */
function vpc(stack: Stack, id = 'Vpc'): ec2.IVpc {
  return ec2.Vpc.fromVpcAttributes(stack, id, {
    vpcId: 'vpc-0123456789abcdef0',
    availabilityZones: ['eu-west-1a', 'eu-west-1b'],
    isolatedSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
    isolatedSubnetRouteTableIds: ['rtb-0123456789abcdef0', 'rtb-0123456789abcdef1'],
    vpcCidrBlock: '10.0.0.0/16',
  });
}

function notebook(stack: Stack, props: Partial<NotebookInstanceProps> = {}, id = 'Notebook'): NotebookInstance {
  return new NotebookInstance(stack, id, { vpc: (stack.node.tryFindChild('Vpc') as ec2.IVpc | undefined) ?? vpc(stack), ...props });
}

function resourcesOf(stack: Stack, type: string): any[] {
  return Object.values(Template.fromStack(stack).findResources(type));
}

/** The decoded scripts of the stack's one lifecycle configuration. */
function hooks(stack: Stack): { onCreate?: string; onStart?: string } {
  const [config] = resourcesOf(stack, 'AWS::SageMaker::NotebookInstanceLifecycleConfig');
  const decode = (hook?: Array<{ Content: string }>) => hook && Buffer.from(hook[0].Content, 'base64').toString('utf8');
  return { onCreate: decode(config.Properties.OnCreate), onStart: decode(config.Properties.OnStart) };
}

function statements(stack: Stack): any[] {
  return resourcesOf(stack, 'AWS::IAM::ManagedPolicy').flatMap((p) => p.Properties.PolicyDocument.Statement);
}

function actions(stack: Stack): string[] {
  return statements(stack).flatMap((s) => ([] as string[]).concat(s.Action)).sort();
}

describe('NotebookInstance', () => {
  test('defaults: VPC-only, no root access, IMDSv2, KMS volume, current platform, retained', () => {
    const stack = plainStack();
    const nb = notebook(stack);
    const template = Template.fromStack(stack);
    template.hasResource('AWS::SageMaker::NotebookInstance', {
      Properties: {
        NotebookInstanceName: Match.stringLikeRegexp('^test-notebook-[0-9a-f]{8}$'),
        InstanceType: 'ml.t3.medium',
        DirectInternetAccess: 'Disabled',
        RootAccess: 'Disabled',
        SubnetId: 'subnet-0123456789abcdef0',
        SecurityGroupIds: [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookSecurityGroup'), 'GroupId'] }],
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookKey'), 'Arn'] },
        InstanceMetadataServiceConfiguration: { MinimumInstanceMetadataServiceVersion: '2' },
        PlatformIdentifier: 'notebook-al2023-v1',
        VolumeSizeInGB: 5,
        LifecycleConfigName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookLifecycleConfig'), 'NotebookInstanceLifecycleConfigName'] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^NotebookRolePolicy')]),
    });
    template.hasResource('AWS::KMS::Key', { Properties: { EnableKeyRotation: true }, DeletionPolicy: 'Retain' });
    template.hasResource('AWS::SageMaker::NotebookInstanceLifecycleConfig', { DeletionPolicy: 'Retain' });
    // No inbound rule, HTTPS out only.
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
      SecurityGroupIngress: Match.absent(),
    });
    expect(nb.idleTimeout?.toMinutes()).toBe(60);
    expect(nb.connections.securityGroups).toHaveLength(1);
  });

  test('execution role: its own logs, stop and describe itself, the volume key; nothing else', () => {
    const stack = plainStack();
    const nb = notebook(stack, { notebookInstanceName: 'My-Notebook' });
    expect(actions(stack)).toEqual([
      'kms:CreateGrant', 'kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKeyWithoutPlaintext',
      'logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents',
      'sagemaker:DescribeNotebookInstance', 'sagemaker:StopNotebookInstance',
    ]);
    const resolved = JSON.stringify(stack.resolve(statements(stack)));
    // ARNs name the instance in lower case, as SageMaker writes them.
    expect(resolved).toContain(':notebook-instance/my-notebook"');
    expect(resolved).toContain(':log-group:/aws/sagemaker/NotebookInstances:log-stream:My-Notebook/*');
    expect(resourcesOf(stack, 'AWS::IAM::Role')[0].Properties.ManagedPolicyArns).toBeUndefined();
    expect(resourcesOf(stack, 'AWS::IAM::Policy')).toHaveLength(0);
    expect(nb.grantPrincipal).not.toBe(nb.role);
  });

  test('grantPrincipal: other constructs grant to the notebook', () => {
    const stack = plainStack();
    const nb = notebook(stack);
    new s3.Bucket(stack, 'Bucket').grantRead(nb);
    expect(actions(stack)).toEqual(expect.arrayContaining(['s3:GetObject*', 's3:List*']));
    expect(resourcesOf(stack, 'AWS::IAM::Policy')).toHaveLength(0);
  });

  test('the auto-stop on-start script: systemd timer, the idle minutes, valid bash and python', () => {
    const stack = plainStack();
    notebook(stack, { idleTimeout: Duration.minutes(90) });
    const { onCreate, onStart } = hooks(stack);
    expect(onCreate).toBeUndefined();
    expect(onStart).toContain('ExecStart=/usr/bin/python3 /usr/local/bin/sagemaker-idle-stop.py 90');
    expect(onStart).toContain('systemctl enable --now sagemaker-idle-stop.timer');
    expect(onStart).toContain("'stop-notebook-instance'");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nb-'));
    const script = path.join(dir, 'on-start.sh');
    fs.writeFileSync(script, onStart!);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
    const python = /<<'SMLC_IDLE_STOP_PY'\n([\s\S]*?)\nSMLC_IDLE_STOP_PY\n/.exec(onStart!)![1];
    const checker = path.join(dir, 'checker.py');
    fs.writeFileSync(checker, python);
    const compiled = spawnSync('python3', ['-m', 'py_compile', checker]);
    expect(compiled.stderr.toString()).toBe('');
  });

  test('user scripts merge with auto-stop: inline and from files, each run in turn', () => {
    const stack = plainStack();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nb-')), 'setup.sh');
    fs.writeFileSync(file, '#!/bin/bash\necho from-file\nSMLC_PART_2\n');
    notebook(stack, {
      onCreate: [NotebookScript.fromString('pip install --quiet pandas')],
      onStart: [NotebookScript.fromFile(file), NotebookScript.fromString('echo second')],
    });
    const { onCreate, onStart } = hooks(stack);
    // A single script is passed on as it is.
    expect(onCreate).toBe('pip install --quiet pandas');
    expect(onStart).toMatch(/^#!\/bin\/bash\n# 3 lifecycle scripts merged/);
    const order = ['sagemaker-idle-stop.timer', 'echo from-file', 'echo second'].map((s) => onStart!.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    // The file holds the delimiter the part would have had: another one is chosen.
    expect(onStart).toMatch(/run_part <<'SMLC_PART_2_[0-9A-F]{8}'/);
    const script = path.join(path.dirname(file), 'merged.sh');
    fs.writeFileSync(script, onStart!);
    expect(spawnSync('bash', ['-n', script]).status).toBe(0);
  });

  test('the merged parts run in order, each with its own interpreter', () => {
    const stack = plainStack();
    new NotebookLifecycleConfig(stack, 'Config', {
      onStart: [NotebookScript.fromString('echo one; exit 0'), NotebookScript.fromString('#!/usr/bin/env python3\nprint("two")')],
    });
    const script = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'nb-')), 'run.sh');
    fs.writeFileSync(script, hooks(stack).onStart!);
    const run = spawnSync('bash', [script]);
    expect(run.stdout.toString()).toBe('one\ntwo\n');
    expect(run.status).toBe(0);
  });

  test('autoStop false and no scripts: no lifecycle configuration, no stop permission', () => {
    const stack = plainStack();
    const nb = notebook(stack, { autoStop: false });
    expect(resourcesOf(stack, 'AWS::SageMaker::NotebookInstanceLifecycleConfig')).toHaveLength(0);
    expect(actions(stack)).not.toContain('sagemaker:StopNotebookInstance');
    expect(nb.idleTimeout).toBeUndefined();
    expect(nb.lifecycleConfig).toBeUndefined();
  });

  test('a shared lifecycle configuration: its idle timeout grants the stop; an imported one does not', () => {
    const stack = plainStack();
    const shared = new NotebookLifecycleConfig(stack, 'Shared', { notebookInstanceLifecycleConfigName: 'team-config', idleTimeout: Duration.hours(2) });
    const a = notebook(stack, { lifecycleConfig: shared }, 'A');
    const imported = NotebookLifecycleConfig.fromNotebookLifecycleConfigName(stack, 'Imported', 'Legacy-Config');
    const b = notebook(stack, { lifecycleConfig: imported }, 'B');
    expect(a.idleTimeout?.toHours()).toBe(2);
    expect(b.idleTimeout).toBeUndefined();
    expect(resourcesOf(stack, 'AWS::SageMaker::NotebookInstanceLifecycleConfig')).toHaveLength(1);
    const instances = resourcesOf(stack, 'AWS::SageMaker::NotebookInstance').map((r) => r.Properties.LifecycleConfigName);
    expect(instances).toContainEqual('Legacy-Config');
    const byRole = resourcesOf(stack, 'AWS::IAM::ManagedPolicy').map((p) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => ([] as string[]).concat(s.Action)));
    expect(byRole.filter((acts) => acts.includes('sagemaker:StopNotebookInstance'))).toHaveLength(1);
    expect(stack.resolve(imported.notebookInstanceLifecycleConfigArn)).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':notebook-instance-lifecycle-config/legacy-config']] });
  });

  test('props: instance type, volume, platform, root access, role, key, subnets, security groups, tags, DESTROY', () => {
    const stack = plainStack();
    const role = new iam.Role(stack, 'OwnRole', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const sg = ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0');
    const nb = notebook(stack, {
      instanceType: InstanceType.of('ml.g5.xlarge'), volumeSizeGb: 100, platform: NotebookPlatform.AL2_V3, rootAccess: true, role,
      vpcSubnets: { subnets: [ec2.Subnet.fromSubnetId(stack, 'Sn', 'subnet-0123456789abcdef1')] }, securityGroups: [sg],
      tags: { team: 'ml' }, removalPolicy: RemovalPolicy.DESTROY,
    });
    Template.fromStack(stack).hasResource('AWS::SageMaker::NotebookInstance', {
      Properties: {
        InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 100, PlatformIdentifier: 'notebook-al2-v3', RootAccess: 'Enabled',
        SubnetId: 'subnet-0123456789abcdef1', SecurityGroupIds: ['sg-0123456789abcdef0'], Tags: [{ Key: 'team', Value: 'ml' }],
        RoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^OwnRole'), 'Arn'] },
      },
      DeletionPolicy: 'Delete',
    });
    Template.fromStack(stack).hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    expect(nb.role).toBe(role);
    expect(resourcesOf(stack, 'AWS::EC2::SecurityGroup')).toHaveLength(0);
    // Grants to a role of yours go into its policy.
    expect(resourcesOf(stack, 'AWS::IAM::Policy')).toHaveLength(1);
  });

  test('deploy-time values: an idle timeout in minutes from a parameter, a script with a token', () => {
    const stack = plainStack();
    const minutes = new CfnParameter(stack, 'IdleMinutes', { type: 'Number' });
    const bucket = new s3.Bucket(stack, 'Bucket');
    notebook(stack, { idleTimeout: Duration.minutes(minutes.valueAsNumber), onStart: [NotebookScript.fromString(`aws s3 sync s3://${bucket.bucketName}/conf /home/ec2-user/SageMaker/conf`)] });
    const [config] = resourcesOf(stack, 'AWS::SageMaker::NotebookInstanceLifecycleConfig');
    const content = JSON.stringify(config.Properties.OnStart[0].Content);
    expect(content).toMatch(/^\{"Fn::Base64":\{"Fn::Join"/);
    expect(content).toContain('{"Ref":"IdleMinutes"}');
    expect(content).toContain('{"Ref":"Bucket83908E77"}');
  });

  test('code repositories: a URL, an existing one by name, a new one with credentials', () => {
    const stack = plainStack();
    const secret = new secretsmanager.Secret(stack, 'GitToken');
    notebook(stack, {
      defaultCodeRepository: NotebookCodeRepository.fromGit({ repositoryUrl: 'https://github.com/org/private.git', branch: 'main', secret }),
      additionalCodeRepositories: [NotebookCodeRepository.fromUrl('https://github.com/org/public.git'), NotebookCodeRepository.fromName('team-repo')],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::CodeRepository', {
      CodeRepositoryName: Match.stringLikeRegexp('^test-notebook-coderepository-[0-9a-f]{8}$'),
      GitConfig: { RepositoryUrl: 'https://github.com/org/private.git', Branch: 'main', SecretArn: { Ref: Match.stringLikeRegexp('^GitToken') } },
    });
    template.hasResourceProperties('AWS::SageMaker::NotebookInstance', {
      DefaultCodeRepository: { 'Fn::GetAtt': [Match.stringLikeRegexp('^NotebookCodeRepository'), 'CodeRepositoryName'] },
      AdditionalCodeRepositories: ['https://github.com/org/public.git', 'team-repo'],
    });
    expect(actions(stack)).toEqual(expect.arrayContaining(['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret']));
  });

  test('fromNotebookInstanceName: ARN, grantOpen, grantStartStop', () => {
    const stack = plainStack();
    const imported = NotebookInstance.fromNotebookInstanceName(stack, 'Imported', 'Data-Science');
    const user = new iam.Role(stack, 'User', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantOpen(user);
    imported.grantStartStop(user);
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sagemaker:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':notebook-instance/data-science']] };
    expect(stack.resolve(imported.notebookInstanceArn)).toEqual(arn);
    expect(stack.resolve(imported.notebookInstanceRef.notebookInstanceArn)).toEqual(arn);
    expect(imported.notebookInstanceName).toBe('Data-Science');
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          { Action: ['sagemaker:CreatePresignedNotebookInstanceUrl', 'sagemaker:DescribeNotebookInstance'], Effect: 'Allow', Resource: arn },
          { Action: ['sagemaker:StartNotebookInstance', 'sagemaker:StopNotebookInstance', 'sagemaker:DescribeNotebookInstance'], Effect: 'Allow', Resource: arn },
        ],
      },
    });
  });

  describe('synth errors', () => {
    const cases: Array<[string, (stack: Stack) => void, RegExp]> = [
      ['several problems at once', (s) => notebook(s, { notebookInstanceName: 'bad_name', volumeSizeGb: 4, instanceType: InstanceType.of('ml.m5.large') }),
        /^\[Test\/Notebook\] 3 problems in NotebookInstance props:\n {2}- invalid notebookInstanceName 'bad_name' \(length 8\): use 1-63 letters.*\n {2}- invalid instanceType 'ml\.m5\.large': not a notebook instance type \(the m5 types allowed are ml\.m5\.12xlarge, .*\n {2}- invalid volumeSizeGb 4: use a whole number from 5 to 16384$/],
      ['instance type shape', (s) => notebook(s, { instanceType: InstanceType.unlisted('m5.large') }), /^\[Test\/Notebook\] invalid instanceType 'm5\.large': use an ML instance type like 'ml\.m5\.xlarge'$/],
      ['volume too large', (s) => notebook(s, { volumeSizeGb: 16385 }), /^\[Test\/Notebook\] invalid volumeSizeGb 16385: use a whole number from 5 to 16384$/],
      ['retired platform', (s) => notebook(s, { platform: NotebookPlatform.of('notebook-al2-v1') }), /^\[Test\/Notebook\] platform 'notebook-al2-v1' has reached its end of support: use NotebookPlatform\.AL2023_V1 or NotebookPlatform\.AL2_V3$/],
      ['unknown platform', (s) => notebook(s, { platform: NotebookPlatform.of('al2023') }), /^\[Test\/Notebook\] invalid platform 'al2023': use one of notebook-al2023-v1, notebook-al2-v3$/],
      ['no security group', (s) => notebook(s, { securityGroups: [] }), /^\[Test\/Notebook\] securityGroups has 0 entries: use 1 to 5 \(or leave it out for a new one\)$/],
      ['too many repositories', (s) => notebook(s, { additionalCodeRepositories: ['a', 'b', 'c', 'd'].map((n) => NotebookCodeRepository.fromName(n)) }), /^\[Test\/Notebook\] additionalCodeRepositories has 4 entries: at most 3$/],
      ['bad tags', (s) => notebook(s, { tags: { 'aws:team': 'x' } }), /^\[Test\/Notebook\] tags key 'aws:team' uses the reserved prefix 'aws:'$/],
      ['lifecycleConfig with own scripts', (s) => notebook(s, { lifecycleConfig: NotebookLifecycleConfig.fromNotebookLifecycleConfigName(s, 'C', 'c'), idleTimeout: Duration.hours(1), autoStop: true }),
        /^\[Test\/Notebook\] idleTimeout, autoStop: true cannot be combined with lifecycleConfig, which the instance cannot change: put them in that configuration/],
      ['autoStop false with idleTimeout', (s) => notebook(s, { autoStop: false, idleTimeout: Duration.hours(2) }), /^\[Test\/Notebook\] idleTimeout 2 hours was given with autoStop: false: drop one of them$/],
      ['idle timeout out of range', (s) => notebook(s, { idleTimeout: Duration.minutes(2) }), /^\[Test\/Notebook\/LifecycleConfig\] invalid idleTimeout 2 minutes: use whole minutes from 5 to 43200 \(5 minutes to 30 days\)$/],
      ['public subnets only', (s) => notebook(s, { vpc: ec2.Vpc.fromVpcAttributes(s, 'Pub', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], publicSubnetIds: ['subnet-0123456789abcdef0'] }) }),
        /^\[Test\/Notebook\] the vpc has no private subnets \(isolated or with egress\): pass a vpc with private subnets, or vpcSubnets selecting the subnet to use$/],
      ['selection of no subnet', (s) => notebook(s, { vpcSubnets: { subnetGroupName: 'Missing' } }), /^\[Test\/Notebook\] cannot select a subnet: There are no subnet groups with name 'Missing'.*pass vpcSubnets selecting subnets of the vpc$/],
      ['script over the base64 limit', (s) => notebook(s, { onStart: [NotebookScript.fromString('#'.repeat(12000))] }),
        /^\[Test\/Notebook\/LifecycleConfig\] onStart is \d+ characters in base64 \(\d+ bytes, 2 scripts merged\): the API takes at most 16384 \(about 12 KiB of script\)/],
      ['empty script and missing file', (s) => notebook(s, { onCreate: [NotebookScript.fromString('  '), NotebookScript.fromFile('/nonexistent/setup.sh')] }),
        /^\[Test\/Notebook\/LifecycleConfig\] 2 problems in NotebookLifecycleConfig props:\n {2}- onCreate\[0\] has an empty script: give a script, or leave it out\n {2}- onCreate\[1\]: cannot read the script file '\/nonexistent\/setup\.sh' \(ENOENT\): give a readable file$/],
      ['lifecycle configuration with nothing to run', (s) => new NotebookLifecycleConfig(s, 'Config'), /^\[Test\/Config\] a lifecycle configuration needs something to run: give onCreate or onStart scripts, or idleTimeout$/],
      ['lifecycle configuration name', (s) => new NotebookLifecycleConfig(s, 'Config', { notebookInstanceLifecycleConfigName: '-x', idleTimeout: Duration.hours(1) }), /^\[Test\/Config\] invalid notebookInstanceLifecycleConfigName '-x' \(length 2\)/],
      ['imported lifecycle configuration name', (s) => NotebookLifecycleConfig.fromNotebookLifecycleConfigName(s, 'Imported', 'a'.repeat(64)), /^\[Test\/Imported\] invalid notebookInstanceLifecycleConfigName 'a{64}' \(length 64\)/],
      ['imported instance name', (s) => NotebookInstance.fromNotebookInstanceName(s, 'Imported', 'has space'), /^\[Test\/Imported\] invalid notebookInstanceName 'has space' \(length 9\)/],
      ['git repository', (s) => notebook(s, { defaultCodeRepository: NotebookCodeRepository.fromGit({ repositoryUrl: 'http://x', branch: 'a b', codeRepositoryName: 'bad_name' }) }),
        /^\[Test\/Notebook\] 3 problems in NotebookInstance code repositories:\n {2}- invalid defaultCodeRepository repositoryUrl 'http:\/\/x': use an https:\/\/ git URL of 11-1024 characters\n {2}- invalid defaultCodeRepository branch 'a b': use 1-1024 characters without spaces or any of ~\^:\?\*\[\n {2}- invalid defaultCodeRepository codeRepositoryName 'bad_name'/],
      ['repository URL and name', (s) => notebook(s, { defaultCodeRepository: NotebookCodeRepository.fromUrl('git@github.com:org/repo.git'), additionalCodeRepositories: [NotebookCodeRepository.fromName('no_underscores')] }),
        /^\[Test\/Notebook\] 2 problems in NotebookInstance code repositories:\n {2}- invalid defaultCodeRepository URL 'git@github\.com:org\/repo\.git': use an https:\/\/ git URL of at most 1024 characters\n {2}- invalid additionalCodeRepositories\[0\] name 'no_underscores'/],
    ];
    test.each(cases)('%s', (_name, build, error) => {
      expect(() => build(plainStack())).toThrow(error);
    });
  });

  test('validity: no cdk-nag or CloudFormation finding with defaults (SageMaker SM1-SM3 pass unacknowledged)', () => {
    const stack = testStack();
    notebook(stack);
    expectNoFindings(stack);
    // Only the library's own acknowledgement of the log wildcards its grants write (AwsSolutions-IAM5, per finding).
    expect(acknowledgements(stack).map((a) => `${a.path} ${a.id}`)).toEqual([
      'Test/Notebook/Role/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/NotebookInstances:*]',
      'Test/Notebook/Role/Policy/Resource AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/sagemaker/NotebookInstances:log-stream:test-notebook-0c9b0f33/*]',
    ]);
  });
});
