export * from './errors.js';
export type * from './spec/model.js';
export * from './secret-objects/kubernetes-names.js';
export * from './secret-objects/render-secret-objects.js';
export * from './secret-objects/resolve-secret-object.js';
export * from './secret-objects/secret-objects-to-env.js';
export * from './secret-objects/tls.js';
export type * from './aws/types.js';
export {
  type AwsClientConfig,
  type AwsSourceOptions,
  createAwsSource,
} from './aws/aws-source.js';
export { type LoadObjectsOptions, loadObjects } from './aws/load-objects.js';
export { type ExtractSubject, extractJmesPath } from './extract/extract-jmes-path.js';
