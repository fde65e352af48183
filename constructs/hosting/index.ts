export * from './model-data';
export * from './model';
export * from './endpoint-deployment';
export * from './endpoint-scaling';
export * from './endpoint';
export * from './monitor';
export * from './alerts-topic';
