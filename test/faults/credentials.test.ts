import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import type { AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';
import type { AwsClientFactory } from '../../src/aws/api.js';
import { SESSION_DURATION_SECONDS } from '../../src/credentials/assume-role.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { faultOrg, MANAGEMENT, memberId, scanWithFaults } from './helpers.js';

const launch = emulatorLauncher();
// The fake clocks start at the real time. The SDK's own credential cache reads the system clock, so
// to it the sessions stay fresh and only the tool's renewal can replace them.
const START = Date.now();
const MINUTE = 60_000;

/**
 * Wraps the factory so that every ListAttachedRolePolicies call first runs `before`. It is the second
 * IAM call of an account, so by then the SDK has already resolved the account's credentials once.
 */
function beforeSecondIamCall(before: () => void): (clients: AwsClientFactory) => AwsClientFactory {
  return (clients) => ({
    sts: (counter, signal) => clients.sts(counter, signal),
    organizations: () => clients.organizations(),
    iam: (credentials, counter, signal) => {
      const iam = clients.iam(credentials, counter, signal);
      return {
        ...iam,
        listAttachedRolePolicies: (input) => {
          before();
          return iam.listAttachedRolePolicies(input);
        },
      };
    },
    close: () => clients.close(),
  });
}

describe('temporary credentials', () => {
  it('renews the access role session before it expires', async () => {
    let time = START;
    const clock = (): number => time;
    const emulator = await launch({ org: faultOrg({ members: 1 }), now: clock });
    const member = memberId(1);

    // The session lasts an hour; 58 minutes in, it is inside the five-minute renewal margin.
    const run = await scanWithFaults(emulator, {
      now: clock,
      scan: { accounts: [member] },
      wrapClients: beforeSecondIamCall(() => {
        time += 58 * MINUTE;
      }),
    });

    const account = run.report.accounts[0];
    expect(account?.status).toBe('compliant');
    expect(account?.apiCalls['STS:AssumeRole']).toBe(2);
    expect(account?.apiRetries).toBe(0);
    expect(emulator.calls().filter((record) => record.errors > 0)).toEqual([]);
  });

  it('re-assumes the role after ExpiredToken and retries the call once', async () => {
    // Only the emulator's clock moves: the tool believes its session is still fresh, as with clock skew.
    let emulatorTime = START;
    const emulator = await launch({ org: faultOrg({ members: 1 }), now: () => emulatorTime });
    const member = memberId(1);
    let advanced = false;

    const run = await scanWithFaults(emulator, {
      now: () => START,
      scan: { accounts: [member] },
      wrapClients: beforeSecondIamCall(() => {
        if (advanced) return;
        advanced = true;
        emulatorTime += 2 * 60 * MINUTE;
      }),
    });

    // ListAttachedRolePolicies and ListRolePolicies run in parallel, so both meet the expired session,
    // both are retried once, and they share one new AssumeRole.
    const account = run.report.accounts[0];
    expect(account?.status).toBe('compliant');
    expect(account?.apiCalls['STS:AssumeRole']).toBe(2);
    expect(account?.apiCalls['IAM:ListAttachedRolePolicies']).toBe(1);
    expect(account?.apiRetries).toBe(2);
    for (const operation of ['ListAttachedRolePolicies', 'ListRolePolicies']) {
      expect(emulator.calls().find((record) => record.operation === operation)).toMatchObject({ count: 2, errors: 1 });
    }
    expect(run.report.apiCalls.retries).toBe(2);
    expect(run.logs.text).toContain(
      'IAM:ListAttachedRolePolicies failed with ExpiredToken; renewing the credentials and retrying once',
    );
  });

  it('requests one-hour sessions when the base credentials are a role session', async () => {
    const org = faultOrg({
      members: 3,
      accessRoleMaxSessionDuration: 43_200,
      managementRoles: [
        {
          name: 'AuditorRole',
          maxSessionDuration: 7200,
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:user/auditor` }, Action: 'sts:AssumeRole' }],
          },
        },
      ],
    });
    const emulator = await launch({ org });
    const sts = new STSClient({ endpoint: emulator.url, region: 'us-east-1', credentials: { ...emulator.callerCredentials } });
    const session = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MANAGEMENT}:role/AuditorRole`, RoleSessionName: 'base' }),
    );
    sts.destroy();
    const requested: AssumeRoleCommandInput[] = [];

    const run = await scanWithFaults(emulator, {
      aws: {
        credentials: {
          accessKeyId: session.Credentials!.AccessKeyId!,
          secretAccessKey: session.Credentials!.SecretAccessKey!,
          sessionToken: session.Credentials!.SessionToken!,
        },
      },
      wrapClients: (clients) => ({
        ...clients,
        sts: (counter, signal) => {
          const view = clients.sts(counter, signal);
          return {
            ...view,
            assumeRole: (input) => {
              requested.push(input);
              return view.assumeRole(input);
            },
          };
        },
        organizations: () => clients.organizations(),
        iam: (credentials, counter, signal) => clients.iam(credentials, counter, signal),
        close: () => clients.close(),
      }),
    });

    expect(run.report.caller.arn).toBe(`arn:aws:sts::${MANAGEMENT}:assumed-role/AuditorRole/base`);
    expect(requested.map((input) => input.DurationSeconds)).toEqual([3600, 3600, 3600]);
    expect(SESSION_DURATION_SECONDS).toBe(3600);
    expect(run.report.accounts.map((account) => account.status)).toEqual(Array<string>(4).fill('compliant'));
    // The emulator rejects a chained session longer than an hour, so no AssumeRole may have failed.
    expect(emulator.calls().find((record) => record.operation === 'AssumeRole')).toMatchObject({ count: 4, errors: 0 });
  });
});
