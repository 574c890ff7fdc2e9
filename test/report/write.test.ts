import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { AuditError, UsageError } from '../../src/errors.js';
import {
  checkReportDirWritable,
  renderJsonReport,
  renderMarkdownReport,
  reportBaseName,
  writeReports,
} from '../../src/report/index.js';
import { sampleReport } from './fixtures.js';

let workDir: string;

beforeEach(async () => {
  workDir = await mkdtemp(join(tmpdir(), 'ssm-role-audit-report-'));
});

afterEach(async () => {
  await rm(workDir, { recursive: true, force: true });
});

const NOW = new Date('2026-12-04T19:20:31.789Z');

describe('reportBaseName', () => {
  it.each([
    ['20261204T192000Z-a1b2c3', 'ssm-role-audit-20261204T192031Z-a1b2c3'],
    ['6f1d3c2a-9b8e-4d7c-a6b5-0123456789ab', 'ssm-role-audit-20261204T192031Z-01234567'],
    ['../../etc/passwd', 'ssm-role-audit-20261204T192031Z-etcpassw'],
    ['---', 'ssm-role-audit-20261204T192031Z-run'],
  ])('names run %j', (runId, expected) => {
    expect(reportBaseName(runId, NOW)).toBe(expected);
  });

  it('sorts names in time order', () => {
    const times = [
      '2026-12-04T23:59:59.999Z',
      '2026-12-05T00:00:00.000Z',
      '2026-12-05T00:00:01.000Z',
      '2027-01-01T09:00:00.000Z',
    ];
    // Run ids in reverse alphabetical order, so only the timestamp can put the names in order.
    const names = times.map((time, index) => reportBaseName(`run-${'zyxw'[index]}`, new Date(time)));

    expect([...names].sort()).toEqual(names);
  });
});

describe('writeReports', () => {
  it('writes the four report files', async () => {
    const paths = await writeReports(sampleReport(), { reportDir: workDir, now: NOW });

    expect(paths).toEqual({
      jsonPath: join(workDir, 'ssm-role-audit-20261204T192031Z-a1b2c3.json'),
      markdownPath: join(workDir, 'ssm-role-audit-20261204T192031Z-a1b2c3.md'),
      latestJsonPath: join(workDir, 'latest.json'),
      latestMarkdownPath: join(workDir, 'latest.md'),
    });
    expect((await readdir(workDir)).sort()).toEqual([
      'latest.json',
      'latest.md',
      'ssm-role-audit-20261204T192031Z-a1b2c3.json',
      'ssm-role-audit-20261204T192031Z-a1b2c3.md',
    ]);
  });

  it('writes the rendered reports', async () => {
    const paths = await writeReports(sampleReport(), { reportDir: workDir, now: NOW });

    expect(await readFile(paths.jsonPath, 'utf8')).toBe(renderJsonReport(sampleReport()));
    expect(await readFile(paths.markdownPath, 'utf8')).toBe(renderMarkdownReport(sampleReport()));
  });

  it('makes latest equal the timestamped reports', async () => {
    const paths = await writeReports(sampleReport(), { reportDir: workDir, now: NOW });

    expect(await readFile(paths.latestJsonPath)).toEqual(await readFile(paths.jsonPath));
    expect(await readFile(paths.latestMarkdownPath)).toEqual(await readFile(paths.markdownPath));
  });

  it('replaces latest with the newest run', async () => {
    await writeReports(sampleReport(), { reportDir: workDir, now: NOW });
    const second = sampleReport();
    second.runId = '20261204T193000Z-d4e5f6';

    const paths = await writeReports(second, { reportDir: workDir, now: new Date('2026-12-04T19:30:05Z') });

    const latest = JSON.parse(await readFile(paths.latestJsonPath, 'utf8')) as { runId: string };
    expect(latest.runId).toBe('20261204T193000Z-d4e5f6');
    expect((await readdir(workDir)).filter((name) => name.startsWith('ssm-role-audit-')).sort()).toEqual([
      'ssm-role-audit-20261204T192031Z-a1b2c3.json',
      'ssm-role-audit-20261204T192031Z-a1b2c3.md',
      'ssm-role-audit-20261204T193005Z-d4e5f6.json',
      'ssm-role-audit-20261204T193005Z-d4e5f6.md',
    ]);
  });

  it('creates a missing report directory', async () => {
    const reportDir = join(workDir, 'nested', 'reports');

    const paths = await writeReports(sampleReport(), { reportDir, now: NOW });

    expect(await readFile(paths.latestMarkdownPath, 'utf8')).toContain('# SSM service role audit');
  });

  it('leaves no temporary file after a failed rename', async () => {
    // A directory named latest.json makes the rename over it fail.
    await mkdir(join(workDir, 'latest.json'));

    const writing = writeReports(sampleReport(), { reportDir: workDir, now: NOW });

    await expect(writing).rejects.toThrow(AuditError);
    await expect(writing).rejects.toThrow(`Failed to write report file ${join(workDir, 'latest.json')}`);
    expect((await readdir(workDir)).sort()).toEqual([
      'latest.json',
      'ssm-role-audit-20261204T192031Z-a1b2c3.json',
      'ssm-role-audit-20261204T192031Z-a1b2c3.md',
    ]);
  });

  it('writes nothing when the report contains a secret', async () => {
    const report = sampleReport();
    report.reproduce.command = 'AWS_SESSION_TOKEN=IQoJb3JpZ2luX2VjE ssm-role-audit scan';

    await expect(writeReports(report, { reportDir: workDir, now: NOW })).rejects.toThrow(/session token/);
    expect(await readdir(workDir)).toEqual([]);
  });

  it('reports a report directory under a file', async () => {
    const file = join(workDir, 'not-a-directory');
    await writeFile(file, 'x');

    const writing = writeReports(sampleReport(), { reportDir: join(file, 'reports'), now: NOW });

    await expect(writing).rejects.toMatchObject({ code: 'REPORT_WRITE_FAILED' });
    await expect(writing).rejects.toThrow(join(file, 'reports'));
  });

  it('rejects an invalid time', async () => {
    await expect(writeReports(sampleReport(), { reportDir: workDir, now: new Date('not a date') })).rejects.toThrow(
      TypeError,
    );
  });
});

describe('checkReportDirWritable', () => {
  it('creates a missing directory and leaves it empty', async () => {
    const reportDir = join(workDir, 'new', 'reports');

    await checkReportDirWritable(reportDir);

    expect(await readdir(reportDir)).toEqual([]);
  });

  it('accepts an existing directory without changing it', async () => {
    await writeFile(join(workDir, 'latest.json'), '{}');

    await checkReportDirWritable(workDir);

    expect(await readdir(workDir)).toEqual(['latest.json']);
  });

  it('rejects a path under a regular file', async () => {
    const file = join(workDir, 'reports.txt');
    await writeFile(file, 'x');
    const reportDir = join(file, 'reports');

    const checking = checkReportDirWritable(reportDir);

    await expect(checking).rejects.toThrow(UsageError);
    await expect(checking).rejects.toThrow(`Report directory ${reportDir} is not writable`);
    await expect(checking).rejects.toMatchObject({
      code: 'INVALID_USAGE',
      remedy: expect.stringContaining('--report-dir'),
    });
  });

  it('rejects a regular file', async () => {
    const file = join(workDir, 'reports');
    await writeFile(file, 'x');

    await expect(checkReportDirWritable(file)).rejects.toThrow(`Report directory ${file} is not writable`);
  });
});
