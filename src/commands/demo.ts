/**
 * `ssm-role-audit demo`: starts the local AWS emulator in this process with the demo organization,
 * scans it through the real SDK clients over HTTP, and prints where the reports are.
 */
import { join } from 'node:path';
import { CallCounter } from '../aws/api.js';
import { createSdkClientFactory } from '../aws/sdk-clients.js';
import type { CliIo } from '../cli/program.js';
import { loadOrgFile, startEmulator } from '../emulator/index.js';
import { describeExitCode } from '../exit-codes.js';
import { createLogger, type LogLevel } from '../log/logger.js';
import { packageRoot, toolVersion } from '../package-info.js';
import { runScan } from '../scan/run-scan.js';
import { printSummary } from './summary.js';

export interface DemoCommandOptions {
  org?: string;
  config?: string;
  reportDir: string;
  fix?: boolean;
  logLevel: LogLevel;
}

/** Returns 0 when the demo ran; the scan's own exit code is printed, since the demo org has drift on purpose. */
export async function demoCommand(options: DemoCommandOptions, io: CliIo): Promise<number> {
  const orgPath = options.org ?? join(packageRoot, 'config', 'demo-org.yaml');
  const configPath = options.config ?? join(packageRoot, 'config', 'desired-state.yaml');
  const emulator = await startEmulator({ org: await loadOrgFile(orgPath) });
  io.stdout.write(`Local AWS emulator serving ${orgPath} at ${emulator.url}\n`);

  const logger = createLogger({ level: options.logLevel, pretty: io.stderrIsTTY });
  const runCounter = new CallCounter();
  const clients = createSdkClientFactory(
    {
      region: emulator.region,
      endpoint: emulator.url,
      credentials: emulator.callerCredentials,
      maxAttempts: 3,
      requestTimeoutMs: 10_000,
      maxSockets: 16,
    },
    runCounter,
  );

  const scan = (fix: boolean) =>
    runScan(
      {
        configPath,
        concurrency: 8,
        withOuPaths: true,
        reportDir: options.reportDir,
        region: emulator.region,
        accessRoleName: 'OrganizationAccountAccessRole',
        // The emulator is consistent at once, so verification needs no wait between reads.
        fix: fix ? { dryRun: false, maxAccountsChanged: 25, verifyBaseDelayMs: 10 } : undefined,
        connectionArgs: ['--endpoint-url', emulator.url],
        reproduceCommand: `ssm-role-audit demo --report-dir ${options.reportDir}${fix ? ' --fix' : ''}`,
      },
      { clients, runCounter, logger, toolVersion },
    );

  try {
    const { report, paths } = await scan(options.fix === true);
    printSummary(io.stdout, report, paths);
    io.stdout.write(
      `The demo organization has drift and an unreachable account on purpose; a nightly run would exit ` +
        `${report.exitCode} (${describeExitCode(report.exitCode)}).\n`,
    );
    if (options.fix) {
      io.stdout.write(
        'The emulator stops when the demo ends, so the demo journal cannot be rolled back; start one with ' +
          '`emulator --org config/demo-org.yaml` to try rollback (see the README).\n',
      );
      io.stdout.write('\nAudit after the fix:\n');
      const after = await scan(false);
      printSummary(io.stdout, after.report, after.paths);
    }
    return 0;
  } finally {
    clients.close();
    await emulator.close();
  }
}
