import { afterEach, describe, expect, it } from 'vitest';
import { parameterSelectorSuffix } from '../../src/cache/read-inputs.js';
import { createSecretsCache } from '../../src/cache/secrets-cache.js';
import type {
  GetParameterInput,
  GetSecretValueInput,
  SecretsCache,
  SecretsCacheOptions,
} from '../../src/cache/types.js';
import { KuraConfigError } from '../../src/errors.js';
import { ManualClock } from './fakes/manual-clock.js';
import { MockAwsSource } from './fakes/mock-aws-source.js';

let cache: SecretsCache | undefined;

function setUp() {
  const source = new MockAwsSource();
  cache = createSecretsCache({ region: 'us-east-1', source, clock: new ManualClock() });
  return { source, cache };
}

afterEach(() => {
  cache?.close();
  cache = undefined;
});

/** Returns the KuraConfigError a call throws, failing the test when it throws anything else. */
function configErrorOf(call: () => unknown): KuraConfigError {
  let thrown: unknown;
  try {
    call();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(KuraConfigError);
  return thrown as KuraConfigError;
}

async function rejectionOf(reading: Promise<unknown>): Promise<KuraConfigError> {
  const error = await reading.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(KuraConfigError);
  return error as KuraConfigError;
}

describe('createSecretsCache options', () => {
  it('accepts no options', () => {
    cache = createSecretsCache();

    expect(cache).toBeDefined();
  });

  it('rejects options that are not an object', () => {
    const error = configErrorOf(() => createSecretsCache(42 as unknown as SecretsCacheOptions));

    expect(error.message).toContain('createSecretsCache: invalid options: expected an object');
    expect(error.message).toContain('but got the number 42');
  });

  it('suggests the closest option name', () => {
    const error = configErrorOf(() =>
      createSecretsCache({ regon: 'us-east-1' } as unknown as SecretsCacheOptions),
    );

    expect(error.message).toContain(
      'createSecretsCache: unknown option "regon": did you mean "region"?',
    );
  });

  it('names the type of a wrongly typed value', () => {
    const interval = configErrorOf(() =>
      createSecretsCache({ refreshIntervalMs: '1000' as unknown as number }),
    );
    const entries = configErrorOf(() =>
      createSecretsCache({ maxEntries: '10' as unknown as number }),
    );
    const region = configErrorOf(() => createSecretsCache({ region: '' }));
    const factor = configErrorOf(() =>
      createSecretsCache({ backoff: { factor: '2' as unknown as number } }),
    );

    expect(interval.message).toContain(
      'createSecretsCache: invalid refreshIntervalMs: expected a whole number of milliseconds',
    );
    expect(interval.message).toContain('but got the string "1000"');
    expect(entries.message).toContain('invalid maxEntries: expected a whole number of at least 1');
    expect(region.message).toContain('invalid region: expected a non-empty string');
    expect(factor.message).toContain('invalid backoff.factor: expected a number of at least 1');
  });

  it('rejects a backoff whose maximum is below its base', () => {
    const error = configErrorOf(() =>
      createSecretsCache({ backoff: { baseMs: 5000, maxMs: 1000 } }),
    );

    expect(error.message).toContain(
      'backoff.maxMs 1000: it must be at least backoff.baseMs (5000)',
    );
  });
});

describe('getSecretValue input', () => {
  it('rejects a missing input object', async () => {
    const { source, cache } = setUp();

    const error = await rejectionOf(
      cache.getSecretValue(undefined as unknown as GetSecretValueInput),
    );

    expect(error.message).toBe(
      "getSecretValue: the input argument is missing: pass an object such as { secretId: 'prod/db' }",
    );
    expect(source.calls.GetSecretValue).toBe(0);
  });

  it('rejects a missing or wrongly typed secretId', async () => {
    const { cache } = setUp();

    const missing = await rejectionOf(cache.getSecretValue({} as GetSecretValueInput));
    const number = await rejectionOf(cache.getSecretValue({ secretId: 7 as unknown as string }));

    expect(missing.message).toContain('getSecretValue: secretId is missing');
    expect(number.message).toContain('getSecretValue: invalid secretId: expected a name or ARN');
    expect(number.message).toContain('but got the number 7');
  });

  it('rejects wrongly typed selectors and flags', async () => {
    const { cache } = setUp();

    const stage = await rejectionOf(cache.getSecretValue({ secretId: 'app/db', versionStage: '' }));
    const refreshNow = await rejectionOf(
      cache.getSecretValue({ secretId: 'app/db', refreshNow: 'yes' as unknown as boolean }),
    );

    expect(stage.message).toContain('invalid versionStage: expected a non-empty string');
    expect(refreshNow.message).toContain('invalid refreshNow: expected true or false');
  });

  it('suggests the closest field name', async () => {
    const { cache } = setUp();

    const error = await rejectionOf(
      cache.getSecretValue({ secretId: 'app/db', versionID: 'v1' } as GetSecretValueInput),
    );

    expect(error.message).toContain('unknown input field "versionID": did you mean "versionId"?');
  });

  it('rejects id-only inputs that are not plain', async () => {
    const { source, cache } = setUp();
    const array = Object.assign([], { secretId: 'app/db' });

    const blank = await rejectionOf(cache.getSecretValue({ secretId: '  ' }));
    const fromArray = await rejectionOf(
      cache.getSecretValue(array as unknown as GetSecretValueInput),
    );
    const nullInput = await rejectionOf(
      cache.getSecretValue(null as unknown as GetSecretValueInput),
    );

    expect(blank.message).toContain('getSecretValue: secretId is empty');
    expect(fromArray.message).toContain('getSecretValue: invalid input: expected an object');
    expect(fromArray.message).toContain('but got an array');
    expect(nullInput.message).toContain('but got null');
    expect(source.calls.GetSecretValue).toBe(0);
  });

  it('reads with both versionId and versionStage', async () => {
    const { source, cache } = setUp();
    const versionId = source.putSecret('app/db', 'pw-1');

    const value = await cache.getSecretValue({
      secretId: 'app/db',
      versionId,
      versionStage: 'AWSCURRENT',
    });

    expect(value.secretString).toBe('pw-1');
  });
});

describe('getParameter input', () => {
  it('rejects missing input and name', async () => {
    const { cache } = setUp();

    const input = await rejectionOf(cache.getParameter(undefined as unknown as GetParameterInput));
    const name = await rejectionOf(cache.getParameter({} as GetParameterInput));

    expect(input.message).toContain('getParameter: the input argument is missing');
    expect(name.message).toContain('getParameter: name is missing');
  });

  it('rejects a version suffix in name before any call', async () => {
    const { source, cache } = setUp();
    source.putParameter('p1', 'value-1');

    const error = await rejectionOf(cache.getParameter({ name: 'p1:1' }));

    expect(error.message).toBe(
      'getParameter: name "p1:1" has a selector suffix ":1": pass the name alone and set version or label instead, such as { name: "p1", version: "1" }',
    );
    expect(source.parameterCalls).toEqual([]);
  });

  it('rejects a label suffix in an ARN', async () => {
    const { cache } = setUp();

    const error = await rejectionOf(
      cache.getParameter({ name: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/p1:stable' }),
    );

    expect(error.message).toContain('has a selector suffix ":stable"');
    expect(error.message).toContain(
      '{ name: "arn:aws:ssm:us-east-1:111122223333:parameter/app/p1", label: "stable" }',
    );
  });

  it('rejects both version and label', async () => {
    const { cache } = setUp();

    const error = await rejectionOf(
      cache.getParameter({ name: '/app/p', version: '1', label: 'stable' }),
    );

    expect(error.message).toContain('has both version (1) and label (stable); set only one');
  });

  it('rejects invalid version numbers', async () => {
    const { cache } = setUp();

    for (const version of ['0', 'v1', '1.5', '', -1, 1.5, true]) {
      const error = await rejectionOf(
        cache.getParameter({ name: '/app/p', version: version as string }),
      );
      expect(error.message).toContain('getParameter: invalid version: expected a version number');
    }
  });

  it('caches number and string versions together', async () => {
    const { source, cache } = setUp();
    source.putParameter('/app/p', 'value-1');

    const byNumber = await cache.getParameter({ name: '/app/p', version: 1 });
    const byString = await cache.getParameter({ name: '/app/p', version: '1' });

    expect(byNumber.value).toBe('value-1');
    expect(byString).toBe(byNumber);
    expect(source.parameterCalls).toHaveLength(1);
  });

  it('rejects a wrongly typed withDecryption', async () => {
    const { cache } = setUp();

    const error = await rejectionOf(
      cache.getParameter({ name: '/app/p', withDecryption: 1 as unknown as boolean }),
    );

    expect(error.message).toContain(
      'getParameter: invalid withDecryption: expected true or false, but got the number 1',
    );
  });
});

describe('parameterSelectorSuffix', () => {
  it('finds the suffix after the name', () => {
    expect(parameterSelectorSuffix('/app/p1:3')).toBe('3');
    expect(parameterSelectorSuffix('p1:stable')).toBe('stable');
    expect(parameterSelectorSuffix('p1:')).toBe('');
  });

  it('returns undefined for a plain name or ARN', () => {
    expect(parameterSelectorSuffix('/app/p1')).toBeUndefined();
    expect(
      parameterSelectorSuffix('arn:aws:ssm:us-east-1:111122223333:parameter/app/p1'),
    ).toBeUndefined();
    expect(parameterSelectorSuffix('arn:aws-cn:ssm:cn-north-1:111122223333:parameter/p1:2')).toBe(
      '2',
    );
  });
});
