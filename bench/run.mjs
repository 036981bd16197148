#!/usr/bin/env node
/**
 * Runs kura's benchmarks one after another, prints a table and writes bench/results/latest.json.
 *
 * Usage: node bench/run.mjs [--quick] [NAME ...]
 *   --quick   fewer iterations per entry, for a smoke run (CI, a laptop on battery)
 *   NAME      run only the entries with these names; default: every entry
 *
 * Each entry is a module in bench/entries/ listed in bench/entries/index.mjs. It exports
 * `{ name, description, run({ quick }) }`, and `run` resolves to one result:
 *   { name, kura, baseline, ratio, unit, better: 'higher' | 'lower', params }
 * `ratio` is how many times better kura is than the baseline, so a ratio above 1 favours kura:
 * baseline / kura when lower is better, kura / baseline when higher is better.
 * The SDK is imported from packages/sdk/dist; `npm run bench` builds it first.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { entries } from './entries/index.mjs';
import { stopMoto } from './support/moto.mjs';

// The AWS SDK warns under Node.js 20 that its future releases will need Node.js 22; the pinned
// SDK supports Node.js 20, and the notice would interleave with the table.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const resultsFile = join(dirname(fileURLToPath(import.meta.url)), 'results', 'latest.json');

function parseOptions() {
  const { values, positionals } = parseArgs({
    options: { quick: { type: 'boolean', default: false } },
    allowPositionals: true,
    strict: true,
  });
  const unknown = positionals.filter((name) => !entries.some((entry) => entry.name === name));
  if (unknown.length > 0) {
    const known = entries.map((entry) => entry.name).join(', ');
    throw new Error(`no benchmark named ${unknown.join(', ')}; choose from: ${known}`);
  }
  return { quick: values.quick, names: positionals };
}

/** Formats a number with three significant digits below 100 and as a whole number above. */
function formatNumber(value) {
  if (!Number.isFinite(value)) {
    return String(value);
  }
  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
}

function renderTable(results) {
  const header = ['name', 'kura', 'baseline', 'unit', 'better', 'ratio'];
  const rows = results.map((result) => [
    result.name,
    formatNumber(result.kura),
    formatNumber(result.baseline),
    result.unit,
    result.better,
    `${formatNumber(result.ratio)}x`,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function checkResult(entry, result) {
  const fields = ['name', 'kura', 'baseline', 'ratio', 'unit', 'better', 'params'];
  const missing = fields.filter((field) => result?.[field] === undefined);
  if (missing.length > 0 || result.name !== entry.name) {
    throw new Error(
      `benchmark ${entry.name} returned an invalid result (missing: ${missing.join(', ') || 'none'})`,
    );
  }
}

async function main() {
  const { quick, names } = parseOptions();
  const selected =
    names.length === 0 ? entries : entries.filter((entry) => names.includes(entry.name));

  const results = [];
  try {
    for (const entry of selected) {
      process.stderr.write(
        `running ${entry.name}${quick ? ' (quick)' : ''}: ${entry.description}\n`,
      );
      const result = await entry.run({ quick });
      checkResult(entry, result);
      results.push(result);
    }
  } finally {
    await stopMoto();
  }

  process.stdout.write(`${renderTable(results)}\n`);
  for (const result of results) {
    process.stdout.write(`\n${result.name}: ${JSON.stringify(result.params)}\n`);
  }
  await mkdir(dirname(resultsFile), { recursive: true });
  await writeFile(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
  process.stderr.write(`wrote ${resultsFile}\n`);
}

main().catch((error) => {
  process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
