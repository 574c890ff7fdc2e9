import { describe, expect, it } from 'vitest';

import { decodePolicyDocument } from '../../src/policy/decode.js';

const TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

describe('decodePolicyDocument', () => {
  it('decodes and parses an IAM document', () => {
    const encoded = encodeURIComponent(JSON.stringify(TRUST_POLICY));

    const result = decodePolicyDocument(encoded);

    expect(result.parseError).toBeUndefined();
    expect(result.text).toBe(JSON.stringify(TRUST_POLICY));
    expect(result.document).toEqual(TRUST_POLICY);
  });

  it('decodes exactly once', () => {
    // The stored document contains a literal `%2F`, which IAM sends as `%252F`.
    const stored = '{"Statement":[{"Resource":"arn:aws:s3:::bucket/a%2Fb"}]}';
    const encoded = encodeURIComponent(stored);
    expect(encoded).toContain('%252F');

    const result = decodePolicyDocument(encoded);

    expect(result.text).toBe(stored);
    expect(result.document).toEqual({ Statement: [{ Resource: 'arn:aws:s3:::bucket/a%2Fb' }] });
  });

  it('keeps a plus sign', () => {
    const result = decodePolicyDocument('%7B%22Sid%22%3A%22a+b%20c%22%7D');

    expect(result.document).toEqual({ Sid: 'a+b c' });
  });

  it('accepts unencoded JSON', () => {
    const result = decodePolicyDocument('{"Version":"2012-10-17"}');

    expect(result.document).toEqual({ Version: '2012-10-17' });
  });

  it.each([
    ['truncated escape', '%7B%22a%22%3A%2'],
    ['lone percent sign', '{"a":"100%"}'],
    ['invalid UTF-8 sequence', '%7B%22a%22%3A%22%C3%22%7D'],
  ])('reports malformed percent-encoding: %s', (_name, encoded) => {
    const result = decodePolicyDocument(encoded);

    expect(result.parseError).toMatch(/^Invalid percent-encoding: /);
    expect(result.document).toBeUndefined();
    expect(result.text).toBe(encoded);
  });

  it('reports text that is not JSON', () => {
    const result = decodePolicyDocument(encodeURIComponent('{"Version": '));

    expect(result.parseError).toMatch(/^Invalid JSON: /);
    expect(result.document).toBeUndefined();
    expect(result.text).toBe('{"Version": ');
  });

  it.each([
    ['null', 'null', 'null'],
    ['an array', '[{"Effect":"Allow"}]', 'an array'],
    ['a string', '"policy"', 'a string'],
    ['a number', '42', 'a number'],
    ['a boolean', 'true', 'a boolean'],
  ])('reports JSON that is %s', (_name, json, described) => {
    const result = decodePolicyDocument(encodeURIComponent(json));

    expect(result.parseError).toBe(`Invalid policy document: expected a JSON object, got ${described}`);
    expect(result.document).toBeUndefined();
    expect(result.text).toBe(json);
  });
});
