import * as iam from 'aws-cdk-lib/aws-iam';
import { CfnUserProfile } from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import type { StudioDomain } from './studio-domain';

/** Options of `addUserProfile`. */
export interface UserProfileOptions {
  /**
   * The profile's own execution role. The domain gives it what it gives its own role for Studio
   * (apps in the domain's spaces, the domain's KMS key, network interfaces in its VPC, logs under
   * `/aws/sagemaker/`, passing itself to SageMaker), in a customer-managed policy of the profile
   * (`<profile>/ExecutionRolePolicy`) attached to the role, once per role. A role this app cannot
   * change (imported with `mutable: false`, or from another account) gets a synth warning listing
   * those permissions instead. `grant*()` to the domain go to the domain's role only: grant to
   * this role directly.
   * @default - the domain's execution role
   */
  readonly executionRole?: iam.IRole;
  /**
   * The Identity Center user name. Required with `StudioAuthMode.SSO`, not allowed with IAM.
   * @default - none (IAM mode)
   */
  readonly singleSignOnUserValue?: string;
  /**
   * The Identity Center user attribute `singleSignOnUserValue` names.
   * @default 'UserName' with SSO
   */
  readonly singleSignOnUserIdentifier?: string;
}

/** A Studio user profile created by `StudioDomain.addUserProfile`. */
export class StudioUserProfile extends Construct {
  /** The profile's name. */
  public readonly userProfileName: string;
  /**
   * The profile's ARN.
   * @attribute
   */
  public readonly userProfileArn: string;
  /** The underlying resource. */
  public readonly resource: CfnUserProfile;

  /** @internal */
  constructor(scope: Construct, id: string, domain: StudioDomain, name: string, options: UserProfileOptions) {
    super(scope, id);
    this.userProfileName = name;
    this.resource = new CfnUserProfile(this, 'Resource', {
      domainId: domain.domainId,
      userProfileName: name,
      singleSignOnUserIdentifier: options.singleSignOnUserValue ? options.singleSignOnUserIdentifier ?? 'UserName' : undefined,
      singleSignOnUserValue: options.singleSignOnUserValue,
      userSettings: options.executionRole ? { executionRole: options.executionRole.roleArn } : undefined,
    });
    this.userProfileArn = this.resource.attrUserProfileArn;
  }
}
