/**
 * One audit run: load the config, identify the caller, stream the organization's accounts into a
 * bounded pool of assessments, and build the report. The AWS clients come in through
 * {@link ScanDependencies}, so the same code runs against AWS and against the local emulator.
 */
import { randomBytes } from 'node:crypto';
import pLimit from 'p-limit';
import { CallCounter, type AwsClientFactory, type OrganizationsApi } from '../aws/api.js';
import { describeAwsError } from '../aws/aws-error.js';
import { createPacer, DEFAULT_ORGANIZATIONS_RATE_PER_SECOND, pacedOrganizations } from '../aws/pacing.js';
import type { Sleep } from '../aws/timing.js';
import {
  configNeedsOrganizationalUnits,
  configNeedsTags,
  loadConfig,
  overrideMatches,
  type DesiredStateConfig,
} from '../config/index.js';
import { identifyCaller, type CallerIdentity } from '../credentials/caller.js';
import { discoverAccounts } from '../discover/accounts.js';
import { EnumerationError, UsageError } from '../errors.js';
import { shellCommand } from '../shell-quote.js';
import type { Logger } from '../log/logger.js';
import type { AccountResult, OrgAccount, RunReport } from '../model.js';
import { checkReportDirWritable, writeReports, type ReportPaths } from '../report/write.js';
import type { AssessedAccount, AssessmentContext } from './assess-account.js';
import { buildReport } from './build-report.js';
import { assessWithDeadline } from './deadline.js';
import { markInterrupted, type Interruption } from './interruption.js';
import { DEFAULT_ACCOUNT_TIMEOUT_SECONDS } from './limits.js';
import { withAccountRetries } from './retry-totals.js';
import type { FixOptions } from './fix-phase.js';

export interface ScanOptions {
  configPath: string;
  /** Only these account ids. */
  accounts?: string[];
  excludeAccounts?: string[];
  /** Only accounts under these OUs, child OUs included. */
  organizationalUnits?: string[];
  /** Walk the OU tree even without an OU filter, so the report shows every account's OU path. */
  withOuPaths?: boolean;
  concurrency: number;
  /**
   * List every account before the first assessment starts, instead of assessing accounts while later
   * pages are fetched. Slower; the benchmark uses it as its baseline.
   */
  discoverFirst?: boolean;
  reportDir: string;
  region: string;
  accessRoleName: string;
  externalId?: string;
  /** Remediate the drift after assessing: `--fix`. */
  fix?: FixOptions;
  /**
   * The options that reach the same endpoint with the same credentials (`--endpoint-url`,
   * `--profile`), repeated in the rollback command so that it never goes elsewhere.
   */
  connectionArgs?: string[];
  /** Organizations calls started per second, also the burst; `--organizations-rate`. */
  organizationsRatePerSecond?: number;
  /** Milliseconds one account may take before it ends as an `ACCOUNT_TIMEOUT` error; `--account-timeout`. */
  accountTimeoutMs?: number;
  /** The command line that reproduces this run, for the report; must hold no secret. */
  reproduceCommand: string;
}

export interface ScanDependencies {
  clients: AwsClientFactory;
  /** Counts the calls made with the base credentials (discovery, identity). */
  runCounter: CallCounter;
  logger: Logger;
  now?: () => number;
  /** Waits of the Organizations pacing; real time by default. */
  sleep?: Sleep;
  /** Checked before each account starts; the CLI sets it on SIGINT and SIGTERM. */
  interruption?: Interruption;
  runId?: string;
  toolVersion: string;
}

export interface ScanOutcome {
  report: RunReport;
  paths: ReportPaths;
}

