/** The files one object's content produces: its own file and one per jmesPath entry. */
import { extractJmesPath } from '../extract/extract-jmes-path.js';
import type { SpcObject } from '../spec/model.js';

export interface DerivedFile {
  fileName: string;
  /** The jmesPath expression, for a jmesPath file. */
  jmesPath?: string;
  content: Uint8Array;
}

/**
 * Derives every file of `object` from its content. Throws `KuraExtractError` when a jmesPath
 * entry cannot be applied; then none of the object's files may change.
 */
export function deriveFiles(object: SpcObject, content: Uint8Array): DerivedFile[] {
  const extracted = extractJmesPath(content, object.jmesPath, {
    objectName: object.objectName,
    objectType: object.objectType,
  });
  const files: DerivedFile[] = [{ fileName: object.fileName, content }];
  object.jmesPath.forEach((entry, index) => {
    files.push({
      fileName: entry.fileName,
      jmesPath: entry.path,
      content: extracted[index] as Uint8Array,
    });
  });
  return files;
}
