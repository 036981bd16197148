import { afterEach, describe, expect, it, vi } from 'vitest';
import { openSecretStore } from '../../src/cache/secret-store.js';
import { createSecretsCache } from '../../src/cache/secrets-cache.js';
import { listenerWarningType } from '../../src/cache/store-events.js';
import type { ChangeEvent, SecretStore, SecretStoreOptions } from '../../src/cache/types.js';
import {
  KuraAwsNotFoundError,
  KuraClosedError,
  KuraConfigError,
  KuraExtractError,
  KuraNotFoundError,
} from '../../src/errors.js';
import type { SecretProviderClass } from '../../src/spec/model.js';
import { makeSpc, type ObjectInput } from './fakes/make-spc.js';
import { ManualClock } from './fakes/manual-clock.js';
import { MockAwsSource } from './fakes/mock-aws-source.js';

const intervalMs = 300_000;
const stores: SecretStore[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(stores.splice(0).map((store) => store.close()));
});

function setUp(objects: ObjectInput[]) {
  return { spc: makeSpc(objects), source: new MockAwsSource(), clock: new ManualClock() };
}

async function open(
  spc: SecretProviderClass,
  source: MockAwsSource,
  clock: ManualClock,
): Promise<SecretStore> {
  const store = await openSecretStore({ spc, awsSource: source, clock });
  stores.push(store);
  return store;
}

async function openOneSecret(): Promise<{
  store: SecretStore;
  source: MockAwsSource;
  clock: ManualClock;
}> {
  const { spc, source, clock } = setUp([{ objectName: 'app/db', objectType: 'secretsmanager' }]);
  source.putSecret('app/db', 'pw-1');
  return { store: await open(spc, source, clock), source, clock };
}

/** Replaces process.emitWarning for one test and returns the warnings it received. */
function collectWarnings(): { message: string; type: string | undefined }[] {
  const warnings: { message: string; type: string | undefined }[] = [];
  vi.spyOn(process, 'emitWarning').mockImplementation(((
    warning: string | Error,
    options?: { type?: string },
  ) => {
    warnings.push({ message: String(warning), type: options?.type });
  }) as typeof process.emitWarning);
  return warnings;
}

describe('store.on and store.off', () => {
  it('rejects a missing listener', async () => {
    const { store } = await openOneSecret();

    const listen = () => store.on('change', undefined as unknown as () => void);

    expect(listen).toThrow(KuraConfigError);
    expect(listen).toThrow('store.on: invalid listener for "change": expected a function');
    expect(listen).toThrow('but got undefined');
  });

  it('rejects a listener that is not a function', async () => {
    const { store } = await openOneSecret();

    const listen = () => store.on('error', 'log' as unknown as () => void);

    expect(listen).toThrow(KuraConfigError);
    expect(listen).toThrow('but got the string "log"');
  });

  it('rejects an event name that is not a string', async () => {
    const { store } = await openOneSecret();

    const listen = () => store.on(42 as unknown as 'change', () => {});

    expect(listen).toThrow(KuraConfigError);
    expect(listen).toThrow('unknown event the number 42');
  });

  it('rejects on after close', async () => {
    const { store } = await openOneSecret();
    await store.close();

    expect(() => store.on('change', () => {})).toThrow(KuraClosedError);
  });

  it('checks the arguments of off', async () => {
    const { store } = await openOneSecret();

    expect(() => store.off('bogus' as 'change', () => {})).toThrow(KuraConfigError);
    expect(() => store.off('change', null as unknown as () => void)).toThrow(KuraConfigError);
  });

  it('stops calling a listener after off', async () => {
    const { store, source, clock } = await openOneSecret();
    const changes: string[] = [];
    const listener = (event: ChangeEvent) => changes.push(event.fileName);
    store.on('change', listener);

    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);
    store.off('change', listener);
    source.putSecret('app/db', 'pw-3');
    await clock.advance(intervalMs);

    expect(changes).toEqual(['app_db']);
    expect(store.get('app/db')).toBe('pw-3');
  });
});

describe('store listener that throws', () => {
  it('lets the other listeners run', async () => {
    const warnings = collectWarnings();
    const { store, source, clock } = await openOneSecret();
    const seen: string[] = [];
    store.on('change', function failingListener() {
      throw new TypeError('listener bug');
    });
    store.on('change', (event) => seen.push(event.fileName));

    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);

    expect(seen).toEqual(['app_db']);
    expect(store.get('app/db')).toBe('pw-2');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.type).toBe(listenerWarningType);
    expect(warnings[0]?.message).toContain(
      'a "change" listener (failingListener) of the secret store threw TypeError: listener bug',
    );
  });

  it('keeps the store refreshing', async () => {
    collectWarnings();
    const { store, source, clock } = await openOneSecret();
    store.on('change', () => {
      throw new Error('listener bug');
    });

    source.putSecret('app/db', 'pw-2');
    await clock.advance(intervalMs);
    source.putSecret('app/db', 'pw-3');
    await clock.advance(intervalMs);

    expect(store.get('app/db')).toBe('pw-3');
    expect(clock.pendingDelays()).toHaveLength(1);
  });

  it('warns on the 1st, 10th and 100th failure only', async () => {
    const warnings = collectWarnings();
    const { store, source } = await openOneSecret();
    const errors: string[] = [];
    store.on('error', () => {
      throw new Error('listener bug');
    });
    store.on('error', (event) => errors.push(event.error.code));
    source.failAlways('GetSecretValue', 'notFound');
    source.failAlways('DescribeSecret', 'notFound');

    for (let attempt = 0; attempt < 100; attempt += 1) {
      await store.refresh('app/db').catch(() => {});
    }

    expect(errors).toHaveLength(100);
    expect(warnings).toHaveLength(3);
    expect(warnings[1]?.message).toContain('This listener has thrown 10 times.');
    expect(warnings[2]?.message).toContain('This listener has thrown 100 times.');
  });
});

