/**
 * Lists the file names a mount dir shows when no SecretProviderClass names the files to expect.
 *
 * Rules:
 * - Entries whose name starts with `..` are skipped at every depth. They are the CSI driver's
 *   atomic writer's own (`..data`, `..data_tmp`, `..<timestamp>` directories).
 * - Links are followed, so a visible symlink into `..data` counts as the file it points to.
 *   Directories are walked up to `maxDepth` levels, never twice, and never outside the mount dir.
 * - A regular file (not a link) named `<name><1 to 10 digits>` is the AWS provider's temp file
 *   when `<name>` is a regular file in the same directory too. The provider creates its temp
 *   files with Go's `os.CreateTemp(dir, fileName)`, which appends a random 32-bit number in
 *   decimal. A real object whose name is another's plus digits (`db` and `db2`) is hidden by
 *   this rule in the provider layout, so pass the SecretProviderClass's file names to see it.
 */
import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { isInside, isMissingError, joinFileName, realpathOrUndefined } from './mount-path.js';

/** Maximum depth of nested directories (`pathTranslation: "False"`) walked below the mount dir. */
export const maxDepth = 16;

/** Maximum digits of the suffix `os.CreateTemp` appends, because a 32-bit number has at most 10. */
const maxTempSuffixDigits = 10;

interface Candidate {
  name: string;
  isLink: boolean;
}

/**
 * Lists every visible regular file of a mount dir as `/`-separated names, sorted.
 *
 * @param realDir The mount dir with every link resolved.
 */
export async function listVisibleFiles(realDir: string): Promise<string[]> {
  const found: string[] = [];
  await walk(realDir, '', 0, new Set([realDir]), found);
  return found.sort();
}

async function walk(
  realDir: string,
  relativeDir: string,
  depth: number,
  visited: Set<string>,
  found: string[],
): Promise<void> {
  let entries: Dirent[];
  try {
    entries = await readdir(joinFileName(realDir, relativeDir || '.'), { withFileTypes: true });
  } catch (error) {
    // A directory removed while it is walked, such as an old timestamp directory, has no files.
    if (isMissingError(error) && relativeDir !== '') {
      return;
    }
    throw error;
  }

  const files: Candidate[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('..')) {
      continue;
    }
    const name = relativeDir === '' ? entry.name : `${relativeDir}/${entry.name}`;
    const kind = await statKind(joinFileName(realDir, name));
    if (kind === 'file') {
      files.push({ name: entry.name, isLink: entry.isSymbolicLink() });
    } else if (kind === 'directory' && depth + 1 < maxDepth) {
      const target = await realpathOrUndefined(joinFileName(realDir, name));
      if (target !== undefined && isInside(realDir, target) && !visited.has(target)) {
        visited.add(target);
        await walk(realDir, name, depth + 1, visited, found);
      }
    }
  }

  for (const file of withoutTempFiles(files)) {
    found.push(relativeDir === '' ? file.name : `${relativeDir}/${file.name}`);
  }
}

async function statKind(path: string): Promise<'file' | 'directory' | 'other'> {
  try {
    const stats = await stat(path);
    if (stats.isFile()) {
      return 'file';
    }
    return stats.isDirectory() ? 'directory' : 'other';
  } catch (error) {
    // A dangling link, or an entry removed since readdir listed it.
    if (isMissingError(error)) {
      return 'other';
    }
    throw error;
  }
}

/** Drops the AWS provider's temp files from the regular files of one directory. */
function withoutTempFiles(files: Candidate[]): Candidate[] {
  const regularNames = new Set(files.filter((file) => !file.isLink).map((file) => file.name));
  return files.filter((file) => file.isLink || !isProviderTempName(file.name, regularNames));
}

/** True when `name` is `<other><digits>` for some `<other>` in `regularNames`. */
export function isProviderTempName(name: string, regularNames: ReadonlySet<string>): boolean {
  for (let digits = 1; digits <= maxTempSuffixDigits && digits < name.length; digits += 1) {
    const suffix = name.charCodeAt(name.length - digits);
    if (suffix < 0x30 || suffix > 0x39) {
      return false;
    }
    if (regularNames.has(name.slice(0, name.length - digits))) {
      return true;
    }
  }
  return false;
}
