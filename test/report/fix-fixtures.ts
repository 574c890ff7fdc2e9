/**
 * Reports of `--fix` runs: a dry run, an applied fix and a fix that stopped before any write. Action
 * texts follow what the remediation step writes: trust policies as IAM returned them on the `before`
 * side and as compact JSON on the `after` side.
 */
import type { AccountResult, Finding, RunReport } from '../../src/model.js';
import {
  COMPLIANT_ACCOUNT,
  ERROR_ACCOUNT,
  PLAIN_TRUST_POLICY,
  SKIPPED_ACCOUNT,
  sampleReport,
  WIDENED_TRUST_POLICY,
} from './fixtures.js';

const CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const DEPRECATED_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM';

export const JOURNAL_PATH = 'reports/ssm-role-audit-20261204T192000Z-a1b2c3.journal.jsonl';
export const ROLLBACK_COMMAND = `ssm-role-audit rollback ${JOURNAL_PATH} --region eu-west-1`;
export const FAILED_REQUEST_ID = '0d4f6a2b-7c1e-4b3a-9e8d-5f6a7b8c9d0e';

/** The trust policy text as IAM returned it after one percent-decode: pretty-printed, keys in IAM's order. */
const WIDENED_TRUST_TEXT = JSON.stringify(WIDENED_TRUST_POLICY, null, 4);
const PLAIN_TRUST_TEXT = JSON.stringify(PLAIN_TRUST_POLICY);

const HARDENING_ADVISORY: Finding = {
  code: 'TRUST_HARDENING_MISSING',
  severity: 'low',
  message: 'The trust policy has no aws:SourceAccount or aws:SourceArn condition against the confused-deputy problem.',
  subject: 'trust policy',
  fixable: true,
  advisory: true,
};

const CORE_MISSING: Finding = {
  code: 'MANAGED_POLICY_MISSING',
  severity: 'high',
  message: 'The required managed policy AmazonSSMManagedInstanceCore is not attached.',
  subject: CORE_POLICY_ARN,
  expected: CORE_POLICY_ARN,
  fixable: true,
};

const DEPRECATED_ATTACHED: Finding = {
  code: 'MANAGED_POLICY_DEPRECATED',
  severity: 'medium',
  message: 'The deprecated managed policy AmazonEC2RoleforSSM is attached; AmazonSSMManagedInstanceCore replaces it.',
  subject: DEPRECATED_POLICY_ARN,
  expected: CORE_POLICY_ARN,
  actual: DEPRECATED_POLICY_ARN,
  fixable: true,
};

