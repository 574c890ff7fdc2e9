/**
 * The remediation journal: a JSON Lines file that records, before anything is written to IAM, the
 * state every write will change, and then the result of each write. Each record is flushed to disk
 * (fsync) before the call that wrote it resolves, so after a crash the journal lists every write that
 * may have been sent, and rollback can restore the state before the run.
 */
import { open, readFile, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';

import { AuditError } from '../errors.js';
import type { Finding } from '../model.js';
import type { AccountPlan, ActionResult, FindingRef, RemediationAction, RoleSnapshot } from './types.js';

/** The first record of a journal. */
export interface JournalHeader {
  runId: string;
  /** `fix` for a `--fix` run, `rollback` for a rollback, which journals its own writes. */
  mode: 'fix' | 'rollback';
  toolVersion: string;
  /** ISO 8601. */
  startedAt: string;
  /** ARN of the base credentials of the run. */
  callerArn: string;
  partition: string;
  roleName: string;
  /** For a rollback: the run id of the journal it reverses. */
  rollbackOf?: string;
}

/** Sequence number (from 1, in file order) and ISO 8601 time of a record. */
interface RecordStamp {
  seq: number;
  at: string;
}

export type RunRecord = RecordStamp & { type: 'run' } & JournalHeader;

/** The state of an account before its first write, and the actions planned for it. */
export interface BeforeRecord extends RecordStamp {
  type: 'before';
  accountId: string;
  roleName: string;
  roleArn: string;
  /** Null when the role did not exist. */
  before: RoleSnapshot | null;
  actions: RemediationAction[];
  unfixable: FindingRef[];
}

export interface ActionRecord extends RecordStamp {
  type: 'action';
  accountId: string;
  result: ActionResult;
}

/** The state of an account after its writes, as verification read it. */
export interface AccountCompleteRecord extends RecordStamp {
  type: 'account-complete';
  accountId: string;
  verified: boolean;
  /** Null when the role does not exist. */
  after: RoleSnapshot | null;
  /** Findings still present, advisories included. */
  remaining: FindingRef[];
}

export type JournalRecord = RunRecord | BeforeRecord | ActionRecord | AccountCompleteRecord;

/** What an account ended with, for `recordAccountComplete`. */
export interface AccountCompletion {
  verified: boolean;
  after: RoleSnapshot | undefined;
  findings: Finding[];
}

/** Where remediation records what it is about to do and what it did; `FileJournal` is the real one. */
export interface Journal {
  /** Records the before-state and the plan of an account; resolves once the record is on disk. */
  recordBefore(accountId: string, plan: AccountPlan): Promise<void>;
  /** Records the result of one action; resolves once the record is on disk. */
  recordAction(accountId: string, result: ActionResult): Promise<void>;
  /** Records the verified after-state of an account; resolves once the record is on disk. */
  recordAccountComplete(accountId: string, completion: AccountCompletion): Promise<void>;
}

/** Keys that would hold a credential. No record has them; any that appears is redacted, never written. */
const CREDENTIAL_KEY = /^(accesskeyid|secretaccesskey|sessiontoken|credentials|authorization)$/i;

/**
 * A journal in a JSON Lines file. Records from concurrent accounts are written one at a time, in the
 * order the calls were made. After a failed write every later call rejects, because a journal with a
 * gap cannot be trusted for rollback.
 */
export class FileJournal implements Journal {
  readonly path: string;
  private readonly handle: FileHandle;
  private readonly now: () => number;
  private seq = 0;
  private queue: Promise<void> = Promise.resolve();
  private failure: unknown;

  private constructor(path: string, handle: FileHandle, now: () => number) {
    this.path = path;
    this.handle = handle;
    this.now = now;
  }

  /**
   * Creates the journal file, writes the header record and flushes it. Rejects when the file exists,
   * so a journal is never appended to by another run.
   */
  static async open(path: string, header: JournalHeader, options: { now?: () => number } = {}): Promise<FileJournal> {
    let handle: FileHandle;
    try {
      // `ax`: append mode, failing when the path exists.
      handle = await open(path, 'ax', 0o600);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      const message =
        code === 'EEXIST'
          ? `Journal file ${path} already exists; every run writes its own journal.`
          : `Cannot create journal file ${path}: ${(error as Error).message}`;
      throw new AuditError('JOURNAL_WRITE_FAILED', message, {
        cause: error,
        remedy: 'Choose another report directory, or move the existing file away.',
      });
    }
    await syncDirectory(dirname(path));

    const journal = new FileJournal(path, handle, options.now ?? Date.now);
    await journal.append({ type: 'run', ...header });
    return journal;
  }

  recordBefore(accountId: string, plan: AccountPlan): Promise<void> {
    return this.append({
      type: 'before',
      accountId,
      roleName: plan.roleName,
      roleArn: plan.roleArn,
      before: plan.before ?? null,
      actions: plan.actions,
      unfixable: plan.unfixable.map(toRef),
    });
  }

  recordAction(accountId: string, result: ActionResult): Promise<void> {
    return this.append({ type: 'action', accountId, result });
  }

  recordAccountComplete(accountId: string, completion: AccountCompletion): Promise<void> {
    return this.append({
      type: 'account-complete',
      accountId,
      verified: completion.verified,
      after: completion.after ?? null,
      remaining: completion.findings.map(toRef),
    });
  }

  /** Waits for pending records and closes the file. */
  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    await this.handle.close();
  }

  private append(record: Record<string, unknown>): Promise<void> {
    const write = async (): Promise<void> => {
      if (this.failure !== undefined) {
        throw new AuditError('JOURNAL_WRITE_FAILED', `An earlier write to journal ${this.path} failed; no more records are written.`, {
          cause: this.failure,
        });
      }
      this.seq += 1;
      const stamped = { seq: this.seq, at: new Date(this.now()).toISOString(), ...record };
      const line = `${JSON.stringify(stamped, redactCredentials)}\n`;
      try {
        await this.handle.write(line);
        await this.handle.sync();
      } catch (error) {
        this.failure = error;
        throw new AuditError('JOURNAL_WRITE_FAILED', `Cannot write journal ${this.path}: ${(error as Error).message}`, {
          cause: error,
          remedy: 'Free disk space or fix the permissions of the report directory, then run again.',
        });
      }
    };
    const result = this.queue.then(write);
    this.queue = result.catch(() => undefined);
    return result;
  }
}

