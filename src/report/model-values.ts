/**
 * The values of the closed unions in the model, in the order they are declared there. The reports use
 * them to order keys and summary rows, and the schema test compares them with the schema's enums.
 */
import type { AccountStatus, FindingCode, PlannedAction, RunMode, RunRemediation, Severity } from '../model.js';

/**
 * Returns a function that accepts a list only when it names every member of the union `T` and nothing
 * else, so a code added to the model fails to compile until it is added here too.
 */
function listAllMembers<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

export const ACCOUNT_STATUSES = listAllMembers<AccountStatus>()([
  'compliant',
  'noncompliant',
  'error',
  'skipped',
  'planned',
  'remediated',
  'remediation_failed',
] as const);

export const RUN_MODES = listAllMembers<RunMode>()(['audit', 'fix', 'fix-dry-run'] as const);

export const ACTION_OUTCOMES = listAllMembers<NonNullable<PlannedAction['outcome']>>()([
  'applied',
  'failed',
  'skipped',
] as const);

export const ABORT_CAUSES = listAllMembers<NonNullable<RunRemediation['abortedBy']>>()([
  'max-accounts-changed',
  'not-confirmed',
  'incomplete-listing',
] as const);

export const SEVERITIES = listAllMembers<Severity>()(['critical', 'high', 'medium', 'low'] as const);

export const FINDING_CODES = listAllMembers<FindingCode>()([
  'ROLE_MISSING',
  'ROLE_PATH_MISMATCH',
  'TRUST_PRINCIPAL_MISSING',
  'TRUST_PRINCIPAL_EXTRA',
  'TRUST_STATEMENT_EXTRA',
  'TRUST_CONDITION_MISMATCH',
  'TRUST_HARDENING_MISSING',
  'TRUST_VERSION_MISSING',
  'MANAGED_POLICY_MISSING',
  'MANAGED_POLICY_DEPRECATED',
  'MANAGED_POLICY_UNEXPECTED',
  'INLINE_POLICY_PRESENT',
  'POLICY_DOCUMENT_UNPARSEABLE',
] as const);

/** Compares two severities so that sorting puts the most severe first. */
export function compareSeverity(left: Severity, right: Severity): number {
  return SEVERITIES.indexOf(left) - SEVERITIES.indexOf(right);
}
