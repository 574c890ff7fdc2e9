/**
 * The production implementation of {@link AwsClientFactory}: AWS SDK v3 clients that share one HTTP
 * handler, so 10,000 accounts reuse a bounded pool of keep-alive sockets instead of opening one pool each.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { createRequire } from 'node:module';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { Logger } from '../log/logger.js';
import type { AwsClientFactory, CallCounter, Credentials, IamApi, OrganizationsApi, StsApi } from './api.js';
import { isExpiredToken } from './aws-error.js';
import { BackoffRetryStrategy, type RetryEvent } from './retry.js';
import type { Sleep } from './timing.js';

// The SDK packages are CommonJS bundles. An ESM `import` of them makes Node.js 20 scan each bundle's
// source for its export names (cjs-module-lexer) before running it, and `require` skips that scan. On
// the 2-core machine of docs/benchmarks.md, loading this module took 57-71 ms instead of 106-192 ms.
// `require` caches each package after its first load. The types still come from the packages.
const loadCommonJs = createRequire(import.meta.url);
// The IAM and Organizations packages load when first used, after the run's first AWS call (STS).
type IamSdk = typeof import('@aws-sdk/client-iam');
type OrganizationsSdk = typeof import('@aws-sdk/client-organizations');
const loadIamSdk = (): IamSdk => loadCommonJs('@aws-sdk/client-iam') as IamSdk;
const loadOrganizationsSdk = (): OrganizationsSdk =>
  loadCommonJs('@aws-sdk/client-organizations') as OrganizationsSdk;
const { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } = loadCommonJs(
  '@aws-sdk/client-sts',
) as typeof import('@aws-sdk/client-sts');
const { NodeHttpHandler } = loadCommonJs('@smithy/node-http-handler') as typeof import('@smithy/node-http-handler');

export interface AwsSettings {
  /** AWS Region for STS, IAM and Organizations calls; STS is called at this Region's endpoint. */
  region: string;
  /** One endpoint for every service (the emulator); undefined lets the SDK read `AWS_ENDPOINT_URL`. */
  endpoint?: string;
  /** Credentials of the run; undefined uses the SDK's default provider chain. */
  credentials?: Credentials;
  /** Attempts per call including the first; throttling, timeouts and 5xx errors are retried. */
  maxAttempts: number;
  /** Milliseconds without a response after which a request is abandoned (and retried). */
  requestTimeoutMs: number;
  /** Keep-alive sockets shared by every client; set it to at least the account concurrency. */
  maxSockets: number;
  /** Waits between retries; tests pass one that does not wait. Real time by default. */
  retrySleep?: Sleep;
  /** Receives a debug line per retry and an info line per credential refresh. */
  logger?: Logger;
}

interface SdkMetadata {
  $metadata?: { attempts?: number };
}

/**
 * Runs one SDK call and records it, with the retries the SDK made, whether it succeeded or failed.
 * With `refreshCredentials`, a call rejected with `ExpiredToken` is sent once more after the
 * credentials were renewed; that second send counts as a retry.
 */
async function counted<T extends SdkMetadata>(
  counter: CallCounter,
  operation: string,
  call: () => Promise<T>,
  refreshCredentials?: () => Promise<void>,
): Promise<T> {
  counter.recordCall(operation);
  try {
    return await attempt(counter, call);
  } catch (error) {
    if (refreshCredentials === undefined || !isExpiredToken(error)) throw error;
    await refreshCredentials();
    counter.recordRetry();
    return attempt(counter, call);
  }
}

async function attempt<T extends SdkMetadata>(counter: CallCounter, call: () => Promise<T>): Promise<T> {
  try {
    const output = await call();
    recordRetries(counter, output.$metadata?.attempts);
    return output;
  } catch (error) {
    recordRetries(counter, (error as SdkMetadata).$metadata?.attempts);
    throw error;
  }
}

function recordRetries(counter: CallCounter, attempts: number | undefined): void {
  for (let retry = 1; retry < (attempts ?? 1); retry += 1) counter.recordRetry();
}

/**
 * Creates the SDK clients of a run. Every client retries with {@link BackoffRetryStrategy} and abandons
 * a request after `requestTimeoutMs`.
 */
