/**
 * Turns the benchmark's measurements into Markdown tables (printed, and pasted into
 * docs/benchmarks.md) and a verdict per target.
 */
import type { BenchOptions } from './args.js';
import { lowerBound, type LowerBound } from './lower-bound.js';
import { callsPerAccount, cpuMs, median, medianRun, type Measurement } from './measure.js';
import type { StartupTiming } from './startup.js';

/** Targets of the benchmark, as numbers. */
export const TARGETS = {
  maxCallsPerCompliantAccount: 4,
  maxWallToBoundRatio: 1.15,
  ratioScale: 10_000,
  maxPeakRssMb: 300,
  maxStartupMs: 300,
};

export interface ScaleSummary {
  accounts: number;
  runs: Measurement[];
  /** The run with the median wall time; its other figures are quoted with it. */
  typical: Measurement;
  wallMedianMs: number;
  bound: LowerBound;
}

export interface BenchFigures {
  options: BenchOptions;
  machine: { cpus: number; cpuModel: string; memoryGiB: number; node: string; platform: string };
  /** 1-minute load averages at the start and the end: other work on the machine skews every figure. */
  loadAverage: { start: number; end?: number };
  scales: ScaleSummary[];
  baseline?: Measurement;
  tags?: Measurement;
  zeroLatency?: Measurement;
  startup: StartupTiming[];
  bareNodeMs?: number;
}

const number = new Intl.NumberFormat('en-US');

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}

function megabytes(kb: number): string {
  return `${(kb / 1024).toFixed(0)} MB`;
}

