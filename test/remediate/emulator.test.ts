/**
 * Remediation end to end against the local emulator, through the real AWS SDK clients and assumed
 * member-account credentials: plan, apply, verify, plan again, roll back.
 */
import { join } from 'node:path';

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { CallCounter, type IamApi } from '../../src/aws/api.js';
import { createSdkClientFactory } from '../../src/aws/sdk-clients.js';
import { assumeAccessRole } from '../../src/credentials/assume-role.js';
import { accountRootTrustPolicy, startEmulator, type Emulator, type OrgDefinitionInput } from '../../src/emulator/index.js';
import type { AwsClientFactory } from '../../src/aws/api.js';
import {
  applyAccountPlan,
  CREATED_BY_RUN_TAG,
  FileJournal,
  readJournal,
  rollbackAccount,
  snapshotRole,
  verifyAccount,
  type JournalRecord,
} from '../../src/remediate/index.js';
import {
  ADMIN,
  CORE,
  DEPRECATED,
  desiredRole,
  EXTRA_PRINCIPAL_TRUST,
  HEADER,
  INLINE_DOCUMENT,
  PLAIN_TRUST,
  planFor,
  READ_ONLY,
  recordingSleep,
  ROLE_NAME,
  temporaryDirectory,
} from './helpers.js';

const MANAGEMENT = '111111111111';
const DRIFTED = '222222222222';
const MISSING = '333333333333';
const FULL = '444444444444';
const CUSTOMER = '555555555555';
const MISSING_RETRIED = '666666666666';
const CRASHED = '777777777777';

const ACCESS_ROLE = {
  name: 'OrganizationAccountAccessRole',
  trustPolicy: accountRootTrustPolicy('aws', MANAGEMENT),
  attachedPolicies: [ADMIN],
};

function driftedServiceRole() {
  return {
    name: ROLE_NAME,
    trustPolicy: EXTRA_PRINCIPAL_TRUST,
    attachedPolicies: [DEPRECATED, ADMIN],
    inlinePolicies: { stray: INLINE_DOCUMENT },
    tags: { team: 'platform' },
  };
}

function account(id: string, roles: unknown[], extra: Record<string, unknown> = {}) {
  return { id, name: `account-${id}`, email: `aws+${id}@example.com`, roles, ...extra };
}

const ORG = {
  organization: { id: 'o-remediate01', managementAccountId: MANAGEMENT },
  caller: {
    arn: `arn:aws:iam::${MANAGEMENT}:user/auditor`,
    accessKeyId: 'AKIAREMEDIATETEST001',
    secretAccessKey: 'emulator-secret-not-a-real-key',
  },
  accounts: [
    account(MANAGEMENT, []),
    account(DRIFTED, [ACCESS_ROLE, driftedServiceRole()]),
    account(MISSING, [ACCESS_ROLE]),
    account(FULL, [ACCESS_ROLE, { name: ROLE_NAME, trustPolicy: PLAIN_TRUST, attachedPolicies: [ADMIN, READ_ONLY] }], {
      managedPolicyQuota: 2,
    }),
    account(CUSTOMER, [ACCESS_ROLE, { name: ROLE_NAME, trustPolicy: PLAIN_TRUST, attachedPolicies: [CORE] }]),
    account(MISSING_RETRIED, [ACCESS_ROLE]),
    account(CRASHED, [ACCESS_ROLE, driftedServiceRole()]),
  ],
} as OrgDefinitionInput;

const WRITE_OPERATIONS = ['CreateRole', 'UpdateAssumeRolePolicy', 'AttachRolePolicy', 'DetachRolePolicy', 'PutRolePolicy', 'DeleteRolePolicy', 'DeleteRole', 'TagRole'];

