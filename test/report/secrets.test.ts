import { describe, expect, it } from 'vitest';

import { AuditError } from '../../src/errors.js';
import { assertNoSecrets, renderJsonReport, renderMarkdownReport } from '../../src/report/index.js';
import { sampleReport } from './fixtures.js';

/** A made-up key in the shape of an AWS secret access key: 40 base64 characters. */
const FAKE_SECRET = 'Zx9bQk2mW7rT4vYp8sLd3nHc6jFg1aEu5oKiRwNq';

describe('assertNoSecrets', () => {
  it.each([
    ['a credentials file line', `[default]\naws_secret_access_key = ${FAKE_SECRET}`],
    ['an SDK credentials object', JSON.stringify({ accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'x' })],
    ['an STS Credentials field', '"SecretAccessKey": "redacted"'],
    ['a session token field', '"SessionToken": "IQoJb3JpZ2luX2VjE"'],
    ['an environment variable', 'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE'],
    ['a security token header', 'x-amz-security-token: IQoJb3JpZ2luX2VjE'],
    [
      'an Authorization header',
      'Authorization: AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261204/eu-west-1/iam/aws4_request',
    ],
    ['a SigV4 value without its header name', 'AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20261204/eu-west-1/sts/aws4_request'],
    ['a 40-character value after a secret name', `"secret": "${FAKE_SECRET}"`],
    ['a 40-character value after a token name', `token=${FAKE_SECRET}`],
    ['a 40-character value after a password name', `db_password: ${FAKE_SECRET}`],
  ])('rejects %s', (_name, text) => {
    expect(() => assertNoSecrets(text)).toThrow(AuditError);
  });

  it.each([
    ['a SHA-256 digest', '"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"'],
    ['a request id', '"awsRequestId": "5f1c2e3a-8b9d-4c6e-a7f0-123456789abc"'],
    ['an expired token message', 'ExpiredToken: The security token included in the request is expired'],
    ['a 41-character value after a secret name', `"secret": "${FAKE_SECRET}A"`],
    ['a 40-character value after an unrelated name', `"roleName": "${FAKE_SECRET}"`],
    ['a role ARN', 'arn:aws:iam::111111111111:role/service-role/AmazonEC2RunCommandRoleForManagedInstances'],
  ])('accepts %s', (_name, text) => {
    expect(() => assertNoSecrets(text)).not.toThrow();
  });

  it('accepts the rendered sample reports', () => {
    const report = sampleReport();

    expect(() => assertNoSecrets(renderJsonReport(report))).not.toThrow();
    expect(() => assertNoSecrets(renderMarkdownReport(report))).not.toThrow();
  });

  it('names the line but not the secret', () => {
    let caught: unknown;
    try {
      assertNoSecrets(`first line\nsecond line\n"secret": "${FAKE_SECRET}"`);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(AuditError);
    expect((caught as AuditError).code).toBe('REPORT_CONTAINS_SECRET');
    expect((caught as AuditError).message).toContain('line 3');
    expect((caught as AuditError).message).not.toContain(FAKE_SECRET);
  });

  it('catches a secret planted in a finding value', () => {
    const report = sampleReport();
    const noncompliant = report.accounts.find((account) => account.status === 'noncompliant')!;
    noncompliant.findings[0]!.actual = { Credentials: { SecretAccessKey: FAKE_SECRET } };

    expect(() => renderJsonReport(report)).toThrow(/secret access key/);
    expect(() => renderMarkdownReport(report)).toThrow(/secret access key/);
  });
});
