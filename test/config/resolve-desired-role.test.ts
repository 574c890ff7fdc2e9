import { describe, expect, it } from 'vitest';

import {
  configNeedsOrganizationalUnits,
  configNeedsTags,
  overridesMatchingNothing,
  parseConfig,
  resolveDesiredRole,
  type AccountFacts,
  type DesiredStateConfig,
} from '../../src/config/index.js';
import { editedConfig, VALID_CONFIG_YAML } from './helpers.js';

const AWS = { partition: 'aws', region: 'eu-west-1' };
const PLAIN_ACCOUNT: AccountFacts = { id: '012345678901', ouIds: ['ou-root-aaaaaaaa'], tags: {} };

function configWith(edit: Parameters<typeof editedConfig>[0]): DesiredStateConfig {
  return parseConfig(editedConfig(edit), 'test.yaml');
}

function requirementOf(config: DesiredStateConfig, account: AccountFacts, arn: string): string | undefined {
  return resolveDesiredRole(config, account, AWS).managedPolicies.find((rule) => rule.arn === arn)?.requirement;
}

const S3_ARN_OF_PLAIN_ACCOUNT = 'arn:aws:iam::012345678901:policy/SSMServiceRoleS3BucketAccess';
const DIRECTORY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess';

describe('resolveDesiredRole placeholders', () => {
  it('expands account id and partition', () => {
    const role = resolveDesiredRole(parseConfig(VALID_CONFIG_YAML, 'test.yaml'), PLAIN_ACCOUNT, AWS);

    expect(role.roleName).toBe('SSMServiceRole');
    expect(role.path).toBe('/');
    expect(role.managedPolicies).toEqual([
      {
        arn: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
        requirement: 'required',
        description: 'Systems Manager core functionality',
      },
      { arn: DIRECTORY_ARN, requirement: 'allowed' },
      { arn: S3_ARN_OF_PLAIN_ACCOUNT, requirement: 'allowed', description: 'Customer S3 bucket policy' },
      {
        arn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
        requirement: 'deprecated',
        replacedBy: 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
      },
    ]);
    expect(role.allowedInlinePolicies).toEqual([]);
  });

  it('expands the region in a policy name', () => {
    const config = configWith((c) =>
      c.role.managedPolicies.push({ arn: 'arn:${Partition}:iam::${AccountId}:policy/S3-${Region}', requirement: 'allowed' }),
    );

    const arns = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).managedPolicies.map((rule) => rule.arn);

    expect(arns).toContain('arn:aws:iam::012345678901:policy/S3-eu-west-1');
  });

  it('uses the aws-us-gov partition', () => {
    const role = resolveDesiredRole(parseConfig(VALID_CONFIG_YAML, 'test.yaml'), PLAIN_ACCOUNT, {
      partition: 'aws-us-gov',
      region: 'us-gov-west-1',
    });

    expect(role.managedPolicies.map((rule) => rule.arn)).toEqual([
      'arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore',
      'arn:aws-us-gov:iam::aws:policy/AmazonSSMDirectoryServiceAccess',
      'arn:aws-us-gov:iam::012345678901:policy/SSMServiceRoleS3BucketAccess',
      'arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
    ]);
    expect(role.managedPolicies[3]?.replacedBy).toBe('arn:aws-us-gov:iam::aws:policy/AmazonSSMManagedInstanceCore');
    expect(role.trustPolicy.sourceArnPatterns).toEqual(['arn:aws-us-gov:ssm:*:012345678901:*']);
  });
});

