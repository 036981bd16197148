/**
 * `kura get`: prints one value to stdout, for scripts. Either one object of a
 * SecretProviderClass (by file name or objectName), or any secret or parameter id read through
 * the SDK's cache, raw or as the JSON the sidecar's Agent and Lambda endpoints return.
 */
import { parseArgs } from 'node:util';
import {
  createSecretsCache,
  formatSpecProblem,
  KuraConfigError,
  KuraError,
  KuraSpecReadError,
  openSecretStore,
  readSecretProviderClass,
  type SourcePolicy,
} from '@kura/sdk';
import { parameterBody } from '../routes/parameters.js';
import { secretValueBody } from '../routes/secrets-manager.js';
import { type Command, type CommandIo, ExitCode } from './command.js';

const usage = `Usage:
  kura get --spc FILE [--spc-name [NAMESPACE/]NAME] [--source aws|files|auto] [--mount-dir DIR] NAME
  kura get --secret-id ID [--version-id ID | --version-stage STAGE] [--region REGION] [--json]
  kura get --parameter NAME [--version N | --label LABEL] [--with-decryption] [--region REGION]
           [--json]

Prints one secret value to stdout, byte for byte, with no newline added. The output is the
secret itself, also when stdout is a terminal: pipe it into the program that needs it rather
than into a file or a log.

With --spc, NAME is a file name or an objectName of the SecretProviderClass, and the output is
the content its file in the mount dir would have. Every object of the SecretProviderClass is
loaded once, as for a pod, so an object that fails to load fails the command.
With --secret-id or --parameter, any id the AWS credentials can read is fetched once: the
output is the SecretString as UTF-8 or the raw SecretBinary bytes, or the parameter's Value.

Options with --spc:
  --spc FILE             SecretProviderClass manifest (env KURA_SPC)
  --spc-name NAME        metadata.name, or NAMESPACE/NAME, of the SecretProviderClass
                         when FILE holds several (env KURA_SPC_NAME; default: the only one)
  --source SOURCE        aws: fetch from AWS; files: read the mount dir only, no AWS
                         credentials needed; auto: AWS first, the mount dir when AWS cannot
                         be reached (env KURA_SOURCE; default: auto with --mount-dir, else aws)
  --mount-dir DIR        CSI mount dir, such as /mnt/secrets-store; required with --source
                         files or auto (env KURA_MOUNT_DIR; default: none)

Options with --secret-id:
  --secret-id ID         secret name, partial ARN or full ARN (env KURA_SECRET_ID)
  --version-id ID        VersionId to read (env KURA_VERSION_ID; default: none)
  --version-stage STAGE  staging label to read, such as AWSPREVIOUS (env KURA_VERSION_STAGE;
                         default: none, which AWS reads as AWSCURRENT)

Options with --parameter:
  --parameter NAME       parameter name or ARN, without a :version or :label suffix
                         (env KURA_PARAMETER)
  --version N            version number to read (env KURA_PARAMETER_VERSION; default: the
                         latest)
  --label LABEL          parameter label to read (env KURA_PARAMETER_LABEL; default: none)
  --with-decryption      decrypt a SecureString, as GetParameter's WithDecryption does
                         (env KURA_WITH_DECRYPTION=true; default: false)

Options with --secret-id and --parameter:
  --region REGION        AWS region to read from (env KURA_REGION; default: AWS_REGION, else
                         AWS_DEFAULT_REGION)
  --json                 print the GetSecretValue or GetParameter shaped JSON that the
                         sidecar's /secretsmanager/get and /systemsmanager/parameters/get
                         endpoints return, followed by a newline (env KURA_GET_JSON=true;
                         default: false)

  -h, --help             print this help

A flag wins over its variable. Give exactly one of --spc, --secret-id and --parameter.
Without any of them, exactly one of KURA_SPC, KURA_SECRET_ID and KURA_PARAMETER must be set,
and it picks the form. Each form reads only its own variables, and a flag of another form is
an error.
AWS credentials come from the default chain (environment, web identity, EKS Pod Identity,
container and instance roles, profiles); AWS_ENDPOINT_URL overrides the endpoint.

Exit codes:
  0  the value was printed
  1  the object or id could not be read, or the SecretProviderClass is invalid (the message
     names the object or id, never the value)
  2  bad usage, an unreadable file, broken YAML or no matching SecretProviderClass
`;

