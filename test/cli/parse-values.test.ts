import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  integerParser,
  parseAccountIds,
  parseEndpointUrl,
  parseOuId,
  parseRoleName,
} from '../../src/cli/parse-values.js';

describe('parseAccountIds', () => {
  it('splits, trims and accumulates', () => {
    expect(parseAccountIds('111111111111, 222222222222', ['333333333333'])).toEqual([
      '333333333333',
      '111111111111',
      '222222222222',
    ]);
  });

  it.each(['12345', '11111111111a', ',', '1111111111111'])('rejects %s', (value) => {
    expect(() => parseAccountIds(value, undefined)).toThrow(InvalidArgumentError);
  });
});

describe('integerParser', () => {
  const parse = integerParser('--concurrency', 1, 512);

  it('accepts a value in range', () => {
    expect(parse('64')).toBe(64);
  });

  it.each(['0', '513', '1.5', 'ten', '-1', ''])('rejects %s with the range', (value) => {
    expect(() => parse(value)).toThrow(/--concurrency must be a whole number from 1 to 512/);
  });
});

describe('other parsers', () => {
  it('rejects an OU id of the wrong form', () => {
    expect(() => parseOuId('r-ab12', undefined)).toThrow(/not an organizational unit id/);
  });

  it('rejects a role name IAM would reject', () => {
    expect(() => parseRoleName('bad name')).toThrow(/not a valid IAM role name/);
  });

  it('rejects an endpoint that is not http or https', () => {
    expect(() => parseEndpointUrl('ftp://127.0.0.1')).toThrow(/http:\/\/ or https:\/\//);
  });
});
