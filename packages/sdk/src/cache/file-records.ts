/** The current content and status of each file of a store, and the events their changes emit. */
import type { KuraError } from '../errors.js';
import type { ObjectType, SpcObject } from '../spec/model.js';
import { hashContent } from './content.js';
import type { StoreEvents } from './store-events.js';
import type { ObjectStatus, ValueSource } from './types.js';

interface FileRecord {
  readonly fileName: string;
  readonly objectName: string;
  readonly objectType: ObjectType;
  content?: Uint8Array;
  /** `content` decoded as UTF-8, kept after the first `text` call until the content changes. */
  text?: string;
  hash?: string;
  version?: string;
  source?: ValueSource;
  /** AWS region the content was read from; undefined for content from the mount dir. */
  region?: string;
  /** Wall-clock time of the last successful refresh, in milliseconds since the epoch. */
  refreshedAtWall?: number;
  /**
   * `refreshedAtWall` as an ISO 8601 string, kept after the first `status` call until the next
   * refresh, because the sidecar reads a status on every object request.
   */
  lastRefreshAt?: string;
  stale: boolean;
  lastErrorCode?: string;
}

const decoder = new TextDecoder();

export class FileRecords {
  readonly #records = new Map<string, FileRecord>();
  readonly #events: StoreEvents;
  /** False while the store opens: the first values emit no `change` or `stale` events. */
  emitting = false;

  constructor(events: StoreEvents) {
    this.#events = events;
  }

  /** Adds a file of `object` that has no value yet. */
  add(fileName: string, object: SpcObject): void {
    this.#records.set(fileName, {
      fileName,
      objectName: object.objectName,
      objectType: object.objectType,
      stale: false,
    });
  }

  fileNames(): string[] {
    return [...this.#records.keys()];
  }

  /** Returns a file's content; every file has one once the store is open. */
  content(fileName: string): Uint8Array {
    return this.#get(fileName).content as Uint8Array;
  }

  /** Returns a file's content decoded as UTF-8; invalid sequences become U+FFFD. */
  text(fileName: string): string {
    const record = this.#get(fileName);
    record.text ??= decoder.decode(record.content);
    return record.text;
  }

  status(fileName: string): ObjectStatus {
    return toStatus(this.#get(fileName));
  }

  statuses(): ObjectStatus[] {
    return [...this.#records.values()].map(toStatus);
  }

  /**
   * Stores a file's new content and clears its stale flag. A change is a change of content
   * hash: only then does the version move and a `change` event go out. The version also moves
   * when the source or the region does, so a version is always one of its source's.
   */
  set(
    fileName: string,
    content: Uint8Array,
    version: string,
    source: ValueSource,
    refreshedAtWall: number,
    region?: string,
  ): void {
    const record = this.#get(fileName);
    const hash = hashContent(content);
    const changed = record.hash !== hash;
    if (changed || record.source !== source || record.region !== region) {
      record.content = content;
      record.text = undefined;
      record.hash = hash;
      record.version = version;
    }
    record.source = source;
    record.region = region;
    record.refreshedAtWall = refreshedAtWall;
    record.lastRefreshAt = undefined;
    record.stale = false;
    record.lastErrorCode = undefined;

    if (changed && this.emitting) {
      this.#events.emit('change', {
        fileName,
        objectName: record.objectName,
        version,
        hash,
        source,
      });
    }
  }

  /** Marks files stale after a failed refresh; each file with a value gets a `stale` event. */
  markStale(fileNames: readonly string[], error: KuraError): void {
    for (const fileName of fileNames) {
      const record = this.#get(fileName);
      record.lastErrorCode = error.code;
      record.stale = record.content !== undefined;
      if (record.stale && this.emitting) {
        this.#events.emit('stale', { fileName, objectName: record.objectName, error });
      }
    }
  }

  #get(fileName: string): FileRecord {
    const record = this.#records.get(fileName);
    if (record === undefined) {
      throw new Error(`no record for file ${fileName}; the name index and the records disagree`);
    }
    return record;
  }
}

function toStatus(record: FileRecord): ObjectStatus {
  if (record.refreshedAtWall !== undefined) {
    record.lastRefreshAt ??= new Date(record.refreshedAtWall).toISOString();
  }
  return {
    fileName: record.fileName,
    objectName: record.objectName,
    objectType: record.objectType,
    version: record.version ?? '',
    hash: record.hash ?? '',
    lastRefreshAt: record.lastRefreshAt ?? '',
    stale: record.stale,
    source: record.source ?? 'aws',
    ...(record.region === undefined ? {} : { region: record.region }),
    ...(record.lastErrorCode === undefined ? {} : { lastErrorCode: record.lastErrorCode }),
  };
}
