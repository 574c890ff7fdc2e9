import { afterEach, describe, expect, it } from 'vitest';
import { CallCounter, type AwsClientFactory } from '../../src/aws/api.js';
import { createSdkClientFactory } from '../../src/aws/sdk-clients.js';
import { generateOrg, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { createLogger } from '../../src/log/logger.js';
import { runScan } from '../../src/scan/run-scan.js';
import { tempDir, TextSink } from '../_helpers/scan-harness.js';

let emulator: Emulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

/** Wraps a factory so that every ListAccounts and AssumeRole call is noted, in the order the scan makes them. */
function recordingCalls(clients: AwsClientFactory, calls: string[]): AwsClientFactory {
  return {
    ...clients,
    sts(counter, signal) {
      const sts = clients.sts(counter, signal);
      return {
        ...sts,
        assumeRole: (input) => {
          calls.push('AssumeRole');
          return sts.assumeRole(input);
        },
      };
    },
    organizations() {
      const organizations = clients.organizations();
      return {
        ...organizations,
        listAccounts: (input) => {
          calls.push('ListAccounts');
          return organizations.listAccounts(input);
        },
      };
    },
  };
}

async function scanRecordingCalls(discoverFirst: boolean): Promise<{ calls: string[]; accounts: number }> {
  // 45 accounts make 3 ListAccounts pages. The latency keeps each page in flight long enough for the
  // first page's assessments to start when the scan streams.
  emulator = await startEmulator({ org: generateOrg({ accounts: 45 }), latencyMs: 5 });
  const calls: string[] = [];
  const runCounter = new CallCounter();
  const clients = createSdkClientFactory(
    {
      region: emulator.region,
      endpoint: emulator.url,
      credentials: emulator.callerCredentials,
      maxAttempts: 1,
      requestTimeoutMs: 5_000,
      maxSockets: 16,
    },
    runCounter,
  );
  try {
    const { report } = await runScan(
      {
        configPath: 'bench/desired-state.yaml',
        concurrency: 8,
        discoverFirst,
        organizationsRatePerSecond: 100,
        reportDir: await tempDir(),
        region: emulator.region,
        accessRoleName: 'OrganizationAccountAccessRole',
        reproduceCommand: 'ssm-role-audit scan',
      },
      {
        clients: recordingCalls(clients, calls),
        runCounter,
        logger: createLogger({ level: 'silent', pretty: false, destination: new TextSink() }),
        toolVersion: '0.0.0-test',
      },
    );
    expect(report.counts.byStatus.compliant).toBe(45);
    return { calls, accounts: report.counts.accounts };
  } finally {
    clients.close();
  }
}

describe('runScan discoverFirst', () => {
  it('lists every page before the first AssumeRole', async () => {
    const { calls, accounts } = await scanRecordingCalls(true);

    expect(accounts).toBe(45);
    expect(calls.filter((call) => call === 'ListAccounts')).toHaveLength(3);
    expect(calls.lastIndexOf('ListAccounts')).toBeLessThan(calls.indexOf('AssumeRole'));
  });

  it('streams assessments while pages are listed when off', async () => {
    const { calls, accounts } = await scanRecordingCalls(false);

    expect(accounts).toBe(45);
    expect(calls.indexOf('AssumeRole')).toBeLessThan(calls.lastIndexOf('ListAccounts'));
  });
});
