import { writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/program.js';
import { ExitCode } from '../../src/exit-codes.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { TextSink, tempDir } from '../_helpers/scan-harness.js';
import { faultOrg, MANAGEMENT, memberId, PLAIN_TRUST, scanWithFaults, statuses } from './helpers.js';

const launch = emulatorLauncher();
const CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';

async function runCli(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const exitCode = await main(args, {
    stdout,
    stderr,
    stderrIsTTY: false,
    stdin: process.stdin,
    stdinIsTTY: false,
    env: process.env,
  });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

describe('bad command lines', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  // None of these reaches AWS: the endpoint is a closed loopback port, so a call would fail, not hang.
  const base = ['scan', '--endpoint-url', 'http://127.0.0.1:9', '--log-level', 'silent'];

  it.each([
    ['an unknown option', [...base, '--region', 'us-east-1', '--bogus'], "error: unknown option '--bogus'"],
    [
      '--concurrency 0',
      [...base, '--region', 'us-east-1', '--concurrency', '0'],
      'error: option \'--concurrency <n>\' argument \'0\' is invalid. --concurrency must be a whole number from 1 to 512; got "0".',
    ],
    [
      '--account-timeout 0',
      [...base, '--region', 'us-east-1', '--account-timeout', '0'],
      '--account-timeout must be a whole number from 1 to 86400; got "0".',
    ],
    [
      'a fractional --organizations-rate',
      [...base, '--region', 'us-east-1', '--organizations-rate', '0.5'],
      '--organizations-rate must be a whole number from 1 to 100; got "0.5".',
    ],
    [
      'an account both included and excluded',
      [...base, '--region', 'us-east-1', '--accounts', '222222222222,333333333333', '--exclude-accounts', '222222222222'],
      'error: Accounts given to both --accounts and --exclude-accounts: 222222222222\nList each account in only one of the two options.',
    ],
    [
      'an invalid account id',
      [...base, '--region', 'us-east-1', '--accounts', '12345'],
      '"12345" is not a list of 12-digit AWS account ids',
    ],
  ])('%s: exit 3 with the reason', async (_name, args, message) => {
    const { exitCode, stderr, stdout } = await runCli(args);

    expect(exitCode).toBe(ExitCode.InvalidOrIncomplete);
    expect(stderr).toContain(message);
    expect(stdout).toBe('');
  });

  it('missing region: exit 3 with the fix', async () => {
    vi.stubEnv('AWS_REGION', undefined);
    vi.stubEnv('AWS_DEFAULT_REGION', undefined);

    const { exitCode, stderr } = await runCli(base);

    expect(exitCode).toBe(ExitCode.InvalidOrIncomplete);
    expect(stderr).toBe(
      'error: No AWS Region is set.\nPass --region (for example --region us-east-1) or set AWS_REGION.\n',
    );
  });
});

describe('unexpected AWS data', () => {
  it('odd documents and paths become findings, not a failed run', async () => {
    const role = (trustPolicy: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
      name: 'SSMServiceRole',
      trustPolicy,
      attachedPolicies: [CORE],
      ...extra,
    });
    const org = faultOrg({
      members: 5,
      serviceRoles: {
        1: role('this is not JSON {'),
        2: role('[1,2,3]'),
        3: role('{"Version":"2012-10-17","Statement":42}'),
        4: role(PLAIN_TRUST, { path: '/unexpected/path/' }),
        5: role(PLAIN_TRUST, { inlinePolicies: { Broken: 'not json either' } }),
      },
    });
    const emulator = await launch({ org });

    const run = await scanWithFaults(emulator);

    const findings = (index: number): string[] =>
      run.report.accounts.find((account) => account.accountId === memberId(index))?.findings.map((finding) => finding.code) ?? [];
    expect(findings(1)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE']);
    expect(findings(2)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE']);
    expect(findings(3)).toEqual(['TRUST_PRINCIPAL_MISSING', 'TRUST_STATEMENT_EXTRA']);
    expect(findings(4)).toEqual(['ROLE_PATH_MISMATCH', 'TRUST_HARDENING_MISSING']);
    expect(findings(5)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE', 'TRUST_HARDENING_MISSING']);
    expect(statuses(run)).toEqual({
      [MANAGEMENT]: 'compliant',
      [memberId(1)]: 'noncompliant',
      [memberId(2)]: 'noncompliant',
      [memberId(3)]: 'noncompliant',
      [memberId(4)]: 'noncompliant',
      [memberId(5)]: 'noncompliant',
    });
    expect(run.report.exitCode).toBe(ExitCode.Drift);
    expect(run.report.complete).toBe(true);
  });

  it('an account listed twice is assessed once, with a warning', async () => {
    const twice = memberId(2);
    const emulator = await launch({ org: faultOrg({ members: 3 }), listAccountsTwice: [twice] });

    const run = await scanWithFaults(emulator);

    expect(run.report.accounts.map((account) => account.accountId)).toEqual([MANAGEMENT, memberId(1), twice, memberId(3)]);
    expect(emulator.callCount({ operation: 'GetRole', accountId: twice })).toBe(1);
    const warnings = run.logs.lines().filter((line) => line['level'] === 40);
    expect(warnings).toEqual([
      expect.objectContaining({ accountId: twice, msg: 'account listed twice by Organizations; assessed once' }),
    ]);
    expect(run.report.exitCode).toBe(ExitCode.Compliant);
  });
});

describe('report directory', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('an unwritable --report-dir fails before any AWS call', async () => {
    const emulator = await launch({ org: faultOrg({ members: 1 }) });
    vi.stubEnv('AWS_ACCESS_KEY_ID', emulator.callerCredentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', emulator.callerCredentials.secretAccessKey);
    // A path below a regular file cannot be created, even by root.
    const reportDir = `${await tempDir()}/file`;
    await writeFile(reportDir, '');

    const { exitCode, stderr } = await runCli([
      'scan',
      '--endpoint-url',
      emulator.url,
      '--region',
      'us-east-1',
      '--report-dir',
      `${reportDir}/reports`,
      '--log-level',
      'silent',
    ]);

    expect(exitCode).toBe(ExitCode.InvalidOrIncomplete);
    expect(stderr).toContain(`error: Report directory ${reportDir}/reports is not writable`);
    expect(emulator.callCount()).toBe(0);
  });
});
