/**
 * The AWS connection that `scan` and `rollback` build from the same options: the Region, the base
 * credentials and the SDK clients.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import type { CallCounter, AwsClientFactory } from '../aws/api.js';
import { createSdkClientFactory, resolveRegion } from '../aws/sdk-clients.js';
import { UsageError } from '../errors.js';
import type { Logger } from '../log/logger.js';

/** The options of `addAccountAccessOptions` in src/cli/program.ts. */
export interface AccountAccessOptions {
  profile?: string;
  region?: string;
  endpointUrl?: string;
  accessRoleName: string;
  externalId?: string;
  maxAttempts: number;
  requestTimeout: number;
}

/** Returns the Region from `--region`, the environment or the profile, or raises a UsageError naming the fix. */
export async function requireRegion(options: AccountAccessOptions): Promise<string> {
  const region = await resolveRegion(options.region, options.profile);
  if (!region) {
    throw new UsageError('No AWS Region is set.', [], {
      remedy: 'Pass --region (for example --region us-east-1) or set AWS_REGION.',
    });
  }
  return region;
}

/** Creates the SDK clients with the base credentials of the SDK's default chain (or `--profile`). */
export function createClients(
  options: AccountAccessOptions,
  settings: { region: string; concurrency: number; runCounter: CallCounter; logger: Logger },
): AwsClientFactory {
  return createSdkClientFactory(
    {
      region: settings.region,
      endpoint: options.endpointUrl,
      credentials: fromNodeProviderChain(options.profile ? { profile: options.profile } : {}),
      maxAttempts: options.maxAttempts,
      requestTimeoutMs: options.requestTimeout,
      maxSockets: settings.concurrency * 2,
      logger: settings.logger,
    },
    settings.runCounter,
  );
}
