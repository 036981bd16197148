import { readFileSync } from 'node:fs';
import { KuraConfigError } from '@kura/sdk';
import { describe, expect, it } from 'vitest';
import { renderOptionsHelp, resolveServeConfig, serveOptions } from '../src/config.js';

describe('resolveServeConfig', () => {
  it('uses the defaults', () => {
    const config = resolveServeConfig([], {});
    expect(config.host).toBe('127.0.0.1');
    expect(config.port).toBe(2773);
    expect(config.source).toBe('aws');
    expect(config.allowUnlisted).toBe(false);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('prefers the flag over the variable over the default', () => {
    const env = { KURA_PORT: '3000', KURA_MAX_CONNECTIONS: '5' };
    const config = resolveServeConfig(['--port', '4000'], env);
    expect(config.port).toBe(4000);
    expect(config.maxConnections).toBe(5);
  });

  it('defaults the source to auto with a mount dir', () => {
    expect(resolveServeConfig(['--mount-dir', '/mnt/secrets-store'], {}).source).toBe('auto');
  });

  it('reads --flag=value and bare boolean flags', () => {
    const config = resolveServeConfig(['--log-level=debug', '--allow-unlisted', '--spc=a'], {});
    expect(config.logLevel).toBe('debug');
    expect(config.allowUnlisted).toBe(true);
  });

  it.each([
    ['TRUE', true],
    ['true', true],
    [' 1 ', true],
    ['False', false],
    ['0', false],
  ])('reads the boolean variable %j', (text, expected) => {
    const env = { KURA_SPC: 'a.yaml', KURA_ALLOW_UNLISTED: text };

    expect(resolveServeConfig([], env).allowUnlisted).toBe(expected);
  });

  it.each(['yes', 'on', '2'])('rejects the boolean variable %j, listing the values', (text) => {
    const env = { KURA_SPC: 'a.yaml', KURA_ALLOW_UNLISTED: text };

    expect(() => resolveServeConfig([], env)).toThrow(
      `KURA_ALLOW_UNLISTED: invalid value "${text}"; write true, false, 1 or 0`,
    );
  });

  it('reads a boolean flag value', () => {
    expect(resolveServeConfig(['--spc', 'a.yaml', '--allow-unlisted=0'], {}).allowUnlisted).toBe(
      false,
    );
  });

  it('rejects --allow-unlisted without --spc', () => {
    expect(() => resolveServeConfig(['--allow-unlisted'], {})).toThrow(
      '--allow-unlisted (KURA_ALLOW_UNLISTED) applies only with --spc FILE',
    );
    expect(() => resolveServeConfig([], { KURA_ALLOW_UNLISTED: 'true' })).toThrow(KuraConfigError);
    expect(resolveServeConfig(['--allow-unlisted=false'], {}).allowUnlisted).toBe(false);
  });

  it('rejects a non-loopback host without the flag', () => {
    expect(() => resolveServeConfig(['--host', '0.0.0.0'], {})).toThrow(/--allow-non-loopback/);
    const config = resolveServeConfig(['--host', '0.0.0.0', '--allow-non-loopback'], {});
    expect(config.host).toBe('0.0.0.0');
  });

  it('rejects conflicting timeouts from variables, naming both flags', () => {
    const env = { KURA_HEADERS_TIMEOUT_MS: '40000' };
    expect(() => resolveServeConfig([], env)).toThrow(/--headers-timeout-ms.*--request-timeout-ms/);
    expect(resolveServeConfig(['--request-timeout-ms', '40000'], env).headersTimeoutMs).toBe(
      40_000,
    );
  });

  it('accepts IPv6 loopback', () => {
    expect(resolveServeConfig(['--host', '::1'], {}).host).toBe('::1');
  });

  it.each([
    [['--port', 'http'], /--port: invalid value "http"; write a whole number/],
    [['--port', '70000'], /--port: 70000 is out of range/],
    [['--source', 'disk'], /--source: invalid value "disk"; write one of aws, files, auto/],
    [['--unknown'], /unknown argument "--unknown"/],
    [['--spc'], /--spc: missing value/],
    [['--source', 'files', '--spc', 'x.yaml'], /--source files needs --mount-dir/],
    [['--source', 'auto'], /--source auto needs --mount-dir/],
    [['--spc-name', 'a'], /--spc-name needs --spc/],
    [['--port', '1', '--port', '2'], /--port: given more than once/],
    [['--allow-unlisted', '--allow-unlisted=false'], /--allow-unlisted: given more than once/],
    [
      ['--request-timeout-ms', '100', '--headers-timeout-ms', '5000'],
      /--headers-timeout-ms \(5000\) is longer than --request-timeout-ms \(100\)/,
    ],
  ])('rejects %j', (args, message) => {
    expect(() => resolveServeConfig(args, {})).toThrow(KuraConfigError);
    expect(() => resolveServeConfig(args, {})).toThrow(message);
  });
});

describe('renderOptionsHelp', () => {
  it('lists every flag with its variable and default', () => {
    const help = renderOptionsHelp();
    for (const option of serveOptions) {
      expect(help).toContain(option.flag);
      expect(help).toContain(`Environment: ${option.env}.`);
    }
    expect(help).toContain('Default: 2773.');
    expect(help).toContain('in milliseconds');
  });

  it('states the range of every number option', () => {
    const help = renderOptionsHelp();
    expect(help).toContain('Range: 1000 to 86400000.');
    expect(help).toContain('Range: 256 to 65536.');
    expect(help).toContain('Range: 1 to 100000.');
    expect(help).toContain('required with --source files and --source auto');
  });
});

describe('configuration docs', () => {
  const pages = ['docs/configuration.md', 'README.md'];

  it.each(pages)('%s lists every flag and variable', (page) => {
    const text = readFileSync(new URL(`../../../${page}`, import.meta.url), 'utf8');
    for (const option of serveOptions) {
      expect(text, option.flag).toContain(`\`${option.flag}`);
      expect(text, option.env).toContain(`\`${option.env}\``);
    }
  });
});
