/**
 * The retry strategy of every AWS client of the tool: capped exponential backoff with full jitter,
 * retrying throttling, timeouts, dropped connections and 500, 502, 503 and 504 responses up to
 * `maxAttempts`.
 *
 * It follows the SDK's standard mode (`StandardRetryStrategy` in `@smithy/core` 3.41). The SDK's retry
 * middleware classifies each error before it calls this strategy. There are two differences:
 * - the wait goes through an injected `sleep`, so tests of throttling and outages take no real time;
 * - there is no retry quota. The SDK's standard mode stops retrying once a client has spent 500 quota
 *   units (5 per throttling retry, 14 per other retry) until successes refill it. The STS and
 *   Organizations clients are shared by every account of a run, so one busy minute of throttling
 *   would otherwise make the remaining accounts fail without a retry. The number of requests in flight
 *   is bounded by `--concurrency` instead, and each retry waits longer than the last.
 */
import type { RetryErrorInfo, RetryErrorType, RetryStrategyV2, RetryToken } from '@smithy/types';
import { describeAwsError } from './aws-error.js';
import { realSleep, type Sleep } from './timing.js';

/**
 * Backoff base of timeouts and server errors, the SDK's `DEFAULT_RETRY_DELAY_BASE`. (The standard mode
 * of @smithy/core 3.41 starts lower, at 50 ms.)
 */
export const DEFAULT_BASE_DELAY_MS = 100;
/**
 * Backoff base of throttling errors, the SDK's `THROTTLING_RETRY_DELAY_BASE`. It is longer than the
 * base for other errors because a throttled service needs time before it takes more requests. (The
 * standard mode of @smithy/core 3.41 uses 1,000 ms.)
 */
export const DEFAULT_THROTTLING_BASE_DELAY_MS = 500;
/** The maximum single wait, the SDK's `MAXIMUM_RETRY_DELAY`. */
export const DEFAULT_MAX_DELAY_MS = 20_000;
/** How far past the computed backoff a `Retry-After` hint may push the wait, as in the SDK. */
const MAX_RETRY_AFTER_EXTENSION_MS = 5_000;

/** One retry about to happen, for logs and counters. */
export interface RetryEvent {
  /** `THROTTLING`, or `TRANSIENT` for timeouts, dropped connections and 500, 502, 503 and 504. */
  errorType: RetryErrorType;
  /** The AWS error code or Node.js error code of the failed attempt. */
  errorCode: string;
  httpStatus?: number;
  requestId?: string;
  /** The number of the attempt about to be made: 2 for the first retry. */
  nextAttempt: number;
  delayMs: number;
}

export interface RetryPolicy {
  /** Attempts per call, the first one included. */
  maxAttempts: number;
  baseDelayMs?: number;
  throttlingBaseDelayMs?: number;
  maxDelayMs?: number;
  sleep?: Sleep;
  /** Source of jitter in [0, 1); `Math.random` by default. */
  random?: () => number;
  onRetry?: (event: RetryEvent) => void;
}

class AttemptToken implements RetryToken {
  constructor(private readonly retries: number) {}

  getRetryCount(): number {
    return this.retries;
  }

  /** Zero, because the strategy waits before it returns the token. */
  getRetryDelay(): number {
    return 0;
  }
}

/**
 * The error types worth another attempt, as in the SDK's standard mode. Client errors (4xx other than
 * throttling) are not, and neither are other 5xx responses such as 501 Not Implemented.
 */
const RETRYABLE: ReadonlySet<RetryErrorType> = new Set<RetryErrorType>(['THROTTLING', 'TRANSIENT']);

/**
 * A `RetryStrategyV2` for the SDK clients' `retryStrategy` setting. Throws a TypeError when
 * `maxAttempts` is not a whole number from 1 up.
 */
export class BackoffRetryStrategy implements RetryStrategyV2 {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly throttlingBaseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly onRetry?: (event: RetryEvent) => void;

  constructor(policy: RetryPolicy) {
    if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
      throw new TypeError(`maxAttempts must be a whole number of at least 1; got ${policy.maxAttempts}`);
    }
    this.maxAttempts = policy.maxAttempts;
    this.baseDelayMs = policy.baseDelayMs ?? DEFAULT_BASE_DELAY_MS;
    this.throttlingBaseDelayMs = policy.throttlingBaseDelayMs ?? DEFAULT_THROTTLING_BASE_DELAY_MS;
    this.maxDelayMs = policy.maxDelayMs ?? DEFAULT_MAX_DELAY_MS;
    this.sleep = policy.sleep ?? realSleep;
    this.random = policy.random ?? Math.random;
    this.onRetry = policy.onRetry;
  }

  acquireInitialRetryToken(): Promise<RetryToken> {
    return Promise.resolve(new AttemptToken(0));
  }

  /**
   * Waits, then returns the token of the next attempt. Throws when the error is not retryable or the
   * attempts are used up, and the retry middleware then throws the call's own error.
   */
  async refreshRetryTokenForRetry(token: RetryToken, errorInfo: RetryErrorInfo): Promise<RetryToken> {
    const retries = token.getRetryCount();
    if (!RETRYABLE.has(errorInfo.errorType)) {
      throw new Error(`Not retried: ${errorInfo.errorType}`);
    }
    if (retries + 1 >= this.maxAttempts) {
      throw new Error(`Not retried: all ${this.maxAttempts} attempts used`);
    }

    const delayMs = this.delayFor(retries, errorInfo);
    const described = describeAwsError(errorInfo.error);
    this.onRetry?.({
      errorType: errorInfo.errorType,
      errorCode: described.code,
      ...(described.httpStatus === undefined ? {} : { httpStatus: described.httpStatus }),
      ...(described.requestId === undefined ? {} : { requestId: described.requestId }),
      nextAttempt: retries + 2,
      delayMs,
    });
    await this.sleep(delayMs);
    return new AttemptToken(retries + 1);
  }

  recordSuccess(): void {
    // No retry quota to refill; see the file comment.
  }

  /** Full jitter: a random wait up to base * 2^retries, capped, and at least a `Retry-After` hint. */
  private delayFor(retries: number, errorInfo: RetryErrorInfo): number {
    const base = errorInfo.errorType === 'THROTTLING' ? this.throttlingBaseDelayMs : this.baseDelayMs;
    const backoff = Math.floor(this.random() * Math.min(base * 2 ** retries, this.maxDelayMs));
    if (!(errorInfo.retryAfterHint instanceof Date)) return backoff;
    const hinted = errorInfo.retryAfterHint.getTime() - Date.now();
    return Math.max(backoff, Math.min(hinted, backoff + MAX_RETRY_AFTER_EXTENSION_MS));
  }
}
