import { spawn, spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ExitCode } from '../../src/exit-codes.js';
import type { RunReport } from '../../src/model.js';
import { packageRoot } from '../../src/package-info.js';
import { Interruption, markInterrupted, type InterruptedWork } from '../../src/scan/interruption.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { tempDir } from '../_helpers/scan-harness.js';
import { faultOrg, MANAGEMENT, scanWithFaults, schemaProblems } from './helpers.js';

const launch = emulatorLauncher();

/** A build of the CLI of its own, so the test does not race `npm run build` for `dist/src`. */
const BUILD_DIR = join(packageRoot, 'dist', '.faults-test');
const CLI = join(BUILD_DIR, 'src', 'cli.js');

describe('markInterrupted', () => {
  it.each([
    [{ accountsNotStarted: 3, listingStopped: true }, 'Interrupted by SIGINT: 3 listed accounts were not started, and accounts not yet listed were not assessed.'],
    [{ accountsNotStarted: 1, listingStopped: false }, 'Interrupted by SIGINT: 1 listed account was not started.'],
    [{ accountsNotStarted: 0, listingStopped: false }, 'Interrupted by SIGINT after every listed account had started; each of them was assessed.'],
  ])('%o', (work: InterruptedWork, reason) => {
    const report = { complete: true, exitCode: 1 } as RunReport;

    markInterrupted(report, 'SIGINT', work);

    expect(report).toEqual({ complete: false, exitCode: 130, incompleteReason: reason });
  });

  it('keeps an earlier reason after its own', () => {
    const report = { complete: false, exitCode: 3, incompleteReason: 'Listing the organization failed.' } as RunReport;

    markInterrupted(report, 'SIGTERM', { accountsNotStarted: 2, listingStopped: false });

    expect(report.incompleteReason).toBe('Interrupted by SIGTERM: 2 listed accounts were not started. Listing the organization failed.');
    expect(report.exitCode).toBe(143);
  });
});

describe('interruption inside the scan', () => {
  it('stops starting accounts and marks the report', async () => {
    const emulator = await launch({ org: faultOrg({ members: 6 }) });
    const interruption = new Interruption();

    // The first GetRole is the management account's; the stop request arrives while it is in flight.
    const run = await scanWithFaults(emulator, {
      interruption,
      scan: { concurrency: 1 },
      wrapClients: (clients) => ({
        sts: (counter, signal) => clients.sts(counter, signal),
        organizations: () => clients.organizations(),
        iam: (credentials, counter, signal) => {
          const iam = clients.iam(credentials, counter, signal);
          return {
            ...iam,
            getRole: (input) => {
              interruption.request('SIGTERM');
              return iam.getRole(input);
            },
          };
        },
        close: () => clients.close(),
      }),
    });

    expect(run.report.accounts.map((account) => [account.accountId, account.status])).toEqual([[MANAGEMENT, 'compliant']]);
    expect(run.report.complete).toBe(false);
    expect(run.report.exitCode).toBe(ExitCode.InterruptedBySigterm);
    // How many accounts were listed when the request came depends on timing; none of them started.
    expect(run.report.incompleteReason).toMatch(/^Interrupted by SIGTERM: \d listed accounts? (was|were) not started/);
    expect(emulator.callCount({ service: 'sts', operation: 'AssumeRole' })).toBe(0);
    expect(schemaProblems(run.report)).toEqual([]);
    const latest = JSON.parse(await readFile(run.paths.latestJsonPath, 'utf8')) as RunReport;
    expect(latest).toMatchObject({ complete: false, exitCode: 143 });
  });
});

describe('interruption of the CLI process', () => {
  beforeAll(() => {
    // tsc exits non-zero when a file elsewhere in the tree has a type error, but still emits the CLI.
    spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', BUILD_DIR], { cwd: packageRoot, stdio: 'ignore' });
  }, 60_000);

  interface ChildRun {
    exitCode: number | null;
    stderr: string;
    reportDir: string;
  }

  /** A signal to send once stderr matches `after`. */
  interface SignalStep {
    after: RegExp;
    signal: NodeJS.Signals;
  }

  const FIRST_ACCOUNT_DONE = /"msg":"account \d{12} compliant /;

  /** Runs `scan` in a child process and sends each signal once its log line has appeared. */
  async function interruptCli(emulatorUrl: string, accessKeyId: string, secret: string, steps: SignalStep[]): Promise<ChildRun> {
    const reportDir = await tempDir('ssm-role-audit-interrupt-');
    const child = spawn(
      process.execPath,
      [CLI, 'scan', '--endpoint-url', emulatorUrl, '--region', 'us-east-1', '--concurrency', '1', '--report-dir', reportDir],
      {
        cwd: packageRoot,
        env: {
          ...process.env,
          AWS_ACCESS_KEY_ID: accessKeyId,
          AWS_SECRET_ACCESS_KEY: secret,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        },
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    const pending = [...steps];
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Signals are sent one at a time: a process may merge two that arrive before it handles the first.
      if (pending[0]?.after.test(stderr)) child.kill(pending.shift()!.signal);
    });
    const exitCode = await new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    return { exitCode, stderr, reportDir };
  }

  it.each([
    ['SIGINT', ExitCode.InterruptedBySigint],
    ['SIGTERM', ExitCode.InterruptedBySigterm],
  ] as const)('%s: exit %i and an interrupted report', async (signal, expectedExitCode) => {
    // With 100 ms per call, each account takes about half a second, so the run is still going when the signal arrives.
    const emulator = await launch({ org: faultOrg({ members: 8 }), latencyMs: 100 });
    const { accessKeyId, secretAccessKey } = emulator.callerCredentials;

    const run = await interruptCli(emulator.url, accessKeyId, secretAccessKey, [{ after: FIRST_ACCOUNT_DONE, signal }]);

    expect(run.exitCode).toBe(expectedExitCode);
    expect(run.stderr).toContain(`received ${signal}; finishing the accounts in progress and starting no new ones`);
    const report = JSON.parse(await readFile(join(run.reportDir, 'latest.json'), 'utf8')) as RunReport;
    expect(report.complete).toBe(false);
    expect(report.exitCode).toBe(expectedExitCode);
    expect(report.incompleteReason).toMatch(new RegExp(`^Interrupted by ${signal}: \\d+ listed accounts? (was|were) not started`));
    expect(report.accounts.length).toBeGreaterThanOrEqual(1);
    expect(report.accounts.length).toBeLessThan(9);
    // Every account in the report was assessed to the end; none is cut off half-way.
    expect(report.accounts.every((account) => account.status === 'compliant')).toBe(true);
  });

  it('a second SIGINT stops at once', async () => {
    const emulator = await launch({ org: faultOrg({ members: 8 }), latencyMs: 100 });
    const { accessKeyId, secretAccessKey } = emulator.callerCredentials;

    const run = await interruptCli(emulator.url, accessKeyId, secretAccessKey, [
      { after: FIRST_ACCOUNT_DONE, signal: 'SIGINT' },
      { after: /received SIGINT; finishing/, signal: 'SIGINT' },
    ]);

    expect(run.exitCode).toBe(ExitCode.InterruptedBySigint);
    expect(run.stderr).toContain('received SIGINT again; stopping at once without a report');
    expect(run.stderr).not.toContain('"msg":"scan finished"');
  });
});
