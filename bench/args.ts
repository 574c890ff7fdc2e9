/**
 * Command-line options of `npm run bench` (`node dist/bench/run.js`).
 */
import { parseArgs } from 'node:util';

export interface BenchOptions {
  /** Organization sizes to scan, in accounts. */
  scales: number[];
  /** Runs of each scale of at most 1,000 accounts; larger scales run once. */
  repeats: number;
  latencyMs: number;
  concurrency: number;
  /** Organizations calls a second: the emulator's limit and the tool's own pacing. */
  organizationsRate: number;
  /** Accounts of the baseline run (concurrency 1, listing first); 0 skips it. */
  baselineAccounts: number;
  /** Accounts of the run with the default config, whose tag overrides read every account's tags; 0 skips it. */
  tagsAccounts: number;
  /** Accounts of the run at zero latency that measures the emulator's own cost; 0 skips it. */
  zeroLatencyAccounts: number;
  /** CLI start-ups to time; 0 skips them. */
  startupRuns: number;
  /** Folder for CPU profiles of the scan processes (`node --cpu-prof`); none when undefined. */
  cpuProfileDir?: string;
  /** JSON file for every figure; `reports/bench-<time>.json` when undefined. */
  outputPath?: string;
}

export const BENCH_USAGE = `Usage: npm run bench -- [options]

Scans generated organizations served by the local AWS emulator in a child process and prints wall
time against the lower bound, API calls per account, peak RSS, CPU time and CLI start-up time.

Options:
  --scales <list>               organization sizes in accounts, comma-separated (default 1000,5000,10000)
  --repeats <n>                 runs of each scale up to 1,000 accounts; larger scales run once (default 3)
  --latency-ms <ms>             delay the emulator adds to every response (default 20)
  --concurrency <n>             accounts assessed at the same time (default 64)
  --organizations-rate <n>      Organizations calls a second, enforced by the emulator and paced by the tool (default 50)
  --baseline-accounts <n>       accounts of the baseline: concurrency 1, listing first; 0 skips it (default 1000)
  --tags-accounts <n>           accounts of the run with tag overrides (config/desired-state.yaml); 0 skips it (default 1000)
  --zero-latency-accounts <n>   accounts of the run that measures the emulator at zero latency; 0 skips it (default 1000)
  --startup-runs <n>            CLI start-ups to time; 0 skips them (default 5)
  --cpu-prof <dir>              write a CPU profile of every scan process into <dir>
  --output <file>               JSON file for all figures (default reports/bench-<time>.json)
  --help                        print this help
`;

function parseInteger(name: string, value: string, min: number, max: number): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number < min || number > max) {
    throw new RangeError(`Invalid ${name} ${JSON.stringify(value)}; expected a whole number from ${min} to ${max}`);
  }
  return number;
}

/** Parses the options; throws a RangeError that names the invalid option. Returns undefined for --help. */
export function parseBenchArgs(argv: string[]): BenchOptions | undefined {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      scales: { type: 'string', default: '1000,5000,10000' },
      repeats: { type: 'string', default: '3' },
      'latency-ms': { type: 'string', default: '20' },
      concurrency: { type: 'string', default: '64' },
      'organizations-rate': { type: 'string', default: '50' },
      'baseline-accounts': { type: 'string', default: '1000' },
      'tags-accounts': { type: 'string', default: '1000' },
      'zero-latency-accounts': { type: 'string', default: '1000' },
      'startup-runs': { type: 'string', default: '5' },
      'cpu-prof': { type: 'string' },
      output: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return undefined;

  const scales = values.scales.split(',').map((scale) => parseInteger('--scales entry', scale.trim(), 2, 10_000));
  return {
    scales: [...new Set(scales)].sort((a, b) => a - b),
    repeats: parseInteger('--repeats', values.repeats, 1, 20),
    latencyMs: parseInteger('--latency-ms', values['latency-ms'], 0, 1000),
    concurrency: parseInteger('--concurrency', values.concurrency, 1, 512),
    organizationsRate: parseInteger('--organizations-rate', values['organizations-rate'], 1, 100),
    baselineAccounts: parseInteger('--baseline-accounts', values['baseline-accounts'], 0, 10_000),
    tagsAccounts: parseInteger('--tags-accounts', values['tags-accounts'], 0, 10_000),
    zeroLatencyAccounts: parseInteger('--zero-latency-accounts', values['zero-latency-accounts'], 0, 10_000),
    startupRuns: parseInteger('--startup-runs', values['startup-runs'], 0, 50),
    ...(values['cpu-prof'] === undefined ? {} : { cpuProfileDir: values['cpu-prof'] }),
    ...(values.output === undefined ? {} : { outputPath: values.output }),
  };
}
