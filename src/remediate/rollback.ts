/**
 * Rollback of a `--fix` run from its journal: each changed account goes back to the state recorded
 * before its first write, by undoing the applied actions in reverse order. An account that someone
 * changed after the fix is left alone and reported as a conflict.
 */
import type { IamApi } from '../aws/api.js';
import { AuditError } from '../errors.js';
import type { Logger } from '../log/logger.js';
import type { ObservedRole } from '../model.js';
import { readRole } from './sdk-errors.js';
import type { BeforeRecord, Journal, JournalRecord } from './journal.js';
import { attemptWrite, skippedResult } from './send-write.js';
import { applyWriteToSnapshot, diffSnapshots, snapshotRole } from './snapshot.js';
import type { AccountPlan, ActionResult, RemediationAction, RoleSnapshot } from './types.js';

/**
 * - `ready`: the role is as the fix left it, and `actions` restore the before-state;
 * - `conflict`: the role changed after the fix (`differences` lists how), so it is not touched;
 * - `irreversible`: an applied action has no recorded inverse, so the role is not touched;
 * - `nothing-to-undo`: no action of the fix was applied in the account, or its role already matches the before-state.
 */
export type RollbackStatus = 'ready' | 'conflict' | 'irreversible' | 'nothing-to-undo';

export interface AccountRollbackPlan {
  accountId: string;
  roleName: string;
  roleArn: string;
  status: RollbackStatus;
  /** The undo writes, last applied action first; empty unless `ready`. */
  actions: RemediationAction[];
  /** For `conflict` and `irreversible`: the reasons the role is not touched, one sentence each. */
  differences: string[];
  /** The state before the fix, which rollback restores; undefined when the role did not exist. */
  before: RoleSnapshot | undefined;
  /** The state the fix left: the verified after-state, or the before-state with the applied actions' effects. */
  expected: RoleSnapshot | undefined;
  current: RoleSnapshot | undefined;
}

export interface RollbackPlan {
  /** Run id of the journal. */
  runId: string;
  accounts: AccountRollbackPlan[];
  /** Accounts of the journal that `current` had no entry for, so they were not planned. */
  accountsNotRead: string[];
}

/**
 * Plans the rollback of every account in a journal, from the journal records and the current role of
 * each account as `inspectRole` returns it. An entry whose value is undefined means the role does not
 * exist. Pure.
 *
 * The state the fix left is the after-state recorded as verified, or, when the run stopped before
 * verifying (a crash, a failed action), the before-state with the effects of every applied action. A
 * failed action counts as not applied: if it changed IAM anyway (a timed-out request), the account
 * shows up as a conflict.
 */
export function planRollback(records: JournalRecord[], current: Map<string, ObservedRole | undefined>): RollbackPlan {
  const header = records[0];
  if (header?.type !== 'run') {
    throw new AuditError('JOURNAL_INVALID', 'The journal records do not start with a run record.');
  }
  const accountIds = [...new Set(records.filter((record) => record.type === 'before').map((record) => record.accountId))];
  return {
    runId: header.runId,
    accounts: accountIds.filter((id) => current.has(id)).map((id) => planAccountRollback(records, id, current.get(id))),
    accountsNotRead: accountIds.filter((id) => !current.has(id)),
  };
}

/** Plans the rollback of one account; see `planRollback`. Raises `AuditError` when the journal has no before-state for it. */
export function planAccountRollback(
  records: JournalRecord[],
  accountId: string,
  currentRole: ObservedRole | undefined,
): AccountRollbackPlan {
  const { beforeRecord, applied, verifiedAfter } = readAccountHistory(records, accountId);
  const before = beforeRecord.before ?? undefined;
  const current = snapshotRole(currentRole);

  let expected = before;
  for (const action of applied) {
    expected = applyWriteToSnapshot(expected, action.write, beforeRecord.roleArn);
  }
  if (verifiedAfter !== undefined) {
    expected = verifiedAfter ?? undefined;
  }

  const plan: AccountRollbackPlan = {
    accountId,
    roleName: beforeRecord.roleName,
    roleArn: beforeRecord.roleArn,
    status: 'ready',
    actions: [],
    differences: [],
    before,
    expected,
    current,
  };
  if (applied.length === 0) {
    plan.status = 'nothing-to-undo';
    return plan;
  }
  // A repeated or resumed rollback finds accounts it already restored: nothing is left to undo there.
  if (diffSnapshots(before, current).length === 0) {
    plan.status = 'nothing-to-undo';
    plan.differences = ['the role already matches its state before the fix'];
    return plan;
  }

  const differences = diffSnapshots(expected, current);
  if (differences.length > 0) {
    plan.status = 'conflict';
    plan.differences = differences;
    return plan;
  }

  const irreversible = applied.filter((action) => action.undo === null);
  if (irreversible.length > 0) {
    plan.status = 'irreversible';
    plan.differences = irreversible.map((action) => `${action.kind} of ${action.target} has no recorded inverse`);
    return plan;
  }

  plan.actions = [...applied].reverse().map(invertAction);
  return plan;
}

