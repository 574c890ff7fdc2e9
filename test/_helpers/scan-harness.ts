/**
 * Runs real scans in-process against the local AWS emulator: the SDK clients talk HTTP to it on
 * 127.0.0.1, and the logs land in a buffer that tests can read back.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { CallCounter } from '../../src/aws/api.js';
import { createSdkClientFactory } from '../../src/aws/sdk-clients.js';
import type { Emulator } from '../../src/emulator/index.js';
import { createLogger, type LogLevel } from '../../src/log/logger.js';
import type { Interruption } from '../../src/scan/interruption.js';
import { runScan, type ScanOptions, type ScanOutcome } from '../../src/scan/run-scan.js';

export const DEMO_ORG = 'config/demo-org.yaml';
export const DEFAULT_CONFIG = 'config/desired-state.yaml';

/** A writable stream that keeps everything written to it. */
export class TextSink extends Writable {
  text = '';

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.text += chunk.toString();
    callback();
  }

  /** The JSON log lines written so far. */
  lines(): Record<string, unknown>[] {
    return this.text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }
}

export async function tempDir(prefix = 'ssm-role-audit-test-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export interface ScanRun extends ScanOutcome {
  logs: TextSink;
}

/** Scans the emulator's organization with the real SDK clients and returns the report and logs. */
export async function scanEmulator(
  emulator: Emulator,
  options: Partial<ScanOptions> = {},
  settings: {
    logLevel?: LogLevel;
    maxAttempts?: number;
    requestTimeoutMs?: number;
    interruption?: Interruption;
    /** A log sink of the test's own, for example one that reacts to a log line. */
    logs?: TextSink;
  } = {},
): Promise<ScanRun> {
  const logs = settings.logs ?? new TextSink();
  const runCounter = new CallCounter();
  const clients = createSdkClientFactory(
    {
      region: emulator.region,
      endpoint: emulator.url,
      credentials: emulator.callerCredentials,
      maxAttempts: settings.maxAttempts ?? 3,
      requestTimeoutMs: settings.requestTimeoutMs ?? 5_000,
      maxSockets: 16,
    },
    runCounter,
  );
  try {
    const outcome = await runScan(
      {
        configPath: DEFAULT_CONFIG,
        concurrency: 4,
        reportDir: options.reportDir ?? (await tempDir()),
        region: emulator.region,
        accessRoleName: 'OrganizationAccountAccessRole',
        reproduceCommand: 'ssm-role-audit scan',
        // The emulator sets no Organizations rate limit by default, so tests need not wait for pacing.
        organizationsRatePerSecond: 100,
        ...options,
      },
      {
        clients,
        runCounter,
        logger: createLogger({ level: settings.logLevel ?? 'info', pretty: false, destination: logs }),
        toolVersion: '0.0.0-test',
        interruption: settings.interruption,
      },
    );
    return { ...outcome, logs };
  } finally {
    clients.close();
  }
}
