import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';

import { AuditError, UsageError } from '../errors.js';
import type { RunReport } from '../model.js';
import type { MarkdownReportOptions } from './markdown.js';

export interface WriteReportsOptions {
  /** Directory for the reports, created when missing. */
  reportDir: string;
  /** Time that names the report files; defaults to the current time. */
  now?: Date;
  markdown?: MarkdownReportOptions;
}

export interface ReportPaths {
  jsonPath: string;
  markdownPath: string;
  /** `latest.json`, a copy of the JSON report of this run. */
  latestJsonPath: string;
  /** `latest.md`, a copy of the Markdown report of this run. */
  latestMarkdownPath: string;
}

const FILE_PREFIX = 'ssm-role-audit';

/**
 * Writes the JSON and Markdown reports of a run to `reportDir` as
 * `ssm-role-audit-<UTC time>-<run id part>.json` and `.md`, then copies them to `latest.json` and
 * `latest.md`. Each file is written atomically, so a reader sees either the previous file or the whole
 * new one. Both reports are rendered before the first write, so a credential found by
 * `assertNoSecrets` stops the run from writing anything. Throws an AuditError (`REPORT_WRITE_FAILED`)
 * naming the file when a write fails.
 */
export async function writeReports(report: RunReport, options: WriteReportsOptions): Promise<ReportPaths> {
  const now = options.now ?? new Date();
  if (Number.isNaN(now.getTime())) {
    throw new TypeError('writeReports: options.now is an invalid Date');
  }

  // The renderers load here, at the end of a run, so that checking the report directory at start-up
  // does not load them.
  const { renderJsonReport } = await import('./json.js');
  const { renderMarkdownReport } = await import('./markdown.js');
  const json = renderJsonReport(report);
  const markdown = renderMarkdownReport(report, options.markdown);

  const reportDir = resolve(options.reportDir);
  const baseName = reportBaseName(report.runId, now);
  const written: ReportPaths = {
    jsonPath: join(reportDir, `${baseName}.json`),
    markdownPath: join(reportDir, `${baseName}.md`),
    latestJsonPath: join(reportDir, 'latest.json'),
    latestMarkdownPath: join(reportDir, 'latest.md'),
  };

  await createDirectory(reportDir);
  // The timestamped files go first, so `latest.*` never contains a run whose timestamped reports are missing.
  await writeFileAtomic(written.jsonPath, json);
  await writeFileAtomic(written.markdownPath, markdown);
  await writeFileAtomic(written.latestJsonPath, json);
  await writeFileAtomic(written.latestMarkdownPath, markdown);
  return written;
}

/**
 * Returns the report file name without its extension, `ssm-role-audit-20261204T192031Z-a1b2c3`. The
 * fixed-width UTC time comes first, so names sort in time order to the second. The run id part is the
 * last `-`-separated segment of the run id, cut to 8 letters and digits: the random suffix of the
 * scan's `<time>-<hex>` run ids, or the start of a UUID's last group. Keeping only letters and digits
 * also keeps path separators out of the name.
 */
export function reportBaseName(runId: string, now: Date): string {
  const timestamp = `${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
  const segments = runId
    .split('-')
    .map((segment) => segment.replace(/[^A-Za-z0-9]/g, ''))
    .filter((segment) => segment !== '');
  const runIdPart = segments.at(-1)?.slice(0, 8) ?? 'run';
  return `${FILE_PREFIX}-${timestamp}-${runIdPart}`;
}

/**
 * Creates the report directory when missing and proves that this process can create and remove files
 * in it, so a bad `--report-dir` fails before the scan spends time on AWS calls. Throws a UsageError
 * that names the directory and the fix.
 */
export async function checkReportDirWritable(reportDir: string): Promise<void> {
  const directory = resolve(reportDir);
  const probePath = join(directory, temporaryName('.write-test'));

  try {
    await mkdir(directory, { recursive: true });
    const handle = await open(probePath, 'wx');
    await handle.close();
    await rm(probePath);
  } catch (error) {
    const reason = describeFileError(error);
    throw new UsageError(
      `Report directory ${directory} is not writable: ${reason}.`,
      [{ path: '--report-dir', message: `${directory} is not writable: ${reason}` }],
      {
        remedy: 'Pass --report-dir with a directory that this user can create files in.',
        cause: error,
      },
    );
  }
}

async function createDirectory(directory: string): Promise<void> {
  try {
    await mkdir(directory, { recursive: true });
  } catch (error) {
    throw writeFailed(directory, error);
  }
}

/**
 * Writes `text` to a temporary file in the target's directory, flushes it to disk, renames it over the
 * target and flushes the directory. rename(2) replaces the target in one step only within one file
 * system, which is why the temporary file sits beside the target. On failure the temporary file is
 * removed and the target is left as it was.
 */
async function writeFileAtomic(target: string, text: string): Promise<void> {
  const directory = dirname(target);
  const temporaryPath = join(directory, temporaryName(`.${basename(target)}`));
  let handle: FileHandle | undefined;

  try {
    handle = await open(temporaryPath, 'wx');
    await handle.writeFile(text, 'utf8');
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(temporaryPath, target);
  } catch (error) {
    await handle?.close().catch(() => undefined);
    await rm(temporaryPath, { force: true });
    throw writeFailed(target, error);
  }

  try {
    await syncDirectory(directory);
  } catch (error) {
    throw writeFailed(target, error);
  }
}

/**
 * Flushes a directory so that a rename in it survives a crash: fsync(2) on Linux states that syncing a
 * file does not sync its directory entry. Windows cannot open a directory as a file, so there the step
 * is skipped, and a file system that cannot sync directories (EINVAL, per fsync(2)) is accepted.
 */
async function syncDirectory(directory: string): Promise<void> {
  if (process.platform === 'win32') {
    return;
  }

  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    if (errorCode(error) !== 'EINVAL') {
      throw error;
    }
  } finally {
    await handle.close();
  }
}

function temporaryName(prefix: string): string {
  return `${prefix}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

function writeFailed(path: string, error: unknown): AuditError {
  return new AuditError('REPORT_WRITE_FAILED', `Failed to write report file ${path}: ${describeFileError(error)}.`, {
    remedy: 'Check that the report directory is writable and has free space, or choose another one with --report-dir.',
    cause: error,
  });
}

const FILE_ERROR_REASONS: Record<string, string> = {
  ENOTDIR: 'a part of the path is a file, not a directory',
  EEXIST: 'the path exists and is not a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'the disk quota is exhausted',
};

function describeFileError(error: unknown): string {
  const code = errorCode(error);
  const reason = code === undefined ? undefined : FILE_ERROR_REASONS[code];
  if (reason !== undefined) {
    return `${reason} (${code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}
