// Package entry: re-exports only.
export * from './core';
export * from './data';
export * from './registry';
export * from './studio';
export * from './training';
export * from './pipelines';
export * from './hosting';
export * from './testing';
export * from './notebooks';
export * from './labeling';
export * from './jumpstart';
