export * from './expressions';
export * from './conditions';
export * from './steps';
export * from './pipeline';
