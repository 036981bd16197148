import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type CacheRequest, cacheKey, isPinned, PlainReadKeys } from '../../src/cache/keys.js';

const text = fc.string({ maxLength: 12 });
const optionalText = fc.option(text, { nil: undefined });

const secretRequest = fc.record(
  {
    service: fc.constant('secretsmanager' as const),
    region: text,
    secretId: text,
    versionId: optionalText,
    versionStage: optionalText,
  },
  { requiredKeys: ['service', 'region', 'secretId'] },
);

const parameterRequest = fc.record(
  {
    service: fc.constant('ssm' as const),
    region: text,
    name: text,
    version: optionalText,
    label: optionalText,
    withDecryption: fc.boolean(),
  },
  { requiredKeys: ['service', 'region', 'name', 'withDecryption'] },
);

const request: fc.Arbitrary<CacheRequest> = fc.oneof(secretRequest, parameterRequest);

/** Compares two requests field by field, treating an absent field as undefined. */
function sameRequest(a: CacheRequest, b: CacheRequest): boolean {
  const fields = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...fields].every(
    (field) =>
      (a as unknown as Record<string, unknown>)[field] ===
      (b as unknown as Record<string, unknown>)[field],
  );
}

describe('cacheKey', () => {
  it('separates requests that differ in any field', () => {
    fc.assert(
      fc.property(request, request, (a, b) => {
        expect(cacheKey(a) === cacheKey(b)).toBe(sameRequest(a, b));
      }),
    );
  });

  it('separates a plain read from one naming AWSCURRENT', () => {
    const plain = cacheKey({ service: 'secretsmanager', region: 'us-east-1', secretId: 'db' });
    const current = cacheKey({
      service: 'secretsmanager',
      region: 'us-east-1',
      secretId: 'db',
      versionStage: 'AWSCURRENT',
    });

    expect(plain).not.toBe(current);
  });

  it('separates ids that only a separator would join', () => {
    const first = cacheKey({ service: 'ssm', region: 'a', name: 'b|c', withDecryption: true });
    const second = cacheKey({ service: 'ssm', region: 'a|b', name: 'c', withDecryption: true });

    expect(first).not.toBe(second);
  });
});

describe('isPinned', () => {
  it('pins a VersionId and a version number only', () => {
    const base = { service: 'secretsmanager', region: 'r', secretId: 's' } as const;
    const parameter = { service: 'ssm', region: 'r', name: 'p', withDecryption: true } as const;

    expect(isPinned({ ...base, versionId: 'v1' })).toBe(true);
    expect(isPinned({ ...base, versionStage: 'AWSCURRENT' })).toBe(false);
    expect(isPinned(base)).toBe(false);
    expect(isPinned({ ...parameter, version: '3' })).toBe(true);
    expect(isPinned({ ...parameter, label: 'stable' })).toBe(false);
    expect(isPinned(parameter)).toBe(false);
  });
});

describe('PlainReadKeys', () => {
  it('returns the cacheKey of each plain read', () => {
    const keys = new PlainReadKeys(1_000, (region, id) =>
      cacheKey({ service: 'secretsmanager', region, secretId: id }),
    );
    fc.assert(
      fc.property(text, text, (region, id) => {
        const expected = cacheKey({ service: 'secretsmanager', region, secretId: id });
        expect(keys.get(region, id)).toBe(expected);
        expect(keys.get(region, id)).toBe(expected);
      }),
    );
  });

  it('builds each key once until it is full', () => {
    const built: string[] = [];
    const keys = new PlainReadKeys(2, (region, id) => {
      built.push(`${region}/${id}`);
      return `${region}/${id}`;
    });

    keys.get('r', 'a');
    keys.get('r', 'b');
    keys.get('r', 'a');
    expect(built).toEqual(['r/a', 'r/b']);

    expect(keys.get('r', 'c')).toBe('r/c');
    expect(keys.get('r', 'a')).toBe('r/a');
    expect(built).toEqual(['r/a', 'r/b', 'r/c', 'r/a']);
  });
});
