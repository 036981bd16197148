/** Watches a mount dir written in either layout and publishes each real change of content. */
import { relative, sep } from 'node:path';
import { type FSWatcher, watch } from 'chokidar';
import { KuraMountError } from '../errors.js';
import { maxDepth } from './list-visible-files.js';
import { describeError } from './mount-path.js';
import { checkFileNames, checkSettleMs, listFileNames, resolveMountDir } from './read-mount-dir.js';
import { type FileRead, readFileOnce, readFileSettled } from './read-settled.js';
import type { MountFile, MountWatcher } from './types.js';

/** Default time between full rescans, in milliseconds (see `rescanIntervalMs`). */
export const defaultRescanIntervalMs = 10_000;

/**
 * Quiet time after a directory event before the rescan starts, in milliseconds. One rotation
 * fires several events, such as a temp file's create, write and rename, or a timestamp
 * directory and the `..data_tmp` link with its rename. The wait gathers them into one rescan.
 */
const debounceMs = 20;

export interface WatchMountDirOptions {
  /**
   * The file names to publish, normally every file name of a SecretProviderClass. Without it,
   * every visible regular file except `..` entries and the AWS provider's temp files.
   */
  fileNames?: readonly string[];
  /** Time between the two reads of a file that must agree, in milliseconds. Default 50. */
  settleMs?: number;
  /**
   * Time between full rescans that catch a change the directory watcher missed (an inotify queue
   * overflow, a file system without events), in milliseconds. Default 10 000; 0 turns it off.
   */
  rescanIntervalMs?: number;
  /** Called once per change of a file's content hash after the first read, never for the first read. */
  onChange(file: MountFile): void;
  /** Called when a published file is gone on two reads `settleMs` apart. */
  onRemove?(fileName: string): void;
  /** Called for every failure after the first read; the last published values stay. */
  onError(error: KuraMountError): void;
}

/**
 * Watches a mount dir and resolves after the first full read, whose files `current()` returns.
 * Every directory event (chokidar's events and the raw `fs.watch` events under them) starts a
 * debounced rescan that resolves every visible name again. A `..data` swap fires events only
 * for the `..` entries, never for the visible links, so this rescan is what notices it. A file
 * is published only after two reads agree, and only when its hash differs from the last one
 * published. Rejects with `KuraMountError` when the first read fails.
 */
export async function watchMountDir(
  dir: string,
  options: WatchMountDirOptions,
): Promise<MountWatcher> {
  if (options.fileNames !== undefined) {
    checkFileNames(options.fileNames);
  }
  const settleMs = checkSettleMs(options.settleMs);
  const rescanIntervalMs = options.rescanIntervalMs ?? defaultRescanIntervalMs;
  if (!Number.isFinite(rescanIntervalMs) || rescanIntervalMs < 0) {
    throw new KuraMountError(
      `rescanIntervalMs must be a number of milliseconds, 0 or more (0 turns rescans off); got ${String(rescanIntervalMs)}`,
    );
  }

  const realDir = await resolveMountDir(dir);
  const watcher = new MountDirWatcher(dir, realDir, settleMs, options);
  await watcher.start(rescanIntervalMs);
  return watcher;
}

class MountDirWatcher implements MountWatcher {
  private readonly published = new Map<string, MountFile>();
  private fsWatcher: FSWatcher | undefined;
  private debounceTimer: NodeJS.Timeout | undefined;
  private rescanTimer: NodeJS.Timeout | undefined;
  /** The scan running now; scans never overlap. */
  private scanning: Promise<void> | undefined;
  /** An event arrived while a scan ran, so another scan follows it. */
  private rescanRequested = false;
  private closed = false;

  constructor(
    private readonly dir: string,
    private readonly realDir: string,
    private readonly settleMs: number,
    private readonly options: WatchMountDirOptions,
  ) {}

  current(): ReadonlyMap<string, MountFile> {
    return this.published;
  }

  async start(rescanIntervalMs: number): Promise<void> {
    try {
      // The directory watcher starts before the first read, so no change falls between the two.
      await this.startFsWatcher();
      this.scanning = this.scan(true);
      await this.scanning;
    } catch (error) {
      await this.close();
      throw error;
    } finally {
      this.scanning = undefined;
    }

    if (rescanIntervalMs > 0) {
      this.rescanTimer = setInterval(() => this.scheduleScan(), rescanIntervalMs);
      this.rescanTimer.unref();
    }
    if (this.rescanRequested) {
      this.scheduleScan();
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.debounceTimer);
    clearInterval(this.rescanTimer);
    await this.fsWatcher?.close();
    // A scan already running finishes, but publishes nothing once `closed` is set.
    await this.scanning?.catch(() => undefined);
  }

