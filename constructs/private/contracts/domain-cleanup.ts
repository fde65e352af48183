export const DOMAIN_CLEANUP_RESOURCE_TYPE = 'Custom::StudioDomainCleanup';

/** What StudioDomain writes for its teardown. */
export interface DomainCleanupProperties {
  readonly DomainId: string;
  readonly Mode: 'DESTROY' | 'RETAIN';
  readonly DeleteDomain: 'true' | 'false';
  readonly HomeEfsFileSystemId?: string;
  readonly VpcId?: string;
  /** Profiles and spaces the stack itself declares (CloudFormation deletes them after the apps). */
  readonly StackUserProfiles?: string[];
  readonly StackSpaces?: string[];
}
