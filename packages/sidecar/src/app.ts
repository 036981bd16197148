/**
 * The sidecar's HTTP app: a request handler for node:http, built without listening, so tests
 * can serve it on any server. The order of checks for every request: connection limit (429),
 * URL length (414), `X-Forwarded-For` (400), method (405), token (403, except on the health
 * routes), route (404), then the route's own parameters (400).
 */
import {
  KuraAwsError,
  type SecretProviderClass,
  type SecretStore,
  type SecretsCache,
} from '@kura/sdk';
import { toHttpError } from './aws-errors.js';
import { type LookupScope, lookupScope, trackCacheReads } from './aws-metrics.js';
import type { SourceOption } from './config.js';
import type { RouteContext } from './context.js';
import { HttpError, type Request, type Response, sendError, splitTarget } from './http.js';
import { checkRequest } from './limits.js';
import { ListedIds } from './listed-ids.js';
import type { Logger } from './logger.js';
import { createMetrics, type Metrics } from './metrics.js';
import { EventStreams } from './routes/events.js';
import { handleHealthz, handleMetrics, handlePing, handleReadyz } from './routes/health.js';
import { handleGetObject, handleListObjects } from './routes/objects.js';
import { handleGetParameter } from './routes/parameters.js';
import { handleGetSecretObject, secretObjectsPrefix } from './routes/secret-objects.js';
import { handleGetSecretValue } from './routes/secrets-manager.js';
import { type TokenVerifier, tokenHeader } from './token.js';

export interface AppOptions {
  token: TokenVerifier;
  logger: Logger;
  /** Lazy cache for the Agent and Lambda endpoints; pass the same one to `openSecretStore`. */
  cache: SecretsCache;
  /** The SecretProviderClass being served; without one, every id is served. */
  spc?: SecretProviderClass;
  /** Serve ids the SPC does not name. Default false. */
  allowUnlisted?: boolean;
  /** Default `auto`. */
  source?: SourceOption;
  /** Maximum length of the request target, in bytes. Default 4096. */
  maxUrlLength?: number;
  /** A registry of its own is created when omitted. */
  metrics?: Metrics;
}

export interface App {
  /** Handles one request. Every error becomes an error response, so it never throws. */
  handle(req: Request, res: Response): void;
  /** Sends 429 on a connection past the server's limit. */
  rejectOverConnectionLimit(req: Request, res: Response): void;
  /** Starts serving the store's objects once its first load finished. */
  setStore(store: SecretStore): void;
  /** Marks responses `Connection: close` and ends event streams, for a graceful stop. */
  beginShutdown(): void;
  /**
   * Stops logging once the server has closed every connection: requests still waiting on AWS
   * fail when the stop aborts their calls, and their clients are gone, so those failures are
   * not logged after kura's last line.
   */
  finishShutdown(): void;
  readonly metrics: Metrics;
}

type RouteName =
  | 'ping'
  | 'healthz'
  | 'readyz'
  | 'metrics'
  | 'secretsmanager_get'
  | 'parameters_get'
  | 'objects'
  | 'object'
  | 'events'
  | 'secret_object'
  | 'unknown';

interface Route {
  name: RouteName;
  /** Whether the request must carry the token. */
  needsToken: boolean;
  /** The path after `/objects/` or `/secret-objects/`, for the `object` and `secret_object` routes. */
  rest?: string;
}

const exactRoutes = new Map<string, Route>([
  ['/ping', { name: 'ping', needsToken: false }],
  ['/healthz', { name: 'healthz', needsToken: false }],
  ['/readyz', { name: 'readyz', needsToken: false }],
  ['/metrics', { name: 'metrics', needsToken: false }],
  ['/secretsmanager/get', { name: 'secretsmanager_get', needsToken: true }],
  ['/systemsmanager/parameters/get', { name: 'parameters_get', needsToken: true }],
  ['/objects', { name: 'objects', needsToken: true }],
  ['/events', { name: 'events', needsToken: true }],
]);

