export const RESTRICT_DEFAULT_SG_RESOURCE_TYPE = 'Custom::VpcRestrictDefaultSG';

/** What the isolated VPC writes to empty its default security group. */
export interface RestrictDefaultSgProperties {
  readonly DefaultSecurityGroupId: string;
  readonly Account: string;
}
