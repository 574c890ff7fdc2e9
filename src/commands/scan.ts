/**
 * `ssm-role-audit scan`: builds the AWS clients from the options and runs the audit.
 */
import { CallCounter } from '../aws/api.js';
import type { CliIo } from '../cli/program.js';
import { UsageError } from '../errors.js';
import { shellCommand } from '../shell-quote.js';
import { createLogger, type LogLevel } from '../log/logger.js';
import { toolVersion } from '../package-info.js';
import type { FixOptions } from '../scan/fix-phase.js';
import { installSignalHandlers, Interruption } from '../scan/interruption.js';
import { runScan } from '../scan/run-scan.js';
import { createClients, requireRegion, type AccountAccessOptions } from './aws-access.js';
import { confirmPlansAtTerminal } from './confirm.js';
import { printSummary } from './summary.js';

export interface ScanCommandOptions extends AccountAccessOptions {
  config: string;
  accounts?: string[];
  excludeAccounts?: string[];
  ou?: string[];
  ouPaths?: boolean;
  concurrency: number;
  reportDir: string;
  /** Seconds. */
  accountTimeout: number;
  organizationsRate: number;
  fix?: boolean;
  dryRun?: boolean;
  yes?: boolean;
  maxAccountsChanged: number;
  logLevel: LogLevel;
}

/**
 * Adds the Region and endpoint that came from the environment to the command line as typed, so the
 * report's command scans the same place when run from another shell.
 */
function withResolvedConnection(
  command: string,
  options: ScanCommandOptions,
  region: string,
  env: NodeJS.ProcessEnv,
): string {
  const additions: string[] = [];
  if (!options.region) additions.push('--region', region);
  const endpoint = env['AWS_ENDPOINT_URL'];
  if (!options.endpointUrl && endpoint) additions.push('--endpoint-url', endpoint);
  return [command, shellCommand(additions)].filter((part) => part !== '').join(' ');
}

/** Returns the options a rollback needs to reach the same endpoint with the same credentials. */
function connectionArgs(options: ScanCommandOptions, env: NodeJS.ProcessEnv): string[] {
  const args: string[] = [];
  const endpoint = options.endpointUrl ?? env['AWS_ENDPOINT_URL'];
  if (endpoint) args.push('--endpoint-url', endpoint);
  if (options.profile) args.push('--profile', options.profile);
  return args;
}

/** Checks the `--fix` options together and returns the fix settings, or undefined for an audit. */
function fixOptionsFrom(options: ScanCommandOptions, io: CliIo): FixOptions | undefined {
  if (!options.fix) {
    const stray = (['dryRun', 'yes'] as const).filter((name) => options[name]);
    if (stray.length > 0) {
      const flags = stray.map((name) => (name === 'dryRun' ? '--dry-run' : '--yes')).join(' and ');
      throw new UsageError(`${flags} ${stray.length === 1 ? 'applies' : 'apply'} only to --fix.`, [], {
        remedy: `Add --fix, or leave out ${flags}.`,
      });
    }
    return undefined;
  }
  if (!options.dryRun && !options.yes && !io.stdinIsTTY) {
    throw new UsageError('--fix needs --yes when stdin is not a terminal, because no confirmation can be read.', [], {
      remedy: 'Review the plan with --fix --dry-run first, then run --fix --yes.',
    });
  }
  return {
    dryRun: options.dryRun === true,
    maxAccountsChanged: options.maxAccountsChanged,
    confirm: options.dryRun || options.yes ? undefined : confirmPlansAtTerminal(io),
  };
}

export async function scanCommand(options: ScanCommandOptions, io: CliIo, reproduceCommand: string): Promise<number> {
  const fix = fixOptionsFrom(options, io);
  const overlap = (options.accounts ?? []).filter((id) => options.excludeAccounts?.includes(id));
  if (overlap.length > 0) {
    throw new UsageError(`Accounts given to both --accounts and --exclude-accounts: ${overlap.join(', ')}`, [], {
      remedy: 'List each account in only one of the two options.',
    });
  }

  const region = await requireRegion(options);

  const logger = createLogger({ level: options.logLevel, pretty: io.stderrIsTTY });
  const runCounter = new CallCounter();
  const clients = createClients(options, { region, concurrency: options.concurrency, runCounter, logger });

  // From here on SIGINT and SIGTERM stop the run between accounts and still write a report.
  const interruption = new Interruption();
  const removeSignalHandlers = installSignalHandlers(interruption, { logger });
  try {
    const { report, paths } = await runScan(
      {
        configPath: options.config,
        accounts: options.accounts,
        excludeAccounts: options.excludeAccounts,
        organizationalUnits: options.ou,
        withOuPaths: options.ouPaths === true,
        concurrency: options.concurrency,
        reportDir: options.reportDir,
        region,
        accessRoleName: options.accessRoleName,
        externalId: options.externalId,
        fix,
        organizationsRatePerSecond: options.organizationsRate,
        accountTimeoutMs: options.accountTimeout * 1000,
        connectionArgs: connectionArgs(options, io.env),
        reproduceCommand: withResolvedConnection(reproduceCommand, options, region, io.env),
      },
      { clients, runCounter, logger, toolVersion, interruption },
    );
    printSummary(io.stdout, report, paths);
    return report.exitCode;
  } finally {
    removeSignalHandlers();
    clients.close();
  }
}
