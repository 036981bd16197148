/**
 * The CSI driver's atomic-writer layout (pkg/util/fileutil/atomic_writer.go in
 * kubernetes-sigs/secrets-store-csi-driver):
 *
 *   ..2024_01_31_12_00_00.1234567890/   real files, directory mode 0755, file modes as requested
 *   ..data -> ..2024_01_31_12_00_00.1234567890
 *   password -> ..data/password         one link per first segment of a file name
 *   nested -> ..data/nested             (`nested/key` with `pathTranslation: "False"`)
 *
 * An update writes a new timestamp directory, links `..data_tmp` to it and renames `..data_tmp`
 * over `..data`, so that one rename switches every file at once. When every file already
 * contains the same bytes and no file was dropped, nothing is written, as in the driver.
 */

import { constants } from 'node:fs';
import {
  chmod,
  lstat,
  open,
  readdir,
  readFile,
  readlink,
  rename,
  rm,
  symlink,
  unlink,
} from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { KuraMountError } from '../errors.js';
import { describeError, isMissingError, joinFileName } from './mount-path.js';
import type { FileToWrite } from './types.js';
import {
  createDirectories,
  createMountDir,
  createTempDir,
  randomSuffix,
  removeCreatedDirectories,
  writeError,
} from './write-files.js';

const dataLinkName = '..data';
const newDataLinkName = '..data_tmp';

/** Entries a failed write removes again before the switch. */
interface Undo {
  createdDirectories: string[];
  timestampDir?: string;
  createdLinks: string[];
}

/** Writes `files` into `dir` in the atomic writer's layout; all or nothing. */
export async function writeAtomicLayout(
  dir: string,
  files: readonly FileToWrite[],
  now: Date,
): Promise<void> {
  const undo: Undo = { createdDirectories: [], createdLinks: [] };
  let replaceAfterSwitch: string[];
  let oldTimestampDir: string | undefined;
  let dropped: Dropped = { anyFile: false, links: [] };

  let current: string | undefined;
  try {
    await createMountDir(dir, undo.createdDirectories);
    oldTimestampDir = await readDataLink(dir);
    if (oldTimestampDir !== undefined) {
      const oldPath = join(dir, oldTimestampDir);
      dropped = findDropped(await listOldFiles(oldPath), files);
      // NOTE: like the driver, this compares bytes only, so a changed filePermission alone is
      // not applied until the content changes too.
      if (!dropped.anyFile && (await containsSameBytes(oldPath, files))) {
        return;
      }
    }

    undo.timestampDir = await createTempDir(join(dir, timestampPrefix(now)));
    for (const file of files) {
      current = file.fileName;
      await writeRealFile(undo.timestampDir, file);
    }
    current = undefined;

    replaceAfterSwitch = await createVisibleLinks(dir, files, undo.createdLinks);
    await rm(join(dir, newDataLinkName), { force: true });
    await symlink(relativeName(dir, undo.timestampDir), join(dir, newDataLinkName));
    await rename(join(dir, newDataLinkName), join(dir, dataLinkName));
  } catch (error) {
    await undoWrite(dir, undo);
    throw current === undefined
      ? new KuraMountError(
          `failed to write mount dir ${dir}: ${describeError(error)}; the mount dir was left as it was`,
          { cause: error },
        )
      : writeError(dir, current, error);
  }

  await finishSwitch(dir, replaceAfterSwitch, dropped.links, oldTimestampDir);
}

/** Formats the timestamp directory's prefix in the driver's format, `..2006_01_02_15_04_05.`, in UTC. */
export function timestampPrefix(now: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  const date = `${now.getUTCFullYear()}_${pad(now.getUTCMonth() + 1)}_${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}_${pad(now.getUTCMinutes())}_${pad(now.getUTCSeconds())}`;
  return `..${date}_${time}.`;
}

/** Returns the directory `..data` links to, or undefined when there is no `..data`. */
async function readDataLink(dir: string): Promise<string | undefined> {
  try {
    const target = await readlink(join(dir, dataLinkName));
    if (target.includes('/') || !target.startsWith('..')) {
      throw new Error(
        `${dataLinkName} links to ${target}, not to a timestamp directory beside it; this is not a mount dir the atomic writer made, so write to an empty directory`,
      );
    }
    return target;
  } catch (error) {
    if (isMissingError(error)) {
      return undefined;
    }
    if ((error as NodeJS.ErrnoException).code === 'EINVAL') {
      throw new Error(`${dataLinkName} is not a link; write to an empty directory instead`);
    }
    throw error;
  }
}

/** Lists the files of an old timestamp directory as `/`-separated names. */
async function listOldFiles(timestampDir: string): Promise<string[]> {
  try {
    const entries = await readdir(timestampDir, { recursive: true, withFileTypes: true });
    return entries
      .filter((entry) => !entry.isDirectory())
      .map((entry) =>
        relativeName(timestampDir, join(entry.parentPath, entry.name)).replaceAll('\\', '/'),
      );
  } catch (error) {
    if (isMissingError(error)) {
      return [];
    }
    throw error;
  }
}

