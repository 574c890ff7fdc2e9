import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import type { ObservedRole } from '../../src/model.js';
import { evaluateWithoutTags } from '../../src/scan/tag-free.js';

const CONFIG = parseConfig(
  `version: 1
role:
  name: SSMServiceRole
  path: /
  trustPolicy: { servicePrincipal: ssm.amazonaws.com, hardening: recommended, sourceArnRegions: ["*"] }
  managedPolicies:
    - { arn: "arn:\${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore", requirement: required }
    - { arn: "arn:\${Partition}:iam::\${AccountId}:policy/SSMServiceRoleS3BucketAccess", requirement: allowed }
  inlinePolicies: []
overrides:
  - match: { tags: { "ssm:vpc-endpoints": "true" } }
    managedPolicies:
      - { arn: "arn:\${Partition}:iam::\${AccountId}:policy/SSMServiceRoleS3BucketAccess", requirement: required }
`,
  'tag-free.yaml',
);

const TRUST = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
});

function role(attached: string[]): ObservedRole {
  return {
    roleName: 'SSMServiceRole',
    roleId: 'AROAEXAMPLE',
    arn: 'arn:aws:iam::111122223333:role/SSMServiceRole',
    path: '/',
    trustPolicy: { text: TRUST, document: JSON.parse(TRUST) },
    attachedPolicies: attached.map((arn) => ({ policyArn: arn, policyName: arn.split('/').pop()! })),
    inlinePolicies: [],
  };
}

const ACCOUNT = { id: '111122223333', ouIds: [] };
const CONTEXT = { partition: 'aws', region: 'us-east-1' };
const CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
const S3 = 'arn:aws:iam::111122223333:policy/SSMServiceRoleS3BucketAccess';

describe('evaluateWithoutTags', () => {
  it('answers without tags when the override cannot matter', () => {
    const evaluation = evaluateWithoutTags(CONFIG, ACCOUNT, role([CORE, S3]), CONTEXT);

    expect(evaluation?.findings.map((f) => f.code)).toEqual(['TRUST_HARDENING_MISSING']);
  });

  it('asks for tags when the override decides a finding', () => {
    expect(evaluateWithoutTags(CONFIG, ACCOUNT, role([CORE]), CONTEXT)).toBeUndefined();
  });

  it('needs no tags for a missing role', () => {
    // ROLE_MISSING alone either way, so the findings match and no tag read is needed.
    const evaluation = evaluateWithoutTags(CONFIG, ACCOUNT, undefined, CONTEXT);

    expect(evaluation?.findings.map((f) => f.code)).toEqual(['ROLE_MISSING']);
  });
});
