/** Validates the options of `openSecretStore` once, reads the SPC and picks the cache. */
import { KuraClosedError, KuraConfigError } from '../errors.js';
import type { SecretProviderClass } from '../spec/model.js';
import { readSecretProviderClass } from '../spec/parse-secret-provider-class.js';
import { resolveCacheOptions } from './resolve-cache-options.js';
import { SharedSecretsCache } from './secrets-cache.js';
import type { SecretStoreOptions, SourcePolicy } from './types.js';

export interface ResolvedStoreOptions {
  readonly spc: SecretProviderClass;
  readonly policy: SourcePolicy;
  readonly mountDir: string | undefined;
  readonly settleMs: number | undefined;
  readonly cache: SharedSecretsCache;
  /** True when the store created the cache and closes it. */
  readonly ownsCache: boolean;
}

const policies: readonly SourcePolicy[] = ['aws', 'files', 'auto'];

/** Options that configure a cache, so they conflict with a `cache` passed in. */
const cacheOptionNames = [
  'awsSource',
  'clientConfig',
  'refreshIntervalMs',
  'backoff',
  'clock',
] as const;

export async function resolveStoreOptions(
  options: SecretStoreOptions,
): Promise<ResolvedStoreOptions> {
  const policy = options.source ?? (options.mountDir === undefined ? 'aws' : 'auto');
  if (!policies.includes(policy)) {
    throw new KuraConfigError(
      `invalid source "${String(policy)}": write "aws" (fetch only), "files" (mount dir only) or "auto" (AWS first, mount dir as fallback)`,
    );
  }
  if (policy !== 'aws' && options.mountDir === undefined) {
    throw new KuraConfigError(
      `source "${policy}" reads the mount dir, but mountDir is not set: set mountDir (such as /mnt/secrets-store) or use source "aws"`,
    );
  }

  const spc = await loadSpc(options);
  const { cache, ownsCache } = pickCache(options, spc.region);
  return Object.freeze({
    spc,
    policy,
    mountDir: options.mountDir,
    settleMs: options.settleMs,
    cache,
    ownsCache,
  });
}

/** Creates the store's own cache, reading the SPC's region by default, or checks the one passed in. */
function pickCache(
  options: SecretStoreOptions,
  region: string,
): { cache: SharedSecretsCache; ownsCache: boolean } {
  if (options.cache === undefined) {
    const cacheOptions = resolveCacheOptions({
      region,
      ...(options.awsSource === undefined ? {} : { source: options.awsSource }),
      ...(options.clientConfig === undefined ? {} : { clientConfig: options.clientConfig }),
      ...(options.refreshIntervalMs === undefined
        ? {}
        : { refreshIntervalMs: options.refreshIntervalMs }),
      ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    });
    return { cache: new SharedSecretsCache(cacheOptions), ownsCache: true };
  }

  if (!(options.cache instanceof SharedSecretsCache)) {
    throw new KuraConfigError('cache must be created by createSecretsCache from @kura/sdk');
  }
  if (options.cache.closed) {
    throw new KuraClosedError('the cache passed to openSecretStore is closed; pass an open one');
  }
  for (const name of cacheOptionNames) {
    if (options[name] !== undefined) {
      throw new KuraConfigError(
        `${name} cannot be combined with cache: set it on createSecretsCache, or leave out cache`,
      );
    }
  }
  return { cache: options.cache, ownsCache: false };
}

async function loadSpc(options: SecretStoreOptions): Promise<SecretProviderClass> {
  if (typeof options.spc === 'string') {
    return readSecretProviderClass(
      options.spc,
      options.spcName === undefined ? {} : { spcName: options.spcName },
    );
  }
  if (options.spcName !== undefined && options.spcName !== options.spc.name) {
    throw new KuraConfigError(
      `spcName "${options.spcName}" does not match the SecretProviderClass passed in (${options.spc.name}); leave out spcName or pass a file path`,
    );
  }
  return options.spc;
}
