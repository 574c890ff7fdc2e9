/**
 * `ssm-role-audit rollback`: restores every account a `--fix` run changed to the before-state its
 * journal recorded. An account whose role changed since the fix is left alone and reported as a
 * conflict. Every write the rollback sends is journaled, as a fix's writes are.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import pLimit from 'p-limit';
import { CallCounter } from '../aws/api.js';
import { describeAwsError } from '../aws/aws-error.js';
import type { CliIo } from '../cli/program.js';
import { credentialsForAccount } from '../credentials/account-credentials.js';
import { identifyCaller } from '../credentials/caller.js';
import { UsageError } from '../errors.js';
import { createLogger, type LogLevel } from '../log/logger.js';
import { toolVersion } from '../package-info.js';
import {
  FileJournal,
  readJournal,
  rollbackAccount,
  type AccountRollbackResult,
  type JournalRecord,
  type RunRecord,
} from '../remediate/index.js';
import { newRunId } from '../scan/run-scan.js';
import { createClients, requireRegion, type AccountAccessOptions } from './aws-access.js';
import { askYesNo } from './confirm.js';

export interface RollbackCommandOptions extends AccountAccessOptions {
  accounts?: string[];
  dryRun?: boolean;
  yes?: boolean;
  reportDir?: string;
  concurrency: number;
  logLevel: LogLevel;
}

/** An account's outcome; `unreachable` when its access role could not be assumed. */
type Outcome = AccountRollbackResult | { accountId: string; status: 'unreachable'; message: string };

export async function rollbackCommand(source: string, options: RollbackCommandOptions, io: CliIo): Promise<number> {
  if (!options.dryRun && !options.yes && !io.stdinIsTTY) {
    throw new UsageError('rollback needs --yes when stdin is not a terminal, because no confirmation can be read.', [], {
      remedy: 'Review it with rollback --dry-run first, then run rollback --yes.',
    });
  }
  const journalPath = await journalPathFrom(source);
  const { records, truncatedLastLine } = await readJournal(journalPath);
  const header = records[0] as RunRecord;
  if (header.mode !== 'fix') {
    throw new UsageError(`${journalPath} is the journal of a ${header.mode}, not of a --fix run.`);
  }
  const accountIds = selectAccounts(records, options.accounts, journalPath);

  const region = await requireRegion(options);
  const logger = createLogger({ level: options.logLevel, pretty: io.stderrIsTTY });
  if (truncatedLastLine) logger.warn({ journalPath }, 'the journal ends in a truncated line, left by a killed run; the line is ignored');

  const runCounter = new CallCounter();
  const clients = createClients(options, { region, concurrency: options.concurrency, runCounter, logger });

  try {
    const caller = await identifyCaller(clients.sts());
    if (caller.partition !== header.partition) {
      throw new UsageError(
        `The journal was written in partition ${header.partition}, but the credentials are in ${caller.partition}.`,
      );
    }
    const runId = newRunId(new Date());
    const restore = async (dryRun: boolean, journal?: FileJournal): Promise<Outcome[]> => {
      const limit = pLimit(options.concurrency);
      return Promise.all(
        accountIds.map((accountId) =>
          limit(async (): Promise<Outcome> => {
            let resolved;
            try {
              resolved = await credentialsForAccount({
                sts: clients.sts(),
                caller,
                accountId,
                accessRoleName: options.accessRoleName,
                roleSessionName: `ssm-role-audit-rollback-${runId}`.slice(0, 64),
                externalId: options.externalId,
              });
            } catch (error) {
              const aws = describeAwsError(error);
              return { accountId, status: 'unreachable', message: `${aws.code}: ${aws.message}` };
            }
            const iam = clients.iam(resolved.credentials, new CallCounter());
            return rollbackAccount(records, accountId, { iam, journal, dryRun, logger });
          }),
        ),
      );
    };

    // On a terminal without --yes, show what would be undone and ask before writing.
    if (!options.dryRun && !options.yes) {
      const preview = await restore(true);
      io.stderr.write(`\nRollback of run ${header.runId}:\n${describeOutcomes(preview)}\n\n`);
      if (!(await askYesNo(io, 'Restore these accounts?'))) {
        io.stdout.write('Rollback not confirmed; nothing was written.\n');
        return 1;
      }
    }

    let journal: FileJournal | undefined;
    if (!options.dryRun) {
      const path = join(options.reportDir ?? dirname(journalPath), `ssm-role-audit-rollback-${runId}.journal.jsonl`);
      journal = await FileJournal.open(path, {
        runId,
        mode: 'rollback',
        rollbackOf: header.runId,
        toolVersion,
        startedAt: new Date().toISOString(),
        callerArn: caller.arn,
        partition: caller.partition,
        roleName: header.roleName,
      });
    }
    let outcomes: Outcome[];
    try {
      outcomes = await restore(options.dryRun === true, journal);
    } finally {
      await journal?.close();
    }

    io.stdout.write(`Rollback of run ${header.runId}${options.dryRun ? ' (dry run, nothing written)' : ''}:\n`);
    io.stdout.write(`${describeOutcomes(outcomes)}\n`);
    if (journal) io.stdout.write(`Rollback journal: ${journal.path}\n`);
    return exitCodeFor(outcomes);
  } finally {
    clients.close();
  }
}

