import { CfnSpace } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { StudioAppType } from './lifecycle-config';
import type { StudioDomain } from './studio-domain';
import type { StudioUserProfile } from './user-profile';

/** Who may use a space. */
export enum SpaceSharing {
  /** Only the owning user profile. */
  PRIVATE = 'Private',
  /** Every user profile of the domain. */
  SHARED = 'Shared',
}

/** Options of `addSpace`. */
export interface SpaceOptions {
  /** The user profile that owns the space. */
  readonly owner: StudioUserProfile;
  /**
   * The application of the space.
   * @default StudioAppType.JUPYTER_LAB
   */
  readonly appType?: StudioAppType;
  /**
   * Private to the owner or shared with the domain.
   * @default SpaceSharing.PRIVATE
   */
  readonly sharing?: SpaceSharing;
  /**
   * EBS volume size of the space in GiB (the domain's default size to its maximum).
   * @default - the domain's default space size
   */
  readonly ebsSizeGb?: number;
  /**
   * The display name shown in Studio.
   * @default - the space name
   */
  readonly displayName?: string;
}

/** A Studio space created by `StudioDomain.addSpace`. */
export class StudioSpace extends Construct {
  /** The space's name. */
  public readonly spaceName: string;
  /**
   * The space's ARN.
   * @attribute
   */
  public readonly spaceArn: string;
  /** The underlying resource. */
  public readonly resource: CfnSpace;

  /** @internal */
  constructor(scope: Construct, id: string, domain: StudioDomain, name: string, options: SpaceOptions, ebsSizeGb: number) {
    super(scope, id);
    this.spaceName = name;
    const appType = options.appType ?? StudioAppType.JUPYTER_LAB;
    this.resource = new CfnSpace(this, 'Resource', {
      domainId: domain.domainId,
      spaceName: name,
      spaceDisplayName: options.displayName,
      ownershipSettings: { ownerUserProfileName: options.owner.userProfileName },
      spaceSharingSettings: { sharingType: options.sharing ?? SpaceSharing.PRIVATE },
      spaceSettings: {
        appType,
        spaceStorageSettings: { ebsStorageSettings: { ebsVolumeSizeInGb: ebsSizeGb } },
      },
    });
    this.resource.node.addDependency(options.owner.resource);
    this.spaceArn = this.resource.attrSpaceArn;
  }
}
