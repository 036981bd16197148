/**
 * The AWS provider's layout: each file is a regular file, replaced by renaming a temp file
 * `<file name><random digits>` over it (server/server.go `writeFile` in
 * aws/secrets-store-csi-driver-provider-aws, which uses Go's `os.CreateTemp`).
 *
 * Unlike the provider, which writes and renames one file at a time, this writes every temp file
 * first and renames only when all were written, so a failure leaves the mount dir as it was. The
 * provider cannot write a nested name (`os.CreateTemp` rejects a pattern holding `/`), while this
 * creates the directories and puts the temp file beside its target.
 */
import { lstat, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { KuraMountError } from '../errors.js';
import { describeError, isMissingError, joinFileName } from './mount-path.js';
import type { FileToWrite } from './types.js';
import {
  createDirectories,
  createMountDir,
  removeCreatedDirectories,
  writeError,
  writeTempFile,
} from './write-files.js';

interface PendingRename {
  fileName: string;
  tempPath: string;
  targetPath: string;
}

/** Writes `files` into `dir` in the AWS provider's layout; all or nothing up to the renames. */
export async function writeProviderLayout(
  dir: string,
  files: readonly FileToWrite[],
): Promise<void> {
  const createdDirectories: string[] = [];
  const pending: PendingRename[] = [];

  let current: string | undefined;
  try {
    await createMountDir(dir, createdDirectories);
    for (const file of files) {
      current = file.fileName;
      const targetPath = joinFileName(dir, file.fileName);
      await createDirectories(dir, dirname(targetPath), createdDirectories);
      await checkReplaceable(targetPath);
      const tempPath = await writeTempFile(targetPath, file.content, file.filePermission);
      pending.push({ fileName: file.fileName, tempPath, targetPath });
    }
  } catch (error) {
    await removeTempFiles(pending);
    await removeCreatedDirectories(createdDirectories);
    throw current === undefined
      ? new KuraMountError(`failed to create mount dir ${dir}: ${describeError(error)}`, {
          cause: error,
        })
      : writeError(dir, current, error);
  }

  await renameAll(dir, pending);
}

/** Rejects a target that a rename cannot replace: a directory. */
async function checkReplaceable(targetPath: string): Promise<void> {
  try {
    if ((await lstat(targetPath)).isDirectory()) {
      throw new Error(`${targetPath} is a directory; remove it or choose another objectAlias`);
    }
  } catch (error) {
    if (!isMissingError(error)) {
      throw error;
    }
  }
}

/**
 * Renames each temp file over its target. Each rename is atomic, so a reader sees the old or the
 * new bytes of a file, never a mix.
 */
async function renameAll(dir: string, pending: readonly PendingRename[]): Promise<void> {
  for (const [index, entry] of pending.entries()) {
    try {
      await rename(entry.tempPath, entry.targetPath);
    } catch (error) {
      // NOTE: files renamed before this one keep their new bytes; the renames of several files
      // cannot be made atomic together in this layout. Only the atomic layout switches at once.
      await removeTempFiles(pending.slice(index));
      throw new KuraMountError(
        `failed to rename the new "${entry.fileName}" into mount dir ${dir}: ${describeError(error)}; ${index} of ${pending.length} files were already replaced`,
        { cause: error, fileName: entry.fileName },
      );
    }
  }
}

async function removeTempFiles(pending: readonly PendingRename[]): Promise<void> {
  await Promise.all(
    pending.map((entry) => rm(entry.tempPath, { force: true }).catch(() => undefined)),
  );
}
