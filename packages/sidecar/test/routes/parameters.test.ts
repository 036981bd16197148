import type { ParameterValue } from '@kura/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { parameterNameOf } from '../../src/listed-ids.js';
import { splitNameSelector } from '../../src/routes/parameters.js';
import {
  FakeStore,
  latestFlag,
  parameterObject,
  secondFlag,
  testSpc,
  twiceListedSpc,
} from '../support/fakes.js';
import { asJson, serveApp, type TestServer } from '../support/serve-app.js';

let served: TestServer | undefined;

afterEach(async () => {
  await served?.server.stop();
  served = undefined;
});

const passwordParameter: ParameterValue = {
  name: '/app/db/password',
  type: 'SecureString',
  value: 'param-value',
  version: 3,
  arn: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/db/password',
  lastModifiedDate: new Date('2026-01-02T03:04:05.000Z'),
  dataType: 'text',
};

describe('GET /systemsmanager/parameters/get', () => {
  it('returns the GetParameter shape under Parameter', async () => {
    served = await serveApp();
    served.cache.parameters.set('/app/db/password', passwordParameter);
    const response = await served.get(
      '/systemsmanager/parameters/get?name=%2Fapp%2Fdb%2Fpassword&withDecryption=true',
    );
    expect(response.status).toBe(200);
    expect(await response.json().then(asJson)).toEqual({
      Parameter: {
        ARN: passwordParameter.arn,
        DataType: 'text',
        LastModifiedDate: '2026-01-02T03:04:05.000Z',
        Name: '/app/db/password',
        Selector: null,
        SourceResult: null,
        Type: 'SecureString',
        Value: 'param-value',
        Version: 3,
      },
      ResultMetadata: {},
    });
    expect(served.cache.parameterCalls).toEqual([
      { name: '/app/db/password', withDecryption: true },
    ]);
  });

  it('defaults withDecryption to false and passes version', async () => {
    served = await serveApp();
    served.cache.parameters.set('/app/db/password', passwordParameter);
    await served.get('/systemsmanager/parameters/get?name=/app/db/password&version=2');
    expect(served.cache.parameterCalls).toEqual([
      { name: '/app/db/password', version: '2', withDecryption: false },
    ]);
  });

  it('passes label', async () => {
    served = await serveApp();
    served.cache.parameters.set('/app/db/password', passwordParameter);
    await served.get('/systemsmanager/parameters/get?name=/app/db/password&label=stable');
    expect(served.cache.parameterCalls[0]?.label).toBe('stable');
  });

  it.each([
    ['/systemsmanager/parameters/get', 'missing parameter name'],
    ['/systemsmanager/parameters/get?name=a&version=1&label=x', 'not several'],
    ['/systemsmanager/parameters/get?name=a:1&version=1', 'not several'],
    ['/systemsmanager/parameters/get?name=a:1:2', 'invalid name'],
    ['/systemsmanager/parameters/get?name=a&version=one', 'invalid version'],
    ['/systemsmanager/parameters/get?name=a&withDecryption=yes', 'invalid withDecryption'],
    ['/systemsmanager/parameters/get?name=a&secretId=b', 'unknown parameter'],
  ])('rejects %s with 400', async (path, message) => {
    served = await serveApp();
    const response = await served.get(path);
    expect(response.status).toBe(400);
    expect((await response.json().then(asJson)).message).toContain(message);
  });

  it('passes ParameterNotFound through', async () => {
    served = await serveApp();
    const response = await served.get('/systemsmanager/parameters/get?name=missing');
    expect(response.status).toBe(400);
    expect((await response.json().then(asJson)).__type).toBe('ParameterNotFound');
  });

  it('rejects a name the SPC does not name with 403', async () => {
    served = await serveApp({ spc: testSpc });
    const response = await served.get('/systemsmanager/parameters/get?name=/other');
    expect(response.status).toBe(403);
    expect((await response.json().then(asJson)).id).toBe('/other');
  });

  it('accepts a listed parameter by file name and by ARN', async () => {
    served = await serveApp({ spc: testSpc });
    served.cache.parameters.set('/app/db/password', passwordParameter);
    const byFile = await served.get('/systemsmanager/parameters/get?name=_app_db_password');
    expect(byFile.status).toBe(200);
    const byArn = await served.get(
      `/systemsmanager/parameters/get?name=${encodeURIComponent(passwordParameter.arn)}`,
    );
    expect(byArn.status).toBe(200);
    expect(served.cache.parameterCalls).toEqual([
      { name: '/app/db/password', withDecryption: true },
      { name: '/app/db/password', withDecryption: true },
    ]);
  });

  it('serves a listed parameter from the mount dir under --source files', async () => {
    served = await serveApp({ spc: testSpc, source: 'files' });
    const store = new FakeStore(served.cache);
    store.put(parameterObject, 'from-file');
    served.app.setStore(store);
    const body = await (await served.get('/systemsmanager/parameters/get?name=/app/db/password'))
      .json()
      .then(asJson);
    expect(body.Parameter.Value).toBe('from-file');
    expect(served.cache.parameterCalls).toEqual([]);
  });
});

