/**
 * Fault injection and rate limiting. Fault rules make chosen calls fail the way AWS and networks fail:
 * throttling, server errors, latency, hung or dropped connections. Each rule has its own seeded random
 * generator, so probabilistic faults repeat between test runs.
 */
import type { ServiceName } from './protocol.js';

/**
 * One fault to inject into matching calls. Unset filters match every call. Kinds:
 * - `throttle`: the service's throttling error (`Throttling` 400 for IAM and STS,
 *   `TooManyRequestsException` 400 for Organizations);
 * - `error`: `code` with `httpStatus` (default 500) and `message`;
 * - `latency`: waits `latencyMs`, then handles the call normally;
 * - `hang`: never responds, and the connection stays open until the client gives up or the emulator closes;
 * - `drop`: destroys the connection without a response.
 */
export interface FaultRule {
  service?: ServiceName;
  operation?: string;
  /** The account the signing credentials belong to. */
  accountId?: string;
  kind: 'throttle' | 'error' | 'latency' | 'hang' | 'drop';
  /** Chance (0-1) that a matching call gets the fault, 1 by default. */
  probability?: number;
  /** How many calls get the fault before the rule is used up. Unlimited by default. */
  times?: number;
  latencyMs?: number;
  code?: string;
  httpStatus?: number;
  message?: string;
}

/** The call a fault is chosen for. */
export interface CallKey {
  service: ServiceName;
  operation: string;
  accountId?: string;
}

/** The faults chosen for one call: a delay, then at most one terminal fault. */
export interface FaultDecision {
  delayMs: number;
  terminal?: FaultRule;
}

interface ActiveRule {
  rule: FaultRule;
  remaining: number;
  random: () => number;
}

/** Mulberry32, a small and fast seeded generator. It is good enough for choosing faults, not for security. */
export function seededRandom(seed: number): () => number {
  let value = seed >>> 0;
  return () => {
    value = (value + 0x6d2b79f5) >>> 0;
    let mixed = value;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function validateRule(rule: FaultRule): void {
  const kinds = ['throttle', 'error', 'latency', 'hang', 'drop'];
  if (!kinds.includes(rule.kind)) {
    throw new TypeError(`Invalid fault rule kind ${JSON.stringify(rule.kind)}; expected one of ${kinds.join(', ')}`);
  }
  if (rule.probability !== undefined && !(rule.probability >= 0 && rule.probability <= 1)) {
    throw new TypeError(`Invalid fault rule probability ${rule.probability}; expected a number from 0 to 1`);
  }
  if (rule.times !== undefined && !(Number.isInteger(rule.times) && rule.times > 0)) {
    throw new TypeError(`Invalid fault rule times ${rule.times}; expected a positive integer`);
  }
  if (rule.kind === 'latency' && !(typeof rule.latencyMs === 'number' && rule.latencyMs >= 0)) {
    throw new TypeError('A latency fault rule needs latencyMs, a number of milliseconds >= 0');
  }
  if (rule.kind === 'error' && (typeof rule.code !== 'string' || rule.code === '')) {
    throw new TypeError('An error fault rule needs code, the AWS error code to send (for example ServiceFailure)');
  }
  if (rule.httpStatus !== undefined && !(Number.isInteger(rule.httpStatus) && rule.httpStatus >= 400 && rule.httpStatus <= 599)) {
    throw new TypeError(`Invalid fault rule httpStatus ${rule.httpStatus}; expected an integer from 400 to 599`);
  }
}

/** The fault rules of one emulator, applied in the order they were added. */
export class FaultRegistry {
  private rules: ActiveRule[] = [];
  private readonly seed: number;
  private added = 0;

  constructor(seed: number) {
    this.seed = seed;
  }

  /** Adds a rule and returns a function that removes it. Raises TypeError for an invalid rule. */
  add(rule: FaultRule): () => void {
    validateRule(rule);
    const active: ActiveRule = {
      rule: { ...rule },
      remaining: rule.times ?? Number.POSITIVE_INFINITY,
      random: seededRandom(this.seed + this.added++),
    };
    this.rules.push(active);
    return () => {
      this.rules = this.rules.filter((candidate) => candidate !== active);
    };
  }

  clear(): void {
    this.rules = [];
  }

  /**
   * Chooses the faults for a call. Latency rules add up, and the first terminal rule that fires ends the
   * search. A rule's `times` counts only the calls it fired on.
   */
  decide(call: CallKey): FaultDecision {
    const decision: FaultDecision = { delayMs: 0 };
    if (this.rules.length === 0) {
      return decision;
    }
    for (const active of this.rules) {
      const { rule } = active;
      if (active.remaining <= 0) {
        continue;
      }
      if (rule.service !== undefined && rule.service !== call.service) {
        continue;
      }
      if (rule.operation !== undefined && rule.operation !== call.operation) {
        continue;
      }
      if (rule.accountId !== undefined && rule.accountId !== call.accountId) {
        continue;
      }
      if (rule.probability !== undefined && active.random() >= rule.probability) {
        continue;
      }
      active.remaining--;
      if (rule.kind === 'latency') {
        decision.delayMs += rule.latencyMs ?? 0;
        continue;
      }
      decision.terminal = rule;
      break;
    }
    this.rules = this.rules.filter((active) => active.remaining > 0);
    return decision;
  }
}

/**
 * A token bucket: `burst` calls at once, refilled at `perSecond`. Uses the monotonic clock, not the
 * emulator's injectable clock, so a frozen credential clock does not stop the refill.
 */
export class TokenBucket {
  private tokens: number;
  private last: number;
  private readonly perSecond: number;
  private readonly burst: number;

  constructor(options: { perSecond: number; burst: number }) {
    if (!(options.perSecond > 0) || !(options.burst >= 1)) {
      throw new TypeError(
        `Invalid organizationsRateLimit ${JSON.stringify(options)}; expected perSecond > 0 and burst >= 1`,
      );
    }
    this.perSecond = options.perSecond;
    this.burst = options.burst;
    this.tokens = options.burst;
    this.last = performance.now();
  }

  /** Takes one token. Returns false when none is left. */
  take(): boolean {
    const now = performance.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.last) / 1000) * this.perSecond);
    this.last = now;
    if (this.tokens < 1) {
      return false;
    }
    this.tokens -= 1;
    return true;
  }
}