function findRoute(path: string): Route {
  const exact = exactRoutes.get(path);
  if (exact !== undefined) {
    return exact;
  }
  if (path.startsWith('/objects/') && path.length > '/objects/'.length) {
    return { name: 'object', needsToken: true, rest: path.slice('/objects/'.length) };
  }
  if (path.startsWith(secretObjectsPrefix) && path.length > secretObjectsPrefix.length) {
    const rest = path.slice(secretObjectsPrefix.length);
    return { name: 'secret_object', needsToken: true, rest };
  }
  // An unknown path needs the token too, so a caller without it cannot probe which paths exist.
  return { name: 'unknown', needsToken: true };
}

/**
 * Creates a logger for repeated outcomes (rejections, AWS errors) that writes at most one line
 * per interval per reason, with the number of lines skipped since the last one.
 */
function createRateLimitedLog(logger: Logger, intervalMs = 10_000) {
  const lastLogged = new Map<string, { at: number; skipped: number }>();
  return (reason: string, fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    const entry = lastLogged.get(reason);
    if (entry !== undefined && now - entry.at < intervalMs) {
      entry.skipped += 1;
      return;
    }
    logger.warn({ reason, ...fields, skipped: entry?.skipped ?? 0 }, message);
    lastLogged.set(reason, { at: now, skipped: 0 });
  };
}

