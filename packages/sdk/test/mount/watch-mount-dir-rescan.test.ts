/**
 * The rescan timer alone: chokidar is replaced by a watcher that never reports an event, as when
 * the kernel drops inotify events, so only the timer can notice a change.
 */
import { EventEmitter } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import { watchMountDir } from '../../src/mount/watch-mount-dir.js';
import { text, useTempDirs } from './mount-fixtures.js';

const silentWatchers: EventEmitter[] = [];

vi.mock('chokidar', () => ({
  watch: () => {
    const watcher = Object.assign(new EventEmitter(), { close: async () => undefined });
    silentWatchers.push(watcher);
    setImmediate(() => watcher.emit('ready'));
    return watcher;
  },
}));

const tempDir = useTempDirs();

describe('watchMountDir rescan timer', () => {
  it('publishes a change without events', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'v1');
    const values: string[] = [];
    const watcher = await watchMountDir(dir, {
      settleMs: 1,
      rescanIntervalMs: 20,
      onChange: (file) => values.push(text(file.content)),
      onError: (error) => values.push(`error: ${error.message}`),
    });

    await writeFile(join(dir, 'password'), 'v2');
    await vi.waitFor(() => expect(values).toEqual(['v2']), { timeout: 10_000, interval: 5 });
    await watcher.close();

    expect(silentWatchers).toHaveLength(1);
  });

  it('stops rescanning after close', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'password'), 'v1');
    const values: string[] = [];
    const watcher = await watchMountDir(dir, {
      settleMs: 1,
      rescanIntervalMs: 10,
      onChange: (file) => values.push(text(file.content)),
      onError: (error) => values.push(`error: ${error.message}`),
    });

    await watcher.close();
    await writeFile(join(dir, 'password'), 'v2');
    await delay(100);

    expect(values).toEqual([]);
  });
});
