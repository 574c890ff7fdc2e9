/**
 * Applies the plan of one account: journal first, then each write in plan order, with the checks that
 * keep the role from ever having less than it needs.
 */
import type { IamApi } from '../aws/api.js';
import { AuditError } from '../errors.js';
import { evaluateRole } from '../evaluate/index.js';
import type { Logger } from '../log/logger.js';
import type { DesiredRole } from '../model.js';
import { awsErrorCode, readRole } from './sdk-errors.js';
import type { Journal } from './journal.js';
import { buildAccountPlan, CREATED_BY_RUN_TAG } from './plan.js';
import { attemptWrite, failedResult, isoTime, sendWrite, skippedResult } from './send-write.js';
import type { AccountPlan, ActionResult, ApplyResult, FindingRef, RemediationAction } from './types.js';

export interface ApplyDependencies {
  /** IAM in the plan's account. */
  iam: IamApi;
  journal: Journal;
  /** The desired role the plan was built from; needed to plan again after CreateRole finds the role. */
  desired: DesiredRole;
  now?: () => number;
  logger?: Logger;
}

/** IAM quotas page, "IAM object quotas": managed policies per role. */
const MANAGED_POLICY_QUOTA_NOTE =
  'The role has as many managed policies as the IAM quota allows (10 by default, adjustable up to 20). ' +
  'No other policy was detached to make room, so nothing is detached or deleted in this account: ' +
  'detach a policy by hand or request a quota increase, then run --fix again.';

const KEEP_PERMISSIONS_REASON =
  'A required managed policy could not be attached, so no policy is detached or deleted in this account: ' +
  'the role must never have less than it needs.';

const MISSING_CUSTOMER_POLICY_REASON = 'policy does not exist in the account; a person must create it';

interface ApplyContext extends ApplyDependencies {
  plan: AccountPlan;
  now: () => number;
}

/** What CreateRole left: its result and, when the role already existed, the plan from its real state. */
interface CreateOutcome {
  result: ActionResult;
  replanned?: AccountPlan;
}

/**
 * Applies the actions of `plan` in order. Before the first write, the before-state and the plan are
 * journaled and flushed to disk; after each action, its result is.
 *
 * - AttachRolePolicy of a customer managed policy first checks the policy with GetPolicy. When it
 *   does not exist, the action is `skipped` and the finding stays for a person.
 * - When an AttachRolePolicy fails with LimitExceeded, the other attaches still run, but no
 *   DetachRolePolicy or DeleteRolePolicy does, so the role never loses a permission while it lacks a
 *   required one. Any other failed action, an AttachRolePolicy included, stops the account: later
 *   actions are `skipped`.
 * - CreateRole that returns EntityAlreadyExists (a create that timed out on the client but succeeded
 *   in IAM, or a role someone created since the scan) reads the role again and replaces the remaining
 *   actions with a plan from its real state. The CreateRole is `applied` when the role carries this
 *   run's CREATED_BY_RUN_TAG, and `skipped` otherwise; in that case a new before-state is journaled.
 *
 * Raises `AuditError` before any write when an action names another role or deletes the role, and
 * whenever a journal record cannot be written (no write is sent after that).
 */
export async function applyAccountPlan(plan: AccountPlan, deps: ApplyDependencies): Promise<ApplyResult> {
  const now = deps.now ?? Date.now;
  const logger = deps.logger?.child({ accountId: plan.accountId, roleName: plan.roleName });
  const context: ApplyContext = { ...deps, plan, now };

  if (plan.actions.length === 0) {
    return { accountId: plan.accountId, roleName: plan.roleName, status: 'no-changes', results: [], leftUnfixed: plan.unfixable.map(toRef) };
  }
  checkPlanScope(plan);
  await deps.journal.recordBefore(plan.accountId, plan);

  const queue = [...plan.actions];
  const results: ActionResult[] = [];
  let unfixable = plan.unfixable;
  let stopReason: string | undefined;
  let attachFailed = false;

  for (let index = 0; index < queue.length; index++) {
    const action = queue[index]!;
    let result: ActionResult;
    let replanned: AccountPlan | undefined;

    if (stopReason !== undefined) {
      result = skippedResult(action, stopReason, now);
    } else if (attachFailed && removesPermissions(action)) {
      result = skippedResult(action, KEEP_PERMISSIONS_REASON, now);
    } else if (action.kind === 'CreateRole') {
      ({ result, replanned } = await createRole(action, context));
    } else if (action.kind === 'AttachRolePolicy') {
      result = await attachPolicy(action, context);
    } else {
      result = await attemptWrite(deps.iam, action, now);
    }

    await deps.journal.recordAction(plan.accountId, result);
    results.push(result);
    logResult(logger, result);

    if (replanned !== undefined) {
      if (result.outcome === 'skipped') {
        // Someone else's role: its current state is the state a rollback must return to.
        await deps.journal.recordBefore(plan.accountId, replanned);
      }
      queue.splice(index + 1, queue.length, ...replanned.actions.filter((next) => next.kind !== 'CreateRole'));
      unfixable = replanned.unfixable;
    }

    if (result.outcome === 'failed') {
      if (action.kind === 'AttachRolePolicy') {
        attachFailed = true;
        if (result.error?.code !== 'LimitExceeded') {
          stopReason = `AttachRolePolicy of ${action.target} failed, so the later actions were not attempted.`;
        }
      } else {
        stopReason = `${action.kind} of ${action.target} failed, so the later actions were not attempted.`;
      }
    }
  }

  const notApplied = results.filter((result) => result.outcome !== 'applied');
  return {
    accountId: plan.accountId,
    roleName: plan.roleName,
    status: notApplied.length === 0 ? 'applied' : 'incomplete',
    results,
    leftUnfixed: [...unfixable.map(toRef), ...notApplied.flatMap((result) => result.action.fixes)],
  };
}

