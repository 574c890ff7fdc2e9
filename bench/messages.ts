/**
 * Messages between the benchmark runner and its two kinds of child process: the emulator process,
 * which serves a generated organization, and the scan process, which runs one scan and exits.
 */

/** CPU time in milliseconds, as `process.cpuUsage()` measures it (microseconds) divided by 1,000. */
export interface CpuTime {
  userMs: number;
  systemMs: number;
}

export interface EmulatorStartRequest {
  type: 'start';
  accounts: number;
  latencyMs: number;
  /** Organizations calls beyond this rate get `TooManyRequestsException`; unlimited when omitted. */
  organizationsRateLimit?: { perSecond: number; burst: number };
}

/** Clears the call counters and starts a new CPU measurement and first-request watch. */
export interface EmulatorResetRequest {
  type: 'reset';
}

export interface EmulatorStatsRequest {
  type: 'stats';
}

export type EmulatorRequest = EmulatorStartRequest | EmulatorResetRequest | EmulatorStatsRequest;

export interface EmulatorReady {
  type: 'ready';
  url: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** Milliseconds spent generating and loading the organization. */
  setupMs: number;
}

export interface EmulatorResetDone {
  type: 'reset-done';
}

/** Calls of one operation, summed over accounts. */
export interface OperationCalls {
  service: string;
  operation: string;
  count: number;
  errors: number;
}

export interface EmulatorStats {
  type: 'stats';
  calls: OperationCalls[];
  /** CPU time of the emulator process since the last reset. */
  cpu: CpuTime;
  /** `process.hrtime.bigint()` in nanoseconds when the first HTTP request after the last reset arrived. */
  firstRequestAtNs?: string;
}

export type EmulatorReply = EmulatorReady | EmulatorResetDone | EmulatorStats;

export interface ScanRequest {
  type: 'run';
  endpoint: string;
  region: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  configPath: string;
  reportDir: string;
  concurrency: number;
  /** List every account before the first assessment starts (the baseline). */
  discoverFirst: boolean;
  /** Organizations calls a second that the tool allows itself (`--organizations-rate`); the tool's default when omitted. */
  organizationsRate?: number;
  /** Log level of the scan; its JSON lines go to the process's stderr, which the runner sends to a file. */
  logLevel: 'info' | 'warn' | 'silent';
}

export interface ScanResult {
  type: 'result';
  wallMs: number;
  /** CPU time of the scan process during the scan, start-up and module loading excluded. */
  cpu: CpuTime;
  /** `process.resourceUsage().maxRSS` in kilobytes, for the whole life of the process. */
  maxRssKb: number;
  /** V8 heap in use after the scan and a full garbage collection, before the report objects are released. */
  heapUsedBytes: number;
  /** The largest `process.memoryUsage()` figures seen, sampled every 200 ms during the scan. */
  peakMemory: { rssBytes: number; heapTotalBytes: number; heapUsedBytes: number; externalBytes: number };
  exitCode: number;
  complete: boolean;
  accountsAssessed: number;
  byStatus: Record<string, number>;
  apiCalls: { total: number; retries: number; byOperation: Record<string, number> };
  /** The maximum number of calls the tool counted for one account (its `apiCalls`), retries not included. */
  maxAccountCalls: number;
}

export interface ScanFailure {
  type: 'failure';
  message: string;
}
