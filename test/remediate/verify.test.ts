import { describe, expect, it } from 'vitest';

import { verifyAccount } from '../../src/remediate/index.js';
import { ACCOUNT_ID, CORE, CUSTOMER_S3, desiredRole, FakeIam, PLAIN_TRUST, recordingSleep } from './helpers.js';

/** A role that shows the attached core policy only from the `visibleFrom`-th read on. */
function eventuallyConsistentIam(visibleFrom: number): FakeIam {
  const iam = new FakeIam();
  iam.addRole({ attached: [] });
  let reads = 0;
  iam.before = (operation) => {
    if (operation === 'getRole' && ++reads === visibleFrom) {
      iam.role()!.attached.push(CORE);
    }
  };
  return iam;
}

describe('verifyAccount', () => {
  it('reads again with backoff until the change shows', async () => {
    const { sleep, delays } = recordingSleep();

    const result = await verifyAccount({ iam: eventuallyConsistentIam(3), desired: desiredRole(), accountId: ACCOUNT_ID, partition: 'aws', sleep });

    expect(result.verified).toBe(true);
    expect(result.attempts).toBe(3);
    expect(delays).toEqual([1000, 2000]);
    expect(result.observed?.attachedPolicies.map((policy) => policy.policyArn)).toEqual([CORE]);
  });

  it('gives up after the attempts with capped delays', async () => {
    const { sleep, delays } = recordingSleep();

    const result = await verifyAccount({
      iam: eventuallyConsistentIam(100),
      desired: desiredRole({ hardening: 'off' }),
      accountId: ACCOUNT_ID,
      partition: 'aws',
      sleep,
      attempts: 6,
      baseDelayMs: 500,
      maxDelayMs: 3000,
    });

    expect(result.verified).toBe(false);
    expect(result.attempts).toBe(6);
    expect(delays).toEqual([500, 1000, 2000, 3000, 3000]);
    expect(result.findings.map((finding) => finding.code)).toEqual(['MANAGED_POLICY_MISSING']);
  });

  it('does not wait for findings left unfixed', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [CORE] });
    const { sleep, delays } = recordingSleep();

    const result = await verifyAccount({
      iam,
      desired: desiredRole({ requireCustomerPolicy: true, hardening: 'off' }),
      accountId: ACCOUNT_ID,
      partition: 'aws',
      sleep,
      leftUnfixed: [{ code: 'MANAGED_POLICY_MISSING', subject: CUSTOMER_S3 }],
    });

    expect(result.verified).toBe(true);
    expect(delays).toEqual([]);
    expect(result.findings.map((finding) => finding.subject)).toEqual([CUSTOMER_S3]);
  });

  it('does not wait for an advisory', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: PLAIN_TRUST, attached: [CORE] });
    const { sleep, delays } = recordingSleep();

    const result = await verifyAccount({ iam, desired: desiredRole({ hardening: 'recommended' }), accountId: ACCOUNT_ID, partition: 'aws', sleep });

    expect(result.verified).toBe(true);
    expect(result.attempts).toBe(1);
    expect(delays).toEqual([]);
    expect(result.findings.map((finding) => finding.code)).toEqual(['TRUST_HARDENING_MISSING']);
  });

  it('rejects attempts below one', async () => {
    await expect(
      verifyAccount({ iam: new FakeIam(), desired: desiredRole(), accountId: ACCOUNT_ID, partition: 'aws', attempts: 0 }),
    ).rejects.toThrow(TypeError);
  });
});
