import { KuraConfigError } from '@kura/sdk';
import { describe, expect, it } from 'vitest';
import {
  renderSecretObjectsOptionsHelp,
  resolveSecretObjectsConfig,
} from '../../src/exec/secret-objects-config.js';

describe('resolveSecretObjectsConfig', () => {
  it('applies the defaults', () => {
    expect(resolveSecretObjectsConfig('exec', ['--spc', 'spc.yaml'], {})).toEqual({
      spcPath: 'spc.yaml',
      spcName: undefined,
      source: undefined,
      mountDir: undefined,
      refreshIntervalMs: 300_000,
      restartOnChange: false,
      restartGracePeriodMs: 10_000,
    });
  });

  it('reads KURA_ variables', () => {
    const config = resolveSecretObjectsConfig('exec', [], {
      KURA_SPC: 'spc.yaml',
      KURA_SPC_NAME: 'app',
      KURA_SOURCE: 'files',
      KURA_MOUNT_DIR: '/mnt/secrets-store',
      KURA_RESTART_ON_CHANGE: 'true',
      KURA_RESTART_GRACE_PERIOD_MS: '2500',
      KURA_REFRESH_INTERVAL_MS: '60000',
    });

    expect(config).toEqual({
      spcPath: 'spc.yaml',
      spcName: 'app',
      source: 'files',
      mountDir: '/mnt/secrets-store',
      refreshIntervalMs: 60_000,
      restartOnChange: true,
      restartGracePeriodMs: 2_500,
    });
  });

  it('lets a flag win over its variable', () => {
    const config = resolveSecretObjectsConfig(
      'exec',
      ['--spc=flag.yaml', '--restart-on-change=false'],
      {
        KURA_SPC: 'variable.yaml',
        KURA_RESTART_ON_CHANGE: 'true',
      },
    );

    expect(config.spcPath).toBe('flag.yaml');
    expect(config.restartOnChange).toBe(false);
  });

  it('ignores the restart variables for render-secrets', () => {
    const config = resolveSecretObjectsConfig('render-secrets', ['--spc', 'spc.yaml'], {
      KURA_RESTART_GRACE_PERIOD_MS: 'not a number',
    });

    expect(config.restartGracePeriodMs).toBe(10_000);
  });

  it.each([
    [['--spc', 'a', '--source', 'auto'], '--source auto reads the mount dir'],
    [['--spc', 'a', '--source'], '--source: missing value'],
    [['--spc', 'a', '--restart-on-change=maybe'], 'write true, false, 1 or 0'],
    [
      ['--spc', 'a', '--restart-grace-period-ms', '-1'],
      '--restart-grace-period-ms: invalid value "-1"',
    ],
    [['--spc', 'a', '--refresh-interval-ms', '10'], 'from 1000 to 86400000'],
    [['--spc', ''], 'the value is empty'],
    [['--mount-dir', 'x'], '--spc: missing'],
    [['printenv'], 'put the command after --'],
  ])('rejects %j', (args, message) => {
    expect(() => resolveSecretObjectsConfig('exec', args, {})).toThrow(KuraConfigError);
    expect(() => resolveSecretObjectsConfig('exec', args, {})).toThrow(message);
  });

  it('names the variable of an invalid value', () => {
    expect(() =>
      resolveSecretObjectsConfig('exec', ['--spc', 'a'], { KURA_SOURCE: 'disk' }),
    ).toThrow('KURA_SOURCE: invalid value "disk"');
  });

  it('rejects exec options in render-secrets', () => {
    expect(() =>
      resolveSecretObjectsConfig('render-secrets', ['--spc', 'a', '--restart-on-change'], {}),
    ).toThrow('unknown argument "--restart-on-change"');
  });
});

describe('renderSecretObjectsOptionsHelp', () => {
  it('lists every exec option with its variable and default', () => {
    const help = renderSecretObjectsOptionsHelp('exec');

    for (const text of [
      '--restart-grace-period-ms MS',
      'KURA_RESTART_GRACE_PERIOD_MS. Default: 10000.',
      'KURA_SOURCE. Default: auto with --mount-dir, else aws.',
      'in milliseconds',
    ]) {
      expect(help).toContain(text);
    }
  });
});
