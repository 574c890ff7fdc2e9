/**
 * Credentials for one member account: the access role assumed from the base credentials of the run,
 * never chained from another member account's session.
 */
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import type { StsApi } from '../aws/api.js';
import { AuditError } from '../errors.js';
import type { Partition } from '../model.js';

/**
 * Session length requested from STS. One hour is the cap AWS puts on a chained role session (base
 * credentials that are themselves a role session), and the default maximum of every role, so it is
 * valid whatever the base credentials are. The provider re-assumes before expiry, so long runs go on.
 */
export const SESSION_DURATION_SECONDS = 3600;

/** Credentials are renewed this long before they expire, so no request goes out with stale ones. */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

export interface AssumeAccessRoleInput {
  sts: StsApi;
  accountId: string;
  partition: Partition;
  roleName: string;
  /** IAM path of the access role, `/` for `OrganizationAccountAccessRole`. */
  rolePath?: string;
  roleSessionName: string;
  externalId?: string;
  now?: () => number;
}

export interface AccountCredentials {
  roleArn: string;
  provider: AwsCredentialIdentityProvider;
}

export function accessRoleArn(partition: Partition, accountId: string, roleName: string, rolePath = '/'): string {
  return `arn:${partition}:iam::${accountId}:role${rolePath}${roleName}`;
}

/** Options the account credential provider accepts besides those the SDK passes. */
export interface RenewalOptions {
  /** Renew now, whatever the time: AWS rejected a call with `ExpiredToken`. */
  forceRefresh?: boolean;
  /**
   * The access key of the rejected call. When the provider's current key differs, another call
   * renewed the session in the meantime and no new `AssumeRole` is made.
   */
  expiredAccessKeyId?: string;
}

/**
 * Assumes the access role once, so a denied or missing role fails here, then returns a provider that
 * re-assumes it shortly before the session expires by the `now` clock, or when called with
 * {@link RenewalOptions} after AWS rejected a call with `ExpiredToken`. Concurrent renewals share one
 * `AssumeRole` call.
 */
export async function assumeAccessRole(input: AssumeAccessRoleInput): Promise<AccountCredentials> {
  const roleArn = accessRoleArn(input.partition, input.accountId, input.roleName, input.rolePath);
  const now = input.now ?? Date.now;
  let current = await requestSession(input, roleArn);
  let pending: Promise<AwsCredentialIdentity> | undefined;

  const renew = async (): Promise<AwsCredentialIdentity> => {
    pending ??= requestSession(input, roleArn).finally(() => {
      pending = undefined;
    });
    current = await pending;
    return current;
  };
  const provider: AwsCredentialIdentityProvider = async (options?: RenewalOptions) => {
    if (options?.forceRefresh === true) {
      const alreadyRenewed =
        options.expiredAccessKeyId !== undefined && options.expiredAccessKeyId !== current.accessKeyId;
      if (alreadyRenewed && pending === undefined) return current;
      return renew();
    }
    const expiresAt = current.expiration?.getTime() ?? Number.POSITIVE_INFINITY;
    if (expiresAt - now() > REFRESH_MARGIN_MS) return current;
    return renew();
  };
  // The SDK wraps a credential provider in its own cache, which decides expiry by the system clock
  // (`memoizeIdentityProvider` in @smithy/core). A provider marked `memoized` is called on every
  // request instead, so the `now` clock above decides when to renew.
  Object.assign(provider, { memoized: true });
  return { roleArn, provider };
}

async function requestSession(input: AssumeAccessRoleInput, roleArn: string): Promise<AwsCredentialIdentity> {
  const output = await input.sts.assumeRole({
    RoleArn: roleArn,
    RoleSessionName: input.roleSessionName,
    DurationSeconds: SESSION_DURATION_SECONDS,
    ...(input.externalId ? { ExternalId: input.externalId } : {}),
  });
  const credentials = output.Credentials;
  if (!credentials?.AccessKeyId || !credentials.SecretAccessKey || !credentials.SessionToken) {
    throw new AuditError('ASSUME_ROLE_NO_CREDENTIALS', `AssumeRole on ${roleArn} returned no credentials.`);
  }

  // The session must belong to the account we asked for; anything else would audit the wrong account.
  const sessionArn = output.AssumedRoleUser?.Arn ?? '';
  const sessionAccount = sessionArn.split(':')[4];
  if (sessionAccount !== input.accountId) {
    throw new AuditError(
      'ASSUMED_WRONG_ACCOUNT',
      `AssumeRole on ${roleArn} returned a session in account ${sessionAccount ?? 'unknown'} (${sessionArn}), not ${input.accountId}.`,
      { remedy: 'Check the endpoint and the access role name; the credentials were not used.' },
    );
  }

  return {
    accessKeyId: credentials.AccessKeyId,
    secretAccessKey: credentials.SecretAccessKey,
    sessionToken: credentials.SessionToken,
    ...(credentials.Expiration ? { expiration: credentials.Expiration } : {}),
  };
}
