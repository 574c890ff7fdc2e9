import { AttachRolePolicyCommand, IAMClient } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { readFile } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.js';
import { loadOrgFile, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { readJournal } from '../../src/remediate/index.js';
import { Interruption } from '../../src/scan/interruption.js';
import { DEMO_ORG, TextSink, scanEmulator, tempDir } from '../_helpers/scan-harness.js';

const WRITE_OPERATIONS = new Set([
  'CreateRole',
  'UpdateAssumeRolePolicy',
  'AttachRolePolicy',
  'DetachRolePolicy',
  'PutRolePolicy',
  'DeleteRolePolicy',
  'DeleteRole',
  'TagRole',
]);

/** Accounts whose drift --fix can change in the demo organization. */
const FIXABLE = ['121212121212', '141414141414', '444444444444', '555555555555', '666666666666', '777777777777'];

const FIX = { dryRun: false, maxAccountsChanged: 25, verifyBaseDelayMs: 1 };

let emulator: Emulator;

beforeEach(async () => {
  emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });
});

afterEach(async () => {
  await emulator.close();
});

function writes(): number {
  return emulator
    .calls()
    .filter((call) => call.service === 'iam' && WRITE_OPERATIONS.has(call.operation))
    .reduce((sum, call) => sum + call.count, 0);
}

/** The fixable roles as sets: IAM keeps no meaningful order of attachments. */
function roles(): Record<string, unknown> {
  return Object.fromEntries(
    FIXABLE.map((id) => {
      const role = emulator.state.role(id, 'SSMServiceRole');
      return [id, role && { ...role, attachedPolicies: [...role.attachedPolicies].sort() }];
    }),
  );
}

