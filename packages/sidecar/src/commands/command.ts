/** Streams a command writes to; tests pass buffers instead of the process's own. */
export interface CommandIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

/** One `kura` subcommand. */
export interface Command {
  name: string;
  /** One line for `kura --help`. */
  summary: string;
  /** Full `kura NAME --help` text: every option with its unit, default and `KURA_*` variable. */
  usage: string;
  /** Runs the command and resolves to its exit code. */
  run(args: string[], io: CommandIo): Promise<number>;
}

/** Exit codes shared by every command. */
export const ExitCode = {
  ok: 0,
  /** The input was read but is invalid, or the operation failed. */
  failed: 1,
  /** Bad usage, an unreadable file or broken YAML. */
  usage: 2,
} as const;
