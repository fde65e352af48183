export * from './training-spec';
export * from './tuning-spec';
export * from './processing-spec';
export * from './training-job';
export * from './tuning-job';
export * from './processing-job';
