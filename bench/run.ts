/**
 * `npm run bench`: scans generated organizations of 1,000 to 10,000 compliant accounts. The local AWS
 * emulator serves them from its own process, with a per-call latency and an Organizations rate limit.
 * Each scan's wall time is compared with the lower bound that its unavoidable API calls set. Each scan
 * runs in a fresh process, so its CPU time and peak RSS are its own. Prints Markdown for
 * docs/benchmarks.md and writes every figure to a JSON file.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, freemem, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BENCH_USAGE, parseBenchArgs, type BenchOptions } from './args.js';
import { EmulatorProcess } from './children.js';
import { measureScan, type MeasureContext, type Measurement, type ScanSettings } from './measure.js';
import { renderFigures, summarizeScale, type BenchFigures } from './report.js';
import { timeBareNode, timeStartup, type StartupTiming } from './startup.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BENCH_CONFIG = join(PACKAGE_ROOT, 'bench', 'desired-state.yaml');
const TAGS_CONFIG = join(PACKAGE_ROOT, 'config', 'desired-state.yaml');
/** Accounts of the organization that the CLI start-up runs scan; small, so each run ends quickly. */
const STARTUP_ACCOUNTS = 10;

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

async function withEmulator<T>(
  accounts: number,
  latencyMs: number,
  options: BenchOptions,
  use: (emulator: EmulatorProcess) => Promise<T>,
): Promise<T> {
  const emulator = await EmulatorProcess.start({
    accounts,
    latencyMs,
    organizationsRateLimit: { perSecond: options.organizationsRate, burst: options.organizationsRate },
  });
  progress(`emulator serving ${accounts} accounts at ${latencyMs} ms latency (set up in ${emulator.ready.setupMs.toFixed(0)} ms)`);
  try {
    return await use(emulator);
  } finally {
    await emulator.stop();
  }
}

function describeRun(measurement: Measurement): string {
  const { scan } = measurement;
  return (
    `${measurement.label}: ${(scan.wallMs / 1000).toFixed(2)} s wall, ` +
    `${((scan.cpu.userMs + scan.cpu.systemMs) / 1000).toFixed(2)} s CPU, ${(scan.maxRssKb / 1024).toFixed(0)} MB peak RSS, ` +
    `exit code ${scan.exitCode}`
  );
}

async function measureStartup(options: BenchOptions, workDir: string): Promise<{ runs: StartupTiming[]; bareNodeMs: number }> {
  const runs: StartupTiming[] = [];
  await withEmulator(STARTUP_ACCOUNTS, options.latencyMs, options, async (emulator) => {
    for (let run = 1; run <= options.startupRuns; run += 1) {
      const timing = await timeStartup(emulator, BENCH_CONFIG, join(workDir, `startup-${run}`));
      if (timing.exitCode !== 0) throw new Error(`the CLI start-up run ${run} exited with code ${timing.exitCode}`);
      progress(`start-up ${run}: first AWS call after ${timing.toFirstRequestMs.toFixed(0)} ms`);
      runs.push(timing);
    }
  });
  const bare: number[] = [];
  for (let run = 0; run < 3; run += 1) bare.push(await timeBareNode());
  return { runs, bareNodeMs: Math.min(...bare) };
}

async function runBenchmark(options: BenchOptions): Promise<BenchFigures> {
  const workDir = await mkdtemp(join(tmpdir(), 'ssm-role-audit-bench-'));
  const context: MeasureContext = { workDir, ...(options.cpuProfileDir ? { cpuProfileDir: options.cpuProfileDir } : {}) };
  const streaming: ScanSettings = {
    configPath: BENCH_CONFIG,
    concurrency: options.concurrency,
    discoverFirst: false,
    organizationsRate: options.organizationsRate,
  };
  const figures: BenchFigures = {
    options,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
      memoryGiB: totalmem() / 2 ** 30,
      node: process.version,
      platform: `${process.platform} ${process.arch}`,
    },
    loadAverage: { start: loadavg()[0]! },
    scales: [],
    startup: [],
  };
  progress(`work folder ${workDir}; ${(freemem() / 2 ** 30).toFixed(1)} GiB free`);

  try {
    if (options.startupRuns > 0) {
      const startup = await measureStartup(options, workDir);
      figures.startup = startup.runs;
      figures.bareNodeMs = startup.bareNodeMs;
    }

    // Each organization size gets one emulator process, shared by every scan of that size.
    const sizes = new Set([...options.scales, options.baselineAccounts, options.tagsAccounts].filter((size) => size > 0));
    for (const accounts of [...sizes].sort((a, b) => a - b)) {
      await withEmulator(accounts, options.latencyMs, options, async (emulator) => {
        if (options.scales.includes(accounts)) {
          const runs: Measurement[] = [];
          const repeats = accounts <= 1000 ? options.repeats : 1;
          for (let run = 1; run <= repeats; run += 1) {
            const measurement = await measureScan(emulator, `${accounts}-run${run}`, accounts, options.latencyMs, streaming, context);
            progress(describeRun(measurement));
            runs.push(measurement);
          }
          figures.scales.push(summarizeScale(accounts, runs, options));
        }
        if (accounts === options.tagsAccounts) {
          const settings = { ...streaming, configPath: TAGS_CONFIG };
          figures.tags = await measureScan(emulator, `${accounts}-tags`, accounts, options.latencyMs, settings, context);
          progress(describeRun(figures.tags));
        }
        if (accounts === options.baselineAccounts) {
          const settings = { ...streaming, concurrency: 1, discoverFirst: true };
          figures.baseline = await measureScan(emulator, `${accounts}-baseline`, accounts, options.latencyMs, settings, context);
          progress(describeRun(figures.baseline));
        }
      });
    }

    if (options.zeroLatencyAccounts > 0) {
      await withEmulator(options.zeroLatencyAccounts, 0, options, async (emulator) => {
        figures.zeroLatency = await measureScan(
          emulator,
          `${options.zeroLatencyAccounts}-zero-latency`,
          options.zeroLatencyAccounts,
          0,
          streaming,
          context,
        );
        progress(describeRun(figures.zeroLatency));
      });
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
  figures.loadAverage.end = loadavg()[0]!;
  return figures;
}

async function main(): Promise<number> {
  let options: BenchOptions | undefined;
  try {
    options = parseBenchArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  if (options === undefined) {
    process.stdout.write(BENCH_USAGE);
    return 0;
  }
  if (options.cpuProfileDir) await mkdir(options.cpuProfileDir, { recursive: true });

  const started = performance.now();
  const figures = await runBenchmark(options);
  process.stdout.write(renderFigures(figures));

  const outputPath =
    options.outputPath ?? join(PACKAGE_ROOT, 'reports', `bench-${new Date().toISOString().replace(/[:.]/g, '-')}.json`);
  await mkdir(dirname(outputPath), { recursive: true });
  await writeFile(outputPath, `${JSON.stringify(figures, null, 2)}\n`);
  progress(`figures written to ${outputPath}; the benchmark took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return 0;
}

process.exitCode = await main();
