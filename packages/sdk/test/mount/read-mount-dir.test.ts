import { chmod, mkdir, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { hashContent } from '../../src/cache/content.js';
import { KuraMountError } from '../../src/errors.js';
import { isProviderTempName } from '../../src/mount/list-visible-files.js';
import { readMountDir } from '../../src/mount/read-mount-dir.js';
import { replaceByRename, swapDataDir, text, useTempDirs } from './mount-fixtures.js';

const tempDir = useTempDirs();

function contents(files: Map<string, { content: Uint8Array }>): Record<string, string> {
  return Object.fromEntries([...files].map(([name, file]) => [name, text(file.content)]));
}

describe('readMountDir', () => {
  it('reads the provider layout with each file mode', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'pw');
    await chmod(join(dir, 'password'), 0o600);
    await replaceByRename(dir, 'token', 'tk', '42', 0o644);

    const files = await readMountDir(dir, { settleMs: 1 });

    expect(contents(files)).toEqual({ password: 'pw', token: 'tk' });
    expect(files.get('password')?.mode).toBe(0o600);
    expect(files.get('token')?.mode).toBe(0o644);
  });

  it('follows the atomic layout links to the target mode', async () => {
    const dir = await tempDir();
    await swapDataDir(dir, 1, { password: 'old' }, 0o400);

    const files = await readMountDir(dir, { settleMs: 1 });

    expect(contents(files)).toEqual({ password: 'old' });
    expect(files.get('password')?.mode).toBe(0o400);
  });

  it('hashes the content with the keyed hash', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'abc');
    await writeFile(join(dir, 'same'), 'abc');

    const files = await readMountDir(dir, { settleMs: 1 });

    const hash = files.get('password')?.hash;
    expect(hash).toBe(hashContent(new TextEncoder().encode('abc')));
    expect(hash).toBe(files.get('same')?.hash);
    // The plain SHA-256 of "abc" would let a reader of the hash test guesses offline.
    expect(hash).not.toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('skips .. entries and provider temp files', async () => {
    const dir = await tempDir();
    await swapDataDir(dir, 1, { linked: 'l' });
    await writeFile(join(dir, 'password'), 'pw');
    await writeFile(join(dir, 'password3141592653'), 'half');
    await writeFile(join(dir, '..hidden'), 'h');

    const files = await readMountDir(dir, { settleMs: 1 });

    expect([...files.keys()].sort()).toEqual(['linked', 'password']);
  });

  it('publishes name-plus-digits when the name does not exist', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'db2'), 'x');

    const files = await readMountDir(dir, { settleMs: 1 });

    expect([...files.keys()]).toEqual(['db2']);
  });

  it('reads only the given file names', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'db'), 'a');
    await writeFile(join(dir, 'db2'), 'b');
    await writeFile(join(dir, 'other'), 'c');

    const files = await readMountDir(dir, { fileNames: ['db', 'db2', 'absent'], settleMs: 1 });

    expect(contents(files)).toEqual({ db: 'a', db2: 'b' });
  });

  it('reads nested names in both layouts', async () => {
    const provider = await tempDir();
    await mkdir(join(provider, 'app', 'db'), { recursive: true });
    await writeFile(join(provider, 'app', 'db', 'password'), 'p1');
    const atomic = await tempDir();
    await swapDataDir(atomic, 1, { 'app/db/password': 'p2' });

    expect(contents(await readMountDir(provider, { settleMs: 1 }))).toEqual({
      'app/db/password': 'p1',
    });
    expect(contents(await readMountDir(atomic, { settleMs: 1 }))).toEqual({
      'app/db/password': 'p2',
    });
    expect(
      contents(await readMountDir(atomic, { fileNames: ['app/db/password'], settleMs: 1 })),
    ).toEqual({ 'app/db/password': 'p2' });
  });

  it('ignores links that leave the mount dir', async () => {
    const outside = await tempDir();
    await writeFile(join(outside, 'secret'), 's');
    const dir = await tempDir();
    await symlink(join(outside, 'secret'), join(dir, 'escaped'));
    await symlink(outside, join(dir, 'escaped-dir'));

    const listed = await readMountDir(dir, { settleMs: 1 });
    const named = await readMountDir(dir, {
      fileNames: ['escaped', 'escaped-dir/secret'],
      settleMs: 1,
    });

    expect(listed.size).toBe(0);
    expect(named.size).toBe(0);
  });

  it('survives a link loop', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'sub'));
    await symlink('..', join(dir, 'sub', 'up'));
    await symlink('loop', join(dir, 'loop'));
    await writeFile(join(dir, 'sub', 'key'), 'k');

    const files = await readMountDir(dir, { settleMs: 1 });

    expect(contents(files)).toEqual({ 'sub/key': 'k' });
  });

  it('waits out a file missing for a moment', async () => {
    const dir = await tempDir();
    const path = join(dir, 'password');
    await writeFile(path, 'v1');
    await unlink(path);

    const reading = readMountDir(dir, { fileNames: ['password'], settleMs: 300 });
    await delay(20);
    await writeFile(path, 'v2');

    expect(contents(await reading)).toEqual({ password: 'v2' });
  });

  it('leaves out a file missing on both reads', async () => {
    const dir = await tempDir();

    const files = await readMountDir(dir, { fileNames: ['password'], settleMs: 1 });

    expect(files.has('password')).toBe(false);
  });

  it('rejects a file name with a .. segment', async () => {
    const dir = await tempDir();

    const reading = readMountDir(dir, { fileNames: ['../etc/passwd'] });

    await expect(reading).rejects.toBeInstanceOf(KuraMountError);
    await expect(reading).rejects.toThrow(
      'file name "../etc/passwd" has an empty, "." or ".." segment',
    );
  });

  it('rejects a missing mount dir', async () => {
    const dir = await tempDir();
    await rm(dir, { recursive: true });

    const reading = readMountDir(dir);

    await expect(reading).rejects.toBeInstanceOf(KuraMountError);
    await expect(reading).rejects.toThrow(`failed to open mount dir ${dir}`);
  });

  it('rejects a negative settleMs', async () => {
    const dir = await tempDir();

    await expect(readMountDir(dir, { settleMs: -1 })).rejects.toThrow(
      'settleMs must be a number of milliseconds, 0 or more; got -1',
    );
  });
});

describe('isProviderTempName', () => {
  const regular = new Set(['password', 'db1', 'a']);

  it.each([
    ['password3141592653', true],
    ['password1', true],
    ['db13141592653', true],
    ['db1', false],
    ['a0123456789', true],
    ['a01234567890', false],
    ['passwordx1', false],
    ['other42', false],
    ['password', false],
  ])('classifies %s as temp: %s', (name, expected) => {
    expect(isProviderTempName(name, regular)).toBe(expected);
  });
});
