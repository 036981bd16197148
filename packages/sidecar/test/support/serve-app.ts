/** Serves a `createApp` app on 127.0.0.1 port 0 with an in-memory log, for socket tests. */
import { Writable } from 'node:stream';
import type { SecretProviderClass } from '@kura/sdk';
import { type App, createApp } from '../../src/app.js';
import type { SourceOption } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { type RunningServer, startServer } from '../../src/server.js';
import { loadToken, type TokenVerifier } from '../../src/token.js';
import { FakeCache } from './fakes.js';

/** A token used only by these tests; it guards nothing. */
export const testToken = 'test-token-0123456789';

export interface TestServer {
  app: App;
  server: RunningServer;
  cache: FakeCache;
  url: string;
  /** Every log line written so far. */
  logs: string[];
  /** GET (or another method) with the token header set. */
  get(path: string, init?: RequestInit): Promise<Response>;
}

export interface TestServerOptions {
  spc?: SecretProviderClass;
  allowUnlisted?: boolean;
  source?: SourceOption;
  maxConnections?: number;
  maxUrlLength?: number;
  shutdownTimeoutMs?: number;
  headersTimeoutMs?: number;
  /** Default: the fixed `testToken`. */
  token?: TokenVerifier;
}

export async function serveApp(options: TestServerOptions = {}): Promise<TestServer> {
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, callback) {
      logs.push(String(chunk));
      callback();
    },
  });
  const logger = createLogger('debug', sink);
  const cache = new FakeCache();
  const token = options.token ?? (await loadToken(undefined, { KURA_TOKEN: testToken }));
  const app = createApp({
    token,
    logger,
    cache,
    ...(options.spc === undefined ? {} : { spc: options.spc }),
    allowUnlisted: options.allowUnlisted ?? false,
    source: options.source ?? 'aws',
    maxUrlLength: options.maxUrlLength ?? 4096,
  });
  const server = await startServer(
    app,
    {
      host: '127.0.0.1',
      port: 0,
      maxConnections: options.maxConnections ?? 50,
      maxUrlLength: options.maxUrlLength ?? 4096,
      headersTimeoutMs: options.headersTimeoutMs ?? 5_000,
      requestTimeoutMs: 10_000,
      keepAliveTimeoutMs: 1_000,
      shutdownTimeoutMs: options.shutdownTimeoutMs ?? 5_000,
    },
    logger,
  );
  return {
    app,
    server,
    cache,
    url: server.url,
    logs,
    get(path, init = {}) {
      const headers = new Headers(init.headers);
      if (!headers.has('x-aws-parameters-secrets-token')) {
        headers.set('x-aws-parameters-secrets-token', testToken);
      }
      return fetch(`${server.url}${path}`, { ...init, headers });
    },
  };
}

/** A parsed JSON body; each test checks the fields it reads. */
// biome-ignore lint/suspicious/noExplicitAny: test bodies are checked field by field by assertions.
export type Json = any;

export function asJson(value: unknown): Json {
  return value;
}