  private async startFsWatcher(): Promise<void> {
    const fsWatcher = watch(this.realDir, {
      ignoreInitial: true,
      // Links are resolved by the rescan; following them here would watch timestamp directories.
      followSymlinks: false,
      depth: maxDepth,
      // chokidar's `atomic` delays an unlink to merge it with a re-add; the rescan handles both.
      atomic: false,
      ignored: (path) => this.isWriterInternal(path),
    });
    this.fsWatcher = fsWatcher;

    fsWatcher.on('all', () => this.scheduleScan());
    fsWatcher.on('raw', () => this.scheduleScan());
    fsWatcher.on('error', (error) => {
      this.report(
        new KuraMountError(`watching mount dir ${this.dir} failed: ${describeError(error)}`, {
          cause: error,
        }),
      );
    });
    await new Promise<void>((resolveReady) => fsWatcher.once('ready', () => resolveReady()));
  }

  /**
   * True for the atomic writer's `..` entries other than `..data`, and for everything below
   * any `..` entry. Their events are not needed: the rename onto `..data` marks every swap.
   */
  private isWriterInternal(path: string): boolean {
    const segments = relative(this.realDir, path).split(sep);
    const first = segments[0] ?? '';
    if (!first.startsWith('..') || first === '..') {
      return false;
    }
    return segments.length > 1 || first !== '..data';
  }

  private scheduleScan(): void {
    if (this.closed) {
      return;
    }
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.debounceTimer = undefined;
      this.runScan();
    }, debounceMs);
  }

  private runScan(): void {
    if (this.closed) {
      return;
    }
    if (this.scanning !== undefined) {
      this.rescanRequested = true;
      return;
    }

    this.rescanRequested = false;
    this.scanning = this.scan(false)
      .catch((error: unknown) => this.report(toMountError(error, this.dir)))
      .finally(() => {
        this.scanning = undefined;
        if (this.rescanRequested) {
          this.runScan();
        }
      });
  }

  /**
   * Reads every name again and publishes what changed. The first scan throws its first error;
   * later scans report each error and keep the last published value of that file.
   */
  private async scan(first: boolean): Promise<void> {
    const names = await this.namesToRead();
    const reads = await Promise.allSettled(names.map((name) => this.readIfChanged(name)));

    for (const [index, outcome] of reads.entries()) {
      if (outcome.status === 'rejected') {
        const error = toMountError(outcome.reason, this.dir);
        if (first) {
          throw error;
        }
        this.report(error);
        continue;
      }
      this.apply(names[index] as string, outcome.value, first);
    }
  }

  private async namesToRead(): Promise<string[]> {
    if (this.options.fileNames !== undefined) {
      return [...this.options.fileNames];
    }
    // Published names are read too, so a file that disappeared from the listing is noticed.
    const listed = await listFileNames(this.realDir, this.dir);
    return [...new Set([...listed, ...this.published.keys()])];
  }

  /** Reads a file once, and until it settles only when that read differs from what is published. */
  private async readIfChanged(fileName: string): Promise<FileRead> {
    const first = await readFileOnce(this.realDir, fileName);
    const published = this.published.get(fileName);
    if (first.kind === 'missing' && published === undefined) {
      return first;
    }
    if (
      first.kind === 'file' &&
      first.file.hash === published?.hash &&
      first.file.mode === published.mode
    ) {
      return first;
    }
    return readFileSettled(this.realDir, fileName, this.settleMs, first);
  }

  private apply(fileName: string, read: FileRead, first: boolean): void {
    if (this.closed) {
      return;
    }
    const published = this.published.get(fileName);

    if (read.kind === 'missing') {
      if (published !== undefined) {
        this.published.delete(fileName);
        this.notify(() => this.options.onRemove?.(fileName));
      }
      return;
    }

    if (published?.hash === read.file.hash) {
      // Same content: a mode change updates `current()` but is not a change of value.
      if (published.mode !== read.file.mode) {
        this.published.set(fileName, read.file);
      }
      return;
    }
    this.published.set(fileName, read.file);
    if (!first) {
      this.notify(() => this.options.onChange(read.file));
    }
  }

  /** Runs a caller's callback; what it throws goes to `onError`. */
  private notify(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      this.report(
        new KuraMountError(`a mount dir listener for ${this.dir} threw: ${describeError(error)}`, {
          cause: error,
        }),
      );
    }
  }

  private report(error: KuraMountError): void {
    if (this.closed) {
      return;
    }
    try {
      this.options.onError(error);
    } catch {
      // onError has no one left to report to; the watcher keeps running.
    }
  }
}

function toMountError(error: unknown, dir: string): KuraMountError {
  if (error instanceof KuraMountError) {
    return error;
  }
  return new KuraMountError(`reading mount dir ${dir} failed: ${describeError(error)}`, {
    cause: error,
  });
}
