/**
 * Chooses the credentials for one account: the base credentials for the caller's own account (the
 * management account has no access role), the assumed access role for every other account.
 */
import type { Credentials, StsApi } from '../aws/api.js';
import { accessRoleArn, assumeAccessRole } from './assume-role.js';
import type { CallerIdentity } from './caller.js';

export interface AccountCredentialsInput {
  sts: StsApi;
  caller: CallerIdentity;
  accountId: string;
  accessRoleName: string;
  roleSessionName: string;
  externalId?: string;
  now?: () => number;
}

export interface ResolvedAccountCredentials {
  /** Undefined means the base credentials of the run. */
  credentials: Credentials | undefined;
  /** The access role assumed; undefined for the caller's own account. */
  accessRoleArn?: string;
}

/** The ARN of the access role in `accountId`, for messages about an account that could not be reached. */
export function accessRoleArnFor(input: Pick<AccountCredentialsInput, 'caller' | 'accountId' | 'accessRoleName'>): string {
  return accessRoleArn(input.caller.partition, input.accountId, input.accessRoleName);
}

/** Throws the STS error when the access role cannot be assumed. */
export async function credentialsForAccount(input: AccountCredentialsInput): Promise<ResolvedAccountCredentials> {
  if (input.accountId === input.caller.accountId) return { credentials: undefined };
  const assumed = await assumeAccessRole({
    sts: input.sts,
    accountId: input.accountId,
    partition: input.caller.partition,
    roleName: input.accessRoleName,
    roleSessionName: input.roleSessionName,
    externalId: input.externalId,
    now: input.now,
  });
  return { credentials: assumed.provider, accessRoleArn: assumed.roleArn };
}
