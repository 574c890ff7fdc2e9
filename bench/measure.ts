/**
 * One measured scan: the emulator's counters are reset, a fresh scan process runs, and the figures of
 * both processes are collected.
 */
import { join } from 'node:path';
import { runScanProcess, type EmulatorProcess } from './children.js';
import type { CpuTime, OperationCalls, ScanResult } from './messages.js';

export interface ScanSettings {
  configPath: string;
  concurrency: number;
  discoverFirst: boolean;
  organizationsRate?: number;
}

export interface Measurement {
  label: string;
  accounts: number;
  latencyMs: number;
  settings: ScanSettings;
  scan: ScanResult;
  emulatorCpu: CpuTime;
  /** Calls the emulator served, by service and operation; its own count, independent of the tool's. */
  emulatorCalls: OperationCalls[];
}

export interface MeasureContext {
  /** Folder for reports and logs of the scans. */
  workDir: string;
  cpuProfileDir?: string;
}

let scanNumber = 0;

/** Runs one scan against `emulator` in a fresh process and returns its figures. */
export async function measureScan(
  emulator: EmulatorProcess,
  label: string,
  accounts: number,
  latencyMs: number,
  settings: ScanSettings,
  context: MeasureContext,
): Promise<Measurement> {
  scanNumber += 1;
  const name = `scan-${String(scanNumber).padStart(2, '0')}`;
  const execArgv = context.cpuProfileDir
    ? ['--cpu-prof', `--cpu-prof-dir=${context.cpuProfileDir}`, `--cpu-prof-name=${name}-${label.replace(/\W+/g, '-')}.cpuprofile`]
    : [];

  await emulator.reset();
  const scan = await runScanProcess(
    {
      endpoint: emulator.ready.url,
      region: emulator.ready.region,
      credentials: emulator.ready.credentials,
      configPath: settings.configPath,
      reportDir: join(context.workDir, name),
      concurrency: settings.concurrency,
      discoverFirst: settings.discoverFirst,
      ...(settings.organizationsRate === undefined ? {} : { organizationsRate: settings.organizationsRate }),
      logLevel: 'info',
    },
    { logPath: join(context.workDir, `${name}.log`), execArgv },
  );
  const stats = await emulator.stats();
  return { label, accounts, latencyMs, settings, scan, emulatorCpu: stats.cpu, emulatorCalls: stats.calls };
}

/** Total CPU time in milliseconds. */
export function cpuMs(cpu: CpuTime): number {
  return cpu.userMs + cpu.systemMs;
}

/** The median; the mean of the two middle values for an even count. */
export function median(values: number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

/** The run whose wall time is the median (the lower middle one for an even count). */
export function medianRun(runs: Measurement[]): Measurement {
  const sorted = [...runs].sort((a, b) => a.scan.wallMs - b.scan.wallMs);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

/** Calls the emulator served per account, by `Service:Operation`, and the calls answered with an error. */
export function callsPerAccount(measurement: Measurement): { byOperation: Record<string, number>; total: number; errors: number } {
  const byOperation: Record<string, number> = {};
  let total = 0;
  let errors = 0;
  for (const call of measurement.emulatorCalls) {
    const service = { iam: 'IAM', sts: 'STS', organizations: 'Organizations' }[call.service] ?? call.service;
    byOperation[`${service}:${call.operation}`] = call.count / measurement.accounts;
    total += call.count;
    errors += call.errors;
  }
  return { byOperation, total: total / measurement.accounts, errors };
}
