import {
  KuraAwsThrottledError,
  KuraAwsTimeoutError,
  KuraAwsUnavailableError,
  type SecretValue,
} from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { formatEpochSeconds } from '../../src/routes/secrets-manager.js';
import {
  arnSecretObject,
  binaryObject,
  currentPassword,
  FakeStore,
  jsonSecret,
  previousPassword,
  secretObject,
  secretValue,
  testSpc,
  twiceListedSpc,
} from '../support/fakes.js';
import { asJson, serveApp, type TestServer } from '../support/serve-app.js';

let served: TestServer | undefined;

afterEach(async () => {
  await served?.server.stop();
  served = undefined;
});

const awsDetails = {
  service: 'secretsmanager' as const,
  operation: 'GetSecretValue',
  region: 'us-east-1',
  id: 'my-secret',
};

describe('GET /secretsmanager/get', () => {
  it('returns the GetSecretValue shape', async () => {
    served = await serveApp();
    served.cache.secrets.set('my-secret', secretValue('my-secret', 'plain'));
    const response = await served.get('/secretsmanager/get?secretId=my-secret');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body = await response.json().then(asJson);
    expect(Object.keys(body)).toEqual([
      'ARN',
      'Name',
      'VersionId',
      'SecretString',
      'VersionStages',
      'CreatedDate',
    ]);
    expect(body.Name).toBe('my-secret');
    expect(body.SecretString).toBe('plain');
    expect(body.VersionStages).toEqual(['AWSCURRENT']);
    expect(body.CreatedDate).toBe('1569534789.046');
  });

  it('encodes SecretBinary in base64 without SecretString', async () => {
    served = await serveApp();
    const binary: SecretValue = {
      ...secretValue('keystore', ''),
      secretString: undefined,
      secretBinary: new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]),
    };
    served.cache.secrets.set('keystore', binary);
    const body = await (await served.get('/secretsmanager/get?secretId=keystore'))
      .json()
      .then(asJson);
    expect(body.SecretBinary).toBe('AP/+gApB');
    expect(body).not.toHaveProperty('SecretString');
  });

  it('passes versionId, versionStage and refreshNow to the cache', async () => {
    served = await serveApp();
    served.cache.secrets.set('my-secret', secretValue('my-secret', 'plain'));
    const response = await served.get(
      '/secretsmanager/get?secretId=my-secret&versionStage=AWSPREVIOUS&versionId=abc&refreshNow=TRUE',
    );
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls).toEqual([
      { secretId: 'my-secret', versionId: 'abc', versionStage: 'AWSPREVIOUS', refreshNow: true },
    ]);
  });

  it('passes AWS errors through with their status and type', async () => {
    served = await serveApp();
    served.cache.secrets.set(
      'busy',
      new KuraAwsThrottledError(
        'GetSecretValue of busy was throttled',
        { ...awsDetails, awsCode: 'ThrottlingException', httpStatus: 400 },
        true,
        { cause: new Error('Rate exceeded') },
      ),
    );
    const response = await served.get('/secretsmanager/get?secretId=busy');
    expect(response.status).toBe(400);
    expect(await response.json().then(asJson)).toEqual({
      __type: 'ThrottlingException',
      message: 'Rate exceeded',
    });
  });

  it('passes not found through as AWS sends it', async () => {
    served = await serveApp();
    const response = await served.get('/secretsmanager/get?secretId=missing');
    expect(response.status).toBe(400);
    expect((await response.json().then(asJson)).__type).toBe('ResourceNotFoundException');
  });

  it('answers 504 on a timeout', async () => {
    served = await serveApp();
    served.cache.secrets.set(
      'slow',
      new KuraAwsTimeoutError('timed out', { ...awsDetails, awsCode: 'TimeoutError' }, true),
    );
    const response = await served.get('/secretsmanager/get?secretId=slow');
    expect(response.status).toBe(504);
    expect((await response.json().then(asJson)).__type).toBe('TimeoutError');
  });

  it('answers 502 on a connection failure', async () => {
    served = await serveApp();
    served.cache.secrets.set(
      'down',
      new KuraAwsUnavailableError('refused', { ...awsDetails, awsCode: 'ECONNREFUSED' }, true),
    );
    const response = await served.get('/secretsmanager/get?secretId=down');
    expect(response.status).toBe(502);
    expect((await response.json().then(asJson)).__type).toBe('ConnectionError');
  });

  it('passes a 5xx from AWS through', async () => {
    served = await serveApp();
    served.cache.secrets.set(
      'broken',
      new KuraAwsUnavailableError(
        'internal',
        { ...awsDetails, awsCode: 'InternalServiceError', httpStatus: 500 },
        true,
        { cause: new Error('internal failure') },
      ),
    );
    const response = await served.get('/secretsmanager/get?secretId=broken');
    expect(response.status).toBe(500);
    expect((await response.json().then(asJson)).__type).toBe('InternalServiceError');
  });

  it.each([
    ['/secretsmanager/get', 'missing parameter secretId'],
    ['/secretsmanager/get?secretId=', 'missing parameter secretId'],
    ['/secretsmanager/get?secretId=a&color=red', 'unknown parameter "color"'],
    ['/secretsmanager/get?secretId=a&secretId=b', 'given twice'],
    ['/secretsmanager/get?secretId=a&refreshNow=maybe', 'invalid refreshNow'],
    ['/secretsmanager/get?secretId=%E0%A4%A', 'malformed percent-encoding'],
    ['/secretsmanager/get?secretId=a&versionStage=', 'versionStage is empty'],
  ])('rejects %s with 400', async (path, message) => {
    served = await serveApp();
    const response = await served.get(path);
    expect(response.status).toBe(400);
    const body = await response.json().then(asJson);
    expect(body.__type).toBe('InvalidParameterException');
    expect(body.message).toContain(message);
  });

  it('rejects an id the SPC does not name with 403', async () => {
    served = await serveApp({ spc: testSpc });
    const response = await served.get('/secretsmanager/get?secretId=other');
    expect(response.status).toBe(403);
    const body = await response.json().then(asJson);
    expect(body.__type).toBe('UnlistedIdException');
    expect(body.id).toBe('other');
    expect(body.flag).toBe('--allow-unlisted');
    expect(body.message).toContain('"other"');
    expect(served.cache.secretCalls).toEqual([]);
  });

  it('serves an unlisted id with allowUnlisted', async () => {
    served = await serveApp({ spc: testSpc, allowUnlisted: true });
    served.cache.secrets.set('other', secretValue('other', 'x'));
    expect((await served.get('/secretsmanager/get?secretId=other')).status).toBe(200);
  });

  it('reads a listed file name as its objectName', async () => {
    served = await serveApp({ spc: testSpc });
    served.cache.secrets.set(binaryObject.objectName, secretValue('keystore', 'k'));
    const response = await served.get('/secretsmanager/get?secretId=keystore.p12');
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls[0]?.secretId).toBe('keystore');
  });

  it('accepts the ARN of an object named by name once loaded', async () => {
    served = await serveApp({ spc: testSpc });
    const value = secretValue('my-secret', 'plain');
    served.cache.secrets.set('my-secret', value);
    served.cache.secrets.set(arnSecretObject.objectName, secretValue('team/api-key', 'k'));
    served.cache.secrets.set(binaryObject.objectName, secretValue('keystore', 'k'));
    const store = new FakeStore(served.cache);
    store.put(secretObject, 'plain');
    served.app.setStore(store);

    const response = await served.get(
      `/secretsmanager/get?secretId=${encodeURIComponent(value.arn)}`,
    );
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls.at(-1)?.secretId).toBe('my-secret');
  });

  it('serves a listed object from the mount dir under --source files', async () => {
    served = await serveApp({ spc: testSpc, source: 'files' });
    const store = new FakeStore(served.cache);
    store.put(binaryObject, new Uint8Array([0x00, 0xff, 0xfe, 0x80, 0x0a, 0x41]));
    served.app.setStore(store);
    const body = await (await served.get('/secretsmanager/get?secretId=keystore.p12'))
      .json()
      .then(asJson);
    expect(body.Name).toBe('keystore');
    expect(body.SecretBinary).toBe('AP/+gApB');
    expect(served.cache.secretCalls).toEqual([]);
  });

  it('counts cache lookups as hits without AWS calls', async () => {
    served = await serveApp();
    served.cache.secrets.set('my-secret', secretValue('my-secret', 'plain'));
    await served.get('/secretsmanager/get?secretId=my-secret');
    const metrics = await (await fetch(`${served.url}/metrics`)).text();
    expect(metrics).toContain('kura_cache_lookups_total{result="hit"} 1');
  });
});

