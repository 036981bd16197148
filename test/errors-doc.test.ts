import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as errors from '../packages/sdk/src/errors.js';

/** Collects every class errors.ts exports that is KuraError or extends it, with its code. */
function errorClassCodes(): Map<string, string> {
  const codes = new Map<string, string>();
  for (const [name, exported] of Object.entries(errors)) {
    const isErrorClass =
      typeof exported === 'function' &&
      (exported === errors.KuraError || exported.prototype instanceof errors.KuraError);
    if (isErrorClass) {
      codes.set(name, (exported as typeof errors.KuraError).code);
    }
  }
  return codes;
}

/** Reads each `## CODE` section of docs/errors.md with the text under it. */
async function documentedCodes(): Promise<Map<string, string>> {
  const page = await readFile(new URL('../docs/errors.md', import.meta.url), 'utf8');
  const sections = new Map<string, string>();
  const parts = page.split(/^## /m).slice(1);
  for (const part of parts) {
    const newline = part.indexOf('\n');
    const heading = part.slice(0, newline).trim();
    sections.set(heading, part.slice(newline + 1).trim());
  }
  return sections;
}

describe('docs/errors.md', () => {
  it('documents every error class code', async () => {
    const documented = await documentedCodes();

    const missing = [...errorClassCodes()]
      .filter(([, code]) => !documented.has(code))
      .map(([name, code]) => `${name} (${code})`);

    expect(missing).toEqual([]);
  });

  it('lists no code that no class has', async () => {
    const codes = new Set(errorClassCodes().values());

    const unknown = [...(await documentedCodes()).keys()].filter((code) => !codes.has(code));

    expect(unknown).toEqual([]);
  });

  it('says something under every code', async () => {
    const empty = [...(await documentedCodes())]
      .filter(([, text]) => text.length < 40)
      .map(([code]) => code);

    expect(empty).toEqual([]);
  });

  it('gives every class its own code', () => {
    const byCode = new Map<string, string[]>();
    for (const [name, code] of errorClassCodes()) {
      byCode.set(code, [...(byCode.get(code) ?? []), name]);
    }

    const shared = [...byCode.values()].filter((names) => names.length > 1);

    expect(shared).toEqual([]);
  });
});