/** Reads one object of a SecretProviderClass through `openSecretStore`. */
interface ObjectRequest {
  kind: 'object';
  spcPath: string;
  spcName: string | undefined;
  /** Undefined leaves the choice to the store: `auto` with a mount dir, else `aws`. */
  source: SourcePolicy | undefined;
  mountDir: string | undefined;
  /** File name or objectName. */
  name: string;
}

/** Reads one secret through `createSecretsCache`. */
interface SecretRequest {
  kind: 'secret';
  secretId: string;
  versionId: string | undefined;
  versionStage: string | undefined;
  region: string;
  json: boolean;
}

/** Reads one parameter through `createSecretsCache`. */
interface ParameterRequest {
  kind: 'parameter';
  name: string;
  version: string | undefined;
  label: string | undefined;
  withDecryption: boolean;
  region: string;
  json: boolean;
}

type GetRequest = ObjectRequest | SecretRequest | ParameterRequest;

/** Flags of `kura get`, as `parseArgs` returns them. */
interface GetFlags {
  spc?: string;
  'spc-name'?: string;
  source?: string;
  'mount-dir'?: string;
  'secret-id'?: string;
  'version-id'?: string;
  'version-stage'?: string;
  parameter?: string;
  version?: string;
  label?: string;
  'with-decryption'?: boolean;
  region?: string;
  json?: boolean;
}

/** Each form's selecting flag, its variable, and the flags only that form takes. */
const forms = [
  {
    kind: 'object',
    flag: 'spc',
    env: 'KURA_SPC',
    only: ['spc-name', 'source', 'mount-dir'],
  },
  {
    kind: 'secret',
    flag: 'secret-id',
    env: 'KURA_SECRET_ID',
    only: ['version-id', 'version-stage'],
  },
  {
    kind: 'parameter',
    flag: 'parameter',
    env: 'KURA_PARAMETER',
    only: ['version', 'label', 'with-decryption'],
  },
] as const;

type Form = (typeof forms)[number];

const sources: readonly SourcePolicy[] = ['aws', 'files', 'auto'];

class UsageError extends Error {}

function parseFlags(args: string[]): { flags: GetFlags; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: {
        spc: { type: 'string' },
        'spc-name': { type: 'string' },
        source: { type: 'string' },
        'mount-dir': { type: 'string' },
        'secret-id': { type: 'string' },
        'version-id': { type: 'string' },
        'version-stage': { type: 'string' },
        parameter: { type: 'string' },
        version: { type: 'string' },
        label: { type: 'string' },
        'with-decryption': { type: 'boolean' },
        region: { type: 'string' },
        json: { type: 'boolean' },
      },
      allowPositionals: true,
      strict: true,
    });
    return { flags: values, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

/** Returns the variable's value, treating an empty string as unset. */
function readEnv(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '0' || value.toLowerCase() === 'false') {
    return false;
  }
  if (value === '1' || value.toLowerCase() === 'true') {
    return true;
  }
  throw new UsageError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}

/**
 * Picks the form from the one selecting flag given, else from the one selecting variable set.
 * Variables count only when no selecting flag is given, so a KURA_SPC set for `kura serve`
 * does not block `kura get --secret-id`.
 */