describe('resolveDesiredRole trust policy', () => {
  it('builds the hardened document when hardening is recommended', () => {
    const trust = resolveDesiredRole(parseConfig(VALID_CONFIG_YAML, 'test.yaml'), PLAIN_ACCOUNT, AWS).trustPolicy;

    expect(trust).toEqual({
      servicePrincipal: 'ssm.amazonaws.com',
      action: 'sts:AssumeRole',
      hardening: 'recommended',
      sourceAccount: '012345678901',
      sourceArnPatterns: ['arn:aws:ssm:*:012345678901:*'],
      document: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'ssm.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: {
              StringEquals: { 'aws:SourceAccount': '012345678901' },
              ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:012345678901:*' },
            },
          },
        ],
      },
    });
  });

  it('builds the guide plain document when hardening is off', () => {
    const config = configWith((c) => (c.role.trustPolicy.hardening = 'off'));

    const trust = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).trustPolicy;

    expect(trust.document).toEqual({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
  });

  it('adds the conditions when hardening is required', () => {
    const config = configWith((c) => (c.role.trustPolicy.hardening = 'required'));

    const trust = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).trustPolicy;

    expect(trust.hardening).toBe('required');
    expect(trust.document).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { Service: 'ssm.amazonaws.com' },
          Action: 'sts:AssumeRole',
          Condition: {
            StringEquals: { 'aws:SourceAccount': '012345678901' },
            ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:012345678901:*' },
          },
        },
      ],
    });
  });

  it('uses the first region in the hardened document', () => {
    const config = configWith((c) => {
      c.role.trustPolicy.hardening = 'required';
      c.role.trustPolicy.sourceArnRegions = ['us-east-2', '${Region}', 'eu-west-1'];
    });

    const trust = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).trustPolicy;

    expect(trust.sourceArnPatterns).toEqual([
      'arn:aws:ssm:us-east-2:012345678901:*',
      'arn:aws:ssm:eu-west-1:012345678901:*',
    ]);
    expect(trust.document).toMatchObject({
      Statement: [{ Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:us-east-2:012345678901:*' } } }],
    });
  });

  it('lets an override set hardening', () => {
    const config = configWith((c) =>
      c.overrides.push({ match: { accounts: ['012345678901'] }, hardening: 'off' }),
    );

    expect(resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).trustPolicy.hardening).toBe('off');
    expect(resolveDesiredRole(config, { ...PLAIN_ACCOUNT, id: '111122223333' }, AWS).trustPolicy.hardening).toBe(
      'recommended',
    );
  });
});

