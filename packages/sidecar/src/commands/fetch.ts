/**
 * `kura fetch`: fetches every object of a SecretProviderClass once and writes the mount dir the
 * CSI driver's AWS provider would write, for init containers and local runs.
 */
import { parseArgs } from 'node:util';
import {
  formatSpecProblem,
  KuraError,
  KuraMountError,
  KuraSpecError,
  KuraSpecReadError,
  type LoadedFile,
  loadObjects,
  type MountLayout,
  readSecretProviderClass,
  type SecretProviderClass,
  writeMountDir,
} from '@kura/sdk';
import { type Command, type CommandIo, ExitCode } from './command.js';
import { escapeControl } from './escape-control.js';

const usage = `Usage: kura fetch --spc FILE --out DIR [--spc-name [NAMESPACE/]NAME] [--layout provider|atomic]

Fetches every object of the SecretProviderClass in FILE from AWS Secrets Manager and SSM
Parameter Store once, and writes one file per object and jmesPath entry into DIR, as the
Secrets Store CSI Driver's AWS provider would. For init containers and local runs.

Options:
  --spc FILE        manifest holding the SecretProviderClass; other documents in it
                    are skipped (env KURA_SPC; required)
  --out DIR         mount dir to write; created when missing (env KURA_OUT; required)
  --spc-name NAME   metadata.name, or NAMESPACE/NAME, of the SecretProviderClass to
                    use when FILE holds several (env KURA_SPC_NAME; default: the only one)
  --layout LAYOUT   provider: each file is a regular file, replaced by renaming a temp
                    file over it, as the AWS provider writes it. atomic: the files sit in
                    a ..<timestamp> directory behind a ..data link, as the CSI driver
                    writes them, and nothing is rewritten when no byte changed
                    (env KURA_LAYOUT; default: provider)
  -h, --help        print this help

Each file gets the object's filePermission, 0644 by default. With pathTranslation "False",
a name with "/" creates directories.

Nothing is written until every object was fetched, and a failed write leaves DIR as it
was. The one exception: in the provider layout, when renaming a temp file fails after other
files were already replaced, those keep their new content.
AWS credentials come from the default chain (environment, web identity, EKS Pod Identity,
container and instance roles, profiles); AWS_ENDPOINT_URL overrides the endpoint. The
region comes from spec.parameters.region, else AWS_REGION, else AWS_DEFAULT_REGION.

Exit codes:
  0  every file was written
  1  the SecretProviderClass is invalid, or fetching or writing an object failed (the
     message names the object)
  2  bad usage, an unreadable file, broken YAML (with line and column), or no matching
     SecretProviderClass
`;

interface FetchOptions {
  file: string;
  outDir: string;
  spcName: string | undefined;
  layout: MountLayout;
}

class UsageError extends Error {}

/** Resolves the options in the order flag, then `KURA_*` variable, then default. */
function resolveOptions(args: string[], env: NodeJS.ProcessEnv): FetchOptions {
  let values: { spc?: string; out?: string; 'spc-name'?: string; layout?: string };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        spc: { type: 'string' },
        out: { type: 'string' },
        'spc-name': { type: 'string' },
        layout: { type: 'string' },
      },
      allowPositionals: false,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }

  const file = values.spc ?? env.KURA_SPC;
  if (file === undefined || file === '') {
    throw new UsageError('--spc FILE is required (or set KURA_SPC)');
  }
  const outDir = values.out ?? env.KURA_OUT;
  if (outDir === undefined || outDir === '') {
    throw new UsageError('--out DIR is required (or set KURA_OUT)');
  }
  const spcName = values['spc-name'] ?? (env.KURA_SPC_NAME || undefined);
  const layout = values.layout ?? (env.KURA_LAYOUT || 'provider');
  if (layout !== 'provider' && layout !== 'atomic') {
    const source = values.layout === undefined ? 'KURA_LAYOUT' : '--layout';
    throw new UsageError(`${source} must be "provider" or "atomic", not ${JSON.stringify(layout)}`);
  }
  return { file, outDir, spcName, layout };
}

/** Names the object a file belongs to, as `objects[INDEX] (OBJECT NAME), file FILE NAME`. */
function describeFile(files: readonly LoadedFile[], fileName: string | undefined): string {
  const file = files.find((candidate) => candidate.fileName === fileName);
  if (file === undefined) {
    return fileName === undefined ? 'mount dir' : `file ${fileName}`;
  }
  const entry = file.jmesPath === undefined ? '' : `, jmesPath ${file.jmesPath}`;
  return `objects[${file.objectIndex}] (${file.objectName})${entry}, file ${file.fileName}`;
}

function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

async function readSpc(
  options: FetchOptions,
  io: CommandIo,
): Promise<SecretProviderClass | number> {
  try {
    return await readSecretProviderClass(options.file, { spcName: options.spcName, env: io.env });
  } catch (error) {
    if (error instanceof KuraSpecReadError) {
      io.stderr.write(`kura fetch: ${error.message}\n`);
      return ExitCode.usage;
    }
    if (error instanceof KuraSpecError) {
      // Warnings often explain the errors (a misspelt field name), so they follow them.
      const lines = [
        ...error.problems.map((problem) => escapeControl(formatSpecProblem(problem))),
        ...error.warnings.map((warning) => `warning: ${escapeControl(formatSpecProblem(warning))}`),
      ];
      io.stderr.write(lines.map((line) => `${options.file}: ${line}\n`).join(''));
      return ExitCode.failed;
    }
    throw error;
  }
}

async function runFetch(args: string[], io: CommandIo): Promise<number> {
  let options: FetchOptions;
  try {
    options = resolveOptions(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    io.stderr.write(`kura fetch: ${error.message}\n\n${usage}`);
    return ExitCode.usage;
  }

  const spc = await readSpc(options, io);
  if (typeof spc === 'number') {
    return spc;
  }
  for (const warning of spc.warnings) {
    io.stderr.write(`kura fetch: warning: ${escapeControl(formatSpecProblem(warning))}\n`);
  }

  let files: LoadedFile[];
  try {
    // The load's AWS and extraction errors name the object, and it returns no file when one fails.
    files = await loadObjects(spc);
  } catch (error) {
    if (!(error instanceof KuraError)) {
      throw error;
    }
    io.stderr.write(`kura fetch: nothing was written to ${options.outDir}: ${error.message}\n`);
    return ExitCode.failed;
  }

  try {
    await writeMountDir(options.outDir, files, { layout: options.layout });
  } catch (error) {
    if (!(error instanceof KuraMountError)) {
      throw error;
    }
    io.stderr.write(`kura fetch: ${describeFile(files, error.fileName)}: ${error.message}\n`);
    return ExitCode.failed;
  }

  io.stdout.write(
    `wrote ${files.length} files to ${options.outDir} (layout ${options.layout}):\n${files
      .map((file) => `  ${formatMode(file.filePermission)}  ${escapeControl(file.fileName)}\n`)
      .join('')}`,
  );
  return ExitCode.ok;
}

/** `kura fetch`. */
export const fetchCommand: Command = {
  name: 'fetch',
  summary: 'Fetch the objects of a SecretProviderClass once and write them into a mount dir',
  usage,
  run: runFetch,
};
