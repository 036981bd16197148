/**
 * Reads one file of a mount dir until two reads `settleMs` apart agree, so a file caught while
 * a writer truncates or replaces it is never taken as a value.
 */
import { constants, type Stats } from 'node:fs';
import { open } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { hashContent } from '../cache/content.js';
import { KuraMountError } from '../errors.js';
import {
  describeError,
  isInside,
  isMissingError,
  joinFileName,
  realpathOrUndefined,
} from './mount-path.js';
import type { MountFile } from './types.js';

/** Default time between the two reads that must agree, in milliseconds. */
export const defaultSettleMs = 50;

/**
 * How many reads a file gets to settle before it is reported as still changing. With the default
 * `settleMs` that is half a second, much longer than any writer takes to write a secret.
 */
const maxReads = 10;

/** The outcome of one read: the file's bytes and mode, or `missing`. */
export type FileRead = { kind: 'file'; file: MountFile } | { kind: 'missing' };

/**
 * Reads a file once, following links. A name that does not exist, is not a regular file, or
 * resolves outside the mount dir is `missing`. Throws `KuraMountError` for any other failure.
 *
 * @param realDir The mount dir with every link resolved.
 */
export async function readFileOnce(realDir: string, fileName: string): Promise<FileRead> {
  const path = joinFileName(realDir, fileName);
  try {
    const target = await realpathOrUndefined(path);
    // No writer of either layout links out of the mount dir, so such a link is skipped. The check
    // runs just before the open: it guards against mistakes, not against a writer racing the read.
    if (target === undefined || !isInside(realDir, target)) {
      return { kind: 'missing' };
    }

    // O_NONBLOCK so that a FIFO placed under a published name cannot block the reader.
    const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
    try {
      const stats: Stats = await handle.stat();
      if (!stats.isFile()) {
        return { kind: 'missing' };
      }
      const content = new Uint8Array(await handle.readFile());
      return { kind: 'file', file: toMountFile(fileName, content, stats.mode & 0o7777) };
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (isMissingError(error)) {
      return { kind: 'missing' };
    }
    throw new KuraMountError(
      `failed to read "${fileName}" in mount dir ${realDir}: ${describeError(error)}; check that the process may read the mount dir`,
      { cause: error, fileName },
    );
  }
}

/** Builds a MountFile, hashing its content with the process's keyed hash. */
export function toMountFile(fileName: string, content: Uint8Array, mode: number): MountFile {
  const hash = hashContent(content);
  return { fileName, content, hash, mode };
}

/** True when two reads saw the same thing: both missing, or the same bytes with the same mode. */
export function sameRead(a: FileRead, b: FileRead): boolean {
  if (a.kind === 'missing' || b.kind === 'missing') {
    return a.kind === b.kind;
  }
  return a.file.hash === b.file.hash && a.file.mode === b.file.mode;
}

/**
 * Reads a file until two consecutive reads `settleMs` apart agree and returns that read. A file
 * missing in one read and present in the next is transient, so it is read again. Only two
 * missing reads in a row make it `missing`. Throws `KuraMountError` when the file is still
 * changing after `maxReads` reads.
 *
 * @param first A read already made, to save one read when the caller has it.
 */
export async function readFileSettled(
  realDir: string,
  fileName: string,
  settleMs: number,
  first?: FileRead,
): Promise<FileRead> {
  let previous = first ?? (await readFileOnce(realDir, fileName));
  for (let reads = 1; reads < maxReads; reads += 1) {
    await delay(settleMs);
    const current = await readFileOnce(realDir, fileName);
    if (sameRead(previous, current)) {
      return current;
    }
    previous = current;
  }
  throw new KuraMountError(
    `"${fileName}" in mount dir ${realDir} kept changing over ${maxReads} reads ${settleMs} ms apart; a writer is still writing it; read it again once the writer is done`,
    { fileName },
  );
}
