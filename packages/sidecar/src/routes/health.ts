/**
 * `GET /ping`, `/healthz`, `/readyz` and `/metrics`: no token, no values. A query string is
 * ignored, as the Agent ignores it on `/ping`, so probes may add a cache-busting parameter.
 */
import type { RouteContext } from '../context.js';
import { type Response, sendBytes, sendJson, sendText } from '../http.js';

/** Liveness in the Agent's form: `healthy` as plain text. */
export function handlePing(res: Response): void {
  sendText(res, 200, 'healthy');
}

export function handleHealthz(res: Response): void {
  sendJson(res, 200, { status: 'ok' });
}

/** 200 once every SPC object has a value (at once without an SPC), 503 before. */
export function handleReadyz(context: RouteContext, res: Response): void {
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

export async function handleMetrics(context: RouteContext, res: Response): Promise<void> {
  const text = await context.metrics.registry.metrics();
  sendBytes(res, 200, context.metrics.registry.contentType, Buffer.from(text, 'utf8'));
}
