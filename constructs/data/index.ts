export * from './data-bucket';
