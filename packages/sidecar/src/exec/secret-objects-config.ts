/**
 * Settings of `kura exec` and `kura render-secrets`, resolved once in the order flag, then
 * `KURA_*` environment variable, then default, validated, then frozen.
 */
import { KuraConfigError, type SourcePolicy } from '@kura/sdk';

/** The effective settings of one `kura exec` or `kura render-secrets` run. */
export interface SecretObjectsConfig {
  /** SecretProviderClass manifest whose secretObjects are resolved. */
  spcPath: string;
  /** `metadata.name` of the SecretProviderClass when the manifest contains several. */
  spcName: string | undefined;
  /** Undefined leaves the choice to the store: `auto` with a mount dir, else `aws`. */
  source: SourcePolicy | undefined;
  /** CSI-style mount dir; required with `source: files` and `auto`. */
  mountDir: string | undefined;
  /** Time between background refreshes from AWS while watching for changes, in milliseconds. */
  refreshIntervalMs: number;
  /** `kura exec` only: restart the command when an object it uses changes. */
  restartOnChange: boolean;
  /** `kura exec` only: time between SIGTERM and SIGKILL on a restart, in milliseconds. */
  restartGracePeriodMs: number;
}

interface OptionSpec {
  key: keyof SecretObjectsConfig;
  flag: string;
  env: string;
  kind: 'string' | 'integer' | 'boolean' | 'source';
  placeholder?: string;
  /** Text for `--help`: what the option sets, with its unit. */
  help: string;
  defaultValue: string | number | boolean | undefined;
  /** `--help` text in place of a default, for an option without a fixed one. */
  defaultText?: string;
  /** Only `kura exec` reads the option. */
  execOnly?: boolean;
  min?: number;
  max?: number;
}

const sources: readonly SourcePolicy[] = ['aws', 'files', 'auto'];

const options: readonly OptionSpec[] = [
  {
    key: 'spcPath',
    flag: '--spc',
    env: 'KURA_SPC',
    kind: 'string',
    placeholder: 'FILE',
    help: 'SecretProviderClass manifest (YAML) whose secretObjects are resolved; required',
    defaultValue: undefined,
  },
  {
    key: 'spcName',
    flag: '--spc-name',
    env: 'KURA_SPC_NAME',
    kind: 'string',
    placeholder: 'NAME',
    help: 'metadata.name of the SecretProviderClass, when the manifest contains several',
    defaultValue: undefined,
  },
  {
    key: 'source',
    flag: '--source',
    env: 'KURA_SOURCE',
    kind: 'source',
    placeholder: 'aws|files|auto',
    help: 'where values come from: aws (fetch only), files (the mount dir only, no AWS credentials needed) or auto (AWS first, the mount dir when AWS cannot be reached)',
    defaultValue: undefined,
    defaultText: 'auto with --mount-dir, else aws',
  },
  {
    key: 'mountDir',
    flag: '--mount-dir',
    env: 'KURA_MOUNT_DIR',
    kind: 'string',
    placeholder: 'DIR',
    help: 'CSI-style mount dir (such as /mnt/secrets-store) to read; required with --source files or auto',
    defaultValue: undefined,
  },
  {
    key: 'refreshIntervalMs',
    flag: '--refresh-interval-ms',
    env: 'KURA_REFRESH_INTERVAL_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'with --restart-on-change, time between refreshes from AWS, in milliseconds',
    defaultValue: 300_000,
    execOnly: true,
    min: 1_000,
    max: 86_400_000,
  },
  {
    key: 'restartOnChange',
    flag: '--restart-on-change',
    env: 'KURA_RESTART_ON_CHANGE',
    kind: 'boolean',
    help: 'restart the command (SIGTERM, the grace period, SIGKILL, start again) when an object it uses changes',
    defaultValue: false,
    execOnly: true,
  },
  {
    key: 'restartGracePeriodMs',
    flag: '--restart-grace-period-ms',
    env: 'KURA_RESTART_GRACE_PERIOD_MS',
    kind: 'integer',
    placeholder: 'MS',
    help: 'on a restart, time the command gets to exit after SIGTERM before SIGKILL, in milliseconds',
    defaultValue: 10_000,
    execOnly: true,
    min: 0,
    max: 3_600_000,
  },
];

