import { lstat, mkdir, readdir, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KuraConfigError, KuraMountError } from '../../src/errors.js';
import { readMountDir } from '../../src/mount/read-mount-dir.js';
import type { FileToWrite, MountLayout } from '../../src/mount/types.js';
import { writeMountDir } from '../../src/mount/write-mount-dir.js';
import { bytes, snapshotDir, swapDataDir, text, useTempDirs } from './mount-fixtures.js';

const tempDir = useTempDirs();

function file(fileName: string, value: string, filePermission = 0o644): FileToWrite {
  return { fileName, content: bytes(value), filePermission };
}

/** Builds a file whose content is not bytes, so writing it fails after earlier files were written. */
function unwritable(fileName: string): FileToWrite {
  return { fileName, content: 42 as unknown as Uint8Array, filePermission: 0o644 };
}

const fixedNow = () => new Date(Date.UTC(2024, 0, 31, 12, 5, 9));

describe('writeMountDir in the provider layout', () => {
  it('writes exact bytes and modes', async () => {
    const dir = await tempDir();
    const binary = new Uint8Array([0, 255, 10, 13, 128]);

    await writeMountDir(dir, [
      file('plain', 'value\n'),
      file('private', 'p', 0o400),
      file('open', 'o', 0o666),
      { fileName: 'binary', content: binary, filePermission: 0o600 },
    ]);

    expect(await readFile(join(dir, 'plain'), 'utf8')).toBe('value\n');
    expect(new Uint8Array(await readFile(join(dir, 'binary')))).toEqual(binary);
    expect((await stat(join(dir, 'plain'))).mode & 0o7777).toBe(0o644);
    expect((await stat(join(dir, 'private'))).mode & 0o7777).toBe(0o400);
    expect((await stat(join(dir, 'open'))).mode & 0o7777).toBe(0o666);
    expect((await readdir(dir)).sort()).toEqual(['binary', 'open', 'plain', 'private']);
  });

  it('replaces existing files as regular files', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'v1')]);

    await writeMountDir(dir, [file('password', 'v2')]);

    expect(await readFile(join(dir, 'password'), 'utf8')).toBe('v2');
    expect((await lstat(join(dir, 'password'))).isFile()).toBe(true);
    expect(await readdir(dir)).toEqual(['password']);
  });

  it('creates directories for nested names', async () => {
    const dir = await tempDir();

    await writeMountDir(dir, [file('app/db/password', 'pw'), file('app/token', 't')]);

    expect(await readFile(join(dir, 'app', 'db', 'password'), 'utf8')).toBe('pw');
    expect(await readFile(join(dir, 'app', 'token'), 'utf8')).toBe('t');
  });

  it('creates a missing mount dir', async () => {
    const parent = await tempDir();
    const dir = join(parent, 'mnt', 'secrets-store');

    await writeMountDir(dir, [file('password', 'pw')]);

    expect(await readFile(join(dir, 'password'), 'utf8')).toBe('pw');
  });

  it('keeps files the new write does not name', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('old', 'o'), file('password', 'v1')]);

    await writeMountDir(dir, [file('password', 'v2')]);

    expect((await readdir(dir)).sort()).toEqual(['old', 'password']);
  });
});

describe('writeMountDir in the atomic layout', () => {
  it('writes the CSI driver layout', async () => {
    const dir = await tempDir();

    await writeMountDir(dir, [file('password', 'pw', 0o400), file('app/token', 't')], {
      layout: 'atomic',
      now: fixedNow,
    });

    const timestampDir = await readlink(join(dir, '..data'));
    expect(timestampDir).toMatch(/^\.\.2024_01_31_12_05_09\.\d{1,10}$/);
    expect(await readlink(join(dir, 'password'))).toBe('..data/password');
    expect(await readlink(join(dir, 'app'))).toBe('..data/app');
    expect((await readdir(dir)).sort()).toEqual([timestampDir, '..data', 'app', 'password']);
    expect((await stat(join(dir, timestampDir))).mode & 0o7777).toBe(0o755);
    expect((await stat(join(dir, 'password'))).mode & 0o7777).toBe(0o400);
    expect(await readFile(join(dir, 'app', 'token'), 'utf8')).toBe('t');
  });

  it('switches ..data and removes the old directory', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'v1')], { layout: 'atomic', now: fixedNow });
    const first = await readlink(join(dir, '..data'));

    await writeMountDir(dir, [file('password', 'v2')], { layout: 'atomic', now: fixedNow });

    const second = await readlink(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(await readFile(join(dir, 'password'), 'utf8')).toBe('v2');
    expect((await readdir(dir)).sort()).toEqual([second, '..data', 'password']);
  });

  it('rewrites nothing when the bytes are unchanged', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'same'), file('app/token', 't')], {
      layout: 'atomic',
    });
    const before = await snapshotDir(dir);

    await writeMountDir(dir, [file('password', 'same'), file('app/token', 't')], {
      layout: 'atomic',
    });

    expect(await snapshotDir(dir)).toEqual(before);
  });

  it('removes the links of dropped names', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'p'), file('old', 'o'), file('app/a', 'a')], {
      layout: 'atomic',
    });

    await writeMountDir(dir, [file('password', 'p')], { layout: 'atomic' });

    const timestampDir = await readlink(join(dir, '..data'));
    expect((await readdir(dir)).sort()).toEqual([timestampDir, '..data', 'password']);
  });

  it('rewrites when only a nested name was dropped', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('app/a', 'a'), file('app/b', 'b')], { layout: 'atomic' });

    await writeMountDir(dir, [file('app/a', 'a')], { layout: 'atomic' });

    expect(await readdir(join(dir, 'app'))).toEqual(['a']);
  });

  it('turns provider-layout files into links', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'v1'), file('app/token', 't1')]);

    await writeMountDir(dir, [file('password', 'v2'), file('app/token', 't2')], {
      layout: 'atomic',
    });

    expect(await readlink(join(dir, 'password'))).toBe('..data/password');
    expect(await readlink(join(dir, 'app'))).toBe('..data/app');
    const files = await readMountDir(dir, { settleMs: 1 });
    expect(
      Object.fromEntries([...files].map(([name, read]) => [name, text(read.content)])),
    ).toEqual({ 'app/token': 't2', password: 'v2' });
  });

  it('replaces a stale ..data_tmp link', async () => {
    const dir = await tempDir();
    await swapDataDir(dir, 1, { password: 'v1' });
    await writeFile(join(dir, '..data_tmp'), 'left by a crashed writer');

    await writeMountDir(dir, [file('password', 'v2')], { layout: 'atomic' });

    expect(await readFile(join(dir, 'password'), 'utf8')).toBe('v2');
    await expect(lstat(join(dir, '..data_tmp'))).rejects.toThrow('ENOENT');
  });

  it('removes new links when the switch fails', async () => {
    const dir = await tempDir();
    await writeMountDir(dir, [file('password', 'v1')], { layout: 'atomic' });
    await mkdir(join(dir, '..data_tmp', 'blocker'), { recursive: true });
    const before = await snapshotDir(dir);

    const writing = writeMountDir(dir, [file('password', 'v2'), file('added', 'a')], {
      layout: 'atomic',
    });

    await expect(writing).rejects.toThrow(`failed to write mount dir ${dir}`);
    expect(await snapshotDir(dir)).toEqual(before);
  });

  it('rejects a ..data that is not a link', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '..data'));
    const before = await snapshotDir(dir);

    await expect(writeMountDir(dir, [file('password', 'v')], { layout: 'atomic' })).rejects.toThrow(
      '..data is not a link; write to an empty directory instead',
    );
    expect(await snapshotDir(dir)).toEqual(before);
  });
});