async function cli(
  args: string[],
  terminalAnswer?: string,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  process.env['AWS_ACCESS_KEY_ID'] = emulator.callerCredentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = emulator.callerCredentials.secretAccessKey;
  const exitCode = await main([...args, '--endpoint-url', emulator.url, '--region', 'us-east-1', '--log-level', 'silent'], {
    stdout,
    stderr,
    stderrIsTTY: false,
    stdin: terminalAnswer === undefined ? process.stdin : Readable.from([terminalAnswer]),
    stdinIsTTY: terminalAnswer !== undefined,
    env: process.env,
  });
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

describe('--fix', () => {
  it('plans without writing in a dry run', async () => {
    const run = await scanEmulator(emulator, { fix: { ...FIX, dryRun: true } });

    expect(writes()).toBe(0);
    expect(run.report.mode).toBe('fix-dry-run');
    expect(run.report.exitCode).toBe(2);
    const planned = run.report.accounts.filter((a) => a.status === 'planned').map((a) => a.accountId);
    expect(planned).toEqual(FIXABLE);
    expect(run.report.remediation).toMatchObject({ dryRun: true, accountsToChange: 6 });
    expect(run.report.remediation?.journalPath).toBeUndefined();
  });

  it('stops before any write when too many accounts would change', async () => {
    const run = await scanEmulator(emulator, { fix: { ...FIX, maxAccountsChanged: 5 } });

    expect(writes()).toBe(0);
    expect(run.report.exitCode).toBe(4);
    expect(run.report.remediation).toMatchObject({ abortedBy: 'max-accounts-changed', accountsToChange: 6 });
    expect(run.report.remediation?.aborted).toContain('--max-accounts-changed 5');
  });

  it('remediates, verifies, and leaves nothing for a second run', async () => {
    const run = await scanEmulator(emulator, { fix: FIX });

    const statuses = Object.fromEntries(run.report.accounts.map((a) => [a.accountId, a.status]));
    expect(statuses).toMatchObject({
      '444444444444': 'remediated',
      '555555555555': 'remediated',
      '666666666666': 'remediated',
      // The unreadable inline policy is left for a person; the extra trust statement is fixed.
      '141414141414': 'noncompliant',
      // The S3 bucket policy exists in the account, so it can be attached.
      '121212121212': 'remediated',
      // IAM cannot change a role's path: a person must recreate it.
      '777777777777': 'noncompliant',
    });
    const legacy = run.report.accounts.find((a) => a.accountId === '777777777777');
    expect(legacy?.remediation?.needsPerson).toEqual(['ROLE_PATH_MISMATCH arn:aws:iam::777777777777:role/legacy/SSMServiceRole']);
    expect(run.report.remediation?.journalPath).toMatch(/\.journal\.jsonl$/);
    expect(run.report.remediation?.rollbackCommand).toContain('--region us-east-1');

    const after = await scanEmulator(emulator, {});
    const drifted = after.report.accounts.filter((a) => a.status === 'noncompliant').map((a) => a.accountId);
    expect(drifted).toEqual(['141414141414', '777777777777']);

    const writesBefore = writes();
    const again = await scanEmulator(emulator, { fix: FIX });
    expect(writes()).toBe(writesBefore);
    expect(again.report.remediation?.accountsToChange).toBe(0);
  });

  it('journals the before-state of every changed account', async () => {
    const before = roles();
    const run = await scanEmulator(emulator, { fix: FIX });

    const { records } = await readJournal(run.report.remediation!.journalPath!);
    const beforeRecords = records.filter((record) => record.type === 'before');
    expect(beforeRecords.map((record) => record.accountId).sort()).toEqual(FIXABLE.filter((id) => id !== '777777777777').concat('777777777777').sort());
    const batch = beforeRecords.find((record) => record.accountId === '666666666666');
    expect(batch?.before?.attachedPolicyArns).toEqual(
      (before['666666666666'] as { attachedPolicies: string[] }).attachedPolicies.slice().sort(),
    );
    expect(await readFile(run.report.remediation!.journalPath!, 'utf8')).not.toContain(
      emulator.callerCredentials.secretAccessKey,
    );
  });
});

describe('--fix interrupted', () => {
  it('finishes the account in progress and starts no other', async () => {
    const interruption = new Interruption();
    // SIGINT arrives as soon as the first account's fix is verified.
    const logs = new (class extends TextSink {
      override _write(chunk: Buffer | string, encoding: BufferEncoding, callback: () => void): void {
        if (/"msg":"account \d{12} (remediated|noncompliant)"/.test(chunk.toString()) && /"verified"/.test(chunk.toString())) {
          interruption.request('SIGINT');
        }
        super._write(chunk, encoding, callback);
      }
    })();

    const run = await scanEmulator(emulator, { concurrency: 1, fix: FIX }, { interruption, logs });

    const remediated = run.report.accounts.filter((a) => a.status === 'remediated');
    expect(remediated).toHaveLength(1);
    expect(run.report.complete).toBe(false);
    expect(run.report.exitCode).toBe(130);
    const { records } = await readJournal(run.report.remediation!.journalPath!);
    const changed = new Set(records.filter((record) => record.type === 'before').map((record) => record.accountId));
    expect([...changed]).toEqual([remediated[0]!.accountId]);
  });
});

describe('rollback', () => {
  it('restores the exact before-state', async () => {
    const before = roles();
    const reportDir = await tempDir();
    const fixed = await cli(['scan', '--fix', '--yes', '--report-dir', reportDir]);
    expect(fixed.exitCode).toBe(2);
    // The undo command must reach the same endpoint, never the default AWS one.
    expect(fixed.stdout).toContain(`--endpoint-url ${emulator.url}`);
    expect(roles()).not.toEqual(before);

    const latest = `${reportDir}/latest.json`;
    const rolledBack = await cli(['rollback', latest, '--yes']);

    expect(rolledBack.stderr).toBe('');
    expect(rolledBack.stdout).toContain('restored');
    expect(rolledBack.exitCode).toBe(0);
    const after = roles();
    for (const id of FIXABLE) {
      const { roleId: _beforeId, ...beforeRole } = (before[id] ?? {}) as Record<string, unknown>;
      const { roleId: _afterId, ...afterRole } = (after[id] ?? {}) as Record<string, unknown>;
      expect({ id, role: afterRole }).toEqual({ id, role: beforeRole });
    }
  });

  it('finds nothing to undo when run again', async () => {
    const reportDir = await tempDir();
    await cli(['scan', '--fix', '--yes', '--report-dir', reportDir]);
    const first = await cli(['rollback', `${reportDir}/latest.json`, '--yes', '--accounts', '666666666666']);
    expect(first.exitCode).toBe(0);

    const again = await cli(['rollback', `${reportDir}/latest.json`, '--yes']);

    expect(again.stdout).toMatch(/666666666666\s+nothing-to-undo/);
    expect(again.stdout).toMatch(/555555555555\s+restored/);
    expect(again.exitCode).toBe(0);
  });

  it('refuses an account changed since the fix', async () => {
    const reportDir = await tempDir();
    await cli(['scan', '--fix', '--yes', '--report-dir', reportDir]);

    // Someone attaches another policy to the fixed role in 666666666666.
    const sts = new STSClient({ region: 'us-east-1', endpoint: emulator.url, credentials: emulator.callerCredentials });
    const session = await sts.send(
      new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::666666666666:role/OrganizationAccountAccessRole', RoleSessionName: 'person' }),
    );
    const iam = new IAMClient({
      region: 'us-east-1',
      endpoint: emulator.url,
      credentials: {
        accessKeyId: session.Credentials!.AccessKeyId!,
        secretAccessKey: session.Credentials!.SecretAccessKey!,
        sessionToken: session.Credentials!.SessionToken!,
      },
    });
    await iam.send(new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }));
    const changed = emulator.state.role('666666666666', 'SSMServiceRole');

    const rolledBack = await cli(['rollback', `${reportDir}/latest.json`, '--yes']);

    expect(rolledBack.exitCode).toBe(1);
    expect(rolledBack.stdout).toMatch(/666666666666\s+conflict/);
    expect(emulator.state.role('666666666666', 'SSMServiceRole')).toEqual(changed);
    sts.destroy();
    iam.destroy();
  });
});

describe('--fix safety checks', () => {
  it('applies the plan confirmed at the terminal', async () => {
    const { exitCode, stderr } = await cli(['scan', '--fix', '--report-dir', await tempDir()], 'y\n');

    expect(stderr).toContain('Planned changes:');
    expect(stderr).toContain('AttachRolePolicy arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore');
    expect(exitCode).toBe(2);
    expect(writes()).toBeGreaterThan(0);
  });

  it('writes nothing when the terminal declines', async () => {
    const reportDir = await tempDir();
    const { exitCode } = await cli(['scan', '--fix', '--report-dir', reportDir], 'n\n');

    expect(writes()).toBe(0);
    expect(exitCode).toBe(2);
    const report = JSON.parse(await readFile(`${reportDir}/latest.json`, 'utf8'));
    expect(report.remediation.abortedBy).toBe('not-confirmed');
  });

  it('requires --yes without a terminal, before any AWS call', async () => {
    emulator.resetCalls();
    const { exitCode, stderr } = await cli(['scan', '--fix', '--report-dir', await tempDir()]);

    expect(exitCode).toBe(3);
    expect(stderr).toContain('--fix needs --yes when stdin is not a terminal');
    expect(emulator.callCount()).toBe(0);
  });

  it('rejects --dry-run without --fix', async () => {
    const { exitCode, stderr } = await cli(['scan', '--dry-run', '--report-dir', await tempDir()]);

    expect(exitCode).toBe(3);
    expect(stderr).toContain('--dry-run applies only to --fix');
  });
});
