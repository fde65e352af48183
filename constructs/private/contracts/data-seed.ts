export const DATA_SEED_RESOURCE_TYPE = 'Custom::SageMakerDataSeed';

/** What DataSeed writes. */
export interface DataSeedProperties {
  readonly SourceBucket: string;
  readonly SourceKey: string;
  readonly DestinationBucket: string;
  readonly DestinationKey: string;
  readonly RemoveOnDelete: 'true' | 'false';
}
