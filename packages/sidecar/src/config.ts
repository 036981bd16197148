/**
 * Settings of `kura serve`: one table of options, resolved once in the order flag, then
 * `KURA_*` environment variable, then default, validated, then frozen.
 */
import { isIP } from 'node:net';
import { KuraConfigError } from '@kura/sdk';

export type SourceOption = 'aws' | 'files' | 'auto';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** The effective settings of one `kura serve` process. They never contain the token. */
export interface ServeConfig {
  /** SecretProviderClass manifest; without one, any id the credentials can read is served. */
  spcPath: string | undefined;
  /** `metadata.name` of the SecretProviderClass to use when the manifest contains several. */
  spcName: string | undefined;
  source: SourceOption;
  /** CSI-style mount dir to read and watch; required with `source: files`. */
  mountDir: string | undefined;
  /** Region for ids not named by an SPC; the SPC's own `region` wins for its objects. */
  region: string | undefined;
  refreshIntervalMs: number;
  /** Time an AWS call may wait for its response before it fails as a timeout. */
  awsTimeoutMs: number;
  host: string;
  port: number;
  allowNonLoopback: boolean;
  allowUnlisted: boolean;
  /** Token file; created with a random token when missing. */
  tokenFile: string | undefined;
  maxConnections: number;
  /** Maximum length of the request target (path and query), in bytes. */
  maxUrlLength: number;
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  /** How long a stop waits for in-flight requests before closing their connections. */
  shutdownTimeoutMs: number;
  logLevel: LogLevel;
}

type OptionKind = 'string' | 'integer' | 'boolean' | 'choice';

interface OptionSpec {
  key: keyof ServeConfig;
  flag: string;
  env: string;
  kind: OptionKind;
  /** Text for `--help`: what the option sets, with its unit. */
  help: string;
  /** Placeholder shown after the flag in `--help`. */
  placeholder?: string;
  defaultValue: string | number | boolean | undefined;
  /** `--help` text for the default, for options without a fixed default value. */
  defaultText?: string;
  choices?: readonly string[];
  min?: number;
  max?: number;
}

const logLevels: readonly LogLevel[] = [
  'fatal',
  'error',
  'warn',
  'info',
  'debug',
  'trace',
  'silent',
];

