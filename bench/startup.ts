/**
 * Times the CLI from process spawn to its first AWS call: `node dist/src/cli.js scan` is started with
 * credentials in the environment, and the emulator process notes when its first request arrives.
 * Both ends use `process.hrtime`, which reads the system's monotonic clock (CLOCK_MONOTONIC on Linux)
 * and so is comparable between processes of one machine.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EmulatorProcess } from './children.js';

const CLI_SCRIPT = fileURLToPath(new URL('../src/cli.js', import.meta.url));

/** Start-ups that take longer than this are stopped and reported as failed. */
const STARTUP_TIMEOUT_MS = 60_000;

export interface StartupTiming {
  /** Milliseconds from spawning the CLI to the emulator receiving its first request. */
  toFirstRequestMs: number;
  /** Milliseconds from spawning the CLI to its exit, the scan of the small organization included. */
  toExitMs: number;
  exitCode: number | null;
}

function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<{ exitCode: number | null; exitedAtNs: bigint }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_SCRIPT, ...args], { env, stdio: ['ignore', 'ignore', 'ignore'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the CLI did not exit within ${STARTUP_TIMEOUT_MS} ms`));
    }, STARTUP_TIMEOUT_MS);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ exitCode: code, exitedAtNs: process.hrtime.bigint() });
    });
  });
}

/**
 * Runs `ssm-role-audit scan` against `emulator` once and times it. The environment carries only what a
 * user's shell would need for this: the emulator's fake credentials, and no profile or metadata service.
 */
export async function timeStartup(emulator: EmulatorProcess, configPath: string, reportDir: string): Promise<StartupTiming> {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    AWS_ACCESS_KEY_ID: emulator.ready.credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: emulator.ready.credentials.secretAccessKey,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: join(reportDir, 'no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(reportDir, 'no-aws-credentials'),
  };
  const args = [
    'scan',
    '--endpoint-url',
    emulator.ready.url,
    '--region',
    emulator.ready.region,
    '--config',
    configPath,
    '--report-dir',
    reportDir,
    '--log-level',
    'warn',
  ];

  await emulator.reset();
  const spawnedAtNs = process.hrtime.bigint();
  const { exitCode, exitedAtNs } = await runCli(args, env);
  const stats = await emulator.stats();
  if (stats.firstRequestAtNs === undefined) {
    throw new Error(`the CLI exited with code ${exitCode} without calling the emulator`);
  }
  return {
    toFirstRequestMs: Number(BigInt(stats.firstRequestAtNs) - spawnedAtNs) / 1e6,
    toExitMs: Number(exitedAtNs - spawnedAtNs) / 1e6,
    exitCode,
  };
}

/** Milliseconds that `node -e ""` takes from spawn to exit: the part of start-up that no import change can cut. */
export async function timeBareNode(): Promise<number> {
  const spawnedAtNs = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
    child.once('error', reject);
    child.once('exit', () => resolve());
  });
  return Number(process.hrtime.bigint() - spawnedAtNs) / 1e6;
}
