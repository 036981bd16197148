/** Validates the options of `openSecretStore` once, reads the SPC and picks the cache. */
import { KuraClosedError, KuraConfigError } from '../errors.js';
import type { SecretProviderClass } from '../spec/model.js';
import { readSecretProviderClass } from '../spec/parse-secret-provider-class.js';
import {
  invalidField,
  optionalDurationMs,
  optionalMethods,
  optionalString,
  requireObjectWithNames,
} from './check-options.js';
import { awsSourceMethods, resolveCacheOptions } from './resolve-cache-options.js';
import { SharedSecretsCache } from './secrets-cache.js';
import type { SecretStoreOptions, SourcePolicy } from './types.js';

const caller = 'openSecretStore';

export interface ResolvedStoreOptions {
  readonly spc: SecretProviderClass;
  readonly policy: SourcePolicy;
  readonly mountDir: string | undefined;
  readonly settleMs: number | undefined;
  /** Time the first load may spend retrying retryable failures, in milliseconds. */
  readonly firstLoadTimeoutMs: number;
  readonly cache: SharedSecretsCache;
  /** True when the store created the cache and closes it. */
  readonly ownsCache: boolean;
}

/** Default of `firstLoadTimeoutMs`: 30 s, which allows four or five retries at the default backoff. */
export const defaultFirstLoadTimeoutMs = 30_000;

const policies: readonly SourcePolicy[] = ['aws', 'files', 'auto'];

/** Options that configure a cache, so they conflict with a `cache` passed in. */
const cacheOptionNames = [
  'awsSource',
  'clientConfig',
  'refreshIntervalMs',
  'backoff',
  'clock',
] as const;

/** Option names of `openSecretStore`. */
const storeOptionNames = [
  'spc',
  'spcName',
  'mountDir',
  'source',
  'cache',
  'settleMs',
  'firstLoadTimeoutMs',
  ...cacheOptionNames,
] as const;

const spcExample = "'k8s/secretproviderclass.yaml'";

export async function resolveStoreOptions(rawOptions: unknown): Promise<ResolvedStoreOptions> {
  const options = requireObjectWithNames(
    caller,
    { object: 'options', field: 'option' },
    rawOptions,
    storeOptionNames,
    `{ spc: ${spcExample} }`,
  ) as unknown as SecretStoreOptions;

  checkSpc(options.spc);
  const spcName = optionalString(caller, 'spcName', options.spcName, "'app-secrets'");
  const mountDir = optionalString(caller, 'mountDir', options.mountDir, "'/mnt/secrets-store'");
  const settleMs = optionalDurationMs(caller, 'settleMs', options.settleMs, 0, '50');
  const firstLoadTimeoutMs =
    optionalDurationMs(caller, 'firstLoadTimeoutMs', options.firstLoadTimeoutMs, 0, '30000') ??
    defaultFirstLoadTimeoutMs;

  const policy = options.source ?? (mountDir === undefined ? 'aws' : 'auto');
  if (!policies.includes(policy)) {
    throw invalidField(
      caller,
      'source',
      '"aws" (fetch only), "files" (mount dir only) or "auto" (AWS first, mount dir as fallback)',
      policy,
    );
  }
  if (policy !== 'aws' && mountDir === undefined) {
    throw new KuraConfigError(
      `${caller}: source "${policy}" reads the mount dir, but mountDir is not set: set mountDir (such as /mnt/secrets-store) or use source "aws"`,
    );
  }

  const spc = await loadSpc(options.spc, spcName);
  const { cache, ownsCache } = pickCache(options, spc.region);
  return Object.freeze({ spc, policy, mountDir, settleMs, firstLoadTimeoutMs, cache, ownsCache });
}

/** Checks that `spc` is a manifest path or a parsed SecretProviderClass. */
function checkSpc(spc: unknown): void {
  const expected = `the path of a manifest that holds the SecretProviderClass, such as ${spcExample}, or a SecretProviderClass returned by parseSecretProviderClass`;
  if (spc === undefined) {
    throw new KuraConfigError(`${caller}: spc is missing: pass ${expected}`);
  }
  if (typeof spc === 'string') {
    if (spc.trim() === '') {
      throw invalidField(caller, 'spc', expected, spc);
    }
    return;
  }
  const parsed = spc as Partial<SecretProviderClass> | null;
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !Array.isArray(parsed.objects) ||
    typeof parsed.region !== 'string' ||
    typeof parsed.name !== 'string'
  ) {
    throw invalidField(caller, 'spc', expected, spc);
  }
}

/** Creates the store's own cache, reading the SPC's region by default, or checks the one passed in. */
function pickCache(
  options: SecretStoreOptions,
  region: string,
): { cache: SharedSecretsCache; ownsCache: boolean } {
  if (options.cache === undefined) {
    // The cache calls this option `source`, so it is checked here under the store's name.
    optionalMethods(caller, 'awsSource', options.awsSource, awsSourceMethods, 'an AwsSource');
    const cacheOptions = resolveCacheOptions(
      {
        // An SPC without a region leaves it to AWS_REGION, as createSecretsCache does.
        region: region === '' ? undefined : region,
        source: options.awsSource,
        clientConfig: options.clientConfig,
        refreshIntervalMs: options.refreshIntervalMs,
        backoff: options.backoff,
        clock: options.clock,
      },
      process.env,
      caller,
    );
    return { cache: new SharedSecretsCache(cacheOptions), ownsCache: true };
  }

  if (!(options.cache instanceof SharedSecretsCache)) {
    throw invalidField(caller, 'cache', 'a cache created by createSecretsCache', options.cache);
  }
  if (options.cache.closed) {
    throw new KuraClosedError(
      `${caller}: the cache passed in is closed; pass an open one from createSecretsCache`,
    );
  }
  for (const name of cacheOptionNames) {
    if (options[name] !== undefined) {
      throw new KuraConfigError(
        `${caller}: ${name} cannot be combined with cache: set it on createSecretsCache, or leave out cache`,
      );
    }
  }
  return { cache: options.cache, ownsCache: false };
}

async function loadSpc(
  spc: string | SecretProviderClass,
  spcName: string | undefined,
): Promise<SecretProviderClass> {
  if (typeof spc === 'string') {
    return readSecretProviderClass(spc, spcName === undefined ? {} : { spcName });
  }
  if (spcName !== undefined && spcName !== spc.name) {
    throw new KuraConfigError(
      `${caller}: spcName "${spcName}" does not match the SecretProviderClass passed in (${spc.name}); leave out spcName or pass a file path`,
    );
  }
  return spc;
}
