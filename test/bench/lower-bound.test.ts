import { describe, expect, it } from 'vitest';
import { lowerBound, type LowerBoundInput } from '../../bench/lower-bound.js';

const base: LowerBoundInput = {
  accounts: 10_000,
  latencyMs: 20,
  concurrency: 64,
  organizationsRatePerSecond: 50,
  organizationsBurst: 50,
  readsTags: false,
};

describe('lowerBound', () => {
  it('spreads the account calls over the concurrency', () => {
    const bound = lowerBound(base);

    // 9,999 AssumeRole + 3 x 10,000 IAM reads, 20 ms each, 64 at a time, after the first page.
    expect(bound.accountCalls).toBe(39_999);
    expect(bound.assessmentPathMs).toBeCloseTo(20 + (39_999 * 20) / 64, 6);
    expect(bound.totalMs).toBe(bound.assessmentPathMs);
  });

  it('counts 20 accounts a listing page', () => {
    expect(lowerBound(base).listingPages).toBe(500);
    expect(lowerBound({ ...base, accounts: 1001 }).listingPages).toBe(51);
  });

  it('is bound by the listing when the rate is low', () => {
    const bound = lowerBound({ ...base, organizationsRatePerSecond: 5, organizationsBurst: 5 });

    // 495 pages after the burst at 5 a second, the last page's latency, then AssumeRole and IAM.
    expect(bound.organizationsPathMs).toBeCloseTo(99_000 + 20 + 40, 6);
    expect(bound.totalMs).toBe(bound.organizationsPathMs);
  });

  it('is bound by sequential pages at high rates', () => {
    const bound = lowerBound({ ...base, concurrency: 512, organizationsRatePerSecond: 1000, organizationsBurst: 1000 });

    expect(bound.organizationsPathMs).toBe(500 * 20 + 40);
  });

  it('adds one tag read per account', () => {
    const bound = lowerBound({ ...base, accounts: 1000, readsTags: true });

    expect(bound.accountCalls).toBe(999 + 3000 + 1000);
    // 50 pages and 1,000 tag reads, 50 of them in the burst, then 50 a second.
    expect(bound.organizationsPathMs).toBeCloseTo(20_000 + 20 + 40, 6);
  });

  it('has no AssumeRole for a lone management account', () => {
    const bound = lowerBound({ ...base, accounts: 1 });

    expect(bound.accountCalls).toBe(3);
    expect(bound.organizationsPathMs).toBe(20 + 20);
  });

  it('rejects invalid input', () => {
    expect(() => lowerBound({ ...base, accounts: 0 })).toThrow(/accounts/);
    expect(() => lowerBound({ ...base, concurrency: 0 })).toThrow(/concurrency/);
    expect(() => lowerBound({ ...base, latencyMs: -1 })).toThrow(/latencyMs/);
    expect(() => lowerBound({ ...base, organizationsRatePerSecond: 0 })).toThrow(/organizationsRatePerSecond/);
  });
});
