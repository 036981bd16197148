import { chmod, mkdir, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KuraMountError } from '../../src/errors.js';
import type { MountFile, MountWatcher } from '../../src/mount/types.js';
import { type WatchMountDirOptions, watchMountDir } from '../../src/mount/watch-mount-dir.js';
import { pollFile, replaceByRename, swapDataDir, text, useTempDirs } from './mount-fixtures.js';

const tempDir = useTempDirs();

/** A watcher with every callback recorded; events read `name=value` or `-name` for a removal. */
interface Recorded {
  watcher: MountWatcher;
  events: string[];
  files: MountFile[];
  errors: KuraMountError[];
}

const openWatchers: MountWatcher[] = [];
afterEach(async () => {
  await Promise.all(openWatchers.splice(0).map((watcher) => watcher.close()));
});

async function watch(dir: string, options: Partial<WatchMountDirOptions> = {}): Promise<Recorded> {
  const recorded: Omit<Recorded, 'watcher'> = { events: [], files: [], errors: [] };
  const watcher = await watchMountDir(dir, {
    settleMs: 10,
    onChange: (file) => {
      recorded.files.push(file);
      recorded.events.push(`${file.fileName}=${text(file.content)}`);
    },
    onRemove: (fileName) => recorded.events.push(`-${fileName}`),
    onError: (error) => recorded.errors.push(error),
    ...options,
  });
  openWatchers.push(watcher);
  return { watcher, ...recorded };
}

async function waitForEvents(recorded: Recorded, count: number): Promise<void> {
  await vi.waitFor(
    () => {
      if (recorded.events.length < count) {
        throw new Error(
          `${recorded.events.length} of ${count} events so far: ${recorded.events.join(', ')}`,
        );
      }
    },
    { timeout: 10_000, interval: 5 },
  );
}

function currentValues(watcher: MountWatcher): Record<string, string> {
  return Object.fromEntries(
    [...watcher.current()].map(([name, file]) => [name, text(file.content)]),
  );
}

