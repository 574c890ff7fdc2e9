/**
 * Paces AWS Organizations calls. AWS publishes no request rates for Organizations and throttles with
 * `TooManyRequestsException`. The scan therefore keeps its own rate low instead of relying on retries:
 * one call in flight at a time, and a token bucket that lets `burst` calls start at once and then
 * `ratePerSecond` calls a second.
 */
import type { OrganizationsApi } from './api.js';
import { realSleep, type Sleep } from './timing.js';

/**
 * Organizations calls a second when `--organizations-rate` is not given.
 * NOTE: an estimate. AWS publishes no rate for these operations ("Quotas and service limits for AWS
 * Organizations" lists none), and 5 a second is low enough that a scan rarely meets throttling even
 * while other tools use the organization's API.
 */
export const DEFAULT_ORGANIZATIONS_RATE_PER_SECOND = 5;

export interface PacingOptions {
  /** Calls that may start per second once the burst is used. */
  ratePerSecond: number;
  /** Calls that may start at once after an idle period; defaults to `ratePerSecond`, at least 1. */
  burst?: number;
  /** Clock in milliseconds, `performance.now` by default because no change of the system time moves it. */
  now?: () => number;
  sleep?: Sleep;
}

/** A token bucket with an injected clock: `take()` resolves when a call may start. */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly ratePerSecond: number;
  private readonly burst: number;
  private readonly now: () => number;
  private readonly sleep: Sleep;

  /** Throws a TypeError for a rate that is not a positive finite number or a burst below 1. */
  constructor(options: PacingOptions) {
    const { ratePerSecond } = options;
    if (!(Number.isFinite(ratePerSecond) && ratePerSecond > 0)) {
      throw new TypeError(`ratePerSecond must be a positive number of calls per second; got ${ratePerSecond}`);
    }
    const burst = options.burst ?? Math.max(1, Math.floor(ratePerSecond));
    if (!(Number.isInteger(burst) && burst >= 1)) {
      throw new TypeError(`burst must be a whole number of at least 1; got ${burst}`);
    }
    this.ratePerSecond = ratePerSecond;
    this.burst = burst;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? realSleep;
    this.tokens = burst;
    this.last = this.now();
  }

  /** Waits until a token is available and takes it. Calls must not overlap, which `pacedOrganizations` ensures. */
  async take(): Promise<void> {
    this.refill();
    while (this.tokens < 1) {
      await this.sleep(Math.ceil(((1 - this.tokens) / this.ratePerSecond) * 1000));
      this.refill();
    }
    this.tokens -= 1;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.ratePerSecond);
    this.last = now;
  }
}

/** Runs calls one at a time, each after a token of the bucket; views that share one share the rate. */
export type Pacer = <T>(call: () => Promise<T>) => Promise<T>;

/** Creates a pacer with its own token bucket. */
export function createPacer(options: PacingOptions): Pacer {
  const bucket = new TokenBucket(options);
  let queue: Promise<unknown> = Promise.resolve();
  return <T>(call: () => Promise<T>): Promise<T> => {
    const turn = queue.then(async () => {
      await bucket.take();
      return call();
    });
    // The next call waits for this one to settle, whether it succeeded or failed.
    queue = turn.catch(() => undefined);
    return turn;
  };
}

/**
 * Wraps an Organizations client so that its calls run one at a time, each after a token of the bucket.
 * A call that fails still releases its turn, and its retries (made inside the SDK call) keep the turn,
 * so a throttled call backs off while the others wait behind it.
 */
export function pacedOrganizations(api: OrganizationsApi, pacing: PacingOptions | Pacer): OrganizationsApi {
  const paced = typeof pacing === 'function' ? pacing : createPacer(pacing);

  return {
    describeOrganization: () => paced(() => api.describeOrganization()),
    listAccounts: (input) => paced(() => api.listAccounts(input)),
    listRoots: (input) => paced(() => api.listRoots(input)),
    listOrganizationalUnitsForParent: (input) => paced(() => api.listOrganizationalUnitsForParent(input)),
    listAccountsForParent: (input) => paced(() => api.listAccountsForParent(input)),
    listTagsForResource: (input) => paced(() => api.listTagsForResource(input)),
  };
}
