/**
 * Set-up for the fault tests. The organization's accounts are all compliant, so every error the
 * emulator records is an injected fault. The scan runs through the real SDK clients, its retries do
 * not wait, and a hook can wrap the client factory.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { CallCounter, type AwsClientFactory } from '../../src/aws/api.js';
import { createSdkClientFactory, type AwsSettings } from '../../src/aws/sdk-clients.js';
import type { Sleep } from '../../src/aws/timing.js';
import type { Emulator, OrgDefinitionInput } from '../../src/emulator/index.js';
import { createLogger, type LogLevel } from '../../src/log/logger.js';
import type { RunReport } from '../../src/model.js';
import { renderJsonReport } from '../../src/report/index.js';
import type { Interruption } from '../../src/scan/interruption.js';
import { runScan, type ScanOptions, type ScanOutcome } from '../../src/scan/run-scan.js';
import { DEFAULT_CONFIG, tempDir, TextSink } from '../_helpers/scan-harness.js';

export const MANAGEMENT = '111111111111';
/** The caller's secret access key: 40 characters, shaped like a real one. */
export const CALLER_SECRET = 'CallerSecretKey0123456789abcdefghijKLMNO';

/** Member account ids 200000000001, 200000000002, ... */
export function memberId(index: number): string {
  return String(200_000_000_000 + index);
}

export const PLAIN_TRUST = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

export interface FaultOrgOptions {
  members: number;
  partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  region?: string;
  /** Replaces the SSMServiceRole of chosen member indexes (1-based). */
  serviceRoles?: Record<number, Record<string, unknown>>;
  /** Roles added to the management account. */
  managementRoles?: Record<string, unknown>[];
  accessRoleMaxSessionDuration?: number;
}

/**
 * Builds an organization of a management account and `members` member accounts. Every account has the
 * documented SSMServiceRole (plain trust policy, AmazonSSMManagedInstanceCore), so with the default
 * config each one is compliant with one advisory, and every member trusts the management account in
 * its OrganizationAccountAccessRole.
 */
export function faultOrg(options: FaultOrgOptions): OrgDefinitionInput {
  const partition = options.partition ?? 'aws';
  const core = `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`;
  const serviceRole = { name: 'SSMServiceRole', trustPolicy: PLAIN_TRUST, attachedPolicies: [core] };
  const accessRole = {
    name: 'OrganizationAccountAccessRole',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${MANAGEMENT}:root` }, Action: 'sts:AssumeRole' }],
    },
    maxSessionDuration: options.accessRoleMaxSessionDuration ?? 3600,
  };
  const members = Array.from({ length: options.members }, (_, offset) => {
    const index = offset + 1;
    return {
      id: memberId(index),
      name: `member-${index}`,
      email: `member-${index}@example.com`,
      roles: [options.serviceRoles?.[index] ?? serviceRole, accessRole],
    };
  });
  return {
    partition,
    region: options.region ?? 'us-east-1',
    organization: { id: 'o-faults0001', managementAccountId: MANAGEMENT },
    caller: {
      arn: `arn:${partition}:iam::${MANAGEMENT}:user/auditor`,
      accessKeyId: 'AKIAFAULTCALLER00001',
      secretAccessKey: CALLER_SECRET,
    },
    accounts: [
      {
        id: MANAGEMENT,
        name: 'management',
        email: 'management@example.com',
        roles: [serviceRole, ...(options.managementRoles ?? [])],
      },
      ...members,
    ],
  } as OrgDefinitionInput;
}

/** A sleep that returns at once, so backoff costs no test time. */
export const noWait: Sleep = () => Promise.resolve();

export interface FaultScanSettings {
  scan?: Partial<ScanOptions>;
  aws?: Partial<AwsSettings>;
  logLevel?: LogLevel;
  now?: () => number;
  interruption?: Interruption;
  /** Wraps the SDK client factory, to observe or steer calls. */
  wrapClients?: (clients: AwsClientFactory) => AwsClientFactory;
}

export interface FaultScan extends ScanOutcome {
  logs: TextSink;
  elapsedMs: number;
}

/** Scans the emulator's organization with the real SDK clients; retries do not wait unless `aws.retrySleep` is set. */
export async function scanWithFaults(emulator: Emulator, settings: FaultScanSettings = {}): Promise<FaultScan> {
  const logs = new TextSink();
  const logger = createLogger({ level: settings.logLevel ?? 'info', pretty: false, destination: logs });
  const runCounter = new CallCounter();
  const sdkClients = createSdkClientFactory(
    {
      region: emulator.region,
      endpoint: emulator.url,
      credentials: { ...emulator.callerCredentials },
      maxAttempts: 5,
      requestTimeoutMs: 5_000,
      maxSockets: 32,
      retrySleep: noWait,
      logger,
      ...settings.aws,
    },
    runCounter,
  );
  const clients = settings.wrapClients ? settings.wrapClients(sdkClients) : sdkClients;
  const started = performance.now();
  try {
    const outcome = await runScan(
      {
        configPath: DEFAULT_CONFIG,
        concurrency: 8,
        reportDir: await tempDir('ssm-role-audit-faults-'),
        region: emulator.region,
        accessRoleName: 'OrganizationAccountAccessRole',
        reproduceCommand: 'ssm-role-audit scan',
        organizationsRatePerSecond: 1000,
        ...settings.scan,
      },
      {
        clients,
        runCounter,
        logger,
        toolVersion: '0.0.0-test',
        ...(settings.now ? { now: settings.now } : {}),
        ...(settings.interruption ? { interruption: settings.interruption } : {}),
      },
    );
    return { ...outcome, logs, elapsedMs: performance.now() - started };
  } finally {
    clients.close();
  }
}

/** Total error responses and faults the emulator recorded. */
export function emulatorErrors(emulator: Emulator): number {
  return emulator.calls().reduce((sum, record) => sum + record.errors, 0);
}

/** Statuses of the report's accounts by account id. */
export function statuses(outcome: ScanOutcome): Record<string, string> {
  return Object.fromEntries(outcome.report.accounts.map((account) => [account.accountId, account.status]));
}

const reportSchema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as object;

/** Validates a report, as written, against `schemas/report.schema.json` and returns the problems found. */
export function schemaProblems(report: RunReport): string[] {
  // The same settings as the schema tests: `required` inside `then` is valid JSON Schema.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  const validate = ajv.compile(reportSchema);
  validate(JSON.parse(renderJsonReport(report)));
  return (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message ?? ''}`);
}
