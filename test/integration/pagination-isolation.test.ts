import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterEach, describe, expect, it } from 'vitest';
import { generateOrg, loadOrgFile, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { DEMO_ORG, scanEmulator } from '../_helpers/scan-harness.js';

let emulator: Emulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

describe('pagination against the emulator', () => {
  it('assesses every account across ListAccounts pages', async () => {
    emulator = await startEmulator({ org: generateOrg({ accounts: 45 }) });

    const run = await scanEmulator(emulator, { concurrency: 8 });

    expect(run.report.counts.accounts).toBe(45);
    expect(run.report.counts.byStatus.error).toBe(0);
    expect(emulator.callCount({ service: 'organizations', operation: 'ListAccounts' })).toBe(3);
  });

  it('reads every attachment when IAM returns one item a page', async () => {
    emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG), pageSizeCap: { iam: 1 } });

    const run = await scanEmulator(emulator, { accounts: ['666666666666', '131313131313'] });

    const directory = run.report.accounts.find((a) => a.accountId === '131313131313');
    expect(directory?.status).toBe('compliant');
    expect(directory?.apiCalls['IAM:ListAttachedRolePolicies']).toBe(3);
    const batch = run.report.accounts.find((a) => a.accountId === '666666666666');
    expect(batch?.findings.map((f) => f.code)).toContain('MANAGED_POLICY_UNEXPECTED');
  });
});

describe('debug logs', () => {
  it('log each step of an account', async () => {
    emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });

    const run = await scanEmulator(emulator, { accounts: ['222222222222'] }, { logLevel: 'debug' });

    const steps = run.logs
      .lines()
      .filter((line) => line['accountId'] === '222222222222' && line['level'] === 20)
      .map((line) => line['msg']);
    expect(steps).toEqual(['credentials ready', 'role read', 'tags read']);
  });
});

describe('credential isolation', () => {
  it('lets one account session see only its own role', async () => {
    emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });
    const common = { region: emulator.region, endpoint: emulator.url };
    const sts = new STSClient({ ...common, credentials: emulator.callerCredentials });
    const assume = async (accountId: string) => {
      const output = await sts.send(
        new AssumeRoleCommand({
          RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
          RoleSessionName: 'isolation-test',
        }),
      );
      const credentials = output.Credentials!;
      return new IAMClient({
        ...common,
        credentials: {
          accessKeyId: credentials.AccessKeyId!,
          secretAccessKey: credentials.SecretAccessKey!,
          sessionToken: credentials.SessionToken!,
        },
      });
    };

    // 222222222222 has SSMServiceRole; 444444444444 has none.
    const payments = await assume('222222222222');
    const analytics = await assume('444444444444');
    const own = await payments.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    expect(own.Role?.Arn).toBe('arn:aws:iam::222222222222:role/SSMServiceRole');
    await expect(analytics.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });

    sts.destroy();
    payments.destroy();
    analytics.destroy();
  });
});