describe('GET /systemsmanager/parameters/get with a selector', () => {
  it('reads a :version or :label suffix of name as GetParameter does', async () => {
    served = await serveApp();
    served.cache.parameters.set('plain', { ...passwordParameter, name: 'plain' });
    expect((await served.get('/systemsmanager/parameters/get?name=plain:1')).status).toBe(200);
    expect((await served.get('/systemsmanager/parameters/get?name=plain:stable')).status).toBe(200);
    expect(served.cache.parameterCalls).toEqual([
      { name: 'plain', version: '1', withDecryption: false },
      { name: 'plain', label: 'stable', withDecryption: false },
    ]);
  });

  it('reads a listed file name with its own object selector', async () => {
    served = await serveApp({ spc: twiceListedSpc });
    served.cache.parameters.set('/app/flag', { ...passwordParameter, name: '/app/flag' });
    for (const query of ['name=flag-v2', 'name=/app/flag&version=2', 'name=/app/flag:2']) {
      const response = await served.get(`/systemsmanager/parameters/get?${query}`);
      expect(response.status, query).toBe(200);
    }
    expect((await served.get('/systemsmanager/parameters/get?name=/app/flag')).status).toBe(200);
    expect(served.cache.parameterCalls).toEqual([
      { name: '/app/flag', version: '2', withDecryption: true },
      { name: '/app/flag', version: '2', withDecryption: true },
      { name: '/app/flag', version: '2', withDecryption: true },
      { name: '/app/flag', withDecryption: true },
    ]);
  });

  it('rejects a version no listed object has with 403', async () => {
    served = await serveApp({ spc: twiceListedSpc });
    const response = await served.get('/systemsmanager/parameters/get?name=/app/flag&version=5');
    expect(response.status).toBe(403);
    const body = await response.json().then(asJson);
    expect(body.id).toBe('/app/flag');
    expect(body.message).toContain(
      'name "/app/flag" with version 5 is not named by the SecretProviderClass, which lists only these versions of it: no version or label (the latest version), version 2;',
    );
    expect(served.cache.parameterCalls).toEqual([]);
  });

  it('answers ParameterVersionNotFound under --source files', async () => {
    served = await serveApp({ spc: twiceListedSpc, source: 'files' });
    const store = new FakeStore(served.cache);
    store.put(latestFlag, 'latest', { source: 'files' });
    store.put(secondFlag, 'second', { source: 'files' });
    served.app.setStore(store);

    const second = await (await served.get('/systemsmanager/parameters/get?name=/app/flag:2'))
      .json()
      .then(asJson);
    expect(second.Parameter.Value).toBe('second');
    expect(second.Parameter.Version).toBe(2);
    expect(second.Parameter.Selector).toBe(':2');

    const response = await served.get('/systemsmanager/parameters/get?name=/app/flag&version=7');
    expect(response.status).toBe(400);
    expect((await response.json().then(asJson)).__type).toBe('ParameterVersionNotFound');
    expect(served.cache.parameterCalls).toEqual([]);
  });

  it('names the one listed version under --source files', async () => {
    served = await serveApp({ spc: testSpc, source: 'files' });
    const store = new FakeStore(served.cache);
    store.put(parameterObject, 'param-value', { source: 'files' });
    served.app.setStore(store);

    const response = await served.get('/systemsmanager/parameters/get?name=/app/db/password:1');

    expect(response.status).toBe(400);
    const body = await response.json().then(asJson);
    expect(body.__type).toBe('ParameterVersionNotFound');
    expect(body.message).toBe(
      'the mount dir has no value of name "/app/db/password" with version 1, because the SecretProviderClass lists it only with no version or label (the latest version)',
    );
  });
});

describe('splitNameSelector', () => {
  it('splits a version, a label and an ARN suffix', () => {
    expect(splitNameSelector('/app/db:3')).toEqual({ name: '/app/db', selector: { version: '3' } });
    expect(splitNameSelector('plain:prod')).toEqual({ name: 'plain', selector: { label: 'prod' } });
    expect(splitNameSelector('arn:aws:ssm:us-east-1:111122223333:parameter/app/db:4')).toEqual({
      name: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/db',
      selector: { version: '4' },
    });
  });

  it('keeps a name without a suffix', () => {
    expect(splitNameSelector('arn:aws:ssm:us-east-1:111122223333:parameter/app/db')).toEqual({
      name: 'arn:aws:ssm:us-east-1:111122223333:parameter/app/db',
      selector: {},
    });
  });
});

describe('parameterNameOf', () => {
  it('maps an ARN with a path to the name with a leading slash', () => {
    expect(parameterNameOf('arn:aws:ssm:us-east-1:111122223333:parameter/app/db')).toBe('/app/db');
  });

  it('maps an ARN of a top-level name to the bare name', () => {
    expect(parameterNameOf('arn:aws:ssm:us-east-1:111122223333:parameter/plain')).toBe('plain');
  });

  it('keeps a name as it is', () => {
    expect(parameterNameOf('/app/db')).toBe('/app/db');
  });
});
