export {
  type AwsClientConfig,
  type AwsSourceOptions,
  createAwsSource,
} from './aws/aws-source.js';
export { type LoadObjectsOptions, loadObjects } from './aws/load-objects.js';
export type * from './aws/types.js';
export type { BackoffPolicy } from './cache/backoff.js';
export { type Clock, systemClock, type TimerHandle } from './cache/clock.js';
export { hashContent } from './cache/content.js';
export { openSecretStore } from './cache/secret-store.js';
export { createSecretsCache } from './cache/secrets-cache.js';
export type * from './cache/types.js';
export * from './errors.js';
export { type ExtractSubject, extractJmesPath } from './extract/extract-jmes-path.js';
export { type ReadMountDirOptions, readMountDir } from './mount/read-mount-dir.js';
export type * from './mount/types.js';
export { type WatchMountDirOptions, watchMountDir } from './mount/watch-mount-dir.js';
export { type WriteMountDirOptions, writeMountDir } from './mount/write-mount-dir.js';
export * from './secret-objects/format-secrets-yaml.js';
export * from './secret-objects/kubernetes-names.js';
export * from './secret-objects/render-secret-objects.js';
export * from './secret-objects/resolve-secret-object.js';
export * from './secret-objects/secret-objects-to-env.js';
export * from './secret-objects/tls.js';
export type * from './spec/model.js';
export {
  type ParseSecretProviderClassOptions,
  parseSecretProviderClass,
  type ReadSecretProviderClassOptions,
  readSecretProviderClass,
} from './spec/parse-secret-provider-class.js';