export function createApp(options: AppOptions): App {
  const metrics = options.metrics ?? createMetrics();
  const logger = options.logger;
  const events = new EventStreams();
  const logRepeated = createRateLimitedLog(logger);
  const maxUrlLength = options.maxUrlLength ?? 4096;
  let store: SecretStore | undefined;
  let shuttingDown = false;
  let finished = false;
  /** Responses not finished yet, so a stop can mark them `Connection: close`. */
  const active = new Set<Response>();

  const context: RouteContext = {
    logger,
    metrics,
    cache: trackCacheReads(options.cache),
    spc: options.spc,
    listed: options.spc === undefined ? undefined : new ListedIds(options.spc),
    allowUnlisted: options.allowUnlisted ?? false,
    source: options.source ?? 'auto',
    store: () => store,
  };

  function track(res: Response, route: RouteName): void {
    active.add(res);
    res.once('close', () => {
      active.delete(res);
      metrics.httpRequests.inc({ route, status: String(res.statusCode) });
    });
    if (shuttingDown) {
      res.setHeader('Connection', 'close');
    }
  }

  function fail(res: Response, route: RouteName, error: unknown): void {
    if (finished) {
      res.destroy();
      return;
    }
    const httpError = toHttpError(error);
    const status = httpError.status;
    if (error instanceof KuraAwsError) {
      const { awsCode, operation, id } = error.details;
      logRepeated(`aws ${awsCode}`, { route, status, awsCode, operation, id }, 'AWS call failed');
    } else if (!(error instanceof HttpError)) {
      logger.error({ error: describeError(error), route }, 'request failed');
    } else if (status === 400 || status === 403 || status === 405 || status === 414) {
      const id = httpError.fields.id;
      const fields = { route, status, ...(id === undefined ? {} : { id }) };
      logRepeated(`${status} ${httpError.type}`, fields, 'request rejected');
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, httpError);
  }

  /**
   * Runs an Agent or Lambda request and counts one cache lookup when a cache read served it or
   * failed it: a miss when the request made an AWS call, else a hit. A request rejected with an
   * HttpError (403 unlisted, 400 invalid parameter) counts nothing, even after the unlisted
   * check read other objects' entries, and so does one served from the mount dir.
   */
  async function countLookup(handleRead: () => Promise<void>): Promise<void> {
    const scope: LookupScope = { awsCalls: 0, cacheRead: false };
    let rejected = false;
    try {
      await lookupScope.run(scope, handleRead);
    } catch (error) {
      rejected = error instanceof HttpError;
      throw error;
    } finally {
      if (scope.cacheRead && !rejected) {
        metrics.cacheLookups.inc({ result: scope.awsCalls > 0 ? 'miss' : 'hit' });
      }
    }
  }

  async function dispatch(req: Request, res: Response, route: Route, query: string) {
    switch (route.name) {
      case 'ping':
        return handlePing(res);
      case 'healthz':
        return handleHealthz(res);
      case 'readyz':
        return handleReadyz(context, res);
      case 'metrics':
        return handleMetrics(context, res);
      case 'secretsmanager_get':
        return countLookup(() => handleGetSecretValue(context, query, res));
      case 'parameters_get':
        return countLookup(() => handleGetParameter(context, query, res));
      case 'objects':
        return handleListObjects(context, query, res);
      case 'object':
        return handleGetObject(context, route.rest ?? '', query, req, res);
      case 'secret_object':
        return handleGetSecretObject(context, route.rest ?? '', query, res);
      case 'events':
        if (shuttingDown) {
          throw new HttpError(503, 'ShuttingDownException', 'kura is stopping');
        }
        return events.open(res, req.method === 'HEAD');
      case 'unknown':
        throw new HttpError(404, 'NotFoundException', 'no such endpoint; see docs/http-api.md');
    }
  }

  async function serve(req: Request, res: Response): Promise<void> {
    const { path, query } = splitTarget(req);
    const route = findRoute(path);
    track(res, route.name);
    try {
      checkRequest(req, maxUrlLength);
      if (route.needsToken) {
        const presented = req.headers[tokenHeader];
        const ok = await options.token.verify(
          typeof presented === 'string' ? presented : undefined,
        );
        if (!ok) {
          const problem = options.token.problem();
          if (problem !== undefined) {
            logRepeated('token unusable', {}, problem);
          }
          throw new HttpError(
            403,
            'InvalidTokenException',
            `missing or wrong token; send it in the ${tokenHeader} header`,
          );
        }
      }
      await dispatch(req, res, route, query);
    } catch (error) {
      fail(res, route.name, error);
    }
  }

  return {
    metrics,
    handle(req, res) {
      void serve(req, res);
    },
    rejectOverConnectionLimit(req, res) {
      track(res, findRoute(splitTarget(req).path).name);
      res.setHeader('Connection', 'close');
      logRepeated('429 connection limit', {}, 'request rejected');
      sendError(
        res,
        new HttpError(429, 'TooManyConnectionsException', 'connection limit reached; retry later'),
      );
    },
    setStore(loaded) {
      store = loaded;
      events.attach(loaded);
      watchStore(loaded, logger, metrics);
      metrics.setStaleCounter(() => loaded.objects().filter((status) => status.stale).length);
    },
    beginShutdown() {
      shuttingDown = true;
      for (const res of active) {
        if (!res.headersSent) {
          res.setHeader('Connection', 'close');
        }
      }
      events.close();
    },
    finishShutdown() {
      finished = true;
    },
  };
}

/** Logs the store's changes and failed refreshes, and counts the failures. Never logs a value. */
function watchStore(store: SecretStore, logger: Logger, metrics: Metrics): void {
  store.on('change', (event) => {
    const { fileName, objectName, version, source } = event;
    logger.info({ fileName, objectName, version, source }, 'object changed');
  });
  store.on('stale', (event) => {
    const { fileName, objectName } = event;
    logger.info(
      { fileName, objectName, code: event.error.code },
      'object is stale; serving the last good value',
    );
  });
  store.on('error', (event) => {
    const { fileName, objectName } = event;
    metrics.refreshFailures.inc({ code: event.error.code });
    logger.warn({ fileName, objectName, error: describeError(event.error) }, 'refresh failed');
  });
}

/** Picks the fields of an error that are safe to log: class, code and message, never a value. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { type: error.name, ...(code === undefined ? {} : { code }), message: error.message };
  }
  return { type: typeof error };
}
