import { describe, expect, it } from 'vitest';

import type { PolicyDocument } from '../../src/model.js';
import {
  INVALID_ELEMENT_KEY,
  canonicalDocument,
  canonicalJson,
  normalizePolicy,
  policiesEquivalent,
} from '../../src/policy/normalize.js';

const SSM_STATEMENT = { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' };
const TRUST_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: [SSM_STATEMENT] };

function trustPolicyWith(statement: Record<string, unknown>): PolicyDocument {
  return { Version: '2012-10-17', Statement: [statement] };
}

describe('policiesEquivalent on reshaped documents', () => {
  const cases: Array<[string, PolicyDocument, PolicyDocument]> = [
    ['statement object and one-element array', TRUST_POLICY, { Version: '2012-10-17', Statement: SSM_STATEMENT }],
    [
      'action string and list',
      TRUST_POLICY,
      trustPolicyWith({ ...SSM_STATEMENT, Action: ['sts:AssumeRole'] }),
    ],
    [
      'principal value string and list',
      TRUST_POLICY,
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { Service: ['ssm.amazonaws.com'] } }),
    ],
    [
      'key order',
      TRUST_POLICY,
      { Statement: [{ Action: 'sts:AssumeRole', Principal: { Service: 'ssm.amazonaws.com' }, Effect: 'Allow' }], Version: '2012-10-17' },
    ],
    [
      'duplicate actions and resources',
      trustPolicyWith({ Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObject'], Resource: ['arn:aws:s3:::b/*', 'arn:aws:s3:::b/*'] }),
      trustPolicyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*' }),
    ],
    ['duplicate identical statements', { Version: '2012-10-17', Statement: [SSM_STATEMENT, SSM_STATEMENT] }, TRUST_POLICY],
    ['empty Sid', trustPolicyWith({ Sid: '', ...SSM_STATEMENT }), TRUST_POLICY],
    [
      'action name case',
      TRUST_POLICY,
      trustPolicyWith({ ...SSM_STATEMENT, Action: 'STS:assumerole' }),
    ],
    [
      'Principal "*" and {"AWS": "*"}',
      trustPolicyWith({ ...SSM_STATEMENT, Principal: '*' }),
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { AWS: '*' } }),
    ],
    [
      'Principal "*" and {"AWS": ["*"]}',
      trustPolicyWith({ ...SSM_STATEMENT, Principal: '*' }),
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { AWS: ['*'] } }),
    ],
    [
      'condition key and operator case',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }),
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { stringEquals: { 'AWS:sourceaccount': '111122223333' } } }),
    ],
    [
      'condition value scalar and list',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }),
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:SourceAccount': ['111122223333'] } } }),
    ],
    [
      'condition values as boolean and number',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { Bool: { 'aws:SecureTransport': true }, NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } } }),
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { Bool: { 'aws:SecureTransport': 'true' }, NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600'] } } }),
    ],
    [
      'condition value order and duplicates',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { ArnLike: { 'aws:SourceArn': ['arn:aws:ssm:b:1:*', 'arn:aws:ssm:a:1:*'] } } }),
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { ArnLike: { 'aws:SourceArn': ['arn:aws:ssm:a:1:*', 'arn:aws:ssm:b:1:*', 'arn:aws:ssm:a:1:*'] } } }),
    ],
    ['empty Condition', trustPolicyWith({ ...SSM_STATEMENT, Condition: {} }), TRUST_POLICY],
    [
      'statement order',
      { Version: '2012-10-17', Statement: [SSM_STATEMENT, { Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }] },
      { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 'sts:TagSession' }, SSM_STATEMENT] },
    ],
    [
      'principal types and values in another order',
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { Service: ['ssm.amazonaws.com', 'ec2.amazonaws.com'], AWS: 'arn:aws:iam::1:root' } }),
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { AWS: ['arn:aws:iam::1:root'], Service: ['ec2.amazonaws.com', 'ssm.amazonaws.com'] } }),
    ],
  ];

  it.each(cases)('%s', (_name, a, b) => {
    expect(policiesEquivalent(a, b)).toBe(true);
    expect(policiesEquivalent(b, a)).toBe(true);
  });
});

describe('policiesEquivalent on real differences', () => {
  const cases: Array<[string, PolicyDocument, PolicyDocument]> = [
    [
      'extra principal in the same statement',
      TRUST_POLICY,
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { Service: 'ssm.amazonaws.com', AWS: 'arn:aws:iam::999999999999:root' } }),
    ],
    [
      'extra statement',
      TRUST_POLICY,
      { Version: '2012-10-17', Statement: [SSM_STATEMENT, { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
    ],
    ['missing Version', TRUST_POLICY, { Statement: [SSM_STATEMENT] }],
    ['older Version', TRUST_POLICY, { Version: '2008-10-17', Statement: [SSM_STATEMENT] }],
    [
      'NotAction instead of Action',
      TRUST_POLICY,
      trustPolicyWith({ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, NotAction: 'sts:AssumeRole' }),
    ],
    ['Deny instead of Allow', TRUST_POLICY, trustPolicyWith({ ...SSM_STATEMENT, Effect: 'Deny' })],
    ['Effect case', TRUST_POLICY, trustPolicyWith({ ...SSM_STATEMENT, Effect: 'allow' })],
    [
      'NotPrincipal instead of Principal',
      TRUST_POLICY,
      trustPolicyWith({ Effect: 'Allow', NotPrincipal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }),
    ],
    [
      'condition value case',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'ops' } } }),
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:PrincipalTag/team': 'Ops' } } }),
    ],
    [
      'resource case',
      trustPolicyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/A' }),
      trustPolicyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a' }),
    ],
    [
      'Resource instead of NotResource',
      trustPolicyWith({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::bucket/a' }),
      trustPolicyWith({ Effect: 'Allow', Action: 's3:GetObject', NotResource: 'arn:aws:s3:::bucket/a' }),
    ],
    ['non-empty Sid', TRUST_POLICY, trustPolicyWith({ Sid: 'AllowSsm', ...SSM_STATEMENT })],
    ['empty action list', TRUST_POLICY, trustPolicyWith({ ...SSM_STATEMENT, Action: [] })],
    [
      'element outside the grammar',
      TRUST_POLICY,
      trustPolicyWith({ ...SSM_STATEMENT, Comment: 'added by hand' }),
    ],
    [
      'extra condition key',
      trustPolicyWith({ ...SSM_STATEMENT, Condition: { StringEquals: { 'aws:SourceAccount': '111122223333' } } }),
      trustPolicyWith({
        ...SSM_STATEMENT,
        Condition: { StringEquals: { 'aws:SourceAccount': '111122223333', 'aws:SourceOrgID': 'o-1' } },
      }),
    ],
    ['statement that is not an object', { Version: '2012-10-17', Statement: [] }, { Version: '2012-10-17', Statement: ['Allow'] }],
    [
      'principal string other than "*"',
      trustPolicyWith({ ...SSM_STATEMENT, Principal: { AWS: 'arn:aws:iam::1:root' } }),
      trustPolicyWith({ ...SSM_STATEMENT, Principal: 'arn:aws:iam::1:root' }),
    ],
  ];

  it.each(cases)('%s', (_name, a, b) => {
    expect(policiesEquivalent(a, b)).toBe(false);
    expect(policiesEquivalent(b, a)).toBe(false);
  });
});

describe('normalizePolicy', () => {
  it('builds the canonical form', () => {
    const normalized = normalizePolicy({
      Statement: {
        Sid: '',
        Condition: { StringEquals: { 'aws:SourceAccount': 111122223333 } },
        Action: ['sts:TagSession', 'STS:AssumeRole'],
        Principal: '*',
        Effect: 'Allow',
      },
      Version: '2012-10-17',
    });

    expect(normalized).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['*'] },
          Action: ['sts:assumerole', 'sts:tagsession'],
          Condition: { stringequals: { 'aws:sourceaccount': ['111122223333'] } },
        },
      ],
    });
  });

  it('keeps a missing Version missing', () => {
    const normalized = normalizePolicy({ Statement: [SSM_STATEMENT] });

    expect(normalized).not.toHaveProperty('Version');
  });

  it('returns an empty statement list without Statement', () => {
    expect(normalizePolicy({ Version: '2012-10-17' }).Statement).toEqual([]);
  });

  it('keeps values of the wrong type apart', () => {
    const normalized = normalizePolicy({ Statement: ['Allow', { Effect: 'Allow', Condition: 'none' }] });

    expect(normalized.Statement).toContainEqual({ [INVALID_ELEMENT_KEY]: 'Allow' });
    expect(normalized.Statement).toContainEqual({
      Effect: 'Allow',
      Condition: { [INVALID_ELEMENT_KEY]: { [INVALID_ELEMENT_KEY]: ['none'] } },
    });
  });

  it('is idempotent', () => {
    const document = {
      Version: '2012-10-17',
      Statement: [
        { ...SSM_STATEMENT, Principal: '*', Condition: { Bool: { 'aws:SecureTransport': true } } },
        'not a statement',
        { Effect: 'Deny', NotPrincipal: { AWS: ['b', 'a'] }, NotAction: 'IAM:*', Extra: { z: 1, a: 2 } },
      ],
      Id: 'policy-1',
    };
    const once = normalizePolicy(document);

    expect(canonicalJson(normalizePolicy(once))).toBe(canonicalJson(once));
  });

  it('never throws on odd values', () => {
    const odd = [null, 7, 'text', [], { Statement: null }, { Statement: 5 }, { Statement: [{ Principal: null, Action: null }] }];

    for (const value of odd) {
      expect(() => normalizePolicy(value as PolicyDocument)).not.toThrow();
    }
  });
});

describe('canonicalJson', () => {
  it('orders IAM elements first and sorts the rest', () => {
    const policy = normalizePolicy({
      Statement: [{ Zeta: 1, Condition: { StringEquals: { b: 'x', a: 'y' } }, Action: 'sts:AssumeRole', Effect: 'Allow', Alpha: { y: 1, x: 2 } }],
      Id: 'id-1',
      Version: '2012-10-17',
      Other: true,
    });

    expect(canonicalJson(policy, 0)).toBe(
      '{"Version":"2012-10-17","Id":"id-1","Statement":[{"Effect":"Allow","Action":["sts:assumerole"],' +
        '"Condition":{"stringequals":{"a":["y"],"b":["x"]}},"Alpha":{"x":2,"y":1},"Zeta":1}],"Other":true}',
    );
  });

  it('indents by two spaces by default', () => {
    const text = canonicalJson(normalizePolicy(TRUST_POLICY));

    expect(text.split('\n')[1]).toBe('  "Version": "2012-10-17",');
  });

  it('is the same for reshaped documents', () => {
    const reshaped = { Statement: { Principal: { Service: ['ssm.amazonaws.com'] }, Action: ['STS:AssumeRole'], Effect: 'Allow' }, Version: '2012-10-17' };

    expect(canonicalJson(normalizePolicy(reshaped))).toBe(canonicalJson(normalizePolicy(TRUST_POLICY)));
  });

  it('matches canonicalDocument key order', () => {
    const policy = normalizePolicy({ Statement: [{ Action: 'a:b', Effect: 'Allow' }], Version: '2012-10-17' });

    expect(JSON.stringify(canonicalDocument(policy), null, 2)).toBe(canonicalJson(policy));
  });
});
