import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import {
  JSON_SCHEMA_PATH,
  loadConfig,
  overridesMatchingNothing,
  resolveDesiredRole,
  type AccountFacts,
} from '../../src/config/index.js';

const DEFAULT_CONFIG_PATH = 'config/desired-state.yaml';

describe('default config', () => {
  it('validates', async () => {
    const loaded = await loadConfig(DEFAULT_CONFIG_PATH);

    expect(loaded.config.version).toBe(1);
    expect(loaded.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('points editors at the schema', async () => {
    const firstLine = (await readFile(DEFAULT_CONFIG_PATH, 'utf8')).split('\n')[0];

    expect(firstLine).toBe(`# yaml-language-server: $schema=../${JSON_SCHEMA_PATH}`);
  });

  it('describes the role of the AWS guide', async () => {
    const { config } = await loadConfig(DEFAULT_CONFIG_PATH);

    const role = resolveDesiredRole(config, { id: '111122223333', ouIds: [], tags: {} }, { partition: 'aws', region: 'us-east-2' });

    expect(role.roleName).toBe('SSMServiceRole');
    expect(role.path).toBe('/');
    expect(role.allowedInlinePolicies).toEqual([]);
    expect(role.trustPolicy.hardening).toBe('recommended');
    expect(role.trustPolicy.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '111122223333' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:111122223333:*' },
          },
        },
      ],
    });
    expect(role.managedPolicies.map((rule) => [rule.arn, rule.requirement])).toEqual([
      ['arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore', 'required'],
      ['arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess', 'allowed'],
      ['arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy', 'allowed'],
      ['arn:aws:iam::111122223333:policy/SSMServiceRoleS3BucketAccess', 'allowed'],
      ['arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM', 'deprecated'],
    ]);
  });
});

interface DemoOu {
  id: string;
  children?: DemoOu[];
}

interface DemoOrg {
  organizationalUnits: DemoOu[];
  accounts: { id: string; parent?: string; tags?: Record<string, string> }[];
}

/** Reads the demo organization as AccountFacts: each account with the OU ids from the root down. */
async function demoAccounts(): Promise<AccountFacts[]> {
  const org = parse(await readFile('config/demo-org.yaml', 'utf8')) as DemoOrg;

  const ancestry = new Map<string, string[]>();
  const walk = (units: DemoOu[], above: string[]): void => {
    for (const unit of units) {
      ancestry.set(unit.id, [...above, unit.id]);
      walk(unit.children ?? [], [...above, unit.id]);
    }
  };
  walk(org.organizationalUnits, []);

  return org.accounts.map((account) => ({
    id: account.id,
    ouIds: account.parent === undefined ? [] : (ancestry.get(account.parent) ?? []),
    tags: account.tags ?? {},
  }));
}

describe('default config and demo organization', () => {
  it('has overrides that all match', async () => {
    const { config } = await loadConfig(DEFAULT_CONFIG_PATH);

    expect(overridesMatchingNothing(config, await demoAccounts())).toEqual([]);
  });

  it('requires the directory policy in the directory-joined account only', async () => {
    const { config } = await loadConfig(DEFAULT_CONFIG_PATH);
    const directoryArn = 'arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess';
    const context = { partition: 'aws', region: 'us-east-1' };

    const requiredIn = (await demoAccounts())
      .filter((account) =>
        resolveDesiredRole(config, account, context).managedPolicies.some(
          (rule) => rule.arn === directoryArn && rule.requirement === 'required',
        ),
      )
      .map((account) => account.id);

    expect(requiredIn).toEqual(['131313131313']);
  });
});