/** Drift in the trust policy and the managed policies, all of it fixable. */
function driftedAccount(accountId: string, accountName: string): AccountResult {
  return {
    accountId,
    accountName,
    state: 'ACTIVE',
    ouPath: [
      { id: 'r-a1b2', name: 'Root' },
      { id: 'ou-a1b2-22222222', name: 'Workloads' },
    ],
    status: 'noncompliant',
    roleArn: `arn:aws:iam::${accountId}:role/SSMServiceRole`,
    accessRoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`,
    findings: [
      {
        code: 'TRUST_PRINCIPAL_EXTRA',
        severity: 'high',
        message: 'The trust policy also lets ec2.amazonaws.com assume the role.',
        subject: 'trust policy',
        expected: PLAIN_TRUST_POLICY,
        actual: WIDENED_TRUST_POLICY,
        fixable: true,
      },
      CORE_MISSING,
      DEPRECATED_ATTACHED,
    ],
    durationMs: 2210,
    apiCalls: { 'STS:AssumeRole': 1, 'IAM:GetRole': 2, 'IAM:ListAttachedRolePolicies': 2, 'IAM:ListRolePolicies': 2 },
    remediation: {
      actions: [
        {
          kind: 'UpdateAssumeRolePolicy',
          target: `arn:aws:iam::${accountId}:role/SSMServiceRole`,
          fixes: ['TRUST_PRINCIPAL_EXTRA trust policy'],
          before: WIDENED_TRUST_TEXT,
          after: PLAIN_TRUST_TEXT,
          reason: 'The trust policy has TRUST_PRINCIPAL_EXTRA.',
        },
        {
          kind: 'AttachRolePolicy',
          target: CORE_POLICY_ARN,
          fixes: [`MANAGED_POLICY_MISSING ${CORE_POLICY_ARN}`],
          before: null,
          after: CORE_POLICY_ARN,
          reason: `${CORE_POLICY_ARN} is required and not attached.`,
        },
        {
          kind: 'DetachRolePolicy',
          target: DEPRECATED_POLICY_ARN,
          fixes: [`MANAGED_POLICY_DEPRECATED ${DEPRECATED_POLICY_ARN}`],
          before: DEPRECATED_POLICY_ARN,
          after: null,
          reason: `${DEPRECATED_POLICY_ARN} is deprecated.`,
        },
      ],
      needsPerson: [],
    },
  };
}

/** Drift that a person must fix (the role path) next to an inline policy that the fix deletes. */
function needsPersonAccount(): AccountResult {
  const roleArn = 'arn:aws:iam::777777777777:role/legacy/SSMServiceRole';
  const inlineDocument = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::legacy-output/*' }],
  });
  const pathMismatch: Finding = {
    code: 'ROLE_PATH_MISMATCH',
    severity: 'medium',
    message: 'The role path is /legacy/, not /.',
    subject: roleArn,
    expected: '/',
    actual: '/legacy/',
    fixable: false,
  };

  return {
    accountId: '777777777777',
    accountName: 'legacy',
    state: 'ACTIVE',
    ouPath: [{ id: 'r-a1b2', name: 'Root' }],
    status: 'noncompliant',
    roleArn,
    accessRoleArn: 'arn:aws:iam::777777777777:role/OrganizationAccountAccessRole',
    findings: [
      pathMismatch,
      {
        code: 'INLINE_POLICY_PRESENT',
        severity: 'medium',
        message: 'The inline policy legacy-output is not in the allowed list.',
        subject: 'legacy-output',
        actual: JSON.parse(inlineDocument) as unknown,
        fixable: true,
      },
    ],
    durationMs: 1650,
    apiCalls: { 'STS:AssumeRole': 1, 'IAM:GetRole': 2, 'IAM:ListRolePolicies': 2, 'IAM:GetRolePolicy': 1 },
    remediation: {
      actions: [
        {
          kind: 'DeleteRolePolicy',
          target: 'legacy-output',
          fixes: ['INLINE_POLICY_PRESENT legacy-output'],
          before: inlineDocument,
          after: null,
          reason: 'The name legacy-output is not in the allowed list.',
        },
      ],
      needsPerson: [`ROLE_PATH_MISMATCH ${roleArn}`],
    },
  };
}

/** Builds a report over the given accounts plus one error, one skipped and one compliant account, with matching counts. */
function fixReport(accounts: AccountResult[]): RunReport {
  const report = sampleReport();
  report.accounts = [...accounts, ERROR_ACCOUNT, SKIPPED_ACCOUNT, COMPLIANT_ACCOUNT].map((account) =>
    structuredClone(account),
  );
  report.counts.accounts = report.accounts.length;
  for (const status of Object.keys(report.counts.byStatus) as (keyof typeof report.counts.byStatus)[]) {
    report.counts.byStatus[status] = report.accounts.filter((account) => account.status === status).length;
  }
  report.counts.byFinding = {};
  for (const finding of report.accounts.flatMap((account) => account.findings)) {
    report.counts.byFinding[finding.code] = (report.counts.byFinding[finding.code] ?? 0) + 1;
  }
  return report;
}

/**
 * Returns a `--fix --dry-run` report: two accounts with changes planned, one with a finding for a
 * person, and one each of error, skipped and compliant.
 */
export function dryRunReport(): RunReport {
  const first = driftedAccount('222222222222', 'payments | prod');
  const second = driftedAccount('666666666666', 'billing');
  first.status = 'planned';
  second.status = 'planned';

  const report = fixReport([second, needsPersonAccount(), first]);
  report.mode = 'fix-dry-run';
  report.exitCode = 2;
  report.remediation = { dryRun: true, maxAccountsChanged: 25, accountsToChange: 3, actionsPlanned: 7 };
  report.reproduce.command = 'ssm-role-audit scan --config config/desired-state.yaml --region eu-west-1 --fix --dry-run';
  return report;
}

/**
 * Returns a `--fix` report that wrote to IAM: 222222222222 remediated with every action applied,
 * 666666666666 remediation_failed with an AttachRolePolicy that AWS rejected, and 777777777777 still
 * noncompliant with a finding that needs a person.
 */
export function appliedFixReport(): RunReport {
  const remediated = driftedAccount('222222222222', 'payments | prod');
  remediated.status = 'remediated';
  for (const action of remediated.remediation!.actions) {
    action.outcome = 'applied';
  }
  remediated.remediation!.verified = true;
  remediated.remediation!.findingsAfter = [HARDENING_ADVISORY];

  const failed = driftedAccount('666666666666', 'billing');
  failed.status = 'remediation_failed';
  const [trust, attach, detach] = failed.remediation!.actions;
  trust!.outcome = 'applied';
  attach!.outcome = 'failed';
  attach!.awsErrorCode = 'AccessDenied';
  attach!.awsRequestId = FAILED_REQUEST_ID;
  attach!.outcomeReason =
    'AccessDenied: User: arn:aws:sts::666666666666:assumed-role/OrganizationAccountAccessRole/ssm-role-audit ' +
    'is not authorized to perform: iam:AttachRolePolicy on resource: role SSMServiceRole';
  detach!.outcome = 'skipped';
  detach!.outcomeReason = `AttachRolePolicy of ${CORE_POLICY_ARN} failed, so the later actions were not attempted.`;
  failed.remediation!.verified = false;
  failed.remediation!.findingsAfter = [CORE_MISSING, DEPRECATED_ATTACHED, HARDENING_ADVISORY];

  const needsPerson = needsPersonAccount();
  needsPerson.remediation!.actions[0]!.outcome = 'applied';
  needsPerson.remediation!.verified = true;
  needsPerson.remediation!.findingsAfter = [needsPerson.findings[0]!];

  const report = fixReport([failed, needsPerson, remediated]);
  report.mode = 'fix';
  report.exitCode = 2;
  report.remediation = {
    dryRun: false,
    maxAccountsChanged: 25,
    accountsToChange: 3,
    actionsPlanned: 7,
    journalPath: JOURNAL_PATH,
    rollbackCommand: ROLLBACK_COMMAND,
  };
  report.reproduce.command = 'ssm-role-audit scan --config config/desired-state.yaml --region eu-west-1 --fix --yes';
  return report;
}

export const ABORTED_REASON =
  'The plan would change 3 accounts, more than --max-accounts-changed 2; nothing was written. ' +
  'Narrow the scope with --accounts or --ou, or raise the limit.';

/** Returns a `--fix` report that stopped before any write because the plan exceeded `--max-accounts-changed`. */
export function abortedFixReport(): RunReport {
  const report = dryRunReport();
  for (const account of report.accounts) {
    if (account.status === 'planned') {
      account.status = 'noncompliant';
    }
  }
  report.counts.byStatus.noncompliant += report.counts.byStatus.planned;
  report.counts.byStatus.planned = 0;
  report.mode = 'fix';
  report.exitCode = 4;
  report.remediation = {
    dryRun: false,
    maxAccountsChanged: 2,
    accountsToChange: 3,
    actionsPlanned: 7,
    aborted: ABORTED_REASON,
    abortedBy: 'max-accounts-changed',
  };
  return report;
}
