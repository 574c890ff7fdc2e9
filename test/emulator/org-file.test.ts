import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GetRoleCommand, GetRolePolicyCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../../src/errors.js';
import { generateOrg, loadOrgFile, parseOrgDefinition } from '../../src/emulator/index.js';
import { clientsFor, emulatorLauncher, rejection, smallOrg } from './helpers.js';

const launch = emulatorLauncher();
const DEMO = join(import.meta.dirname, '../../config/demo-org.yaml');

function problemsOf(input: unknown): { path: string; message: string }[] {
  try {
    parseOrgDefinition(input, 'test.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
  throw new Error('expected the org definition to be rejected');
}

describe('org definition validation', () => {
  it('fills in defaults', () => {
    const org = parseOrgDefinition(smallOrg());

    expect(org.partition).toBe('aws');
    expect(org.region).toBe('us-east-1');
    expect(org.accounts[0]!.state).toBe('ACTIVE');
    expect(org.accounts[0]!.statusField).toBe('both');
    expect(org.accounts[0]!.roles[0]!.path).toBe('/');
    expect(org.accounts[0]!.roles[0]!.maxSessionDuration).toBe(3600);
  });

  it('reports schema problems with their paths', () => {
    const input = smallOrg();
    input.accounts[1]!.id = '2222';
    input.accounts[1]!.roles![0]!.path = 'no-slashes';
    (input.accounts[2] as Record<string, unknown>).colour = 'blue';

    const problems = problemsOf(input);

    expect(problems.map((problem) => problem.path)).toEqual(
      expect.arrayContaining(['accounts[1].id', 'accounts[1].roles[0].path', 'accounts[2]']),
    );
    expect(problems.find((problem) => problem.path === 'accounts[1].id')?.message).toBe('must be a 12-digit account id in quotes');
  });

  it('reports every broken reference at once', () => {
    const input = smallOrg();
    input.accounts[1]!.parent = 'ou-test-99999999';
    input.accounts[1]!.roles![0]!.attachedPolicies = ['arn:aws:iam::aws:policy/AmazonEC2RoleforSSM'];
    input.accounts[2]!.roles!.push({ name: 'onlyinb', trustPolicy: '{}' });
    input.organization.managementAccountId = '444444444444';
    input.caller.arn = 'arn:aws-cn:iam::111111111111:user/auditor';

    const problems = problemsOf(input);

    expect(problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: 'accounts[1].parent' }),
        expect.objectContaining({ path: 'accounts[1].roles[0].attachedPolicies[0]' }),
        expect.objectContaining({ path: 'accounts[2].roles[1].name' }),
        expect.objectContaining({ path: 'organization.managementAccountId' }),
        expect.objectContaining({ path: 'caller.arn' }),
      ]),
    );
    expect(problems).toHaveLength(5);
  });

  it('rejects more attached policies than the quota', () => {
    const input = smallOrg();
    input.accounts[1]!.roles![0]!.attachedPolicies = [
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      'arn:aws:iam::aws:policy/ReadOnlyAccess',
      'arn:aws:iam::aws:policy/AmazonS3FullAccess',
    ];

    const problems = problemsOf(input);

    expect(problems).toEqual([
      { path: 'accounts[1].roles[0].attachedPolicies', message: "3 policies exceed the account's managedPolicyQuota of 2" },
    ]);
  });
});

describe('org files', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'emulator-org-'));
  });

  afterAll(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('JSON files load too', async () => {
    const path = join(directory, 'org.json');
    await writeFile(path, JSON.stringify(smallOrg()));

    const org = await loadOrgFile(path);

    expect(org.accounts).toHaveLength(3);
  });

  it('invalid YAML is a ConfigError naming the file', async () => {
    const path = join(directory, 'broken.yaml');
    await writeFile(path, 'accounts: [\n  - id: "1"\n');

    const error = await loadOrgFile(path).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).message).toContain(path);
    expect((error as ConfigError).problems[0]!.message).toMatch(/^invalid YAML/);
  });

  it('a missing file is a ConfigError', async () => {
    const error = await loadOrgFile(join(directory, 'absent.yaml')).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems[0]!.message).toMatch(/^cannot read the file/);
  });
});

