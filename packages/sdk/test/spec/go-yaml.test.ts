import { describe, expect, it } from 'vitest';
import { formatGoFloat32, resolvePlainScalar, toGoString } from '../../src/spec/go-yaml.js';

// Expected values are what sigs.k8s.io/yaml v1.6 (go-yaml v2.4) stores in a Go string field.
const scalars: [string, string][] = [
  ['0600', '384'],
  ['0o17', '15'],
  ['0x1F', '31'],
  ['0b101', '5'],
  ['1_000', '1000'],
  ['08', '8'],
  ['3', '3'],
  ['-7', '-7'],
  ['1.0', '1'],
  ['1.5', '1.5'],
  ['.5', '0.5'],
  ['.2_01', '0.201'],
  ['._5', '._5'],
  ['1e6', '1e+06'],
  ['123456', '123456'],
  ['1234567.0', '1.234567e+06'],
  ['0.0001', '0.0001'],
  ['0.00001', '1e-05'],
  ['1.23456789', '1.2345679'],
  ['.inf', '+Inf'],
  ['-.Inf', '-Inf'],
  ['.NaN', 'NaN'],
  ['1e400', '1e400'],
  ['yes', 'true'],
  ['Off', 'false'],
  ['y', 'true'],
  ['N', 'false'],
  ['~', ''],
  ['null', ''],
  ['', ''],
  ['2001-12-14', '2001-12-14'],
  ['1:20', '1:20'],
  ['0x', '0x'],
  ['18446744073709551615', '18446744073709551615'],
  ['18446744073709551616', '1.8446744e+19'],
  ['-', '-'],
  ['.', '.'],
  ['AWSCURRENT', 'AWSCURRENT'],
  ['arn:aws:ssm:us-east-1:1:parameter/x', 'arn:aws:ssm:us-east-1:1:parameter/x'],
];

describe('resolvePlainScalar', () => {
  it.each(scalars)('reads %j as Go text %j', (source, expected) => {
    expect(toGoString(resolvePlainScalar(source))).toBe(expected);
  });
});

describe('formatGoFloat32', () => {
  it('writes negative zero', () => {
    expect(formatGoFloat32(-0)).toBe('-0');
  });

  it('writes float32 overflow as infinity', () => {
    expect(formatGoFloat32(1e39)).toBe('+Inf');
  });
});
