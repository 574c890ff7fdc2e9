import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.js';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunReport } from '../../src/model.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { TextSink, tempDir } from '../_helpers/scan-harness.js';
import { faultOrg, MANAGEMENT, memberId, scanWithFaults, schemaProblems, statuses } from './helpers.js';

const launch = emulatorLauncher();

function allCompliant(accounts: number): string[] {
  return Array<string>(accounts).fill('compliant');
}

describe('server errors, dropped connections and hung requests', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('500 and 503 responses are retried', async () => {
    const emulator = await launch({ org: faultOrg({ members: 4 }) });
    emulator.faults.add({ service: 'iam', operation: 'GetRole', kind: 'error', code: 'ServiceFailure', httpStatus: 500, times: 3 });
    emulator.faults.add({ service: 'sts', operation: 'AssumeRole', kind: 'error', code: 'ServiceUnavailable', httpStatus: 503, times: 2 });

    const run = await scanWithFaults(emulator);

    expect(Object.values(statuses(run))).toEqual(allCompliant(5));
    expect(run.report.apiCalls.retries).toBe(5);
    expect(emulator.callCount({ operation: 'GetRole' })).toBe(5 + 3);
    expect(emulator.callCount({ operation: 'AssumeRole' })).toBe(4 + 2);
  });

  it('dropped connections are retried', async () => {
    const emulator = await launch({ org: faultOrg({ members: 4 }) });
    emulator.faults.add({ service: 'iam', kind: 'drop', times: 3 });
    emulator.faults.add({ service: 'organizations', operation: 'ListAccounts', kind: 'drop', times: 1 });

    const run = await scanWithFaults(emulator);

    expect(Object.values(statuses(run))).toEqual(allCompliant(5));
    expect(run.report.apiCalls.retries).toBe(4);
    expect(run.report.complete).toBe(true);
  });

  it('--max-attempts bounds a call that keeps failing', async () => {
    const emulator = await launch({ org: faultOrg({ members: 3 }) });
    const failing = memberId(1);
    emulator.faults.add({ service: 'iam', operation: 'GetRole', accountId: failing, kind: 'error', code: 'ServiceFailure', httpStatus: 500 });

    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 4 } });

    const account = run.report.accounts.find((candidate) => candidate.accountId === failing);
    expect(account?.error).toMatchObject({ code: 'AWS_ERROR', awsErrorCode: 'ServiceFailure', httpStatus: 500 });
    expect(account?.apiRetries).toBe(3);
    expect(emulator.callCount({ operation: 'GetRole', accountId: failing })).toBe(4);
    expect(run.report.exitCode).toBe(ExitCode.AccountErrors);
  });

  it('a client error is not retried', async () => {
    const emulator = await launch({ org: faultOrg({ members: 2 }) });
    const failing = memberId(2);
    emulator.faults.add({ service: 'iam', operation: 'GetRole', accountId: failing, kind: 'error', code: 'InvalidInput', httpStatus: 400 });

    const run = await scanWithFaults(emulator, { aws: { maxAttempts: 5 } });

    expect(statuses(run)[failing]).toBe('error');
    expect(emulator.callCount({ operation: 'GetRole', accountId: failing })).toBe(1);
    expect(run.report.apiCalls.retries).toBe(0);
  });

  it('a hung request is abandoned after --request-timeout and retried', async () => {
    const emulator = await launch({ org: faultOrg({ members: 3 }) });
    const hanging = memberId(3);
    emulator.faults.add({ service: 'iam', operation: 'GetRole', accountId: hanging, kind: 'hang', times: 1 });

    const run = await scanWithFaults(emulator, { aws: { requestTimeoutMs: 300 } });

    const account = run.report.accounts.find((candidate) => candidate.accountId === hanging);
    expect(account?.status).toBe('compliant');
    expect(account?.apiRetries).toBe(1);
    expect(account?.durationMs).toBeGreaterThanOrEqual(300);
    expect(emulator.callCount({ operation: 'GetRole', accountId: hanging })).toBe(2);
    expect(run.elapsedMs).toBeLessThan(5_000);
  });

  it('an account that keeps hanging ends at --account-timeout', async () => {
    const emulator = await launch({ org: faultOrg({ members: 4 }) });
    const hanging = memberId(2);
    emulator.faults.add({ service: 'iam', accountId: hanging, kind: 'hang' });

    // Twenty attempts of 250 ms would take five seconds; the deadline stops the account at 0.8 s.
    const run = await scanWithFaults(emulator, {
      aws: { requestTimeoutMs: 250, maxAttempts: 20 },
      scan: { accountTimeoutMs: 800 },
    });

    const account = run.report.accounts.find((candidate) => candidate.accountId === hanging);
    expect(account?.status).toBe('error');
    expect(account?.error).toMatchObject({
      code: 'ACCOUNT_TIMEOUT',
      stage: 'inspect',
      roleArn: `arn:aws:iam::${hanging}:role/SSMServiceRole`,
    });
    expect(account?.error?.message).toContain('within the account timeout of 0.8 seconds');
    expect(account?.durationMs).toBeGreaterThanOrEqual(800);
    expect(account?.apiCalls['IAM:GetRole']).toBe(1);
    expect(emulator.callCount({ operation: 'GetRole', accountId: hanging })).toBeLessThan(6);
    expect(run.elapsedMs).toBeLessThan(3_000);

    const others = run.report.accounts.filter((candidate) => candidate.accountId !== hanging);
    expect(others.map((candidate) => candidate.status)).toEqual(allCompliant(4));
    expect(run.report.exitCode).toBe(ExitCode.AccountErrors);
    expect(schemaProblems(run.report)).toEqual([]);
  });

  it('the CLI passes --account-timeout in seconds', async () => {
    const emulator = await launch({ org: faultOrg({ members: 2 }) });
    const hanging = memberId(1);
    emulator.faults.add({ service: 'iam', accountId: hanging, kind: 'hang' });
    vi.stubEnv('AWS_ACCESS_KEY_ID', emulator.callerCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', emulator.callerCredentials.secretAccessKey);
    const reportDir = await tempDir();
    const stderr = new TextSink();

    const exitCode = await main(
      [
        'scan',
        '--endpoint-url',
        emulator.url,
        '--region',
        'us-east-1',
        '--report-dir',
        reportDir,
        '--account-timeout',
        '1',
        '--request-timeout',
        '60000',
        '--organizations-rate',
        '50',
        '--log-level',
        'silent',
      ],
      { stdout: new TextSink(), stderr, stderrIsTTY: false, stdin: process.stdin, stdinIsTTY: false, env: process.env },
    );

    expect(exitCode).toBe(ExitCode.AccountErrors);
    const report = JSON.parse(await readFile(join(reportDir, 'latest.json'), 'utf8')) as RunReport;
    const account = report.accounts.find((candidate) => candidate.accountId === hanging);
    expect(account?.error?.code).toBe('ACCOUNT_TIMEOUT');
    expect(account?.error?.message).toContain('within the account timeout of 1 second;');
    expect(stderr.text).toBe('');
  });

  it('a stuck AssumeRole ends at the deadline in the credentials stage', async () => {
    const emulator = await launch({ org: faultOrg({ members: 2 }) });
    // AssumeRole is signed by the caller, so the fault matches the management account's calls;
    // only AssumeRole hangs, and the management account makes none.
    emulator.faults.add({ service: 'sts', operation: 'AssumeRole', accountId: MANAGEMENT, kind: 'hang' });

    const run = await scanWithFaults(emulator, {
      aws: { requestTimeoutMs: 10_000 },
      scan: { accountTimeoutMs: 400 },
    });

    for (const id of [memberId(1), memberId(2)]) {
      const account = run.report.accounts.find((candidate) => candidate.accountId === id);
      expect(account?.error).toMatchObject({
        code: 'ACCOUNT_TIMEOUT',
        stage: 'credentials',
        roleArn: `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`,
      });
    }
    expect(statuses(run)[MANAGEMENT]).toBe('compliant');
    expect(run.elapsedMs).toBeLessThan(3_000);
  });
});
