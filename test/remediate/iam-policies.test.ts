/**
 * The least-privilege files in config/iam: every IAM call the code makes is allowed, writes are
 * limited to the service role, attachments to the configured policies, and the CloudFormation template
 * carries the same statements.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { describe, expect, it } from 'vitest';
import { parse, type ScalarTag, type CollectionTag, type YAMLSeq } from 'yaml';

import { packageRoot } from '../../src/package-info.js';

interface Statement {
  Sid: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

interface PolicyFile {
  Version: string;
  Statement: Statement[];
}

const ROLE_RESOURCE = 'arn:aws:iam::*:role/SSMServiceRole';

async function readText(...segments: string[]): Promise<string> {
  return readFile(join(packageRoot, ...segments), 'utf8');
}

async function readPolicy(name: string): Promise<PolicyFile> {
  return JSON.parse(await readText('config', 'iam', name)) as PolicyFile;
}

function list(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

function allowedActions(policy: PolicyFile): Set<string> {
  return new Set(policy.Statement.filter((statement) => statement.Effect === 'Allow').flatMap((statement) => list(statement.Action)));
}

/** The method names of the IamReadApi and IamWriteApi interfaces. */
async function iamMethodNames(): Promise<string[]> {
  const source = await readText('src', 'aws', 'api.ts');
  const names: string[] = [];
  for (const interfaceName of ['IamReadApi', 'IamWriteApi']) {
    const body = new RegExp(`interface ${interfaceName} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? '';
    names.push(...[...body.matchAll(/^\s+(\w+)\(\s*input/gm)].map((match) => match[1]!));
  }
  return names;
}

/** `iam:<Operation>` for each IAM method that the TypeScript files of `folder` call. */
async function iamActionsCalledIn(folder: string, methods: string[]): Promise<Set<string>> {
  const actions = new Set<string>();
  for (const file of await readdir(join(packageRoot, 'src', folder))) {
    if (!file.endsWith('.ts')) continue;
    const source = await readText('src', folder, file);
    for (const method of methods) {
      if (new RegExp(`\\.${method}\\(`).test(source)) {
        actions.add(`iam:${method[0]!.toUpperCase()}${method.slice(1)}`);
      }
    }
  }
  return actions;
}

describe('config/iam policies', () => {
  it('finds the IAM methods of the client interface', async () => {
    const methods = await iamMethodNames();

    expect(methods).toContain('getRole');
    expect(methods).toContain('attachRolePolicy');
    expect(methods).toHaveLength(13);
  });

  it('allow every IAM call of inspect in the audit policy', async () => {
    const called = await iamActionsCalledIn('inspect', await iamMethodNames());
    const allowed = allowedActions(await readPolicy('audit-policy.json'));

    expect([...called].sort()).toEqual(['iam:GetRole', 'iam:GetRolePolicy', 'iam:ListAttachedRolePolicies', 'iam:ListRolePolicies']);
    for (const action of called) {
      expect(allowed, action).toContain(action);
    }
  });

  it('allow every IAM call of inspect and remediate in the remediation policy', async () => {
    const methods = await iamMethodNames();
    const called = new Set([...(await iamActionsCalledIn('inspect', methods)), ...(await iamActionsCalledIn('remediate', methods))]);
    const allowed = allowedActions(await readPolicy('remediation-policy.json'));

    expect(called.size).toBeGreaterThanOrEqual(12);
    for (const action of called) {
      expect(allowed, action).toContain(action);
    }
  });

  it('allow TagRole for CreateRole with tags', async () => {
    const sendWrite = await readText('src', 'remediate', 'send-write.ts');
    const allowed = allowedActions(await readPolicy('remediation-policy.json'));

    expect(sendWrite).toMatch(/Tags:/);
    expect(allowed).toContain('iam:TagRole');
  });

  it('limit role statements to the service role', async () => {
    for (const name of ['audit-policy.json', 'remediation-policy.json']) {
      const policy = await readPolicy(name);
      for (const statement of policy.Statement) {
        const onPolicies = list(statement.Action).every((action) => action === 'iam:GetPolicy');
        expect(list(statement.Resource), `${name} ${statement.Sid}`).toEqual(onPolicies ? ['arn:aws:iam::*:policy/*'] : [ROLE_RESOURCE]);
        expect(statement.Effect).toBe('Allow');
      }
    }
  });

  it('never allow iam:PassRole or wildcard actions', async () => {
    for (const name of ['audit-policy.json', 'remediation-policy.json']) {
      for (const action of allowedActions(await readPolicy(name))) {
        expect(action).not.toBe('iam:PassRole');
        expect(action).not.toContain('*');
      }
    }
  });

  it('limit AttachRolePolicy to the policies of the default config', async () => {
    const config = parse(await readText('config', 'desired-state.yaml')) as {
      role: { managedPolicies: { arn: string; requirement: string }[] };
      overrides: { managedPolicies?: { arn: string; requirement: string }[] }[];
    };
    const rules = [...config.role.managedPolicies, ...config.overrides.flatMap((override) => override.managedPolicies ?? [])];
    const expand = (arn: string) => arn.replaceAll('${Partition}', 'aws').replaceAll('${AccountId}', '*');
    const attachable = new Set(rules.filter((rule) => rule.requirement !== 'deprecated').map((rule) => expand(rule.arn)));
    const deprecated = new Set(rules.filter((rule) => rule.requirement === 'deprecated').map((rule) => expand(rule.arn)));
    const policy = await readPolicy('remediation-policy.json');

    const attachStatements = policy.Statement.filter((statement) => list(statement.Action).includes('iam:AttachRolePolicy'));
    const conditionArns = (statement: Statement) =>
      new Set(Object.values(statement.Condition ?? {}).flatMap((keys) => list(keys['iam:PolicyARN'] ?? [])));

    expect(attachStatements.map((statement) => statement.Sid)).toEqual(['AttachAllowedManagedPolicies', 'ReattachDeprecatedPolicyOnRollback']);
    expect(conditionArns(attachStatements[0]!)).toEqual(attachable);
    expect(conditionArns(attachStatements[1]!)).toEqual(deprecated);
    for (const statement of attachStatements) {
      expect(list(statement.Action)).toEqual(['iam:AttachRolePolicy']);
    }
  });
});

/** CloudFormation's short-form intrinsic functions, parsed into their long form. */
const CLOUDFORMATION_TAGS: (ScalarTag | CollectionTag)[] = [
  ...['Ref', 'Sub', 'GetAtt'].map(
    (name): ScalarTag => ({ tag: `!${name}`, resolve: (value: string) => (name === 'Ref' ? { Ref: value } : { [`Fn::${name}`]: value }) }),
  ),
  ...['If', 'Not', 'Equals'].map(
    (name): CollectionTag => ({
      tag: `!${name}`,
      collection: 'seq',
      resolve: (value) => ({ [`Fn::${name}`]: (value as YAMLSeq).toJSON() }) as never,
    }),
  ),
];

/** Replaces `Fn::Sub` with its text for the `aws` partition, any account and the default role name. */
function substitute(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(substitute);
  if (typeof node !== 'object' || node === null) return node;
  const sub = (node as Record<string, unknown>)['Fn::Sub'];
  if (typeof sub === 'string') {
    return sub.replaceAll('${AWS::Partition}', 'aws').replaceAll('${AWS::AccountId}', '*').replaceAll('${ServiceRoleName}', 'SSMServiceRole');
  }
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, substitute(value)]));
}

describe('config/iam/access-roles.cfn.yaml', () => {
  async function readTemplate() {
    return parse(await readText('config', 'iam', 'access-roles.cfn.yaml'), { customTags: CLOUDFORMATION_TAGS }) as {
      Parameters: Record<string, { Default?: string }>;
      Resources: Record<string, { Type: string; Properties: Record<string, unknown> }>;
      Outputs: Record<string, { Value: unknown }>;
    };
  }

  function policyOf(resource: { Properties: Record<string, unknown> }): PolicyFile {
    const [inline] = resource.Properties['Policies'] as { PolicyDocument: PolicyFile }[];
    return substitute(inline!.PolicyDocument) as PolicyFile;
  }

  it('creates both access roles with the policy files', async () => {
    const template = await readTemplate();
    const readOnly = template.Resources['ReadOnlyRole']!;
    const remediation = template.Resources['RemediationRole']!;

    expect(readOnly.Type).toBe('AWS::IAM::Role');
    expect(readOnly.Properties['RoleName']).toBe('SSMRoleAuditReadOnly');
    expect(remediation.Properties['RoleName']).toBe('SSMRoleAuditRemediation');
    expect(policyOf(readOnly)).toEqual(await readPolicy('audit-policy.json'));
    expect(policyOf(remediation)).toEqual(await readPolicy('remediation-policy.json'));
  });

  it('trusts the management account, with the external id only when set', async () => {
    const template = await readTemplate();

    expect(template.Parameters['ExternalId']!.Default).toBe('');
    for (const name of ['ReadOnlyRole', 'RemediationRole']) {
      const trust = template.Resources[name]!.Properties['AssumeRolePolicyDocument'] as { Statement: Record<string, unknown>[] };
      const [statement] = trust.Statement;
      expect(statement!['Principal']).toEqual({ AWS: { 'Fn::Sub': 'arn:${AWS::Partition}:iam::${ManagementAccountId}:root' } });
      expect(statement!['Condition']).toEqual({
        'Fn::If': ['HasExternalId', { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } }, { Ref: 'AWS::NoValue' }],
      });
    }
  });

  it('outputs both role ARNs', async () => {
    const template = await readTemplate();

    expect(template.Outputs['ReadOnlyRoleArn']!.Value).toEqual({ 'Fn::GetAtt': 'ReadOnlyRole.Arn' });
    expect(template.Outputs['RemediationRoleArn']!.Value).toEqual({ 'Fn::GetAtt': 'RemediationRole.Arn' });
  });
});
