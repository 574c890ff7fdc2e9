/**
 * The parts of the Markdown report that only a `--fix` run has. These are the fix settings in the run
 * table, the rollback command, the notice of a run that stopped before any write, and the Remediation
 * section with each account's IAM writes.
 */
import type { AccountRemediation, AccountResult, PlannedAction, RunRemediation, RunReport } from '../model.js';
import { cellCode, codeSpan, escapeCell, escapeText, fencedBlock, renderTable } from './markdown-text.js';
import {
  accountHeading,
  endSentence,
  formatFindingLine,
  NONE,
  optionalCode,
  STATUS_LABELS,
} from './markdown-parts.js';
import { parseDocumentText, renderValueDiff } from './policy-diff.js';

/** Returns true for the report of a `--fix` run, with or without `--dry-run`. */
export function isFixRun(report: RunReport): boolean {
  return report.mode !== 'audit' || report.remediation !== undefined;
}

/** Returns the rows of the run table that describe the fix, or none for an audit. */
export function fixMetadataRows(report: RunReport): [string, string][] {
  const remediation = report.remediation;
  if (remediation === undefined) {
    return [];
  }

  return [
    ['Dry run', remediation.dryRun ? 'yes: nothing was written' : 'no'],
    ['Max accounts changed', String(remediation.maxAccountsChanged)],
    ['Accounts to change', String(remediation.accountsToChange)],
    ['Actions planned', String(remediation.actionsPlanned)],
    ['Stopped before any write', formatAborted(remediation)],
    ['Journal', optionalCode(remediation.journalPath)],
    ['Rollback command', remediation.rollbackCommand === undefined ? NONE : 'below this table'],
  ];
}

function formatAborted(remediation: RunRemediation): string {
  if (remediation.aborted === undefined) {
    return 'no';
  }
  const cause = remediation.abortedBy === undefined ? '' : ` (${cellCode(remediation.abortedBy)})`;
  return `yes${cause}: ${escapeCell(remediation.aborted)}`;
}

/** Renders the rollback command as a block that can be copied into a shell, or undefined when the run has none. */
export function renderRollbackCommand(report: RunReport): string | undefined {
  const command = report.remediation?.rollbackCommand;
  if (command === undefined) {
    return undefined;
  }
  return [
    'To undo the IAM writes of this run, restoring the state that the journal recorded before each write, run:',
    '',
    fencedBlock(command, 'sh'),
  ].join('\n');
}

/** Renders the quoted line stating that a fix run wrote nothing, and why, or undefined when the run did not stop. */
export function renderAbortedNotice(report: RunReport): string | undefined {
  const aborted = report.remediation?.aborted;
  if (aborted === undefined) {
    return undefined;
  }
  return `> **No change was made:** the run stopped before its first IAM write. ${endSentence(escapeText(aborted))}`;
}

/**
 * Renders the Remediation section: every account with a plan, sorted by account id. Each account
 * shows its status, its actions in the order they run and a diff for each action that changes a
 * policy document, then the findings that need a person and the read-back after the fix.
 */
export function renderRemediation(report: RunReport, accounts: readonly AccountResult[]): string {
  const planned = accounts.filter((account) => account.remediation !== undefined);
  const lines = [`## Remediation (${planned.length})`, '', remediationIntro(report.remediation)];
  if (planned.length === 0) {
    lines.push('', 'No account has a remediation plan.');
    return lines.join('\n');
  }

  for (const account of planned) {
    lines.push('', renderAccountRemediation(account, account.remediation!, report.remediation));
  }
  return lines.join('\n');
}

function remediationIntro(run: RunRemediation | undefined): string {
  if (run?.aborted !== undefined) {
    return 'Nothing was written, because the run stopped before its first IAM write. Each account shows the writes that were planned.';
  }
  if (run?.dryRun === true) {
    return 'Nothing was written, because this is a dry run. Each account shows the IAM writes that `--fix` would make, in order.';
  }
  return 'Each account shows its IAM writes in the order they were sent, with the outcome of each.';
}