/** Accepts a journal, or a JSON report whose `remediation.journalPath` names one. */
async function journalPathFrom(source: string): Promise<string> {
  if (!source.endsWith('.json')) return source;
  let report: { remediation?: { journalPath?: string } };
  try {
    report = JSON.parse(await readFile(source, 'utf8')) as typeof report;
  } catch (error) {
    throw new UsageError(`Cannot read report ${source}: ${(error as Error).message}`, [], { cause: error });
  }
  const path = report.remediation?.journalPath;
  if (!path) {
    throw new UsageError(`Report ${source} has no journal: it is not from a --fix run that wrote anything.`, [], {
      remedy: 'Pass the JSON report of a --fix run without --dry-run, or its .journal.jsonl file.',
    });
  }
  return path;
}

function selectAccounts(records: JournalRecord[], requested: string[] | undefined, journalPath: string): string[] {
  const changed = [...new Set(records.filter((record) => record.type === 'before').map((record) => record.accountId))].sort();
  if (!requested) return changed;
  const unknown = requested.filter((id) => !changed.includes(id));
  if (unknown.length > 0) {
    throw new UsageError(`No change to undo in account ${unknown.join(', ')}: ${journalPath} does not list it.`, [], {
      remedy: `Accounts in this journal: ${changed.join(', ') || 'none'}.`,
    });
  }
  return changed.filter((id) => requested.includes(id));
}

function describeOutcomes(outcomes: Outcome[]): string {
  const lines: string[] = [];
  for (const outcome of outcomes) {
    if (outcome.status === 'unreachable') {
      lines.push(`${outcome.accountId}  unreachable  ${outcome.message}`);
      continue;
    }
    lines.push(`${outcome.accountId}  ${outcome.status}  ${outcome.plan.roleArn}`);
    for (const action of outcome.plan.actions) lines.push(`    ${action.kind} ${action.target}`);
    for (const difference of outcome.differences) lines.push(`    ${difference}`);
    for (const result of outcome.results.filter((r) => r.outcome !== 'applied')) {
      lines.push(`    ${result.outcome}: ${result.action.kind} ${result.action.target}: ${result.error?.message ?? result.reason ?? ''}`);
    }
  }
  return lines.join('\n');
}

/**
 * Returns 0 when every account is restored or had nothing to undo, 1 on a conflict or a failure, and
 * 2 when an account could not be reached.
 */
function exitCodeFor(outcomes: Outcome[]): number {
  if (outcomes.some((outcome) => outcome.status === 'unreachable')) return 2;
  const fine = new Set(['restored', 'dry-run', 'nothing-to-undo']);
  return outcomes.every((outcome) => fine.has(outcome.status)) ? 0 : 1;
}

