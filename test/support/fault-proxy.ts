/**
 * An HTTP proxy on 127.0.0.1 in front of moto_server that counts AWS calls and injects
 * faults. The operation of a request is its `X-Amz-Target` header, such as
 * `secretsmanager.GetSecretValue` or `AmazonSSM.GetParameters`; the region is read from the
 * SigV4 credential scope in `Authorization`.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** `400 {"__type":"ThrottlingException","message":"Rate exceeded"}`, as AWS throttles. */
  | { kind: 'throttle' }
  /** Any status with an AWS JSON error body; `__type` defaults to `InternalFailure`. */
  | { kind: 'status'; status: number; type?: string; message?: string }
  /** Waits `ms` milliseconds, then forwards the request. */
  | { kind: 'delay'; ms: number }
  /** Destroys the client's connection without sending a response. */
  | { kind: 'reset' };

export interface FaultOptions {
  /** Applies the fault to the next `times` matching calls only; unlimited when omitted. */
  times?: number;
  /** Applies the fault only to calls signed for this region. */
  region?: string;
}

export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, for `AWS_ENDPOINT_URL`. */
  url: string;
  /** Calls received for an operation (`secretsmanager.GetSecretValue`), faulted ones included. */
  counts(operation: string): number;
  /** The maximum number of calls of an operation that were in progress at the same time. */
  maxInFlight(operation: string): number;
  /** Adds a fault for an operation, or for every operation with `*`. Earlier faults match first. */
  setFault(operation: string, fault: Fault, options?: FaultOptions): void;
  clearFaults(): void;
  resetCounts(): void;
  close(): Promise<void>;
}

interface FaultRule {
  operation: string;
  fault: Fault;
  remaining: number;
  region?: string;
}

function sendAwsError(response: ServerResponse, status: number, type: string, message: string) {
  const body = JSON.stringify({ __type: type, message });
  response.writeHead(status, {
    'content-type': 'application/x-amz-json-1.1',
    'x-amzn-requestid': `fault-proxy-${Date.now()}`,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Returns the region of a SigV4 `Authorization` header (`Credential=KEY/DATE/REGION/...`). */
export function signedRegion(authorization: string | undefined): string | undefined {
  return /Credential=[^/]+\/\d{8}\/([^/]+)\//.exec(authorization ?? '')?.[1];
}

/** Starts a fault proxy on 127.0.0.1 with an ephemeral port in front of `target`. */
export async function startFaultProxy(options: { target: string }): Promise<FaultProxy> {
  const target = new URL(options.target);
  const callCounts = new Map<string, number>();
  const inFlight = new Map<string, number>();
  const maxima = new Map<string, number>();
  let rules: FaultRule[] = [];

  function takeFault(operation: string, region: string | undefined): Fault | undefined {
    const rule = rules.find(
      (candidate) =>
        (candidate.operation === '*' || candidate.operation === operation) &&
        (candidate.region === undefined || candidate.region === region) &&
        candidate.remaining > 0,
    );
    if (!rule) return undefined;
    rule.remaining -= 1;
    return rule.fault;
  }

  function forward(request: IncomingMessage, response: ServerResponse): void {
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: request.method,
        path: request.url,
        headers: request.headers,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, upstreamResponse.headers);
        upstreamResponse.pipe(response);
      },
    );
    upstream.on('error', () => request.socket.destroy());
    request.pipe(upstream);
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const operation = String(request.headers['x-amz-target'] ?? 'unknown');
    const region = signedRegion(request.headers.authorization);

    callCounts.set(operation, (callCounts.get(operation) ?? 0) + 1);
    const current = (inFlight.get(operation) ?? 0) + 1;
    inFlight.set(operation, current);
    maxima.set(operation, Math.max(maxima.get(operation) ?? 0, current));
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      inFlight.set(operation, (inFlight.get(operation) ?? 1) - 1);
    };
    response.on('close', finish);

    const fault = takeFault(operation, region);
    if (fault?.kind === 'throttle') {
      sendAwsError(response, 400, 'ThrottlingException', 'Rate exceeded');
      return;
    }
    if (fault?.kind === 'status') {
      const type = fault.type ?? 'InternalFailure';
      sendAwsError(response, fault.status, type, fault.message ?? 'Injected by the fault proxy');
      return;
    }
    if (fault?.kind === 'reset') {
      request.socket.destroy();
      finish();
      return;
    }
    if (fault?.kind === 'delay') {
      await new Promise((resolve) => setTimeout(resolve, fault.ms));
    }
    forward(request, response);
  }

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    counts: (operation) => callCounts.get(operation) ?? 0,
    maxInFlight: (operation) => maxima.get(operation) ?? 0,
    setFault(operation, fault, faultOptions = {}) {
      rules.push({
        operation,
        fault,
        remaining: faultOptions.times ?? Number.POSITIVE_INFINITY,
        ...(faultOptions.region === undefined ? {} : { region: faultOptions.region }),
      });
    },
    clearFaults() {
      rules = [];
    },
    resetCounts() {
      callCounts.clear();
      maxima.clear();
    },
    close() {
      return new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
