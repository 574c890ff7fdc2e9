/**
 * The `--fix` phase of a scan, which runs after every account has been assessed. It plans each
 * drifted account and stops before any write when the plan is too wide or not confirmed. Then it
 * journals, applies and verifies account by account, and records the outcome on each account's result.
 */
import { join } from 'node:path';
import pLimit from 'p-limit';
import type { Logger } from '../log/logger.js';
import type { AccountStatus, Finding, PlannedAction, RunRemediation } from '../model.js';
import {
  applyAccountPlan,
  buildAccountPlan,
  FileJournal,
  snapshotRole,
  verifyAccount,
  type AccountPlan,
  type ActionResult,
  type FindingRef,
  type JournalHeader,
} from '../remediate/index.js';
import { describeAwsError } from '../aws/aws-error.js';
import { statusOf, type AssessedAccount } from './assess-account.js';
import type { Interruption } from './interruption.js';

/** The number of accounts one `--fix` run may change, unless `--max-accounts-changed` sets another. */
export const DEFAULT_MAX_ACCOUNTS_CHANGED = 25;

export interface FixOptions {
  /** Plan and report only; write nothing. */
  dryRun: boolean;
  /** The blast-radius guard: more accounts to change than this stops the run before any write. */
  maxAccountsChanged: number;
  /**
   * Shows the plan to the person at the terminal and resolves to true when they approve it. Undefined
   * means the plan is approved (`--yes`).
   */
  confirm?: (plans: AccountPlan[]) => Promise<boolean>;
  /** Reads after applying, first included, before an account counts as not verified. */
  verifyAttempts?: number;
  /** Wait before the second verification read, doubled before each later one. */
  verifyBaseDelayMs?: number;
  sleep?: (ms: number) => Promise<void>;
}

export interface FixPhaseContext {
  options: FixOptions;
  runId: string;
  partition: string;
  reportDir: string;
  concurrency: number;
  journalHeader: Omit<JournalHeader, 'mode' | 'runId'>;
  /** The command line that undoes this run, given the journal path. */
  rollbackCommand: (journalPath: string) => string;
  /** False when listing the organization failed: a fix then writes nothing. */
  listingComplete: boolean;
  logger: Logger;
  now: () => number;
  /** A stop request (SIGINT, SIGTERM): accounts not started yet get no write. */
  interruption?: Interruption;
}

export async function runFixPhase(drifted: AssessedAccount[], context: FixPhaseContext): Promise<RunRemediation> {
  const { options, logger } = context;
  const planned = planAccounts(drifted, context);
  const changing = planned.filter(({ plan }) => plan.actions.length > 0);
  const remediation: RunRemediation = {
    dryRun: options.dryRun,
    maxAccountsChanged: options.maxAccountsChanged,
    accountsToChange: changing.length,
    actionsPlanned: changing.reduce((sum, { plan }) => sum + plan.actions.length, 0),
  };

  const stop = reasonToStop(remediation, context.listingComplete);
  if (stop) {
    Object.assign(remediation, stop);
    logger.warn({ accountsToChange: changing.length, reason: stop.aborted }, 'fix stopped before any write');
    return remediation;
  }
  if (options.dryRun || changing.length === 0) {
    if (options.dryRun) for (const { assessed } of changing) assessed.result.status = 'planned';
    return remediation;
  }
  if (options.confirm && !(await options.confirm(changing.map(({ plan }) => plan)))) {
    remediation.aborted = 'The plan was not confirmed; nothing was written.';
    remediation.abortedBy = 'not-confirmed';
    return remediation;
  }

  const journalPath = join(context.reportDir, `ssm-role-audit-${context.runId}.journal.jsonl`);
  const journal = await FileJournal.open(
    journalPath,
    { ...context.journalHeader, mode: 'fix', runId: context.runId },
    { now: context.now },
  );
  remediation.journalPath = journalPath;
  remediation.rollbackCommand = context.rollbackCommand(journalPath);
  logger.info({ journalPath, accounts: changing.length }, 'applying the fix');

  const limit = pLimit(context.concurrency);
  try {
    await Promise.all(
      changing.map(({ assessed, plan }) =>
        limit(() => applyAndVerify(assessed, plan, journal, context)),
      ),
    );
  } finally {
    await journal.close();
  }
  return remediation;
}

interface PlannedAccount {
  assessed: AssessedAccount;
  plan: AccountPlan;
}

function planAccounts(drifted: AssessedAccount[], context: FixPhaseContext): PlannedAccount[] {
  const planned: PlannedAccount[] = [];
  for (const assessed of drifted) {
    if (!assessed.desired) continue;
    const plan = buildAccountPlan({
      accountId: assessed.result.accountId,
      desired: assessed.desired,
      observed: assessed.observed,
      findings: assessed.result.findings,
      runId: context.runId,
      partition: context.partition,
    });
    assessed.result.remediation = {
      actions: plan.actions.map(toPlannedAction),
      needsPerson: plan.unfixable.map((finding) => `${finding.code} ${finding.subject}`),
    };
    planned.push({ assessed, plan });
  }
  return planned.sort((a, b) => a.plan.accountId.localeCompare(b.plan.accountId));
}