describe('GET /secretsmanager/get on an id listed twice', () => {
  async function serveTwiceListed(allowUnlisted = false): Promise<TestServer> {
    const server = await serveApp({ spc: twiceListedSpc, allowUnlisted });
    server.cache.secrets.set('db-pass', secretValue('db-pass', 'current'));
    return server;
  }

  it('reads a file name with its own object selector', async () => {
    served = await serveTwiceListed();
    const response = await served.get('/secretsmanager/get?secretId=db-pass-prev');
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls).toEqual([
      { secretId: 'db-pass', versionStage: 'AWSPREVIOUS', refreshNow: false },
    ]);
  });

  it('reads the objectName without a selector as the current object', async () => {
    served = await serveTwiceListed();
    expect((await served.get('/secretsmanager/get?secretId=db-pass')).status).toBe(200);
    expect(
      (await served.get('/secretsmanager/get?secretId=db-pass&versionStage=AWSCURRENT')).status,
    ).toBe(200);
    expect(served.cache.secretCalls).toEqual([
      { secretId: 'db-pass', refreshNow: false },
      { secretId: 'db-pass', refreshNow: false },
    ]);
  });

  it('reads the objectName with a listed stage as that object', async () => {
    served = await serveTwiceListed();
    const response = await served.get(
      '/secretsmanager/get?secretId=db-pass&versionStage=AWSPREVIOUS',
    );
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls).toEqual([
      { secretId: 'db-pass', versionStage: 'AWSPREVIOUS', refreshNow: false },
    ]);
  });

  it('rejects a selector no listed object has with 403', async () => {
    served = await serveTwiceListed();
    const response = await served.get('/secretsmanager/get?secretId=db-pass&versionId=nonexistent');
    expect(response.status).toBe(403);
    const body = await response.json().then(asJson);
    expect(body.__type).toBe('UnlistedIdException');
    expect(body.id).toBe('db-pass');
    expect(body.message).toContain(
      'secretId "db-pass" with versionId nonexistent is not named by the SecretProviderClass, which lists only these versions of it: versionStage AWSCURRENT, versionStage AWSPREVIOUS;',
    );
    expect(served.cache.secretCalls).toEqual([]);
  });

  it('sends an unlisted selector to AWS with allowUnlisted', async () => {
    served = await serveTwiceListed(true);
    const response = await served.get('/secretsmanager/get?secretId=db-pass-prev&versionId=v9');
    expect(response.status).toBe(200);
    expect(served.cache.secretCalls).toEqual([
      { secretId: 'db-pass', versionId: 'v9', refreshNow: false },
    ]);
  });

  it('points a jmesPath file name to /objects', async () => {
    served = await serveTwiceListed();
    const response = await served.get('/secretsmanager/get?secretId=jpw');
    expect(response.status).toBe(403);
    const body = await response.json().then(asJson);
    expect(body.message).toContain('jmesPath');
    expect(body.message).toContain('GET /objects/');
    expect(served.cache.secretCalls).toEqual([]);
  });

  describe('under --source files', () => {
    async function serveFiles(): Promise<{ server: TestServer; store: FakeStore }> {
      const server = await serveApp({ spc: twiceListedSpc, source: 'files' });
      const store = new FakeStore(server.cache);
      store.put(currentPassword, 'current-bytes', { version: 'hash-current', source: 'files' });
      store.put(previousPassword, 'previous-bytes', { version: 'hash-prev', source: 'files' });
      store.put(jsonSecret, '{"password":"p"}', { source: 'files' });
      server.app.setStore(store);
      return { server, store };
    }

    it('serves each version from its own file', async () => {
      const { server } = await serveFiles();
      served = server;
      const current = await (await served.get('/secretsmanager/get?secretId=db-pass'))
        .json()
        .then(asJson);
      expect(current.SecretString).toBe('current-bytes');
      expect(current.VersionStages).toEqual(['AWSCURRENT']);
      expect(current.VersionId).toBe('hash-current');

      const byFile = await (await served.get('/secretsmanager/get?secretId=db-pass-prev'))
        .json()
        .then(asJson);
      expect(byFile.SecretString).toBe('previous-bytes');
      expect(byFile.VersionStages).toEqual(['AWSPREVIOUS']);

      const byStage = await (
        await served.get('/secretsmanager/get?secretId=db-pass&versionStage=AWSPREVIOUS')
      )
        .json()
        .then(asJson);
      expect(byStage.SecretString).toBe('previous-bytes');
      expect(served.cache.secretCalls).toEqual([]);
    });

    it('answers ResourceNotFoundException for an unlisted selector', async () => {
      const { server } = await serveFiles();
      served = server;
      const response = await served.get(
        '/secretsmanager/get?secretId=db-pass&versionId=nonexistent',
      );
      expect(response.status).toBe(400);
      const body = await response.json().then(asJson);
      expect(body.__type).toBe('ResourceNotFoundException');
      expect(body.message).toBe(
        'the mount dir has no value of secretId "db-pass" with versionId nonexistent, because the SecretProviderClass lists only these versions of it: versionStage AWSCURRENT, versionStage AWSPREVIOUS',
      );
      expect(served.cache.secretCalls).toEqual([]);
    });

    it('rereads the file on refreshNow', async () => {
      const { server, store } = await serveFiles();
      served = server;
      const response = await served.get(
        '/secretsmanager/get?secretId=db-pass-prev&refreshNow=true',
      );
      expect(response.status).toBe(200);
      expect(store.refreshed).toEqual(['db-pass-prev']);
    });
  });
});

describe('formatEpochSeconds', () => {
  it('keeps milliseconds as a fraction', () => {
    expect(formatEpochSeconds(new Date(1_569_534_789_046))).toBe('1569534789.046');
  });

  it('drops a zero fraction', () => {
    expect(formatEpochSeconds(new Date(1_569_534_789_000))).toBe('1569534789');
  });
});