describe.each(['provider', 'atomic'] as const)(
  'writeMountDir failure in the %s layout',
  (layout) => {
    async function populated(): Promise<string> {
      const dir = await tempDir();
      await writeMountDir(
        dir,
        [file('password', 'old-password'), file('token', 'old-token', 0o600)],
        {
          layout,
        },
      );
      return dir;
    }

    it('leaves the mount dir unchanged when a later file fails', async () => {
      const dir = await populated();
      const before = await snapshotDir(dir);

      const writing = writeMountDir(
        dir,
        [file('password', 'new-password'), file('app/new', 'n'), unwritable('token')],
        { layout },
      );

      await expect(writing).rejects.toBeInstanceOf(KuraMountError);
      await expect(writing).rejects.toMatchObject({ fileName: 'token' });
      await expect(writing).rejects.toThrow('failed to write "token" to mount dir');
      expect(await snapshotDir(dir)).toEqual(before);
    });

    it('removes a mount dir it created when a file fails', async () => {
      const parent = await tempDir();
      const dir = join(parent, 'created', 'mnt');

      await expect(
        writeMountDir(dir, [file('password', 'p'), unwritable('token')], { layout }),
      ).rejects.toBeInstanceOf(KuraMountError);

      expect(await readdir(parent)).toEqual([]);
    });

    it.each([
      [[file('', 'x')], 'file name "" is empty'],
      [
        [file('/abs', 'x')],
        'file name "/abs" is absolute; a file name is relative to the mount dir',
      ],
      [[file('a/../b', 'x')], 'file name "a/../b" has an empty, "." or ".." segment'],
      [[file('..data', 'x')], 'file name "..data" starts with ".."'],
      [
        [file('a', 'x', 0o1777)],
        'filePermission of "a" must be a mode from 0 to 0o777, such as 0o644; got 1023',
      ],
      [
        [file('a', 'x'), file('a', 'y')],
        'file name "a" appears twice; give each object its own objectAlias',
      ],
      [
        [file('a', 'x'), file('a/b', 'y')],
        'file name "a/b" needs a directory "a", which is also a file name',
      ],
    ])('rejects invalid input before writing: %#', async (files, message) => {
      const dir = await populated();
      const before = await snapshotDir(dir);

      const writing = writeMountDir(dir, files, { layout });

      await expect(writing).rejects.toBeInstanceOf(KuraMountError);
      await expect(writing).rejects.toThrow(message);
      expect(await snapshotDir(dir)).toEqual(before);
    });
  },
);

describe('writeMountDir options', () => {
  it('rejects an unknown layout', async () => {
    const dir = await tempDir();

    const writing = writeMountDir(dir, [file('a', 'x')], { layout: 'symlinks' as MountLayout });

    await expect(writing).rejects.toBeInstanceOf(KuraConfigError);
    await expect(writing).rejects.toThrow('layout must be "provider" or "atomic"; got "symlinks"');
  });

  it('fails naming the file whose target is a directory', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, 'password'));
    await writeFile(join(dir, 'token'), 'old');

    const writing = writeMountDir(dir, [file('token', 'new'), file('password', 'p')]);

    await expect(writing).rejects.toMatchObject({ fileName: 'password' });
    expect(await readFile(join(dir, 'token'), 'utf8')).toBe('old');
    expect((await readdir(dir)).sort()).toEqual(['password', 'token']);
    await rm(join(dir, 'password'), { recursive: true });
  });
});
