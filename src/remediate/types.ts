/**
 * The plain data of remediation: the state of a role as a snapshot, the IAM writes that change it,
 * the plan of one account and the results of applying it. Every value here serialises to JSON as it
 * is, so plans can be printed, journaled and read back for rollback without conversion.
 */
import type { Finding, FindingCode } from '../model.js';

/** The state of the service role that remediation changes and rollback restores. */
export interface RoleSnapshot {
  roleName: string;
  path: string;
  arn: string;
  /** Known for a role read from IAM; absent for the state a CreateRole is expected to leave. */
  roleId?: string;
  /** The trust policy text after one percent-decode, exactly as IAM stores it. */
  trustPolicy: string;
  /** Attached managed policy ARNs, sorted. */
  attachedPolicyArns: string[];
  /** Inline policies with their document text after one percent-decode, sorted by name. */
  inlinePolicies: InlinePolicySnapshot[];
}

export interface InlinePolicySnapshot {
  policyName: string;
  document: string;
}

/** An IAM resource tag. */
export interface RoleTag {
  Key: string;
  Value: string;
}

/**
 * One IAM write on the service role, with the parameters it is sent with. Documents are plain JSON
 * text: IAM takes writes unencoded and percent-encodes only what it returns.
 */
export type RoleWrite =
  | { kind: 'CreateRole'; roleName: string; path: string; trustPolicy: string; tags: RoleTag[] }
  | { kind: 'DeleteRole'; roleName: string }
  | { kind: 'UpdateAssumeRolePolicy'; roleName: string; trustPolicy: string }
  | { kind: 'AttachRolePolicy'; roleName: string; policyArn: string }
  | { kind: 'DetachRolePolicy'; roleName: string; policyArn: string }
  | { kind: 'PutRolePolicy'; roleName: string; policyName: string; policyDocument: string }
  | { kind: 'DeleteRolePolicy'; roleName: string; policyName: string };

export type RoleWriteKind = RoleWrite['kind'];

/** A finding named by its code and subject, the pair that identifies it within one account. */
export interface FindingRef {
  code: FindingCode;
  subject: string;
}

/**
 * One step of a plan: the write, the findings it fixes, what it changes, and the write that reverses it.
 *
 * `before` and `after` are the value at `target` on each side of the write. That value is the trust
 * policy or inline policy document text, or the policy ARN for an attached managed policy. It is null
 * where the role, the attachment or the inline policy does not exist.
 */
export interface RemediationAction {
  kind: RoleWriteKind;
  fixes: FindingRef[];
  /** The role ARN for CreateRole, DeleteRole and UpdateAssumeRolePolicy, the policy ARN or the inline policy name otherwise. */
  target: string;
  before: string | null;
  after: string | null;
  write: RoleWrite;
  /**
   * The inverse write: Detach for Attach and back, UpdateAssumeRolePolicy with the old document,
   * PutRolePolicy with the recorded document for DeleteRolePolicy, DeleteRole for CreateRole (which
   * rollback sends only while the role is exactly as created). Null when no write can reverse it.
   */
  undo: RoleWrite | null;
  /** One sentence on why the action is in the plan. */
  reason: string;
}

/** Every change to one account's service role, in the order it is applied. */
export interface AccountPlan {
  accountId: string;
  roleName: string;
  roleArn: string;
  actions: RemediationAction[];
  /** Findings that need a person, such as ROLE_PATH_MISMATCH or a trust policy the tool could not read. */
  unfixable: Finding[];
  /** Advisory findings, which never cause a write. */
  advisories: Finding[];
  /** The role before the plan runs; undefined when it does not exist. */
  before: RoleSnapshot | undefined;
}

/** The AWS or network error of a failed write. */
export interface WriteError {
  /** The AWS error code, or the Node error name or code for a network failure. */
  code: string;
  message: string;
  requestId?: string;
  httpStatus?: number;
}

export type ActionOutcome = 'applied' | 'failed' | 'skipped';

/** The result of one action of a plan. */
export interface ActionResult {
  action: RemediationAction;
  outcome: ActionOutcome;
  /** Set for `failed`. */
  error?: WriteError;
  /** The reason an action was skipped, or the meaning of a failure for the account and the next step. */
  reason?: string;
  /** ISO 8601 time the result was known. */
  at: string;
}

/**
 * - `no-changes`: the plan had no action, so nothing was written or journaled;
 * - `applied`: every action was applied;
 * - `incomplete`: at least one action failed or was skipped.
 */
export type ApplyStatus = 'no-changes' | 'applied' | 'incomplete';

export interface ApplyResult {
  accountId: string;
  roleName: string;
  status: ApplyStatus;
  /** One result per action, in the order they ran; actions never attempted are `skipped`. */
  results: ActionResult[];
  /**
   * The findings that the plan fixes but whose action failed or was skipped, and the unfixable
   * ones. Pass them to `verifyAccount` as `leftUnfixed`, so it does not wait for them to go away.
   */
  leftUnfixed: FindingRef[];
}