describe('generated orgs', () => {
  it('have compliant roles in every account', () => {
    const org = generateOrg({ accounts: 30, organizationalUnits: 3 });

    expect(org.accounts).toHaveLength(30);
    expect(new Set(org.accounts.map((account) => account.id)).size).toBe(30);
    expect(org.organizationalUnits).toHaveLength(3);
    for (const account of org.accounts.slice(1)) {
      expect(account.roles.map((role) => role.name)).toEqual(['SSMServiceRole', 'OrganizationAccountAccessRole']);
    }
    expect(org.accounts[0]!.roles.map((role) => role.name)).toEqual(['SSMServiceRole']);
  });

  it('reject an invalid account count', () => {
    expect(() => generateOrg({ accounts: 0 })).toThrow(TypeError);
  });

  it('serve 10,000 accounts', async () => {
    const emulator = await launch({ org: generateOrg({ accounts: 10_000 }) });
    const { organizations, sts } = clientsFor(emulator);

    const page = await organizations.send(new ListAccountsCommand({}));
    const last = emulator.state.accountIds().at(-1)!;
    const assumed = await sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${last}:role/OrganizationAccountAccessRole`, RoleSessionName: 'bench' }),
    );

    expect(page.Accounts).toHaveLength(20);
    expect(emulator.state.accountIds()).toHaveLength(10_000);
    expect(assumed.AssumedRoleUser?.Arn).toContain(last);
  });
});

describe('demo organization', () => {
  it('loads and serves its accounts', async () => {
    const org = await loadOrgFile(DEMO);
    const emulator = await launch({ org });
    const { organizations } = clientsFor(emulator);

    const { Accounts } = await organizations.send(new ListAccountsCommand({}));

    expect(org.caller.arn).toBe('arn:aws:iam::111111111111:user/ssm-auditor');
    expect(Accounts).toHaveLength(12);
    expect(Accounts?.find((account) => account.Id === '101010101010')?.State).toBe('SUSPENDED');
    expect(Accounts?.find((account) => account.Id === '777777777777')?.State).toBeUndefined();
    expect(Accounts?.find((account) => account.Id === '777777777777')?.Status).toBe('ACTIVE');
  });

  it('has the role drift each account is there for', async () => {
    const emulator = await launch({ org: await loadOrgFile(DEMO) });
    const { sts } = clientsFor(emulator);
    const sessionIn = async (accountId: string) => {
      const { Credentials } = await sts.send(
        new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, RoleSessionName: 'demo' }),
      );
      return clientsFor(emulator, {
        accessKeyId: Credentials!.AccessKeyId!,
        secretAccessKey: Credentials!.SecretAccessKey!,
        sessionToken: Credentials!.SessionToken!,
      }).iam;
    };

    const missing = await rejection((await sessionIn('444444444444')).send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const noAccessRole = await rejection(sessionIn('999999999999'));
    const suspended = await rejection(sessionIn('101010101010'));
    const reshaped = await (await sessionIn('333333333333')).send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    const legacy = await sessionIn('777777777777');
    const legacyRole = await legacy.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    const inline = await legacy.send(new GetRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyName: 'LegacyCommandOutput' }));
    const drifted = await (await sessionIn('666666666666')).send(new ListAttachedRolePoliciesCommand({ RoleName: 'SSMServiceRole' }));

    expect(missing.name).toBe('NoSuchEntityException');
    expect(noAccessRole.name).toBe('AccessDenied');
    expect(suspended.name).toBe('AccessDenied');
    expect(decodeURIComponent(reshaped.Role!.AssumeRolePolicyDocument!)).toContain('"Action": ["sts:assumerole"]');
    expect(legacyRole.Role?.Arn).toBe('arn:aws:iam::777777777777:role/legacy/SSMServiceRole');
    expect(JSON.parse(decodeURIComponent(legacyRole.Role!.AssumeRolePolicyDocument!)).Version).toBeUndefined();
    expect(decodeURIComponent(inline.PolicyDocument!)).toContain('run%2Fcommand');
    expect(drifted.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([
      'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
      'arn:aws:iam::aws:policy/AdministratorAccess',
    ]);
  });
});

describe('organization file errors', () => {
  it('name the file kind and the next step', () => {
    let error: unknown;
    try {
      parseOrgDefinition({ partition: 'aws' }, 'my-org.yaml');
    } catch (caught) {
      error = caught;
    }
    expect((error as Error).message).toMatch(/^Invalid organization file my-org\.yaml/);
    expect((error as { remedy?: string }).remedy).toContain('organization file');
  });
});
