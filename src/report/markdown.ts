import { describeExitCode } from '../exit-codes.js';
import type { AccountResult, AccountStatus, Finding, FindingCode, OuRef, RunMode, RunReport, Severity } from '../model.js';
import { compareStrings, sortAccounts } from './json.js';
import {
  accountHeading,
  accountName,
  endSentence,
  formatFindingLine,
  NONE,
  optionalCode,
  STATUS_LABELS,
} from './markdown-parts.js';
import {
  fixMetadataRows,
  isFixRun,
  renderAbortedNotice,
  renderRemediation,
  renderRollbackCommand,
} from './markdown-remediation.js';
import { cellCode, codeSpan, escapeCell, escapeText, fencedBlock, renderTable } from './markdown-text.js';
import { ACCOUNT_STATUSES, compareSeverity, FINDING_CODES } from './model-values.js';
import { canonicalJson, renderValueDiff } from './policy-diff.js';
import { assertNoSecrets } from './secrets.js';

export interface MarkdownReportOptions {
  /**
   * Human-readable titles by finding code, shown beside the code in the summary. Codes without a title
   * are shown as the code alone.
   */
  findingTitles?: Partial<Record<FindingCode, string>>;
}

const TITLES: Record<RunMode, string> = {
  audit: 'SSM service role audit',
  fix: 'SSM service role fix',
  'fix-dry-run': 'SSM service role fix plan (dry run)',
};

/** The words that open the title's summary sentence, by mode. */
const SUMMARY_OPENINGS: Record<RunMode, string> = {
  audit: 'Audit of',
  fix: 'Fix of',
  'fix-dry-run': 'Fix plan (dry run) for',
};

/** The words after each status's account count in the title's summary sentence. */
const STATUS_PHRASES: Record<AccountStatus, string> = {
  compliant: 'compliant',
  noncompliant: 'noncompliant',
  error: 'not assessed',
  skipped: 'skipped',
  planned: 'with changes planned',
  remediated: 'remediated',
  remediation_failed: 'remediation failed',
};

/** The statuses of an audit, in the order the title sentence names them. */
const AUDIT_STATUSES: readonly AccountStatus[] = ['noncompliant', 'error', 'skipped', 'compliant'];

/** The statuses that only a fix run gives, shown in the counts of that mode even when zero. */
const FIX_STATUSES_BY_MODE: Record<RunMode, readonly AccountStatus[]> = {
  audit: [],
  fix: ['remediated', 'remediation_failed'],
  'fix-dry-run': ['planned'],
};

/** Statuses whose accounts are listed with their findings: those with drift when the report was written. */
const DRIFT_STATUSES: ReadonlySet<AccountStatus> = new Set(['noncompliant', 'planned', 'remediation_failed']);

/** Maximum length of a value shown inside the findings table. Longer values get a diff block. */
const MAX_INLINE_VALUE_LENGTH = 100;

/**
 * Renders the Markdown report for a compliance ticket: run metadata, summary counts, each noncompliant
 * account with its findings and diffs, the accounts that were not assessed or skipped, the compliant
 * accounts and the command that repeats the scan. A `--fix` run adds its settings and rollback
 * command to the metadata and a Remediation section with each account's writes, and lists accounts
 * whose fix was planned or failed with the noncompliant ones, with the findings read before any write.
 * The output depends only on the arguments, so the same report always renders to the same text.
 * Throws an AuditError (`REPORT_CONTAINS_SECRET`) when the text looks like it contains an AWS
 * credential.
 */
export function renderMarkdownReport(report: RunReport, options: MarkdownReportOptions = {}): string {
  const accounts = sortAccounts(report.accounts);
  const byStatus = (status: AccountStatus) => accounts.filter((account) => account.status === status);
  const fixRun = isFixRun(report);

  const sections = [
    renderTitle(report),
    renderMetadata(report),
    renderSummary(report, accounts, options),
    ...(fixRun ? [renderRemediation(report, accounts)] : []),
    renderNoncompliantAccounts(
      accounts.filter((account) => DRIFT_STATUSES.has(account.status)),
      fixRun,
    ),
    renderErrorAccounts(byStatus('error')),
    renderSkippedAccounts(byStatus('skipped')),
    renderCompliantAccounts(byStatus('compliant')),
    renderReproduce(report),
  ];
  const text = `${sections.join('\n\n')}\n`;

  assertNoSecrets(text);
  return text;
}

