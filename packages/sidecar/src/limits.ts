/**
 * Checks every request passes before routing: URL length, `X-Forwarded-For` and method; and
 * the strict query parser the Agent and Lambda endpoints use.
 */
import { HttpError, type Request } from './http.js';

/** Methods the sidecar serves; every route is read-only. */
const allowedMethods = new Set(['GET', 'HEAD']);

/**
 * Rejects a request before routing: 414 past `maxUrlLength` bytes, 400 when it carries
 * `X-Forwarded-For` (a proxy forwarded it, so it may come from another host), 405 for a
 * method other than GET or HEAD. Returns nothing when the request may go on.
 */
export function checkRequest(req: Request, maxUrlLength: number): void {
  const target = req.url ?? '/';
  if (Buffer.byteLength(target, 'utf8') > maxUrlLength) {
    throw new HttpError(
      414,
      'UriTooLongException',
      `the request target is longer than ${maxUrlLength} bytes`,
    );
  }
  if (req.headers['x-forwarded-for'] !== undefined) {
    throw new HttpError(
      400,
      'ForwardedRequestException',
      'requests with X-Forwarded-For are rejected, because kura serves only local clients',
    );
  }
  if (!allowedMethods.has(req.method ?? '')) {
    throw new HttpError(
      405,
      'MethodNotAllowedException',
      `method ${req.method} is not allowed; use GET or HEAD`,
      {},
      { Allow: 'GET, HEAD' },
    );
  }
}

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' '));
  } catch {
    throw new HttpError(
      400,
      'InvalidParameterException',
      `malformed percent-encoding in the query: "${raw.slice(0, 100)}"`,
    );
  }
}

/**
 * Parses a query string, allowing only the names in `allowed`, each at most once. A name
 * outside the list, a repeated name or malformed percent-encoding gives 400.
 */
export function parseQuery(query: string, allowed: readonly string[]): Map<string, string> {
  const values = new Map<string, string>();
  if (query === '') {
    return values;
  }

  for (const pair of query.split('&')) {
    if (pair === '') {
      continue;
    }
    const equals = pair.indexOf('=');
    const name = decodeComponent(equals === -1 ? pair : pair.slice(0, equals));
    const value = equals === -1 ? '' : decodeComponent(pair.slice(equals + 1));
    if (!allowed.includes(name)) {
      const takes =
        allowed.length === 0
          ? 'this endpoint takes no query parameters'
          : `this endpoint takes ${allowed.join(', ')}`;
      throw new HttpError(
        400,
        'InvalidParameterException',
        `unknown parameter "${name.slice(0, 100)}"; ${takes}`,
      );
    }
    if (values.has(name)) {
      throw new HttpError(400, 'InvalidParameterException', `parameter ${name} is given twice`);
    }
    values.set(name, value);
  }
  return values;
}

/** Reads a boolean parameter: `true`/`1` or `false`/`0` in any letter case, as the Agent does. */
export function parseBooleanParameter(name: string, value: string | undefined): boolean {
  if (value === undefined) {
    return false;
  }
  const lowered = value.toLowerCase();
  if (lowered === 'true' || lowered === '1') {
    return true;
  }
  if (lowered === 'false' || lowered === '0') {
    return false;
  }
  throw new HttpError(
    400,
    'InvalidParameterException',
    `invalid ${name} value "${value.slice(0, 100)}"; write true, false, 1 or 0`,
  );
}

/** Returns a required, non-empty parameter or throws 400 naming it. */
export function requireParameter(values: Map<string, string>, name: string): string {
  const value = values.get(name);
  if (value === undefined || value === '') {
    throw new HttpError(400, 'InvalidParameterException', `missing parameter ${name}`);
  }
  return value;
}

/** Returns an optional parameter; an empty value is rejected, because AWS rejects it too. */
export function optionalParameter(values: Map<string, string>, name: string): string | undefined {
  const value = values.get(name);
  if (value === '') {
    throw new HttpError(400, 'InvalidParameterException', `parameter ${name} is empty`);
  }
  return value;
}
