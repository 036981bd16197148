/** Writes a mount dir once, in the AWS provider's layout or the CSI driver's atomic layout. */
import { resolve } from 'node:path';
import { KuraConfigError, KuraMountError } from '../errors.js';
import { findFileNameProblem } from './mount-path.js';
import type { FileToWrite, MountLayout } from './types.js';
import { writeAtomicLayout } from './write-atomic-layout.js';
import { writeProviderLayout } from './write-provider-layout.js';

export interface WriteMountDirOptions {
  /** `provider` (default): the AWS provider's temp file renamed over each target. `atomic`: the CSI driver's `..data` layout. */
  layout?: MountLayout;
  /** Clock for the atomic layout's timestamp directory name. Default: the system clock. */
  now?: () => Date;
}

/**
 * Writes `files` into the mount dir `dir`, creating it when missing. Every file is written to a
 * temp name first and switched into place only when all were written, so a failure before the
 * switch removes what was written and leaves `dir` as it was. File modes are set exactly,
 * whatever the umask. Names with `/` (`pathTranslation: "False"`) create directories.
 *
 * Throws `KuraMountError` naming the file (its `fileName` field is set) when a name or mode is
 * invalid or a write fails, and `KuraConfigError` for an unknown layout.
 */
export async function writeMountDir(
  dir: string,
  files: readonly FileToWrite[],
  options: WriteMountDirOptions = {},
): Promise<void> {
  const layout = options.layout ?? 'provider';
  if (layout !== 'provider' && layout !== 'atomic') {
    throw new KuraConfigError(`layout must be "provider" or "atomic"; got "${String(layout)}"`);
  }
  checkFiles(files);

  const absoluteDir = resolve(dir);
  if (layout === 'provider') {
    await writeProviderLayout(absoluteDir, files);
  } else {
    await writeAtomicLayout(absoluteDir, files, (options.now ?? (() => new Date()))());
  }
}

/** Rejects invalid names and modes, duplicates, and a name that is also another's directory. */
function checkFiles(files: readonly FileToWrite[]): void {
  const names = new Set<string>();
  for (const file of files) {
    const problem = findFileNameProblem(file.fileName);
    if (problem !== undefined) {
      throw fileError(file.fileName, `file name "${file.fileName}" ${problem}`);
    }
    if (
      !Number.isInteger(file.filePermission) ||
      file.filePermission < 0 ||
      file.filePermission > 0o777
    ) {
      throw fileError(
        file.fileName,
        `filePermission of "${file.fileName}" must be a mode from 0 to 0o777, such as 0o644; got ${String(file.filePermission)}`,
      );
    }
    if (names.has(file.fileName)) {
      throw fileError(
        file.fileName,
        `file name "${file.fileName}" appears twice; give each object its own objectAlias`,
      );
    }
    names.add(file.fileName);
  }

  for (const name of names) {
    const segments = name.split('/');
    for (let length = 1; length < segments.length; length += 1) {
      const parent = segments.slice(0, length).join('/');
      if (names.has(parent)) {
        throw fileError(
          name,
          `file name "${name}" needs a directory "${parent}", which is also a file name; give one of the objects another objectAlias`,
        );
      }
    }
  }
}

function fileError(fileName: string, message: string): KuraMountError {
  return new KuraMountError(message, { fileName });
}
