import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashContent } from '../../src/cache/content.js';
import { openSecretStore } from '../../src/cache/secret-store.js';
import type { SecretStore } from '../../src/cache/types.js';
import { KuraMountError } from '../../src/errors.js';
import type { MountLayout } from '../../src/mount/types.js';
import { writeMountDir } from '../../src/mount/write-mount-dir.js';
import { makeSpc } from './fakes/make-spc.js';
import { ManualClock } from './fakes/manual-clock.js';
import { MockAwsSource } from './fakes/mock-aws-source.js';

const encoder = new TextEncoder();
const waitOptions = { timeout: 10_000, interval: 20 };
let dir: string;
const stores: SecretStore[] = [];

const spc = makeSpc([
  { objectName: 'piyopiyo', objectType: 'ssmparameter' },
  { objectName: 'foobar', objectType: 'ssmparameter', objectAlias: 'my-parameter' },
]);

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kura-store-'));
});

afterEach(async () => {
  await Promise.all(stores.splice(0).map((store) => store.close()));
  await rm(dir, { recursive: true, force: true });
});

let writes = 0;

async function writeExample(piyopiyo: string, parameter: string, layout: MountLayout) {
  writes += 1;
  const timestamp = new Date(Date.parse('2026-01-01T00:00:00Z') + writes * 1_000);
  await writeMountDir(
    dir,
    [
      { fileName: 'piyopiyo', content: encoder.encode(piyopiyo), filePermission: 0o644 },
      { fileName: 'my-parameter', content: encoder.encode(parameter), filePermission: 0o644 },
    ],
    // Each atomic write needs its own timestamp directory name.
    { layout, now: () => timestamp },
  );
}

describe('openSecretStore with source files', () => {
  it('versions file content with the keyed hash', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');
    const store = await openSecretStore({
      spc,
      mountDir: dir,
      source: 'files',
      awsSource: new MockAwsSource(),
      settleMs: 10,
    });
    stores.push(store);

    const status = store.status('piyopiyo');
    const plainSha256 = createHash('sha256').update('1234567').digest('hex');
    expect(status.version).toBe(hashContent(encoder.encode('1234567')));
    expect(status.hash).toBe(status.version);
    expect(status.version).not.toBe(plainSha256);
    expect(status.hash).not.toBe(plainSha256);
  });

  for (const layout of ['provider', 'atomic'] as const) {
    it(`follows repeated rotations in the ${layout} layout`, async () => {
      await writeExample('1234567', 'foobar-value', layout);
      const source = new MockAwsSource();
      const store = await openSecretStore({
        spc,
        mountDir: dir,
        source: 'files',
        awsSource: source,
        settleMs: 10,
      });
      stores.push(store);
      const changes: string[] = [];
      store.on('change', (event) => changes.push(event.fileName));

      for (let rotation = 1; rotation <= 5; rotation += 1) {
        await writeExample(`piyo-${rotation}`, `parameter-${rotation}`, layout);
        await vi.waitFor(() => {
          expect(store.get('piyopiyo')).toBe(`piyo-${rotation}`);
          expect(store.get('my-parameter')).toBe(`parameter-${rotation}`);
        }, waitOptions);
      }

      expect(changes.filter((name) => name === 'piyopiyo')).toHaveLength(5);
      expect(store.status('foobar').source).toBe('files');
      expect(source.calls).toEqual({ GetSecretValue: 0, DescribeSecret: 0, GetParameters: 0 });
    });
  }

  it('shows the content hash as version', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');

    const store = await openSecretStore({ spc, mountDir: dir, source: 'files', settleMs: 10 });
    stores.push(store);
    const status = store.status('piyopiyo');

    expect(status.version).toBe(status.hash);
    expect(status.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rejects a mount dir that lacks a file', async () => {
    await writeMountDir(dir, [
      { fileName: 'piyopiyo', content: encoder.encode('1234567'), filePermission: 0o644 },
    ]);

    const opening = openSecretStore({ spc, mountDir: dir, source: 'files', settleMs: 10 });

    await expect(opening).rejects.toBeInstanceOf(KuraMountError);
    await expect(opening).rejects.toThrow(/my-parameter/);
  });

  it('keeps serving a removed file as stale', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');
    const store = await openSecretStore({ spc, mountDir: dir, source: 'files', settleMs: 10 });
    stores.push(store);
    const errors: string[] = [];
    store.on('error', (event) => errors.push(`${event.fileName} ${event.error.code}`));

    await rm(join(dir, 'piyopiyo'));

    await vi.waitFor(() => expect(store.status('piyopiyo').stale).toBe(true), waitOptions);
    expect(store.get('piyopiyo')).toBe('1234567');
    expect(store.status('piyopiyo').lastErrorCode).toBe('KURA_MOUNT_FAILED');
    expect(store.status('my-parameter').stale).toBe(false);
    expect(errors).toEqual(['piyopiyo KURA_MOUNT_FAILED']);
  });

  it('rereads the files on refresh', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');
    const store = await openSecretStore({ spc, mountDir: dir, source: 'files', settleMs: 10 });
    stores.push(store);

    await writeExample('7654321', 'foobar-value', 'provider');
    await store.refresh('piyopiyo');

    expect(store.get('piyopiyo')).toBe('7654321');
  });

  it('rejects refresh of a removed file', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');
    const store = await openSecretStore({ spc, mountDir: dir, source: 'files', settleMs: 10 });
    stores.push(store);

    await rm(join(dir, 'piyopiyo'));
    const refreshing = store.refresh('piyopiyo');

    await expect(refreshing).rejects.toBeInstanceOf(KuraMountError);
    await expect(refreshing).rejects.toThrow('lacks piyopiyo');
    expect(store.get('piyopiyo')).toBe('1234567');
    expect(store.status('piyopiyo').stale).toBe(true);
    expect(store.status('piyopiyo').lastErrorCode).toBe('KURA_MOUNT_FAILED');
  });
});

