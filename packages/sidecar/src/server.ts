/**
 * The server lifecycle: listen, the connection limit, header and request timeouts, and a
 * graceful stop that stops accepting, lets in-flight requests finish, then closes.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { App } from './app.js';
import { splitTarget } from './http.js';
import type { Logger } from './logger.js';

export interface ServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * Connections served at once; requests on further connections get 429, except health checks,
   * which may use `healthCheckHeadroom` more.
   */
  maxConnections: number;
  /** Maximum length of the request target, in bytes. The header size limit is raised to fit it. */
  maxUrlLength: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How long `stop()` waits for in-flight requests before closing their connections. */
  shutdownTimeoutMs: number;
}

export interface RunningServer {
  readonly server: Server;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  readonly address: AddressInfo;
  /** Stops accepting, waits for in-flight requests (up to the shutdown timeout), closes. */
  stop(): Promise<void>;
}

/**
 * Connections past `maxConnections` on which `/ping`, `/healthz` and `/readyz` are still served,
 * so a liveness probe does not fail while clients hold every connection. The AWS Secrets Manager
 * Agent (`validate_max_conn` in its server.rs) likewise allows `/ping` two more connections.
 */
export const healthCheckHeadroom = 2;

const healthCheckPaths = new Set(['/ping', '/healthz', '/readyz']);

/** Node's default request header size limit, in bytes. */
const defaultMaxHeaderSize = 16_384;

/** Maps a Node.js parser or timeout error code to the status sent before closing. */
function clientErrorResponse(code: string | undefined): { status: string; type: string } {
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { status: '408 Request Timeout', type: 'RequestTimeoutException' };
  }
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { status: '431 Request Header Fields Too Large', type: 'HeadersTooLargeException' };
  }
  return { status: '400 Bad Request', type: 'BadRequestException' };
}

function formatUrl(address: AddressInfo): string {
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return `http://${host}:${address.port}`;
}

export async function startServer(
  app: App,
  options: ServerOptions,
  logger: Logger,
): Promise<RunningServer> {
  /** Each connection's place in the count of open connections when it was accepted. */
  const places = new WeakMap<Socket, number>();
  let open = 0;

  function isOverLimit(req: IncomingMessage): boolean {
    const place = places.get(req.socket) ?? 0;
    if (place <= options.maxConnections) {
      return false;
    }
    const isHealthCheck = healthCheckPaths.has(splitTarget(req).path);
    return !isHealthCheck || place > options.maxConnections + healthCheckHeadroom;
  }

  const server = createServer(
    {
      headersTimeout: options.headersTimeoutMs,
      requestTimeout: options.requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (default 30 s), so keep it short.
      connectionsCheckingInterval: Math.min(1_000, options.headersTimeoutMs),
      maxHeaderSize: Math.max(defaultMaxHeaderSize, options.maxUrlLength + 8_192),
    },
    (req, res) => {
      if (isOverLimit(req)) {
        app.rejectOverConnectionLimit(req, res);
        return;
      }
      app.handle(req, res);
    },
  );

  server.on('connection', (socket: Socket) => {
    open += 1;
    places.set(socket, open);
    socket.once('close', () => {
      open -= 1;
    });
  });
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => {
    logger.debug({ code: error.code }, 'malformed or timed-out request');
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const { status, type } = clientErrorResponse(error.code);
    const body = JSON.stringify({ __type: type, message: `request rejected (${error.code})` });
    socket.end(
      `HTTP/1.1 ${status}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: options.host, port: options.port }, () => {
      server.off('error', reject);
      resolve();
    });
  });

  const address = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;

  function stop(): Promise<void> {
    stopping ??= new Promise<void>((resolve) => {
      app.beginShutdown();
      const forceTimer = setTimeout(() => {
        logger.warn({ timeoutMs: options.shutdownTimeoutMs }, 'closing connections still open');
        server.closeAllConnections();
      }, options.shutdownTimeoutMs);
      forceTimer.unref();

      // close() stops accepting and closes idle keep-alive connections; busy ones close after
      // their response, because shutdown marks every response `Connection: close`.
      server.close(() => {
        clearTimeout(forceTimer);
        resolve();
      });
      server.closeIdleConnections();
    });
    return stopping;
  }

  return { server, url: formatUrl(address), address, stop };
}
