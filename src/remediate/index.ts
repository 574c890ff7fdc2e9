/**
 * Remediation of the service role (`--fix`): plan the writes from the findings, journal and apply
 * them, verify the result, and roll a run back from its journal.
 */
export { buildAccountPlan, CREATED_BY_RUN_TAG, type AccountPlanInput } from './plan.js';
export { applyAccountPlan, type ApplyDependencies } from './apply.js';
export { verifyAccount, type VerifyDependencies, type VerifyResult } from './verify.js';
export {
  FileJournal,
  readJournal,
  type AccountCompleteRecord,
  type AccountCompletion,
  type ActionRecord,
  type BeforeRecord,
  type Journal,
  type JournalHeader,
  type JournalRecord,
  type ReadJournalResult,
  type RunRecord,
} from './journal.js';
export {
  planAccountRollback,
  planRollback,
  rollbackAccount,
  type AccountRollbackPlan,
  type AccountRollbackResult,
  type AccountRollbackStatus,
  type RollbackDependencies,
  type RollbackPlan,
  type RollbackStatus,
} from './rollback.js';
export { applyWriteToSnapshot, diffSnapshots, snapshotRole } from './snapshot.js';
export { awsErrorCode, readRole } from './sdk-errors.js';
export type {
  AccountPlan,
  ActionOutcome,
  ActionResult,
  ApplyResult,
  ApplyStatus,
  FindingRef,
  InlinePolicySnapshot,
  RemediationAction,
  RoleSnapshot,
  RoleTag,
  RoleWrite,
  RoleWriteKind,
  WriteError,
} from './types.js';
