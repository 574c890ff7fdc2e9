/**
 * The data that flows between the steps of a run: discover accounts, get credentials, inspect the
 * role, evaluate drift, report. Every step reads and returns these plain types, so each one can be
 * tested on its own and the reports can be serialised without conversion.
 */

/** An AWS partition, read from the caller ARN that `GetCallerIdentity` returns. */
export type Partition = 'aws' | 'aws-cn' | 'aws-us-gov' | (string & {});

/** An account as AWS Organizations lists it, plus where it sits in the OU tree. */
export interface OrgAccount {
  id: string;
  name: string;
  email?: string;
  arn?: string;
  /** `State` when Organizations sends it, otherwise the retired `Status` field mapped onto it. */
  state: AccountState;
  /** The root and the OUs from the top down to the account's parent; empty when the tree was not walked. */
  ouPath: OuRef[];
  /** Account tags; undefined when no filter or override needed them and they were not read. */
  tags?: Record<string, string>;
}

export type AccountState =
  | 'ACTIVE'
  | 'PENDING_ACTIVATION'
  | 'SUSPENDED'
  | 'PENDING_CLOSURE'
  | 'CLOSED'
  | (string & {});

export interface OuRef {
  id: string;
  name: string;
}

/**
 * The desired state of the service role in one account, after `${AccountId}`, `${Partition}` and the
 * overrides that match the account have been applied to the config.
 */
export interface DesiredRole {
  roleName: string;
  /** IAM role path, starting and ending with `/`. */
  path: string;
  trustPolicy: DesiredTrustPolicy;
  /** Managed policy rules keyed by full policy ARN, path included. */
  managedPolicies: ManagedPolicyRule[];
  /** Inline policy names that are allowed on the role; every other inline policy is a finding. */
  allowedInlinePolicies: string[];
}

export interface DesiredTrustPolicy {
  /** The service principal that may assume the role, `ssm.amazonaws.com`. */
  servicePrincipal: string;
  /** `sts:AssumeRole`. */
  action: string;
  /**
   * The confused-deputy conditions that AWS's current guide adds:
   * `StringEquals aws:SourceAccount` and `ArnEquals`/`ArnLike aws:SourceArn`.
   * - `recommended`: the plain policy is compliant with a low-severity advisory;
   * - `required`: the plain policy is drift;
   * - `off`: the plain policy is compliant with no advisory (the hardened one still is too).
   */
  hardening: 'recommended' | 'required' | 'off';
  /** The account id that `aws:SourceAccount` must name: the owning account. */
  sourceAccount: string;
  /**
   * Accepted `aws:SourceArn` values, already expanded, such as
   * `arn:aws:ssm:*:111122223333:*` or `arn:aws:ssm:eu-west-1:111122223333:*`. A value matches when it is
   * equal to one of these, or when one of these with `*` as a wildcard matches it.
   */
  sourceArnPatterns: string[];
  /** The exact document `--fix` writes when the trust policy has to be replaced. */
  document: PolicyDocument;
}

export type ManagedPolicyRequirement = 'required' | 'allowed' | 'deprecated';

export interface ManagedPolicyRule {
  arn: string;
  requirement: ManagedPolicyRequirement;
  /** For deprecated policies: the ARN that replaces it, shown in the finding. */
  replacedBy?: string;
  /** Why the policy is there, shown in reports: "Microsoft AD join", "CloudWatch agent". */
  description?: string;
}

/** A parsed JSON policy document; kept loose because IAM stores many shapes of the same policy. */
export type PolicyDocument = Record<string, unknown>;

/** A policy document as read from IAM: decoded once from its percent-encoding, then parsed. */
export interface ObservedDocument {
  /** The text after exactly one percent-decode. */
  text: string;
  /** The parsed document, or undefined when `text` is not a JSON object. */
  document?: PolicyDocument;
  /** The parse error, when parsing failed. */
  parseError?: string;
}

/** The role as read from one account. `undefined` in place of it means GetRole returned NoSuchEntity. */
export interface ObservedRole {
  roleName: string;
  roleId: string;
  arn: string;
  path: string;
  createDate?: string;
  trustPolicy: ObservedDocument;
  attachedPolicies: AttachedPolicy[];
  inlinePolicies: InlinePolicy[];
}

export interface AttachedPolicy {
  policyArn: string;
  policyName: string;
}

export interface InlinePolicy {
  policyName: string;
  document: ObservedDocument;
}

export type FindingCode =
  | 'ROLE_MISSING'
  | 'ROLE_PATH_MISMATCH'
  | 'TRUST_PRINCIPAL_MISSING'
  | 'TRUST_PRINCIPAL_EXTRA'
  | 'TRUST_STATEMENT_EXTRA'
  | 'TRUST_CONDITION_MISMATCH'
  | 'TRUST_HARDENING_MISSING'
  | 'TRUST_VERSION_MISSING'
  | 'MANAGED_POLICY_MISSING'
  | 'MANAGED_POLICY_DEPRECATED'
  | 'MANAGED_POLICY_UNEXPECTED'
  | 'INLINE_POLICY_PRESENT'
  | 'POLICY_DOCUMENT_UNPARSEABLE';

export type Severity = 'critical' | 'high' | 'medium' | 'low';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One sentence a compliance reviewer can read without knowing the tool. */
  message: string;
  /** The subject of the finding: a policy ARN, an inline policy name, `trust policy`, the role ARN. */
  subject: string;
  expected?: unknown;
  actual?: unknown;
  /** Whether `--fix` can remediate it without a person (a missing customer policy cannot be attached). */
  fixable: boolean;
  /**
   * True for a recommendation that leaves the account compliant, such as hardening a trust policy
   * that is otherwise exactly the documented one.
   */
  advisory?: boolean;
}