function table(header: string[], rows: string[][]): string {
  const lines = [`| ${header.join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

/** Organizations calls that got an error response, throttling included. */
export function organizationsErrors(measurement: Measurement): number {
  return measurement.emulatorCalls
    .filter((call) => call.service === 'organizations')
    .reduce((sum, call) => sum + call.errors, 0);
}

/** Builds the summary of one scale: the median run and the lower bound it is compared with. */
export function summarizeScale(accounts: number, runs: Measurement[], options: BenchOptions): ScaleSummary {
  return {
    accounts,
    runs,
    typical: medianRun(runs),
    wallMedianMs: median(runs.map((run) => run.scan.wallMs)),
    bound: boundFor(runs[0]!, options, false),
  };
}

export function boundFor(measurement: Measurement, options: BenchOptions, readsTags: boolean): LowerBound {
  return lowerBound({
    accounts: measurement.accounts,
    latencyMs: measurement.latencyMs,
    concurrency: measurement.settings.concurrency,
    organizationsRatePerSecond: options.organizationsRate,
    organizationsBurst: options.organizationsRate,
    readsTags,
  });
}

function scaleRow(summary: ScaleSummary): string[] {
  const { typical } = summary;
  const calls = callsPerAccount(typical);
  const toolCpu = cpuMs(typical.scan.cpu);
  const emulatorCalls = calls.total * typical.accounts;
  return [
    number.format(summary.accounts),
    String(summary.runs.length),
    seconds(summary.wallMedianMs),
    seconds(summary.bound.totalMs),
    (summary.wallMedianMs / summary.bound.totalMs).toFixed(2),
    calls.total.toFixed(3),
    megabytes(typical.scan.maxRssKb),
    seconds(toolCpu),
    seconds(cpuMs(typical.emulatorCpu)),
    `${((toolCpu / emulatorCalls) * 1000).toFixed(0)} µs`,
    String(organizationsErrors(typical)),
    String(typical.scan.apiCalls.retries),
    `${typical.scan.byStatus['compliant'] ?? 0}/${typical.scan.accountsAssessed}`,
  ];
}

function operationsTable(summaries: ScaleSummary[]): string {
  const operations = new Set<string>();
  for (const summary of summaries) {
    for (const operation of Object.keys(callsPerAccount(summary.typical).byOperation)) operations.add(operation);
  }
  const rows = [...operations].sort().map((operation) => [
    operation,
    ...summaries.map((summary) => (callsPerAccount(summary.typical).byOperation[operation] ?? 0).toFixed(4)),
  ]);
  rows.push(['total', ...summaries.map((summary) => callsPerAccount(summary.typical).total.toFixed(4))]);
  return table(['operation', ...summaries.map((summary) => `${number.format(summary.accounts)} accounts`)], rows);
}

function singleRunLine(name: string, measurement: Measurement, bound: LowerBound | undefined): string {
  const calls = callsPerAccount(measurement);
  return (
    `${name}: ${number.format(measurement.accounts)} accounts, concurrency ${measurement.settings.concurrency}` +
    `${measurement.settings.discoverFirst ? ', every account listed before the first assessment' : ''}: ` +
    `wall ${seconds(measurement.scan.wallMs)}${bound ? ` (lower bound ${seconds(bound.totalMs)})` : ''}, ` +
    `${calls.total.toFixed(3)} calls per account, peak RSS ${megabytes(measurement.scan.maxRssKb)}, ` +
    `CPU tool ${seconds(cpuMs(measurement.scan.cpu))}, emulator ${seconds(cpuMs(measurement.emulatorCpu))}, ` +
    `Organizations errors ${organizationsErrors(measurement)}, retries ${measurement.scan.apiCalls.retries}, ` +
    `compliant ${measurement.scan.byStatus['compliant'] ?? 0}/${measurement.scan.accountsAssessed}.`
  );
}

interface Verdict {
  target: string;
  measured: string;
  met: boolean | undefined;
}

function verdicts(figures: BenchFigures): Verdict[] {
  const results: Verdict[] = [];
  const allRuns = figures.scales.flatMap((summary) => summary.runs);

  if (allRuns.length > 0) {
    const maxCalls = Math.max(...allRuns.map((run) => run.scan.maxAccountCalls));
    const meanCalls = Math.max(...allRuns.map((run) => callsPerAccount(run).total));
    results.push({
      target: `at most ${TARGETS.maxCallsPerCompliantAccount} API calls per compliant account (no tag overrides)`,
      measured:
        `${maxCalls} for the busiest account (the tool's own count); ${meanCalls.toFixed(3)} per account ` +
        'with listing pages and run-level calls (the emulator\'s count)',
      met: maxCalls <= TARGETS.maxCallsPerCompliantAccount,
    });
    const perAccountOrganizations = allRuns.some((run) =>
      run.emulatorCalls.some((call) => call.operation === 'ListTagsForResource' && call.count > 0),
    );
    results.push({
      target: 'no per-account Organizations call without tag filters or overrides',
      measured: perAccountOrganizations ? 'ListTagsForResource was called' : 'none',
      met: !perAccountOrganizations,
    });
  }

  const large = figures.scales.find((summary) => summary.accounts === TARGETS.ratioScale);
  if (large) {
    const ratio = large.wallMedianMs / large.bound.totalMs;
    results.push({
      target: `wall time within ${TARGETS.maxWallToBoundRatio}x of the lower bound at ${number.format(TARGETS.ratioScale)} accounts`,
      measured: `${ratio.toFixed(2)}x (${seconds(large.wallMedianMs)} against ${seconds(large.bound.totalMs)})`,
      met: ratio <= TARGETS.maxWallToBoundRatio,
    });
    const rssMb = large.typical.scan.maxRssKb / 1024;
    results.push({
      target: `peak RSS under ${TARGETS.maxPeakRssMb} MB at ${number.format(TARGETS.ratioScale)} accounts`,
      measured: `${rssMb.toFixed(0)} MB`,
      met: rssMb < TARGETS.maxPeakRssMb,
    });
  }

  const pacedRuns = [...allRuns, ...(figures.tags ? [figures.tags] : [])];
  if (pacedRuns.length > 0) {
    const throttled = pacedRuns.reduce((sum, run) => sum + organizationsErrors(run), 0);
    const failed = pacedRuns.reduce((sum, run) => sum + (run.scan.byStatus['error'] ?? 0), 0);
    results.push({
      target: 'Organizations calls within the rate, no throttling error surfacing',
      measured: `${throttled} Organizations calls throttled, ${failed} accounts failed`,
      met: throttled === 0 && failed === 0,
    });
  }

  if (figures.startup.length > 0) {
    const startupMs = median(figures.startup.map((timing) => timing.toFirstRequestMs));
    results.push({
      target: `CLI start-up to the first AWS call under ${TARGETS.maxStartupMs} ms`,
      measured: `${startupMs.toFixed(0)} ms (median of ${figures.startup.length})`,
      met: startupMs < TARGETS.maxStartupMs,
    });
  }
  return results;
}

function resultText(met: boolean | undefined): string {
  if (met === undefined) return 'not measured';
  return met ? 'met' : 'NOT met';
}

