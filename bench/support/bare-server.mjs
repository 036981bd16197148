/**
 * The floor for the HTTP benchmarks: a node:http server on 127.0.0.1 that responds to every
 * request with the same bytes and no other work. It prints its URL on stderr and exits on
 * SIGTERM, or by itself after 10 minutes.
 */
import { createServer } from 'node:http';

const body = Buffer.from(process.env.BARE_BODY_BASE64 ?? '', 'base64');
const contentType = process.env.BARE_CONTENT_TYPE ?? 'application/octet-stream';
const maxLifetimeMs = 600_000;

const server = createServer((_request, response) => {
  response.statusCode = 200;
  response.setHeader('Content-Type', contentType);
  response.setHeader('Content-Length', body.byteLength);
  response.setHeader('Cache-Control', 'no-store');
  response.end(body);
});

server.listen(0, '127.0.0.1', () => {
  process.stderr.write(`bare server listening on http://127.0.0.1:${server.address().port}\n`);
});

const stop = () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
setTimeout(stop, maxLifetimeMs).unref();
