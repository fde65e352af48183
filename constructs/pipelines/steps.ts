// The pipeline steps, one file per family; this module gathers them.
export * from './step';
export * from './job-steps';
export * from './model-steps';
export * from './control-steps';
export * from './callback-steps';
export * from './emr-step';
export * from './automl-step';
export * from './notebook-job-step';
export * from './check-steps';
export * from './endpoint-steps';
