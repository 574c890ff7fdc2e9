/**
 * Synthetic organizations for benchmarks and scale tests: N accounts spread over a few OUs, each with a
 * compliant SSM service role, and every member account with an access role that trusts the management
 * account.
 */
import { parseOrgDefinition, type OrgDefinition, type OrgDefinitionInput } from './org-file.js';

export interface GenerateOrgOptions {
  /** Accounts in total, the management account included (Organizations allows up to 10,000 on request). */
  accounts: number;
  /** OUs under the root that member accounts are spread over round robin, 4 by default. */
  organizationalUnits?: number;
  partition?: 'aws' | 'aws-cn' | 'aws-us-gov';
  organizationId?: string;
  managementAccountId?: string;
  /** Name of the role the auditor assumes in member accounts, `OrganizationAccountAccessRole` by default. */
  accessRoleName?: string;
  /** Name of the SSM service role, `SSMServiceRole` by default. */
  roleName?: string;
}

/** Returns the trust policy of AWS's guide for the hybrid service role, which only ssm.amazonaws.com may assume. */
export function ssmTrustPolicy(): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' },
  };
}

/** Builds a trust policy that lets principals of `accountId` assume the role, as Organizations creates it. */
export function accountRootTrustPolicy(partition: string, accountId: string): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:${partition}:iam::${accountId}:root` }, Action: 'sts:AssumeRole' },
    ],
  };
}

/** Builds a valid org definition of `accounts` accounts whose SSM service roles are all compliant. */
export function generateOrg(options: GenerateOrgOptions): OrgDefinition {
  const total = options.accounts;
  if (!Number.isInteger(total) || total < 1 || total > 100_000) {
    throw new TypeError(`Invalid accounts ${total}; expected an integer from 1 to 100000`);
  }
  const unitCount = options.organizationalUnits ?? 4;
  if (!Number.isInteger(unitCount) || unitCount < 0) {
    throw new TypeError(`Invalid organizationalUnits ${unitCount}; expected an integer >= 0`);
  }
  const partition = options.partition ?? 'aws';
  const organizationId = options.organizationId ?? 'o-bench00001';
  const managementAccountId = options.managementAccountId ?? '100000000000';
  const accessRoleName = options.accessRoleName ?? 'OrganizationAccountAccessRole';
  const roleName = options.roleName ?? 'SSMServiceRole';
  const rootSuffix = organizationId.slice(2, 6);

  const units = Array.from({ length: unitCount }, (_, index) => ({
    id: `ou-${rootSuffix}-${String(index + 1).padStart(8, '0')}`,
    name: `Unit${index + 1}`,
  }));
  // One shared object per policy: the state serialises each role's copy once at start-up.
  const ssmTrust = ssmTrustPolicy();
  const accessTrust = accountRootTrustPolicy(partition, managementAccountId);
  const serviceRole = {
    name: roleName,
    trustPolicy: ssmTrust,
    attachedPolicies: [`arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`],
  };

  const accounts: OrgDefinitionInput['accounts'] = [
    { id: managementAccountId, name: 'management', email: `aws+${managementAccountId}@example.com`, roles: [serviceRole] },
  ];
  let nextId = 200_000_000_000;
  for (let index = 1; index < total; index++) {
    let id = String(nextId++);
    if (id === managementAccountId) {
      id = String(nextId++);
    }
    accounts.push({
      id,
      name: `member-${index}`,
      email: `aws+${id}@example.com`,
      parent: unitCount === 0 ? undefined : units[index % unitCount]!.id,
      roles: [
        serviceRole,
        {
          name: accessRoleName,
          trustPolicy: accessTrust,
          attachedPolicies: [`arn:${partition}:iam::aws:policy/AdministratorAccess`],
        },
      ],
    });
  }

  return parseOrgDefinition(
    {
      partition,
      organization: { id: organizationId, managementAccountId },
      caller: {
        arn: `arn:${partition}:iam::${managementAccountId}:user/auditor`,
        accessKeyId: 'AKIABENCHMARKCALLER1',
        secretAccessKey: 'emulator-benchmark-secret-not-a-real-key',
      },
      organizationalUnits: units,
      accounts,
    },
    `generated org (${total} accounts)`,
  );
}
