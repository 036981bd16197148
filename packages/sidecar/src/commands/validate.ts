/**
 * `kura validate`: reads a SecretProviderClass and prints its resolved objects, or every
 * problem it has, without calling AWS.
 */
import { parseArgs } from 'node:util';
import {
  formatSpecProblem,
  KuraSpecError,
  KuraSpecReadError,
  readSecretProviderClass,
  type SecretProviderClass,
  type SpcObject,
  type SpecWarning,
  type VersionSelector,
} from '@kura/sdk';
import { type Command, type CommandIo, ExitCode } from './command.js';
import { escapeControl } from './escape-control.js';

const usage = `Usage: kura validate --spc FILE [--spc-name [NAMESPACE/]NAME] [--json]

Reads the SecretProviderClass in FILE, checks it with the AWS provider's rules and kura's
stricter ones, and prints the resolved objects (file name, objectType, objectName, selector,
region) and any warnings. No AWS call is made.

Options:
  --spc FILE        manifest holding the SecretProviderClass; other documents in it
                    are skipped (env KURA_SPC; required)
  --spc-name NAME   metadata.name, or NAMESPACE/NAME, of the SecretProviderClass to use
                    when FILE holds several (env KURA_SPC_NAME; default: the only one)
  --json            print the result as JSON on stdout, and for an invalid file
                    {"errors":[...],"warnings":[...]} (env KURA_VALIDATE_JSON=true;
                    default: a table)
  -h, --help        print this help

The region comes from spec.parameters.region, else AWS_REGION, else AWS_DEFAULT_REGION.

Exit codes:
  0  valid; the objects and any warnings are printed
  1  invalid; one problem per line on stderr, then the warnings (with --json, both on
     stdout)
  2  bad usage, an unreadable file, broken YAML (with line and column), or no matching
     SecretProviderClass
`;

interface ValidateOptions {
  file: string;
  spcName: string | undefined;
  json: boolean;
}

class UsageError extends Error {}

function parseBoolean(name: string, value: string | undefined): boolean {
  if (value === undefined || value === '' || value === '0' || value.toLowerCase() === 'false') {
    return false;
  }
  if (value === '1' || value.toLowerCase() === 'true') {
    return true;
  }
  throw new UsageError(`${name} must be true or false, not ${JSON.stringify(value)}`);
}

/** Resolves the options in the order flag, then `KURA_*` variable, then default. */
function resolveOptions(args: string[], env: NodeJS.ProcessEnv): ValidateOptions {
  let values: { spc?: string; 'spc-name'?: string; json?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        spc: { type: 'string' },
        'spc-name': { type: 'string' },
        json: { type: 'boolean' },
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
  const spcName = values['spc-name'] ?? (env.KURA_SPC_NAME || undefined);
  const json = values.json ?? parseBoolean('KURA_VALIDATE_JSON', env.KURA_VALIDATE_JSON);
  return { file, spcName, json };
}

function formatMode(mode: number): string {
  return mode.toString(8).padStart(4, '0');
}

function formatSelector(selector: VersionSelector): string {
  switch (selector.kind) {
    case 'latest':
      return 'latest';
    case 'versionId':
      return `VersionId ${selector.versionId}`;
    case 'versionStage':
      return `VersionStage ${selector.versionStage}`;
    case 'versionIdAndStage':
      return `VersionId ${selector.versionId}, VersionStage ${selector.versionStage}`;
    case 'ssmVersion':
      return `version ${selector.version}`;
    case 'ssmLabel':
      return `label ${selector.label}`;
  }
}

function formatWarning(warning: SpecWarning): string {
  return `warning: ${escapeControl(formatSpecProblem(warning))}`;
}

function toJsonObject(object: SpcObject, region: string) {
  return {
    fileName: object.fileName,
    objectName: object.objectName,
    objectType: object.objectType,
    objectVersion: object.objectVersion ?? null,
    objectVersionLabel: object.objectVersionLabel ?? null,
    filePermission: formatMode(object.filePermission),
    region,
    jmesPath: object.jmesPath.map((entry) => ({
      path: entry.path,
      fileName: entry.fileName,
      filePermission: formatMode(entry.filePermission),
    })),
  };
}

function renderJson(spc: SecretProviderClass): string {
  const result = {
    objects: spc.objects.map((object) => toJsonObject(object, spc.region)),
    secretObjects: spc.secretObjects,
    warnings: spc.warnings,
  };
  return `${JSON.stringify(result, null, 2)}\n`;
}

function renderTable(spc: SecretProviderClass): string {
  const header = ['FILE NAME', 'TYPE', 'OBJECT NAME', 'SELECTOR', 'REGION'];
  const rawRows = spc.objects.flatMap((object) => [
    [
      object.fileName,
      object.objectType,
      object.objectName,
      formatSelector(object.selector),
      spc.region,
    ],
    ...object.jmesPath.map((entry) => [
      entry.fileName,
      'jmesPath',
      `${entry.path} of ${object.fileName}`,
      formatSelector(object.selector),
      spc.region,
    ]),
  ]);
  const rows = rawRows.map((row) => row.map(escapeControl));
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const lines = [header, ...rows].map((row) =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd(),
  );

  const count = spc.objects.length === 1 ? '1 object' : `${spc.objects.length} objects`;
  const summary = `${escapeControl(`${spc.namespace}/${spc.name}`)}: ${count}, region ${spc.region}${spc.failoverRegion === undefined ? '' : `, failoverRegion ${spc.failoverRegion}`}`;
  return [summary, '', ...lines, ...spc.warnings.map(formatWarning), ''].join('\n');
}

/** Prints the errors and the warnings of an invalid SecretProviderClass. */
function reportInvalid(error: KuraSpecError, options: ValidateOptions, io: CommandIo): void {
  if (options.json) {
    const result = { errors: error.problems, warnings: error.warnings };
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    return;
  }
  const file = escapeControl(options.file);
  const lines = [
    ...error.problems.map((problem) => `${file}: ${escapeControl(formatSpecProblem(problem))}`),
    ...error.warnings.map((warning) => `${file}: ${formatWarning(warning)}`),
  ];
  io.stderr.write(lines.map((line) => `${line}\n`).join(''));
}

async function runValidate(args: string[], io: CommandIo): Promise<number> {
  let options: ValidateOptions;
  try {
    options = resolveOptions(args, io.env);
  } catch (error) {
    if (!(error instanceof UsageError)) {
      throw error;
    }
    io.stderr.write(`kura validate: ${error.message}\n\n${usage}`);
    return ExitCode.usage;
  }

  let spc: SecretProviderClass;
  try {
    spc = await readSecretProviderClass(options.file, { spcName: options.spcName, env: io.env });
  } catch (error) {
    if (error instanceof KuraSpecReadError) {
      io.stderr.write(`kura validate: ${escapeControl(error.message)}\n`);
      return ExitCode.usage;
    }
    if (error instanceof KuraSpecError) {
      reportInvalid(error, options, io);
      return ExitCode.failed;
    }
    throw error;
  }

  io.stdout.write(options.json ? renderJson(spc) : renderTable(spc));
  return ExitCode.ok;
}

/** `kura validate`. */
export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check a SecretProviderClass and print its resolved objects, without calling AWS',
  usage,
  run: runValidate,
};
