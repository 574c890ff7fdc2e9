/**
 * Shared set-up for the emulator tests: a small organization in code, and the real SDK clients pointed
 * at an emulator with fake credentials.
 */
import { IAMClient } from '@aws-sdk/client-iam';
import { OrganizationsClient } from '@aws-sdk/client-organizations';
import { STSClient } from '@aws-sdk/client-sts';

import { afterEach } from 'vitest';

import { startEmulator, type Emulator, type EmulatorOptions, type OrgDefinitionInput } from '../../src/emulator/index.js';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export interface Clients {
  iam: IAMClient;
  sts: STSClient;
  organizations: OrganizationsClient;
}

/** Creates the three SDK clients for an emulator. `maxAttempts` is 1 so errors surface unretried. */
export function clientsFor(emulator: Emulator, credentials: Credentials = emulator.callerCredentials, maxAttempts = 1): Clients {
  // The SDK annotates the credentials object it gets, so each client gets its own copy.
  const config = {
    endpoint: emulator.url,
    region: 'us-east-1',
    credentials: { accessKeyId: credentials.accessKeyId, secretAccessKey: credentials.secretAccessKey, sessionToken: credentials.sessionToken },
    maxAttempts,
  };
  return {
    iam: new IAMClient(config),
    sts: new STSClient(config),
    organizations: new OrganizationsClient(config),
  };
}

export const MANAGEMENT = '111111111111';
export const MEMBER = '222222222222';
export const OTHER_MEMBER = '333333333333';

export const CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

export const SSM_TRUST = {
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' },
};

export function trustAccount(accountId: string, condition?: Record<string, unknown>): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${accountId}:root` },
        Action: 'sts:AssumeRole',
        ...(condition === undefined ? {} : { Condition: condition }),
      },
    ],
  };
}

export const MEMBER_USER = {
  arn: `arn:aws:iam::${MEMBER}:user/member-user`,
  accessKeyId: 'AKIAMEMBERUSER000001',
  secretAccessKey: 'member-secret',
};

export const ROOT_USER = {
  arn: `arn:aws:iam::${MANAGEMENT}:root`,
  accessKeyId: 'AKIAROOTUSER00000001',
  secretAccessKey: 'root-secret',
};

/** Builds an org of a management account and two members. The first member trusts the management account root. */
export function smallOrg(): OrgDefinitionInput {
  return {
    organization: { id: 'o-test000001', managementAccountId: MANAGEMENT },
    caller: {
      arn: `arn:aws:iam::${MANAGEMENT}:user/auditor`,
      accessKeyId: 'AKIATESTCALLER000001',
      secretAccessKey: 'test-secret',
    },
    additionalCallers: [MEMBER_USER, ROOT_USER],
    organizationalUnits: [{ id: 'ou-test-00000001', name: 'Workloads' }],
    accounts: [
      {
        id: MANAGEMENT,
        name: 'management',
        email: 'management@example.com',
        roles: [{ name: 'SSMServiceRole', trustPolicy: SSM_TRUST, attachedPolicies: [CORE] }],
      },
      {
        id: MEMBER,
        name: 'member-a',
        email: 'a@example.com',
        parent: 'ou-test-00000001',
        tags: { team: 'a' },
        managedPolicyQuota: 2,
        customerPolicies: [
          {
            name: 'SSMServiceRoleS3BucketAccess',
            document: { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:GetObject', Resource: '*' } },
          },
        ],
        roles: [
          { name: 'SSMServiceRole', trustPolicy: SSM_TRUST, attachedPolicies: [CORE] },
          { name: 'OrganizationAccountAccessRole', trustPolicy: trustAccount(MANAGEMENT), maxSessionDuration: 7200 },
          {
            name: 'ExternalIdRole',
            trustPolicy: trustAccount(MANAGEMENT, { StringEquals: { 'sts:ExternalId': 'expected-id' } }),
          },
          { name: 'ChainTarget', trustPolicy: trustAccount(MEMBER), maxSessionDuration: 14400 },
          { name: 'AWSServiceRoleForAmazonSSM', path: '/aws-service-role/ssm.amazonaws.com/', trustPolicy: SSM_TRUST },
        ],
      },
      {
        id: OTHER_MEMBER,
        name: 'member-b',
        email: 'b@example.com',
        parent: 'ou-test-00000001',
        roles: [{ name: 'OnlyInB', trustPolicy: SSM_TRUST }],
      },
    ],
  };
}

/** Returns a start function whose emulators are closed after each test of the calling file. */
export function emulatorLauncher(): (options: EmulatorOptions) => Promise<Emulator> {
  const running: Emulator[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((emulator) => emulator.close()));
  });
  return async (options) => {
    const emulator = await startEmulator(options);
    running.push(emulator);
    return emulator;
  };
}

/** Catches the error a promise rejects with, failing the test when it resolves instead. */
export async function rejection(promise: Promise<unknown>): Promise<Error & { $metadata: { httpStatusCode?: number; requestId?: string } }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { $metadata: { httpStatusCode?: number; requestId?: string } };
  }
  throw new Error('expected the call to fail, but it succeeded');
}
