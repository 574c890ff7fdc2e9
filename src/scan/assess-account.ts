/**
 * Assesses one account: get credentials, inspect the role, evaluate drift. Every failure becomes the
 * account's error with the AWS error code and request id, so one account never stops the others.
 */
import type { AwsClientFactory, Credentials, OrganizationsApi } from '../aws/api.js';
import { CallCounter } from '../aws/api.js';
import { describeAwsError, isAccessDenied } from '../aws/aws-error.js';
import { resolveDesiredRole, type DesiredStateConfig } from '../config/index.js';
import { assumeAccessRole } from '../credentials/assume-role.js';
import type { CallerIdentity } from '../credentials/caller.js';
import { readAccountTags } from '../discover/accounts.js';
import { AuditError } from '../errors.js';
import { evaluateRole } from '../evaluate/index.js';
import { inspectRole } from '../inspect/role.js';
import type { AccountError, AccountResult, Finding, OrgAccount } from '../model.js';

export interface AssessmentContext {
  clients: AwsClientFactory;
  organizations: OrganizationsApi;
  config: DesiredStateConfig;
  caller: CallerIdentity;
  region: string;
  accessRoleName: string;
  externalId?: string;
  roleSessionName: string;
  /** Read account tags before resolving the desired state, because an override matches on tags. */
  needsTags: boolean;
  now: () => number;
}

/** An account is compliant when every finding is advisory. */
export function statusOf(findings: Finding[]): 'compliant' | 'noncompliant' {
  return findings.every((finding) => finding.advisory === true) ? 'compliant' : 'noncompliant';
}

export async function assessAccount(context: AssessmentContext, account: OrgAccount): Promise<AccountResult> {
  const started = context.now();
  const counter = new CallCounter();
  const result: AccountResult = {
    accountId: account.id,
    accountName: account.name,
    state: account.state,
    ouPath: account.ouPath,
    status: 'error',
    findings: [],
    durationMs: 0,
    apiCalls: counter.byOperation,
  };
  const finish = (): AccountResult => {
    result.durationMs = Math.max(0, Math.round(context.now() - started));
    return result;
  };

  const partition = context.caller.partition;
  const desiredRoleName = context.config.role.name;
  result.roleArn = `arn:${partition}:iam::${account.id}:role${context.config.role.path}${desiredRoleName}`;

  // Credentials: the management account is read with the base credentials, as it has no access role.
  let credentials: Credentials | undefined;
  if (account.id !== context.caller.accountId) {
    try {
      const assumed = await assumeAccessRole({
        sts: context.clients.sts(counter),
        accountId: account.id,
        partition,
        roleName: context.accessRoleName,
        roleSessionName: context.roleSessionName,
        externalId: context.externalId,
        now: context.now,
      });
      credentials = assumed.provider;
      result.accessRoleArn = assumed.roleArn;
    } catch (error) {
      const roleArn = `arn:${partition}:iam::${account.id}:role/${context.accessRoleName}`;
      result.accessRoleArn = roleArn;
      result.error = toAccountError(error, 'credentials', roleArn);
      return finish();
    }
  }

  // Inspect and evaluate.
  try {
    const tags = context.needsTags ? await readAccountTags(context.organizations, account.id) : account.tags;
    const desired = resolveDesiredRole(
      context.config,
      { id: account.id, ouIds: account.ouPath.map((ou) => ou.id), tags },
      { partition, region: context.region },
    );
    const observed = await inspectRole(context.clients.iam(credentials, counter), desired.roleName);
    if (observed) result.roleArn = observed.arn;
    result.findings = evaluateRole(desired, observed, { accountId: account.id, partition });
    result.status = statusOf(result.findings);
  } catch (error) {
    result.error = toAccountError(error, 'inspect', result.roleArn);
  }
  return finish();
}

function toAccountError(error: unknown, stage: AccountError['stage'], roleArn: string | undefined): AccountError {
  const aws = describeAwsError(error);
  const code = error instanceof AuditError ? error.code : classify(error, stage);
  const accountError: AccountError = { code, message: aws.message, stage };
  if (!(error instanceof AuditError)) accountError.awsErrorCode = aws.code;
  if (aws.requestId) accountError.awsRequestId = aws.requestId;
  if (aws.httpStatus !== undefined) accountError.httpStatus = aws.httpStatus;
  if (roleArn) accountError.roleArn = roleArn;
  return accountError;
}

function classify(error: unknown, stage: AccountError['stage']): string {
  if (stage === 'credentials') return 'ASSUME_ROLE_FAILED';
  if (isAccessDenied(error)) return 'ACCESS_DENIED';
  return describeAwsError(error).httpStatus === undefined ? 'REQUEST_FAILED' : 'AWS_ERROR';
}