/** A journal read back from disk. */
export interface ReadJournalResult {
  records: JournalRecord[];
  /** True when the last line was cut off (a crash mid-write) and was left out. */
  truncatedLastLine: boolean;
}

/**
 * Reads a journal file. A last line that is not valid JSON and has no line break after it was cut off
 * by a crash and is left out. Raises `AuditError` with code JOURNAL_INVALID for any other line that
 * is not a record, and for a file that does not start with a run record.
 */
export async function readJournal(path: string): Promise<ReadJournalResult> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new AuditError('JOURNAL_INVALID', `Cannot read journal ${path}: ${(error as Error).message}`, {
      cause: error,
      remedy: 'Pass the .journal.jsonl file (or the JSON report) that a --fix run wrote; its path is printed under "Journal:".',
    });
  }

  const lines = text.split('\n');
  const endsWithBreak = lines.at(-1) === '';
  if (endsWithBreak) {
    lines.pop();
  }

  const records: JournalRecord[] = [];
  let truncatedLastLine = false;
  for (const [index, line] of lines.entries()) {
    const isLast = index === lines.length - 1;
    const record = parseRecord(line);
    if (record === undefined) {
      if (isLast && !endsWithBreak) {
        truncatedLastLine = true;
        break;
      }
      throw new AuditError('JOURNAL_INVALID', `${path} is not a journal of ssm-role-audit: line ${index + 1} is not a journal record.`, {
        remedy:
          'Pass the .journal.jsonl file that a --fix run wrote. If it is one, restore it as the run wrote it: rollback needs every record.',
      });
    }
    records.push(record);
  }

  if (records[0]?.type !== 'run') {
    throw new AuditError('JOURNAL_INVALID', `Journal ${path} does not start with a run record.`, {
      remedy: 'Pass the .journal.jsonl file that a --fix run wrote.',
    });
  }
  return { records, truncatedLastLine };
}

const RECORD_TYPES = new Set(['run', 'before', 'action', 'account-complete']);

function parseRecord(line: string): JournalRecord | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return undefined;
  }
  const type = (parsed as { type?: unknown }).type;
  return typeof type === 'string' && RECORD_TYPES.has(type) ? (parsed as JournalRecord) : undefined;
}

function toRef(finding: Finding): FindingRef {
  return { code: finding.code, subject: finding.subject };
}

function redactCredentials(key: string, value: unknown): unknown {
  return CREDENTIAL_KEY.test(key) ? '[redacted]' : value;
}

/**
 * Flushes the directory entry of a new file, so the file itself survives a crash (POSIX fsync on the
 * directory). Some platforms, such as Windows, cannot open a directory; the file's own fsync is all
 * they get.
 */
async function syncDirectory(path: string): Promise<void> {
  let directory: FileHandle | undefined;
  try {
    directory = await open(path, 'r');
    await directory.sync();
  } catch {
    // Best effort, as described above.
  } finally {
    await directory?.close();
  }
}