export interface RollbackDependencies {
  /** IAM in the account. */
  iam: IamApi;
  /** The rollback's own journal; required unless `dryRun`. */
  journal?: Journal;
  /** Plan only: read the role and return the actions, write nothing. */
  dryRun?: boolean;
  now?: () => number;
  logger?: Logger;
  /** Waits between the reads that check the restored state; a test passes one that returns at once. */
  sleep?: (ms: number) => Promise<void>;
  /** Reads of the restored state before it counts as not restored; 5 by default. */
  attempts?: number;
  /** Wait before the second read, doubled before each later one; 1,000 ms by default. */
  baseDelayMs?: number;
}

/**
 * - `restored`: the role matches the before-state again;
 * - `dry-run`: `plan.actions` is what a rollback would send;
 * - `failed`: an undo failed, or the role did not match the before-state afterwards;
 * - otherwise the plan's status, and nothing was written.
 */
export type AccountRollbackStatus = 'restored' | 'dry-run' | 'failed' | Exclude<RollbackStatus, 'ready'>;

export interface AccountRollbackResult {
  accountId: string;
  status: AccountRollbackStatus;
  plan: AccountRollbackPlan;
  results: ActionResult[];
  /** For `failed`: how the role differs from the before-state; for a conflict: the plan's differences. */
  differences: string[];
}

/**
 * Reads the role of one account, plans its rollback from `records` and, unless `dryRun`, sends the
 * undo writes. Before and after, it journals like a fix does: the state before the rollback with the
 * planned writes, each result, and the state it left.
 *
 * DeleteRole, the undo of a CreateRole, is sent only after a fresh read shows the role exactly as
 * created: the created trust policy, no managed policy, no inline policy. Otherwise it is skipped as
 * a conflict. The first failed write stops the account. AWS errors from the reads are thrown.
 */
export async function rollbackAccount(
  records: JournalRecord[],
  accountId: string,
  deps: RollbackDependencies,
): Promise<AccountRollbackResult> {
  const now = deps.now ?? Date.now;
  const logger = deps.logger?.child({ accountId });
  const { beforeRecord } = readAccountHistory(records, accountId);

  const plan = planAccountRollback(records, accountId, await readRole(deps.iam, beforeRecord.roleName));
  const result: AccountRollbackResult = { accountId, status: 'dry-run', plan, results: [], differences: plan.differences };
  if (plan.status !== 'ready') {
    result.status = plan.status;
    logger?.warn({ status: plan.status, differences: plan.differences }, 'Rollback left the account unchanged');
    return result;
  }
  if (deps.dryRun === true) {
    return result;
  }
  if (deps.journal === undefined) {
    throw new TypeError('rollbackAccount needs a journal unless dryRun is set');
  }

  await deps.journal.recordBefore(accountId, toAccountPlan(plan));
  let stopReason: string | undefined;
  for (const action of plan.actions) {
    let actionResult: ActionResult;
    if (stopReason !== undefined) {
      actionResult = skippedResult(action, stopReason, now);
    } else if (action.write.kind === 'DeleteRole') {
      actionResult = await deleteCreatedRole(action, plan, deps.iam, now);
    } else {
      actionResult = await attemptWrite(deps.iam, action, now);
    }
    await deps.journal.recordAction(accountId, actionResult);
    result.results.push(actionResult);
    logger?.info({ action: action.kind, target: action.target, outcome: actionResult.outcome }, 'Rollback write');
    if (actionResult.outcome !== 'applied') {
      stopReason = `${action.kind} of ${action.target} was not applied, so the later undo writes were not attempted.`;
    }
  }

  // After a write that was not applied the role cannot match, so one read is enough.
  const { differences, after } = await readRestoredState(deps, plan, stopReason === undefined ? deps.attempts ?? 5 : 1);
  await deps.journal.recordAccountComplete(accountId, { verified: differences.length === 0, after, findings: [] });
  result.differences = differences;
  result.status = stopReason === undefined && differences.length === 0 ? 'restored' : 'failed';
  return result;
}

