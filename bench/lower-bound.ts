/**
 * The lower bound of a scan's wall time for a compliant organization, from the API calls that a
 * complete assessment cannot avoid. Every call is taken to cost exactly the emulator's latency and
 * no CPU time, so a real run can only come close to it from above.
 */

/** Accounts per `ListAccounts` page: 20, the maximum `MaxResults` of the Organizations API reference. */
export const LISTING_PAGE_SIZE = 20;

export interface LowerBoundInput {
  /** Accounts in the organization, the management account included. */
  accounts: number;
  /** Milliseconds each call costs. */
  latencyMs: number;
  /** Accounts assessed at the same time. */
  concurrency: number;
  /** Organizations calls a second that the tool and the emulator allow; `Infinity` for no limit. */
  organizationsRatePerSecond: number;
  /** Organizations calls that may start at once before the rate applies. */
  organizationsBurst: number;
  /** The config has tag overrides, so every account also costs one `ListTagsForResource` call. */
  readsTags: boolean;
}

export interface LowerBound {
  /** The bound itself: the larger of the two paths below. */
  totalMs: number;
  /**
   * Calls made for single accounts: AssumeRole (member accounts only), GetRole, the two list calls,
   * and ListTagsForResource when tags are read.
   */
  accountCalls: number;
  listingPages: number;
  /** First listing page, then every account call spread over the concurrency. */
  assessmentPathMs: number;
  /**
   * Every listing page one after the other, every Organizations call within the rate, then the last
   * account's own calls.
   */
  organizationsPathMs: number;
}

/**
 * Computes the bound as the longer of two paths that every complete scan must follow:
 * - assessment path: no account can start before the first listing page, and then the account calls
 *   (one `AssumeRole` per member account, one `GetRole`, `ListAttachedRolePolicies` and
 *   `ListRolePolicies` per account, and `ListTagsForResource` when tags are read) cost the latency
 *   each, spread over `concurrency` accounts at a time;
 * - Organizations path: the listing pages come one after another (each needs the previous page's
 *   `NextToken`), and at most `burst + rate x time` Organizations calls (pages and tag reads) can
 *   start in `time`; the accounts of the last page still need `AssumeRole` and then the IAM reads,
 *   two latencies.
 * Setup calls (`GetCallerIdentity`, `DescribeOrganization`) are left out, because they could overlap
 * the first listing page.
 */
export function lowerBound(input: LowerBoundInput): LowerBound {
  const { accounts, latencyMs, concurrency } = input;
  if (!(Number.isInteger(accounts) && accounts >= 1)) throw new TypeError(`Invalid accounts ${accounts}; expected an integer >= 1`);
  if (!(latencyMs >= 0)) throw new TypeError(`Invalid latencyMs ${latencyMs}; expected a number >= 0`);
  if (!(Number.isInteger(concurrency) && concurrency >= 1)) {
    throw new TypeError(`Invalid concurrency ${concurrency}; expected an integer >= 1`);
  }
  if (!(input.organizationsRatePerSecond > 0)) {
    throw new TypeError(`Invalid organizationsRatePerSecond ${input.organizationsRatePerSecond}; expected a number > 0`);
  }

  const memberAccounts = accounts - 1;
  const tagCalls = input.readsTags ? accounts : 0;
  const accountCalls = memberAccounts + 3 * accounts + tagCalls;
  const listingPages = Math.ceil(accounts / LISTING_PAGE_SIZE);

  const assessmentPathMs = latencyMs + (accountCalls * latencyMs) / concurrency;

  const organizationsCalls = listingPages + tagCalls;
  const callsAfterBurst = Math.max(0, organizationsCalls - input.organizationsBurst);
  const lastCallStartMs = (callsAfterBurst / input.organizationsRatePerSecond) * 1000;
  const organizationsMs = Math.max(listingPages * latencyMs, lastCallStartMs + latencyMs);
  const lastAccountMs = (memberAccounts > 0 ? 2 : 1) * latencyMs;
  const organizationsPathMs = organizationsMs + lastAccountMs;

  return {
    totalMs: Math.max(assessmentPathMs, organizationsPathMs),
    accountCalls,
    listingPages,
    assessmentPathMs,
    organizationsPathMs,
  };
}