/**
 * - `compliant`, `noncompliant`: as assessed (in a `--fix` run, for accounts the fix left unchanged);
 * - `error`: could not be assessed; `skipped`: not an active account;
 * - `planned`: `--fix --dry-run` planned changes for it;
 * - `remediated`: `--fix` changed it and a read-back shows no drift left;
 * - `remediation_failed`: an action failed, or drift remains after the fix.
 */
export type AccountStatus =
  | 'compliant'
  | 'noncompliant'
  | 'error'
  | 'skipped'
  | 'planned'
  | 'remediated'
  | 'remediation_failed';

/** The reason an account could not be assessed. */
export interface AccountError {
  /** A stable code of this tool: ASSUME_ROLE_FAILED, ACCESS_DENIED, AWS_ERROR, ... */
  code: string;
  message: string;
  /** The step that failed; `discover` for an account requested with `--accounts` but not listed. */
  stage: 'discover' | 'credentials' | 'inspect' | 'evaluate';
  /** The AWS error name (`AccessDenied`, `NoSuchEntity`, ...), when AWS returned one. */
  awsErrorCode?: string;
  awsRequestId?: string;
  httpStatus?: number;
  /** The role the tool tried to assume or read. */
  roleArn?: string;
}

export interface AccountResult {
  accountId: string;
  accountName: string;
  state: AccountState;
  ouPath: OuRef[];
  status: AccountStatus;
  /** ARN of the SSM service role that was inspected (or expected, when missing). */
  roleArn?: string;
  /** ARN of the access role assumed to read the account; absent for the management account. */
  accessRoleArn?: string;
  findings: Finding[];
  error?: AccountError;
  /** The reason the account was skipped, for `skipped`. */
  skipReason?: string;
  durationMs: number;
  /** AWS API calls made for this account, by `Service:Operation`. */
  apiCalls: Record<string, number>;
  /** Retries of this account's calls (throttling, timeouts, server errors, renewed credentials). */
  apiRetries?: number;
  /** The plan and outcome of `--fix` in this account. Absent in an audit and for accounts without a plan. */
  remediation?: AccountRemediation;
}

/** One planned IAM write on the service role, as the reports show it. */
export interface PlannedAction {
  kind: string;
  /** The role ARN, policy ARN or inline policy name the write changes. */
  target: string;
  /** The findings it fixes, as `CODE subject`. */
  fixes: string[];
  /** The value at `target` before and after: a document text, a policy ARN, or null where none exists. */
  before: string | null;
  after: string | null;
  reason: string;
  /** Set once the action ran. */
  outcome?: 'applied' | 'failed' | 'skipped';
  /** The reason it failed or was skipped, with the AWS error code and request id of a failure. */
  outcomeReason?: string;
  awsErrorCode?: string;
  awsRequestId?: string;
}

export interface AccountRemediation {
  actions: PlannedAction[];
  /** Findings no action fixes, which need a person (as `CODE subject`). */
  needsPerson: string[];
  /** Whether the read-back after the fix found no fixable drift left; absent in a dry run. */
  verified?: boolean;
  /** Findings of the read-back after the fix, advisories included; absent in a dry run. */
  findingsAfter?: Finding[];
}

/** The outcome of a `--fix` run as a whole. */
export interface RunRemediation {
  dryRun: boolean;
  /** The blast-radius limit: the most accounts one run may change. */
  maxAccountsChanged: number;
  /** Accounts whose plan has at least one action. */
  accountsToChange: number;
  actionsPlanned: number;
  /** The reason the run stopped before any write (guard, declined confirmation), when it did. */
  aborted?: string;
  /** The cause of a stop before any write: the blast-radius guard, a declined confirmation, or an incomplete listing. */
  abortedBy?: 'max-accounts-changed' | 'not-confirmed' | 'incomplete-listing';
  /** The journal of the writes, from which `rollback` restores the before-state. */
  journalPath?: string;
  rollbackCommand?: string;
}

export type RunMode = 'audit' | 'fix' | 'fix-dry-run';

/** The JSON report of one run. Bump `schemaVersion` on any change that is not a pure addition. */
export interface RunReport {
  schemaVersion: 2;
  tool: { name: string; version: string };
  runId: string;
  startedAt: string;
  finishedAt: string;
  mode: RunMode;
  /** False when the run stopped before every in-scope account was assessed (listing failed, interrupted). */
  complete: boolean;
  incompleteReason?: string;
  exitCode: number;
  caller: { arn: string; accountId: string; partition: Partition };
  region: string;
  organization: { id?: string; managementAccountId?: string };
  config: { path: string; sha256: string };
  /** The filters and settings that decided which accounts were in scope. */
  scope: {
    accounts?: string[];
    excludeAccounts?: string[];
    organizationalUnits?: string[];
    accessRoleName: string;
    roleName: string;
    concurrency: number;
  };
  counts: {
    accounts: number;
    byStatus: Record<AccountStatus, number>;
    byFinding: Partial<Record<FindingCode, number>>;
  };
  /** AWS API calls of the whole run, by `Service:Operation`, and the retries the SDK made. */
  apiCalls: { total: number; retries: number; byOperation: Record<string, number> };
  /** Every account in scope, sorted by account id. */
  accounts: AccountResult[];
  /** Present in `--fix` runs. */
  remediation?: RunRemediation;
  /** Problems that did not stop the run but may make it wrong, such as an override that matches no account. */
  warnings?: string[];
  /** How to run the same scan again. */
  reproduce: { command: string };
}