function chooseForm(flags: GetFlags, env: NodeJS.ProcessEnv): Form {
  const byFlag = forms.filter((form) => flags[form.flag] !== undefined);
  if (byFlag.length > 1) {
    const flagsGiven = byFlag.map((form) => `--${form.flag}`).join(', ');
    throw new UsageError(`${flagsGiven} cannot be combined. Give one of them`);
  }
  if (byFlag[0] !== undefined) {
    return byFlag[0];
  }

  const byEnv = forms.filter((form) => readEnv(env, form.env) !== undefined);
  if (byEnv.length > 1) {
    const variablesSet = byEnv.map((form) => form.env).join(', ');
    throw new UsageError(
      `${variablesSet} are all set, so the form is unclear. Pass --spc, --secret-id or --parameter`,
    );
  }
  if (byEnv[0] === undefined) {
    throw new UsageError('one of --spc FILE, --secret-id ID or --parameter NAME is required');
  }
  return byEnv[0];
}

/** Rejects flags that only another form takes, such as --label with --secret-id. */
function rejectForeignFlags(form: Form, flags: GetFlags): void {
  for (const other of forms) {
    if (other === form) {
      continue;
    }
    for (const flag of other.only) {
      if (flags[flag] !== undefined) {
        throw new UsageError(`--${flag} applies only with --${other.flag}, so remove it`);
      }
    }
  }
}

/** Returns the flag's value, else the variable's. A flag given as "" is a usage error. */
function pick(
  flags: GetFlags,
  flag: keyof GetFlags,
  env: NodeJS.ProcessEnv,
  name: string,
): string | undefined {
  const value = flags[flag];
  if (value === '') {
    throw new UsageError(`--${flag} is empty. Give a value or leave the flag out`);
  }
  return typeof value === 'string' ? value : readEnv(env, name);
}

/** Names where an option's value came from: its flag when given, else its variable. */
function originOf(flags: GetFlags, flag: keyof GetFlags, env: string): string {
  return flags[flag] === undefined ? env : `--${flag}`;
}

/** Rejects two exclusive options when both have a value. */
function rejectBoth(
  first: { origin: string; value: string | undefined },
  second: { origin: string; value: string | undefined },
): void {
  if (first.value !== undefined && second.value !== undefined) {
    throw new UsageError(
      `${first.origin} and ${second.origin} cannot be combined. Give one of them`,
    );
  }
}

function resolveRegion(flags: GetFlags, env: NodeJS.ProcessEnv): string {
  const region =
    pick(flags, 'region', env, 'KURA_REGION') ??
    readEnv(env, 'AWS_REGION') ??
    readEnv(env, 'AWS_DEFAULT_REGION');
  if (region === undefined) {
    throw new UsageError(
      'no AWS region: pass --region REGION, or set KURA_REGION or AWS_REGION (such as us-east-1)',
    );
  }
  return region;
}

function resolveJson(flags: GetFlags, env: NodeJS.ProcessEnv): boolean {
  return flags.json ?? parseBoolean('KURA_GET_JSON', readEnv(env, 'KURA_GET_JSON'));
}

function resolveObjectRequest(
  flags: GetFlags,
  positionals: string[],
  env: NodeJS.ProcessEnv,
): ObjectRequest {
  if (flags.json !== undefined) {
    throw new UsageError(
      '--json applies only with --secret-id or --parameter, because --spc prints the file content as is',
    );
  }
  if (flags.region !== undefined) {
    throw new UsageError(
      '--region applies only with --secret-id or --parameter, because --spc reads the region of the SecretProviderClass',
    );
  }
  if (positionals.length !== 1 || positionals[0] === '') {
    const found =
      positionals.length === 0
        ? 'none'
        : positionals.map((positional) => `"${positional}"`).join(' ');
    throw new UsageError(
      `--spc takes exactly one NAME (a file name or objectName) after the options, but found ${found}`,
    );
  }

  const source = pick(flags, 'source', env, 'KURA_SOURCE');
  if (source !== undefined && !sources.includes(source as SourcePolicy)) {
    const origin = originOf(flags, 'source', 'KURA_SOURCE');
    throw new UsageError(`${origin} must be aws, files or auto, not ${JSON.stringify(source)}`);
  }
  const mountDir = pick(flags, 'mount-dir', env, 'KURA_MOUNT_DIR');
  if ((source === 'files' || source === 'auto') && mountDir === undefined) {
    const origin = originOf(flags, 'source', 'KURA_SOURCE');
    throw new UsageError(
      `${origin} ${source} reads the mount dir: pass --mount-dir DIR (or set KURA_MOUNT_DIR), or use --source aws`,
    );
  }
  return {
    kind: 'object',
    spcPath: pick(flags, 'spc', env, 'KURA_SPC') as string,
    spcName: pick(flags, 'spc-name', env, 'KURA_SPC_NAME'),
    source: source as SourcePolicy | undefined,
    mountDir,
    name: positionals[0] as string,
  };
}