function renderTitle(report: RunReport): string {
  const counts = report.counts.byStatus;
  const organization =
    report.organization.id === undefined ? 'the organization' : `organization ${codeSpan(report.organization.id)}`;
  const statuses = [...fixStatusesShown(report), ...AUDIT_STATUSES];
  const countPhrases = statuses.map((status) => `${counts[status] ?? 0} ${STATUS_PHRASES[status]}`);
  const lines = [
    `# ${TITLES[report.mode]}`,
    '',
    `${SUMMARY_OPENINGS[report.mode]} the IAM role ${codeSpan(report.scope.roleName)} in ` +
      `${pluralize(report.counts.accounts, 'account')} of ${organization}: ${countPhrases.join(', ')}.`,
  ];

  const aborted = renderAbortedNotice(report);
  if (aborted !== undefined) {
    lines.push('', aborted);
  }
  if (!report.complete) {
    const reason = report.incompleteReason === undefined ? 'no reason recorded' : escapeText(report.incompleteReason);
    lines.push(
      '',
      `> **Incomplete run:** ${endSentence(reason)} Accounts in scope that are not listed in this report were not assessed.`,
    );
  }
  for (const warning of report.warnings ?? []) {
    lines.push('', `> **Warning:** ${endSentence(escapeText(warning))}`);
  }
  return lines.join('\n');
}

/** Returns the fix statuses that the title and the summary show: those of the run's mode and any that occur. */
function fixStatusesShown(report: RunReport): AccountStatus[] {
  const ofMode = new Set(FIX_STATUSES_BY_MODE[report.mode]);
  return ACCOUNT_STATUSES.filter(
    (status) => !AUDIT_STATUSES.includes(status) && (ofMode.has(status) || (report.counts.byStatus[status] ?? 0) > 0),
  );
}

function renderMetadata(report: RunReport): string {
  const scope = report.scope;
  const rows: [string, string][] = [
    ['Run id', cellCode(report.runId)],
    ['Tool', escapeCell(`${report.tool.name} ${report.tool.version}`)],
    ['Started', cellCode(report.startedAt)],
    ['Finished', cellCode(report.finishedAt)],
    ['Duration', formatDuration(report.startedAt, report.finishedAt)],
    ['Mode', escapeCell(report.mode)],
    ...fixMetadataRows(report),
    ['Caller', cellCode(report.caller.arn)],
    ['Caller account', cellCode(report.caller.accountId)],
    ['Partition', cellCode(report.caller.partition)],
    ['Organization', optionalCode(report.organization.id)],
    ['Management account', optionalCode(report.organization.managementAccountId)],
    ['Region', cellCode(report.region)],
    ['Config file', cellCode(report.config.path)],
    ['Config SHA-256', cellCode(report.config.sha256)],
    ['Role name', cellCode(scope.roleName)],
    ['Access role name', cellCode(scope.accessRoleName)],
    ['Accounts filter', codeList(scope.accounts, 'all accounts')],
    ['Excluded accounts', codeList(scope.excludeAccounts, 'none')],
    ['Organizational units', codeList(scope.organizationalUnits, 'whole organization')],
    ['Concurrency', String(scope.concurrency)],
    ['Complete', formatComplete(report)],
    ['Exit code', formatExitCode(report.exitCode)],
    ['AWS API calls', `${report.apiCalls.total} (SDK retries: ${report.apiCalls.retries})`],
  ];
  const lines = ['## Run', '', renderTable(['Field', 'Value'], rows)];

  const rollback = renderRollbackCommand(report);
  if (rollback !== undefined) {
    lines.push('', rollback);
  }
  return lines.join('\n');
}

function renderSummary(
  report: RunReport,
  accounts: readonly AccountResult[],
  options: MarkdownReportOptions,
): string {
  const summaryStatuses = new Set([...AUDIT_STATUSES, ...fixStatusesShown(report)]);
  const statusRows = ACCOUNT_STATUSES.filter((status) => summaryStatuses.has(status)).map((status) => [
    STATUS_LABELS[status],
    String(report.counts.byStatus[status] ?? 0),
  ]);
  statusRows.push(['**Total**', `**${report.counts.accounts}**`]);

  const lines = ['## Summary', '', renderTable(['Status', 'Accounts'], statusRows), ''];

  const findingCodes = orderFindingCodes(Object.keys(report.counts.byFinding));
  if (findingCodes.length === 0) {
    lines.push('No findings.');
    return lines.join('\n');
  }

  const titles = options.findingTitles ?? {};
  const showTitles = Object.keys(titles).length > 0;
  const severities = severitiesByCode(accounts);
  const findingRows = findingCodes.map((code) => {
    const title = titles[code as FindingCode];
    const row = [cellCode(code)];
    if (showTitles) {
      row.push(title === undefined ? NONE : escapeCell(title));
    }
    row.push(formatSeverities(severities.get(code)), String(report.counts.byFinding[code as FindingCode] ?? 0));
    return row;
  });
  const headers = showTitles ? ['Finding', 'Title', 'Severity', 'Count'] : ['Finding', 'Severity', 'Count'];
  lines.push(renderTable(headers, findingRows));
  return lines.join('\n');
}

