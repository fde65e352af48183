export * from './jumpstart-model';
