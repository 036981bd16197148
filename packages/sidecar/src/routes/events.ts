/**
 * `GET /events`: Server-Sent Events, one `change` event per change of an object's content and
 * one `stale` event per failed refresh. Events carry file names, versions and error codes,
 * never values.
 */
import type { ChangeEvent, SecretStore, StaleEvent } from '@kura/sdk';
import type { Response } from '../http.js';

/** Comment line sent on idle streams, in milliseconds, so proxies and clients keep them open. */
const heartbeatIntervalMs = 15_000;

export class EventStreams {
  private readonly clients = new Set<Response>();
  private readonly heartbeat: NodeJS.Timeout;

  constructor() {
    this.heartbeat = setInterval(() => this.broadcast(': heartbeat\n\n'), heartbeatIntervalMs);
    this.heartbeat.unref();
  }

  /** Relays the store's events to every open stream. */
  attach(store: SecretStore): void {
    store.on('change', (event: ChangeEvent) => {
      const data = {
        fileName: event.fileName,
        objectName: event.objectName,
        version: event.version,
        source: event.source,
      };
      this.broadcast(`event: change\ndata: ${JSON.stringify(data)}\n\n`);
    });
    store.on('stale', (event: StaleEvent) => {
      const data = {
        fileName: event.fileName,
        objectName: event.objectName,
        errorCode: event.error.code,
      };
      this.broadcast(`event: stale\ndata: ${JSON.stringify(data)}\n\n`);
    });
  }

  /** Opens a stream on `res`; HEAD gets the headers only. */
  open(res: Response, headOnly: boolean): void {
    res.statusCode = 200;
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    if (headOnly) {
      res.end();
      return;
    }
    res.flushHeaders();
    res.write(': connected\n\n');
    this.clients.add(res);
    res.on('close', () => this.clients.delete(res));
  }

  get size(): number {
    return this.clients.size;
  }

  /** Ends every stream, so a stopping server is not held open by them. */
  close(): void {
    clearInterval(this.heartbeat);
    for (const client of this.clients) {
      client.end();
    }
    this.clients.clear();
  }

  private broadcast(chunk: string): void {
    for (const client of this.clients) {
      client.write(chunk);
    }
  }
}
