/**
 * Turns the account results of a run into the versioned {@link RunReport}, and decides the exit code.
 */
import { CallCounter } from '../aws/api.js';
import { describeAwsError } from '../aws/aws-error.js';
import type { CallerIdentity } from '../credentials/caller.js';
import { ExitCode } from '../exit-codes.js';
import type { AccountResult, AccountStatus, FindingCode, RunRemediation, RunReport } from '../model.js';
import type { ScanOptions } from './run-scan.js';

export interface ReportInput {
  runId: string;
  toolVersion: string;
  startedAt: number;
  finishedAt: number;
  caller: CallerIdentity;
  region: string;
  organization: RunReport['organization'];
  config: RunReport['config'];
  options: ScanOptions;
  roleName: string;
  results: AccountResult[];
  runCounter: CallCounter;
  /** Set when listing the organization failed part-way: the report is then incomplete. */
  listingError?: unknown;
  /** What `--fix` planned and did; undefined for an audit. */
  remediation?: RunRemediation;
}

/** Statuses that leave drift in place: found and not fixed, planned only, or a fix that failed. */
const DRIFT_STATUSES: ReadonlySet<AccountStatus> = new Set(['noncompliant', 'planned', 'remediation_failed']);

/**
 * Returns the exit code of a run, the highest that applies. It is 4 when the blast-radius guard
 * stopped a fix, 3 when the organization could not be listed completely, 2 when an account could
 * not be assessed, 1 when drift remains or an action failed, and 0 otherwise.
 */
export function exitCodeFor(results: AccountResult[], complete: boolean, remediation?: RunRemediation): number {
  if (remediation?.abortedBy === 'max-accounts-changed') return ExitCode.FixAborted;
  if (!complete) return ExitCode.InvalidOrIncomplete;
  if (results.some((result) => result.status === 'error')) return ExitCode.AccountErrors;
  if (results.some((result) => DRIFT_STATUSES.has(result.status))) return ExitCode.Drift;
  return ExitCode.Compliant;
}

export function buildReport(input: ReportInput): RunReport {
  const accounts = [...input.results].sort((a, b) => a.accountId.localeCompare(b.accountId));
  const complete = input.listingError === undefined;

  const byStatus: Record<AccountStatus, number> = {
    compliant: 0,
    noncompliant: 0,
    error: 0,
    skipped: 0,
    planned: 0,
    remediated: 0,
    remediation_failed: 0,
  };
  const byFinding: Partial<Record<FindingCode, number>> = {};
  const calls = new CallCounter();
  calls.add(input.runCounter);
  for (const account of accounts) {
    byStatus[account.status] += 1;
    for (const finding of account.findings) byFinding[finding.code] = (byFinding[finding.code] ?? 0) + 1;
    for (const [operation, count] of Object.entries(account.apiCalls)) {
      calls.byOperation[operation] = (calls.byOperation[operation] ?? 0) + count;
    }
  }

  const report: RunReport = {
    schemaVersion: 2,
    tool: { name: 'ssm-role-audit', version: input.toolVersion },
    runId: input.runId,
    startedAt: new Date(input.startedAt).toISOString(),
    finishedAt: new Date(input.finishedAt).toISOString(),
    mode: modeOf(input.remediation),
    complete,
    exitCode: exitCodeFor(accounts, complete, input.remediation),
    caller: { arn: input.caller.arn, accountId: input.caller.accountId, partition: input.caller.partition },
    region: input.region,
    organization: input.organization,
    config: input.config,
    scope: {
      ...(input.options.accounts ? { accounts: input.options.accounts } : {}),
      ...(input.options.excludeAccounts ? { excludeAccounts: input.options.excludeAccounts } : {}),
      ...(input.options.organizationalUnits ? { organizationalUnits: input.options.organizationalUnits } : {}),
      accessRoleName: input.options.accessRoleName,
      roleName: input.roleName,
      concurrency: input.options.concurrency,
    },
    counts: { accounts: accounts.length, byStatus, byFinding },
    apiCalls: { total: calls.total, retries: calls.retries, byOperation: sortKeys(calls.byOperation) },
    accounts,
    ...(input.remediation ? { remediation: input.remediation } : {}),
    reproduce: { command: input.options.reproduceCommand },
  };
  if (!complete) {
    const aws = describeAwsError(input.listingError);
    report.incompleteReason = `Listing the organization failed: ${aws.code}: ${aws.message}${
      aws.requestId ? ` (request id ${aws.requestId})` : ''
    }. Accounts after the failure were not assessed.`;
  }
  return report;
}

function modeOf(remediation: RunRemediation | undefined): RunReport['mode'] {
  if (remediation === undefined) return 'audit';
  return remediation.dryRun ? 'fix-dry-run' : 'fix';
}

function sortKeys(record: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
