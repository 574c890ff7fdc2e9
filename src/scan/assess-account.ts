/**
 * Assesses one account: get credentials, inspect the role, evaluate drift. Every failure becomes the
 * account's error with the AWS error code and request id, so one account never stops the others.
 */
import type { AwsClientFactory, Credentials, IamApi, OrganizationsApi } from '../aws/api.js';
import { CallCounter } from '../aws/api.js';
import { describeAwsError, isAccessDenied } from '../aws/aws-error.js';
import { resolveDesiredRole, type DesiredStateConfig } from '../config/index.js';
import { accessRoleArnFor, credentialsForAccount } from '../credentials/account-credentials.js';
import type { CallerIdentity } from '../credentials/caller.js';
import { readAccountTags } from '../discover/accounts.js';
import { AuditError } from '../errors.js';
import { evaluateRole } from '../evaluate/index.js';
import { inspectRole } from '../inspect/role.js';
import type { Logger } from '../log/logger.js';
import { evaluateWithoutTags } from './tag-free.js';
import type { AccountError, AccountResult, DesiredRole, Finding, ObservedRole, OrgAccount } from '../model.js';

export interface AssessmentContext {
  clients: AwsClientFactory;
  /** Organizations with the base credentials, paced with the run's other calls, counting on `counter`. */
  organizationsFor: (counter: CallCounter) => OrganizationsApi;
  config: DesiredStateConfig;
  caller: CallerIdentity;
  region: string;
  accessRoleName: string;
  externalId?: string;
  roleSessionName: string;
  /** An override matches on tags, so the tags are read whenever they could change the findings. */
  needsTags: boolean;
  /** A `--fix` run, which needs the exact desired state and so always reads the tags it needs. */
  fix: boolean;
  /** Receives one debug line per step of each account. */
  logger?: Logger;
  now: () => number;
}

/**
 * The result of one account, and for an assessed account what `--fix` needs to plan and apply:
 * the desired and observed role, and IAM with the account's credentials.
 */
export interface AssessedAccount {
  result: AccountResult;
  desired?: DesiredRole;
  observed?: ObservedRole;
  iam?: IamApi;
}

/** Returns `compliant` when every finding is advisory, `noncompliant` otherwise. */
export function statusOf(findings: Finding[]): 'compliant' | 'noncompliant' {
  return findings.every((finding) => finding.advisory === true) ? 'compliant' : 'noncompliant';
}

/** Assesses `account`, counting its AWS calls on `counter` (a caller passes one to read it on a timeout). */
export async function assessAccount(
  context: AssessmentContext,
  account: OrgAccount,
  counter: CallCounter = new CallCounter(),
): Promise<AssessedAccount> {
  const started = context.now();
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
  const assessed: AssessedAccount = { result };
  const finish = (): AssessedAccount => {
    result.durationMs = Math.max(0, Math.round(context.now() - started));
    return assessed;
  };

  const partition = context.caller.partition;
  const desiredRoleName = context.config.role.name;
  result.roleArn = `arn:${partition}:iam::${account.id}:role${context.config.role.path}${desiredRoleName}`;

  // Credentials: the management account is read with the base credentials, as it has no access role.
  let credentials: Credentials | undefined;
  try {
    const resolved = await credentialsForAccount({
      sts: context.clients.sts(counter),
      caller: context.caller,
      accountId: account.id,
      accessRoleName: context.accessRoleName,
      roleSessionName: context.roleSessionName,
      externalId: context.externalId,
      now: context.now,
    });
    credentials = resolved.credentials;
    if (resolved.accessRoleArn) result.accessRoleArn = resolved.accessRoleArn;
    context.logger?.debug(
      { accountId: account.id, accessRoleArn: result.accessRoleArn ?? 'base credentials' },
      'credentials ready',
    );
  } catch (error) {
    result.accessRoleArn = accessRoleArnFor({ caller: context.caller, accountId: account.id, accessRoleName: context.accessRoleName });
    result.error = toAccountError(error, 'credentials', result.accessRoleArn);
    return finish();
  }

  // Inspect and evaluate.
  try {
    // Overrides never change the role name, so the role is read before the tags are known.
    const iam = context.clients.iam(credentials, counter);
    const observed = await inspectRole(iam, context.config.role.name);
    if (observed) result.roleArn = observed.arn;
    context.logger?.debug(
      {
        accountId: account.id,
        roleArn: result.roleArn,
        found: observed !== undefined,
        attachedPolicies: observed?.attachedPolicies.length,
        inlinePolicies: observed?.inlinePolicies.length,
      },
      'role read',
    );

    const facts = { id: account.id, ouIds: account.ouPath.map((ou) => ou.id) };
    const resolveContext = { partition, region: context.region };
    let evaluation =
      context.needsTags && !context.fix
        ? evaluateWithoutTags(context.config, facts, observed, resolveContext)
        : undefined;
    if (evaluation) {
      context.logger?.debug({ accountId: account.id }, 'tags not read: no tag override changes the findings');
    } else {
      const tags = context.needsTags ? await readAccountTags(context.organizationsFor(counter), account.id) : account.tags;
      if (context.needsTags) context.logger?.debug({ accountId: account.id, tags }, 'tags read');
      const desired = resolveDesiredRole(context.config, { ...facts, tags }, resolveContext);
      evaluation = { desired, findings: evaluateRole(desired, observed, { accountId: account.id, partition }) };
    }

    result.findings = evaluation.findings;
    result.status = statusOf(result.findings);
    Object.assign(assessed, { desired: evaluation.desired, observed, iam });
  } catch (error) {
    result.error = toAccountError(error, 'inspect', result.roleArn);
  }
  return finish();
}

export function toAccountError(error: unknown, stage: AccountError['stage'], roleArn: string | undefined): AccountError {
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
