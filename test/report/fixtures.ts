import type { AccountResult, RunReport } from '../../src/model.js';

export const PLAIN_TRUST_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      Action: 'sts:AssumeRole',
    },
  ],
};

/** The trust policy as IAM might return it: keys in another order and a second service principal. */
export const WIDENED_TRUST_POLICY = {
  Statement: [
    {
      Action: 'sts:AssumeRole',
      Principal: { Service: ['ec2.amazonaws.com', 'ssm.amazonaws.com'] },
      Effect: 'Allow',
    },
  ],
  Version: '2012-10-17',
};

const INLINE_POLICY_DOCUMENT = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['s3:GetObject', 's3:PutObject'],
      Resource: 'arn:aws:s3:::payments-run-command-output/*',
    },
  ],
};

export const COMPLIANT_ACCOUNT: AccountResult = {
  accountId: '111111111111',
  accountName: 'shared-services',
  state: 'ACTIVE',
  ouPath: [
    { id: 'r-a1b2', name: 'Root' },
    { id: 'ou-a1b2-11111111', name: 'Infrastructure' },
  ],
  status: 'compliant',
  roleArn: 'arn:aws:iam::111111111111:role/SSMServiceRole',
  accessRoleArn: 'arn:aws:iam::111111111111:role/OrganizationAccountAccessRole',
  findings: [
    {
      code: 'TRUST_HARDENING_MISSING',
      severity: 'low',
      message: 'The trust policy has no aws:SourceAccount or aws:SourceArn condition against the confused-deputy problem.',
      subject: 'trust policy',
      fixable: true,
    },
  ],
  durationMs: 412,
  apiCalls: { 'STS:AssumeRole': 1, 'IAM:GetRole': 1, 'IAM:ListAttachedRolePolicies': 1, 'IAM:ListRolePolicies': 1 },
};

export const NONCOMPLIANT_ACCOUNT: AccountResult = {
  accountId: '222222222222',
  accountName: 'payments | prod',
  state: 'ACTIVE',
  ouPath: [
    { id: 'r-a1b2', name: 'Root' },
    { id: 'ou-a1b2-22222222', name: 'Workloads' },
  ],
  status: 'noncompliant',
  roleArn: 'arn:aws:iam::222222222222:role/SSMServiceRole',
  accessRoleArn: 'arn:aws:iam::222222222222:role/OrganizationAccountAccessRole',
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
    {
      code: 'MANAGED_POLICY_DEPRECATED',
      severity: 'medium',
      message: 'The deprecated managed policy AmazonEC2RoleforSSM is attached; AmazonSSMManagedInstanceCore replaces it.',
      subject: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
      expected: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      actual: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
      fixable: true,
    },
    {
      code: 'MANAGED_POLICY_MISSING',
      severity: 'high',
      message: 'The required managed policy AmazonSSMManagedInstanceCore is not attached.',
      subject: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      expected: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      fixable: true,
    },
    {
      code: 'INLINE_POLICY_PRESENT',
      severity: 'medium',
      message: 'The inline policy run-command-output is not in the allowed list.',
      subject: 'run-command-output',
      actual: INLINE_POLICY_DOCUMENT,
      fixable: false,
    },
  ],
  durationMs: 1873,
  apiCalls: { 'STS:AssumeRole': 1, 'IAM:GetRole': 1, 'IAM:ListAttachedRolePolicies': 1, 'IAM:ListRolePolicies': 1, 'IAM:GetRolePolicy': 1 },
};

export const ERROR_ACCOUNT: AccountResult = {
  accountId: '333333333333',
  accountName: 'sandbox',
  state: 'ACTIVE',
  ouPath: [{ id: 'r-a1b2', name: 'Root' }],
  status: 'error',
  accessRoleArn: 'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
  findings: [],
  error: {
    code: 'ASSUME_ROLE_FAILED',
    message:
      'User arn:aws:sts::999999999999:assumed-role/AuditRole/ssm-role-audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
    stage: 'credentials',
    awsErrorCode: 'AccessDenied',
    awsRequestId: '5f1c2e3a-8b9d-4c6e-a7f0-123456789abc',
    httpStatus: 403,
    roleArn: 'arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
  },
  durationMs: 95,
  apiCalls: { 'STS:AssumeRole': 1 },
};

export const SKIPPED_ACCOUNT: AccountResult = {
  accountId: '444444444444',
  accountName: 'old-analytics',
  state: 'SUSPENDED',
  ouPath: [{ id: 'r-a1b2', name: 'Root' }],
  status: 'skipped',
  findings: [],
  skipReason: 'Account state is SUSPENDED; only ACTIVE accounts can be assessed.',
  durationMs: 0,
  apiCalls: {},
};

/**
 * Returns a fresh run over four accounts, one of each status. The accounts are out of order on
 * purpose, so the renderers have to sort them.
 */
export function sampleReport(): RunReport {
  return structuredClone({
    schemaVersion: 2,
    tool: { name: 'ssm-role-audit', version: '0.1.0' },
    runId: '20261204T192000Z-a1b2c3',
    startedAt: '2026-12-04T19:20:00.000Z',
    finishedAt: '2026-12-04T19:21:23.456Z',
    mode: 'audit',
    complete: true,
    exitCode: 2,
    caller: {
      arn: 'arn:aws:sts::999999999999:assumed-role/AuditRole/ssm-role-audit',
      accountId: '999999999999',
      partition: 'aws',
    },
    region: 'eu-west-1',
    organization: { id: 'o-exampleorg1', managementAccountId: '999999999999' },
    config: {
      path: 'config/desired-state.yaml',
      sha256: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08',
    },
    scope: {
      excludeAccounts: ['555555555555'],
      accessRoleName: 'OrganizationAccountAccessRole',
      roleName: 'SSMServiceRole',
      concurrency: 8,
    },
    counts: {
      accounts: 4,
      byStatus: { compliant: 1, noncompliant: 1, error: 1, skipped: 1, planned: 0, remediated: 0, remediation_failed: 0 },
      byFinding: {
        TRUST_PRINCIPAL_EXTRA: 1,
        TRUST_HARDENING_MISSING: 1,
        MANAGED_POLICY_DEPRECATED: 1,
        MANAGED_POLICY_MISSING: 1,
        INLINE_POLICY_PRESENT: 1,
      },
    },
    apiCalls: {
      total: 18,
      retries: 1,
      byOperation: {
        'Organizations:ListAccounts': 1,
        'Organizations:DescribeOrganization': 1,
        'STS:GetCallerIdentity': 1,
        'STS:AssumeRole': 3,
        'IAM:GetRole': 2,
        'IAM:ListAttachedRolePolicies': 2,
        'IAM:ListRolePolicies': 2,
        'IAM:GetRolePolicy': 1,
      },
    },
    accounts: [SKIPPED_ACCOUNT, NONCOMPLIANT_ACCOUNT, ERROR_ACCOUNT, COMPLIANT_ACCOUNT],
    reproduce: {
      command: 'ssm-role-audit scan --config config/desired-state.yaml --region eu-west-1 --exclude-accounts 555555555555',
    },
  } satisfies RunReport);
}