describe('store.refresh', () => {
  it('resolves after applying the fetched value', async () => {
    const { store, source } = await openOneSecret();
    source.putSecret('app/db', 'pw-2');

    await store.refresh('app/db');

    expect(store.get('app/db')).toBe('pw-2');
    expect(store.status('app/db').stale).toBe(false);
  });

  it('rejects when the fetch fails', async () => {
    const { store, source } = await openOneSecret();
    source.failNext('DescribeSecret', 'notFound');

    await expect(store.refresh('app/db')).rejects.toBeInstanceOf(KuraAwsNotFoundError);
    expect(store.get('app/db')).toBe('pw-1');
    expect(store.status('app/db').stale).toBe(true);
  });

  it('rejects when a jmesPath file cannot be extracted', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'password', objectAlias: 'dbpw' }],
      },
    ]);
    source.putSecret('db', '{"password":"pw-1"}');
    const store = await open(spc, source, clock);
    const errors: string[] = [];
    store.on('error', (event) => errors.push(event.error.code));

    source.putSecret('db', 'not json');
    const refreshing = store.refresh('db');

    await expect(refreshing).rejects.toBeInstanceOf(KuraExtractError);
    expect(store.get('dbpw')).toBe('pw-1');
    expect(store.status('dbpw').stale).toBe(true);
    expect(store.status('dbpw').lastErrorCode).toBe('KURA_EXTRACT_FAILED');
    expect(errors).toEqual(['KURA_EXTRACT_FAILED']);
  });

  it('rejects again while extraction still fails', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'password', objectAlias: 'dbpw' }],
      },
    ]);
    source.putSecret('db', '{"password":"pw-1"}');
    const store = await open(spc, source, clock);
    source.putSecret('db', 'not json');
    await store.refresh('db').catch(() => {});

    // DescribeSecret now shows the version unchanged, so no GetSecretValue is made.
    await expect(store.refresh('db')).rejects.toBeInstanceOf(KuraExtractError);
    expect(store.get('dbpw')).toBe('pw-1');
  });

  it('resolves once extraction works again', async () => {
    const { spc, source, clock } = setUp([
      {
        objectName: 'db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'password', objectAlias: 'dbpw' }],
      },
    ]);
    source.putSecret('db', '{"password":"pw-1"}');
    const store = await open(spc, source, clock);
    source.putSecret('db', 'not json');
    await store.refresh('db').catch(() => {});

    source.putSecret('db', '{"password":"pw-2"}');
    await store.refresh('db');

    expect(store.get('dbpw')).toBe('pw-2');
    expect(store.status('dbpw').stale).toBe(false);
  });

  it('rejects refresh() when one object fails', async () => {
    const { spc, source, clock } = setUp([
      { objectName: 'app/db', objectType: 'secretsmanager' },
      {
        objectName: 'db',
        objectType: 'secretsmanager',
        jmesPath: [{ path: 'password', objectAlias: 'dbpw' }],
      },
    ]);
    source.putSecret('app/db', 'pw-1');
    source.putSecret('db', '{"password":"pw-1"}');
    const store = await open(spc, source, clock);

    source.putSecret('app/db', 'pw-2');
    source.putSecret('db', 'not json');

    await expect(store.refresh()).rejects.toBeInstanceOf(KuraExtractError);
    expect(store.get('app/db')).toBe('pw-2');
    expect(store.get('dbpw')).toBe('pw-1');
  });

  it('rejects unknown and non-string names', async () => {
    const { store } = await openOneSecret();

    await expect(store.refresh('nope')).rejects.toBeInstanceOf(KuraNotFoundError);
    await expect(store.refresh(7 as unknown as string)).rejects.toThrow(
      'store.refresh: invalid name: expected a file name or objectName as a string, but got the number 7',
    );
  });

  it('rejects after close', async () => {
    const { store } = await openOneSecret();
    await store.close();

    await expect(store.refresh()).rejects.toBeInstanceOf(KuraClosedError);
  });
});

