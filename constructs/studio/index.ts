export * from './studio-domain';
export * from './user-profile';
export * from './space';
export * from './lifecycle-config';
export * from './network';
