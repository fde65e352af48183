// Studio props and names from tokens (CfnParameter values): accepted and rendered for CloudFormation
// to check at deploy, or refused at synth with the reason a literal is needed.
import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SpaceSharing, StudioAppType, StudioAuthMode, StudioDomain, StudioDomainProps, StudioNetworkMode } from '../../../constructs';
import { plainStack } from '../../support/stacks';

const text = (s: Stack, id = 'P') => new CfnParameter(s, id).valueAsString;
const num = (s: Stack, id = 'N') => new CfnParameter(s, id, { type: 'Number' }).valueAsNumber;

function domainProps(template: Template): any {
  return (Object.values(template.findResources('AWS::SageMaker::Domain'))[0] as any).Properties;
}

describe('Studio names from tokens', () => {
  test('addUserProfile and addSpace take token names: rendered as Refs, in the cleanup lists, ids without the token', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const owner = domain.addUserProfile(text(stack, 'User'));
    const space = domain.addSpace(text(stack, 'SpaceName'), { owner });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::UserProfile', { UserProfileName: { Ref: 'User' } });
    template.hasResourceProperties('AWS::SageMaker::Space', { SpaceName: { Ref: 'SpaceName' }, OwnershipSettings: { OwnerUserProfileName: { Ref: 'User' } } });
    template.hasResourceProperties('Custom::StudioDomainCleanup', { StackUserProfiles: [{ Ref: 'User' }], StackSpaces: [{ Ref: 'SpaceName' }] });
    expect(owner.node.id).toMatch(/^UserProfileToken-[0-9a-f]{8}$/);
    expect(space.node.id).toMatch(/^SpaceToken-[0-9a-f]{8}$/);
  });

  test('literal names keep their ids (existing templates do not change)', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const alice = domain.addUserProfile('alice');
    const lab = domain.addSpace('lab', { owner: alice });
    expect(alice.node.id).toBe('UserProfile-alice');
    expect(lab.node.id).toBe('Space-lab');
    expect(stack.getLogicalId(alice.resource)).toMatch(/^StudioUserProfilealice[0-9A-F]{8}$/);
  });

  test('the id of a token name depends on what the token stands for, not on the order the app made tokens in', () => {
    const profileLogicalId = (extraTokensFirst: boolean) => {
      const stack = plainStack();
      if (extraTokensFirst) for (let i = 0; i < 5; i++) text(stack, `Other${i}`);
      const profile = new StudioDomain(stack, 'Studio').addUserProfile(text(stack, 'User'));
      return stack.getLogicalId(profile.resource);
    };
    expect(profileLogicalId(true)).toBe(profileLogicalId(false));
  });

  test('the same token twice is a duplicate', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio');
    const param = new CfnParameter(stack, 'User');
    domain.addUserProfile(param.valueAsString);
    expect(() => domain.addUserProfile(param.valueAsString)).toThrow(/^\[Test\/Studio\] user profile \{"Ref":"User"\} \(a token\) was already added/);
  });
});

describe('Studio props from tokens that CloudFormation checks at deploy', () => {
  test.each<[string, (s: Stack) => StudioDomainProps, (props: any) => void]>([
    ['domainName', (s) => ({ domainName: text(s) }), (p) => expect(p.DomainName).toEqual({ Ref: 'P' })],
    ['idleTimeout in minutes: the timeout and the longest users may choose', (s) => ({ idleTimeout: Duration.minutes(num(s)) }), (p) => {
      expect(p.DefaultUserSettings.JupyterLabAppSettings.AppLifecycleManagement.IdleSettings).toEqual({ LifecycleManagement: 'ENABLED', IdleTimeoutInMinutes: { Ref: 'N' }, MinIdleTimeoutInMinutes: 60, MaxIdleTimeoutInMinutes: { Ref: 'N' } });
    }],
    ['defaultSpaceEbsSizeGb, with maxSpaceEbsSizeGb', (s) => ({ defaultSpaceEbsSizeGb: num(s), maxSpaceEbsSizeGb: 200 }), (p) => {
      expect(p.DefaultUserSettings.SpaceStorageSettings.DefaultEbsStorageSettings).toEqual({ DefaultEbsVolumeSizeInGb: { Ref: 'N' }, MaximumEbsVolumeSizeInGb: 200 });
    }],
    ['maxSpaceEbsSizeGb', (s) => ({ maxSpaceEbsSizeGb: num(s) }), (p) => {
      expect(p.DefaultUserSettings.SpaceStorageSettings.DefaultEbsStorageSettings).toEqual({ DefaultEbsVolumeSizeInGb: 5, MaximumEbsVolumeSizeInGb: { Ref: 'N' } });
    }],
    ['both volume sizes', (s) => ({ defaultSpaceEbsSizeGb: num(s, 'D'), maxSpaceEbsSizeGb: num(s, 'M') }), (p) => {
      expect(p.DefaultUserSettings.SpaceStorageSettings.DefaultEbsStorageSettings).toEqual({ DefaultEbsVolumeSizeInGb: { Ref: 'D' }, MaximumEbsVolumeSizeInGb: { Ref: 'M' } });
    }],
  ])('%s', (_name, props, check) => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio', props(stack));
    check(domainProps(Template.fromStack(stack)));
  });

  test('space ebsSizeGb, displayName, appType and sharing; a literal size against a token maximum', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { maxSpaceEbsSizeGb: num(stack, 'Max') });
    const owner = domain.addUserProfile('alice');
    domain.addSpace('lab', { owner, ebsSizeGb: num(stack, 'Size'), displayName: text(stack, 'Display'), appType: text(stack, 'App') as StudioAppType, sharing: text(stack, 'Sharing') as SpaceSharing });
    domain.addSpace('big', { owner, ebsSizeGb: 500 });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SageMaker::Space', {
      SpaceName: 'lab',
      SpaceDisplayName: { Ref: 'Display' },
      SpaceSharingSettings: { SharingType: { Ref: 'Sharing' } },
      SpaceSettings: { AppType: { Ref: 'App' }, SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: { Ref: 'Size' } } } },
    });
    template.hasResourceProperties('AWS::SageMaker::Space', { SpaceName: 'big', SpaceSettings: { SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: 500 } } } });
  });

  test('a space takes the token default size of the domain', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { defaultSpaceEbsSizeGb: num(stack, 'DefaultSize'), maxSpaceEbsSizeGb: 50 });
    domain.addSpace('lab', { owner: domain.addUserProfile('alice') });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::Space', { SpaceSettings: { SpaceStorageSettings: { EbsStorageSettings: { EbsVolumeSizeInGb: { Ref: 'DefaultSize' } } } } });
  });

  test('SSO user values and identifiers', () => {
    const stack = plainStack();
    const domain = new StudioDomain(stack, 'Studio', { authMode: StudioAuthMode.SSO });
    domain.addUserProfile('bob', { singleSignOnUserValue: text(stack, 'Value'), singleSignOnUserIdentifier: text(stack, 'Identifier') });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::UserProfile', { SingleSignOnUserValue: { Ref: 'Value' }, SingleSignOnUserIdentifier: { Ref: 'Identifier' } });
  });

  test('lifecycle config script (encoded by CloudFormation) and name', () => {
    const stack = plainStack();
    new StudioDomain(stack, 'Studio').addLifecycleConfig('Setup', { appType: StudioAppType.JUPYTER_LAB, script: text(stack, 'Script'), name: text(stack, 'Name') });
    Template.fromStack(stack).hasResourceProperties('AWS::SageMaker::StudioLifecycleConfig', { StudioLifecycleConfigContent: { 'Fn::Base64': { Ref: 'Script' } }, StudioLifecycleConfigName: { Ref: 'Name' } });
  });

  test('an imported domain id', () => {
    const stack = plainStack();
    const imported = StudioDomain.fromDomainAttributes(stack, 'Imported', { domainId: text(stack, 'DomainId') });
    expect(JSON.stringify(stack.resolve(imported.domainArn))).toContain('{"Ref":"DomainId"}');
  });
});

