import { mkdtemp, readFile, rm, stat, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { KuraConfigError } from '@kura/sdk';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadToken } from '../src/token.js';

let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kura-token-'));
});

afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loadToken', () => {
  it('creates a missing token file with mode 0640', async () => {
    const path = join(dir, 'shared', 'token');
    const verifier = await loadToken(path, {});
    const token = await readFile(path, 'utf8');
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    expect((await stat(path)).mode & 0o777).toBe(0o640);
    expect(verifier.origin).toEqual({ kind: 'file', path, created: true, via: '--token-file' });
    expect(await verifier.verify(token)).toBe(true);
  });

  it('keeps an existing token file and trims it', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'from-file\n');
    const verifier = await loadToken(path, { KURA_TOKEN: 'from-env' });
    expect(await verifier.verify('from-file')).toBe(true);
    expect(await verifier.verify('from-env')).toBe(false);
  });

  it('re-reads a changed token file', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'first-token');
    const verifier = await loadToken(path, {});
    expect(await verifier.verify('first-token')).toBe(true);
    await writeFile(path, 'second-token-longer');
    expect(await verifier.verify('second-token-longer')).toBe(true);
    expect(await verifier.verify('first-token')).toBe(false);
  });

  it('rejects a missing, wrong or differently sized token', async () => {
    const verifier = await loadToken(undefined, { KURA_TOKEN: 'expected' });
    expect(await verifier.verify(undefined)).toBe(false);
    expect(await verifier.verify('')).toBe(false);
    expect(await verifier.verify('expectee')).toBe(false);
    expect(await verifier.verify('expected-and-more')).toBe(false);
  });

  it('reads the variables in the Agent order after KURA_TOKEN', async () => {
    const verifier = await loadToken(undefined, {
      AWS_SESSION_TOKEN: 'session',
      AWS_TOKEN: 'aws-token',
      AWS_CONTAINER_AUTHORIZATION_TOKEN: 'container',
    });
    expect(verifier.origin).toEqual({ kind: 'env', variable: 'AWS_TOKEN' });
    expect(await verifier.verify('aws-token')).toBe(true);
  });

  it('reads a file:// value', async () => {
    const path = join(dir, 'agent-token');
    await writeFile(path, 'file-url-token\n');
    const verifier = await loadToken(undefined, {
      AWS_CONTAINER_AUTHORIZATION_TOKEN: pathToFileURL(path).href,
    });
    expect(await verifier.verify('file-url-token')).toBe(true);
  });

  it('fails without any source', async () => {
    await expect(loadToken(undefined, {})).rejects.toThrow(KuraConfigError);
    await expect(loadToken(undefined, {})).rejects.toThrow(/--token-file/);
  });

  it('revokes the token when the file is deleted', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'first-token');
    const verifier = await loadToken(path, {});
    expect(await verifier.verify('first-token')).toBe(true);

    await unlink(path);
    expect(await verifier.verify('first-token')).toBe(false);
    expect(verifier.problem()).toContain('is missing');

    await writeFile(path, 'first-token');
    expect(await verifier.verify('first-token')).toBe(true);
    expect(verifier.problem()).toBeUndefined();
  });

  it('revokes the token when the file is emptied', async () => {
    const path = join(dir, 'token');
    await writeFile(path, 'first-token');
    const verifier = await loadToken(path, {});
    expect(await verifier.verify('first-token')).toBe(true);

    await writeFile(path, '');
    expect(await verifier.verify('first-token')).toBe(false);
    expect(verifier.problem()).toContain('is empty');
    expect(verifier.problem()).not.toContain('first-token');
  });

  it.each([
    ['KURA_TOKEN', ' padded '],
    ['AWS_TOKEN', 'trailing-newline\n'],
    ['AWS_SESSION_TOKEN', '\tleading-tab'],
  ])('rejects %s with surrounding whitespace', async (variable, value) => {
    const loading = loadToken(undefined, { [variable]: value });
    await expect(loading).rejects.toThrow(KuraConfigError);
    await expect(loadToken(undefined, { [variable]: value })).rejects.toThrow(
      `${variable}: the value has leading or trailing whitespace`,
    );
  });

  it('fails on an empty token file', async () => {
    const path = join(dir, 'token');
    await writeFile(path, '\n');
    await expect(loadToken(path, {})).rejects.toThrow(/is empty/);
  });
});
