import { CallCounter } from '../aws/api.js';
import type { AccountResult } from '../model.js';

/**
 * Returns a counter with the run's calls and retries plus the retries of every account, for the
 * report's `apiCalls.retries`. The accounts' calls are not added, because the report sums those from
 * each account's `apiCalls` itself.
 */
export function withAccountRetries(runCounter: CallCounter, results: Iterable<AccountResult>): CallCounter {
  const total = new CallCounter();
  total.add(runCounter);
  for (const result of results) total.retries += result.apiRetries ?? 0;
  return total;
}
