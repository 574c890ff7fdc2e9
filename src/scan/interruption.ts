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

/** Returns the exit code of a run stopped by `signal`: 128 plus the signal number, as shells report it. */
export function exitCodeForSignal(signal: InterruptSignal): number {
  return signal === 'SIGINT' ? ExitCode.InterruptedBySigint : ExitCode.InterruptedBySigterm;
}

/**
 * The stop request of a run: whether one was made, and by which signal. The scan checks `requested`
 * before it starts each account. The CLI sets it from signal handlers, and tests call `request`.
 */
export class Interruption {
  private received: InterruptSignal | undefined;

  /** The first signal received, or undefined. */
  get signal(): InterruptSignal | undefined {
    return this.received;
  }

  get requested(): boolean {
    return this.received !== undefined;
  }

  /** Records a stop request. Only the first one counts, so `signal` stays the first signal received. */
  request(signal: InterruptSignal): void {
    this.received ??= signal;
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

/** What an interruption kept from running. */
export interface InterruptedWork {
  /** Accounts listed and in scope that were never started. */
  accountsNotStarted: number;
  /** Whether the listing of the organization was stopped before its end. */
  listingStopped: boolean;
}

/**
 * Marks a report as interrupted: incomplete, with the signal's exit code, and an `incompleteReason`
 * that names the signal and what was not done. An earlier reason, such as a failed listing, is kept
 * after the new one. A run interrupted after its last account started is still marked, because a
 * `--fix` run makes no writes once a stop is requested.
 */
export function markInterrupted(report: RunReport, signal: InterruptSignal, work: InterruptedWork): void {
  const reason = interruptionReason(signal, work);
  report.complete = false;
  report.incompleteReason = report.incompleteReason === undefined ? reason : `${reason} ${report.incompleteReason}`;
  report.exitCode = exitCodeForSignal(signal);
}

function interruptionReason(signal: InterruptSignal, work: InterruptedWork): string {
  const count = work.accountsNotStarted;
  if (count === 0 && !work.listingStopped) {
    return `Interrupted by ${signal} after every listed account had started; each of them was assessed.`;
  }
  const notStarted = count === 1 ? '1 listed account was not started' : `${count} listed accounts were not started`;
  if (work.listingStopped) {
    return `Interrupted by ${signal}: ${notStarted}, and accounts not yet listed were not assessed.`;
  }
  return `Interrupted by ${signal}: ${notStarted}.`;
}