/** Old files that the new write drops. */
interface Dropped {
  /** True when some old file has no new file of the same name. */
  anyFile: boolean;
  /** First segments no new file starts with: their visible links go after the switch. */
  links: string[];
}

function findDropped(oldNames: readonly string[], files: readonly FileToWrite[]): Dropped {
  const newNames = new Set(files.map((file) => file.fileName));
  const newFirstSegments = new Set(files.map((file) => firstSegment(file.fileName)));
  const droppedNames = oldNames.filter((name) => !newNames.has(name));
  const links = new Set(
    droppedNames.map(firstSegment).filter((segment) => !newFirstSegments.has(segment)),
  );
  return { anyFile: droppedNames.length > 0, links: [...links] };
}

/** True when every file exists in the timestamp directory with the same bytes. */
async function containsSameBytes(
  timestampDir: string,
  files: readonly FileToWrite[],
): Promise<boolean> {
  for (const file of files) {
    try {
      const existing = await readFile(joinFileName(timestampDir, file.fileName));
      if (!existing.equals(file.content)) {
        return false;
      }
    } catch (error) {
      if (isMissingError(error)) {
        return false;
      }
      throw error;
    }
  }
  return true;
}

async function writeRealFile(timestampDir: string, file: FileToWrite): Promise<void> {
  const path = joinFileName(timestampDir, file.fileName);
  await createDirectories(timestampDir, dirname(path), []);
  const handle = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
  try {
    await handle.writeFile(file.content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  // Set after writing and regardless of the umask, so a 0400 file can still be written.
  await chmod(path, file.filePermission);
}

/**
 * Creates the link `<first segment> -> ..data/<first segment>` for each first segment that has no
 * entry yet; it dangles until the switch, like the driver's. Returns the first segments that
 * exist but are not links (files of the provider layout): those are replaced after the switch.
 */
async function createVisibleLinks(
  dir: string,
  files: readonly FileToWrite[],
  createdLinks: string[],
): Promise<string[]> {
  const replaceAfterSwitch: string[] = [];
  for (const segment of new Set(files.map((file) => firstSegment(file.fileName)))) {
    const path = join(dir, segment);
    try {
      if (!(await lstat(path)).isSymbolicLink()) {
        replaceAfterSwitch.push(segment);
      }
    } catch (error) {
      if (!isMissingError(error)) {
        throw error;
      }
      await symlink(`${dataLinkName}/${segment}`, path);
      createdLinks.push(path);
    }
  }
  return replaceAfterSwitch;
}

async function undoWrite(dir: string, undo: Undo): Promise<void> {
  await rm(join(dir, newDataLinkName), { force: true }).catch(() => undefined);
  for (const link of undo.createdLinks) {
    await unlink(link).catch(() => undefined);
  }
  if (undo.timestampDir !== undefined) {
    await rm(undo.timestampDir, { recursive: true, force: true }).catch(() => undefined);
  }
  await removeCreatedDirectories(undo.createdDirectories);
}

/**
 * After the switch: turns provider-layout entries into links, removes the links of dropped
 * names and the old timestamp directory. A failure here leaves the new files in place.
 */
async function finishSwitch(
  dir: string,
  replaceAfterSwitch: readonly string[],
  droppedLinks: readonly string[],
  oldTimestampDir: string | undefined,
): Promise<void> {
  try {
    for (const segment of replaceAfterSwitch) {
      await replaceWithLink(dir, segment);
    }
    for (const segment of droppedLinks) {
      await removeLink(join(dir, segment));
    }
    if (oldTimestampDir !== undefined) {
      await rm(join(dir, oldTimestampDir), { recursive: true, force: true });
    }
  } catch (error) {
    throw new KuraMountError(
      `wrote the new files to mount dir ${dir}, but removing what they replaced failed: ${describeError(error)}`,
      { cause: error },
    );
  }
}

/**
 * Replaces a regular file or directory by a link into `..data`. A file is replaced by one rename,
 * so readers never miss it.
 */
async function replaceWithLink(dir: string, segment: string): Promise<void> {
  const path = join(dir, segment);
  const tempLink = join(dir, `..link_tmp.${randomSuffix()}`);
  await symlink(`${dataLinkName}/${segment}`, tempLink);

  if (!(await lstat(path)).isDirectory()) {
    await rename(tempLink, path);
    return;
  }
  // NOTE: a directory cannot be renamed over, so the files below it are missing between these
  // two renames. Only a mount dir switched from the provider layout with nested names hits this.
  const oldDirectory = join(dir, `..old.${randomSuffix()}`);
  await rename(path, oldDirectory);
  await rename(tempLink, path);
  await rm(oldDirectory, { recursive: true, force: true });
}

/** Removes a visible entry if it is a link, as the driver removes links of dropped names. */
async function removeLink(path: string): Promise<void> {
  try {
    if ((await lstat(path)).isSymbolicLink()) {
      await unlink(path);
    }
  } catch (error) {
    if (!isMissingError(error)) {
      throw error;
    }
  }
}

function firstSegment(fileName: string): string {
  return fileName.split('/')[0] ?? fileName;
}

function relativeName(dir: string, path: string): string {
  return path.slice(dir.length + 1);
}
