/**
 * `kura serve`: resolves the settings, reads the SecretProviderClass and the token, listens,
 * then loads the objects in the background (so `/readyz` returns 503 until they are loaded),
 * and stops gracefully on SIGTERM or SIGINT.
 */
import {
  createAwsSource,
  createSecretsCache,
  KuraError,
  KuraSpecError,
  openSecretStore,
  readSecretProviderClass,
  type SecretProviderClass,
  type SecretStore,
  type SecretsCache,
} from '@kura/sdk';
import { type App, createApp, describeError } from '../app.js';
import { instrumentAwsSource } from '../aws-metrics.js';
import { renderOptionsHelp, resolveServeConfig, type ServeConfig } from '../config.js';
import { createLogger, type Logger } from '../logger.js';
import { createMetrics } from '../metrics.js';
import { startServer } from '../server.js';
import { loadToken, type TokenVerifier } from '../token.js';
import type { Command, CommandIo } from './command.js';
import { ExitCode } from './command.js';

const usage = `Usage: kura serve [options]

Serves the objects of a SecretProviderClass, and the AWS Secrets Manager Agent and Lambda
extension endpoints, on a local HTTP port. Every option can also be set by its environment
variable; a flag wins over the variable. The token has no flag, so that it never shows in a
process list: give --token-file, or set KURA_TOKEN.

Options:
${renderOptionsHelp()}

Exit codes:
  0  stopped by SIGTERM or SIGINT after in-flight requests finished
  1  the SecretProviderClass is invalid, the server could not listen, or stopping failed
  2  invalid options, an unreadable SecretProviderClass file or broken YAML, no usable
     token source, or no AWS region; nothing was started
`;

/** First wait before retrying a failed first load, and the cap, in milliseconds. */
const loadRetryBaseMs = 1_000;
const loadRetryMaxMs = 60_000;

/**
 * Returns the wait before retry `attempt` of the first load: the capped exponential delay,
 * scaled at random to 50–100% of it. Pods throttled together would otherwise retry together.
 */
function loadRetryDelayMs(attempt: number): number {
  const capped = Math.min(loadRetryMaxMs, loadRetryBaseMs * 2 ** (attempt - 1));
  return Math.round(capped * (0.5 + Math.random() * 0.5));
}

function waitForStopSignal(logger: Logger): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals) => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      logger.info({ signal }, 'stop signal received');
      resolve(signal);
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
}

/** Builds the effective settings for the start-up line: every setting, never the token. */
function describeConfig(config: ServeConfig, token: TokenVerifier): Record<string, unknown> {
  return { ...config, tokenOrigin: token.origin };
}

interface StoreLoader {
  /** Stops retrying and closes the store if it opened. */
  close(): Promise<void>;
}

/**
 * Opens the store in the background, retrying with capped exponential backoff and jitter
 * while the first load fails (AWS unreachable, a secret not created yet), and hands it to the
 * app once loaded.
 */
function loadStoreInBackground(
  config: ServeConfig,
  spc: SecretProviderClass,
  cache: SecretsCache,
  app: App,
  logger: Logger,
): StoreLoader {
  let closed = false;
  let store: SecretStore | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let attempt = 0;

  const tryOpen = async () => {
    attempt += 1;
    try {
      const opened = await openSecretStore({
        spc,
        cache,
        source: config.source,
        ...(config.mountDir === undefined ? {} : { mountDir: config.mountDir }),
      });
      if (closed) {
        await opened.close();
        return;
      }
      store = opened;
      app.setStore(opened);
      logger.info({ objects: opened.objects().length, attempt }, 'objects loaded; ready');
    } catch (error) {
      if (closed) {
        return;
      }
      const delayMs = loadRetryDelayMs(attempt);
      logger.error(
        { error: describeError(error), attempt, retryInMs: delayMs },
        'loading the objects failed',
      );
      retryTimer = setTimeout(() => void tryOpen(), delayMs);
    }
  };
  void tryOpen();

  return {
    async close() {
      closed = true;
      clearTimeout(retryTimer);
      await store?.close();
    },
  };
}

