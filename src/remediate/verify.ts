/**
 * Verification after a fix: read the role again until IAM shows the changes. IAM is eventually
 * consistent, so a write can take seconds to be visible to reads (IAM User Guide, troubleshooting
 * page troubleshoot_general.html, section on eventual consistency).
 */
import type { IamReadApi } from '../aws/api.js';
import { evaluateRole } from '../evaluate/index.js';
import { readRole } from './sdk-errors.js';
import type { DesiredRole, Finding, ObservedRole } from '../model.js';
import type { FindingRef } from './types.js';

export interface VerifyDependencies {
  iam: IamReadApi;
  desired: DesiredRole;
  accountId: string;
  partition: string;
  /** Waits between attempts; a test passes one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Reads in total, the first included; 5 by default. */
  attempts?: number;
  /** Wait before the second read, doubled before each later one; 1,000 ms by default. */
  baseDelayMs?: number;
  /** Maximum wait between two reads; 8,000 ms by default. */
  maxDelayMs?: number;
  /**
   * Findings the fix left on purpose (`ApplyResult.leftUnfixed`): a skipped or failed action, or a
   * finding that needs a person. They do not make verification wait.
   */
  leftUnfixed?: FindingRef[];
}

export interface VerifyResult {
  /** True when no fixable, non-advisory finding remains apart from `leftUnfixed`. */
  verified: boolean;
  /** The findings of the last read, advisories and `leftUnfixed` included. */
  findings: Finding[];
  /** Reads made. */
  attempts: number;
  /** The role as the last read returned it. */
  observed: ObservedRole | undefined;
}

const DEFAULT_ATTEMPTS = 5;
const DEFAULT_BASE_DELAY_MS = 1000;
const DEFAULT_MAX_DELAY_MS = 8000;

/**
 * Reads the role (as `inspectRole` does), evaluates it, and repeats with exponential backoff (1 s, 2 s,
 * 4 s, 8 s by default) until no fixable, non-advisory finding is left or the attempts run out. AWS
 * errors from the reads are thrown.
 */
export async function verifyAccount(deps: VerifyDependencies): Promise<VerifyResult> {
  const attempts = deps.attempts ?? DEFAULT_ATTEMPTS;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new TypeError(`Invalid attempts ${attempts}; expected an integer >= 1`);
  }
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const baseDelayMs = deps.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
  const maxDelayMs = deps.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
  const accepted = new Set((deps.leftUnfixed ?? []).map(refKey));

  let findings: Finding[] = [];
  let observed: ObservedRole | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    observed = await readRole(deps.iam, deps.desired.roleName);
    findings = evaluateRole(deps.desired, observed, { accountId: deps.accountId, partition: deps.partition });

    const outstanding = findings.filter((finding) => needsFix(finding, deps.desired) && !accepted.has(refKey(finding)));
    if (outstanding.length === 0) {
      return { verified: true, findings, attempts: attempt, observed };
    }
    if (attempt < attempts) {
      await sleep(Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)));
    }
  }
  return { verified: false, findings, attempts, observed };
}

/** A finding `--fix` should have removed: fixable and not advisory, with the same rule as the plan. */
function needsFix(finding: Finding, desired: DesiredRole): boolean {
  if (!finding.fixable || finding.advisory === true) {
    return false;
  }
  return finding.code !== 'TRUST_HARDENING_MISSING' || desired.trustPolicy.hardening === 'required';
}

function refKey(finding: FindingRef): string {
  return `${finding.code}\u0000${finding.subject}`;
}
