import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { CommandIo } from './commands/command.js';
import { ExitCode } from './commands/command.js';
import { commands } from './commands/index.js';

function renderHelp(): string {
  const width = Math.max(...commands.map((command) => command.name.length), 4);
  const lines = commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return [
    'Usage: kura <command> [options]',
    '',
    'Keeps the AWS secrets named by a SecretProviderClass in memory and serves them.',
    '',
    'Commands:',
    ...lines,
    '',
    'Run `kura <command> --help` for the options of one command.',
    '',
  ].join('\n');
}

/** Runs `kura` with the arguments after the program name and resolves to the exit code. */
export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(renderHelp());
    return name === undefined ? ExitCode.usage : ExitCode.ok;
  }

  const command = commands.find((candidate) => candidate.name === name);
  if (command === undefined) {
    io.stderr.write(`kura: unknown command "${name}"\n\n${renderHelp()}`);
    return ExitCode.usage;
  }

  // Arguments after `--` belong to another program (`kura exec -- CMD --help`).
  const separator = rest.indexOf('--');
  const options = separator === -1 ? rest : rest.slice(0, separator);
  if (options.includes('--help') || options.includes('-h')) {
    io.stdout.write(command.usage);
    return ExitCode.ok;
  }
  return command.run(rest, io);
}

/** Runs `kura` as a process: arguments from `process.argv`, exit code into `process.exitCode`. */
export function runCli(): void {
  // The AWS SDK warns on every run under Node.js 20 that its future releases will need
  // Node.js 22. The SDK version in package-lock.json supports Node.js 20, so the CLI hides that
  // warning unless the user set the SDK's own switch.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const io: CommandIo = { stdout: process.stdout, stderr: process.stderr, env: process.env };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`kura: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = ExitCode.failed;
    },
  );
}

const script = process.argv[1];
if (script !== undefined && realpathSync(script) === fileURLToPath(import.meta.url)) {
  runCli();
}