/** Every option of `kura serve`, in `--help` order. */
export const serveOptions: readonly OptionSpec[] = [
  {
    key: 'spcPath',
    flag: '--spc',
    env: 'KURA_SPC',
    kind: 'string',
    placeholder: 'FILE',
    help: 'SecretProviderClass manifest (YAML) whose objects kura loads and serves',
    defaultValue: undefined,
    defaultText: 'none, so any id the AWS credentials can read is served',
  },
  {
    key: 'spcName',
    flag: '--spc-name',
    env: 'KURA_SPC_NAME',
    kind: 'string',
    placeholder: 'NAME',
    help: 'metadata.name of the SecretProviderClass to use when the file contains several',
    defaultValue: undefined,
    defaultText: 'the only one in the file',
  },
  {
    key: 'source',
    flag: '--source',
    env: 'KURA_SOURCE',
    kind: 'choice',
    placeholder: 'aws|files|auto',
    choices: ['aws', 'files', 'auto'],
    help: 'where values come from: aws, files (the mount dir only), auto (AWS, files as fallback)',
    defaultValue: undefined,
    defaultText: 'auto with --mount-dir, else aws',
  },
  {
    key: 'mountDir',
    flag: '--mount-dir',
    env: 'KURA_MOUNT_DIR',
    kind: 'string',
    placeholder: 'DIR',
    help: 'CSI mount dir to read and watch (required with --source files and --source auto)',
    defaultValue: undefined,
    defaultText: 'none',
  },
  {
    key: 'region',
    flag: '--region',
    env: 'KURA_REGION',
    kind: 'string',
    placeholder: 'REGION',
    help: 'AWS region for ids the SecretProviderClass does not name',
    defaultValue: undefined,
    defaultText: 'the SPC region, else AWS_REGION, else AWS_DEFAULT_REGION',
  },
  {
    key: 'refreshIntervalMs',
    flag: '--refresh-interval-ms',
    env: 'KURA_REFRESH_INTERVAL_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'time between refreshes of a cached value, in milliseconds',
    defaultValue: 300_000,
    min: 1_000,
    max: 86_400_000,
  },
  {
    key: 'awsTimeoutMs',
    flag: '--aws-timeout-ms',
    env: 'KURA_AWS_TIMEOUT_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'time an AWS call may wait for its response, in milliseconds; then it fails with 504',
    defaultValue: 10_000,
    min: 100,
    max: 600_000,
  },
  {
    key: 'host',
    flag: '--host',
    env: 'KURA_HOST',
    kind: 'string',
    placeholder: 'ADDRESS',
    help: 'IP address to listen on; a non-loopback address needs --allow-non-loopback',
    defaultValue: '127.0.0.1',
  },
  {
    key: 'port',
    flag: '--port',
    env: 'KURA_PORT',
    kind: 'integer',
    placeholder: 'PORT',
    help: 'TCP port to listen on; 0 picks a free port',
    defaultValue: 2773,
    min: 0,
    max: 65_535,
  },
  {
    key: 'allowNonLoopback',
    flag: '--allow-non-loopback',
    env: 'KURA_ALLOW_NON_LOOPBACK',
    kind: 'boolean',
    help: 'allow --host to be an address other applications on the network can reach',
    defaultValue: false,
  },
  {
    key: 'allowUnlisted',
    flag: '--allow-unlisted',
    env: 'KURA_ALLOW_UNLISTED',
    kind: 'boolean',
    help: 'with --spc, also serve ids the SecretProviderClass does not name',
    defaultValue: false,
  },
  {
    key: 'tokenFile',
    flag: '--token-file',
    env: 'KURA_TOKEN_FILE',
    kind: 'string',
    placeholder: 'FILE',
    help: 'file holding the request token; created (mode 0640, random 256-bit token) when missing',
    defaultValue: undefined,
    defaultText:
      'none, so the token comes from KURA_TOKEN, AWS_TOKEN, AWS_SESSION_TOKEN or AWS_CONTAINER_AUTHORIZATION_TOKEN',
  },
  {
    key: 'maxConnections',
    flag: '--max-connections',
    env: 'KURA_MAX_CONNECTIONS',
    kind: 'integer',
    placeholder: 'N',
    help: 'open connections served at once; requests on further connections get 429',
    defaultValue: 800,
    min: 1,
    max: 100_000,
  },
  {
    key: 'maxUrlLength',
    flag: '--max-url-length',
    env: 'KURA_MAX_URL_LENGTH',
    kind: 'integer',
    placeholder: 'BYTES',
    help: 'maximum length of the request path and query, in bytes; longer ones get 414',
    defaultValue: 4096,
    min: 256,
    max: 65_536,
  },
  {
    key: 'headersTimeoutMs',
    flag: '--headers-timeout-ms',
    env: 'KURA_HEADERS_TIMEOUT_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'time a client has to send the request headers, in milliseconds',
    defaultValue: 10_000,
    min: 100,
    max: 600_000,
  },
  {
    key: 'requestTimeoutMs',
    flag: '--request-timeout-ms',
    env: 'KURA_REQUEST_TIMEOUT_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'time a client has to send the whole request, in milliseconds',
    defaultValue: 30_000,
    min: 100,
    max: 600_000,
  },
  {
    key: 'keepAliveTimeoutMs',
    flag: '--keep-alive-timeout-ms',
    env: 'KURA_KEEP_ALIVE_TIMEOUT_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'time an idle keep-alive connection stays open, in milliseconds',
    defaultValue: 5_000,
    min: 0,
    max: 600_000,
  },
  {
    key: 'shutdownTimeoutMs',
    flag: '--shutdown-timeout-ms',
    env: 'KURA_SHUTDOWN_TIMEOUT_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'on SIGTERM or SIGINT, time in-flight requests get to finish, in milliseconds',
    defaultValue: 10_000,
    min: 0,
    max: 600_000,
  },
  {
    key: 'logLevel',
    flag: '--log-level',
    env: 'KURA_LOG_LEVEL',
    kind: 'choice',
    placeholder: 'LEVEL',
    choices: logLevels,
    help: `lowest level logged: ${logLevels.join(', ')}`,
    defaultValue: 'info',
  },
];

/** Renders the options part of `kura serve --help`: flag, variable, unit and default. */
export function renderOptionsHelp(): string {
  const lines: string[] = [];
  for (const option of serveOptions) {
    const flag =
      option.placeholder === undefined ? option.flag : `${option.flag} ${option.placeholder}`;
    const defaultText =
      option.defaultText ??
      (option.defaultValue === undefined ? 'none' : String(option.defaultValue));
    lines.push(`  ${flag}`);
    lines.push(`      ${option.help}.`);
    if (option.kind === 'integer') {
      lines.push(`      Range: ${option.min ?? 0} to ${option.max ?? Number.MAX_SAFE_INTEGER}.`);
    }
    lines.push(`      Environment: ${option.env}. Default: ${defaultText}.`);
  }
  return lines.join('\n');
}

function optionError(origin: string, message: string): KuraConfigError {
  return new KuraConfigError(`${origin}: ${message}`);
}

function parseBoolean(origin: string, text: string): boolean {
  const lowered = text.trim().toLowerCase();
  if (lowered === 'true' || lowered === '1') {
    return true;
  }
  if (lowered === 'false' || lowered === '0') {
    return false;
  }
  throw optionError(origin, `invalid value "${text}"; write true, false, 1 or 0`);
}

