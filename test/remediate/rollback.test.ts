import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import {
  applyAccountPlan,
  FileJournal,
  planRollback,
  readJournal,
  readRole,
  rollbackAccount,
  snapshotRole,
  verifyAccount,
  type JournalRecord,
} from '../../src/remediate/index.js';
import {
  ACCOUNT_ID,
  ADMIN,
  CORE,
  DEPRECATED,
  desiredRole,
  EXTRA_PRINCIPAL_TRUST,
  FakeIam,
  HEADER,
  INLINE_DOCUMENT,
  planFor,
  READ_ONLY,
  recordingSleep,
  ROLE_NAME,
  temporaryDirectory,
} from './helpers.js';

const WRITE_OPERATIONS = new Set(['createRole', 'updateAssumeRolePolicy', 'attachRolePolicy', 'detachRolePolicy', 'deleteRolePolicy']);

const ROLLBACK_HEADER = { ...HEADER, runId: 'run-2', mode: 'rollback' as const, rollbackOf: HEADER.runId };

describe('rollback', () => {
  let directory: { path: string; remove: () => Promise<void> };

  beforeEach(async () => {
    directory = await temporaryDirectory();
  });
  afterEach(() => directory.remove());

  /** Plans, applies, verifies and journals a fix of `iam`'s role; returns the journal records. */
  async function fix(iam: FakeIam): Promise<JournalRecord[]> {
    const desired = desiredRole();
    const path = join(directory.path, 'fix.journal.jsonl');
    const journal = await FileJournal.open(path, HEADER);
    const { plan } = await planFor(iam, desired);
    const applied = await applyAccountPlan(plan, { iam, journal, desired });
    const verified = await verifyAccount({
      iam,
      desired,
      accountId: ACCOUNT_ID,
      partition: 'aws',
      leftUnfixed: applied.leftUnfixed,
      sleep: recordingSleep().sleep,
    });
    await journal.recordAccountComplete(ACCOUNT_ID, { verified: verified.verified, after: snapshotRole(verified.observed), findings: verified.findings });
    await journal.close();
    return (await readJournal(path)).records;
  }

  async function rollbackJournal(): Promise<FileJournal> {
    return FileJournal.open(join(directory.path, 'rollback.journal.jsonl'), ROLLBACK_HEADER);
  }

  it('restores the exact before-state', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [DEPRECATED, ADMIN], inline: { stray: INLINE_DOCUMENT } });
    const before = snapshotRole(await readRole(iam, ROLE_NAME));
    const records = await fix(iam);
    expect(iam.role()!.attached).toEqual([CORE]);
    const journal = await rollbackJournal();

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal, sleep: recordingSleep().sleep });
    await journal.close();

    expect(result.status).toBe('restored');
    expect(result.differences).toEqual([]);
    const role = iam.role()!;
    expect(role.trustPolicy).toBe(EXTRA_PRINCIPAL_TRUST);
    expect([...role.attached].sort()).toEqual([ADMIN, DEPRECATED].sort());
    expect(Object.fromEntries(role.inline)).toEqual({ stray: INLINE_DOCUMENT });
    expect(snapshotRole(await readRole(iam, ROLE_NAME))).toEqual(before);
    expect(result.plan.actions.map((action) => action.kind)).toEqual([
      'PutRolePolicy',
      'AttachRolePolicy',
      'AttachRolePolicy',
      'DetachRolePolicy',
      'UpdateAssumeRolePolicy',
    ]);
  });

  it('journals its own writes', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [DEPRECATED] });
    const records = await fix(iam);
    const journal = await rollbackJournal();

    await rollbackAccount(records, ACCOUNT_ID, { iam, journal, sleep: recordingSleep().sleep });
    await journal.close();

    const { records: rollbackRecords } = await readJournal(join(directory.path, 'rollback.journal.jsonl'));
    expect(rollbackRecords.map((record) => record.type)).toEqual(['run', 'before', 'action', 'action', 'account-complete']);
    expect(rollbackRecords[0]).toMatchObject({ mode: 'rollback', rollbackOf: 'run-1' });
    expect(rollbackRecords.at(-1)).toMatchObject({ verified: true, after: { attachedPolicyArns: [DEPRECATED] } });
  });

  it('leaves a role changed after the fix alone', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [DEPRECATED] });
    const records = await fix(iam);
    iam.role()!.attached.push(READ_ONLY);
    iam.calls.length = 0;
    const journal = await rollbackJournal();

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal });
    await journal.close();

    expect(result.status).toBe('conflict');
    expect(result.differences).toEqual([`the managed policy ${READ_ONLY} is attached, but it was expected not to be`]);
    expect(iam.operations(true)).toEqual([]);
    const { records: rollbackRecords } = await readJournal(join(directory.path, 'rollback.journal.jsonl'));
    expect(rollbackRecords.map((record) => record.type)).toEqual(['run']);
  });

  it('deletes a role the fix created', async () => {
    const iam = new FakeIam();
    const records = await fix(iam);
    expect(iam.role()).toBeDefined();
    const journal = await rollbackJournal();

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal, sleep: recordingSleep().sleep });
    await journal.close();

    expect(result.status).toBe('restored');
    expect(result.plan.actions.map((action) => action.kind)).toEqual(['DetachRolePolicy', 'DeleteRole']);
    expect(iam.role()).toBeUndefined();
  });

  it('keeps a created role that someone changed', async () => {
    const iam = new FakeIam();
    const records = await fix(iam);
    iam.role()!.inline.set('added-later', INLINE_DOCUMENT);
    iam.calls.length = 0;
    const journal = await rollbackJournal();

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal });
    await journal.close();

    expect(result.status).toBe('conflict');
    expect(result.differences).toEqual(['the inline policy added-later exists, but it was expected not to']);
    expect(iam.role()).toBeDefined();
    expect(iam.operations(true)).toEqual([]);
  });

  it('skips DeleteRole when the role changes during rollback', async () => {
    const iam = new FakeIam();
    const records = await fix(iam);
    // Someone attaches a policy between the rollback's detach and its DeleteRole.
    iam.before = (operation) => {
      if (operation === 'detachRolePolicy') {
        iam.role()!.attached.push(READ_ONLY);
      }
    };
    const journal = await rollbackJournal();

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal, sleep: recordingSleep().sleep });
    await journal.close();

    expect(result.status).toBe('failed');
    expect(result.results.map((entry) => `${entry.action.kind} ${entry.outcome}`)).toEqual(['DetachRolePolicy applied', 'DeleteRole skipped']);
    expect(result.results[1]!.reason).toContain(READ_ONLY);
    expect(iam.role()).toBeDefined();
  });

  it('writes nothing in a dry run', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [DEPRECATED] });
    const records = await fix(iam);
    iam.calls.length = 0;

    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, dryRun: true });

    expect(result.status).toBe('dry-run');
    expect(result.plan.actions.map((action) => `${action.kind} ${action.target}`)).toEqual([
      `AttachRolePolicy ${DEPRECATED}`,
      `DetachRolePolicy ${CORE}`,
    ]);
    expect(iam.operations(true)).toEqual([]);
    expect(iam.role()!.attached).toEqual([CORE]);
  });

  it('restores from the journal of a crashed run', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [DEPRECATED, ADMIN] });
    const before = snapshotRole(await readRole(iam, ROLE_NAME));
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    const path = join(directory.path, 'fix.journal.jsonl');
    const journal = await FileJournal.open(path, HEADER);
    // The process dies during the second write: that call never returns and nothing after it runs.
    let writes = 0;
    iam.before = (operation) => {
      if (WRITE_OPERATIONS.has(operation) && ++writes === 2) {
        return new Promise<void>(() => undefined);
      }
    };
    void applyAccountPlan(plan, { iam, journal, desired });
    await expect.poll(async () => (await readJournal(path)).records.filter((record) => record.type === 'action').length).toBe(1);
    iam.before = undefined;
    await journal.close();

    const { records } = await readJournal(path);
    const rollback = await rollbackJournal();
    const result = await rollbackAccount(records, ACCOUNT_ID, { iam, journal: rollback, sleep: recordingSleep().sleep });
    await rollback.close();

    expect(result.status).toBe('restored');
    expect(result.plan.actions.map((action) => action.kind)).toEqual(['UpdateAssumeRolePolicy']);
    expect(snapshotRole(await readRole(iam, ROLE_NAME))).toEqual(before);
  });

  it('plans only the accounts that were read', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [DEPRECATED] });
    const records = await fix(iam);
    const current = await readRole(iam, ROLE_NAME);

    const plan = planRollback(records, new Map([[ACCOUNT_ID, current]]));
    const unread = planRollback(records, new Map());

    expect(plan.runId).toBe('run-1');
    expect(plan.accounts.map((account) => `${account.accountId} ${account.status}`)).toEqual([`${ACCOUNT_ID} ready`]);
    expect(unread.accounts).toEqual([]);
    expect(unread.accountsNotRead).toEqual([ACCOUNT_ID]);
  });

  it('has nothing to undo when no write was applied', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST });
    iam.before = (operation) => {
      if (operation === 'updateAssumeRolePolicy') throw Object.assign(new Error('denied'), { name: 'AccessDenied' });
    };
    const records = await fix(iam);
    iam.before = undefined;

    const plan = planRollback(records, new Map([[ACCOUNT_ID, await readRole(iam, ROLE_NAME)]]));

    expect(plan.accounts[0]!.status).toBe('nothing-to-undo');
    expect(plan.accounts[0]!.actions).toEqual([]);
  });
});
