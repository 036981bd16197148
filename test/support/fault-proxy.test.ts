import {
  CreateSecretCommand,
  GetSecretValueCommand,
  SecretsManagerClient,
} from '@aws-sdk/client-secrets-manager';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { uniqueName } from './aws-env.js';
import { type FaultProxy, signedRegion, startFaultProxy } from './fault-proxy.js';

const getSecretValue = 'secretsmanager.GetSecretValue';

function clientFor(endpoint: string, region = 'us-east-1') {
  return new SecretsManagerClient({
    endpoint,
    region,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    maxAttempts: 1,
  });
}

describe('fault proxy', () => {
  let proxy: FaultProxy;
  let client: SecretsManagerClient;
  const secretName = uniqueName('fault-proxy');

  beforeAll(async () => {
    proxy = await startFaultProxy({ target: inject('motoEndpoint') });
    client = clientFor(proxy.url);
    await client.send(new CreateSecretCommand({ Name: secretName, SecretString: 'proxy-test' }));
  });

  afterEach(() => {
    proxy.clearFaults();
    proxy.resetCounts();
  });

  afterAll(async () => {
    client.destroy();
    await proxy.close();
  });

  it('forwards calls and counts them per operation', async () => {
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretName }));
    await client.send(new GetSecretValueCommand({ SecretId: secretName }));

    expect(output.SecretString).toBe('proxy-test');
    expect(proxy.counts(getSecretValue)).toBe(2);
    expect(proxy.counts('secretsmanager.DescribeSecret')).toBe(0);
  });

  it('throttles the next N calls, then forwards', async () => {
    proxy.setFault(getSecretValue, { kind: 'throttle' }, { times: 2 });

    for (let i = 0; i < 2; i++) {
      const error = await client
        .send(new GetSecretValueCommand({ SecretId: secretName }))
        .catch((caught: unknown) => caught);
      expect(error).toMatchObject({
        name: 'ThrottlingException',
        $metadata: { httpStatusCode: 400 },
      });
    }
    const output = await client.send(new GetSecretValueCommand({ SecretId: secretName }));

    expect(output.SecretString).toBe('proxy-test');
    expect(proxy.counts(getSecretValue)).toBe(3);
  });

  it('answers 500 only in the region the fault names', async () => {
    proxy.setFault(getSecretValue, { kind: 'status', status: 500 }, { region: 'us-east-1' });
    const westClient = clientFor(proxy.url, 'us-west-2');

    const error = await client
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((caught: unknown) => caught);
    const westError = await westClient
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((caught: unknown) => caught);
    westClient.destroy();

    expect(error).toMatchObject({ name: 'InternalFailure', $metadata: { httpStatusCode: 500 } });
    // moto keeps regions apart, so the secret does not exist in us-west-2.
    expect(westError).toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('resets the connection', async () => {
    proxy.setFault(getSecretValue, { kind: 'reset' }, { times: 1 });

    const error = await client
      .send(new GetSecretValueCommand({ SecretId: secretName }))
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
  });

  it('tracks the maximum number of calls in flight', async () => {
    proxy.setFault(getSecretValue, { kind: 'delay', ms: 200 });

    await Promise.all(
      Array.from({ length: 5 }, () =>
        client.send(new GetSecretValueCommand({ SecretId: secretName })),
      ),
    );

    expect(proxy.counts(getSecretValue)).toBe(5);
    expect(proxy.maxInFlight(getSecretValue)).toBe(5);
  });

  it('stops faulting after clearFaults', async () => {
    proxy.setFault('*', { kind: 'throttle' });
    proxy.clearFaults();

    const output = await client.send(new GetSecretValueCommand({ SecretId: secretName }));

    expect(output.SecretString).toBe('proxy-test');
  });
});

describe('signedRegion', () => {
  it('reads the region of a SigV4 credential scope', () => {
    const header =
      'AWS4-HMAC-SHA256 Credential=testing/20260101/eu-west-1/secretsmanager/aws4_request, ' +
      'SignedHeaders=host, Signature=abc';

    expect(signedRegion(header)).toBe('eu-west-1');
    expect(signedRegion(undefined)).toBeUndefined();
  });
});
