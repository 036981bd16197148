import { describe, expect, it } from 'vitest';
import {
  parameterKey,
  planParameterBatches,
  selectorName,
} from '../../src/aws/parameter-batches.js';
import type { GetParameterRequest } from '../../src/aws/types.js';

function request(name: string, extra: Partial<GetParameterRequest> = {}): GetParameterRequest {
  return { name, region: 'us-east-1', withDecryption: true, ...extra };
}

function names(count: number): GetParameterRequest[] {
  return Array.from({ length: count }, (_, i) =>
    request(`/app/p${String(i + 1).padStart(2, '0')}`),
  );
}

describe('planParameterBatches', () => {
  it('puts eleven names into calls of 10 and 1', () => {
    const batches = planParameterBatches(names(11));

    expect(batches.map((batch) => batch.length)).toEqual([10, 1]);
    expect(batches.flat()).toEqual([...Array(11).keys()]);
  });

  it('puts 25 names into 3 calls', () => {
    expect(planParameterBatches(names(25)).map((batch) => batch.length)).toEqual([10, 10, 5]);
  });

  it('never puts one name twice into a call', () => {
    const requests = [
      request('/kubernetes/test', { version: '1' }),
      request('/other'),
      request('/kubernetes/test', { label: 'stable' }),
      request('/kubernetes/test'),
    ];

    const batches = planParameterBatches(requests);

    expect(batches).toEqual([[0, 1], [2], [3]]);
  });

  it('treats an ARN and its name as one parameter', () => {
    const requests = [
      request('/app/db'),
      request('arn:aws:ssm:us-east-1:111122223333:parameter/app/db', { version: '2' }),
    ];

    expect(planParameterBatches(requests)).toEqual([[0], [1]]);
  });

  it('keeps withDecryption values apart', () => {
    const requests = [request('/a'), request('/b', { withDecryption: false }), request('/c')];

    expect(planParameterBatches(requests)).toEqual([[0, 2], [1]]);
  });
});

describe('selectorName', () => {
  it('appends the version or label', () => {
    expect(selectorName(request('/kubernetes/test', { version: '9' }))).toBe('/kubernetes/test:9');
    expect(selectorName(request('/kubernetes/test', { label: 'stable' }))).toBe(
      '/kubernetes/test:stable',
    );
    expect(selectorName(request('/kubernetes/test'))).toBe('/kubernetes/test');
  });
});

describe('parameterKey', () => {
  it('reads the name out of an ARN', () => {
    expect(parameterKey('arn:aws:ssm:us-east-1:111122223333:parameter/app/db')).toBe('app/db');
    expect(parameterKey('/app/db')).toBe('app/db');
    expect(parameterKey('plain')).toBe('plain');
  });
});
