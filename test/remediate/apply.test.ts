import { open, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it, vi } from 'vitest';

import { AuditError } from '../../src/errors.js';
import {
  applyAccountPlan,
  CREATED_BY_RUN_TAG,
  FileJournal,
  readJournal,
  type AccountCompletion,
  type AccountPlan,
  type ActionResult,
  type Journal,
} from '../../src/remediate/index.js';
import {
  ACCOUNT_ID,
  ADMIN,
  awsError,
  CORE,
  CUSTOMER_S3,
  DEPRECATED,
  desiredRole,
  EXTRA_PRINCIPAL_TRUST,
  FakeIam,
  HEADER,
  INLINE_DOCUMENT,
  planFor,
  READ_ONLY,
  ROLE_NAME,
  temporaryDirectory,
} from './helpers.js';

/** A journal that keeps records in memory, for tests that do not look at the file. */
class MemoryJournal implements Journal {
  readonly records: { type: string; accountId: string; plan?: AccountPlan; result?: ActionResult }[] = [];

  async recordBefore(accountId: string, plan: AccountPlan): Promise<void> {
    this.records.push({ type: 'before', accountId, plan });
  }

  async recordAction(accountId: string, result: ActionResult): Promise<void> {
    this.records.push({ type: 'action', accountId, result });
  }

  async recordAccountComplete(accountId: string, _completion: AccountCompletion): Promise<void> {
    this.records.push({ type: 'account-complete', accountId });
  }
}

const NOW = () => Date.parse('2026-01-01T00:00:00Z');

function outcomes(results: ActionResult[]): string[] {
  return results.map((result) => `${result.action.kind} ${result.action.target} ${result.outcome}`);
}