export function newRunId(now: Date): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${stamp}-${randomBytes(3).toString('hex')}`;
}

export async function runScan(options: ScanOptions, deps: ScanDependencies): Promise<ScanOutcome> {
  const now = deps.now ?? Date.now;
  const startedAt = now();
  const runId = deps.runId ?? newRunId(new Date(startedAt));
  const logger = deps.logger.child({ runId });

  // Everything that can be checked before the first AWS call.
  const loaded = await loadConfig(options.configPath);
  await checkReportDirWritable(options.reportDir);

  const caller = await identifyBaseCredentials(deps);
  const ratePerSecond = options.organizationsRatePerSecond ?? DEFAULT_ORGANIZATIONS_RATE_PER_SECOND;
  // Every Organizations call of the run, the account tag reads included, shares one pacer.
  const pacer = createPacer({ ratePerSecond, sleep: deps.sleep });
  const organizations = pacedOrganizations(deps.clients.organizations(), pacer);
  const organization = await describeOrganization(organizations);
  logger.info(
    { callerArn: caller.arn, organizationId: organization.id, managementAccountId: organization.managementAccountId },
    'scan started',
  );

  const context: AssessmentContext = {
    clients: deps.clients,
    organizationsFor: (counter) => pacedOrganizations(deps.clients.organizations(counter), pacer),
    config: loaded.config,
    caller,
    region: options.region,
    accessRoleName: options.accessRoleName,
    externalId: options.externalId,
    roleSessionName: `ssm-role-audit-${runId}`.slice(0, 64),
    needsTags: configNeedsTags(loaded.config),
    fix: options.fix !== undefined,
    logger,
    now,
  };

  const results = new Map<string, AccountResult>();
  const include = options.accounts ? new Set(options.accounts) : undefined;
  const exclude = new Set(options.excludeAccounts ?? []);
  const limit = pLimit(options.concurrency);
  const assessments: Promise<void>[] = [];
  let discovered = 0;
  let listingError: unknown;
  let listingDone = false;
  const listedFirst: OrgAccount[] = [];
  // What an interruption cut short, for the report's incompleteReason.
  const stopped = { accountsNotStarted: 0, listingStopped: false };
  const accountTimeoutMs = options.accountTimeoutMs ?? DEFAULT_ACCOUNT_TIMEOUT_SECONDS * 1000;

  const record = (result: AccountResult): void => {
    results.set(result.accountId, result);
    logAccountResult(logger, result, { done: results.size, listed: discovered, listingDone });
  };
  // Accounts with drift, kept with their desired and observed role so --fix can plan and apply.
  const drifted: AssessedAccount[] = [];
  const assess = async (account: OrgAccount): Promise<void> => {
    if (deps.interruption?.requested) {
      stopped.accountsNotStarted += 1;
      return;
    }
    const assessed = await assessWithDeadline(context, account, accountTimeoutMs);
    if (options.fix && assessed.result.status === 'noncompliant') drifted.push(assessed);
    record(assessed.result);
  };

  try {
    const accounts = discoverAccounts(organizations, {
      organizationalUnits: options.organizationalUnits,
      withOuPaths: options.withOuPaths === true || configNeedsOrganizationalUnits(loaded.config),
    });
    const seen = new Set<string>();
    for await (const account of accounts) {
      if (seen.has(account.id)) {
        logger.warn({ accountId: account.id }, 'account listed twice by Organizations; assessed once');
        continue;
      }
      seen.add(account.id);
      if ((include && !include.has(account.id)) || exclude.has(account.id)) continue;
      if (deps.interruption?.requested) {
        stopped.accountsNotStarted += 1;
        stopped.listingStopped = true;
        break;
      }

      discovered += 1;
      if (account.state !== 'ACTIVE') {
        record(skippedResult(account));
        continue;
      }
      if (options.discoverFirst) {
        listedFirst.push(account);
        continue;
      }
      assessments.push(limit(() => assess(account)));
    }
    for (const id of include ?? []) {
      if (!seen.has(id) && !exclude.has(id)) {
        discovered += 1;
        record(notInOrganizationResult(id));
      }
    }
  } catch (error) {
    // A bad --ou value is the user's mistake, found before any account was listed: exit 3 with its message.
    if (error instanceof UsageError) throw error;
    listingError = error;
    const aws = describeAwsError(error);
    logger.error(
      { awsErrorCode: aws.code, awsRequestId: aws.requestId, error: aws.message },
      'listing the organization failed; the report will be marked incomplete',
    );
  }
  listingDone = true;
  // With discoverFirst, the accounts listed before a listing failure are still assessed, as they are when streaming.
  for (const account of listedFirst) {
    assessments.push(limit(() => assess(account)));
  }
  await Promise.all(assessments);

  // A stop requested during the assessments also keeps --fix from starting its writes.
  const remediation = options.fix && !deps.interruption?.requested
    ? await (await import('./fix-phase.js')).runFixPhase(drifted, {
        options: options.fix,
        runId,
        partition: caller.partition,
        reportDir: options.reportDir,
        concurrency: options.concurrency,
        journalHeader: {
          toolVersion: deps.toolVersion,
          startedAt: new Date(startedAt).toISOString(),
          callerArn: caller.arn,
          partition: caller.partition,
          roleName: loaded.config.role.name,
        },
        rollbackCommand: (journalPath) => rollbackCommandFor(journalPath, options),
        listingComplete: listingError === undefined,
        logger,
        now,
        interruption: deps.interruption,
      })
    : undefined;

  const report = buildReport({
    runId,
    toolVersion: deps.toolVersion,
    startedAt,
    finishedAt: now(),
    caller,
    region: options.region,
    organization,
    config: { path: loaded.path, sha256: loaded.sha256 },
    options,
    roleName: loaded.config.role.name,
    results: [...results.values()],
    runCounter: withAccountRetries(deps.runCounter, results.values()),
    listingError,
    remediation,
  });
  if (deps.interruption?.signal) markInterrupted(report, deps.interruption.signal, stopped);
  const warnings = unmatchedOverrideWarnings(loaded.config, report, options);
  if (warnings.length > 0) {
    report.warnings = warnings;
    for (const warning of warnings) logger.warn({ configPath: loaded.path }, warning);
  }
  const paths = await writeReports(report, { reportDir: options.reportDir });
  logger.info(
    { exitCode: report.exitCode, counts: report.counts.byStatus, jsonReport: paths.jsonPath },
    'scan finished',
  );
  return { report, paths };
}

async function identifyBaseCredentials(deps: ScanDependencies): Promise<CallerIdentity> {
  let caller: CallerIdentity;
  try {
    caller = await identifyCaller(deps.clients.sts());
  } catch (error) {
    if (error instanceof EnumerationError) throw error;
    const aws = describeAwsError(error);
    throw new EnumerationError('BASE_CREDENTIALS_FAILED', `GetCallerIdentity failed: ${aws.code}: ${aws.message}`, {
      cause: error,
      remedy: 'Check the base credentials (--profile, AWS_PROFILE or the AWS_* variables) and --region.',
    });
  }
  if (caller.isRootUser) {
    throw new EnumerationError(
      'ROOT_CREDENTIALS',
      `The base credentials belong to the root user of account ${caller.accountId}, and AWS does not let the root user call sts:AssumeRole.`,
      { remedy: 'Run the scan as an IAM role or user in the management account (or a delegated administrator account).' },
    );
  }
  return caller;
}

async function describeOrganization(
  organizations: OrganizationsApi,
): Promise<{ id?: string; managementAccountId?: string }> {
  try {
    const output = await organizations.describeOrganization();
    return { id: output.Organization?.Id, managementAccountId: output.Organization?.MasterAccountId };
  } catch (error) {
    const aws = describeAwsError(error);
    throw new EnumerationError(
      'ORGANIZATION_UNAVAILABLE',
      `DescribeOrganization failed: ${aws.code}: ${aws.message}${aws.requestId ? ` (request id ${aws.requestId})` : ''}`,
      {
        cause: error,
        remedy:
          'Run the scan with credentials of the management account or a delegated administrator for AWS Organizations.',
      },
    );
  }
}

/**
 * Warns about overrides that match no account of a complete, unfiltered scan: usually a mistyped
 * account id or OU id, which would otherwise switch a rule off silently. Tag criteria are left out,
 * because an audit reads tags only where they can change a finding.
 */
function unmatchedOverrideWarnings(config: DesiredStateConfig, report: RunReport, options: ScanOptions): string[] {
  const filtered = options.accounts || options.excludeAccounts || options.organizationalUnits;
  if (!report.complete || filtered) return [];
  const accounts = report.accounts.map((account) => ({ id: account.accountId, ouIds: account.ouPath.map((ou) => ou.id) }));
  const warnings: string[] = [];
  config.overrides.forEach((override, index) => {
    if (override.match.tags !== undefined) return;
    if (accounts.some((account) => overrideMatches(override.match, account))) return;
    const name = override.description === undefined ? '' : ` ("${override.description}")`;
    warnings.push(
      `Override overrides[${index}]${name} in ${report.config.path} matches none of the ${accounts.length} accounts ` +
        'of the organization; check its account ids and organizational unit ids.',
    );
  });
  return warnings;
}

/** Returns the command that undoes a fix run from its journal, with the options that reach the same accounts. */
function rollbackCommandFor(journalPath: string, options: ScanOptions): string {
  const parts = ['ssm-role-audit', 'rollback', journalPath, '--region', options.region, ...(options.connectionArgs ?? [])];
  if (options.accessRoleName !== 'OrganizationAccountAccessRole') parts.push('--access-role-name', options.accessRoleName);
  if (options.externalId) parts.push('--external-id', '<external-id>');
  return shellCommand(parts);
}

function skippedResult(account: OrgAccount): AccountResult {
  return {
    accountId: account.id,
    accountName: account.name,
    state: account.state,
    ouPath: account.ouPath,
    status: 'skipped',
    findings: [],
    skipReason: `Account state is ${account.state}; only ACTIVE accounts can be assessed.`,
    durationMs: 0,
    apiCalls: {},
  };
}

function notInOrganizationResult(accountId: string): AccountResult {
  return {
    accountId,
    accountName: '',
    state: 'UNKNOWN',
    ouPath: [],
    status: 'error',
    findings: [],
    error: {
      code: 'ACCOUNT_NOT_IN_ORGANIZATION',
      message: `Account ${accountId} was requested with --accounts but is not in the organization (or not under the --ou filter).`,
      stage: 'discover',
    },
    durationMs: 0,
    apiCalls: {},
  };
}

/**
 * Logs one line per account with the progress: accounts done, accounts listed so far, and whether
 * the listing is finished (until it is, the total still grows).
 */
function logAccountResult(
  logger: Logger,
  result: AccountResult,
  progress: { done: number; listed: number; listingDone: boolean },
): void {
  const fields = {
    accountId: result.accountId,
    accountName: result.accountName,
    status: result.status,
    findings: result.findings.map((finding) => finding.code),
    ...(result.skipReason ? { state: result.state, skipReason: result.skipReason } : {}),
    done: progress.done,
    listed: progress.listed,
    listingDone: progress.listingDone,
    durationMs: result.durationMs,
  };
  const ofTotal = progress.listingDone ? `${progress.done}/${progress.listed}` : `${progress.done}/${progress.listed}+`;
  if (result.error) {
    logger.error(
      {
        ...fields,
        roleArn: result.error.roleArn,
        errorCode: result.error.code,
        awsErrorCode: result.error.awsErrorCode,
        awsRequestId: result.error.awsRequestId,
        error: result.error.message,
      },
      `account ${result.accountId} could not be assessed (${ofTotal})`,
    );
    return;
  }
  logger.info(fields, `account ${result.accountId} ${result.status} (${ofTotal})`);
}
