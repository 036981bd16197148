/** `GET /ping`, `/healthz`, `/readyz` and `/metrics`: no token, no values. */
import type { RouteContext } from '../context.js';
import { type Response, sendBytes, sendJson, sendText } from '../http.js';
import { parseQuery } from '../limits.js';

/** Liveness in the Agent's form: `healthy` as plain text. */
export function handlePing(query: string, res: Response): void {
  parseQuery(query, []);
  sendText(res, 200, 'healthy');
}

export function handleHealthz(query: string, res: Response): void {
  parseQuery(query, []);
  sendJson(res, 200, { status: 'ok' });
}

/** 200 once every SPC object has a value (at once without an SPC), 503 before. */
export function handleReadyz(context: RouteContext, query: string, res: Response): void {
  parseQuery(query, []);
  if (context.spc === undefined) {
    sendJson(res, 200, { status: 'ready', objects: 0 });
    return;
  }
  const store = context.store();
  if (store === undefined) {
    sendJson(res, 503, {
      __type: 'NotReadyException',
      message: 'the SecretProviderClass objects have not been loaded yet',
      status: 'loading',
      objects: context.spc.objects.length,
    });
    return;
  }
  const statuses = store.objects();
  sendJson(res, 200, {
    status: 'ready',
    objects: statuses.length,
    stale: statuses.filter((status) => status.stale).length,
  });
}

export async function handleMetrics(
  context: RouteContext,
  query: string,
  res: Response,
): Promise<void> {
  parseQuery(query, []);
  const text = await context.metrics.registry.metrics();
  sendBytes(res, 200, context.metrics.registry.contentType, Buffer.from(text, 'utf8'));
}
