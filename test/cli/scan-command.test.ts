import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/program.js';
import { loadOrgFile, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { DEMO_ORG, TextSink, tempDir } from '../_helpers/scan-harness.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });
  // The scan command takes its base credentials from the SDK's default chain, as in production.
  process.env['AWS_ACCESS_KEY_ID'] = emulator.callerCredentials.accessKeyId;
  process.env['AWS_SECRET_ACCESS_KEY'] = emulator.callerCredentials.secretAccessKey;
});

afterAll(async () => {
  await emulator.close();
});

async function runCli(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const stdout = new TextSink();
  const stderr = new TextSink();
  const reportDir = await tempDir();
  const exitCode = await main(
    ['scan', '--endpoint-url', emulator.url, '--region', 'us-east-1', '--report-dir', reportDir, '--log-level', 'silent', ...args],
    { stdout, stderr, stderrIsTTY: false, stdin: process.stdin, stdinIsTTY: false, env: process.env },
  );
  return { exitCode, stdout: stdout.text, stderr: stderr.text };
}

describe('scan command exit codes', () => {
  it.each([
    ['a compliant account', ['--accounts', '222222222222'], 0],
    ['an account with drift', ['--accounts', '222222222222,444444444444'], 1],
    ['an unreachable account', ['--accounts', '999999999999,444444444444'], 2],
    ['an account outside the organization', ['--accounts', '123412341234'], 2],
    ['the whole demo organization', [], 2],
  ])('exits as documented for %s', async (_name, args, expected) => {
    const { exitCode, stdout } = await runCli(args);
    expect(exitCode).toBe(expected);
    expect(stdout).toContain(`Exit code ${expected}`);
  });

  it('rejects a broken config with exit 3 before any AWS call', async () => {
    const dir = await tempDir();
    const config = join(dir, 'broken.yaml');
    await writeFile(config, 'version: 1\nrole:\n  name: "bad name!"\n  unknownKey: 1\n');
    emulator.resetCalls();

    const { exitCode, stderr } = await runCli(['--config', config]);

    expect(exitCode).toBe(3);
    expect(stderr).toContain(config);
    expect(stderr).toContain('role.name');
    expect(stderr).toContain('role.unknownKey');
    expect(emulator.callCount()).toBe(0);
  });

  it('records the Region and endpoint of the environment in the report', async () => {
    const stdout = new TextSink();
    const reportDir = await tempDir();
    process.env['AWS_ENDPOINT_URL'] = emulator.url;
    process.env['AWS_REGION'] = 'us-east-1';
    try {
      const exitCode = await main(['scan', '--accounts', '222222222222', '--report-dir', reportDir, '--log-level', 'silent'], {
        stdout,
        stderr: new TextSink(),
        stderrIsTTY: false,
        stdin: process.stdin,
        stdinIsTTY: false,
        env: process.env,
      });
      expect(exitCode).toBe(0);
    } finally {
      delete process.env['AWS_ENDPOINT_URL'];
      delete process.env['AWS_REGION'];
    }

    const report = JSON.parse(await readFile(join(reportDir, 'latest.json'), 'utf8'));
    expect(report.reproduce.command).toBe(
      `ssm-role-audit scan --accounts 222222222222 --report-dir ${reportDir} --log-level silent --region us-east-1 --endpoint-url ${emulator.url}`,
    );
  });

  it('rejects an invalid option value with exit 3', async () => {
    const { exitCode, stderr } = await runCli(['--concurrency', '0']);
    expect(exitCode).toBe(3);
    expect(stderr).toContain('--concurrency must be a whole number from 1 to 512');
  });
});

describe('command names', () => {
  it('rejects a mistyped command', async () => {
    const stdout = new TextSink();
    const stderr = new TextSink();
    const exitCode = await main(['scna'], { stdout, stderr, stderrIsTTY: false, stdin: process.stdin, stdinIsTTY: false, env: process.env });

    expect(exitCode).toBe(3);
    expect(stderr.text).toContain('Unknown command "scna"');
    expect(stderr.text).toContain('scan, rollback, demo, emulator');
  });
});
