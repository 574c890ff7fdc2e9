/** Sending one IAM write and turning its outcome into an action result. */
import type { IamWriteApi } from '../aws/api.js';
import { describeAwsError } from '../aws/aws-error.js';
import { awsErrorCode } from './sdk-errors.js';
import type { ActionResult, RemediationAction, RoleWrite, WriteError } from './types.js';

/** Description given to a role that `--fix` creates, so a person in the console can tell where it came from. */
const CREATED_ROLE_DESCRIPTION = 'Systems Manager service role for hybrid nodes, created by ssm-role-audit --fix';

/** Sends one write to IAM. AWS errors are thrown unchanged for the caller to record. */
export async function sendWrite(iam: IamWriteApi, write: RoleWrite): Promise<void> {
  switch (write.kind) {
    case 'CreateRole':
      await iam.createRole({
        RoleName: write.roleName,
        Path: write.path,
        AssumeRolePolicyDocument: write.trustPolicy,
        Description: CREATED_ROLE_DESCRIPTION,
        ...(write.tags.length > 0 ? { Tags: write.tags } : {}),
      });
      return;
    case 'DeleteRole':
      await iam.deleteRole({ RoleName: write.roleName });
      return;
    case 'UpdateAssumeRolePolicy':
      await iam.updateAssumeRolePolicy({ RoleName: write.roleName, PolicyDocument: write.trustPolicy });
      return;
    case 'AttachRolePolicy':
      await iam.attachRolePolicy({ RoleName: write.roleName, PolicyArn: write.policyArn });
      return;
    case 'DetachRolePolicy':
      await iam.detachRolePolicy({ RoleName: write.roleName, PolicyArn: write.policyArn });
      return;
    case 'PutRolePolicy':
      await iam.putRolePolicy({ RoleName: write.roleName, PolicyName: write.policyName, PolicyDocument: write.policyDocument });
      return;
    case 'DeleteRolePolicy':
      await iam.deleteRolePolicy({ RoleName: write.roleName, PolicyName: write.policyName });
      return;
  }
}

/**
 * Sends the write of `action` and returns its result: `applied`, or `failed` with the AWS error code,
 * message and request id. Never throws for an AWS or network error.
 */
export async function attemptWrite(iam: IamWriteApi, action: RemediationAction, now: () => number): Promise<ActionResult> {
  try {
    await sendWrite(iam, action.write);
    return { action, outcome: 'applied', at: isoTime(now) };
  } catch (error) {
    return failedResult(action, error, now);
  }
}

/** Builds a `failed` result from an error thrown by an SDK call. */
export function failedResult(action: RemediationAction, error: unknown, now: () => number, reason?: string): ActionResult {
  const info = describeAwsError(error);
  const writeError: WriteError = { code: awsErrorCode(error), message: info.message };
  if (info.requestId !== undefined) writeError.requestId = info.requestId;
  if (info.httpStatus !== undefined) writeError.httpStatus = info.httpStatus;
  const result: ActionResult = { action, outcome: 'failed', error: writeError, at: isoTime(now) };
  if (reason !== undefined) result.reason = reason;
  return result;
}

export function skippedResult(action: RemediationAction, reason: string, now: () => number): ActionResult {
  return { action, outcome: 'skipped', reason, at: isoTime(now) };
}

export function isoTime(now: () => number): string {
  return new Date(now()).toISOString();
}
