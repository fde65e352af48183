export const LATEST_APPROVED_RESOURCE_TYPE = 'Custom::SageMakerLatestApprovedModelPackage';

/** What LatestApprovedModelPackage writes: the group's name (same account) or ARN, and a refresh token. */
export interface LatestApprovedProperties {
  readonly ModelPackageGroupName: string;
  readonly Nonce?: string;
}

/** The attributes the handler returns. */
export type LatestApprovedAttribute = 'ModelPackageArn' | 'ModelPackageVersion' | 'ModelDataUrl' | 'Image';