export function createSdkClientFactory(settings: AwsSettings, runCounter: CallCounter): AwsClientFactory {
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: settings.maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: settings.maxSockets }),
    requestTimeout: settings.requestTimeoutMs,
    // Without it, @smithy/node-http-handler 4.x only logs a warning when requestTimeout passes and keeps
    // waiting, so a request that never gets a response would hang the account.
    throwOnRequestTimeout: true,
    connectionTimeout: settings.requestTimeoutMs,
  });
  const logger = settings.logger;
  const retryStrategy = (service: string): BackoffRetryStrategy =>
    new BackoffRetryStrategy({
      maxAttempts: settings.maxAttempts,
      sleep: settings.retrySleep,
      onRetry: (event: RetryEvent) =>
        logger?.debug(
          {
            service,
            awsErrorCode: event.errorCode,
            errorType: event.errorType,
            httpStatus: event.httpStatus,
            awsRequestId: event.requestId,
            nextAttempt: event.nextAttempt,
            delayMs: event.delayMs,
          },
          `${service} call failed with ${event.errorCode}; retrying`,
        ),
    });
  const common = {
    region: settings.region,
    endpoint: settings.endpoint,
    maxAttempts: settings.maxAttempts,
    requestHandler,
  };
  const baseCredentials = settings.credentials as AwsCredentialIdentityProvider | undefined;

  const stsClient = new STSClient({ ...common, retryStrategy: retryStrategy('STS'), credentials: baseCredentials });
  // Settings that each new client would otherwise look up again in the environment and the shared
  // config files, creating and catching an error for every one that is unset. The SDK reads them from
  // the same variables for every service (AWS_USE_FIPS_ENDPOINT, AWS_USE_DUALSTACK_ENDPOINT,
  // AWS_SDK_UA_APP_ID, AWS_AUTH_SCHEME_PREFERENCE and their profile keys, in @smithy/core's and
  // @aws-sdk/core's config loaders), so the per-account IAM clients reuse the STS client's memoized providers.
  const sharedSettings = {
    useFipsEndpoint: stsClient.config.useFipsEndpoint,
    useDualstackEndpoint: stsClient.config.useDualstackEndpoint,
    userAgentAppId: stsClient.config.userAgentAppId,
    authSchemePreference: stsClient.config.authSchemePreference,
  };

  const stsView = (counter: CallCounter, signal: AbortSignal | undefined): StsApi => ({
    getCallerIdentity: () =>
      counted(counter, 'STS:GetCallerIdentity', () =>
        stsClient.send(new GetCallerIdentityCommand({}), { abortSignal: signal }),
      ),
    assumeRole: (input) =>
      counted(counter, 'STS:AssumeRole', () => stsClient.send(new AssumeRoleCommand(input), { abortSignal: signal })),
  });

  // One Organizations client for the run, created at its first use; each counter gets a view of it.
  let organizationsSdk: { sdk: OrganizationsSdk; client: InstanceType<OrganizationsSdk['OrganizationsClient']> } | undefined;
  const organizationsView = (counter: CallCounter): OrganizationsApi => {
    organizationsSdk ??= (() => {
      const sdk = loadOrganizationsSdk();
      const client = new sdk.OrganizationsClient({
        ...common,
        retryStrategy: retryStrategy('Organizations'),
        credentials: baseCredentials,
      });
      return { sdk, client };
    })();
    const { sdk, client } = organizationsSdk;
    return {
      describeOrganization: () =>
        counted(counter, 'Organizations:DescribeOrganization', () =>
          client.send(new sdk.DescribeOrganizationCommand({})),
        ),
      listAccounts: (input) =>
        counted(counter, 'Organizations:ListAccounts', () => client.send(new sdk.ListAccountsCommand(input))),
      listRoots: (input) => counted(counter, 'Organizations:ListRoots', () => client.send(new sdk.ListRootsCommand(input))),
      listOrganizationalUnitsForParent: (input) =>
        counted(counter, 'Organizations:ListOrganizationalUnitsForParent', () =>
          client.send(new sdk.ListOrganizationalUnitsForParentCommand(input)),
        ),
      listAccountsForParent: (input) =>
        counted(counter, 'Organizations:ListAccountsForParent', () =>
          client.send(new sdk.ListAccountsForParentCommand(input)),
        ),
      listTagsForResource: (input) =>
        counted(counter, 'Organizations:ListTagsForResource', () =>
          client.send(new sdk.ListTagsForResourceCommand(input)),
        ),
    };
  };

  return {
    sts: (counter, signal) => stsView(counter ?? runCounter, signal),
    organizations: (counter) => organizationsView(counter ?? runCounter),
    iam(credentials, counter, signal): IamApi {
      const {
        AttachRolePolicyCommand,
        CreateRoleCommand,
        DeleteRoleCommand,
        DeleteRolePolicyCommand,
        DetachRolePolicyCommand,
        GetPolicyCommand,
        GetRoleCommand,
        GetRolePolicyCommand,
        IAMClient,
        ListAttachedRolePoliciesCommand,
        ListRolePoliciesCommand,
        PutRolePolicyCommand,
        TagRoleCommand,
        UpdateAssumeRolePolicyCommand,
      } = loadIamSdk();
      const client = new IAMClient({
        ...common,
        ...sharedSettings,
        retryStrategy: retryStrategy('IAM'),
        credentials: (credentials ?? baseCredentials) as AwsCredentialIdentityProvider | undefined,
      });
      const send = <T extends SdkMetadata>(
        operation: string,
        call: (options: { abortSignal?: AbortSignal }) => Promise<T>,
      ): Promise<T> => {
        // Static and base credentials cannot be renewed; assumed-role credentials (a provider) can.
        if (typeof credentials !== 'function') return counted(counter, operation, () => call({ abortSignal: signal }));

        // The access key the request was signed with, so that calls rejected together renew the
        // session once: the provider skips the renewal when that key was already replaced.
        let usedAccessKeyId: string | undefined;
        const sendOnce = async (): Promise<T> => {
          usedAccessKeyId = (await credentials()).accessKeyId;
          return call({ abortSignal: signal });
        };
        const renew = async (): Promise<void> => {
          logger?.info({ operation }, `${operation} failed with ExpiredToken; renewing the credentials and retrying once`);
          await credentials({ forceRefresh: true, expiredAccessKeyId: usedAccessKeyId });
        };
        return counted(counter, operation, sendOnce, renew);
      };
      return {
        getRole: (input) => send('IAM:GetRole', (options) => client.send(new GetRoleCommand(input), options)),
        listAttachedRolePolicies: (input) =>
          send('IAM:ListAttachedRolePolicies', (options) =>
            client.send(new ListAttachedRolePoliciesCommand(input), options),
          ),
        listRolePolicies: (input) =>
          send('IAM:ListRolePolicies', (options) => client.send(new ListRolePoliciesCommand(input), options)),
        getRolePolicy: (input) =>
          send('IAM:GetRolePolicy', (options) => client.send(new GetRolePolicyCommand(input), options)),
        createRole: (input) => send('IAM:CreateRole', (options) => client.send(new CreateRoleCommand(input), options)),
        updateAssumeRolePolicy: (input) =>
          send('IAM:UpdateAssumeRolePolicy', (options) =>
            client.send(new UpdateAssumeRolePolicyCommand(input), options),
          ),
        attachRolePolicy: (input) =>
          send('IAM:AttachRolePolicy', (options) => client.send(new AttachRolePolicyCommand(input), options)),
        detachRolePolicy: (input) =>
          send('IAM:DetachRolePolicy', (options) => client.send(new DetachRolePolicyCommand(input), options)),
        putRolePolicy: (input) =>
          send('IAM:PutRolePolicy', (options) => client.send(new PutRolePolicyCommand(input), options)),
        deleteRolePolicy: (input) =>
          send('IAM:DeleteRolePolicy', (options) => client.send(new DeleteRolePolicyCommand(input), options)),
        deleteRole: (input) => send('IAM:DeleteRole', (options) => client.send(new DeleteRoleCommand(input), options)),
        tagRole: (input) => send('IAM:TagRole', (options) => client.send(new TagRoleCommand(input), options)),
        getPolicy: (input) => send('IAM:GetPolicy', (options) => client.send(new GetPolicyCommand(input), options)),
      };
    },
    close() {
      requestHandler.destroy();
    },
  };
}

/** Reads the Region the SDK resolves from `--region`, the environment or the profile. */
export async function resolveRegion(region: string | undefined, profile: string | undefined): Promise<string> {
  if (region) return region;
  const probe = new STSClient(profile ? { profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return '';
  } finally {
    probe.destroy();
  }
}
