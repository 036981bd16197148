import type { SecretProviderClass, SpcObject } from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeStore, testSpc } from '../support/fakes.js';
import { serveApp, type TestServer } from '../support/serve-app.js';

function parameter(index: number, objectName: string, fileName: string): SpcObject {
  return {
    index,
    objectName,
    objectType: 'ssmparameter',
    selector: { kind: 'latest' },
    fileName,
    filePermission: 0o644,
    jmesPath: [],
  };
}

const piyopiyo = parameter(0, 'piyopiyo', 'piyopiyo');
const myParameter = parameter(1, 'foobar', 'my-parameter');

const spc: SecretProviderClass = {
  ...testSpc,
  name: 'test-app-secretstore',
  objects: [piyopiyo, myParameter],
  secretObjects: [
    {
      secretName: 'test-app-secret',
      type: 'Opaque',
      labels: { app: 'test-app' },
      annotations: { note: 'synced by kura' },
      data: [
        { key: 'PIYO', objectName: 'piyopiyo', fileName: 'piyopiyo' },
        { key: 'PARAMETER', objectName: 'my-parameter', fileName: 'my-parameter' },
      ],
    },
    {
      secretName: 'broken-tls',
      type: 'kubernetes.io/tls',
      labels: {},
      annotations: {},
      data: [
        { key: 'tls.crt', objectName: 'piyopiyo', fileName: 'piyopiyo' },
        { key: 'tls.key', objectName: 'piyopiyo', fileName: 'piyopiyo' },
      ],
    },
  ],
};

let served: TestServer | undefined;

afterEach(async () => {
  await served?.server.stop();
  served = undefined;
});

async function serveWithStore(loaded = spc): Promise<TestServer> {
  const server = await serveApp({ spc: loaded });
  const store = new FakeStore(server.cache);
  store.put(piyopiyo, '1234567');
  store.put(myParameter, 'foobar-value');
  server.app.setStore(store);
  return server;
}

describe('GET /secret-objects/{secretName}', () => {
  it('returns the Secret the driver would sync', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/test-app-secret');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: {
        name: 'test-app-secret',
        namespace: 'default',
        labels: { app: 'test-app', 'secrets-store.csi.k8s.io/managed': 'true' },
        annotations: { note: 'synced by kura' },
      },
      type: 'Opaque',
      data: {
        PARAMETER: Buffer.from('foobar-value').toString('base64'),
        PIYO: Buffer.from('1234567').toString('base64'),
      },
    });
  });

  it('rejects a request without the token', async () => {
    served = await serveWithStore();

    const response = await fetch(`${served.url}/secret-objects/test-app-secret`);

    expect(response.status).toBe(403);
    expect(await response.text()).not.toContain('MTIzNDU2Nw');
  });

  it('rejects a wrong token', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/test-app-secret', {
      headers: { 'x-aws-parameters-secrets-token': 'wrong' },
    });

    expect(response.status).toBe(403);
  });

  it('returns 404 for an unknown secretName', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/other');

    expect(response.status).toBe(404);
    const body = (await response.json()) as { __type: string; message: string };
    expect(body.__type).toBe('NotFoundException');
    expect(body.message).toContain('"test-app-secret"');
  });

  it('returns 404 saying the SPC has no secretObjects', async () => {
    served = await serveWithStore({ ...spc, secretObjects: [] });

    const response = await served.get('/secret-objects/app');

    expect(response.status).toBe(404);
    const body = (await response.json()) as { message: string };
    expect(body.message).toBe(
      'SecretProviderClass default/test-app-secretstore has no secretObjects, so it has no entry named "app"; add a secretObjects entry with that secretName',
    );
  });

  it('returns 422 naming the object of an invalid entry', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/broken-tls');

    expect(response.status).toBe(422);
    const body = (await response.json()) as { __type: string; message: string; secretName: string };
    expect(body.__type).toBe('SecretObjectInvalidException');
    expect(body.secretName).toBe('broken-tls');
    expect(body.message).toContain('objectName "piyopiyo"');
    expect(body.message).not.toContain('1234567');
  });

  it('returns 503 before the first load', async () => {
    served = await serveApp({ spc });

    const response = await served.get('/secret-objects/test-app-secret');

    expect(response.status).toBe(503);
  });

  it('returns 404 without an SPC', async () => {
    served = await serveApp();

    const response = await served.get('/secret-objects/test-app-secret');

    expect(response.status).toBe(404);
    expect(await response.text()).toContain('--spc FILE');
  });

  it('rejects an unknown query parameter', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/test-app-secret?x=1');

    expect(response.status).toBe(400);
  });

  it('decodes a percent-encoded secretName', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/test%2Dapp-secret');

    expect(response.status).toBe(200);
  });

  it('rejects malformed percent-encoding', async () => {
    served = await serveWithStore();

    const response = await served.get('/secret-objects/%E0%A4%A');

    expect(response.status).toBe(400);
  });
});
