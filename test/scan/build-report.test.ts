import { describe, expect, it } from 'vitest';
import { CallCounter } from '../../src/aws/api.js';
import type { AccountResult, AccountStatus } from '../../src/model.js';
import { buildReport, exitCodeFor } from '../../src/scan/build-report.js';

function result(accountId: string, status: AccountStatus, apiCalls: Record<string, number> = {}): AccountResult {
  return { accountId, accountName: accountId, state: 'ACTIVE', ouPath: [], status, findings: [], durationMs: 1, apiCalls };
}

describe('exitCodeFor', () => {
  it.each([
    [['compliant', 'skipped'], true, 0],
    [['compliant', 'noncompliant'], true, 1],
    [['noncompliant', 'error'], true, 2],
    [['compliant'], false, 3],
    [[], false, 3],
    [[], true, 0],
  ] as const)('%o complete=%s gives %i', (statuses, complete, expected) => {
    const results = statuses.map((status, index) => result(String(index).padStart(12, '0'), status));
    expect(exitCodeFor(results, complete)).toBe(expected);
  });
});

describe('buildReport', () => {
  const base = {
    runId: 'run-1',
    toolVersion: '0.1.0',
    startedAt: Date.parse('2026-12-04T10:00:00Z'),
    finishedAt: Date.parse('2026-12-04T10:00:05Z'),
    caller: { arn: 'arn:aws:iam::111111111111:user/a', accountId: '111111111111', partition: 'aws', isRootUser: false, isRoleSession: false },
    region: 'us-east-1',
    organization: { id: 'o-abc', managementAccountId: '111111111111' },
    config: { path: 'config/desired-state.yaml', sha256: 'abc' },
    options: {
      configPath: 'config/desired-state.yaml',
      concurrency: 4,
      reportDir: 'reports',
      region: 'us-east-1',
      accessRoleName: 'OrganizationAccountAccessRole',
      reproduceCommand: 'ssm-role-audit scan',
    },
    roleName: 'SSMServiceRole',
  };

  it('sorts accounts and sums API calls', () => {
    const runCounter = new CallCounter();
    runCounter.recordCall('Organizations:ListAccounts');
    runCounter.recordRetry();
    const report = buildReport({
      ...base,
      runCounter,
      results: [
        result('333333333333', 'noncompliant', { 'IAM:GetRole': 1 }),
        result('222222222222', 'compliant', { 'IAM:GetRole': 1, 'STS:AssumeRole': 1 }),
      ],
    });
    expect(report.accounts.map((a) => a.accountId)).toEqual(['222222222222', '333333333333']);
    expect(report.apiCalls).toEqual({
      total: 4,
      retries: 1,
      byOperation: { 'IAM:GetRole': 2, 'Organizations:ListAccounts': 1, 'STS:AssumeRole': 1 },
    });
    expect(report.counts.byStatus).toEqual({
      compliant: 1,
      noncompliant: 1,
      error: 0,
      skipped: 0,
      planned: 0,
      remediated: 0,
      remediation_failed: 0,
    });
    expect(report.exitCode).toBe(1);
    expect(report.complete).toBe(true);
  });

  it('marks a failed listing incomplete with exit code 3', () => {
    const listingError = Object.assign(new Error('Rate exceeded'), {
      name: 'TooManyRequestsException',
      $metadata: { requestId: 'req-9' },
    });
    const report = buildReport({ ...base, runCounter: new CallCounter(), results: [], listingError });
    expect(report.complete).toBe(false);
    expect(report.exitCode).toBe(3);
    expect(report.incompleteReason).toContain('TooManyRequestsException');
    expect(report.incompleteReason).toContain('req-9');
  });
});