function parseValue(option: OptionSpec, origin: string, text: string): string | number | boolean {
  switch (option.kind) {
    case 'boolean':
      return parseBoolean(origin, text);
    case 'integer': {
      if (!/^\d+$/.test(text.trim())) {
        throw optionError(origin, `invalid value "${text}"; write a whole number`);
      }
      const value = Number(text.trim());
      const min = option.min ?? 0;
      const max = option.max ?? Number.MAX_SAFE_INTEGER;
      if (value < min || value > max) {
        throw optionError(origin, `${value} is out of range; write a number from ${min} to ${max}`);
      }
      return value;
    }
    case 'choice': {
      const choices = option.choices ?? [];
      if (!choices.includes(text)) {
        throw optionError(origin, `invalid value "${text}"; write one of ${choices.join(', ')}`);
      }
      return text;
    }
    case 'string':
      if (text.length === 0) {
        throw optionError(origin, 'the value is empty; give a value or leave the option out');
      }
      return text;
  }
}

/** Splits `args` into flag values; `--flag value`, `--flag=value` and bare boolean flags. */
function readFlags(args: readonly string[]): Map<OptionSpec, string> {
  const values = new Map<OptionSpec, string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const option = serveOptions.find((candidate) => candidate.flag === name);
    if (option === undefined) {
      throw new KuraConfigError(
        `unknown argument "${arg}"; run \`kura serve --help\` for the list of options`,
      );
    }

    if (values.has(option)) {
      throw new KuraConfigError(
        `${option.flag}: given more than once; give it once (it takes a single value)`,
      );
    }
    if (equals !== -1) {
      values.set(option, arg.slice(equals + 1));
    } else if (option.kind === 'boolean') {
      values.set(option, 'true');
    } else {
      const next = args[index + 1];
      if (next === undefined || next.startsWith('--')) {
        throw new KuraConfigError(
          `${option.flag}: missing value; write ${option.flag} ${option.placeholder ?? 'VALUE'}`,
        );
      }
      values.set(option, next);
      index += 1;
    }
  }
  return values;
}

function isLoopback(host: string): boolean {
  if (isIP(host) === 4) {
    return host.startsWith('127.');
  }
  if (isIP(host) === 6) {
    return host === '::1';
  }
  return host === 'localhost';
}

function validate(config: ServeConfig): void {
  if (isIP(config.host) === 0 && config.host !== 'localhost') {
    throw new KuraConfigError(
      `--host: "${config.host}" is not an IP address; write one such as 127.0.0.1 or ::1`,
    );
  }
  if (!isLoopback(config.host) && !config.allowNonLoopback) {
    throw new KuraConfigError(
      `--host: ${config.host} is not a loopback address, so other hosts could reach the secrets; ` +
        'use 127.0.0.1, or add --allow-non-loopback if that is intended',
    );
  }
  if (config.source !== 'aws' && config.mountDir === undefined) {
    throw new KuraConfigError(
      `--source ${config.source} needs --mount-dir DIR, the directory to read; or use --source aws`,
    );
  }
  if (config.source === 'files' && config.spcPath === undefined) {
    throw new KuraConfigError(
      '--source files needs --spc FILE, because the SecretProviderClass names the files to serve',
    );
  }
  if (config.spcName !== undefined && config.spcPath === undefined) {
    throw new KuraConfigError('--spc-name needs --spc FILE, the manifest to pick it from');
  }
  if (config.allowUnlisted && config.spcPath === undefined) {
    throw new KuraConfigError(
      '--allow-unlisted (KURA_ALLOW_UNLISTED) applies only with --spc FILE; without a ' +
        'SecretProviderClass every id is served already, so leave it out',
    );
  }
  // Node's http.createServer rejects a headers timeout longer than the request timeout.
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new KuraConfigError(
      `--headers-timeout-ms (${config.headersTimeoutMs}) is longer than --request-timeout-ms ` +
        `(${config.requestTimeoutMs}); the headers are part of the request, so raise ` +
        '--request-timeout-ms or lower --headers-timeout-ms',
    );
  }
}

/**
 * Resolves every setting from `args` (the arguments after `serve`), then `env`, then the
 * default; validates the result and freezes it. Throws `KuraConfigError` naming the flag.
 */
export function resolveServeConfig(args: readonly string[], env: NodeJS.ProcessEnv): ServeConfig {
  const flags = readFlags(args);
  const resolved: Record<string, unknown> = {};

  for (const option of serveOptions) {
    const flagValue = flags.get(option);
    const envValue = env[option.env];
    if (flagValue !== undefined) {
      resolved[option.key] = parseValue(option, option.flag, flagValue);
    } else if (envValue !== undefined && envValue !== '') {
      resolved[option.key] = parseValue(option, option.env, envValue);
    } else {
      resolved[option.key] = option.defaultValue;
    }
  }

  resolved.source ??= resolved.mountDir === undefined ? 'aws' : 'auto';
  const config = resolved as unknown as ServeConfig;
  validate(config);
  return Object.freeze(config);
}
