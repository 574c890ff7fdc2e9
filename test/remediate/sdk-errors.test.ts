import { describe, expect, it } from 'vitest';

import { awsErrorCode, readRole } from '../../src/remediate/index.js';
import { awsError, FakeIam } from './helpers.js';

describe('awsErrorCode', () => {
  it.each([
    ['a modeled SDK error', awsError('NoSuchEntity', 404, 'missing'), 'NoSuchEntity'],
    ['an unmodeled SDK error', awsError('AccessDenied', 403, 'denied'), 'AccessDenied'],
    ['an error without Code', Object.assign(new Error('quota'), { name: 'LimitExceeded' }), 'LimitExceeded'],
    ['a network error', Object.assign(new Error('reset'), { code: 'ECONNRESET' }), 'ECONNRESET'],
  ])('returns the wire code of %s', (_case, error, code) => {
    expect(awsErrorCode(error)).toBe(code);
  });
});

describe('readRole', () => {
  it('returns undefined for NoSuchEntityException', async () => {
    expect(await readRole(new FakeIam(), 'SSMServiceRole')).toBeUndefined();
  });

  it('throws other errors', async () => {
    const iam = new FakeIam();
    iam.before = () => {
      throw awsError('AccessDenied', 403, 'not authorized to perform iam:GetRole');
    };

    await expect(readRole(iam, 'SSMServiceRole')).rejects.toThrow('not authorized');
  });
});
