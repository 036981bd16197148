/**
 * `kura exec`: runs a command with each secretObjects data key as an environment variable, as
 * `envFrom` on the Secret the CSI driver would sync gives it, without creating that Secret.
 */
import {
  KuraError,
  openSecretStore,
  readSecretProviderClass,
  type SecretProviderClass,
  type SecretStore,
  secretObjectFileNames,
  secretObjectsToEnv,
} from '@kura/sdk';
import { ChildSupervisor } from '../exec/child-supervisor.js';
import {
  renderSecretObjectsOptionsHelp,
  resolveSecretObjectsConfig,
  type SecretObjectsConfig,
} from '../exec/secret-objects-config.js';
import type { Command, CommandIo } from './command.js';

/** Exit code when kura itself fails before the command runs, as `env` and `docker run` use. */
export const exitKuraFailed = 125;

/**
 * Signals kura passes on to the command.
 * NOTE: in a terminal, Ctrl-C sends SIGINT to kura and the command alike (one process group),
 * so the command receives it twice.
 */
const forwardedSignals: readonly NodeJS.Signals[] = [
  'SIGTERM',
  'SIGINT',
  'SIGQUIT',
  'SIGHUP',
  'SIGUSR1',
  'SIGUSR2',
  'SIGWINCH',
];

const usage = `Usage: kura exec --spc FILE [options] -- CMD [ARGS...]

Runs CMD with each secretObjects data key of the SecretProviderClass as an environment
variable holding its object's content, as secretKeyRef or envFrom on the Secret the CSI
driver would sync gives it, without creating the Secret. Type kubernetes.io/tls entries get
the driver's split into tls.crt and tls.key. CMD shares kura's stdin, stdout and stderr,
receives SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, SIGUSR2 and SIGWINCH sent to kura, and
kura exits with CMD's exit code (128 plus the signal number when a signal ended CMD).

A key that is not a valid environment variable name (letters, digits, '-', '_' or '.', not
starting with a digit), content holding a NUL byte or invalid UTF-8, and one name set from two
objects are errors that name the key and the object; CMD does not start then.

Options:
${renderSecretObjectsOptionsHelp('exec')}

Exit codes:
  CMD's exit code, or 128 plus the signal number when a signal ended CMD.
  125  kura failed before CMD started: invalid options, an unreadable or invalid
       SecretProviderClass, an object that could not be loaded, or an invalid key or content.
  126  CMD could not be executed.
  127  CMD was not found.
`;

function splitCommand(args: string[]): { options: string[]; command: string[] } | undefined {
  const separator = args.indexOf('--');
  if (separator === -1) {
    return undefined;
  }
  return { options: args.slice(0, separator), command: args.slice(separator + 1) };
}

function writeLine(io: CommandIo, line: string): void {
  io.stderr.write(`kura exec: ${line}\n`);
}

function describeFailure(error: unknown): string {
  if (error instanceof KuraError) {
    return `${error.message} (${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Reads the SPC, opens its store and builds the variables; closes the store only on failure. */
async function loadVariables(
  config: SecretObjectsConfig,
  io: CommandIo,
): Promise<{ spc: SecretProviderClass; store: SecretStore; variables: Record<string, string> }> {
  const spc = await readSecretProviderClass(config.spcPath, {
    ...(config.spcName === undefined ? {} : { spcName: config.spcName }),
    env: io.env,
  });
  if (spc.secretObjects.length === 0) {
    throw new KuraError(
      `SecretProviderClass ${spc.namespace}/${spc.name} has no secretObjects, so kura exec has no variables to set; add a secretObjects entry or run the command without kura exec`,
    );
  }

  const store = await openSecretStore({
    spc,
    ...(config.source === undefined ? {} : { source: config.source }),
    ...(config.mountDir === undefined ? {} : { mountDir: config.mountDir }),
    refreshIntervalMs: config.refreshIntervalMs,
  });
  try {
    const variables = secretObjectsToEnv(spc, (fileName) => store.getBytes(fileName));
    return { spc, store, variables };
  } catch (error) {
    await store.close();
    throw error;
  }
}

function sameVariables(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => a[key] === b[key]);
}

/** Restarts the command when an object it reads changes to content that yields new values. */
function watchForChanges(
  spc: SecretProviderClass,
  store: SecretStore,
  supervisor: ChildSupervisor,
  initial: Record<string, string>,
  io: CommandIo,
): void {
  const used = new Set(secretObjectFileNames(spc));
  let current = initial;
  // Every failed refresh emits `error`; the store keeps serving the last value meanwhile.
  store.on('error', (event) => {
    const subject = event.fileName === undefined ? '' : ` of ${event.fileName}`;
    writeLine(io, `refresh${subject} failed: ${describeFailure(event.error)}`);
  });
  store.on('change', (event) => {
    if (!used.has(event.fileName)) {
      return;
    }
    let next: Record<string, string>;
    try {
      next = secretObjectsToEnv(spc, (fileName) => store.getBytes(fileName));
    } catch (error) {
      writeLine(io, `not restarting after ${event.fileName} changed: ${describeFailure(error)}`);
      return;
    }
    if (sameVariables(current, next)) {
      return;
    }
    current = next;
    supervisor.restart({ ...io.env, ...next }, `${event.fileName} changed`);
  });
}

async function runExec(args: string[], io: CommandIo): Promise<number> {
  const parts = splitCommand(args);
  if (parts === undefined || parts.command.length === 0) {
    writeLine(io, 'missing command; write kura exec [options] -- CMD [ARGS...]');
    return exitKuraFailed;
  }

  let loaded: Awaited<ReturnType<typeof loadVariables>>;
  let config: SecretObjectsConfig;
  try {
    config = resolveSecretObjectsConfig('exec', parts.options, io.env);
    loaded = await loadVariables(config, io);
  } catch (error) {
    writeLine(io, describeFailure(error));
    return exitKuraFailed;
  }
  if (!config.restartOnChange) {
    await loaded.store.close();
  }

  const [program = '', ...programArgs] = parts.command;
  const supervisor = new ChildSupervisor({
    command: program,
    args: programArgs,
    gracePeriodMs: config.restartGracePeriodMs,
    log: (line) => writeLine(io, line),
  });
  const forward = (signal: NodeJS.Signals) => supervisor.forward(signal);
  for (const signal of forwardedSignals) {
    process.on(signal, forward);
  }
  supervisor.start({ ...io.env, ...loaded.variables });
  if (config.restartOnChange) {
    watchForChanges(loaded.spc, loaded.store, supervisor, loaded.variables, io);
  }

  try {
    return await supervisor.exited;
  } finally {
    for (const signal of forwardedSignals) {
      process.off(signal, forward);
    }
    if (config.restartOnChange) {
      await loaded.store.close();
    }
  }
}

export const execCommand: Command = {
  name: 'exec',
  summary: 'Run a command with the secretObjects keys as environment variables',
  usage,
  run: runExec,
};
