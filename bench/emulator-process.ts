/**
 * Child process that serves a generated organization from the local AWS emulator, so the emulator's
 * CPU time is measured apart from the tool's. The benchmark runner drives it over the IPC channel of
 * `child_process.fork` with the messages in `messages.ts`.
 */
import { subscribe } from 'node:diagnostics_channel';
import { generateOrg, startEmulator, type Emulator } from '../src/emulator/index.js';
import type { EmulatorReply, EmulatorRequest, OperationCalls } from './messages.js';

let emulator: Emulator | undefined;
let cpuAtReset = process.cpuUsage();
let firstRequestAtNs: bigint | undefined;

// Node publishes every incoming HTTP request on this channel (Node.js 20 `diagnostics_channel` docs,
// "Built-in Channels"), which times the first request without touching the emulator's code.
subscribe('http.server.request.start', () => {
  firstRequestAtNs ??= process.hrtime.bigint();
});

function reply(message: EmulatorReply): void {
  process.send!(message);
}

function sumByOperation(): OperationCalls[] {
  const byOperation = new Map<string, OperationCalls>();
  for (const record of emulator!.calls()) {
    const key = `${record.service} ${record.operation}`;
    const entry = byOperation.get(key) ?? { service: record.service, operation: record.operation, count: 0, errors: 0 };
    entry.count += record.count;
    entry.errors += record.errors;
    byOperation.set(key, entry);
  }
  return [...byOperation.values()];
}

async function handle(request: EmulatorRequest): Promise<void> {
  switch (request.type) {
    case 'start': {
      const started = performance.now();
      emulator = await startEmulator({
        org: generateOrg({ accounts: request.accounts }),
        latencyMs: request.latencyMs,
        ...(request.organizationsRateLimit ? { organizationsRateLimit: request.organizationsRateLimit } : {}),
      });
      reply({
        type: 'ready',
        url: emulator.url,
        region: emulator.region,
        credentials: {
          accessKeyId: emulator.callerCredentials.accessKeyId,
          secretAccessKey: emulator.callerCredentials.secretAccessKey,
        },
        setupMs: performance.now() - started,
      });
      return;
    }
    case 'reset': {
      emulator!.resetCalls();
      firstRequestAtNs = undefined;
      cpuAtReset = process.cpuUsage();
      reply({ type: 'reset-done' });
      return;
    }
    case 'stats': {
      const cpu = process.cpuUsage(cpuAtReset);
      reply({
        type: 'stats',
        calls: sumByOperation(),
        cpu: { userMs: cpu.user / 1000, systemMs: cpu.system / 1000 },
        ...(firstRequestAtNs === undefined ? {} : { firstRequestAtNs: firstRequestAtNs.toString() }),
      });
      return;
    }
  }
}

if (!process.send) {
  console.error('bench/emulator-process.js runs only as a child of the benchmark runner (child_process.fork).');
  process.exit(2);
}

process.on('message', (message: EmulatorRequest) => {
  handle(message).catch((error: unknown) => {
    console.error('benchmark emulator process failed:', error);
    process.exit(1);
  });
});

// The runner closes the channel when it is done or dies; the emulator must not outlive it.
process.on('disconnect', () => {
  void (emulator?.close() ?? Promise.resolve()).finally(() => process.exit(0));
});
