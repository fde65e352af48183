export * from './data-bucket';
export * from './data-seed';
