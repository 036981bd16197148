/**
 * Runs the command of `kura exec` as a child process sharing kura's stdin, stdout and stderr,
 * forwards signals to it, restarts it on request (SIGTERM, a grace period, SIGKILL, start
 * again) and reports the exit code kura should exit with.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { constants } from 'node:os';

/** Exit code when the command cannot be executed (permission denied, not a program). */
export const exitCannotExecute = 126;
/** Exit code when the command is not found. */
export const exitNotFound = 127;

/** Signals that stop the command for good: once forwarded, no restart follows. */
const stopSignals = new Set<NodeJS.Signals>(['SIGTERM', 'SIGINT', 'SIGQUIT']);

export interface ChildSupervisorOptions {
  /** Program and its arguments. */
  command: string;
  args: readonly string[];
  /** Time the command gets between SIGTERM and SIGKILL on a restart, in milliseconds. */
  gracePeriodMs: number;
  /** Writes one diagnostic line; never called with a secret value. */
  log: (line: string) => void;
}

/** Returns 128 plus the signal number, the shell's exit code for a process a signal ended. */
function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export class ChildSupervisor {
  readonly #options: ChildSupervisorOptions;
  #child: ChildProcess | undefined;
  /** Environment of the next start, set while a restart is under way. */
  #pendingEnv: NodeJS.ProcessEnv | undefined;
  #killTimer: NodeJS.Timeout | undefined;
  #stopping = false;
  #resolveExit: (code: number) => void = () => {};
  /** The code kura exits with: the command's own, or 128 plus the signal that ended it. */
  readonly exited: Promise<number>;

  constructor(options: ChildSupervisorOptions) {
    this.#options = options;
    this.exited = new Promise((resolve) => {
      this.#resolveExit = resolve;
    });
  }

  /** Process id of the running command, if one runs. */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts the command with `env` as its whole environment. */
  start(env: NodeJS.ProcessEnv): void {
    let child: ChildProcess;
    try {
      child = spawn(this.#options.command, [...this.#options.args], { env, stdio: 'inherit' });
    } catch (error) {
      // spawn throws at once for some errors, such as E2BIG when one variable exceeds the
      // kernel's limit (128 KiB per string on Linux) or all of them exceed ARG_MAX.
      this.#reportSpawnFailure(error as NodeJS.ErrnoException);
      return;
    }
    this.#child = child;

    child.on('error', (error: NodeJS.ErrnoException) => {
      // Without a pid the program never ran, and no 'exit' event follows. Later errors (a
      // failed kill of an exited child) need no action.
      if (child.pid !== undefined) {
        return;
      }
      this.#reportSpawnFailure(error);
    });
    child.once('exit', (code, signal) => this.#onExit(code, signal));
  }

  /**
   * Stops the command with SIGTERM, then SIGKILL after the grace period, and starts it again
   * with `env`. A call while a restart is under way only replaces the environment it starts with.
   */
  restart(env: NodeJS.ProcessEnv, reason: string): void {
    if (this.#stopping || this.#child === undefined) {
      return;
    }
    if (this.#pendingEnv !== undefined) {
      this.#pendingEnv = env;
      return;
    }

    this.#pendingEnv = env;
    const child = this.#child;
    this.#options.log(`restarting "${this.#options.command}" (pid ${child.pid}) because ${reason}`);
    child.kill('SIGTERM');
    this.#killTimer = setTimeout(() => {
      this.#options.log(
        `"${this.#options.command}" (pid ${child.pid}) did not exit within ${this.#options.gracePeriodMs} ms of SIGTERM; sending SIGKILL`,
      );
      child.kill('SIGKILL');
    }, this.#options.gracePeriodMs);
  }

  /** Sends `signal` to the command; SIGTERM, SIGINT and SIGQUIT also cancel any restart. */
  forward(signal: NodeJS.Signals): void {
    if (stopSignals.has(signal)) {
      this.#stopping = true;
    }
    this.#child?.kill(signal);
  }

  #onExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.#killTimer);
    this.#killTimer = undefined;
    const env = this.#pendingEnv;
    this.#pendingEnv = undefined;

    if (env !== undefined && !this.#stopping) {
      this.start(env);
      return;
    }
    this.#child = undefined;
    this.#finish(code ?? (signal === null ? 1 : signalExitCode(signal)));
  }

  #reportSpawnFailure(error: NodeJS.ErrnoException): void {
    const hint =
      error.code === 'E2BIG'
        ? '; the environment is too large, so read large objects from files or the sidecar instead'
        : '';
    this.#options.log(`cannot run "${this.#options.command}": ${error.message}${hint}`);
    this.#child = undefined;
    this.#finish(error.code === 'ENOENT' ? exitNotFound : exitCannotExecute);
  }

  #finish(code: number): void {
    this.#stopping = true;
    this.#resolveExit(code);
  }
}
