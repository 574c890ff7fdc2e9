/**
 * Stopping a run early on SIGINT or SIGTERM without losing what was done: the scan stops starting
 * accounts, lets the accounts in progress finish (with `--fix`, their writes and journal entries), and
 * writes a report marked interrupted. A second signal ends the process at once.
 */
import { ExitCode } from '../exit-codes.js';
import type { Logger } from '../log/logger.js';
import type { RunReport } from '../model.js';

export type InterruptSignal = 'SIGINT' | 'SIGTERM';

export const INTERRUPT_SIGNALS: readonly InterruptSignal[] = ['SIGINT', 'SIGTERM'];

/** The exit code of a run stopped by `signal`: 128 plus the signal number, as shells report it. */
export function exitCodeForSignal(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? ExitCode.InterruptedBySigint : ExitCode.InterruptedBySigterm;
}

/**
 * Whether the run was asked to stop, and by which signal. The scan checks `requested` before it starts
 * each account; the CLI sets it from signal handlers, and tests call `request` directly.
 */
export class Interruption {
  private received: InterruptSignal | undefined;
  private readonly listeners: ((signal: InterruptSignal) => void)[] = [];

  /** The first signal received, or undefined. */
  get signal(): InterruptSignal | undefined {
    return this.received;
  }

  get requested(): boolean {
    return this.received !== undefined;
  }

  /** Records a stop request. Only the first one counts; later ones keep the first signal. */
  request(signal: InterruptSignal): void {
    if (this.received !== undefined) return;
    this.received = signal;
    for (const listener of this.listeners) listener(signal);
  }

  /** Calls `listener` once when a stop is requested. */
  onRequest(listener: (signal: InterruptSignal) => void): void {
    this.listeners.push(listener);
  }
}

export interface SignalHandlerOptions {
  logger?: Logger;
  /** Called on the second signal; ends the process with that signal's exit code by default. */
  onRepeat?: (signal: InterruptSignal) => void;
}

/**
 * Installs SIGINT and SIGTERM handlers on `process` that request the interruption, and returns a
 * function that removes them. While they are installed, Node.js no longer ends the process on those
 * signals itself, so the run must check the interruption.
 */
export function installSignalHandlers(interruption: Interruption, options: SignalHandlerOptions = {}): () => void {
  const onRepeat =
    options.onRepeat ??
    ((signal: InterruptSignal) => {
      process.exit(exitCodeForSignal(signal));
    });
  const handlers = INTERRUPT_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (interruption.requested) {
        options.logger?.warn({ signal }, `received ${signal} again; stopping at once without a report`);
        onRepeat(signal);
        return;
      }
      options.logger?.warn(
        { signal },
        `received ${signal}; finishing the accounts in progress and starting no new ones (send it again to stop at once)`,
      );
      interruption.request(signal);
    };
    process.on(signal, handler);
    return { signal, handler };
  });
  return () => {
    for (const { signal, handler } of handlers) process.off(signal, handler);
  };
}

/**
 * Marks a report as interrupted: incomplete, with the signal and the number of listed accounts that
 * were never started in `incompleteReason`, and the signal's exit code. An earlier reason, such as a
 * failed listing, is kept after the new one.
 */
export function markInterrupted(report: RunReport, signal: InterruptSignal, accountsNotStarted: number): void {
  const notStarted =
    accountsNotStarted === 1 ? '1 listed account was not started' : `${accountsNotStarted} listed accounts were not started`;
  const reason = `Interrupted by ${signal}: ${notStarted}, and accounts not yet listed were not assessed.`;
  report.complete = false;
  report.incompleteReason = report.incompleteReason === undefined ? reason : `${reason} ${report.incompleteReason}`;
  report.exitCode = exitCodeForSignal(signal);
}