describe('watchMountDir', () => {
  it('follows two ..data swaps', async () => {
    const dir = await tempDir();
    await mkdir(join(dir, '..2024_01_01_00_00_00.000000001'));
    await writeFile(join(dir, '..2024_01_01_00_00_00.000000001', 'password'), 'old');
    await chmod(join(dir, '..2024_01_01_00_00_00.000000001', 'password'), 0o400);
    await symlink('..2024_01_01_00_00_00.000000001', join(dir, '..data'));
    await symlink('..data/password', join(dir, 'password'));
    const poller = pollFile(join(dir, 'password'), new Set(['old', 'new', 'newer']));

    const recorded = await watch(dir);
    expect(currentValues(recorded.watcher)).toEqual({ password: 'old' });
    expect(recorded.watcher.current().get('password')?.mode).toBe(0o400);

    await mkdir(join(dir, '..2024_01_01_00_01_00.000000002'));
    await writeFile(join(dir, '..2024_01_01_00_01_00.000000002', 'password'), 'new');
    await chmod(join(dir, '..2024_01_01_00_01_00.000000002', 'password'), 0o400);
    await symlink('..2024_01_01_00_01_00.000000002', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..2024_01_01_00_00_00.000000001'), { recursive: true });
    await waitForEvents(recorded, 1);

    await mkdir(join(dir, '..2024_01_01_00_02_00.000000003'));
    await writeFile(join(dir, '..2024_01_01_00_02_00.000000003', 'password'), 'newer');
    await chmod(join(dir, '..2024_01_01_00_02_00.000000003', 'password'), 0o400);
    await symlink('..2024_01_01_00_02_00.000000003', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));
    await rm(join(dir, '..2024_01_01_00_01_00.000000002'), { recursive: true });
    await waitForEvents(recorded, 2);
    const polled = await poller.stop();

    expect(recorded.events).toEqual(['password=new', 'password=newer']);
    expect(recorded.files.map((file) => file.mode)).toEqual([0o400, 0o400]);
    expect([...recorded.watcher.current().keys()]).toEqual(['password']);
    expect(recorded.errors).toEqual([]);
    expect(polled.unexpected).toEqual([]);
  });

  it('follows two renames over the file', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'v1');
    const poller = pollFile(join(dir, 'password'), new Set(['v1', 'v2', 'v3']));
    const recorded = await watch(dir);

    await writeFile(join(dir, 'password3141592653'), 'v2');
    await rename(join(dir, 'password3141592653'), join(dir, 'password'));
    await waitForEvents(recorded, 1);
    await writeFile(join(dir, 'password3141592653'), 'v3');
    await rename(join(dir, 'password3141592653'), join(dir, 'password'));
    await waitForEvents(recorded, 2);
    const polled = await poller.stop();

    expect(recorded.events).toEqual(['password=v2', 'password=v3']);
    expect([...recorded.watcher.current().keys()]).toEqual(['password']);
    expect(recorded.errors).toEqual([]);
    expect(polled.unexpected).toEqual([]);
  });

  it.each(['provider', 'atomic'] as const)(
    'publishes every one of 40 %s rotations once',
    async (layout) => {
      const dir = await tempDir();
      const values = Array.from(
        { length: 41 },
        (_, index) => `value-${index}-${'x'.repeat(index * 97)}`,
      );
      const rotate = (index: number) =>
        layout === 'atomic'
          ? swapDataDir(dir, index, { password: values[index] as string })
          : replaceByRename(
              dir,
              'password',
              values[index] as string,
              String(1_000_000_000 + index),
            );
      await rotate(0);
      const poller = pollFile(join(dir, 'password'), new Set(values));
      const recorded = await watch(dir, { fileNames: ['password'] });

      for (let index = 1; index < values.length; index += 1) {
        await rotate(index);
        await waitForEvents(recorded, index);
      }
      const polled = await poller.stop();

      expect(recorded.events).toEqual(values.slice(1).map((value) => `password=${value}`));
      expect(recorded.errors).toEqual([]);
      expect(polled.unexpected).toEqual([]);
      expect(polled.reads).toBeGreaterThan(0);
    },
  );

  it.each(['provider', 'atomic'] as const)(
    'never publishes a partial or temp value during 300 back-to-back %s rotations',
    async (layout) => {
      const dir = await tempDir();
      const values = Array.from({ length: 301 }, (_, index) => `v${index}:${'y'.repeat(4096)}`);
      const rotate = (index: number) =>
        layout === 'atomic'
          ? swapDataDir(dir, index, { password: values[index] as string, token: `t${index}` })
          : replaceByRename(dir, 'password', values[index] as string, String(index));
      await rotate(0);
      const poller = pollFile(join(dir, 'password'), new Set(values));
      const recorded = await watch(dir);

      for (let index = 1; index < values.length; index += 1) {
        await rotate(index);
      }
      const last = `password=${values.at(-1)}`;
      await vi.waitFor(() => expect(recorded.events).toContain(last), {
        timeout: 10_000,
        interval: 5,
      });
      const polled = await poller.stop();

      const published = recorded.events.filter((event) => event.startsWith('password='));
      const allowed = new Set(values.map((value) => `password=${value}`));
      expect(published.every((event) => allowed.has(event))).toBe(true);
      expect(published.some((event, index) => event === published[index - 1])).toBe(false);
      expect(published.at(-1)).toBe(last);
      const names = new Set(recorded.files.map((file) => file.fileName));
      expect([...names].filter((name) => name !== 'password' && name !== 'token')).toEqual([]);
      expect(recorded.events.filter((event) => event.startsWith('-'))).toEqual([]);
      expect(polled.unexpected).toEqual([]);
    },
  );

  it.each(['provider', 'atomic'] as const)(
    'publishes nothing for a %s rewrite with identical bytes',
    async (layout) => {
      const dir = await tempDir();
      const write = (stamp: number, value: string) =>
        layout === 'atomic'
          ? swapDataDir(dir, stamp, { password: value })
          : replaceByRename(dir, 'password', value, String(stamp));
      await write(1, 'same');
      const recorded = await watch(dir);

      await write(2, 'same');
      await write(3, 'same');
      await write(4, 'changed');
      await waitForEvents(recorded, 1);

      expect(recorded.events).toEqual(['password=changed']);
    },
  );

  it('publishes nested names in both layouts', async () => {
    const provider = await tempDir();
    await mkdir(join(provider, 'app'));
    await writeFile(join(provider, 'app', 'password'), 'p1');
    const atomic = await tempDir();
    await swapDataDir(atomic, 1, { 'app/password': 'a1' });
    const fromProvider = await watch(provider);
    const fromAtomic = await watch(atomic, { fileNames: ['app/password'] });

    await writeFile(join(provider, 'app', 'password12'), 'p2');
    await rename(join(provider, 'app', 'password12'), join(provider, 'app', 'password'));
    await swapDataDir(atomic, 2, { 'app/password': 'a2' });
    await waitForEvents(fromProvider, 1);
    await waitForEvents(fromAtomic, 1);

    expect(fromProvider.events).toEqual(['app/password=p2']);
    expect(fromAtomic.events).toEqual(['app/password=a2']);
  });

  it('publishes a file added after the start', async () => {
    const dir = await tempDir();
    const recorded = await watch(dir);

    await replaceByRename(dir, 'late', 'here');
    await waitForEvents(recorded, 1);

    expect(recorded.events).toEqual(['late=here']);
    expect(currentValues(recorded.watcher)).toEqual({ late: 'here' });
  });

  it('reports a removed file once it stays gone', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'pw');
    const recorded = await watch(dir);

    await unlink(join(dir, 'password'));
    await waitForEvents(recorded, 1);

    expect(recorded.events).toEqual(['-password']);
    expect(recorded.watcher.current().has('password')).toBe(false);
  });

  it('treats a file deleted and written again as no removal', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'pw');
    await writeFile(join(dir, 'marker'), 'm1');
    const recorded = await watch(dir);

    await unlink(join(dir, 'password'));
    await writeFile(join(dir, 'password'), 'pw');
    await replaceByRename(dir, 'marker', 'm2');
    await waitForEvents(recorded, 1);

    expect(recorded.events).toEqual(['marker=m2']);
  });

  it('never publishes a name outside fileNames', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'pw');
    const recorded = await watch(dir, { fileNames: ['password'] });

    await writeFile(join(dir, 'other'), 'o');
    await replaceByRename(dir, 'password', 'pw2');
    await waitForEvents(recorded, 1);

    expect(recorded.events).toEqual(['password=pw2']);
    expect([...recorded.watcher.current().keys()]).toEqual(['password']);
  });

  it('keeps the old value when the SPC file is missing at start', async () => {
    const dir = await tempDir();
    const recorded = await watch(dir, { fileNames: ['password'] });

    expect(recorded.watcher.current().size).toBe(0);
    await replaceByRename(dir, 'password', 'pw');
    await waitForEvents(recorded, 1);

    expect(recorded.events).toEqual(['password=pw']);
  });

  it('reports a throwing onChange through onError', async () => {
    const dir = await tempDir();
    const errors: KuraMountError[] = [];
    const watcher = await watchMountDir(dir, {
      settleMs: 1,
      onChange: () => {
        throw new Error('listener failed');
      },
      onError: (error) => errors.push(error),
    });
    openWatchers.push(watcher);

    await replaceByRename(dir, 'password', 'pw');
    await vi.waitFor(() => expect(errors).toHaveLength(1), { timeout: 10_000, interval: 5 });

    expect(errors[0]?.message).toContain('a mount dir listener for');
    expect(errors[0]?.message).toContain('threw: listener failed');
    expect(watcher.current().has('password')).toBe(true);
  });

  it('publishes nothing after close', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'pw');
    const recorded = await watch(dir, { rescanIntervalMs: 5 });

    await recorded.watcher.close();
    await replaceByRename(dir, 'password', 'pw2');
    await delay(100);

    expect(recorded.events).toEqual([]);
    expect(recorded.errors).toEqual([]);
  });

  it('rejects a missing mount dir', async () => {
    const dir = await tempDir();
    await rm(dir, { recursive: true });

    await expect(watch(dir)).rejects.toThrow(`failed to open mount dir ${dir}`);
  });

  it('rejects a negative rescanIntervalMs', async () => {
    const dir = await tempDir();

    await expect(watch(dir, { rescanIntervalMs: -5 })).rejects.toThrow(
      'rescanIntervalMs must be a number of milliseconds, 0 or more (0 turns rescans off); got -5',
    );
  });
});
