import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { binaryObject, FakeStore, secretObject, testSpc } from '../support/fakes.js';
import { asJson, serveApp, type TestServer, testToken } from '../support/serve-app.js';

let served: TestServer | undefined;

afterEach(async () => {
  await served?.server.stop();
  served = undefined;
});

async function servedWithStore(): Promise<{ served: TestServer; store: FakeStore }> {
  served = await serveApp({ spc: testSpc });
  const store = new FakeStore(served.cache);
  store.put(secretObject, 'object-content');
  store.put(binaryObject, new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]), { stale: true });
  served.app.setStore(store);
  return { served, store };
}

describe('GET /objects', () => {
  it('lists statuses without values or hashes', async () => {
    const { served } = await servedWithStore();
    const response = await served.get('/objects');
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).not.toContain('object-content');
    const body = JSON.parse(text);
    expect(body.objects).toHaveLength(2);
    expect(body.objects[0]).toEqual({
      fileName: 'my-secret',
      objectName: 'my-secret',
      objectType: 'secretsmanager',
      version: 'v1',
      lastRefreshAt: '2026-01-01T00:00:00.000Z',
      stale: false,
      source: 'aws',
    });
    expect(body.objects[1].stale).toBe(true);
    expect(body.objects[0]).not.toHaveProperty('hash');
  });

  it('shows the region a value came from', async () => {
    const { served, store } = await servedWithStore();
    store.put(secretObject, 'object-content', { region: 'us-west-2' });

    const body = asJson(await (await served.get('/objects')).json());

    const listed = body.objects.find(
      (object: { fileName: string }) => object.fileName === 'my-secret',
    );
    expect(listed.region).toBe('us-west-2');
  });

  it('is 503 before the first load', async () => {
    served = await serveApp({ spc: testSpc });
    expect((await served.get('/objects')).status).toBe(503);
  });

  it('is 404 without an SPC', async () => {
    served = await serveApp();
    expect((await served.get('/objects')).status).toBe(404);
  });
});

describe('GET /objects/{file name}', () => {
  it('returns the exact bytes with an ETag', async () => {
    const { served, store } = await servedWithStore();
    const response = await served.get('/objects/keystore.p12');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/octet-stream');
    expect(response.headers.get('etag')).toBe(`"${store.status('keystore.p12').hash}"`);
    // A plain SHA-256 of the bytes would let anyone holding the tag test guesses offline.
    expect(response.headers.get('etag')).not.toContain(
      'f666f9c460f0f8ec5e17e6fc36540ce4438587c83d6c0ee44cecad4fe04368e9',
    );
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(
      new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]),
    );
  });

  it('pairs new bytes with a new ETag', async () => {
    const { served, store } = await servedWithStore();
    const before = await served.get('/objects/my-secret');
    await before.arrayBuffer();

    store.put(secretObject, 'rotated-content', { version: 'v2' });
    const after = await served.get('/objects/my-secret');

    expect(await after.text()).toBe('rotated-content');
    expect(after.headers.get('etag')).toBe(`"${store.status('my-secret').hash}"`);
    expect(after.headers.get('etag')).not.toBe(before.headers.get('etag'));
    expect(after.headers.get('x-kura-version')).toBe('v2');
  });

  it('answers 304 to a matching If-None-Match', async () => {
    const { served } = await servedWithStore();
    const first = await served.get('/objects/my-secret');
    const etag = first.headers.get('etag') ?? '';
    const second = await served.get('/objects/my-secret', { headers: { 'if-none-match': etag } });
    expect(second.status).toBe(304);
    expect(second.headers.get('etag')).toBe(etag);
    expect(second.headers.get('content-type')).not.toBeNull();
    expect(await second.text()).toBe('');
  });

  it('answers 200 to a stale If-None-Match', async () => {
    const { served } = await servedWithStore();
    const response = await served.get('/objects/my-secret', {
      headers: { 'if-none-match': '"0000"' },
    });
    expect(response.status).toBe(200);
  });

  it('is 404 for an unknown file name', async () => {
    const { served } = await servedWithStore();
    const response = await served.get('/objects/nothing');
    expect(response.status).toBe(404);
    expect((await response.json().then(asJson)).message).toContain('"nothing"');
  });

  it('needs the token', async () => {
    const { served } = await servedWithStore();
    expect((await fetch(`${served.url}/objects/my-secret`)).status).toBe(403);
  });
});

/** Opens /events, calls `onOpen` once the stream is open, and resolves with the text read until `until` holds. */
function readEvents(
  url: string,
  onOpen: () => void,
  until: (text: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/events`, {
      headers: { 'x-aws-parameters-secrets-token': testToken },
    });
    req.on('response', (res) => {
      let text = '';
      let opened = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        if (!opened && text.includes(': connected')) {
          opened = true;
          onOpen();
        }
        if (until(text)) {
          req.destroy();
          resolve(text);
        }
      });
      res.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('GET /events', () => {
  it('sends one change event without the value', async () => {
    const { served, store } = await servedWithStore();
    const text = await readEvents(
      served.url,
      () =>
        store.emitChange({
          fileName: 'my-secret',
          objectName: 'my-secret',
          version: 'v2',
          hash: 'abc',
          source: 'aws',
        }),
      (received) => received.includes('event: change'),
    );
    expect(text).toContain(
      'event: change\ndata: {"fileName":"my-secret","objectName":"my-secret","version":"v2","source":"aws"}',
    );
    expect(text).not.toContain('object-content');
  });

  it('has the event-stream content type', async () => {
    const { served } = await servedWithStore();
    const response = await served.get('/events', { method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
  });
});
