import { KuraAwsThrottledError } from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { TokenVerifier } from '../src/token.js';
import { binaryObject, FakeStore, secretObject, testSpc } from './support/fakes.js';
import { asJson, serveApp, type TestServer } from './support/serve-app.js';

let served: TestServer | undefined;

afterEach(async () => {
  await served?.server.stop();
  served = undefined;
});

describe('app checks', () => {
  it('ping answers healthy without a token', async () => {
    served = await serveApp();
    const response = await fetch(`${served.url}/ping`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await response.text()).toBe('healthy');
  });

  it('healthz answers ok without a token', async () => {
    served = await serveApp();
    const response = await fetch(`${served.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json().then(asJson)).toEqual({ status: 'ok' });
  });

  it('readyz is 503 until the store is set', async () => {
    served = await serveApp({ spc: testSpc });
    const before = await fetch(`${served.url}/readyz`);
    expect(before.status).toBe(503);
    expect(before.headers.get('content-type')).toBe('application/json');

    const store = new FakeStore(served.cache);
    store.put(secretObject, 'value');
    served.app.setStore(store);
    const after = await fetch(`${served.url}/readyz`);
    expect(after.status).toBe(200);
    expect(await after.json().then(asJson)).toMatchObject({
      status: 'ready',
      objects: 1,
      stale: 0,
    });
  });

  it('readyz is 200 at once without an SPC', async () => {
    served = await serveApp();
    expect((await fetch(`${served.url}/readyz`)).status).toBe(200);
  });

  it('metrics are served in the Prometheus format', async () => {
    served = await serveApp();
    await fetch(`${served.url}/ping`);
    const response = await fetch(`${served.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/plain');
    const text = await response.text();
    expect(text).toContain('kura_http_requests_total{route="ping",status="200"} 1');
    expect(text).toContain('kura_aws_call_duration_seconds');
    expect(text).toContain('kura_stale_objects');
  });

  it('unknown path without the token gets 403', async () => {
    served = await serveApp();
    const response = await fetch(`${served.url}/nothing-here`);
    expect(response.status).toBe(403);
    expect((await response.json().then(asJson)).__type).toBe('InvalidTokenException');
  });

  it('unknown path gets 404 JSON', async () => {
    served = await serveApp();
    const response = await served.get('/nothing-here');
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json().then(asJson)).__type).toBe('NotFoundException');
  });

  it('missing token gets 403', async () => {
    served = await serveApp();
    const response = await fetch(`${served.url}/secretsmanager/get?secretId=x`);
    expect(response.status).toBe(403);
    expect((await response.json().then(asJson)).__type).toBe('InvalidTokenException');
  });

  it('wrong token gets 403', async () => {
    served = await serveApp();
    const response = await served.get('/objects', {
      headers: { 'x-aws-parameters-secrets-token': 'wrong' },
    });
    expect(response.status).toBe(403);
  });

  it('X-Forwarded-For gets 400 even with the token', async () => {
    served = await serveApp();
    const response = await served.get('/secretsmanager/get?secretId=x', {
      headers: { 'x-forwarded-for': '10.0.0.1' },
    });
    expect(response.status).toBe(400);
    expect((await response.json().then(asJson)).__type).toBe('ForwardedRequestException');
  });

  it('POST gets 405 with Allow', async () => {
    served = await serveApp();
    const response = await served.get('/ping', { method: 'POST', body: 'x' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('HEAD gets the headers of GET and no body', async () => {
    served = await serveApp();
    const response = await served.get('/ping', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-length')).toBe('7');
    expect(await response.text()).toBe('');
  });

  it('URL past the limit gets 414', async () => {
    served = await serveApp({ maxUrlLength: 300 });
    const response = await served.get(`/secretsmanager/get?secretId=${'a'.repeat(400)}`);
    expect(response.status).toBe(414);
    expect(response.headers.get('content-type')).toBe('application/json');
  });

  it('health routes ignore a query string', async () => {
    served = await serveApp();
    for (const path of ['/ping', '/healthz', '/readyz', '/metrics']) {
      const response = await fetch(`${served.url}${path}?cache-buster=123&x`);
      expect(response.status, path).toBe(200);
    }
  });

  it('a query on /objects names no parameters', async () => {
    served = await serveApp();
    const response = await served.get('/objects?verbose=1');
    expect(response.status).toBe(400);
    const message = (await response.json().then(asJson)).message;
    expect(message).toContain('takes no query parameters');
  });

  it('logs once that the token file is unusable', async () => {
    const revoked: TokenVerifier = {
      origin: { kind: 'file', path: '/run/kura/token', created: false, via: '--token-file' },
      verify: async () => false,
      problem: () => 'token file /run/kura/token is missing; write a token into it',
    };
    served = await serveApp({ token: revoked });
    for (let attempt = 0; attempt < 3; attempt += 1) {
      expect((await served.get('/objects')).status).toBe(403);
    }
    const lines = served.logs.filter((line) =>
      line.includes('token file /run/kura/token is missing'),
    );
    expect(lines).toHaveLength(1);
  });

  it('rejections are logged without the presented token', async () => {
    served = await serveApp();
    await served.get('/objects', {
      headers: { 'x-aws-parameters-secrets-token': 'presented-value' },
    });
    const logs = served.logs.join('');
    expect(logs).toContain('request rejected');
    expect(logs).not.toContain('presented-value');
  });

  it('store refresh failures are counted and logged', async () => {
    served = await serveApp({ spc: testSpc });
    const store = new FakeStore(served.cache);
    store.put(secretObject, 'refresh-test-content');
    store.put(binaryObject, 'other', { stale: true });
    served.app.setStore(store);
    const error = new KuraAwsThrottledError(
      'GetSecretValue of my-secret was throttled',
      {
        awsCode: 'ThrottlingException',
        httpStatus: 400,
        service: 'secretsmanager',
        operation: 'GetSecretValue',
        region: 'us-east-1',
        id: 'my-secret',
      },
      true,
    );
    store.emit('error', { fileName: 'my-secret', objectName: 'my-secret', error });
    store.emit('stale', { fileName: 'my-secret', objectName: 'my-secret', error });

    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toContain('kura_refresh_failures_total{code="KURA_AWS_THROTTLED"} 1');
    expect(metrics).toContain('kura_stale_objects 1');
    const logs = served.logs.join('');
    expect(logs).toContain('"msg":"refresh failed"');
    expect(logs).toContain('"code":"KURA_AWS_THROTTLED"');
    expect(logs).not.toContain('refresh-test-content');
  });

  it('store changes are logged without the value', async () => {
    served = await serveApp({ spc: testSpc });
    const store = new FakeStore(served.cache);
    store.put(secretObject, 'change-test-content');
    served.app.setStore(store);
    store.emitChange({
      fileName: 'my-secret',
      objectName: 'my-secret',
      version: 'v2',
      hash: 'abc',
      source: 'aws',
    });
    const logs = served.logs.join('');
    expect(logs).toContain('"msg":"object changed"');
    expect(logs).toContain('"version":"v2"');
    expect(logs).not.toContain('change-test-content');
  });
});
