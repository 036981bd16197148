import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ChildSupervisor } from '../../src/exec/child-supervisor.js';
import { waitFor } from './wait-for.js';

const childScript = fileURLToPath(new URL('./fixtures/child.mjs', import.meta.url));

let dir: string;
let logFile: string;
let supervisors: ChildSupervisor[] = [];
let diagnostics: string[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kura-supervisor-'));
  logFile = join(dir, 'log');
  diagnostics = [];
});

afterEach(async () => {
  for (const supervisor of supervisors) {
    supervisor.forward('SIGKILL');
    await supervisor.exited;
  }
  supervisors = [];
  rmSync(dir, { recursive: true, force: true });
});

function supervise(args: string[], gracePeriodMs = 10_000): ChildSupervisor {
  const supervisor = new ChildSupervisor({
    command: process.execPath,
    args: [childScript, ...args],
    gracePeriodMs,
    log: (line) => diagnostics.push(line),
  });
  supervisors.push(supervisor);
  return supervisor;
}

function env(value: string): NodeJS.ProcessEnv {
  return { ...process.env, KURA_TEST_LOG: logFile, TEST_VALUE: value };
}

function logLines(): string[] {
  try {
    return readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line !== '');
  } catch {
    return [];
  }
}

function startedLines(): string[] {
  return logLines().filter((line) => line.startsWith('started '));
}

async function waitForStarts(count: number): Promise<void> {
  await waitFor(() => (startedLines().length >= count ? true : undefined), `${count} start(s)`);
}

describe('ChildSupervisor', () => {
  it('resolves with the exit code of the command', async () => {
    const supervisor = supervise(['exit', '3']);

    supervisor.start(env('a'));

    expect(await supervisor.exited).toBe(3);
  });

  it('resolves with 128 plus the signal number', async () => {
    const supervisor = supervise(['self-kill']);

    supervisor.start(env('a'));

    expect(await supervisor.exited).toBe(137);
  });

  it('forwards SIGTERM and its exit code', async () => {
    const supervisor = supervise(['run']);
    supervisor.start(env('a'));
    await waitForStarts(1);

    supervisor.forward('SIGTERM');

    expect(await supervisor.exited).toBe(42);
    expect(logLines().at(-1)).toBe('SIGTERM');
  });

  it('forwards SIGHUP without stopping', async () => {
    const supervisor = supervise(['run']);
    supervisor.start(env('a'));
    await waitForStarts(1);

    supervisor.forward('SIGHUP');
    await waitFor(() => (logLines().includes('SIGHUP') ? true : undefined), 'SIGHUP');
    supervisor.forward('SIGTERM');

    expect(await supervisor.exited).toBe(42);
  });

  it('restarts the command with the new environment', async () => {
    const supervisor = supervise(['run']);
    supervisor.start(env('first'));
    await waitForStarts(1);

    supervisor.restart(env('second'), 'piyopiyo changed');
    await waitForStarts(2);
    supervisor.forward('SIGTERM');

    expect(await supervisor.exited).toBe(42);
    const lines = logLines();
    expect(lines[0]).toMatch(/^started \d+ TEST_VALUE=first$/);
    expect(lines[1]).toBe('SIGTERM');
    expect(lines[2]).toMatch(/^started \d+ TEST_VALUE=second$/);
    expect(diagnostics[0]).toMatch(/^restarting ".*" \(pid \d+\) because piyopiyo changed$/);
  });

  it('sends SIGKILL after the grace period', async () => {
    const supervisor = supervise(['ignore-term'], 200);
    supervisor.start(env('first'));
    await waitForStarts(1);

    supervisor.restart(env('second'), 'piyopiyo changed');
    await waitForStarts(2);

    expect(logLines()).toContain('SIGTERM ignored');
    expect(startedLines()[1]).toMatch(/TEST_VALUE=second$/);
    expect(diagnostics.some((line) => line.includes('sending SIGKILL'))).toBe(true);
  });

  it('folds several restarts into one', async () => {
    const supervisor = supervise(['ignore-term'], 300);
    supervisor.start(env('first'));
    await waitForStarts(1);

    supervisor.restart(env('second'), 'a changed');
    supervisor.restart(env('third'), 'b changed');
    await waitForStarts(2);

    expect(startedLines()).toHaveLength(2);
    expect(startedLines()[1]).toMatch(/TEST_VALUE=third$/);
  });

  it('does not restart after a stop signal', async () => {
    const supervisor = supervise(['run']);
    supervisor.start(env('first'));
    await waitForStarts(1);

    supervisor.forward('SIGTERM');
    supervisor.restart(env('second'), 'piyopiyo changed');

    expect(await supervisor.exited).toBe(42);
    expect(startedLines()).toHaveLength(1);
  });

  it('stops on a stop signal during a restart', async () => {
    const supervisor = supervise(['ignore-term'], 300);
    supervisor.start(env('first'));
    await waitForStarts(1);

    supervisor.restart(env('second'), 'piyopiyo changed');
    supervisor.forward('SIGINT');

    expect(await supervisor.exited).toBe(43);
    expect(startedLines()).toHaveLength(1);
  });

  it('resolves with 127 for a command that does not exist', async () => {
    const supervisor = new ChildSupervisor({
      command: join(dir, 'no-such-command'),
      args: [],
      gracePeriodMs: 1_000,
      log: (line) => diagnostics.push(line),
    });

    supervisor.start(env('a'));

    expect(await supervisor.exited).toBe(127);
    expect(diagnostics[0]).toContain('cannot run');
  });

  it('resolves with 126 for an oversized environment', async () => {
    const supervisor = supervise(['run']);

    supervisor.start({ ...env('a'), HUGE: 'x'.repeat(200_000) });

    expect(await supervisor.exited).toBe(126);
    expect(diagnostics[0]).toContain('E2BIG');
    expect(diagnostics[0]).toContain('the environment is too large');
  });

  it('resolves with 126 for a file that is not executable', async () => {
    const supervisor = new ChildSupervisor({
      command: childScript,
      args: [],
      gracePeriodMs: 1_000,
      log: (line) => diagnostics.push(line),
    });

    supervisor.start(env('a'));

    expect(await supervisor.exited).toBe(126);
  });
});
