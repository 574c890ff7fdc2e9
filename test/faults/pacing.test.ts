import type { ListAccountsCommandOutput } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import type { OrganizationsApi } from '../../src/aws/api.js';
import { pacedOrganizations, TokenBucket } from '../../src/aws/pacing.js';
import { realSleep } from '../../src/aws/timing.js';
import { emulatorLauncher } from '../emulator/helpers.js';
import { faultOrg, scanWithFaults } from './helpers.js';

const launch = emulatorLauncher();

/** Creates a clock that only moves when the code under test sleeps. */
function fakeClock(): { now: () => number; sleep: (ms: number) => Promise<void> } {
  let time = 0;
  return {
    now: () => time,
    sleep: (ms) => {
      time += ms;
      return Promise.resolve();
    },
  };
}

/** Creates an Organizations fake whose ListAccounts records when each call started and how many overlapped. */
function recordingOrganizations(clock: { now: () => number }): {
  api: OrganizationsApi;
  starts: number[];
  maxInFlight: () => number;
} {
  const starts: number[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const listAccounts = async (): Promise<ListAccountsCommandOutput> => {
    starts.push(clock.now());
    inFlight += 1;
    maxInFlight = Math.max(maxInFlight, inFlight);
    await new Promise((resolve) => setImmediate(resolve));
    inFlight -= 1;
    return { Accounts: [], $metadata: {} };
  };
  const unused = (): never => {
    throw new Error('not used by this test');
  };
  return {
    api: {
      describeOrganization: unused,
      listAccounts,
      listRoots: unused,
      listOrganizationalUnitsForParent: unused,
      listAccountsForParent: unused,
      listTagsForResource: unused,
    },
    starts,
    maxInFlight: () => maxInFlight,
  };
}

describe('Organizations pacing', () => {
  it('starts a burst at once, then one call per interval', async () => {
    const clock = fakeClock();
    const recorder = recordingOrganizations(clock);
    const paced = pacedOrganizations(recorder.api, { ratePerSecond: 4, burst: 2, ...clock });

    await Promise.all(Array.from({ length: 6 }, () => paced.listAccounts({})));

    expect(recorder.starts).toEqual([0, 0, 250, 500, 750, 1000]);
  });

  it('keeps one call in flight', async () => {
    const clock = fakeClock();
    const recorder = recordingOrganizations(clock);
    const paced = pacedOrganizations(recorder.api, { ratePerSecond: 100, burst: 100, ...clock });

    await Promise.all(Array.from({ length: 10 }, () => paced.listAccounts({})));

    expect(recorder.starts).toHaveLength(10);
    expect(recorder.maxInFlight()).toBe(1);
  });

  it('a failed call releases its turn', async () => {
    const clock = fakeClock();
    const recorder = recordingOrganizations(clock);
    const failing: OrganizationsApi = {
      ...recorder.api,
      listRoots: () => Promise.reject(new Error('TooManyRequestsException')),
    };
    const paced = pacedOrganizations(failing, { ratePerSecond: 10, ...clock });

    await expect(paced.listRoots({})).rejects.toThrow('TooManyRequestsException');
    await paced.listAccounts({});

    expect(recorder.starts).toEqual([0]);
  });

  it.each([
    [{ ratePerSecond: 0 }, 'ratePerSecond must be a positive number of calls per second; got 0'],
    [{ ratePerSecond: Number.NaN }, 'ratePerSecond must be a positive number of calls per second; got NaN'],
    [{ ratePerSecond: 5, burst: 0 }, 'burst must be a whole number of at least 1; got 0'],
  ])('rejects %o', (options, message) => {
    expect(() => new TokenBucket(options)).toThrow(new TypeError(message));
  });

  it('a paced scan stays under the emulator rate limit', async () => {
    // The default config reads every account's tags (its overrides match on tags), so 24 members
    // mean 28 Organizations calls, while the emulator allows 20 a second with a burst of 10. The scan
    // starts 10 a second with a burst of 10.
    const emulator = await launch({ org: faultOrg({ members: 24 }), organizationsRateLimit: { perSecond: 20, burst: 10 } });

    const run = await scanWithFaults(emulator, { scan: { organizationsRatePerSecond: 10 } });

    expect(emulator.callCount({ service: 'organizations', operation: 'ListTagsForResource' })).toBe(25);
    const organizationsErrors = emulator
      .calls()
      .filter((record) => record.service === 'organizations')
      .reduce((sum, record) => sum + record.errors, 0);
    expect(organizationsErrors).toBe(0);
    expect(run.report.apiCalls.retries).toBe(0);
    expect(run.report.exitCode).toBe(0);
  });

  it('an unpaced scan meets the same limit', async () => {
    // Control for the test above: without pacing the same scan is throttled and has to retry.
    const emulator = await launch({ org: faultOrg({ members: 24 }), organizationsRateLimit: { perSecond: 20, burst: 10 } });

    const run = await scanWithFaults(emulator, {
      scan: { organizationsRatePerSecond: 100_000 },
      aws: { maxAttempts: 20, retrySleep: () => realSleep(50) },
    });

    expect(run.report.apiCalls.retries).toBeGreaterThan(0);
    expect(run.report.exitCode).toBe(0);
  });
});
