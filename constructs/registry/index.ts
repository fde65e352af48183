export * from './model-registry';
export * from './latest-approved';
