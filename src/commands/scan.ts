/**
 * `ssm-role-audit scan`: builds the AWS clients from the options and runs the audit.
 */
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { CallCounter } from '../aws/api.js';
import { createSdkClientFactory, resolveRegion } from '../aws/sdk-clients.js';
import type { CliIo } from '../cli/program.js';
import { UsageError } from '../errors.js';
import { createLogger, type LogLevel } from '../log/logger.js';
import { toolVersion } from '../package-info.js';
import { runScan } from '../scan/run-scan.js';
import { printSummary } from './summary.js';

export interface ScanCommandOptions {
  config: string;
  accounts?: string[];
  excludeAccounts?: string[];
  ou?: string[];
  ouPaths?: boolean;
  concurrency: number;
  reportDir: string;
  profile?: string;
  region?: string;
  endpointUrl?: string;
  accessRoleName: string;
  externalId?: string;
  maxAttempts: number;
  requestTimeout: number;
  logLevel: LogLevel;
}

export async function scanCommand(options: ScanCommandOptions, io: CliIo, reproduceCommand: string): Promise<number> {
  const overlap = (options.accounts ?? []).filter((id) => options.excludeAccounts?.includes(id));
  if (overlap.length > 0) {
    throw new UsageError(`Accounts given to both --accounts and --exclude-accounts: ${overlap.join(', ')}`, [], {
      remedy: 'List each account in only one of the two options.',
    });
  }

  const region = await resolveRegion(options.region, options.profile);
  if (!region) {
    throw new UsageError('No AWS Region is set.', [], {
      remedy: 'Pass --region (for example --region us-east-1) or set AWS_REGION.',
    });
  }

  const logger = createLogger({ level: options.logLevel, pretty: io.stderrIsTTY });
  const runCounter = new CallCounter();
  const clients = createSdkClientFactory(
    {
      region,
      endpoint: options.endpointUrl,
      credentials: fromNodeProviderChain(options.profile ? { profile: options.profile } : {}),
      maxAttempts: options.maxAttempts,
      requestTimeoutMs: options.requestTimeout,
      maxSockets: options.concurrency * 2,
    },
    runCounter,
  );

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
        reproduceCommand,
      },
      { clients, runCounter, logger, toolVersion },
    );
    printSummary(io.stdout, report, paths);
    return report.exitCode;
  } finally {
    clients.close();
  }
}
