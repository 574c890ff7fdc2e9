/**
 * The waiting primitive that retries and pacing use. Tests pass their own, so backoff and rate limits
 * are checked without real waiting.
 */
import { setTimeout as delay } from 'node:timers/promises';

/** Resolves after `ms` milliseconds. */
export type Sleep = (ms: number) => Promise<void>;

export const realSleep: Sleep = async (ms) => {
  await delay(ms);
};