describe('applyAccountPlan', () => {
  it('journals and flushes the plan before the first write', async () => {
    const directory = await temporaryDirectory();
    const path = join(directory.path, 'run.journal.jsonl');
    const events: string[] = [];
    // FileHandle is not exported by node:fs, so its prototype comes from an open handle.
    const probe = await open(directory.path, 'r');
    const prototype = Object.getPrototypeOf(probe) as { write: (...args: unknown[]) => unknown; sync: () => Promise<void> };
    await probe.close();
    const write = prototype.write;
    const sync = prototype.sync;
    const writeSpy = vi.spyOn(prototype, 'write').mockImplementation(function (this: unknown, ...args: unknown[]) {
      events.push(`file write ${String(JSON.parse(String(args[0])).type)}`);
      return write.apply(this, args);
    });
    const syncSpy = vi.spyOn(prototype, 'sync').mockImplementation(function (this: unknown) {
      events.push('fsync');
      return sync.apply(this);
    });

    try {
      const iam = new FakeIam();
      iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST });
      const desired = desiredRole();
      const { plan } = await planFor(iam, desired);
      let journalAtFirstWrite = '';
      iam.before = async (operation) => {
        if (operation === 'updateAssumeRolePolicy' && journalAtFirstWrite === '') {
          events.push('IAM write');
          journalAtFirstWrite = await readFile(path, 'utf8');
        }
      };
      const journal = await FileJournal.open(path, HEADER);

      await applyAccountPlan(plan, { iam, journal, desired, now: NOW });
      await journal.close();

      const linesAtFirstWrite = journalAtFirstWrite.trim().split('\n').map((line) => JSON.parse(line) as { type: string; before?: unknown });
      expect(linesAtFirstWrite.map((line) => line.type)).toEqual(['run', 'before']);
      expect(linesAtFirstWrite[1]!.before).toMatchObject({ trustPolicy: EXTRA_PRINCIPAL_TRUST });
      // The first fsync is the directory's, after the journal file is created.
      expect(events.slice(0, 6)).toEqual(['fsync', 'file write run', 'fsync', 'file write before', 'fsync', 'IAM write']);
    } finally {
      writeSpy.mockRestore();
      syncSpy.mockRestore();
      await directory.remove();
    }
  });

  it('writes and journals nothing for an empty plan', async () => {
    const iam = new FakeIam();
    iam.addRole();
    const journal = new MemoryJournal();
    const { plan } = await planFor(iam, desiredRole());
    iam.calls.length = 0;

    const result = await applyAccountPlan(plan, { iam, journal, desired: desiredRole() });

    expect(result.status).toBe('no-changes');
    expect(journal.records).toEqual([]);
    expect(iam.calls).toEqual([]);
  });

  it('applies every action in plan order', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [DEPRECATED, ADMIN], inline: { stray: INLINE_DOCUMENT } });
    const journal = new MemoryJournal();
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    iam.calls.length = 0;

    const result = await applyAccountPlan(plan, { iam, journal, desired, now: NOW });

    expect(result.status).toBe('applied');
    expect(iam.operations(true)).toEqual([
      'updateAssumeRolePolicy',
      'attachRolePolicy',
      'detachRolePolicy',
      'detachRolePolicy',
      'deleteRolePolicy',
    ]);
    expect(journal.records.map((record) => record.type)).toEqual(['before', 'action', 'action', 'action', 'action', 'action']);
    expect(iam.role()!.attached).toEqual([CORE]);
    expect(result.results.every((entry) => entry.at === '2026-01-01T00:00:00.000Z')).toBe(true);
  });

  it('skips a missing customer managed policy', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [CORE, DEPRECATED] });
    const desired = desiredRole({ requireCustomerPolicy: true });
    const { plan } = await planFor(iam, desired);

    const result = await applyAccountPlan(plan, { iam, journal: new MemoryJournal(), desired });

    expect(outcomes(result.results)).toEqual([`AttachRolePolicy ${CUSTOMER_S3} skipped`, `DetachRolePolicy ${DEPRECATED} applied`]);
    expect(result.results[0]!.reason).toBe('policy does not exist in the account; a person must create it');
    expect(iam.operations()).not.toContain('attachRolePolicy');
    expect(result.status).toBe('incomplete');
    expect(result.leftUnfixed).toEqual([{ code: 'MANAGED_POLICY_MISSING', subject: CUSTOMER_S3 }]);
  });

  it('attaches an existing customer managed policy after GetPolicy', async () => {
    const iam = new FakeIam();
    iam.addRole();
    iam.customerPolicies.add(CUSTOMER_S3);
    const desired = desiredRole({ requireCustomerPolicy: true });
    const { plan } = await planFor(iam, desired);
    iam.calls.length = 0;

    const result = await applyAccountPlan(plan, { iam, journal: new MemoryJournal(), desired });

    expect(result.status).toBe('applied');
    expect(iam.operations()).toEqual(['getPolicy', 'attachRolePolicy']);
  });

  it('attaches AWS managed policies without GetPolicy', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [] });
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    iam.calls.length = 0;

    await applyAccountPlan(plan, { iam, journal: new MemoryJournal(), desired });

    expect(iam.operations()).toEqual(['attachRolePolicy']);
  });

  it('detaches nothing when the managed policy quota is reached', async () => {
    const iam = new FakeIam();
    iam.managedPolicyQuota = 2;
    iam.addRole({ attached: [ADMIN, READ_ONLY], inline: { stray: INLINE_DOCUMENT } });
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);

    const result = await applyAccountPlan(plan, { iam, journal: new MemoryJournal(), desired });

    expect(outcomes(result.results)).toEqual([
      `AttachRolePolicy ${CORE} failed`,
      `DetachRolePolicy ${ADMIN} skipped`,
      `DetachRolePolicy ${READ_ONLY} skipped`,
      'DeleteRolePolicy stray skipped',
    ]);
    expect(result.results[0]!.error).toMatchObject({ code: 'LimitExceeded', requestId: 'req-LimitExceeded', httpStatus: 409 });
    expect(result.results[0]!.reason).toContain('10 by default, adjustable up to 20');
    expect(result.results[1]!.reason).toContain('never have less than it needs');
    expect(iam.role()!.attached).toEqual([ADMIN, READ_ONLY]);
    expect(iam.role()!.inline.size).toBe(1);
  });

  it('stops the account at another failure', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [ADMIN] });
    iam.before = (operation) => {
      if (operation === 'updateAssumeRolePolicy') throw awsError('AccessDenied', 403, 'not authorized to perform iam:UpdateAssumeRolePolicy');
    };
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);

    const result = await applyAccountPlan(plan, { iam, journal: new MemoryJournal(), desired });

    expect(outcomes(result.results)).toEqual([
      `UpdateAssumeRolePolicy ${plan.roleArn} failed`,
      `AttachRolePolicy ${CORE} skipped`,
      `DetachRolePolicy ${ADMIN} skipped`,
    ]);
    expect(result.results[1]!.reason).toMatch(/UpdateAssumeRolePolicy .* failed/);
    expect(iam.operations(true)).toEqual(['updateAssumeRolePolicy']);
  });

  it('continues after a lost CreateRole response', async () => {
    const iam = new FakeIam();
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired, { runId: 'run-7' });
    // The first CreateRole succeeds in IAM but its response is lost; the SDK's retry gets EntityAlreadyExists.
    const createRole = iam.createRole;
    iam.createRole = async (input) => {
      await createRole(input);
      return createRole(input);
    };
    const journal = new MemoryJournal();

    const result = await applyAccountPlan(plan, { iam, journal, desired });

    expect(outcomes(result.results)).toEqual([`CreateRole ${plan.roleArn} applied`, `AttachRolePolicy ${CORE} applied`]);
    expect(result.results[0]!.reason).toContain('carries the tag of this run');
    expect(iam.role()!.tags.get(CREATED_BY_RUN_TAG)).toBe('run-7');
    expect(journal.records.filter((record) => record.type === 'before')).toHaveLength(1);
  });

  it('plans again when someone else created the role', async () => {
    const iam = new FakeIam();
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [ADMIN] });
    const journal = new MemoryJournal();

    const result = await applyAccountPlan(plan, { iam, journal, desired });

    expect(outcomes(result.results)).toEqual([
      `CreateRole ${plan.roleArn} skipped`,
      `UpdateAssumeRolePolicy ${plan.roleArn} applied`,
      `AttachRolePolicy ${CORE} applied`,
      `DetachRolePolicy ${ADMIN} applied`,
    ]);
    const befores = journal.records.filter((record) => record.type === 'before');
    expect(befores).toHaveLength(2);
    expect(befores[1]!.plan!.before).toMatchObject({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attachedPolicyArns: [ADMIN] });
    expect(journal.records.map((record) => record.type)).toEqual(['before', 'action', 'before', 'action', 'action', 'action']);
  });

  it('rejects a plan for another role before writing', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST });
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    plan.actions[0]!.write = { kind: 'UpdateAssumeRolePolicy', roleName: 'OrganizationAccountAccessRole', trustPolicy: '{}' };
    const journal = new MemoryJournal();
    iam.calls.length = 0;

    const error = await applyAccountPlan(plan, { iam, journal, desired }).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).code).toBe('PLAN_INVALID');
    expect(iam.calls).toEqual([]);
    expect(journal.records).toEqual([]);
  });

  it('sends no write when the journal cannot be written', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST });
    const desired = desiredRole();
    const { plan } = await planFor(iam, desired);
    const journal = new MemoryJournal();
    journal.recordBefore = async () => {
      throw new AuditError('JOURNAL_WRITE_FAILED', 'disk full');
    };
    iam.calls.length = 0;

    await expect(applyAccountPlan(plan, { iam, journal, desired })).rejects.toThrow('disk full');
    expect(iam.calls).toEqual([]);
  });

  it('journals every result with the account id', async () => {
    const directory = await temporaryDirectory();
    try {
      const path = join(directory.path, 'run.journal.jsonl');
      const iam = new FakeIam();
      iam.addRole({ attached: [DEPRECATED] });
      const desired = desiredRole();
      const { plan } = await planFor(iam, desired);
      const journal = await FileJournal.open(path, HEADER);

      await applyAccountPlan(plan, { iam, journal, desired });
      await journal.close();

      const { records } = await readJournal(path);
      const actions = records.filter((record) => record.type === 'action');
      expect(actions.map((record) => (record.type === 'action' ? `${record.accountId} ${record.result.action.kind} ${record.result.outcome}` : ''))).toEqual([
        `${ACCOUNT_ID} AttachRolePolicy applied`,
        `${ACCOUNT_ID} DetachRolePolicy applied`,
      ]);
      expect(records.every((record) => record.type === 'run' || record.accountId === ACCOUNT_ID)).toBe(true);
      expect(JSON.stringify(records)).toContain(ROLE_NAME);
    } finally {
      await directory.remove();
    }
  });
});