function resolveSecretRequest(flags: GetFlags, env: NodeJS.ProcessEnv): SecretRequest {
  const versionId = pick(flags, 'version-id', env, 'KURA_VERSION_ID');
  const versionStage = pick(flags, 'version-stage', env, 'KURA_VERSION_STAGE');
  rejectBoth(
    { origin: originOf(flags, 'version-id', 'KURA_VERSION_ID'), value: versionId },
    { origin: originOf(flags, 'version-stage', 'KURA_VERSION_STAGE'), value: versionStage },
  );
  return {
    kind: 'secret',
    secretId: pick(flags, 'secret-id', env, 'KURA_SECRET_ID') as string,
    versionId,
    versionStage,
    region: resolveRegion(flags, env),
    json: resolveJson(flags, env),
  };
}

function resolveParameterRequest(flags: GetFlags, env: NodeJS.ProcessEnv): ParameterRequest {
  const name = pick(flags, 'parameter', env, 'KURA_PARAMETER') as string;
  // Parameter names cannot contain ":", so one outside an ARN starts a selector suffix.
  if (name.includes(':') && !name.startsWith('arn:')) {
    throw new UsageError(
      `--parameter ${JSON.stringify(name)} has a selector suffix: pass the name alone and the version with --version or the label with --label`,
    );
  }
  const version = pick(flags, 'version', env, 'KURA_PARAMETER_VERSION');
  const label = pick(flags, 'label', env, 'KURA_PARAMETER_LABEL');
  rejectBoth(
    { origin: originOf(flags, 'version', 'KURA_PARAMETER_VERSION'), value: version },
    { origin: originOf(flags, 'label', 'KURA_PARAMETER_LABEL'), value: label },
  );
  if (version !== undefined && !/^[1-9][0-9]*$/.test(version)) {
    const origin = originOf(flags, 'version', 'KURA_PARAMETER_VERSION');
    throw new UsageError(
      `${origin} must be a version number such as 3, not ${JSON.stringify(version)}`,
    );
  }
  const withDecryption =
    flags['with-decryption'] ??
    parseBoolean('KURA_WITH_DECRYPTION', readEnv(env, 'KURA_WITH_DECRYPTION'));
  return {
    kind: 'parameter',
    name,
    version,
    label,
    withDecryption,
    region: resolveRegion(flags, env),
    json: resolveJson(flags, env),
  };
}

/** Resolves the options in the order flag, then `KURA_*` variable, then default. */
function resolveRequest(args: string[], env: NodeJS.ProcessEnv): GetRequest {
  const { flags, positionals } = parseFlags(args);
  const form = chooseForm(flags, env);
  rejectForeignFlags(form, flags);

  if (form.kind === 'object') {
    return resolveObjectRequest(flags, positionals, env);
  }
  if (positionals.length > 0) {
    throw new UsageError(
      `--${form.flag} takes the id as its value, so remove the extra argument "${positionals[0]}"`,
    );
  }
  return form.kind === 'secret'
    ? resolveSecretRequest(flags, env)
    : resolveParameterRequest(flags, env);
}