function renderAccountRemediation(
  account: AccountResult,
  remediation: AccountRemediation,
  run: RunRemediation | undefined,
): string {
  const lines = [
    accountHeading(account),
    '',
    `- Status: ${STATUS_LABELS[account.status]}`,
    `- Role: ${account.roleArn === undefined ? NONE : codeSpan(account.roleArn)}`,
    `- Verified: ${formatVerified(remediation, run)}`,
    '',
  ];

  if (remediation.actions.length === 0) {
    lines.push('No IAM write is planned for this account.');
  } else {
    lines.push(renderActionTable(remediation.actions, run));
  }

  remediation.actions.forEach((action, index) => {
    if (changesDocument(action)) {
      lines.push('', renderActionDiff(action, index + 1));
    }
  });

  if (remediation.needsPerson.length > 0) {
    lines.push('', '**Needs a person**, because no action fixes these findings:', '');
    lines.push(...remediation.needsPerson.map((finding) => `- ${codeSpan(finding)}`));
  }

  if (remediation.findingsAfter !== undefined) {
    lines.push('', '**Findings after the fix**, read back from IAM after the last write:', '');
    if (remediation.findingsAfter.length === 0) {
      lines.push('None.');
    }
    for (const finding of remediation.findingsAfter) {
      lines.push(`- ${formatFindingLine(finding)}${finding.advisory === true ? ' (advisory)' : ''}`);
    }
  }
  return lines.join('\n');
}

function formatVerified(remediation: AccountRemediation, run: RunRemediation | undefined): string {
  if (remediation.verified === true) {
    return 'yes, the read-back after the fix found no fixable drift';
  }
  if (remediation.verified === false) {
    return 'no, fixable drift remains or the read-back failed';
  }
  return run?.dryRun === true ? 'not checked (dry run)' : 'not checked, because no write was made';
}

function renderActionTable(actions: readonly PlannedAction[], run: RunRemediation | undefined): string {
  const rows = actions.map((action, index) => [
    String(index + 1),
    cellCode(action.kind),
    cellCode(action.target),
    action.fixes.length === 0 ? NONE : action.fixes.map(cellCode).join('<br>'),
    escapeCell(action.reason),
    formatOutcome(action, run),
    optionalCode(action.awsErrorCode),
    optionalCode(action.awsRequestId),
  ]);
  return renderTable(['#', 'Action', 'Target', 'Fixes', 'Reason', 'Outcome', 'AWS error', 'Request id'], rows);
}

function formatOutcome(action: PlannedAction, run: RunRemediation | undefined): string {
  if (action.outcome === undefined) {
    return run?.dryRun === true && run.aborted === undefined ? 'planned' : 'not run';
  }
  const outcome = action.outcome === 'failed' ? '**failed**' : escapeCell(action.outcome);
  return action.outcomeReason === undefined ? outcome : `${outcome}: ${escapeCell(action.outcomeReason)}`;
}

/**
 * Returns true when an action's before or after value is a policy document, which gets a diff block. The model
 * allows three kinds of value there: a document text, a policy ARN (which the Target column already
 * shows) and null, so any non-null value that is not an ARN is a document.
 */
function changesDocument(action: PlannedAction): boolean {
  return isDocumentText(action.before) || isDocumentText(action.after);
}

function isDocumentText(value: string | null): boolean {
  return value !== null && !/^arn:\S*$/.test(value);
}

function renderActionDiff(action: PlannedAction, number: number): string {
  const patch = renderValueDiff(parseDocumentText(action.before), parseDocumentText(action.after), {
    old: 'before',
    new: 'after',
  });
  const heading =
    `**Action ${number}: ${codeSpan(action.kind)} on ${codeSpan(action.target)}**: before (\`-\`) against after ` +
    '(`+`). Documents that parse as JSON are shown with sorted keys.';
  return [heading, '', fencedBlock(patch, 'diff')].join('\n');
}
