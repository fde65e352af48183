export * from './model-registry';
export * from './latest-approved';
export * from './model-package';
export * from './model-card';
export * from './mlflow-tracking-server';
export * from './model-hub';