/** Finds the latest before-state of an account, the actions applied after it, and the verified after-state if any. */
function readAccountHistory(
  records: JournalRecord[],
  accountId: string,
): { beforeRecord: BeforeRecord; applied: RemediationAction[]; verifiedAfter: RoleSnapshot | null | undefined } {
  let beforeIndex = -1;
  records.forEach((record, index) => {
    if (record.type === 'before' && record.accountId === accountId) {
      beforeIndex = index;
    }
  });
  if (beforeIndex === -1) {
    throw new AuditError('JOURNAL_INVALID', `The journal has no before-state for account ${accountId}.`);
  }

  const applied: RemediationAction[] = [];
  let verifiedAfter: RoleSnapshot | null | undefined;
  for (const record of records.slice(beforeIndex + 1)) {
    if (record.type === 'run' || record.accountId !== accountId) {
      continue;
    }
    if (record.type === 'action' && record.result.outcome === 'applied') {
      applied.push(record.result.action);
    } else if (record.type === 'account-complete' && record.verified) {
      verifiedAfter = record.after;
    }
  }
  return { beforeRecord: records[beforeIndex] as BeforeRecord, applied, verifiedAfter };
}

/** Builds the action that reverses `action`: its undo write, whose own undo is the original write. */
function invertAction(action: RemediationAction): RemediationAction {
  const write = action.undo!;
  return {
    kind: write.kind,
    fixes: [],
    target: action.target,
    before: action.after,
    after: action.before,
    write,
    undo: action.write,
    reason: `Reverses ${action.kind} of ${action.target}.`,
  };
}

function toAccountPlan(plan: AccountRollbackPlan): AccountPlan {
  return {
    accountId: plan.accountId,
    roleName: plan.roleName,
    roleArn: plan.roleArn,
    actions: plan.actions,
    unfixable: [],
    advisories: [],
    before: plan.current,
  };
}

async function deleteCreatedRole(
  action: RemediationAction,
  plan: AccountRollbackPlan,
  iam: IamApi,
  now: () => number,
): Promise<ActionResult> {
  // `undo` of the inverse is the original CreateRole, which gives the role as created.
  const asCreated = action.undo === null ? undefined : applyWriteToSnapshot(undefined, action.undo, plan.roleArn);
  const differences = diffSnapshots(asCreated, snapshotRole(await readRole(iam, plan.roleName)));
  if (asCreated === undefined || differences.length > 0) {
    return skippedResult(action, `The role is no longer exactly as --fix created it (${differences.join('; ')}), so it was not deleted.`, now);
  }
  return attemptWrite(iam, action, now);
}

/** Reads the role until it matches the before-state or the attempts run out (IAM is eventually consistent). */
async function readRestoredState(
  deps: RollbackDependencies,
  plan: AccountRollbackPlan,
  attempts: number,
): Promise<{ differences: string[]; after: RoleSnapshot | undefined }> {
  const baseDelayMs = deps.baseDelayMs ?? 1000;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  let after: RoleSnapshot | undefined;
  let differences: string[] = [];
  for (let attempt = 1; attempt <= attempts; attempt++) {
    after = snapshotRole(await readRole(deps.iam, plan.roleName));
    differences = diffSnapshots(plan.before, after);
    if (differences.length === 0) {
      break;
    }
    if (attempt < attempts) {
      await sleep(baseDelayMs * 2 ** (attempt - 1));
    }
  }
  return { differences, after };
}
