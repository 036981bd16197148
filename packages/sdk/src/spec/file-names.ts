/**
 * File names of objects in the mount dir, computed as the AWS provider's `GetFileName` does,
 * and the checks that keep every name inside the mount dir.
 */
import type { PathTranslation } from './model.js';

/**
 * Maximum length of one path segment and of a whole relative path, in bytes, as Kubernetes'
 * AtomicWriter (pkg/volume/util/atomic_writer.go) enforces them; Linux's NAME_MAX is also 255.
 */
const maxSegmentBytes = 255;
const maxPathBytes = 4096;

/**
 * Reads `pathTranslation` as the provider does: unset or `""` means `_`, `False` in any letter
 * case turns translation off, and any other single byte replaces `/`. Returns undefined for
 * any other value, which the provider rejects.
 */
export function parsePathTranslation(value: string | undefined): PathTranslation | undefined {
  if (value === undefined || value === '') {
    return { kind: 'replace', replacement: '_' };
  }
  if (value.toLowerCase() === 'false') {
    return { kind: 'off' };
  }
  // The provider compares Go's len(), which counts bytes, so `é` is not one character there.
  if (Buffer.byteLength(value) === 1) {
    return { kind: 'replace', replacement: value };
  }
  return undefined;
}

/**
 * Computes a file name from `objectAlias` when set, else `objectName`: every `/` is replaced
 * when translation is on, and leading slashes are stripped when it is off.
 */
export function computeFileName(
  objectName: string,
  objectAlias: string | undefined,
  translation: PathTranslation,
): string {
  const name = objectAlias === undefined || objectAlias === '' ? objectName : objectAlias;
  if (translation.kind === 'replace') {
    return name.replaceAll('/', translation.replacement);
  }
  return name.replace(/^\/+/, '');
}

/**
 * Returns why a file name cannot be written inside the mount dir, or undefined when it can.
 * The AWS provider only rejects `..` segments in nested paths. kura also rejects names that
 * would escape the mount dir, fail when written, or clash with the `..data` layout.
 */
export function checkFileName(fileName: string): string | undefined {
  if (fileName === '') {
    return 'the file name is empty; set an objectAlias';
  }
  if (fileName.includes('\0')) {
    return 'the file name contains a NUL character; set an objectAlias without it';
  }
  if (fileName.startsWith('/')) {
    return `the file name ${fileName} is an absolute path; set an objectAlias without a leading /`;
  }
  if (Buffer.byteLength(fileName) > maxPathBytes) {
    return `the file name is longer than ${maxPathBytes} bytes; set a shorter objectAlias`;
  }

  const segments = fileName.split('/');
  if (segments.some((segment) => segment === '..')) {
    return `the file name ${fileName} contains a .. segment and would escape the mount dir; set an objectAlias without ..`;
  }
  if (segments.some((segment) => segment === '' || segment === '.')) {
    return `the file name ${fileName} contains an empty or . segment; set an objectAlias such as ${segments.filter((segment) => segment !== '' && segment !== '.').join('/') || 'a plain name'}`;
  }
  if (segments[0]?.startsWith('..')) {
    return `the file name ${fileName} starts with .., which the CSI driver reserves for its own entries (..data); set an objectAlias that does not start with ..`;
  }
  const long = segments.find((segment) => Buffer.byteLength(segment) > maxSegmentBytes);
  if (long !== undefined) {
    return `the file name segment ${long.slice(0, 40)}... is longer than ${maxSegmentBytes} bytes; set a shorter objectAlias`;
  }
  return undefined;
}
