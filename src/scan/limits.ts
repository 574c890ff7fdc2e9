/**
 * Defaults of the scan's time limits, in a module without dependencies so the CLI can show them in
 * its help without loading the scan.
 */

/**
 * Seconds one account may take when `--account-timeout` is not given. An account makes about five
 * calls, each bounded by `--max-attempts` and `--request-timeout`, so five minutes leaves room for
 * long throttling backoff while a stuck account still frees its concurrency slot.
 */
export const DEFAULT_ACCOUNT_TIMEOUT_SECONDS = 300;