describe('openSecretStore options', () => {
  const spc = makeSpc([{ objectName: 'app/db', objectType: 'secretsmanager' }]);

  async function rejectionOf(options: unknown): Promise<KuraConfigError> {
    const error = await openSecretStore(options as SecretStoreOptions).then(
      () => undefined,
      (reason: unknown) => reason,
    );
    expect(error).toBeInstanceOf(KuraConfigError);
    return error as KuraConfigError;
  }

  it('rejects a missing options object', async () => {
    const error = await rejectionOf(undefined);

    expect(error.message).toBe(
      "openSecretStore: the options argument is missing: pass an object such as { spc: 'k8s/secretproviderclass.yaml' }",
    );
  });

  it('rejects options that are not an object', async () => {
    const error = await rejectionOf('spc.yaml');

    expect(error.message).toContain('openSecretStore: invalid options: expected an object');
    expect(error.message).toContain('but got the string "spc.yaml"');
  });

  it('rejects a missing spc', async () => {
    const error = await rejectionOf({});

    expect(error.message).toContain('openSecretStore: spc is missing: pass the path of a manifest');
  });

  it('rejects an spc of the wrong type', async () => {
    const error = await rejectionOf({ spc: 42 });

    expect(error.message).toContain(
      'openSecretStore: invalid spc: expected the path of a manifest',
    );
    expect(error.message).toContain('but got the number 42');
  });

  it('rejects an unparsed spc object', async () => {
    const error = await rejectionOf({ spc: { kind: 'SecretProviderClass' } });

    expect(error.message).toContain('invalid spc');
    expect(error.message).toContain('but got an object');
  });

  it('rejects a duration given as a string', async () => {
    const error = await rejectionOf({ spc, refreshIntervalMs: '1000' });

    expect(error.message).toBe(
      'openSecretStore: invalid refreshIntervalMs: expected a whole number of milliseconds from 1 to 2147483647 (about 24.8 days), such as 300000 for 5 minutes, but got the string "1000"',
    );
  });

  it('rejects negative and fractional durations', async () => {
    const negative = await rejectionOf({ spc, settleMs: -5 });
    const fractional = await rejectionOf({ spc, settleMs: 0.5 });
    const fractionalBackoff = await rejectionOf({ spc, backoff: { baseMs: 1.5 } });

    expect(negative.message).toContain('invalid settleMs: expected a whole number of milliseconds');
    expect(negative.message).toContain('but got the number -5');
    expect(fractional.message).toContain('but got the number 0.5');
    expect(fractionalBackoff.message).toContain('invalid backoff.baseMs');
  });

  it('suggests the closest option name', async () => {
    const caseSlip = await rejectionOf({ spc, refreshIntervalMS: 1000 });
    const typo = await rejectionOf({ spc, regon: 'us-east-1' });
    const unrelated = await rejectionOf({ spc, color: 'blue' });

    expect(caseSlip.message).toContain(
      'openSecretStore: unknown option "refreshIntervalMS": did you mean "refreshIntervalMs"?',
    );
    expect(typo.message).toContain('unknown option "regon"');
    expect(typo.message).toContain('known ones are spc, spcName');
    expect(unrelated.message).not.toContain('did you mean');
  });

  it('rejects a misspelt backoff field', async () => {
    const error = await rejectionOf({ spc, backoff: { baseMS: 500 } });

    expect(error.message).toContain('unknown backoff field "baseMS": did you mean "baseMs"?');
  });

  it('rejects wrongly typed strings and objects', async () => {
    const mountDir = await rejectionOf({ spc, mountDir: 5 });
    const source = await rejectionOf({ spc, source: 'AWS' });
    const clock = await rejectionOf({ spc, clock: { now: () => 0 } });
    const awsSource = await rejectionOf({ spc, awsSource: {} });
    const cache = await rejectionOf({ spc, cache: {} });

    expect(mountDir.message).toContain('invalid mountDir: expected a non-empty string');
    expect(source.message).toContain('invalid source: expected "aws"');
    expect(source.message).toContain('but got the string "AWS"');
    expect(clock.message).toContain('invalid clock: expected a Clock');
    expect(clock.message).toContain('missing: wallNow, setTimeout, clearTimeout, random');
    expect(awsSource.message).toContain('invalid awsSource: expected an AwsSource');
    expect(cache.message).toContain(
      'invalid cache: expected a cache created by createSecretsCache',
    );
  });

  it('accepts options set to undefined', async () => {
    const source = new MockAwsSource();
    source.putSecret('app/db', 'pw-1');

    const store = await openSecretStore({
      spc,
      awsSource: source,
      clock: new ManualClock(),
      mountDir: undefined,
      settleMs: undefined,
    });
    stores.push(store);

    expect(store.get('app/db')).toBe('pw-1');
  });

  it('checks options before reading the file', async () => {
    const error = await rejectionOf({ spc: '/nonexistent/spc.yaml', settleMs: -1 });

    expect(error.message).toContain('invalid settleMs');
  });

  it('rejects a closed cache', async () => {
    const cache = createSecretsCache({ region: 'us-east-1', source: new MockAwsSource() });
    cache.close();

    await expect(openSecretStore({ spc, cache })).rejects.toBeInstanceOf(KuraClosedError);
  });
});