function reasonToStop(
  remediation: RunRemediation,
  listingComplete: boolean,
): Pick<RunRemediation, 'aborted' | 'abortedBy'> | undefined {
  if (!listingComplete && !remediation.dryRun) {
    return {
      aborted: 'Listing the organization failed, so the plan may be incomplete; nothing was written.',
      abortedBy: 'incomplete-listing',
    };
  }
  if (remediation.accountsToChange > remediation.maxAccountsChanged) {
    return {
      aborted:
        `The plan would change ${remediation.accountsToChange} accounts, more than --max-accounts-changed ` +
        `${remediation.maxAccountsChanged}; nothing was written. Narrow the scope with --accounts or --ou, or raise the limit.`,
      abortedBy: 'max-accounts-changed',
    };
  }
  return undefined;
}

async function applyAndVerify(
  assessed: AssessedAccount,
  plan: AccountPlan,
  journal: FileJournal,
  context: FixPhaseContext,
): Promise<void> {
  const { result, desired, iam } = assessed;
  if (!desired || !iam) return;
  const logger = context.logger.child({ accountId: result.accountId, roleArn: result.roleArn });
  if (context.interruption?.requested) {
    // Writes already under way in other accounts finish with their journal entries; this one never starts.
    logger.warn({ signal: context.interruption.signal }, 'fix not started in this account: the run was interrupted');
    return;
  }

  let leftUnfixed: FindingRef[];
  try {
    const applied = await applyAccountPlan(plan, { iam, journal, desired, now: context.now, logger });
    recordOutcomes(assessed, applied.results);
    leftUnfixed = applied.leftUnfixed;
  } catch (error) {
    const aws = describeAwsError(error);
    logger.error({ err: error, awsErrorCode: aws.code }, 'applying the fix failed');
    result.remediation!.verified = false;
    assessed.result.status = 'remediation_failed';
    return;
  }

  try {
    const verified = await verifyAccount({
      iam,
      desired,
      accountId: result.accountId,
      partition: context.partition,
      leftUnfixed,
      attempts: context.options.verifyAttempts,
      baseDelayMs: context.options.verifyBaseDelayMs,
      sleep: context.options.sleep,
    });
    await journal.recordAccountComplete(result.accountId, {
      verified: verified.verified,
      after: snapshotRole(verified.observed),
      findings: verified.findings,
    });
    result.remediation!.verified = verified.verified;
    result.remediation!.findingsAfter = verified.findings;
    result.status = statusAfterFix(result.remediation!.actions, verified.verified, verified.findings);
  } catch (error) {
    const aws = describeAwsError(error);
    logger.error({ err: error, awsErrorCode: aws.code, awsRequestId: aws.requestId }, 'verifying the fix failed');
    result.remediation!.verified = false;
    assessed.result.status = 'remediation_failed';
  }
  logger.info({ status: result.status, verified: result.remediation!.verified }, `account ${result.accountId} ${result.status}`);
}

/**
 * Returns the status of an account after its fix. A failed action makes it `remediation_failed`, and
 * so does a read-back that still shows fixable drift. Drift left on purpose (a missing customer
 * policy, a path IAM cannot change) keeps it `noncompliant`. Only a read-back without drift makes it
 * `remediated`.
 */
function statusAfterFix(actions: PlannedAction[], verified: boolean, findingsAfter: Finding[]): AccountStatus {
  if (actions.some((action) => action.outcome === 'failed')) return 'remediation_failed';
  if (!verified) return 'remediation_failed';
  return statusOf(findingsAfter) === 'compliant' ? 'remediated' : 'noncompliant';
}

function recordOutcomes(assessed: AssessedAccount, results: ActionResult[]): void {
  // applyAccountPlan may re-plan after CreateRole finds the role, so the results are the truth.
  const actions = results.map((actionResult) => {
    const planned = toPlannedAction(actionResult.action);
    planned.outcome = actionResult.outcome;
    if (actionResult.reason) planned.outcomeReason = actionResult.reason;
    if (actionResult.error) {
      planned.awsErrorCode = actionResult.error.code;
      if (actionResult.error.requestId) planned.awsRequestId = actionResult.error.requestId;
      planned.outcomeReason = `${actionResult.error.code}: ${actionResult.error.message}${
        actionResult.reason ? ` ${actionResult.reason}` : ''
      }`;
    }
    return planned;
  });
  assessed.result.remediation!.actions = actions;
}

function toPlannedAction(action: AccountPlan['actions'][number]): PlannedAction {
  return {
    kind: action.kind,
    target: action.target,
    fixes: action.fixes.map((ref) => `${ref.code} ${ref.subject}`),
    before: action.before,
    after: action.after,
    reason: action.reason,
  };
}

