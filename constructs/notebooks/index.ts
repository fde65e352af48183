export * from './lifecycle-config';
export * from './notebook-instance';
