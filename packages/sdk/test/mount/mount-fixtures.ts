/**
 * Temporary mount dirs and replays of the two writers' exact file-system steps, written apart
 * from kura's own writer so the reader is tested against the real sequences.
 */
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

/** Creates a fresh directory under the OS temp dir, removed after the current test. */
export function useTempDirs(): () => Promise<string> {
  const created: string[] = [];
  afterEach(async () => {
    await Promise.all(created.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kura-mount-'));
    created.push(dir);
    return dir;
  };
}

/**
 * Replays the CSI driver's atomic writer: real files in a new `..<timestamp>` directory, `..data_tmp`
 * linked to it and renamed over `..data`, a link per visible name created when missing, then the
 * old directory removed. `stamp` makes each directory name unique.
 */
export async function swapDataDir(
  dir: string,
  stamp: number,
  files: Record<string, string>,
  mode = 0o644,
): Promise<void> {
  const timestampDir = `..2024_01_01_00_00_00.${String(stamp).padStart(9, '0')}`;
  const oldTimestampDir = await readlink(join(dir, '..data')).catch(() => undefined);

  await mkdir(join(dir, timestampDir));
  for (const [name, value] of Object.entries(files)) {
    const path = join(dir, timestampDir, name);
    await mkdir(join(path, '..'), { recursive: true });
    await writeFile(path, value);
    await chmod(path, mode);
  }
  for (const name of Object.keys(files)) {
    const first = name.split('/')[0] as string;
    const visible = join(dir, first);
    if (!(await exists(visible))) {
      await symlink(`..data/${first}`, visible);
    }
  }
  await symlink(timestampDir, join(dir, '..data_tmp'));
  await rename(join(dir, '..data_tmp'), join(dir, '..data'));
  if (oldTimestampDir !== undefined) {
    await rm(join(dir, oldTimestampDir), { recursive: true });
  }
}

/**
 * Replays the AWS provider's write: the new bytes go to `<name><digits>` beside the target, which is then
 * renamed over it.
 */
export async function replaceByRename(
  dir: string,
  name: string,
  value: string,
  suffix = '3141592653',
  mode = 0o644,
): Promise<void> {
  const temp = join(dir, `${name}${suffix}`);
  await writeFile(temp, value, { mode: 0o600 });
  await chmod(temp, mode);
  await rename(temp, join(dir, name));
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/** One entry of a directory snapshot: its type, link target or bytes, and mode. */
export interface SnapshotEntry {
  type: 'file' | 'directory' | 'link';
  mode: number;
  linkTarget?: string;
  content?: string;
}

/** Records every entry below `dir` (links not followed), so a test can compare before and after. */
export async function snapshotDir(dir: string): Promise<Record<string, SnapshotEntry>> {
  const snapshot: Record<string, SnapshotEntry> = {};
  const entries = await readdir(dir, { recursive: true });
  for (const name of entries.sort()) {
    const path = join(dir, name);
    const stats = await lstat(path);
    const mode = stats.mode & 0o7777;
    if (stats.isSymbolicLink()) {
      snapshot[name] = { type: 'link', mode, linkTarget: await readlink(path) };
    } else if (stats.isDirectory()) {
      snapshot[name] = { type: 'directory', mode };
    } else {
      snapshot[name] = { type: 'file', mode, content: (await readFile(path)).toString('base64') };
    }
  }
  return snapshot;
}

/** Encodes a string as UTF-8 bytes. */
export function bytes(value: string): Uint8Array {
  return new TextEncoder().encode(value);
}

/** Decodes UTF-8 bytes. */
export function text(value: Uint8Array): string {
  return new TextDecoder().decode(value);
}

/** What a poller saw: how many reads it made and every read that was not an allowed value. */
export interface PollResult {
  reads: number;
  unexpected: string[];
}

/**
 * Reads `path` in a loop, as an application would, until `stop()`; every read must return one of
 * `allowed`. A missing file or a value outside `allowed` (empty, partial) is recorded by its
 * description, never by its content.
 */
export function pollFile(
  path: string,
  allowed: ReadonlySet<string>,
): { stop(): Promise<PollResult> } {
  let running = true;
  const result: PollResult = { reads: 0, unexpected: [] };
  const loop = (async () => {
    while (running) {
      try {
        const value = await readFile(path, 'utf8');
        if (!allowed.has(value)) {
          result.unexpected.push(`a value of ${value.length} characters outside the written set`);
        }
      } catch (error) {
        result.unexpected.push(`read failed: ${(error as NodeJS.ErrnoException).code}`);
      }
      result.reads += 1;
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      return result;
    },
  };
}
