export * from './data-bucket';
export * from './data-seed';
export * from './feature-group';
