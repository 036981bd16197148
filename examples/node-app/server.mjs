// A small service that reads the example objects through @kura/sdk. It never captures a value:
// every request reads the store again, so a rotation reaches it without a restart.
//
//   node examples/node-app/server.mjs
//
// Environment: KURA_SPC (default: the example SecretProviderClass), KURA_MOUNT_DIR and
// KURA_SOURCE (aws, files or auto), PORT (default 8080; 0 picks a free port), and the AWS
// SDK's own variables (AWS_REGION, AWS_ENDPOINT_URL, credentials).
import { timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { openSecretStore } from '@kura/sdk';

const spc =
  process.env.KURA_SPC ?? fileURLToPath(new URL('../secretproviderclass.yaml', import.meta.url));
const port = Number(process.env.PORT ?? 8080);

function log(fields) {
  console.log(JSON.stringify({ time: new Date().toISOString(), ...fields }));
}

const store = await openSecretStore({
  spc,
  ...(process.env.KURA_MOUNT_DIR ? { mountDir: process.env.KURA_MOUNT_DIR } : {}),
  ...(process.env.KURA_SOURCE ? { source: process.env.KURA_SOURCE } : {}),
});

// Events carry file names and versions, never values.
store.on('change', ({ fileName, version, source }) =>
  log({ msg: 'object changed', fileName, version, source }),
);
store.on('error', ({ fileName, error }) =>
  log({ msg: 'refresh failed', fileName, code: error.code, error: error.message }),
);

/** Compares the request's API key with `my-parameter` in constant time. */
function isValidApiKey(apiKey) {
  const expected = store.getBytes('my-parameter');
  const actual = Buffer.from(apiKey ?? '', 'utf8');
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

function sendJson(response, status, body) {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}

const server = createServer((request, response) => {
  const { pathname } = new URL(request.url ?? '/', 'http://localhost');
  if (pathname === '/objects') {
    // Status only: file name, version, last refresh, stale flag, source. Never a value.
    sendJson(response, 200, { objects: store.objects() });
  } else if (pathname === '/orders') {
    // A protected route: the caller must send the value of my-parameter as its API key.
    if (!isValidApiKey(request.headers['x-api-key'])) {
      sendJson(response, 401, { message: 'missing or wrong x-api-key' });
      return;
    }
    sendJson(response, 200, { orders: [], piyopiyoLength: store.get('piyopiyo').length });
  } else {
    sendJson(response, 404, { message: `no route ${pathname}; try /objects or /orders` });
  }
});

server.listen(port, '127.0.0.1', () => {
  log({ msg: 'listening', url: `http://127.0.0.1:${server.address().port}` });
});

for (const signal of ['SIGTERM', 'SIGINT']) {
  process.once(signal, () => {
    log({ msg: 'stopping', signal });
    server.close();
    void store.close();
  });
}
