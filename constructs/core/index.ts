// Types every area shares: S3 locations, instance types, container images, network options.
export * from './container-image';
export * from './aws-image-options';
export * from './neo';
export * from './instance-type';
export * from './s3-location';
export * from './network';
export * from './grant-findings';
