import { describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { emulatorErrors, faultOrg, memberId, scanWithFaults, statuses } from './helpers.js';

const launch = emulatorLauncher();

describe('throttling', () => {
  it('30% throttled calls: every account assessed, retries counted', async () => {
    const emulator = await launch({ org: faultOrg({ members: 12 }), faultSeed: 7 });
    emulator.faults.add({ kind: 'throttle', probability: 0.3 });

    // Ten attempts make a call that is throttled every time (0.3^10) practically impossible.
    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 10 } });

    expect(Object.values(statuses(run))).toEqual(Array<string>(13).fill('compliant'));
    expect(run.report.exitCode).toBe(ExitCode.Compliant);
    expect(run.report.complete).toBe(true);
    // Every error the emulator sent was an injected throttle, and each one was retried once.
    const throttled = emulatorErrors(emulator);
    expect(throttled).toBeGreaterThan(10);
    expect(run.report.apiCalls.retries).toBe(throttled);
    expect(run.report.apiCalls.total).toBe(emulator.callCount() - throttled);
  });

  it('per-account retries add up to the run total', async () => {
    const emulator = await launch({ org: faultOrg({ members: 6 }), faultSeed: 3 });
    emulator.faults.add({ service: 'iam', kind: 'throttle', probability: 0.4 });

    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 10 } });

    for (const account of run.report.accounts) {
      const iamErrors = emulator
        .calls()
        .filter((record) => record.service === 'iam' && record.accountId === account.accountId)
        .reduce((sum, record) => sum + record.errors, 0);
      expect(account.apiRetries, account.accountId).toBe(iamErrors);
    }
    const accountRetries = run.report.accounts.reduce((sum, account) => sum + (account.apiRetries ?? 0), 0);
    expect(accountRetries).toBe(run.report.apiCalls.retries);
    expect(accountRetries).toBeGreaterThan(0);
  });

  it('endless ListAccounts throttling: exit 3 and an incomplete report', async () => {
    const emulator = await launch({ org: faultOrg({ members: 3 }) });
    emulator.faults.add({ service: 'organizations', operation: 'ListAccounts', kind: 'throttle' });

    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 3 } });

    expect(run.report.exitCode).toBe(ExitCode.InvalidOrIncomplete);
    expect(run.report.complete).toBe(false);
    expect(run.report.incompleteReason).toMatch(/^Listing the organization failed: TooManyRequestsException: /);
    expect(run.report.accounts).toEqual([]);
    expect(run.report.counts.byStatus.compliant).toBe(0);
    expect(emulator.callCount({ operation: 'ListAccounts' })).toBe(3);
    expect(run.report.apiCalls.retries).toBe(2);
    expect(emulator.callCount({ service: 'iam' })).toBe(0);
  });

  it('one account throttled on every call ends as its error', async () => {
    const emulator = await launch({ org: faultOrg({ members: 4 }) });
    const throttledAccount = memberId(2);
    emulator.faults.add({ service: 'iam', accountId: throttledAccount, kind: 'throttle' });

    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 4 } });

    const account = run.report.accounts.find((candidate) => candidate.accountId === throttledAccount);
    expect(account?.status).toBe('error');
    expect(account?.error).toMatchObject({ code: 'AWS_ERROR', awsErrorCode: 'Throttling', httpStatus: 400, stage: 'inspect' });
    expect(account?.apiRetries).toBe(3);
    expect(emulator.callCount({ service: 'iam', accountId: throttledAccount })).toBe(4);
    const others = run.report.accounts.filter((candidate) => candidate.accountId !== throttledAccount);
    expect(others.map((candidate) => candidate.status)).toEqual(Array<string>(4).fill('compliant'));
    expect(run.report.exitCode).toBe(ExitCode.AccountErrors);
  });
});
