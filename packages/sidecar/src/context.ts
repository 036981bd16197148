/** Shared input of every route handler: the options the app was built with and its live state. */
import type { SecretProviderClass, SecretStore, SecretsCache } from '@kura/sdk';
import type { SourceOption } from './config.js';
import type { ListedIds } from './listed-ids.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';

export interface RouteContext {
  readonly logger: Logger;
  readonly metrics: Metrics;
  /** Lazy cache for the Agent and Lambda endpoints; the store reads through the same one. */
  readonly cache: SecretsCache;
  readonly spc: SecretProviderClass | undefined;
  /** Ids the Agent and Lambda endpoints serve; undefined without an SPC. */
  readonly listed: ListedIds | undefined;
  readonly allowUnlisted: boolean;
  readonly source: SourceOption;
  /** The SPC's store once its first load finished; undefined before, and without an SPC. */
  store(): SecretStore | undefined;
}
