import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { motoEnvironment } from '../../../../test/support/aws-env.js';
import { waitFor } from '../exec/wait-for.js';
import { runServe, type ServeProcess } from '../support/run-serve.js';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

describe('kura serve /secret-objects', () => {
  let dir: string;
  let serve: ServeProcess;
  let token: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kura-serve-secret-objects-'));
    const tokenFile = join(dir, 'token');
    serve = await runServe(
      [
        '--spc',
        join(repoRoot, 'examples/secretproviderclass.yaml'),
        '--source',
        'files',
        '--mount-dir',
        join(repoRoot, 'examples/mnt/secrets-store'),
        '--token-file',
        tokenFile,
      ],
      motoEnvironment(inject('motoEndpoint')),
    );
    token = readFileSync(tokenFile, 'utf8').trim();
    await waitFor(
      async () => ((await fetch(`${serve.url}/readyz`)).status === 200 ? true : undefined),
      'readyz',
    );
  });

  afterAll(async () => {
    await serve?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the example Secret behind the token', async () => {
    const response = await fetch(`${serve.url}/secret-objects/test-app-secret`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': token },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'test-app-secret',
        namespace: 'default',
        labels: { 'secrets-store.csi.k8s.io/managed': 'true' },
        annotations: {},
      },
      type: 'Opaque',
      data: {
        PARAMETER: Buffer.from('foobar-value').toString('base64'),
        PIYO: Buffer.from('1234567').toString('base64'),
      },
    });
  });

  it('rejects a request without the token', async () => {
    const response = await fetch(`${serve.url}/secret-objects/test-app-secret`);

    expect(response.status).toBe(403);
  });

  it('logs no value', async () => {
    await fetch(`${serve.url}/secret-objects/test-app-secret`, {
      headers: { 'X-Aws-Parameters-Secrets-Token': token },
    });

    const output = serve.stdout() + serve.stderr();
    for (const secret of ['1234567', 'foobar-value', 'MTIzNDU2Nw', token]) {
      expect(output).not.toContain(secret);
    }
  });
});
