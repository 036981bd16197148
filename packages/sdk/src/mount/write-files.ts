/** File-system steps the two mount-dir layouts share. */
import { randomInt } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, rm, rmdir } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { KuraMountError } from '../errors.js';
import { describeError, isMissingError } from './mount-path.js';

/** How many random names are tried before creating a temp file or directory gives up. */
const maxNameAttempts = 100;

/**
 * Returns a random decimal suffix like the one Go's `os.CreateTemp` and `os.MkdirTemp` append:
 * a 32-bit unsigned number without padding.
 */
export function randomSuffix(): string {
  return String(randomInt(2 ** 32));
}

/**
 * Writes `content` to a new file `<path><random digits>` with exactly `mode` (not reduced by
 * the umask), flushed to disk, and returns its path. The file is created with 0600 and changed to
 * `mode` only after, as the AWS provider does. A partly written file is removed on failure.
 */
export async function writeTempFile(
  path: string,
  content: Uint8Array,
  mode: number,
): Promise<string> {
  const tempPath = await createExclusive(
    () => `${path}${randomSuffix()}`,
    async (candidate) => {
      const handle = await open(
        candidate,
        constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL,
        0o600,
      );
      try {
        await handle.chmod(mode);
        await handle.writeFile(content);
        await handle.sync();
      } finally {
        await handle.close();
      }
    },
  );
  return tempPath;
}

/** Creates a directory `<path><random digits>` and returns its path. */
export async function createTempDir(prefix: string): Promise<string> {
  return createExclusive(
    () => `${prefix}${randomSuffix()}`,
    (candidate) => mkdir(candidate, 0o755),
  );
}

/**
 * Tries random names until `create` succeeds on one that did not exist. Anything left at the
 * name by a failed `create` is removed.
 */
async function createExclusive(
  nextName: () => string,
  create: (candidate: string) => Promise<unknown>,
): Promise<string> {
  for (let attempt = 0; attempt < maxNameAttempts; attempt += 1) {
    const candidate = nextName();
    try {
      await create(candidate);
      return candidate;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        continue;
      }
      await rm(candidate, { recursive: true, force: true }).catch(() => undefined);
      throw error;
    }
  }
  throw new Error(`found no free temp name after ${maxNameAttempts} attempts`);
}

/**
 * Creates `path` and each missing parent up to `root`, and appends every directory it created to
 * `created` (parents first) so a failed write can remove them. An existing segment that is not a
 * real directory (a file, or a link into `..data` from the other layout) is an error.
 */
export async function createDirectories(
  root: string,
  path: string,
  created: string[],
): Promise<void> {
  const segments = relative(root, path)
    .split(sep)
    .filter((segment) => segment !== '');
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    try {
      const stats = await lstat(current);
      if (!stats.isDirectory()) {
        throw new Error(
          `${current} exists and is not a directory; remove it or write to an empty mount dir`,
        );
      }
    } catch (error) {
      if (!isMissingError(error)) {
        throw error;
      }
      await mkdir(current, 0o755);
      created.push(current);
    }
  }
}

/** Creates the mount dir and its missing parents, appending each directory it made to `created`. */
export async function createMountDir(dir: string, created: string[]): Promise<void> {
  const missing: string[] = [];
  for (let current = dir; ; current = dirname(current)) {
    try {
      await lstat(current);
      break;
    } catch (error) {
      if (!isMissingError(error) || dirname(current) === current) {
        throw error;
      }
      missing.unshift(current);
    }
  }
  for (const path of missing) {
    await mkdir(path, 0o755);
    created.push(path);
  }
}

/** Removes directories this write created, deepest first; a failure to remove one is ignored. */
export async function removeCreatedDirectories(created: readonly string[]): Promise<void> {
  for (const path of [...created].reverse()) {
    await rmdir(path).catch(() => undefined);
  }
}

/** Wraps a failure while writing one file in `KuraMountError` naming the file. */
export function writeError(dir: string, fileName: string, error: unknown): KuraMountError {
  if (error instanceof KuraMountError) {
    return error;
  }
  return new KuraMountError(
    `failed to write "${fileName}" to mount dir ${dir}: ${describeError(error)}; the mount dir was left as it was`,
    { cause: error, fileName },
  );
}