/**
 * Lists the accounts with drift and their findings. In a fix run these are the noncompliant, planned and
 * remediation_failed accounts, each with its status, and the findings are those read before any write.
 */
function renderNoncompliantAccounts(accounts: readonly AccountResult[], fixRun: boolean): string {
  const lines = [`## Noncompliant accounts (${accounts.length})`];
  if (fixRun) {
    lines.push('', 'Findings as read before any write. The Remediation section shows what the fix changed.');
  }
  if (accounts.length === 0) {
    lines.push('', 'None.');
    return lines.join('\n');
  }

  for (const account of accounts) {
    lines.push('', renderNoncompliantAccount(account, fixRun));
  }
  return lines.join('\n');
}

function renderNoncompliantAccount(account: AccountResult, fixRun: boolean): string {
  const lines = [
    accountHeading(account),
    '',
    ...(fixRun ? [`- Status: ${STATUS_LABELS[account.status]}`] : []),
    `- State: ${codeSpan(account.state)}`,
    `- Organizational unit path: ${formatOuPath(account.ouPath)}`,
    `- Role: ${account.roleArn === undefined ? NONE : codeSpan(account.roleArn)}`,
    `- Access role: ${account.accessRoleArn === undefined ? 'none (read with the caller credentials)' : codeSpan(account.accessRoleArn)}`,
    '',
  ];

  if (account.findings.length === 0) {
    lines.push('No findings were recorded for this account.');
    return lines.join('\n');
  }

  // Findings about the same document share one diff block, so a trust policy with three problems
  // shows its diff once.
  const diffs = new Map<string, { numbers: number[]; codes: string[]; subject: string }>();
  const rows = account.findings.map((finding, index) => {
    const number = index + 1;
    let inline = inlineValues(finding);
    if (inline === undefined) {
      const patch = renderValueDiff(finding.expected, finding.actual);
      const shared = diffs.get(patch);
      if (shared) {
        shared.numbers.push(number);
        shared.codes.push(finding.code);
        inline = { expected: `see diff of finding ${shared.numbers[0]}`, actual: `see diff of finding ${shared.numbers[0]}` };
      } else {
        diffs.set(patch, { numbers: [number], codes: [finding.code], subject: finding.subject });
        inline = { expected: 'see diff below', actual: 'see diff below' };
      }
    }
    return [
      String(number),
      escapeCell(finding.severity),
      cellCode(finding.code),
      finding.subject.startsWith('arn:') ? cellCode(finding.subject) : escapeCell(finding.subject),
      escapeCell(finding.message),
      inline.expected,
      inline.actual,
      finding.fixable ? 'yes' : 'no',
    ];
  });
  lines.push(
    renderTable(['#', 'Severity', 'Finding', 'Subject', 'Message', 'Expected', 'Actual', 'Fixable'], rows),
  );

  for (const [patch, group] of diffs) {
    lines.push('', renderFindingDiff(patch, group));
  }
  return lines.join('\n');
}

/**
 * Returns the table cells for a finding's expected and actual values, or undefined when they need a
 * diff block. Trust policy findings that carry a value always get one, and so do values that are too
 * long for a cell or span several lines.
 */
function inlineValues(finding: Finding): { expected: string; actual: string } | undefined {
  const hasValue = finding.expected !== undefined || finding.actual !== undefined;
  if (finding.code.startsWith('TRUST_') && hasValue) {
    return undefined;
  }

  const expected = formatInlineValue(finding.expected);
  const actual = formatInlineValue(finding.actual);
  const fitsCell = (text: string) => text.length <= MAX_INLINE_VALUE_LENGTH && !/[\r\n]/.test(text);
  if (!fitsCell(expected) || !fitsCell(actual)) {
    return undefined;
  }
  return {
    expected: finding.expected === undefined ? NONE : cellCode(expected),
    actual: finding.actual === undefined ? NONE : cellCode(actual),
  };
}

function formatInlineValue(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  return typeof value === 'string' ? value : canonicalJson(value, 0);
}

function renderFindingDiff(patch: string, group: { numbers: number[]; codes: string[]; subject: string }): string {
  const findings = group.numbers
    .map((number, index) => `${number}: ${codeSpan(group.codes[index] ?? '')}`)
    .join(', ');
  const heading =
    `**Finding${group.numbers.length === 1 ? '' : 's'} ${findings} on ${escapeText(group.subject)}**: ` +
    'expected (`-`) against actual (`+`), as JSON with sorted keys.';
  return [heading, '', fencedBlock(patch, 'diff')].join('\n');
}

