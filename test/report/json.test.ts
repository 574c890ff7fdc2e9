import { describe, expect, it } from 'vitest';

import { AuditError } from '../../src/errors.js';
import type { RunReport } from '../../src/model.js';
import { renderJsonReport } from '../../src/report/index.js';
import { appliedFixReport } from './fix-fixtures.js';
import { ERROR_ACCOUNT, sampleReport } from './fixtures.js';

/** Returns a copy of an object with its keys in reverse order, as a caller might build it. */
function reverseKeys<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).reverse()) as T;
}

describe('renderJsonReport', () => {
  it('indents with two spaces and ends with a newline', () => {
    const text = renderJsonReport(sampleReport());

    expect(text.startsWith('{\n  "schemaVersion": 2,\n')).toBe(true);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text.endsWith('\n\n')).toBe(false);
  });

  it('round-trips to the same report with sorted accounts', () => {
    const report = sampleReport();
    const parsed = JSON.parse(renderJsonReport(report)) as RunReport;

    const expected = sampleReport();
    expected.accounts.sort((left, right) => (left.accountId < right.accountId ? -1 : 1));
    expect(parsed).toEqual(expected);
  });

  it('sorts accounts by account id', () => {
    const parsed = JSON.parse(renderJsonReport(sampleReport())) as RunReport;

    expect(parsed.accounts.map((account) => account.accountId)).toEqual([
      '111111111111',
      '222222222222',
      '333333333333',
      '444444444444',
    ]);
  });

  it('writes top-level keys in model order', () => {
    const report = sampleReport();
    // Build the object in another key order, as a caller might.
    const shuffled = Object.fromEntries(Object.entries(report).reverse()) as unknown as RunReport;
    shuffled.incompleteReason = 'Listing the organization failed.';
    shuffled.complete = false;

    const parsed = JSON.parse(renderJsonReport(shuffled)) as Record<string, unknown>;

    expect(Object.keys(parsed)).toEqual([
      'schemaVersion',
      'tool',
      'runId',
      'startedAt',
      'finishedAt',
      'mode',
      'complete',
      'incompleteReason',
      'exitCode',
      'caller',
      'region',
      'organization',
      'config',
      'scope',
      'counts',
      'apiCalls',
      'accounts',
      'reproduce',
    ]);
  });

  it('writes account, finding and error keys in model order', () => {
    const report = sampleReport();
    report.accounts = report.accounts.map(
      (account) => Object.fromEntries(Object.entries(account).reverse()) as unknown as typeof account,
    );
    const error = report.accounts.find((account) => account.status === 'error')!;
    error.error = Object.fromEntries(Object.entries(ERROR_ACCOUNT.error!).reverse()) as typeof error.error;

    const parsed = JSON.parse(renderJsonReport(report)) as RunReport;
    const noncompliant = parsed.accounts.find((account) => account.status === 'noncompliant')!;

    expect(Object.keys(noncompliant)).toEqual([
      'accountId',
      'accountName',
      'state',
      'ouPath',
      'status',
      'roleArn',
      'accessRoleArn',
      'findings',
      'durationMs',
      'apiCalls',
    ]);
    expect(Object.keys(noncompliant.findings[0]!)).toEqual([
      'code',
      'severity',
      'message',
      'subject',
      'expected',
      'actual',
      'fixable',
    ]);
    expect(Object.keys(parsed.accounts.find((account) => account.status === 'error')!.error!)).toEqual([
      'code',
      'message',
      'stage',
      'awsErrorCode',
      'awsRequestId',
      'httpStatus',
      'roleArn',
    ]);
  });

  it('orders count keys by status and finding code', () => {
    const parsed = JSON.parse(renderJsonReport(sampleReport())) as RunReport;

    expect(Object.keys(parsed.counts.byStatus)).toEqual([
      'compliant',
      'noncompliant',
      'error',
      'skipped',
      'planned',
      'remediated',
      'remediation_failed',
    ]);
    expect(Object.keys(parsed.counts.byFinding)).toEqual([
      'TRUST_PRINCIPAL_EXTRA',
      'TRUST_HARDENING_MISSING',
      'MANAGED_POLICY_MISSING',
      'MANAGED_POLICY_DEPRECATED',
      'INLINE_POLICY_PRESENT',
    ]);
    expect(Object.keys(parsed.apiCalls.byOperation)).toEqual([...Object.keys(parsed.apiCalls.byOperation)].sort());
  });

  it('writes the run remediation after the accounts', () => {
    const report = appliedFixReport();
    report.remediation = reverseKeys(report.remediation!);
    report.remediation.aborted = 'The plan was not confirmed; nothing was written.';
    report.remediation.abortedBy = 'not-confirmed';

    const parsed = JSON.parse(renderJsonReport(reverseKeys(report))) as Record<string, unknown>;

    expect(Object.keys(parsed).slice(-3)).toEqual(['accounts', 'remediation', 'reproduce']);
    expect(Object.keys(parsed.remediation as object)).toEqual([
      'dryRun',
      'maxAccountsChanged',
      'accountsToChange',
      'actionsPlanned',
      'aborted',
      'abortedBy',
      'journalPath',
      'rollbackCommand',
    ]);
  });

  it('writes account remediation keys in model order', () => {
    const report = appliedFixReport();
    report.accounts = report.accounts.map((account) => {
      const shuffled = reverseKeys(account);
      if (shuffled.remediation !== undefined) {
        shuffled.remediation = reverseKeys(shuffled.remediation);
        shuffled.remediation.actions = shuffled.remediation.actions.map(reverseKeys);
        shuffled.remediation.findingsAfter = shuffled.remediation.findingsAfter?.map(reverseKeys);
      }
      return shuffled;
    });

    const parsed = JSON.parse(renderJsonReport(report)) as RunReport;
    const failed = parsed.accounts.find((account) => account.status === 'remediation_failed')!;

    expect(Object.keys(failed).at(-1)).toBe('remediation');
    expect(Object.keys(failed.remediation!)).toEqual(['actions', 'needsPerson', 'verified', 'findingsAfter']);
    expect(Object.keys(failed.remediation!.actions[1]!)).toEqual([
      'kind',
      'target',
      'fixes',
      'before',
      'after',
      'reason',
      'outcome',
      'outcomeReason',
      'awsErrorCode',
      'awsRequestId',
    ]);
    expect(Object.keys(failed.remediation!.findingsAfter![0]!)).toEqual([
      'code',
      'severity',
      'message',
      'subject',
      'expected',
      'fixable',
    ]);
  });

  it('keeps null before and after values', () => {
    const parsed = JSON.parse(renderJsonReport(appliedFixReport())) as RunReport;
    const remediated = parsed.accounts.find((account) => account.status === 'remediated')!;
    const [, attach, detach] = remediated.remediation!.actions;

    expect(attach).toHaveProperty('before', null);
    expect(detach).toHaveProperty('after', null);
  });

  it('round-trips a fix report', () => {
    const parsed = JSON.parse(renderJsonReport(appliedFixReport())) as RunReport;

    const expected = appliedFixReport();
    expected.accounts.sort((left, right) => (left.accountId < right.accountId ? -1 : 1));
    expect(parsed).toEqual(expected);
  });

  it('gives the same bytes for any fix account order', () => {
    const reversed = appliedFixReport();
    reversed.accounts.reverse();

    expect(renderJsonReport(reversed)).toBe(renderJsonReport(appliedFixReport()));
  });

  it('keeps unknown keys after the known ones', () => {
    const report = { extension: { note: 'added by a newer scanner' }, ...sampleReport() };

    const parsed = JSON.parse(renderJsonReport(report)) as Record<string, unknown>;

    expect(Object.keys(parsed).at(-1)).toBe('extension');
    expect(parsed.extension).toEqual({ note: 'added by a newer scanner' });
  });

  it('gives the same bytes for any account order', () => {
    const report = sampleReport();
    const reversed = sampleReport();
    reversed.accounts.reverse();

    expect(renderJsonReport(reversed)).toBe(renderJsonReport(report));
  });

  it('does not change its argument', () => {
    const report = sampleReport();

    renderJsonReport(report);

    expect(report).toEqual(sampleReport());
  });

  it('rejects a report with a planted secret', () => {
    const report = sampleReport();
    const failed = report.accounts.find((account) => account.status === 'error')!;
    failed.error!.message = 'aws_secret_access_key = Zx9bQk2mW7rT4vYp8sLd3nHc6jFg1aEu5oKiRwNq';

    expect(() => renderJsonReport(report)).toThrow(AuditError);
    expect(() => renderJsonReport(report)).toThrow(/secret access key/);
  });
});