describe('Studio props that need a literal say so, and why', () => {
  test.each<[string, (s: Stack) => unknown, RegExp]>([
    ['idleTimeout from a token in hours', (s) => new StudioDomain(s, 'Studio', { idleTimeout: Duration.hours(num(s)) }),
      /^\[Test\/Studio\] idleTimeout is a deploy-time value in a unit other than minutes: give it as Duration.minutes\(<token>\)/],
    ['defaultSpaceEbsSizeGb from a token without maxSpaceEbsSizeGb', (s) => new StudioDomain(s, 'Studio', { defaultSpaceEbsSizeGb: num(s) }),
      /^\[Test\/Studio\] defaultSpaceEbsSizeGb is a token \(checked at deploy\), so the default maxSpaceEbsSizeGb.*cannot be computed at synth: pass maxSpaceEbsSizeGb too/],
    ['a literal space size above SageMaker\'s maximum, against a token maximum', (s) => {
      const d = new StudioDomain(s, 'Studio', { maxSpaceEbsSizeGb: num(s) });
      d.addSpace('lab', { owner: d.addUserProfile('alice'), ebsSizeGb: 20000 });
    }, /invalid ebsSizeGb 20000 for space 'lab': use a whole number of GiB from 5 to 16384 \(the domain's maxSpaceEbsSizeGb is a token, checked at deploy\)/],
    ['a literal maximum below 5 against a token default', (s) => new StudioDomain(s, 'Studio', { defaultSpaceEbsSizeGb: num(s), maxSpaceEbsSizeGb: 2 }),
      /invalid maxSpaceEbsSizeGb 2: use a whole number of GiB from defaultSpaceEbsSizeGb \(a token; at least 5\) to 16384/],
    ['networkMode', (s) => new StudioDomain(s, 'Studio', { networkMode: text(s) as StudioNetworkMode }),
      /^\[Test\/Studio\] networkMode is an unresolved token .*: it needs a literal value, because it decides at synth what the domain creates/],
    ['authMode', (s) => new StudioDomain(s, 'Studio', { authMode: text(s) as StudioAuthMode }),
      /^\[Test\/Studio\] authMode is an unresolved token .*: it needs a literal value, because it decides at synth what each user profile needs/],
    ['lifecycle config scriptFile', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig('Setup', { appType: StudioAppType.JUPYTER_LAB, scriptFile: text(s) }),
      /^\[Test\/Studio\] scriptFile of lifecycle config 'Setup' is an unresolved token .*: it needs a literal value, because the file is read at synth/],
    ['lifecycle config appType', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig('Setup', { appType: text(s) as StudioAppType, script: 'echo hi' }),
      /^\[Test\/Studio\] appType of lifecycle config 'Setup' is an unresolved token .*because it decides at synth which app type's settings offer the configuration/],
    ['lifecycle config id', (s) => new StudioDomain(s, 'Studio').addLifecycleConfig(text(s), { appType: StudioAppType.JUPYTER_LAB, script: 'echo hi' }),
      /^\[Test\/Studio\] lifecycle config id is an unresolved token .*because it is a construct id/],
  ])('%s', (_name, build, error) => {
    expect(() => build(plainStack())).toThrow(error);
  });
});
