/** File-name rules and path helpers shared by the mount-dir reader, watcher and writer. */
import { realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';

/** Maximum length of a path segment the CSI driver's atomic writer accepts, in bytes. */
const maxSegmentBytes = 255;
/** Maximum length of a file name the CSI driver's atomic writer accepts, in bytes. */
const maxNameBytes = 4096;

/**
 * Checks that a file name can live in a mount dir: relative, `/`-separated, no empty, `.` or
 * `..` segment, a first segment that does not start with `..` (the writers reserve those names),
 * and the CSI driver's length limits. Returns what is wrong, or undefined when the name is valid.
 */
export function findFileNameProblem(fileName: string): string | undefined {
  if (fileName === '') {
    return 'is empty';
  }
  if (fileName.startsWith('/')) {
    return 'is absolute; a file name is relative to the mount dir';
  }
  if (fileName.includes('\0')) {
    return 'contains a NUL character';
  }
  if (Buffer.byteLength(fileName) > maxNameBytes) {
    return `is longer than ${maxNameBytes} bytes`;
  }

  const segments = fileName.split('/');
  for (const segment of segments) {
    if (segment === '' || segment === '.' || segment === '..') {
      return `has an empty, "." or ".." segment`;
    }
    if (Buffer.byteLength(segment) > maxSegmentBytes) {
      return `has a segment longer than ${maxSegmentBytes} bytes`;
    }
  }
  if (segments[0]?.startsWith('..')) {
    return 'starts with "..", which the mount-dir writers reserve for their own entries';
  }
  return undefined;
}

/** Joins a `/`-separated file name onto the mount dir with the platform's separator. */
export function joinFileName(dir: string, fileName: string): string {
  return join(dir, ...fileName.split('/'));
}

/** True when `path` is `root` or lies below it. Both must be real (resolved) paths. */
export function isInside(root: string, path: string): boolean {
  return path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);
}

/** Resolves every link in `path`; undefined when the path does not exist. */
export async function realpathOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await realpath(path);
  } catch (error) {
    if (isMissingError(error)) {
      return undefined;
    }
    throw error;
  }
}

/**
 * True for the errors a file that is absent, or absent for a moment during a swap, raises:
 * ENOENT, ENOTDIR (a parent was replaced by a file) and ELOOP (a link points at itself).
 */
export function isMissingError(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR' || code === 'ELOOP';
}

/** Returns an error's message, for wrapping the error in one of ours. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
