export * from './errors.js';
export type * from './spec/model.js';