describe('remediation against the emulator', () => {
  let emulator: Emulator;
  let clients: AwsClientFactory;
  let directory: { path: string; remove: () => Promise<void> };
  let journalCount = 0;

  beforeAll(async () => {
    emulator = await startEmulator({ org: ORG });
    clients = createSdkClientFactory(
      {
        region: emulator.region,
        endpoint: emulator.url,
        credentials: emulator.callerCredentials,
        maxAttempts: 1,
        requestTimeoutMs: 5000,
        maxSockets: 8,
      },
      new CallCounter(),
    );
  });
  afterAll(async () => {
    clients.close();
    await emulator.close();
  });
  beforeEach(async () => {
    directory = await temporaryDirectory();
  });
  afterEach(() => directory.remove());

  async function iamFor(accountId: string): Promise<IamApi> {
    const { provider } = await assumeAccessRole({
      sts: clients.sts(),
      accountId,
      partition: 'aws',
      roleName: 'OrganizationAccountAccessRole',
      roleSessionName: 'ssm-role-audit-test',
    });
    return clients.iam(provider, new CallCounter());
  }

  async function openJournal(mode: 'fix' | 'rollback' = 'fix'): Promise<{ journal: FileJournal; path: string }> {
    journalCount += 1;
    const path = join(directory.path, `${mode}-${journalCount}.journal.jsonl`);
    return { journal: await FileJournal.open(path, { ...HEADER, mode }), path };
  }

  /** Plans, applies, verifies and journals a fix of one account; returns the results and the journal records. */
  async function fix(accountId: string, iam: IamApi, desired = desiredRole({ accountId })) {
    const { journal, path } = await openJournal();
    const { plan } = await planFor(iam, desired, { accountId });
    const applied = await applyAccountPlan(plan, { iam, journal, desired });
    const verified = await verifyAccount({
      iam,
      desired,
      accountId,
      partition: 'aws',
      leftUnfixed: applied.leftUnfixed,
      sleep: recordingSleep().sleep,
    });
    await journal.recordAccountComplete(accountId, { verified: verified.verified, after: snapshotRole(verified.observed), findings: verified.findings });
    await journal.close();
    const { records } = await readJournal(path);
    return { plan, applied, verified, records };
  }

  async function rollback(records: JournalRecord[], accountId: string, iam: IamApi) {
    const { journal } = await openJournal('rollback');
    const result = await rollbackAccount(records, accountId, { iam, journal, sleep: recordingSleep().sleep });
    await journal.close();
    return result;
  }

  function writesIn(accountId: string): number {
    return WRITE_OPERATIONS.reduce((sum, operation) => sum + emulator.callCount({ service: 'iam', operation, accountId }), 0);
  }

  it('fixes a drifted role, then rolls it back exactly', async () => {
    const iam = await iamFor(DRIFTED);
    const original = emulator.state.role(DRIFTED, ROLE_NAME);

    const { applied, verified, records } = await fix(DRIFTED, iam);

    expect(applied.status).toBe('applied');
    expect(verified.verified).toBe(true);
    const fixed = emulator.state.role(DRIFTED, ROLE_NAME)!;
    expect(JSON.parse(fixed.trustPolicy)).toEqual(PLAIN_TRUST);
    expect(fixed.attachedPolicies).toEqual([CORE]);
    expect(fixed.inlinePolicies).toEqual({});
    expect(emulator.state.role(DRIFTED, 'OrganizationAccountAccessRole')!.attachedPolicies).toEqual([ADMIN]);

    const second = await planFor(iam, desiredRole({ accountId: DRIFTED }), { accountId: DRIFTED });
    expect(second.plan.actions).toEqual([]);

    const result = await rollback(records, DRIFTED, iam);

    expect(result.status).toBe('restored');
    const restored = emulator.state.role(DRIFTED, ROLE_NAME)!;
    expect(restored.trustPolicy).toBe(original!.trustPolicy);
    expect([...restored.attachedPolicies].sort()).toEqual([...original!.attachedPolicies].sort());
    expect(restored.inlinePolicies).toEqual(original!.inlinePolicies);
    expect(restored.roleId).toBe(original!.roleId);
    expect(restored.tags).toEqual(original!.tags);
  });

  it('creates a missing role, tagged, and rollback deletes it', async () => {
    const iam = await iamFor(MISSING);

    const { applied, verified, records } = await fix(MISSING, iam);

    expect(applied.results.map((result) => `${result.action.kind} ${result.outcome}`)).toEqual(['CreateRole applied', 'AttachRolePolicy applied']);
    expect(verified.verified).toBe(true);
    const created = emulator.state.role(MISSING, ROLE_NAME)!;
    expect(created.tags).toEqual({ [CREATED_BY_RUN_TAG]: 'run-1' });
    expect(created.attachedPolicies).toEqual([CORE]);

    const result = await rollback(records, MISSING, iam);

    expect(result.status).toBe('restored');
    expect(emulator.state.role(MISSING, ROLE_NAME)).toBeUndefined();
    expect(emulator.callCount({ service: 'iam', operation: 'DeleteRole', accountId: MISSING })).toBe(1);
  });

  it('continues after EntityAlreadyExists from a retried CreateRole', async () => {
    const sdkIam = await iamFor(MISSING_RETRIED);
    // The first CreateRole reaches IAM but its response is lost; the retry gets EntityAlreadyExists.
    const iam: IamApi = {
      ...sdkIam,
      createRole: async (input) => {
        await sdkIam.createRole(input);
        return sdkIam.createRole(input);
      },
    };

    const { applied, verified, records } = await fix(MISSING_RETRIED, iam);

    expect(applied.results.map((result) => `${result.action.kind} ${result.outcome}`)).toEqual(['CreateRole applied', 'AttachRolePolicy applied']);
    expect(emulator.callCount({ service: 'iam', operation: 'CreateRole', accountId: MISSING_RETRIED })).toBe(2);
    expect(verified.verified).toBe(true);
    expect((await rollback(records, MISSING_RETRIED, sdkIam)).status).toBe('restored');
    expect(emulator.state.role(MISSING_RETRIED, ROLE_NAME)).toBeUndefined();
  });

  it('detaches nothing when AttachRolePolicy hits the quota', async () => {
    const iam = await iamFor(FULL);
    const writesBefore = writesIn(FULL);

    const { applied, verified } = await fix(FULL, iam);

    expect(applied.results.map((result) => `${result.action.kind} ${result.outcome}`)).toEqual([
      'AttachRolePolicy failed',
      'DetachRolePolicy skipped',
      'DetachRolePolicy skipped',
    ]);
    expect(applied.results[0]!.error?.code).toBe('LimitExceeded');
    expect(applied.results[0]!.error?.requestId).toMatch(/\S/);
    expect(applied.results[0]!.reason).toContain('adjustable up to 20');
    expect(emulator.state.role(FULL, ROLE_NAME)!.attachedPolicies).toEqual([ADMIN, READ_ONLY]);
    expect(writesIn(FULL) - writesBefore).toBe(1);
    expect(verified.verified).toBe(true);
  });

  it('skips a customer managed policy that does not exist', async () => {
    const iam = await iamFor(CUSTOMER);

    const { applied } = await fix(CUSTOMER, iam, desiredRole({ accountId: CUSTOMER, requireCustomerPolicy: true }));

    expect(applied.results.map((result) => `${result.action.kind} ${result.outcome}`)).toEqual(['AttachRolePolicy skipped']);
    expect(emulator.callCount({ service: 'iam', operation: 'GetPolicy', accountId: CUSTOMER })).toBe(1);
    expect(emulator.callCount({ service: 'iam', operation: 'AttachRolePolicy', accountId: CUSTOMER })).toBe(0);
  });

  it('rolls back a crashed run from its journal', async () => {
    const sdkIam = await iamFor(CRASHED);
    const original = emulator.state.role(CRASHED, ROLE_NAME)!;
    // The process dies during the second write: that call never returns and nothing after it runs.
    let writes = 0;
    const hangOnSecondWrite = <T>(call: () => Promise<T>): Promise<T> => (++writes === 2 ? new Promise<T>(() => undefined) : call());
    const iam: IamApi = {
      ...sdkIam,
      updateAssumeRolePolicy: (input) => hangOnSecondWrite(() => sdkIam.updateAssumeRolePolicy(input)),
      attachRolePolicy: (input) => hangOnSecondWrite(() => sdkIam.attachRolePolicy(input)),
      detachRolePolicy: (input) => hangOnSecondWrite(() => sdkIam.detachRolePolicy(input)),
      deleteRolePolicy: (input) => hangOnSecondWrite(() => sdkIam.deleteRolePolicy(input)),
    };
    const desired = desiredRole({ accountId: CRASHED });
    const { plan } = await planFor(iam, desired, { accountId: CRASHED });
    const { journal, path } = await openJournal();

    void applyAccountPlan(plan, { iam, journal, desired });
    await expect.poll(async () => (await readJournal(path)).records.filter((record) => record.type === 'action').length).toBe(1);
    await journal.close();
    expect(JSON.parse(emulator.state.role(CRASHED, ROLE_NAME)!.trustPolicy)).toEqual(PLAIN_TRUST);

    const { records } = await readJournal(path);
    const result = await rollback(records, CRASHED, sdkIam);

    expect(result.status).toBe('restored');
    const restored = emulator.state.role(CRASHED, ROLE_NAME)!;
    expect(restored.trustPolicy).toBe(original.trustPolicy);
    expect(restored.attachedPolicies).toEqual(original.attachedPolicies);
    expect(restored.inlinePolicies).toEqual(original.inlinePolicies);
  });
});
