/**
 * Child process that runs one scan against the benchmark's emulator and reports its wall time, CPU time
 * and peak RSS. Each scan gets a fresh process, so `process.resourceUsage().maxRSS` belongs to that scan
 * alone. The AWS clients are built as `ssm-role-audit scan` builds them, and the log goes to stderr.
 */
import { CallCounter } from '../src/aws/api.js';
import { createSdkClientFactory } from '../src/aws/sdk-clients.js';
import { createLogger } from '../src/log/logger.js';
import { toolVersion } from '../src/package-info.js';
import { runScan } from '../src/scan/run-scan.js';
import type { ScanFailure, ScanRequest, ScanResult } from './messages.js';

const MEMORY_SAMPLE_INTERVAL_MS = 200;

function sumValues(counts: Record<string, number>): number {
  let sum = 0;
  for (const count of Object.values(counts)) sum += count;
  return sum;
}

async function run(request: ScanRequest): Promise<ScanResult> {
  // JSON lines on stderr, as `ssm-role-audit scan` writes them when stderr is not a terminal.
  const logger = createLogger({ level: request.logLevel, pretty: false });
  const runCounter = new CallCounter();

  const peakMemory = { rssBytes: 0, heapTotalBytes: 0, heapUsedBytes: 0, externalBytes: 0 };
  const sampleMemory = (): void => {
    const usage = process.memoryUsage();
    peakMemory.rssBytes = Math.max(peakMemory.rssBytes, usage.rss);
    peakMemory.heapTotalBytes = Math.max(peakMemory.heapTotalBytes, usage.heapTotal);
    peakMemory.heapUsedBytes = Math.max(peakMemory.heapUsedBytes, usage.heapUsed);
    peakMemory.externalBytes = Math.max(peakMemory.externalBytes, usage.external);
  };
  const sampler = setInterval(sampleMemory, MEMORY_SAMPLE_INTERVAL_MS);

  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  const clients = createSdkClientFactory(
    {
      region: request.region,
      endpoint: request.endpoint,
      credentials: request.credentials,
      maxAttempts: 5,
      requestTimeoutMs: 10_000,
      // The same socket allowance as `ssm-role-audit scan`.
      maxSockets: request.concurrency * 2,
    },
    runCounter,
  );
  try {
    const { report } = await runScan(
      {
        configPath: request.configPath,
        concurrency: request.concurrency,
        discoverFirst: request.discoverFirst,
        ...(request.organizationsRate === undefined ? {} : { organizationsRatePerSecond: request.organizationsRate }),
        reportDir: request.reportDir,
        region: request.region,
        accessRoleName: 'OrganizationAccountAccessRole',
        reproduceCommand: 'npm run bench',
      },
      { clients, runCounter, logger, toolVersion },
    );
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    sampleMemory();
    // A full collection first, so the heap figure is what the finished scan still keeps (its results),
    // not garbage that the collector had not reached yet. The runner starts this process with --expose-gc.
    global.gc?.();
    return {
      type: 'result',
      wallMs,
      cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
      maxRssKb: process.resourceUsage().maxRSS,
      heapUsedBytes: process.memoryUsage().heapUsed,
      peakMemory,
      exitCode: report.exitCode,
      complete: report.complete,
      accountsAssessed: report.counts.accounts,
      byStatus: report.counts.byStatus,
      apiCalls: report.apiCalls,
      maxAccountCalls: Math.max(0, ...report.accounts.map((account) => sumValues(account.apiCalls))),
    };
  } finally {
    clearInterval(sampler);
    clients.close();
  }
}

if (!process.send) {
  console.error('bench/scan-process.js runs only as a child of the benchmark runner (child_process.fork).');
  process.exit(2);
}

process.once('message', (request: ScanRequest) => {
  run(request)
    .then((result) => process.send!(result, () => process.exit(0)))
    .catch((error: unknown) => {
      const failure: ScanFailure = {
        type: 'failure',
        message: error instanceof Error ? (error.stack ?? error.message) : String(error),
      };
      process.send!(failure, () => process.exit(1));
    });
});