function optionsFor(command: 'exec' | 'render-secrets'): OptionSpec[] {
  return options.filter((option) => command === 'exec' || option.execOnly !== true);
}

/** Renders the options part of `--help`: flag, what it sets, variable and default. */
export function renderSecretObjectsOptionsHelp(command: 'exec' | 'render-secrets'): string {
  const lines: string[] = [];
  for (const option of optionsFor(command)) {
    const flag =
      option.placeholder === undefined ? option.flag : `${option.flag} ${option.placeholder}`;
    const defaultText =
      option.defaultText ??
      (option.defaultValue === undefined ? 'none' : String(option.defaultValue));
    lines.push(
      `  ${flag}`,
      `      ${option.help}.`,
      `      Environment: ${option.env}. Default: ${defaultText}.`,
    );
  }
  return lines.join('\n');
}

function parseValue(option: OptionSpec, origin: string, text: string): string | number | boolean {
  const trimmed = text.trim();
  switch (option.kind) {
    case 'boolean':
      if (['true', '1'].includes(trimmed.toLowerCase())) {
        return true;
      }
      if (['false', '0'].includes(trimmed.toLowerCase())) {
        return false;
      }
      throw new KuraConfigError(`${origin}: invalid value "${text}"; write true, false, 1 or 0`);
    case 'integer': {
      const value = Number(trimmed);
      const min = option.min ?? 0;
      const max = option.max ?? Number.MAX_SAFE_INTEGER;
      if (!/^\d+$/.test(trimmed) || value < min || value > max) {
        throw new KuraConfigError(
          `${origin}: invalid value "${text}"; write a whole number of milliseconds from ${min} to ${max}`,
        );
      }
      return value;
    }
    case 'source':
      if (!(sources as readonly string[]).includes(trimmed)) {
        throw new KuraConfigError(`${origin}: invalid value "${text}"; write aws, files or auto`);
      }
      return trimmed;
    case 'string':
      if (text.length === 0) {
        throw new KuraConfigError(
          `${origin}: the value is empty; give a value or leave the option out`,
        );
      }
      return text;
  }
}

/** Reads `--flag value`, `--flag=value` and bare boolean flags. */
function readFlags(
  command: 'exec' | 'render-secrets',
  args: readonly string[],
): Map<OptionSpec, string> {
  const known = optionsFor(command);
  const values = new Map<OptionSpec, string>();
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index] ?? '';
    const equals = arg.indexOf('=');
    const name = equals === -1 ? arg : arg.slice(0, equals);
    const option = known.find((candidate) => candidate.flag === name);
    if (option === undefined) {
      const hint = command === 'exec' ? '; put the command after --' : '';
      throw new KuraConfigError(
        `unknown argument "${arg}"${hint}; run \`kura ${command} --help\` for the list of options`,
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

function validate(config: SecretObjectsConfig): void {
  if (config.spcPath === undefined) {
    throw new KuraConfigError('--spc: missing; write --spc FILE, the SecretProviderClass manifest');
  }
  if (config.source !== undefined && config.source !== 'aws' && config.mountDir === undefined) {
    throw new KuraConfigError(
      `--source ${config.source} reads the mount dir, but --mount-dir is not set; add --mount-dir DIR or use --source aws`,
    );
  }
}

/**
 * Resolves the settings from `args` (the options before `--`), then `env`, then the defaults.
 * Throws `KuraConfigError` naming the flag or variable.
 */
export function resolveSecretObjectsConfig(
  command: 'exec' | 'render-secrets',
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): SecretObjectsConfig {
  const flags = readFlags(command, args);
  const resolved: Record<string, unknown> = {};
  for (const option of options) {
    const flagValue = flags.get(option);
    const envValue = option.execOnly === true && command !== 'exec' ? undefined : env[option.env];
    if (flagValue !== undefined) {
      resolved[option.key] = parseValue(option, option.flag, flagValue);
    } else if (envValue !== undefined && envValue !== '') {
      resolved[option.key] = parseValue(option, option.env, envValue);
    } else {
      resolved[option.key] = option.defaultValue;
    }
  }

  const config = resolved as unknown as SecretObjectsConfig;
  validate(config);
  return Object.freeze(config);
}
