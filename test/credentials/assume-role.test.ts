import { describe, expect, it } from 'vitest';
import type { StsApi } from '../../src/aws/api.js';
import { assumeAccessRole, REFRESH_MARGIN_MS } from '../../src/credentials/assume-role.js';
import { parseCallerArn } from '../../src/credentials/caller.js';
import { AuditError } from '../../src/errors.js';

function fakeSts(sessionAccount: string, expiresAt: () => number, requests: unknown[] = []): StsApi {
  return {
    getCallerIdentity: async () => ({ $metadata: {} }),
    assumeRole: async (input) => {
      requests.push(input);
      return {
        Credentials: {
          AccessKeyId: `ASIA${requests.length}`,
          SecretAccessKey: 'secret',
          SessionToken: 'token',
          Expiration: new Date(expiresAt()),
        },
        AssumedRoleUser: {
          Arn: `arn:aws:sts::${sessionAccount}:assumed-role/OrganizationAccountAccessRole/s`,
          AssumedRoleId: 'AROA:s',
        },
        $metadata: {},
      };
    },
  };
}

describe('parseCallerArn', () => {
  it.each([
    ['arn:aws:iam::111122223333:user/auditor', 'aws', false, false],
    ['arn:aws-us-gov:sts::111122223333:assumed-role/Auditor/s', 'aws-us-gov', false, true],
    ['arn:aws-cn:iam::111122223333:root', 'aws-cn', true, false],
  ])('parses %s', (arn, partition, isRootUser, isRoleSession) => {
    const caller = parseCallerArn(arn, '111122223333');
    expect(caller.partition).toBe(partition);
    expect(caller.isRootUser).toBe(isRootUser);
    expect(caller.isRoleSession).toBe(isRoleSession);
  });

  it('rejects a value that is not an ARN', () => {
    expect(() => parseCallerArn('not-an-arn', '111122223333')).toThrow(/not valid/);
  });
});

describe('assumeAccessRole', () => {
  it('builds the role ARN in the caller partition', async () => {
    const requests: Record<string, unknown>[] = [];
    const result = await assumeAccessRole({
      sts: fakeSts('222233334444', () => Date.now() + 3_600_000, requests),
      accountId: '222233334444',
      partition: 'aws-us-gov',
      roleName: 'AuditRole',
      roleSessionName: 'ssm-role-audit-run',
      externalId: 'ext-1',
    });
    expect(result.roleArn).toBe('arn:aws-us-gov:iam::222233334444:role/AuditRole');
    expect(requests[0]).toMatchObject({ ExternalId: 'ext-1', DurationSeconds: 3600, RoleSessionName: 'ssm-role-audit-run' });
  });

  it('rejects a session in another account', async () => {
    const attempt = assumeAccessRole({
      sts: fakeSts('999999999999', () => Date.now() + 3_600_000),
      accountId: '222233334444',
      partition: 'aws',
      roleName: 'OrganizationAccountAccessRole',
      roleSessionName: 's',
    });
    await expect(attempt).rejects.toThrow(AuditError);
    await expect(attempt).rejects.toThrow(/999999999999/);
  });

  it('re-assumes the role shortly before expiry', async () => {
    let clock = 1_000_000;
    const requests: unknown[] = [];
    const { provider } = await assumeAccessRole({
      sts: fakeSts('222233334444', () => clock + 3_600_000, requests),
      accountId: '222233334444',
      partition: 'aws',
      roleName: 'OrganizationAccountAccessRole',
      roleSessionName: 's',
      now: () => clock,
    });
    expect((await provider()).accessKeyId).toBe('ASIA1');
    expect(requests).toHaveLength(1);

    clock += 3_600_000 - REFRESH_MARGIN_MS + 1;
    expect((await provider()).accessKeyId).toBe('ASIA2');
    expect(requests).toHaveLength(2);
  });
});
