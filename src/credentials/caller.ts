/**
 * Who the base credentials belong to. The partition comes from the caller ARN, so every ARN the tool
 * builds is right in `aws-cn` and `aws-us-gov` too.
 */
import type { StsApi } from '../aws/api.js';
import { EnumerationError } from '../errors.js';
import type { Partition } from '../model.js';

export interface CallerIdentity {
  arn: string;
  accountId: string;
  partition: Partition;
  /** The caller is the account's root user, which cannot call `sts:AssumeRole`. */
  isRootUser: boolean;
  /** The caller is itself a role session, so a role it assumes is a chained session (at most one hour). */
  isRoleSession: boolean;
}

/** Parses an ARN such as `arn:aws-us-gov:sts::111122223333:assumed-role/Auditor/session`. */
export function parseCallerArn(arn: string, accountId: string): CallerIdentity {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || !parts[1]) {
    throw new EnumerationError('INVALID_CALLER_ARN', `GetCallerIdentity returned an ARN that is not valid: "${arn}"`);
  }
  const resource = parts.slice(5).join(':');
  return {
    arn,
    accountId,
    partition: parts[1],
    isRootUser: resource === 'root',
    isRoleSession: resource.startsWith('assumed-role/'),
  };
}

export async function identifyCaller(sts: StsApi): Promise<CallerIdentity> {
  const output = await sts.getCallerIdentity();
  if (!output.Arn || !output.Account) {
    throw new EnumerationError('INVALID_CALLER_IDENTITY', 'GetCallerIdentity returned no Arn or Account.');
  }
  return parseCallerArn(output.Arn, output.Account);
}
