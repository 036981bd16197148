/** Types shared by the mount-dir reader, watcher and writer. */

/** One visible file of a mount dir, read after its content settled. */
export interface MountFile {
  /** Relative, `/`-separated name, as an object's file name. */
  fileName: string;
  content: Uint8Array;
  /** Keyed hash of `content` (HMAC-SHA-256 under a per-process key); comparable within one process only. */
  hash: string;
  /** Mode bits of the link target, such as `0o400`. */
  mode: number;
}

/** A file to write: one object or jmesPath entry of a load. */
export interface FileToWrite {
  fileName: string;
  content: Uint8Array;
  /** Mode bits, such as `0o644`. */
  filePermission: number;
}

/**
 * `provider`: the AWS provider's temp file renamed over each target.
 * `atomic`: the CSI driver's atomic writer (`..<timestamp>` directory behind a `..data` link).
 */
export type MountLayout = 'provider' | 'atomic';

/** A running watch of a mount dir, from `watchMountDir`. */
export interface MountWatcher {
  /** The files published so far, by file name. Reflects every `onChange` and `onRemove`. */
  current(): ReadonlyMap<string, MountFile>;
  /** Stops the directory watcher and every timer; no callback runs after it resolves. */
  close(): Promise<void>;
}
