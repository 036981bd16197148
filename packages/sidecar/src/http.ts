/**
 * Response helpers shared by every route: each response carries `Content-Type` and
 * `Cache-Control: no-store`, and every error body has the AWS JSON shape
 * `{"__type": ..., "message": ...}` so clients of the Agent parse kura's own errors too.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Request = IncomingMessage;
export type Response = ServerResponse;

/** An error a route turns into a response: status, `__type` and a message safe to show. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    /** Extra fields of the JSON body, such as the rejected id. */
    readonly fields: Record<string, unknown> = {},
    /** Extra response headers, such as `Allow`. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

function send(
  res: Response,
  status: number,
  contentType: string,
  body: string | Uint8Array,
  headers: Record<string, string> = {},
): void {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.statusCode = status;
  res.setHeader('Content-Type', contentType);
  res.setHeader('Content-Length', bytes.byteLength);
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  // Node's ServerResponse drops the body of a HEAD response and keeps Content-Length.
  res.end(bytes);
}

export function sendJson(
  res: Response,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  send(res, status, 'application/json', JSON.stringify(body), headers);
}

export function sendText(res: Response, status: number, text: string): void {
  send(res, status, 'text/plain; charset=utf-8', text);
}

export function sendBytes(
  res: Response,
  status: number,
  contentType: string,
  bytes: Uint8Array,
  headers: Record<string, string> = {},
): void {
  send(res, status, contentType, bytes, headers);
}

/** Sends a status with no body, such as 304; `Content-Type` is still set. */
export function sendEmpty(res: Response, status: number, headers: Record<string, string>): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/octet-stream');
  res.setHeader('Cache-Control', 'no-store');
  for (const [name, value] of Object.entries(headers)) {
    res.setHeader(name, value);
  }
  res.end();
}

export function sendError(res: Response, error: HttpError): void {
  sendJson(
    res,
    error.status,
    { __type: error.type, message: error.message, ...error.fields },
    error.headers,
  );
}

/** Splits the request target into its path (not decoded) and its raw query string. */
export function splitTarget(req: Request): { path: string; query: string } {
  const target = req.url ?? '/';
  const mark = target.indexOf('?');
  return mark === -1
    ? { path: target, query: '' }
    : { path: target.slice(0, mark), query: target.slice(mark + 1) };
}
