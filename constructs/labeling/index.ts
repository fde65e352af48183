export * from './workforce';
export * from './work-team';
export * from './human-task-ui';
export * from './labeling-job-spec';
export * from './flow-definition-spec';
