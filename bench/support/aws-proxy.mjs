/**
 * An HTTP proxy on 127.0.0.1 in front of moto_server for the benchmarks. It counts calls per
 * operation (the `X-Amz-Target` header, such as `secretsmanager.GetSecretValue`). It can add
 * a fixed delay to every call, which stands for the network round trip to AWS. It can limit a
 * set of operations with a token bucket that returns `ThrottlingException` past the limit, as
 * Parameter Store does past its shared requests-per-second quota.
 */
import { createServer, request as httpRequest } from 'node:http';

/**
 * Creates a token bucket that gains `ratePerSecond` tokens a second and keeps at most `burst`.
 * A call takes one token or is throttled.
 */
function createTokenBucket(ratePerSecond, burst) {
  let tokens = burst;
  let updatedAt = performance.now();
  return {
    take() {
      const now = performance.now();
      tokens = Math.min(burst, tokens + ((now - updatedAt) / 1000) * ratePerSecond);
      updatedAt = now;
      if (tokens < 1) return false;
      tokens -= 1;
      return true;
    },
  };
}

function sendThrottled(response) {
  const body = JSON.stringify({ __type: 'ThrottlingException', message: 'Rate exceeded' });
  response.writeHead(400, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': `bench-proxy-${Date.now()}`,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/**
 * Starts a proxy in front of `target` on an ephemeral port.
 *
 * @param {object} options
 * @param {string} options.target moto's endpoint
 * @param {number} [options.delayMs] delay before forwarding each call, in milliseconds; default 0
 * @param {{ operations: string[], ratePerSecond: number, burst: number }} [options.limit]
 *   operations sharing one token bucket
 */
export async function startAwsProxy({ target, delayMs = 0, limit }) {
  const upstream = new URL(target);
  const calls = new Map();
  const throttled = new Map();
  const bucket =
    limit === undefined ? undefined : createTokenBucket(limit.ratePerSecond, limit.burst);
  const limited = new Set(limit?.operations ?? []);
  let settings = { delayMs };

  const forward = (request, response) => {
    const outgoing = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    outgoing.on('error', () => request.socket.destroy());
    request.pipe(outgoing);
  };

  const server = createServer((request, response) => {
    const operation = String(request.headers['x-amz-target'] ?? 'unknown');
    calls.set(operation, (calls.get(operation) ?? 0) + 1);
    if (limited.has(operation) && !bucket.take()) {
      throttled.set(operation, (throttled.get(operation) ?? 0) + 1);
      request.resume();
      sendThrottled(response);
      return;
    }
    if (settings.delayMs > 0) {
      setTimeout(() => forward(request, response), settings.delayMs);
      return;
    }
    forward(request, response);
  });
  server.keepAliveTimeout = 5_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();

  return {
    url: `http://127.0.0.1:${port}`,
    /** Calls received for an operation, throttled ones included. */
    calls: (operation) => calls.get(operation) ?? 0,
    /** Calls of an operation that received ThrottlingException. */
    throttled: (operation) => throttled.get(operation) ?? 0,
    setDelay(ms) {
      settings = { ...settings, delayMs: ms };
    },
    resetCounts() {
      calls.clear();
      throttled.clear();
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