describe('openSecretStore with source auto', () => {
  it('prefers AWS over the files', async () => {
    await writeExample('from-file', 'file-value', 'atomic');
    const source = new MockAwsSource();
    source.putParameter('piyopiyo', '1234567');
    source.putParameter('foobar', 'foobar-value', 'SecureString');

    const store = await openSecretStore({
      spc,
      mountDir: dir,
      awsSource: source,
      clock: new ManualClock(),
      settleMs: 10,
    });
    stores.push(store);

    expect(store.get('piyopiyo')).toBe('1234567');
    expect(store.status('piyopiyo').source).toBe('aws');
  });

  it('falls back to the files and back to AWS', async () => {
    await writeExample('1234567', 'foobar-value', 'atomic');
    const source = new MockAwsSource();
    source.putParameter('piyopiyo', '1234567');
    source.putParameter('foobar', 'foobar-value', 'SecureString');
    source.failAlways('GetParameters', 'unavailable');
    const clock = new ManualClock();

    const store = await openSecretStore({
      spc,
      mountDir: dir,
      awsSource: source,
      clock,
      settleMs: 10,
    });
    stores.push(store);
    const atStart = store.status('piyopiyo');
    source.clearFaults();
    await clock.advance(1_000);
    const afterRetry = store.status('piyopiyo');

    expect(store.get('my-parameter')).toBe('foobar-value');
    expect(atStart).toMatchObject({ source: 'files', stale: true });
    expect(atStart.lastErrorCode).toBe('KURA_AWS_UNAVAILABLE');
    expect(afterRetry).toMatchObject({ source: 'aws', stale: false, version: '1' });
  });

  it('refreshes an object from AWS when its file changes', async () => {
    await writeExample('1234567', 'foobar-value', 'atomic');
    const source = new MockAwsSource();
    source.putParameter('piyopiyo', '1234567');
    source.putParameter('foobar', 'foobar-value', 'SecureString');
    const store = await openSecretStore({
      spc,
      mountDir: dir,
      awsSource: source,
      clock: new ManualClock(),
      settleMs: 10,
    });
    stores.push(store);

    source.putParameter('piyopiyo', 'rotated-in-aws');
    await writeExample('rotated-in-aws', 'foobar-value', 'atomic');

    await vi.waitFor(() => expect(store.get('piyopiyo')).toBe('rotated-in-aws'), waitOptions);
    expect(source.calls.GetParameters).toBe(2);
    expect(store.status('piyopiyo').source).toBe('aws');
  });

  it('serves a changed file when AWS cannot be read', async () => {
    await writeExample('1234567', 'foobar-value', 'provider');
    const source = new MockAwsSource();
    source.putParameter('piyopiyo', '1234567');
    source.putParameter('foobar', 'foobar-value', 'SecureString');
    const store = await openSecretStore({
      spc,
      mountDir: dir,
      awsSource: source,
      clock: new ManualClock(),
      settleMs: 10,
    });
    stores.push(store);

    source.failAlways('GetParameters', 'throttle');
    await writeExample('rotated-on-disk', 'foobar-value', 'provider');

    await vi.waitFor(() => expect(store.get('piyopiyo')).toBe('rotated-on-disk'), waitOptions);
    expect(store.status('piyopiyo').source).toBe('files');
    expect(store.get('my-parameter')).toBe('foobar-value');
  });
});
