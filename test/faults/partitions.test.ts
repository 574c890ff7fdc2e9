import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { emulatorLauncher } from '../emulator/helpers.js';
import { faultOrg, MANAGEMENT, memberId, PLAIN_TRUST, scanWithFaults } from './helpers.js';

const launch = emulatorLauncher();

describe.each([
  ['aws-us-gov', 'us-gov-west-1'],
  ['aws-cn', 'cn-north-1'],
] as const)('partition %s', (partition, region) => {
  it(`builds every ARN in ${partition} and signs STS for ${region}`, async () => {
    // Member 2 lacks AmazonSSMManagedInstanceCore, so its finding names the managed policy ARN.
    const org = faultOrg({
      members: 2,
      partition,
      region,
      serviceRoles: { 2: { name: 'SSMServiceRole', trustPolicy: PLAIN_TRUST, attachedPolicies: [] } },
    });
    const emulator = await launch({ org });

    const run = await scanWithFaults(emulator);

    expect(run.report.caller).toEqual({ arn: `arn:${partition}:iam::${MANAGEMENT}:user/auditor`, accountId: MANAGEMENT, partition });
    const member = run.report.accounts.find((account) => account.accountId === memberId(1));
    expect(member?.status).toBe('compliant');
    expect(member?.accessRoleArn).toBe(`arn:${partition}:iam::${memberId(1)}:role/OrganizationAccountAccessRole`);
    expect(member?.roleArn).toBe(`arn:${partition}:iam::${memberId(1)}:role/SSMServiceRole`);

    const drifted = run.report.accounts.find((account) => account.accountId === memberId(2));
    expect(drifted?.status).toBe('noncompliant');
    expect(drifted?.findings.find((finding) => finding.code === 'MANAGED_POLICY_MISSING')?.subject).toBe(
      `arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
    );

    const json = await readFile(run.paths.jsonPath, 'utf8');
    expect(json).not.toMatch(/arn:aws:/);
    expect(emulator.signingRegions({ service: 'sts' })).toEqual([region]);
    expect(emulator.callCount({ service: 'sts', operation: 'AssumeRole' })).toBe(2);
    expect(emulator.calls().filter((record) => record.errors > 0)).toEqual([]);
  });
});