/** Loads the SecretProviderClass into a store once and returns the named file's bytes. */
async function readObject(request: ObjectRequest, io: CommandIo): Promise<Uint8Array> {
  const spc = await readSecretProviderClass(request.spcPath, {
    ...(request.spcName === undefined ? {} : { spcName: request.spcName }),
    env: io.env,
  });
  for (const warning of spc.warnings) {
    io.stderr.write(`kura get: warning: ${formatSpecProblem(warning)}\n`);
  }

  const store = await openSecretStore({
    spc,
    ...(request.source === undefined ? {} : { source: request.source }),
    ...(request.mountDir === undefined ? {} : { mountDir: request.mountDir }),
  });
  try {
    return store.getBytes(request.name);
  } finally {
    await store.close();
  }
}

async function readSecret(request: SecretRequest): Promise<Uint8Array | string> {
  const cache = createSecretsCache({ region: request.region });
  try {
    const value = await cache.getSecretValue({
      secretId: request.secretId,
      ...(request.versionId === undefined ? {} : { versionId: request.versionId }),
      ...(request.versionStage === undefined ? {} : { versionStage: request.versionStage }),
    });
    if (request.json) {
      return `${JSON.stringify(secretValueBody(value))}\n`;
    }
    // As in the store, a value with neither field is empty content.
    return value.secretBinary ?? value.secretString ?? '';
  } finally {
    cache.close();
  }
}

async function readParameter(request: ParameterRequest): Promise<string> {
  const cache = createSecretsCache({ region: request.region });
  try {
    const value = await cache.getParameter({
      name: request.name,
      withDecryption: request.withDecryption,
      ...(request.version === undefined ? {} : { version: request.version }),
      ...(request.label === undefined ? {} : { label: request.label }),
    });
    return request.json ? `${JSON.stringify(parameterBody(value))}\n` : value.value;
  } finally {
    cache.close();
  }
}

// NOTE: the first read of a store or cache is not retried, so one throttled call fails the command.
function readValue(request: GetRequest, io: CommandIo): Promise<Uint8Array | string> {
  switch (request.kind) {
    case 'object':
      return readObject(request, io);
    case 'secret':
      return readSecret(request);
    case 'parameter':
      return readParameter(request);
  }
}

/**
 * Writes the value and resolves once the stream accepted it. A write error rejects instead of
 * surfacing as an unhandled 'error' event, so the listener stays for the rest of the process.
 */
function writeValue(stream: NodeJS.WritableStream, value: Uint8Array | string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.on('error', reject);
    stream.write(value, (error) => {
      if (error) {
        reject(error);
      } else {
        resolve();
      }
    });
  });
}

/** Writes a kura error to stderr and returns the exit code. Other errors are re-thrown. */
function reportError(error: unknown, io: CommandIo): number {
  if (!(error instanceof KuraError)) {
    throw error;
  }
  io.stderr.write(`kura get: ${error.message} (${error.code})\n`);
  const usageError = error instanceof KuraConfigError || error instanceof KuraSpecReadError;
  return usageError ? ExitCode.usage : ExitCode.failed;
}

async function runGet(args: string[], io: CommandIo): Promise<number> {
  let request: GetRequest;
  try {
    request = resolveRequest(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    io.stderr.write(`kura get: ${error.message}\nRun "kura get --help" for the options.\n`);
    return ExitCode.usage;
  }

  let value: Uint8Array | string;
  try {
    value = await readValue(request, io);
  } catch (error) {
    return reportError(error, io);
  }
  try {
    await writeValue(io.stdout, value);
  } catch (error) {
    // A reader that exits early (`kura get ... | true`) closes the pipe, so the write fails with EPIPE.
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.stderr.write(`kura get: writing the value to stdout failed (${code})\n`);
    return ExitCode.failed;
  }
  return ExitCode.ok;
}

/** `kura get`. */
export const getCommand: Command = {
  name: 'get',
  summary: 'Print one secret value to stdout, by SPC object name, secret id or parameter name',
  usage,
  run: runGet,
};
