/** One-shot read of a mount dir written in either layout. */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KuraMountError } from '../errors.js';
import { listVisibleFiles } from './list-visible-files.js';
import { describeError, findFileNameProblem } from './mount-path.js';
import { defaultSettleMs, type FileRead, readFileSettled } from './read-settled.js';
import type { MountFile } from './types.js';

export interface ReadMountDirOptions {
  /**
   * The file names to read, normally every file name of a SecretProviderClass. Without it, every
   * visible regular file is read except `..` entries and the AWS provider's temp files (see
   * list-visible-files.ts for the rule).
   */
  fileNames?: readonly string[];
  /** Time between the two reads of a file that must agree, in milliseconds. Default 50. */
  settleMs?: number;
}

/**
 * Reads the files of a mount dir written by the AWS provider (temp file renamed over each
 * target) or by the CSI driver's atomic writer (`..data` link to a timestamp directory). Links
 * are followed and the mode is the target's. Each file is read until two reads agree. A name of
 * `fileNames` that is missing is left out of the map.
 *
 * Throws `KuraMountError` when the mount dir cannot be read, a name is invalid, or a file keeps
 * changing.
 */
export async function readMountDir(
  dir: string,
  options: ReadMountDirOptions = {},
): Promise<Map<string, MountFile>> {
  if (options.fileNames !== undefined) {
    checkFileNames(options.fileNames);
  }
  const settleMs = checkSettleMs(options.settleMs);
  const realDir = await resolveMountDir(dir);
  const fileNames = options.fileNames ?? (await listFileNames(realDir, dir));

  const reads = await Promise.all(
    fileNames.map((fileName) => readFileSettled(realDir, fileName, settleMs)),
  );
  return toFileMap(reads);
}

/** Resolves the mount dir's links and checks that it is a directory. */
export async function resolveMountDir(dir: string): Promise<string> {
  try {
    const realDir = await realpath(resolve(dir));
    if (!(await stat(realDir)).isDirectory()) {
      throw new KuraMountError(
        `mount dir ${dir} is not a directory; pass the directory the files are in`,
      );
    }
    return realDir;
  } catch (error) {
    if (error instanceof KuraMountError) {
      throw error;
    }
    throw new KuraMountError(
      `failed to open mount dir ${dir}: ${describeError(error)}; check the path and that the process may read it`,
      { cause: error },
    );
  }
}

/** Validates `settleMs` and applies its default. */
export function checkSettleMs(settleMs: number | undefined): number {
  if (settleMs === undefined) {
    return defaultSettleMs;
  }
  if (!Number.isFinite(settleMs) || settleMs < 0) {
    throw new KuraMountError(
      `settleMs must be a number of milliseconds, 0 or more; got ${String(settleMs)}`,
    );
  }
  return settleMs;
}

/** Checks every name of `fileNames`; throws `KuraMountError` for the first invalid one. */
export function checkFileNames(fileNames: readonly string[]): void {
  for (const fileName of fileNames) {
    const problem = findFileNameProblem(fileName);
    if (problem !== undefined) {
      throw new KuraMountError(
        `file name "${fileName}" ${problem}; pass the file names a SecretProviderClass produces`,
        { fileName },
      );
    }
  }
}

/** Lists the visible files, wrapping a failure in `KuraMountError`. */
export async function listFileNames(realDir: string, dir: string): Promise<string[]> {
  try {
    return await listVisibleFiles(realDir);
  } catch (error) {
    throw new KuraMountError(`failed to list mount dir ${dir}: ${describeError(error)}`, {
      cause: error,
    });
  }
}

function toFileMap(reads: readonly FileRead[]): Map<string, MountFile> {
  const files = new Map<string, MountFile>();
  for (const read of reads) {
    if (read.kind === 'file') {
      files.set(read.file.fileName, read.file);
    }
  }
  return files;
}
