import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AuditError } from '../../src/errors.js';
import { FileJournal, readJournal, type AccountPlan } from '../../src/remediate/index.js';
import { ACCOUNT_ID, HEADER, ROLE_ARN, ROLE_NAME, temporaryDirectory } from './helpers.js';

const EMPTY_PLAN: AccountPlan = {
  accountId: ACCOUNT_ID,
  roleName: ROLE_NAME,
  roleArn: ROLE_ARN,
  actions: [],
  unfixable: [],
  advisories: [],
  before: undefined,
};

describe('FileJournal', () => {
  let directory: { path: string; remove: () => Promise<void> };
  let path: string;

  beforeEach(async () => {
    directory = await temporaryDirectory();
    path = join(directory.path, 'run.journal.jsonl');
  });
  afterEach(() => directory.remove());

  it('writes records that readJournal returns', async () => {
    const journal = await FileJournal.open(path, HEADER, { now: () => Date.parse('2026-01-01T00:00:05Z') });
    await journal.recordBefore(ACCOUNT_ID, EMPTY_PLAN);
    await journal.recordAccountComplete(ACCOUNT_ID, { verified: true, after: undefined, findings: [] });
    await journal.close();

    const { records, truncatedLastLine } = await readJournal(path);

    expect(truncatedLastLine).toBe(false);
    expect(records.map((record) => record.type)).toEqual(['run', 'before', 'account-complete']);
    expect(records.map((record) => record.seq)).toEqual([1, 2, 3]);
    expect(records[0]).toMatchObject({ ...HEADER, at: '2026-01-01T00:00:05.000Z' });
    expect(records[1]).toMatchObject({ accountId: ACCOUNT_ID, before: null, roleArn: ROLE_ARN });
  });

  it('rejects a path that already exists', async () => {
    await writeFile(path, 'earlier run\n');

    await expect(FileJournal.open(path, HEADER)).rejects.toThrow(/already exists/);
    expect(await readFile(path, 'utf8')).toBe('earlier run\n');
  });

  it('keeps the call order of concurrent records', async () => {
    const journal = await FileJournal.open(path, HEADER);
    const accounts = Array.from({ length: 20 }, (_, index) => String(100000000000 + index));
    await Promise.all(accounts.map((accountId) => journal.recordBefore(accountId, { ...EMPTY_PLAN, accountId })));
    await journal.close();

    const { records } = await readJournal(path);

    expect(records.slice(1).map((record) => (record.type === 'before' ? record.accountId : ''))).toEqual(accounts);
  });

  it('redacts keys that would hold credentials', async () => {
    const journal = await FileJournal.open(path, HEADER);
    const leaky = { ...EMPTY_PLAN, actions: [{ credentials: { secretAccessKey: 'SECRET' } }] } as unknown as AccountPlan;
    await journal.recordBefore(ACCOUNT_ID, leaky);
    await journal.close();

    const text = await readFile(path, 'utf8');

    expect(text).not.toContain('SECRET');
    expect(text).toContain('[redacted]');
  });
});

describe('readJournal', () => {
  let directory: { path: string; remove: () => Promise<void> };
  let path: string;

  beforeEach(async () => {
    directory = await temporaryDirectory();
    path = join(directory.path, 'run.journal.jsonl');
    const journal = await FileJournal.open(path, HEADER);
    await journal.recordBefore(ACCOUNT_ID, EMPTY_PLAN);
    await journal.close();
  });
  afterEach(() => directory.remove());

  it('leaves out a last line cut off by a crash', async () => {
    await appendFile(path, '{"seq":3,"at":"2026-01-01T00:00:00.000Z","type":"act');

    const { records, truncatedLastLine } = await readJournal(path);

    expect(truncatedLastLine).toBe(true);
    expect(records).toHaveLength(2);
  });

  it('rejects a broken line before the last', async () => {
    await appendFile(path, 'garbage\n{"seq":4,"type":"run"}\n');

    const error = await readJournal(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(AuditError);
    expect((error as AuditError).code).toBe('JOURNAL_INVALID');
    expect((error as AuditError).message).toContain('line 3');
  });

  it('rejects a file without a run record', async () => {
    await writeFile(path, '{"seq":1,"type":"before"}\n');

    await expect(readJournal(path)).rejects.toThrow(/does not start with a run record/);
  });
});
