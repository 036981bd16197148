/**
 * Rejects two entries that write the same file. The AWS provider rejects a reused objectAlias
 * and some repeats of one objectName. kura rejects every pair whose final file names are equal
 * (`a/b` and `a_b`, or an alias equal to another object's name), which covers both rules. It
 * also rejects a file that another file's path needs as a directory, which cannot be written.
 */
import type { SpcObject } from './model.js';
import type { ProblemCollector } from './problems.js';

/** A file an object or one of its jmesPath entries writes. */
export interface ProducedFile {
  fileName: string;
  /** The objectAlias as written, empty when the object has none. */
  objectAlias: string;
  object: SpcObject;
  /** Index in the object's `jmesPath`, when the file is a jmesPath entry's. */
  jmesPathIndex?: number;
}

/** Lists every file the objects write, in order: each object, then its jmesPath entries. */
export function listProducedFiles(objects: readonly SpcObject[]): ProducedFile[] {
  return objects.flatMap((object) => [
    { fileName: object.fileName, objectAlias: object.objectAlias ?? '', object },
    ...object.jmesPath.map((entry, jmesPathIndex) => ({
      fileName: entry.fileName,
      objectAlias: entry.objectAlias,
      object,
      jmesPathIndex,
    })),
  ]);
}

function describe(file: ProducedFile): string {
  const object = `object ${file.object.index} (${file.object.objectName})`;
  return file.jmesPathIndex === undefined
    ? object
    : `jmesPath entry ${file.jmesPathIndex} of ${object}`;
}

function fieldOf(file: ProducedFile): string {
  const path = `spec.parameters.objects[${file.object.index}]`;
  if (file.jmesPathIndex !== undefined) {
    return `${path}.jmesPath[${file.jmesPathIndex}].objectAlias`;
  }
  return file.objectAlias === '' ? `${path}.objectName` : `${path}.objectAlias`;
}

function explainCollision(file: ProducedFile, earlier: ProducedFile): string {
  if (file.objectAlias !== '' && file.objectAlias === earlier.objectAlias) {
    return `objectAlias ${file.objectAlias} is already used by ${describe(earlier)}; every objectAlias must be unique across objects and jmesPath entries, so choose another`;
  }
  const bothPlainObjects =
    file.jmesPathIndex === undefined &&
    earlier.jmesPathIndex === undefined &&
    file.objectAlias === '' &&
    earlier.objectAlias === '';
  if (bothPlainObjects && file.object.objectName === earlier.object.objectName) {
    return `objectName ${file.object.objectName} is already listed as ${describe(earlier)} and neither has an objectAlias, so both write the file ${file.fileName}; give each an objectAlias, such as objectAlias: "${file.fileName}-previous" with objectVersionLabel: "AWSPREVIOUS"`;
  }
  return `file name ${file.fileName} is also written by ${describe(earlier)}, so one would overwrite the other; set a different objectAlias`;
}

function locationOf(file: ProducedFile) {
  return { index: file.object.index, objectName: file.object.objectName };
}

/**
 * Records an error for every nested file name whose parent directory is another entry's file,
 * such as `a` and `a/b` with `pathTranslation: "False"`: one of the two cannot be written.
 */
function checkDirectoryClashes(
  files: ReadonlyMap<string, ProducedFile>,
  collector: ProblemCollector,
): void {
  for (const [fileName, file] of files) {
    const segments = fileName.split('/');
    for (let length = 1; length < segments.length; length += 1) {
      const parent = files.get(segments.slice(0, length).join('/'));
      if (parent === undefined) continue;
      collector.error(
        fieldOf(file),
        `file name ${fileName} needs a directory ${parent.fileName}, but ${describe(parent)} writes a file of that name; set an objectAlias on one of them so that neither name is a directory of the other`,
        locationOf(file),
      );
      break;
    }
  }
}

/**
 * Records an error for every file whose final name an earlier entry already writes, and for
 * every file whose directory is another entry's file.
 */
export function checkFileCollisions(
  objects: readonly SpcObject[],
  collector: ProblemCollector,
): void {
  const seen = new Map<string, ProducedFile>();
  for (const file of listProducedFiles(objects)) {
    const earlier = seen.get(file.fileName);
    if (earlier === undefined) {
      seen.set(file.fileName, file);
      continue;
    }
    collector.error(fieldOf(file), explainCollision(file, earlier), locationOf(file));
  }
  checkDirectoryClashes(seen, collector);
}
