/** Resolves the names callers pass to a store: a file name first, then an objectName. */
import { KuraAmbiguousNameError, KuraNotFoundError } from '../errors.js';
import type { SecretProviderClass } from '../spec/model.js';

export class NameIndex {
  readonly #fileNames: ReadonlySet<string>;
  readonly #fileNamesByObjectName = new Map<string, string[]>();
  readonly #spcName: string;

  constructor(spc: SecretProviderClass) {
    this.#spcName = `${spc.namespace}/${spc.name}`;
    const fileNames = new Set<string>();
    for (const object of spc.objects) {
      fileNames.add(object.fileName);
      for (const entry of object.jmesPath) {
        fileNames.add(entry.fileName);
      }
      const sameName = this.#fileNamesByObjectName.get(object.objectName) ?? [];
      sameName.push(object.fileName);
      this.#fileNamesByObjectName.set(object.objectName, sameName);
    }
    this.#fileNames = fileNames;
  }

  /**
   * Returns the file name `name` stands for. A jmesPath file is found by its file name only;
   * an objectName finds the object's own file. Throws `KuraNotFoundError` listing the known file
   * names, or `KuraAmbiguousNameError` listing the file names an objectName maps to.
   */
  resolve(name: string): string {
    if (this.#fileNames.has(name)) {
      return name;
    }
    const candidates = this.#fileNamesByObjectName.get(name);
    if (candidates === undefined) {
      const known = [...this.#fileNames].join(', ');
      throw new KuraNotFoundError(
        `no object with file name or objectName "${name}" in SecretProviderClass ${this.#spcName}; known file names: ${known}`,
      );
    }
    if (candidates.length > 1) {
      throw new KuraAmbiguousNameError(
        `objectName "${name}" maps to several objects of SecretProviderClass ${this.#spcName}; ask by file name: ${candidates.join(', ')}`,
      );
    }
    return candidates[0] as string;
  }
}
