/**
 * The production implementation of {@link AwsClientFactory}: AWS SDK v3 clients that share one HTTP
 * handler, so 10,000 accounts reuse a bounded pool of keep-alive sockets instead of opening one pool each.
 */
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import {
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
} from '@aws-sdk/client-iam';
import {
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import type { AwsClientFactory, CallCounter, Credentials, IamApi, OrganizationsApi, StsApi } from './api.js';

export interface AwsSettings {
  /** AWS Region for STS, IAM and Organizations calls; STS is called at this Region's endpoint. */
  region: string;
  /** One endpoint for every service (the emulator); undefined lets the SDK read `AWS_ENDPOINT_URL`. */
  endpoint?: string;
  /** Credentials of the run; undefined uses the SDK's default provider chain. */
  credentials?: Credentials;
  /** Attempts per call including the first, for the SDK's retry strategy. */
  maxAttempts: number;
  /** Milliseconds without a response after which a request is abandoned (and retried). */
  requestTimeoutMs: number;
  /** Keep-alive sockets shared by every client; set it to at least the account concurrency. */
  maxSockets: number;
}

interface SdkMetadata {
  $metadata?: { attempts?: number };
}

/**
 * Runs one SDK call and records it, with the retries the SDK made, whether it succeeded or failed.
 */
async function counted<T extends SdkMetadata>(
  counter: CallCounter,
  operation: string,
  call: () => Promise<T>,
): Promise<T> {
  counter.recordCall(operation);
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

export function createSdkClientFactory(settings: AwsSettings, runCounter: CallCounter): AwsClientFactory {
  const requestHandler = new NodeHttpHandler({
    httpAgent: new HttpAgent({ keepAlive: true, maxSockets: settings.maxSockets }),
    httpsAgent: new HttpsAgent({ keepAlive: true, maxSockets: settings.maxSockets }),
    requestTimeout: settings.requestTimeoutMs,
    connectionTimeout: settings.requestTimeoutMs,
  });
  const common = {
    region: settings.region,
    endpoint: settings.endpoint,
    maxAttempts: settings.maxAttempts,
    requestHandler,
  };
  const baseCredentials = settings.credentials as AwsCredentialIdentityProvider | undefined;

  const stsClient = new STSClient({ ...common, credentials: baseCredentials });
  const organizationsClient = new OrganizationsClient({ ...common, credentials: baseCredentials });

  const stsView = (counter: CallCounter): StsApi => ({
    getCallerIdentity: () =>
      counted(counter, 'STS:GetCallerIdentity', () => stsClient.send(new GetCallerIdentityCommand({}))),
    assumeRole: (input) => counted(counter, 'STS:AssumeRole', () => stsClient.send(new AssumeRoleCommand(input))),
  });

  const organizations: OrganizationsApi = {
    describeOrganization: () =>
      counted(runCounter, 'Organizations:DescribeOrganization', () =>
        organizationsClient.send(new DescribeOrganizationCommand({})),
      ),
    listAccounts: (input) =>
      counted(runCounter, 'Organizations:ListAccounts', () => organizationsClient.send(new ListAccountsCommand(input))),
    listRoots: (input) =>
      counted(runCounter, 'Organizations:ListRoots', () => organizationsClient.send(new ListRootsCommand(input))),
    listOrganizationalUnitsForParent: (input) =>
      counted(runCounter, 'Organizations:ListOrganizationalUnitsForParent', () =>
        organizationsClient.send(new ListOrganizationalUnitsForParentCommand(input)),
      ),
    listAccountsForParent: (input) =>
      counted(runCounter, 'Organizations:ListAccountsForParent', () =>
        organizationsClient.send(new ListAccountsForParentCommand(input)),
      ),
    listTagsForResource: (input) =>
      counted(runCounter, 'Organizations:ListTagsForResource', () =>
        organizationsClient.send(new ListTagsForResourceCommand(input)),
      ),
  };

  return {
    sts: (counter) => stsView(counter ?? runCounter),
    organizations: () => organizations,
    iam(credentials, counter): IamApi {
      const client = new IAMClient({
        ...common,
        credentials: (credentials ?? baseCredentials) as AwsCredentialIdentityProvider | undefined,
      });
      return {
        getRole: (input) => counted(counter, 'IAM:GetRole', () => client.send(new GetRoleCommand(input))),
        listAttachedRolePolicies: (input) =>
          counted(counter, 'IAM:ListAttachedRolePolicies', () =>
            client.send(new ListAttachedRolePoliciesCommand(input)),
          ),
        listRolePolicies: (input) =>
          counted(counter, 'IAM:ListRolePolicies', () => client.send(new ListRolePoliciesCommand(input))),
        getRolePolicy: (input) =>
          counted(counter, 'IAM:GetRolePolicy', () => client.send(new GetRolePolicyCommand(input))),
        createRole: (input) => counted(counter, 'IAM:CreateRole', () => client.send(new CreateRoleCommand(input))),
        updateAssumeRolePolicy: (input) =>
          counted(counter, 'IAM:UpdateAssumeRolePolicy', () => client.send(new UpdateAssumeRolePolicyCommand(input))),
        attachRolePolicy: (input) =>
          counted(counter, 'IAM:AttachRolePolicy', () => client.send(new AttachRolePolicyCommand(input))),
        detachRolePolicy: (input) =>
          counted(counter, 'IAM:DetachRolePolicy', () => client.send(new DetachRolePolicyCommand(input))),
        putRolePolicy: (input) =>
          counted(counter, 'IAM:PutRolePolicy', () => client.send(new PutRolePolicyCommand(input))),
        deleteRolePolicy: (input) =>
          counted(counter, 'IAM:DeleteRolePolicy', () => client.send(new DeleteRolePolicyCommand(input))),
        deleteRole: (input) => counted(counter, 'IAM:DeleteRole', () => client.send(new DeleteRoleCommand(input))),
        tagRole: (input) => counted(counter, 'IAM:TagRole', () => client.send(new TagRoleCommand(input))),
        getPolicy: (input) => counted(counter, 'IAM:GetPolicy', () => client.send(new GetPolicyCommand(input))),
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