function renderErrorAccounts(accounts: readonly AccountResult[]): string {
  const lines = [`## Accounts not assessed (${accounts.length})`, ''];
  if (accounts.length === 0) {
    lines.push('None.');
    return lines.join('\n');
  }

  const rows = accounts.map((account) => {
    const error = account.error;
    return [
      cellCode(account.accountId),
      escapeCell(accountName(account)),
      error === undefined ? NONE : escapeCell(error.stage),
      optionalCode(error?.code),
      optionalCode(error?.awsErrorCode),
      optionalCode(error?.awsRequestId),
      optionalCode(error?.roleArn),
      error === undefined ? 'No error was recorded.' : escapeCell(error.message),
    ];
  });
  lines.push(
    renderTable(
      ['Account', 'Name', 'Stage', 'Error code', 'AWS error code', 'Request id', 'Role ARN', 'Message'],
      rows,
    ),
  );
  return lines.join('\n');
}

function renderSkippedAccounts(accounts: readonly AccountResult[]): string {
  const lines = [`## Skipped accounts (${accounts.length})`, ''];
  if (accounts.length === 0) {
    lines.push('None.');
    return lines.join('\n');
  }

  const rows = accounts.map((account) => [
    cellCode(account.accountId),
    escapeCell(accountName(account)),
    cellCode(account.state),
    account.skipReason === undefined ? NONE : escapeCell(account.skipReason),
  ]);
  lines.push(renderTable(['Account', 'Name', 'State', 'Reason'], rows));
  return lines.join('\n');
}

/** Lists the compliant accounts, with the low-severity advisories that a compliant account may carry. */
function renderCompliantAccounts(accounts: readonly AccountResult[]): string {
  const lines = [`## Compliant accounts (${accounts.length})`, ''];
  if (accounts.length === 0) {
    lines.push('None.');
    return lines.join('\n');
  }

  for (const account of accounts) {
    lines.push(`- ${codeSpan(account.accountId)} ${escapeText(accountName(account))}`);
    for (const finding of account.findings) {
      lines.push(`  - ${formatFindingLine(finding)}`);
    }
  }
  return lines.join('\n');
}

function renderReproduce(report: RunReport): string {
  return [
    '## How to reproduce',
    '',
    `Run the same scan again with the config file whose SHA-256 is ${codeSpan(report.config.sha256)}:`,
    '',
    fencedBlock(report.reproduce.command, 'sh'),
  ].join('\n');
}

function orderFindingCodes(codes: readonly string[]): string[] {
  const rank = (code: string) => {
    const index = (FINDING_CODES as readonly string[]).indexOf(code);
    return index === -1 ? FINDING_CODES.length : index;
  };
  return [...codes].sort((left, right) => rank(left) - rank(right) || compareStrings(left, right));
}

/** Collects the severities of each finding code in this report, because one code can vary with the config. */
function severitiesByCode(accounts: readonly AccountResult[]): Map<string, Set<Severity>> {
  const result = new Map<string, Set<Severity>>();
  for (const account of accounts) {
    for (const finding of account.findings) {
      const severities = result.get(finding.code) ?? new Set<Severity>();
      severities.add(finding.severity);
      result.set(finding.code, severities);
    }
  }
  return result;
}

function formatSeverities(severities: Set<Severity> | undefined): string {
  if (severities === undefined || severities.size === 0) {
    return NONE;
  }
  return [...severities].sort(compareSeverity).map(escapeCell).join(', ');
}

function formatOuPath(ouPath: readonly OuRef[]): string {
  if (ouPath.length === 0) {
    return 'not read';
  }
  return ouPath.map((ou) => `${escapeText(ou.name)} (${codeSpan(ou.id)})`).join(' / ');
}

function formatComplete(report: RunReport): string {
  if (report.complete) {
    return 'yes';
  }
  return report.incompleteReason === undefined ? 'no' : `no: ${escapeCell(report.incompleteReason)}`;
}

function formatExitCode(exitCode: number): string {
  return `${cellCode(String(exitCode))}: ${escapeCell(describeExitCode(exitCode))}`;
}

/** Formats the time between two ISO 8601 timestamps, or `unknown` when either does not parse. */
function formatDuration(startedAt: string, finishedAt: string): string {
  const milliseconds = Date.parse(finishedAt) - Date.parse(startedAt);
  if (!Number.isFinite(milliseconds) || milliseconds < 0) {
    return 'unknown';
  }
  if (milliseconds < 1000) {
    return `${milliseconds} ms`;
  }

  const totalSeconds = Math.floor(milliseconds / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) {
    return `${hours} h ${minutes} min ${seconds} s`;
  }
  if (minutes > 0) {
    return `${minutes} min ${seconds} s`;
  }
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

function codeList(values: readonly string[] | undefined, whenAbsent: string): string {
  if (values === undefined || values.length === 0) {
    return whenAbsent;
  }
  return values.map(cellCode).join(', ');
}

function pluralize(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