/** Rejects a plan that writes to another role or deletes the role, which `buildAccountPlan` never builds. */
function checkPlanScope(plan: AccountPlan): void {
  for (const action of plan.actions) {
    if (action.write.roleName.toLowerCase() !== plan.roleName.toLowerCase()) {
      throw new AuditError(
        'PLAN_INVALID',
        `The plan for account ${plan.accountId} has a ${action.kind} on role ${action.write.roleName}, not ${plan.roleName}; nothing was written.`,
      );
    }
    if (action.write.kind === 'DeleteRole') {
      throw new AuditError('PLAN_INVALID', `The plan for account ${plan.accountId} deletes role ${plan.roleName}; --fix never deletes a role, nothing was written.`);
    }
  }
}

function removesPermissions(action: RemediationAction): boolean {
  return action.kind === 'DetachRolePolicy' || action.kind === 'DeleteRolePolicy';
}

/** AWS managed policies live in the `aws` account of every partition and exist in every account. */
function isAwsManagedPolicy(policyArn: string): boolean {
  return /^arn:[\w-]+:iam::aws:policy\//.test(policyArn);
}

async function attachPolicy(action: RemediationAction, context: ApplyContext): Promise<ActionResult> {
  const { iam, now } = context;
  if (!isAwsManagedPolicy(action.target)) {
    try {
      await iam.getPolicy({ PolicyArn: action.target });
    } catch (error) {
      if (awsErrorCode(error) === 'NoSuchEntity') {
        return skippedResult(action, MISSING_CUSTOMER_POLICY_REASON, now);
      }
      return failedResult(action, error, now, `GetPolicy of ${action.target} failed, so the policy was not attached.`);
    }
  }

  try {
    await sendWrite(iam, action.write);
    return { action, outcome: 'applied', at: isoTime(now) };
  } catch (error) {
    const reason = awsErrorCode(error) === 'LimitExceeded' ? MANAGED_POLICY_QUOTA_NOTE : undefined;
    return failedResult(action, error, now, reason);
  }
}

async function createRole(action: RemediationAction, context: ApplyContext): Promise<CreateOutcome> {
  const { iam, now, plan, desired } = context;
  try {
    await sendWrite(iam, action.write);
    return { result: { action, outcome: 'applied', at: isoTime(now) } };
  } catch (error) {
    if (awsErrorCode(error) !== 'EntityAlreadyExists') {
      return { result: failedResult(action, error, now) };
    }
  }

  // IAM is eventually consistent: a role that CreateRole reports may not be readable yet.
  let existing;
  let createdByThisRun = false;
  try {
    const role = (await iam.getRole({ RoleName: plan.roleName })).Role;
    const runTag = action.write.kind === 'CreateRole' ? action.write.tags.find((tag) => tag.Key === CREATED_BY_RUN_TAG) : undefined;
    createdByThisRun =
      runTag !== undefined && (role?.Tags ?? []).some((tag) => tag.Key === CREATED_BY_RUN_TAG && tag.Value === runTag.Value);
    existing = await readRole(iam, plan.roleName);
  } catch (error) {
    return {
      result: failedResult(action, error, now, 'CreateRole returned EntityAlreadyExists and reading the role failed; run --fix again.'),
    };
  }
  if (existing === undefined) {
    return {
      result: failedResult(
        action,
        { name: 'EntityAlreadyExists', message: 'CreateRole returned EntityAlreadyExists, but GetRole returned NoSuchEntity.' },
        now,
        'IAM has not yet made the role visible to reads; run --fix again in a minute.',
      ),
    };
  }

  const partition = plan.roleArn.split(':')[1] ?? 'aws';
  const findings = evaluateRole(desired, existing, { accountId: plan.accountId, partition });
  const replanned = buildAccountPlan({ accountId: plan.accountId, desired, observed: existing, findings });
  const result: ActionResult = createdByThisRun
    ? {
        action,
        outcome: 'applied',
        reason: 'CreateRole returned EntityAlreadyExists, and the role carries the tag of this run, so an earlier attempt of this request created it.',
        at: isoTime(now),
      }
    : skippedResult(action, 'The role already exists: it was created after the scan by someone else. The remaining actions were planned from its current state.', now);
  return { result, replanned };
}

function logResult(logger: Logger | undefined, result: ActionResult): void {
  const fields = {
    action: result.action.kind,
    target: result.action.target,
    outcome: result.outcome,
    ...(result.error === undefined ? {} : { awsErrorCode: result.error.code, awsRequestId: result.error.requestId }),
    ...(result.reason === undefined ? {} : { reason: result.reason }),
  };
  if (result.outcome === 'applied') {
    logger?.info(fields, 'IAM write applied');
  } else if (result.outcome === 'failed') {
    logger?.error({ ...fields, awsErrorMessage: result.error?.message }, 'IAM write failed');
  } else {
    logger?.warn(fields, 'IAM write skipped');
  }
}

function toRef(finding: { code: FindingRef['code']; subject: string }): FindingRef {
  return { code: finding.code, subject: finding.subject };
}
