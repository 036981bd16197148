import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import type { SecretValue } from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { healthCheckHeadroom } from '../src/server.js';
import { secretValue } from './support/fakes.js';
import { asJson, serveApp, type TestServer, testToken } from './support/serve-app.js';

let served: TestServer | undefined;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.destroy();
  }
  await served?.server.stop();
  served = undefined;
});

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port }, () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

/** GETs `path` on a connection of its own, so each request counts as one new connection. */
function statusOnNewConnection(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('startServer', () => {
  it('answers 429 past the connection limit', async () => {
    served = await serveApp({ maxConnections: 2 });
    await openSocket(served.server.address.port);
    await openSocket(served.server.address.port);
    const response = await fetch(`${served.url}/metrics`);
    expect(response.status).toBe(429);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect((await response.json().then(asJson)).__type).toBe('TooManyConnectionsException');
  });

  it('keeps health checks reachable past the limit', async () => {
    served = await serveApp({ maxConnections: 2 });
    const port = served.server.address.port;
    await openSocket(port);
    await openSocket(port);
    expect(await statusOnNewConnection(port, '/ping')).toBe(200);
    expect(await statusOnNewConnection(port, '/healthz?probe=1')).toBe(200);
    expect(await statusOnNewConnection(port, '/metrics')).toBe(429);
  });

  it('answers 429 to health checks past the headroom', async () => {
    served = await serveApp({ maxConnections: 2 });
    const port = served.server.address.port;
    for (let held = 0; held < 2 + healthCheckHeadroom; held += 1) {
      await openSocket(port);
    }
    expect(await statusOnNewConnection(port, '/ping')).toBe(429);
  });

  it('serves again once connections close', async () => {
    served = await serveApp({ maxConnections: 1 });
    const held = await openSocket(served.server.address.port);
    expect((await fetch(`${served.url}/metrics`)).status).toBe(429);
    held.destroy();
    await expect
      .poll(
        async () =>
          (await fetch(`${served?.url}/metrics`, { headers: { connection: 'close' } })).status,
      )
      .toBe(200);
  });

  it('binds 127.0.0.1 and reports the port', async () => {
    served = await serveApp();
    expect(served.server.address.address).toBe('127.0.0.1');
    expect(served.url).toBe(`http://127.0.0.1:${served.server.address.port}`);
  });

  it('finishes an in-flight request on stop', async () => {
    served = await serveApp();
    let release: (value: SecretValue) => void = () => undefined;
    const started = new Promise<void>((resolveStarted) => {
      served?.cache.secrets.set('slow', () => {
        resolveStarted();
        return new Promise<SecretValue>((resolve) => {
          release = resolve;
        });
      });
    });

    const inFlight = served.get('/secretsmanager/get?secretId=slow');
    await started;
    const stopped = served.server.stop();
    await expect(fetch(`${served.url}/ping`)).rejects.toThrow();

    release(secretValue('slow', 'late'));
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(response.headers.get('connection')).toBe('close');
    expect((await response.json().then(asJson)).SecretString).toBe('late');
    await stopped;
    served = undefined;
  });

  it('ends event streams on stop', async () => {
    served = await serveApp();
    const url = served.url;
    const ended = new Promise<string>((resolve, reject) => {
      const req = request(`${url}/events`, {
        headers: { 'x-aws-parameters-secrets-token': testToken },
      });
      req.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes(': connected')) {
            void served?.server.stop();
          }
        });
        res.on('end', () => resolve(text));
      });
      req.on('error', reject);
      req.end();
    });
    expect(await ended).toContain(': connected');
    await served.server.stop();
    served = undefined;
  });

  it('closes a connection whose headers do not arrive in time', async () => {
    served = await serveApp({ headersTimeoutMs: 200 });
    const socket = await openSocket(served.server.address.port);
    socket.write('GET /ping HTTP/1.1\r\nHost: 127.0.0.1\r\n');
    const received = await new Promise<string>((resolve) => {
      let text = '';
      socket.setEncoding('utf8');
      socket.on('data', (chunk: string) => {
        text += chunk;
      });
      socket.on('close', () => resolve(text));
    });
    expect(received).toMatch(/^HTTP\/1\.1 408 /);
  });
});
