/**
 * Starts and talks to the benchmark's child processes: one long-lived emulator process per organization,
 * and one short-lived scan process per measured scan.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type {
  EmulatorReady,
  EmulatorReply,
  EmulatorRequest,
  EmulatorStartRequest,
  EmulatorStats,
  ScanFailure,
  ScanRequest,
  ScanResult,
} from './messages.js';

const EMULATOR_SCRIPT = fileURLToPath(new URL('./emulator-process.js', import.meta.url));
const SCAN_SCRIPT = fileURLToPath(new URL('./scan-process.js', import.meta.url));

/** Scans that run longer than this are stopped, so a stuck scan cannot hang the benchmark. */
const SCAN_TIMEOUT_MS = 10 * 60 * 1000;

/** The emulator process. It handles one request at a time and replies in order. */
export class EmulatorProcess {
  private readonly waiting: Array<(reply: EmulatorReply) => void> = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly ready: EmulatorReady,
  ) {}

  /** Forks the emulator process and resolves once it serves the generated organization. */
  static async start(request: Omit<EmulatorStartRequest, 'type'>): Promise<EmulatorProcess> {
    // An empty execArgv keeps options meant for the runner (such as --cpu-prof) out of the emulator.
    const child = fork(EMULATOR_SCRIPT, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    const ready = await new Promise<EmulatorReady>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`the emulator process exited with code ${code} before it was ready`)));
      child.once('message', (message: EmulatorReply) => {
        if (message.type === 'ready') resolve(message);
        else reject(new Error(`the emulator process sent ${message.type} instead of ready`));
      });
      child.send({ type: 'start', ...request } satisfies EmulatorRequest);
    });
    child.removeAllListeners('exit');
    child.removeAllListeners('error');
    const emulator = new EmulatorProcess(child, ready);
    child.on('message', (message: EmulatorReply) => emulator.waiting.shift()?.(message));
    return emulator;
  }

  private request<T extends EmulatorReply>(message: EmulatorRequest): Promise<T> {
    return new Promise<T>((resolve) => {
      this.waiting.push((reply) => resolve(reply as T));
      this.child.send(message);
    });
  }

  /** Clears the counters, the CPU measurement and the first-request time. */
  async reset(): Promise<void> {
    await this.request({ type: 'reset' });
  }

  stats(): Promise<EmulatorStats> {
    return this.request<EmulatorStats>({ type: 'stats' });
  }

  /** Closes the IPC channel, which makes the process close the emulator and exit. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    await exited;
  }
}

export interface ScanProcessOptions {
  /** File that receives the scan's stderr: its log lines and any warning. */
  logPath: string;
  /** Node options for the scan process, such as `--cpu-prof`. */
  execArgv?: string[];
}

/**
 * Runs one scan in a fresh process. Rejects when the scan throws, the process dies, or it runs past
 * the time limit.
 */
export async function runScanProcess(
  request: Omit<ScanRequest, 'type'>,
  options: ScanProcessOptions,
): Promise<ScanResult> {
  const log = await open(options.logPath, 'w');
  try {
    return await forkScan(request, log.fd, options.execArgv ?? []);
  } finally {
    await log.close();
  }
}

function forkScan(request: Omit<ScanRequest, 'type'>, logFd: number, execArgv: string[]): Promise<ScanResult> {
  // --expose-gc lets the scan process collect garbage once after the scan, before it measures its heap.
  const child = fork(SCAN_SCRIPT, [], { stdio: ['ignore', 'inherit', logFd, 'ipc'], execArgv: ['--expose-gc', ...execArgv] });
  return new Promise<ScanResult>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`the scan process ran longer than ${SCAN_TIMEOUT_MS} ms and was stopped`));
    }, SCAN_TIMEOUT_MS);
    child.once('message', (message: ScanResult | ScanFailure) => {
      settled = true;
      clearTimeout(timer);
      if (message.type === 'result') resolve(message);
      else reject(new Error(`the scan failed: ${message.message}`));
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!settled) reject(new Error(`the scan process exited with code ${code} (signal ${signal}) before its result`));
    });
    child.send({ type: 'run', ...request } satisfies ScanRequest);
  });
}
