/**
 * Labels and small formatters that several sections of the Markdown report share.
 */
import type { AccountResult, AccountStatus, Finding } from '../model.js';
import { cellCode, codeSpan, escapeText } from './markdown-text.js';

/** The text of an empty table cell or a value that is not there. */
export const NONE = '—';

export const STATUS_LABELS: Record<AccountStatus, string> = {
  compliant: 'Compliant',
  noncompliant: 'Noncompliant',
  error: 'Not assessed (error)',
  skipped: 'Skipped',
  planned: 'Changes planned (dry run)',
  remediated: 'Remediated',
  remediation_failed: 'Remediation failed',
};

export function optionalCode(value: string | undefined): string {
  return value === undefined || value === '' ? NONE : cellCode(value);
}

/** Returns the account name, or a placeholder for accounts whose name was never read. */
export function accountName(account: AccountResult): string {
  return account.accountName === '' ? '(name unknown)' : account.accountName;
}

/** Returns the heading of an account's subsection: its id and name. */
export function accountHeading(account: AccountResult): string {
  return `### ${codeSpan(account.accountId)} ${escapeText(accountName(account))}`;
}

/** Formats a finding on one line for a list item: `low TRUST_HARDENING_MISSING on trust policy: message`. */
export function formatFindingLine(finding: Finding): string {
  return (
    `${escapeText(finding.severity)} ${codeSpan(finding.code)} on ${escapeText(finding.subject)}: ` +
    escapeText(finding.message)
  );
}

/** Appends a full stop unless the text already ends with sentence punctuation. */
export function endSentence(text: string): string {
  return /[.!?]$/.test(text) ? text : `${text}.`;
}