/** Renders every figure as Markdown: settings, the per-scale table, calls by operation, the other runs, targets. */
export function renderFigures(figures: BenchFigures): string {
  const { options, machine } = figures;
  const sections: string[] = [];

  sections.push(
    `Machine: ${machine.cpus} CPUs (${machine.cpuModel}), ${machine.memoryGiB.toFixed(1)} GiB, Node.js ${machine.node} on ${machine.platform}; ` +
      `1-minute load average ${figures.loadAverage.start.toFixed(2)} at the start, ${figures.loadAverage.end?.toFixed(2) ?? 'unknown'} at the end.`,
    `Settings: latency ${options.latencyMs} ms per call, concurrency ${options.concurrency}, Organizations rate ` +
      `${options.organizationsRate} calls/s (the emulator's limit and the tool's pacing), config bench/desired-state.yaml ` +
      `(no tag overrides). Medians over the runs of a scale; the other columns are from the median run.`,
  );

  if (figures.scales.length > 0) {
    sections.push(
      table(
        [
          'accounts',
          'runs',
          'wall',
          'lower bound',
          'wall / bound',
          'calls / account',
          'peak RSS',
          'CPU tool',
          'CPU emulator',
          'tool CPU / call',
          'Organizations throttled',
          'retries',
          'compliant',
        ],
        figures.scales.map(scaleRow),
      ),
      'API calls per account by operation, counted by the emulator:',
      operationsTable(figures.scales),
    );
  }

  const lines: string[] = [];
  const smallest = figures.scales[0];
  const largest = figures.scales[figures.scales.length - 1];
  if (smallest && largest && largest.accounts > smallest.accounts) {
    const accounts = largest.accounts - smallest.accounts;
    const rssSlopeKb = (largest.typical.scan.maxRssKb - smallest.typical.scan.maxRssKb) / accounts;
    const heapSlopeKb = (largest.typical.scan.heapUsedBytes - smallest.typical.scan.heapUsedBytes) / 1024 / accounts;
    lines.push(
      `Memory from ${number.format(smallest.accounts)} to ${number.format(largest.accounts)} accounts: peak RSS grows by ` +
        `${rssSlopeKb.toFixed(1)} KB per account. The heap that the finished scan still holds (every account's result, ` +
        `measured after a full garbage collection) grows by ${heapSlopeKb.toFixed(1)} KB per account, from ` +
        `${megabytes(smallest.typical.scan.heapUsedBytes / 1024)} to ${megabytes(largest.typical.scan.heapUsedBytes / 1024)}.`,
    );
  }
  if (figures.baseline) {
    const baseline = figures.baseline;
    const bound = boundFor(baseline, options, false);
    lines.push(singleRunLine('Baseline', baseline, bound));
    if (baseline.scan.wallMs < bound.totalMs) {
      lines.push(
        'The baseline comes in under the bound because the bound charges four sequential latencies per account, ' +
          'while the tool sends ListAttachedRolePolicies and ListRolePolicies at the same time.',
      );
    }
    const same = figures.scales.find((summary) => summary.accounts === baseline.accounts);
    if (same) {
      lines.push(
        `Baseline / streaming at concurrency ${options.concurrency}: ` +
          `${(baseline.scan.wallMs / same.wallMedianMs).toFixed(1)}x the wall time.`,
      );
    }
  }
  if (figures.tags) {
    lines.push(singleRunLine('With tag overrides (config/desired-state.yaml)', figures.tags, boundFor(figures.tags, options, true)));
  }
  if (figures.zeroLatency) {
    const run = figures.zeroLatency;
    const calls = callsPerAccount(run).total * run.accounts;
    lines.push(
      `${singleRunLine('Zero latency', run, undefined)} ` +
        `Emulator CPU per call ${((cpuMs(run.emulatorCpu) / calls) * 1000).toFixed(0)} µs, ` +
        `tool CPU per call ${((cpuMs(run.scan.cpu) / calls) * 1000).toFixed(0)} µs.`,
    );
  }
  if (figures.startup.length > 0) {
    const firstCall = figures.startup.map((timing) => timing.toFirstRequestMs);
    lines.push(
      `CLI start-up to the first AWS call: median ${median(firstCall).toFixed(0)} ms ` +
        `(runs: ${firstCall.map((ms) => ms.toFixed(0)).join(', ')} ms)` +
        (figures.bareNodeMs === undefined ? '.' : `; \`node -e ""\` alone takes ${figures.bareNodeMs.toFixed(0)} ms.`),
    );
  }
  if (lines.length > 0) sections.push(lines.map((line) => `- ${line}`).join('\n'));

  const verdictRows = verdicts(figures).map((verdict) => [verdict.target, verdict.measured, resultText(verdict.met)]);
  if (verdictRows.length > 0) sections.push(table(['target', 'measured', 'result'], verdictRows));

  return `${sections.join('\n\n')}\n`;
}
