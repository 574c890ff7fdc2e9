import type { DesiredRole, Finding, ObservedRole } from '../model.js';
import { createFinding, FINDING_CODE_ORDER } from './catalog.js';
import { evaluateInlinePolicies, evaluateManagedPolicies } from './permissions.js';
import { evaluateTrustPolicy } from './trust.js';

/** The account whose role is evaluated, for the ARN of a missing role. */
export interface EvaluationContext {
  accountId: string;
  partition: string;
}

/**
 * Compares the service role read from one account with its desired state and returns the drift as
 * findings. Pure and deterministic: findings are sorted by the code order of `FINDING_CODE_ORDER`,
 * then by subject (numbers in subjects compare by value, so statement 2 comes before statement 10).
 *
 * `observed` undefined means the role does not exist; the only finding is then ROLE_MISSING. An
 * empty list means the role is compliant.
 */
export function evaluateRole(
  desired: DesiredRole,
  observed: ObservedRole | undefined,
  context: EvaluationContext,
): Finding[] {
  if (observed === undefined) {
    const expectedArn = `arn:${context.partition}:iam::${context.accountId}:role${desired.path}${desired.roleName}`;
    return [
      createFinding('ROLE_MISSING', {
        subject: expectedArn,
        message: `Account ${context.accountId} has no IAM role ${desired.roleName}.`,
        expected: { roleName: desired.roleName, path: desired.path },
      }),
    ];
  }

  const findings: Finding[] = [];

  if (observed.path !== desired.path) {
    findings.push(
      createFinding('ROLE_PATH_MISMATCH', {
        subject: observed.arn,
        message: `Role ${observed.roleName} has the path ${observed.path} instead of ${desired.path}. IAM can change the path only by recreating the role.`,
        expected: desired.path,
        actual: observed.path,
      }),
    );
  }

  findings.push(...evaluateTrustPolicy(desired.trustPolicy, observed.trustPolicy, desired.roleName));
  findings.push(...evaluateManagedPolicies(desired, observed));
  findings.push(...evaluateInlinePolicies(desired, observed));

  return sortFindings(findings);
}

const SUBJECT_COLLATOR = new Intl.Collator('en', { numeric: true });

/** Sorts by code order, then by subject. The sort is stable, so findings with equal keys keep the order of the checks. */
function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      FINDING_CODE_ORDER.indexOf(a.code) - FINDING_CODE_ORDER.indexOf(b.code) ||
      SUBJECT_COLLATOR.compare(a.subject, b.subject),
  );
}