describe('resolveDesiredRole overrides', () => {
  it('matches by account id', () => {
    const config = configWith((c) => (c.overrides[0].match = { accounts: ['111122223333', '012345678901'] }));

    expect(requirementOf(config, PLAIN_ACCOUNT, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('required');
  });

  it('matches a child OU through its ancestor', () => {
    const config = configWith((c) => (c.overrides[0].match = { organizationalUnits: ['ou-root-securityou'] }));
    const inChildOu: AccountFacts = { ...PLAIN_ACCOUNT, ouIds: ['ou-root-securityou', 'ou-root-adjoined1'] };

    expect(requirementOf(config, inChildOu, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('required');
    expect(requirementOf(config, PLAIN_ACCOUNT, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('allowed');
  });

  it('matches by tag', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');
    const tagged: AccountFacts = { ...PLAIN_ACCOUNT, tags: { 'ssm:vpc-endpoints': 'true', team: 'ops' } };

    expect(requirementOf(config, tagged, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('required');
  });

  it('compares tag values exactly', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');
    const tagged: AccountFacts = { ...PLAIN_ACCOUNT, tags: { 'ssm:vpc-endpoints': 'True' } };

    expect(requirementOf(config, tagged, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('allowed');
  });

  it('needs one of several tags only', () => {
    const config = configWith((c) => (c.overrides[0].match = { tags: { a: '1', b: '2' } }));

    expect(requirementOf(config, { ...PLAIN_ACCOUNT, tags: { b: '2' } }, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('required');
  });

  it('needs every kind of criterion', () => {
    const config = configWith(
      (c) => (c.overrides[0].match = { accounts: ['012345678901'], tags: { 'ssm:vpc-endpoints': 'true' } }),
    );
    const tagged: AccountFacts = { ...PLAIN_ACCOUNT, tags: { 'ssm:vpc-endpoints': 'true' } };

    expect(requirementOf(config, PLAIN_ACCOUNT, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('allowed');
    expect(requirementOf(config, tagged, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('required');
  });

  it('ignores tag criteria when tags were not read', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');
    const untagged: AccountFacts = { id: '012345678901', ouIds: [] };

    expect(requirementOf(config, untagged, S3_ARN_OF_PLAIN_ACCOUNT)).toBe('allowed');
  });

  it('applies the later override for the same ARN', () => {
    const config = configWith((c) => {
      c.overrides = [
        { match: { accounts: ['012345678901'] }, managedPolicies: [{ arn: DIRECTORY_ARN, requirement: 'required' }] },
        {
          match: { accounts: ['012345678901'] },
          managedPolicies: [{ arn: DIRECTORY_ARN, requirement: 'deprecated', description: 'AD is retired' }],
        },
      ];
    });

    const rule = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).managedPolicies.find((r) => r.arn === DIRECTORY_ARN);

    expect(rule).toEqual({ arn: DIRECTORY_ARN, requirement: 'deprecated', description: 'AD is retired' });
  });

  it('keeps the earlier description and position', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');
    const tagged: AccountFacts = { ...PLAIN_ACCOUNT, tags: { 'ssm:vpc-endpoints': 'true' } };

    const rules = resolveDesiredRole(config, tagged, AWS).managedPolicies;

    expect(rules[2]).toEqual({
      arn: S3_ARN_OF_PLAIN_ACCOUNT,
      requirement: 'required',
      description: 'Customer S3 bucket policy',
    });
  });

  it('drops replacedBy when a rule stops being deprecated', () => {
    const ec2RoleArn = 'arn:${Partition}:iam::aws:policy/service-role/AmazonEC2RoleforSSM';
    const config = configWith((c) =>
      c.overrides.push({
        match: { accounts: ['012345678901'] },
        managedPolicies: [{ arn: ec2RoleArn, requirement: 'allowed' }],
      }),
    );

    const rule = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).managedPolicies[3];

    expect(rule).toEqual({ arn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM', requirement: 'allowed' });
  });

  it('treats an explicit partition and the placeholder as one policy', () => {
    const config = configWith((c) =>
      c.overrides.push({
        match: { accounts: ['012345678901'] },
        managedPolicies: [{ arn: DIRECTORY_ARN, requirement: 'required' }],
      }),
    );

    const rules = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).managedPolicies;

    expect(rules.filter((rule) => rule.arn === DIRECTORY_ARN)).toEqual([{ arn: DIRECTORY_ARN, requirement: 'required' }]);
  });

  it('adds inline policy names', () => {
    const config = configWith((c) => {
      c.role.inlinePolicies = ['Base'];
      c.overrides.push({ match: { accounts: ['012345678901'] }, inlinePolicies: ['Extra', 'Base'] });
    });

    expect(resolveDesiredRole(config, PLAIN_ACCOUNT, AWS).allowedInlinePolicies).toEqual(['Base', 'Extra']);
  });

  it('leaves the role unchanged when nothing matches', () => {
    const config = configWith((c) => (c.role.trustPolicy.hardening = 'off'));
    const unmatched = resolveDesiredRole(config, PLAIN_ACCOUNT, AWS);

    const withoutOverrides = resolveDesiredRole({ ...config, overrides: [] }, PLAIN_ACCOUNT, AWS);

    expect(unmatched).toEqual(withoutOverrides);
  });

  it('never applies a match without criteria', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');
    const built: DesiredStateConfig = {
      ...config,
      overrides: [{ match: {}, managedPolicies: [{ arn: DIRECTORY_ARN, requirement: 'required' }] }],
    };

    expect(requirementOf(built, PLAIN_ACCOUNT, DIRECTORY_ARN)).toBe('allowed');
  });
});

describe('config needs', () => {
  it('reports tags for a tag override', () => {
    const config = parseConfig(VALID_CONFIG_YAML, 'test.yaml');

    expect(configNeedsTags(config)).toBe(true);
    expect(configNeedsOrganizationalUnits(config)).toBe(false);
  });

  it('reports OUs for an OU override', () => {
    const config = configWith((c) => (c.overrides[0].match = { organizationalUnits: ['ou-root-securityou'] }));

    expect(configNeedsOrganizationalUnits(config)).toBe(true);
    expect(configNeedsTags(config)).toBe(false);
  });

  it('reports neither without overrides', () => {
    const config = configWith((c) => delete c.overrides);

    expect(configNeedsOrganizationalUnits(config)).toBe(false);
    expect(configNeedsTags(config)).toBe(false);
  });
});

describe('overridesMatchingNothing', () => {
  const config = configWith((c) =>
    c.overrides.push({
      description: 'Security OU',
      match: { organizationalUnits: ['ou-root-securityou'] },
      hardening: 'required',
    }),
  );

  it('lists each override without a match', () => {
    expect(overridesMatchingNothing(config, [PLAIN_ACCOUNT])).toEqual([
      {
        path: 'overrides[0]',
        message:
          'the override "VPC endpoint accounts" matches none of the 1 accounts in scope; ' +
          'check the account ids, organizational unit ids and tags in its match',
      },
      {
        path: 'overrides[1]',
        message: expect.stringContaining('the override "Security OU" matches none'),
      },
    ]);
  });

  it('returns nothing when every override matches', () => {
    const accounts: AccountFacts[] = [
      { ...PLAIN_ACCOUNT, tags: { 'ssm:vpc-endpoints': 'true' } },
      { id: '111122223333', ouIds: ['ou-root-securityou'] },
    ];

    expect(overridesMatchingNothing(config, accounts)).toEqual([]);
  });
});
