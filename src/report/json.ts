import type { AccountRemediation, AccountResult, Finding, PlannedAction, RunRemediation, RunReport } from '../model.js';
import { ACCOUNT_STATUSES, FINDING_CODES } from './model-values.js';
import { assertNoSecrets } from './secrets.js';

/**
 * Renders the JSON report: 2-space indentation, a trailing newline, keys in the order `RunReport`
 * declares them and accounts sorted by account id. Throws an AuditError (`REPORT_CONTAINS_SECRET`) when
 * the text looks like it contains an AWS credential.
 */
export function renderJsonReport(report: RunReport): string {
  const text = `${JSON.stringify(orderReport(report), null, 2)}\n`;
  assertNoSecrets(text);
  return text;
}

/**
 * Returns a copy of the report with accounts sorted by account id and every object's keys in the order
 * of the model, so the same report always serializes to the same bytes whatever order the scan built
 * it in. Keys the model does not know follow the known ones, in their original order, so no data is
 * dropped. Policy documents in `expected` and `actual`, and the `before` and `after` texts of actions,
 * are copied as they are.
 */
export function orderReport(report: RunReport): RunReport {
  const ordered = {
    ...orderKeys(report, [
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
      'remediation',
      'warnings',
      'reproduce',
    ]),
    tool: orderKeys(report.tool, ['name', 'version']),
    caller: orderKeys(report.caller, ['arn', 'accountId', 'partition']),
    organization: orderKeys(report.organization, ['id', 'managementAccountId']),
    config: orderKeys(report.config, ['path', 'sha256']),
    scope: orderKeys(report.scope, [
      'accounts',
      'excludeAccounts',
      'organizationalUnits',
      'accessRoleName',
      'roleName',
      'concurrency',
    ]),
    counts: {
      ...orderKeys(report.counts, ['accounts', 'byStatus', 'byFinding']),
      byStatus: orderKeys(report.counts.byStatus, ACCOUNT_STATUSES),
      byFinding: orderKeys(report.counts.byFinding, FINDING_CODES),
    },
    apiCalls: {
      ...orderKeys(report.apiCalls, ['total', 'retries', 'byOperation']),
      byOperation: sortKeys(report.apiCalls.byOperation),
    },
    accounts: sortAccounts(report.accounts).map(orderAccount),
    reproduce: orderKeys(report.reproduce, ['command']),
  };
  if (report.remediation !== undefined) {
    ordered.remediation = orderRunRemediation(report.remediation);
  }
  return ordered as RunReport;
}

/** Returns the accounts sorted by account id, comparing code units so the order is the same in every locale. */
export function sortAccounts(accounts: readonly AccountResult[]): AccountResult[] {
  return [...accounts].sort((left, right) => compareStrings(left.accountId, right.accountId));
}

function orderAccount(account: AccountResult): AccountResult {
  const ordered = {
    ...orderKeys(account, [
      'accountId',
      'accountName',
      'state',
      'ouPath',
      'status',
      'roleArn',
      'accessRoleArn',
      'findings',
      'error',
      'skipReason',
      'durationMs',
      'apiCalls',
      'apiRetries',
      'remediation',
    ]),
    ouPath: account.ouPath.map((ou) => orderKeys(ou, ['id', 'name'])),
    findings: account.findings.map(orderFinding),
    apiCalls: sortKeys(account.apiCalls),
  };
  if (account.error !== undefined) {
    ordered.error = orderKeys(account.error, [
      'code',
      'message',
      'stage',
      'awsErrorCode',
      'awsRequestId',
      'httpStatus',
      'roleArn',
    ]);
  }
  if (account.remediation !== undefined) {
    ordered.remediation = orderAccountRemediation(account.remediation);
  }
  return ordered as AccountResult;
}

function orderAccountRemediation(remediation: AccountRemediation): AccountRemediation {
  const ordered = {
    ...orderKeys(remediation, ['actions', 'needsPerson', 'verified', 'findingsAfter']),
    actions: remediation.actions.map(orderAction),
  };
  if (remediation.findingsAfter !== undefined) {
    ordered.findingsAfter = remediation.findingsAfter.map(orderFinding);
  }
  return ordered;
}

/** Orders an action's keys. `before` and `after` stay in the output when they are null, because null means "does not exist". */
function orderAction(action: PlannedAction): PlannedAction {
  return orderKeys(action, [
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
}

function orderRunRemediation(remediation: RunRemediation): RunRemediation {
  return orderKeys(remediation, [
    'dryRun',
    'maxAccountsChanged',
    'accountsToChange',
    'actionsPlanned',
    'aborted',
    'abortedBy',
    'journalPath',
    'rollbackCommand',
  ]);
}

function orderFinding(finding: Finding): Finding {
  return orderKeys(finding, ['code', 'severity', 'message', 'subject', 'expected', 'actual', 'fixable', 'advisory']);
}

/**
 * Copies `source` with the keys in `order` first and the remaining keys after them. Keys whose value is
 * undefined are left out, as `JSON.stringify` would.
 */
function orderKeys<T extends object>(source: T, order: readonly string[]): T {
  const values = source as Record<string, unknown>;
  const known = new Set(order);
  const remaining = Object.keys(source).filter((key) => !known.has(key));
  const result: Record<string, unknown> = {};

  for (const key of [...order, ...remaining]) {
    if (Object.hasOwn(values, key) && values[key] !== undefined) {
      result[key] = values[key];
    }
  }
  return result as T;
}

function sortKeys<T extends Record<string, unknown>>(source: T): T {
  return orderKeys(source, Object.keys(source).sort(compareStrings));
}

/** Compares strings by UTF-16 code units, the same in every locale. */
export function compareStrings(left: string, right: string): number {
  if (left < right) {
    return -1;
  }
  return left > right ? 1 : 0;
}