async function readSpc(config: ServeConfig, env: NodeJS.ProcessEnv, logger: Logger) {
  if (config.spcPath === undefined) {
    return undefined;
  }
  const spc = await readSecretProviderClass(config.spcPath, {
    ...(config.spcName === undefined ? {} : { spcName: config.spcName }),
    env,
  });
  for (const warning of spc.warnings) {
    logger.warn({ ...warning }, 'SecretProviderClass warning');
  }
  return spc;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

async function runServe(args: string[], io: CommandIo): Promise<number> {
  let config: ServeConfig;
  try {
    config = resolveServeConfig(args, io.env);
  } catch (error) {
    io.stderr.write(`kura serve: ${(error as Error).message}\n`);
    return ExitCode.usage;
  }

  const logger = createLogger(config.logLevel, io.stdout);
  let spc: SecretProviderClass | undefined;
  let token: TokenVerifier;
  try {
    spc = await readSpc(config, io.env, logger);
    token = await loadToken(config.tokenFile, io.env);
  } catch (error) {
    if (error instanceof KuraError) {
      io.stderr.write(`kura serve: ${error.message}\n`);
      logger.error({ error: describeError(error) }, 'not started');
      return error instanceof KuraSpecError ? ExitCode.failed : ExitCode.usage;
    }
    throw error;
  }

  const region =
    config.region ??
    spc?.region ??
    nonEmpty(io.env.AWS_REGION) ??
    nonEmpty(io.env.AWS_DEFAULT_REGION);
  if (region === undefined && config.source !== 'files') {
    io.stderr.write(
      'kura serve: no AWS region; give --region REGION (KURA_REGION), or set AWS_REGION or AWS_DEFAULT_REGION\n',
    );
    return ExitCode.usage;
  }

  const metrics = createMetrics();
  // The cache does not close a source it was given, so the stop closes it.
  const awsSource = instrumentAwsSource(
    createAwsSource({ requestTimeoutMs: config.awsTimeoutMs }),
    metrics,
  );
  const cache = createSecretsCache({
    ...(region === undefined ? {} : { region }),
    source: awsSource,
    refreshIntervalMs: config.refreshIntervalMs,
  });
  const app = createApp({
    token,
    logger,
    cache,
    metrics,
    ...(spc === undefined ? {} : { spc }),
    allowUnlisted: config.allowUnlisted,
    source: config.source,
    maxUrlLength: config.maxUrlLength,
  });

  let server: Awaited<ReturnType<typeof startServer>>;
  try {
    server = await startServer(app, config, logger);
  } catch (error) {
    logger.error(
      { error: describeError(error), host: config.host, port: config.port },
      'listen failed',
    );
    io.stderr.write(
      `kura serve: cannot listen on ${config.host}:${config.port}: ${(error as Error).message}\n`,
    );
    cache.close();
    awsSource.close();
    return ExitCode.failed;
  }

  const stopSignal = waitForStopSignal(logger);
  logger.info({ url: server.url, config: describeConfig(config, token) }, 'kura serve started');
  const tokenFile = token.origin.kind === 'file' ? `; token file ${token.origin.path}` : '';
  io.stderr.write(`kura serve: listening on ${server.url}${tokenFile}\n`);

  const loader =
    spc === undefined ? undefined : loadStoreInBackground(config, spc, cache, app, logger);

  await stopSignal;
  let exitCode: number = ExitCode.ok;
  try {
    // server.stop() resolves once every connection is closed, at the latest after
    // --shutdown-timeout-ms. Requests still waiting on AWS then have no client, so their calls
    // are aborted: destroying the SDK clients destroys their sockets, and the calls reject.
    await server.stop();
    app.finishShutdown();
    await loader?.close();
    cache.close();
    awsSource.close();
  } catch (error) {
    logger.error({ error: describeError(error) }, 'stop failed');
    exitCode = ExitCode.failed;
  }
  logger.info({ exitCode }, 'kura serve stopped');
  return exitCode;
}

export const serveCommand: Command = {
  name: 'serve',
  summary: 'Serve the objects and the Agent-compatible endpoints on 127.0.0.1:2773',
  usage,
  run: runServe,
};
