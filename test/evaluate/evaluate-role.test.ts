import { describe, expect, it } from 'vitest';

import { FINDING_CATALOG, FINDING_CODE_ORDER } from '../../src/evaluate/catalog.js';
import { evaluateRole } from '../../src/evaluate/evaluate-role.js';
import type { Finding, FindingCode, PolicyDocument } from '../../src/model.js';
import {
  ACCOUNT_ID,
  CLOUDWATCH_POLICY_ARN,
  CONTEXT,
  CORE_POLICY_ARN,
  CUSTOMER_POLICY_ARN,
  DEPRECATED_POLICY_ARN,
  HARDENED_TRUST_POLICY,
  HARDENING_CONDITION,
  OTHER_ACCOUNT_ID,
  PLAIN_TRUST_POLICY,
  SSM_STATEMENT,
  desiredRole,
  observedDocument,
  observedRole,
  trustPolicyWith,
} from './fixtures.js';

function codes(findings: Finding[]): FindingCode[] {
  return findings.map((finding) => finding.code);
}

function evaluateTrust(trustPolicy: PolicyDocument | string, hardening: 'recommended' | 'required' | 'off' = 'recommended') {
  return evaluateRole(desiredRole({}, { hardening }), observedRole(trustPolicy), CONTEXT);
}

function only(findings: Finding[], code: FindingCode): Finding {
  const matching = findings.filter((finding) => finding.code === code);
  expect(matching).toHaveLength(1);
  return matching[0]!;
}

describe('evaluateRole on compliant roles', () => {
  it('accepts the hardened trust policy', () => {
    expect(evaluateTrust(HARDENED_TRUST_POLICY, 'required')).toEqual([]);
  });

  it('accepts plain policy without hardening', () => {
    expect(evaluateTrust(PLAIN_TRUST_POLICY, 'off')).toEqual([]);
  });

  it('accepts hardened policy without hardening', () => {
    expect(evaluateTrust(HARDENED_TRUST_POLICY, 'off')).toEqual([]);
  });

  it('accepts ArnLike and another key order', () => {
    const trust = trustPolicyWith({
      Condition: {
        ArnLike: { 'aws:SourceArn': `arn:aws:ssm:*:${ACCOUNT_ID}:*` },
        StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
      },
      ...SSM_STATEMENT,
    });

    expect(evaluateTrust(trust, 'required')).toEqual([]);
  });

  it.each([
    ['aws:SourceAccount alone', { StringEquals: { 'aws:SourceAccount': ACCOUNT_ID } }],
    ['aws:SourceArn alone', { ArnEquals: { 'aws:SourceArn': `arn:aws:ssm:us-east-1:${ACCOUNT_ID}:*` } }],
  ])('accepts %s as hardening', (_name, condition) => {
    expect(evaluateTrust(trustPolicyWith({ ...SSM_STATEMENT, Condition: condition }), 'required')).toEqual([]);
  });

  it('accepts the same policy in another shape', () => {
    const reshaped = {
      Statement: [
        {
          Condition: {
            arnequals: { 'AWS:SOURCEARN': [`arn:aws:ssm:eu-west-1:${ACCOUNT_ID}:*`] },
            StringEquals: { 'aws:sourceaccount': [ACCOUNT_ID, ACCOUNT_ID] },
          },
          Action: ['STS:AssumeRole', 'sts:assumerole'],
          Principal: { Service: ['ssm.amazonaws.com'] },
          Effect: 'Allow',
          Sid: '',
        },
        { Sid: '', ...SSM_STATEMENT, Condition: HARDENING_CONDITION },
      ],
      Version: '2012-10-17',
    };

    expect(evaluateTrust(reshaped, 'required')).toEqual([]);
  });

  it('accepts a non-empty Sid', () => {
    expect(evaluateTrust(trustPolicyWith({ Sid: 'AllowSsm', ...SSM_STATEMENT }), 'off')).toEqual([]);
  });
});

describe('evaluateRole on the role', () => {
  it('reports ROLE_MISSING alone', () => {
    const findings = evaluateRole(desiredRole({ path: '/ssm/' }), undefined, CONTEXT);

    expect(findings).toEqual([
      {
        code: 'ROLE_MISSING',
        severity: 'high',
        message: `Account ${ACCOUNT_ID} has no IAM role SSMServiceRole.`,
        subject: `arn:aws:iam::${ACCOUNT_ID}:role/ssm/SSMServiceRole`,
        expected: { roleName: 'SSMServiceRole', path: '/ssm/' },
        fixable: true,
      },
    ]);
  });

  it('builds the missing role ARN in the partition', () => {
    const findings = evaluateRole(desiredRole(), undefined, { accountId: ACCOUNT_ID, partition: 'aws-us-gov' });

    expect(findings[0]!.subject).toBe(`arn:aws-us-gov:iam::${ACCOUNT_ID}:role/SSMServiceRole`);
  });

  it('reports ROLE_PATH_MISMATCH as not fixable', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, { path: '/legacy/', arn: `arn:aws:iam::${ACCOUNT_ID}:role/legacy/SSMServiceRole` });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['ROLE_PATH_MISMATCH']);
    expect(findings[0]).toMatchObject({
      severity: 'low',
      fixable: false,
      subject: role.arn,
      expected: '/',
      actual: '/legacy/',
    });
  });
});

describe('evaluateRole on unreadable documents', () => {
  it('unparseable trust policy skips trust checks', () => {
    const role = observedRole('{"Version": "2012-10-17", ', { attachedPolicies: [] });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE', 'MANAGED_POLICY_MISSING']);
    expect(findings[0]).toMatchObject({ severity: 'high', fixable: true, subject: 'trust policy', actual: '{"Version": "2012-10-17", ' });
    expect(findings[0]!.message).toContain('Invalid JSON');
  });

  it('reports malformed trust policy encoding', () => {
    const role = observedRole(HARDENED_TRUST_POLICY);
    role.trustPolicy = { text: '%7B%2', parseError: 'Invalid percent-encoding: URI malformed' };

    expect(codes(evaluateRole(desiredRole(), role, CONTEXT))).toEqual(['POLICY_DOCUMENT_UNPARSEABLE']);
  });

  it('unparseable disallowed inline policy not fixable', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, {
      inlinePolicies: [{ policyName: 'debug', document: observedDocument('[1, 2]') }],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE']);
    expect(findings[0]).toMatchObject({ subject: 'debug', fixable: false, actual: '[1, 2]' });
  });

  it('unparseable allowed inline policy not fixable', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, {
      inlinePolicies: [{ policyName: 's3-output', document: observedDocument('not json') }],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE']);
    expect(findings[0]).toMatchObject({ subject: 's3-output', fixable: false });
  });
});

describe('evaluateRole on the trust policy', () => {
  it('reports TRUST_PRINCIPAL_MISSING', () => {
    const trust = trustPolicyWith({ ...SSM_STATEMENT, Principal: { Service: 'ec2.amazonaws.com' } });

    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_PRINCIPAL_MISSING', 'TRUST_PRINCIPAL_EXTRA']);
    expect(findings[0]).toMatchObject({ severity: 'critical', fixable: true, subject: 'trust policy' });
    expect(findings[1]!.subject).toBe('Service:ec2.amazonaws.com');
  });

  it('reports TRUST_PRINCIPAL_MISSING for an empty trust policy', () => {
    expect(codes(evaluateTrust({ Version: '2012-10-17', Statement: [] }))).toEqual(['TRUST_PRINCIPAL_MISSING']);
  });

  it('reports an extra principal in the same statement', () => {
    const trust = trustPolicyWith({
      ...SSM_STATEMENT,
      Principal: { Service: 'ssm.amazonaws.com', AWS: `arn:aws:iam::${OTHER_ACCOUNT_ID}:root` },
      Condition: HARDENING_CONDITION,
    });

    const findings = evaluateTrust(trust, 'required');

    expect(codes(findings)).toEqual(['TRUST_PRINCIPAL_EXTRA']);
    expect(findings[0]).toMatchObject({
      severity: 'critical',
      fixable: true,
      subject: `AWS:arn:aws:iam::${OTHER_ACCOUNT_ID}:root`,
    });
  });

  it('reports each extra principal once', () => {
    const otherRoot = `arn:aws:iam::${OTHER_ACCOUNT_ID}:root`;
    const trust = trustPolicyWith(
      { ...SSM_STATEMENT, Condition: HARDENING_CONDITION },
      { Effect: 'Allow', Principal: { AWS: otherRoot }, Action: 'sts:AssumeRole' },
      { Effect: 'Allow', Principal: { AWS: [otherRoot, 'arn:aws:iam::444455556666:role/Admin'] }, Action: 'sts:*' },
    );

    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_PRINCIPAL_EXTRA', 'TRUST_PRINCIPAL_EXTRA']);
    expect(findings.map((finding) => finding.subject)).toEqual([
      'AWS:arn:aws:iam::444455556666:role/Admin',
      `AWS:${otherRoot}`,
    ]);
    expect(findings[1]!.message).toContain('statements 2, 3');
  });

  it.each([
    ['Principal "*"', { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }, 'AWS:*'],
    ['any action', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: '*' }, 'AWS:arn:aws:iam::444455556666:root'],
    [
      'web identity',
      { Effect: 'Allow', Principal: { Federated: 'cognito-identity.amazonaws.com' }, Action: 'sts:AssumeRoleWithWebIdentity' },
      'Federated:cognito-identity.amazonaws.com',
    ],
    [
      'NotAction',
      { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, NotAction: 'sts:TagSession' },
      'AWS:arn:aws:iam::444455556666:root',
    ],
    ['action wildcard', { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:Assume*' }, 'Service:ec2.amazonaws.com'],
  ])('reports an extra principal granted by %s', (_name, statement, subject) => {
    const findings = evaluateTrust(trustPolicyWith({ ...SSM_STATEMENT, Condition: HARDENING_CONDITION }, statement));

    expect(codes(findings)).toEqual(['TRUST_PRINCIPAL_EXTRA']);
    expect(findings[0]!.subject).toBe(subject);
  });

  it.each([
    ['a Deny statement', { Effect: 'Deny', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }, 'is a Deny statement'],
    ['a NotPrincipal statement', { Effect: 'Allow', NotPrincipal: { AWS: 'arn:aws:iam::1:root' }, Action: 'sts:AssumeRole' }, 'NotPrincipal'],
    ['session tags for another principal', { Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::444455556666:root' }, Action: 'sts:TagSession' }, 'sts:tagsession'],
    ['session tags for the service', { Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:TagSession' }, 'sts:tagsession'],
    ['a statement without principal', { Effect: 'Allow', Action: 'sts:AssumeRole' }, 'names no principal'],
  ])('reports TRUST_STATEMENT_EXTRA for %s', (_name, statement, messagePart) => {
    const findings = evaluateTrust(trustPolicyWith({ ...SSM_STATEMENT, Condition: HARDENING_CONDITION }, statement));

    const finding = only(findings, 'TRUST_STATEMENT_EXTRA');
    expect(codes(findings)).toEqual(['TRUST_STATEMENT_EXTRA']);
    expect(finding).toMatchObject({ severity: 'medium', fixable: true });
    expect(finding.subject).toMatch(/^trust policy statement [12]$/);
    expect(finding.message).toContain(messagePart);
  });

  it('reports extra actions for the service principal', () => {
    const trust = trustPolicyWith({ ...SSM_STATEMENT, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: HARDENING_CONDITION });

    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_STATEMENT_EXTRA']);
    expect(findings[0]).toMatchObject({ subject: 'trust policy statement 1' });
    expect(findings[0]!.message).toContain('also allows sts:tagsession');
  });

  it('reports NotAction for the service principal', () => {
    const trust = trustPolicyWith({
      Effect: 'Allow',
      Principal: { Service: 'ssm.amazonaws.com' },
      NotAction: 'iam:*',
      Condition: HARDENING_CONDITION,
    });

    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_STATEMENT_EXTRA']);
    expect(findings[0]!.message).toContain('NotAction');
  });

  it('reports a second statement for the service principal', () => {
    const trust = trustPolicyWith({ ...SSM_STATEMENT, Condition: HARDENING_CONDITION }, { Sid: 'Legacy', ...SSM_STATEMENT });

    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_STATEMENT_EXTRA', 'TRUST_HARDENING_MISSING']);
    expect(findings[0]!.message).toContain('also trusts ssm.amazonaws.com');
    expect(findings[1]!.message).toContain('statement 2');
  });

  it('reports TRUST_CONDITION_MISMATCH for another account', () => {
    const trust = trustPolicyWith({
      ...SSM_STATEMENT,
      Condition: { StringEquals: { 'aws:SourceAccount': OTHER_ACCOUNT_ID } },
    });

    const findings = evaluateTrust(trust, 'required');

    expect(codes(findings)).toEqual(['TRUST_CONDITION_MISMATCH']);
    expect(findings[0]).toMatchObject({ severity: 'high', fixable: true, subject: 'trust policy statement 1' });
    expect(findings[0]!.message).toContain(`naming ${OTHER_ACCOUNT_ID} instead of ${ACCOUNT_ID}`);
  });

  it('reports a second account among the values', () => {
    const trust = trustPolicyWith({
      ...SSM_STATEMENT,
      Condition: { StringEquals: { 'aws:SourceAccount': [ACCOUNT_ID, OTHER_ACCOUNT_ID] } },
    });

    expect(codes(evaluateTrust(trust))).toEqual(['TRUST_CONDITION_MISMATCH']);
  });

  it.each([
    ['source ARN of another account', { ArnLike: { 'aws:SourceArn': `arn:aws:ssm:*:${OTHER_ACCOUNT_ID}:*` } }],
    ['source ARN with any account', { ArnLike: { 'aws:SourceArn': 'arn:aws:ssm:*:*:*' } }],
    ['source ARN of another service', { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:*:${ACCOUNT_ID}:*` } }],
    ['source ARN that is not an ARN', { ArnLike: { 'aws:SourceArn': '*' } }],
  ])('reports TRUST_CONDITION_MISMATCH for a %s', (_name, condition) => {
    const findings = evaluateTrust(trustPolicyWith({ ...SSM_STATEMENT, Condition: condition }), 'required');

    expect(codes(findings)).toEqual(['TRUST_CONDITION_MISMATCH']);
    expect(findings[0]!.message).toContain('aws:SourceArn');
  });

  it.each([
    ['another condition key', { Bool: { 'aws:SecureTransport': true } }],
    ['another operator for the source account', { StringLike: { 'aws:SourceAccount': ACCOUNT_ID } }],
    ['an IfExists operator', { ArnLikeIfExists: { 'aws:SourceArn': `arn:aws:ssm:*:${ACCOUNT_ID}:*` } }],
  ])('reports %s as a mismatch without hardening', (_name, condition) => {
    const findings = evaluateTrust(trustPolicyWith({ ...SSM_STATEMENT, Condition: condition }), 'recommended');

    expect(codes(findings)).toEqual(['TRUST_CONDITION_MISMATCH', 'TRUST_HARDENING_MISSING']);
  });

  it('reports an extra condition next to the hardening', () => {
    const trust = trustPolicyWith({
      ...SSM_STATEMENT,
      Condition: { ...HARDENING_CONDITION, StringEquals: { 'aws:SourceAccount': ACCOUNT_ID, 'aws:SourceOrgID': 'o-1' } },
    });

    const findings = evaluateTrust(trust, 'required');

    expect(codes(findings)).toEqual(['TRUST_CONDITION_MISMATCH']);
    expect(findings[0]!.message).toContain('aws:sourceorgid');
  });

  it.each([
    ['recommended', 'low', true, false],
    ['required', 'high', undefined, true],
  ] as const)('reports TRUST_HARDENING_MISSING as %s', (hardening, severity, advisory, fixable) => {
    const findings = evaluateTrust(PLAIN_TRUST_POLICY, hardening);

    expect(codes(findings)).toEqual(['TRUST_HARDENING_MISSING']);
    expect(findings[0]).toMatchObject({ severity, fixable, subject: 'trust policy' });
    expect(findings[0]!.advisory).toBe(advisory);
  });

  it.each([
    ['no Version', { Statement: [{ ...SSM_STATEMENT, Condition: HARDENING_CONDITION }] }, 'no Version'],
    ['the 2008 Version', { Version: '2008-10-17', Statement: [{ ...SSM_STATEMENT, Condition: HARDENING_CONDITION }] }, 'Version 2008-10-17'],
  ])('reports TRUST_VERSION_MISSING for %s', (_name, trust, messagePart) => {
    const findings = evaluateTrust(trust);

    expect(codes(findings)).toEqual(['TRUST_VERSION_MISSING']);
    expect(findings[0]).toMatchObject({ severity: 'medium', fixable: true, subject: 'trust policy' });
    expect(findings[0]!.message).toContain(messagePart);
  });

  it('sets expected and actual to the documents as written', () => {
    const trust = { Statement: { ...SSM_STATEMENT, Condition: HARDENING_CONDITION } };

    const [finding] = evaluateTrust(trust);

    expect(finding!.expected).toEqual(HARDENED_TRUST_POLICY);
    expect(finding!.actual).toEqual(trust);
  });
});

describe('evaluateRole on managed policies', () => {
  it('reports a missing AWS managed policy as fixable', () => {
    const findings = evaluateRole(desiredRole(), observedRole(HARDENED_TRUST_POLICY, { attachedPolicies: [] }), CONTEXT);

    expect(codes(findings)).toEqual(['MANAGED_POLICY_MISSING']);
    expect(findings[0]).toMatchObject({ severity: 'high', fixable: true, subject: CORE_POLICY_ARN, expected: CORE_POLICY_ARN, actual: [] });
  });

  it('reports a missing customer managed policy as fixable', () => {
    const desired = desiredRole();
    desired.managedPolicies.push({ arn: CUSTOMER_POLICY_ARN, requirement: 'required', description: 'S3 output bucket' });

    const findings = evaluateRole(desired, observedRole(HARDENED_TRUST_POLICY), CONTEXT);

    expect(codes(findings)).toEqual(['MANAGED_POLICY_MISSING']);
    expect(findings[0]).toMatchObject({ fixable: true, subject: CUSTOMER_POLICY_ARN });
    expect(findings[0]!.message).toContain('(S3 output bucket)');
  });

  it('compares ARNs with the path', () => {
    const withoutPath = 'arn:aws:iam::aws:policy/AmazonEC2RoleforSSM';
    const role = observedRole(HARDENED_TRUST_POLICY, {
      attachedPolicies: [
        { policyArn: CORE_POLICY_ARN, policyName: 'AmazonSSMManagedInstanceCore' },
        { policyArn: withoutPath, policyName: 'AmazonEC2RoleforSSM' },
      ],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['MANAGED_POLICY_UNEXPECTED']);
    expect(findings[0]!.subject).toBe(withoutPath);
  });

  it('reports MANAGED_POLICY_DEPRECATED with its replacement', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, {
      attachedPolicies: [{ policyArn: DEPRECATED_POLICY_ARN, policyName: 'AmazonEC2RoleforSSM' }],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['MANAGED_POLICY_MISSING', 'MANAGED_POLICY_DEPRECATED']);
    const deprecated = findings[1]!;
    expect(deprecated).toMatchObject({ severity: 'medium', fixable: true, subject: DEPRECATED_POLICY_ARN, expected: CORE_POLICY_ARN });
    expect(deprecated.message).toContain(`Replace it with ${CORE_POLICY_ARN}`);
  });

  it('reports MANAGED_POLICY_UNEXPECTED', () => {
    const adminArn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    const role = observedRole(HARDENED_TRUST_POLICY, {
      attachedPolicies: [
        { policyArn: CORE_POLICY_ARN, policyName: 'AmazonSSMManagedInstanceCore' },
        { policyArn: CLOUDWATCH_POLICY_ARN, policyName: 'CloudWatchAgentServerPolicy' },
        { policyArn: adminArn, policyName: 'AdministratorAccess' },
      ],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['MANAGED_POLICY_UNEXPECTED']);
    expect(findings[0]).toMatchObject({ severity: 'high', fixable: true, subject: adminArn, actual: adminArn });
  });
});

describe('evaluateRole on inline policies', () => {
  const inlineDocument = { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'S3:PutObject', Resource: 'arn:aws:s3:::out/*' } };

  it('reports INLINE_POLICY_PRESENT with the canonical document', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, {
      inlinePolicies: [{ policyName: 'debug', document: observedDocument(inlineDocument) }],
    });

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    expect(codes(findings)).toEqual(['INLINE_POLICY_PRESENT']);
    expect(findings[0]).toMatchObject({
      severity: 'high',
      fixable: true,
      subject: 'debug',
      actual: inlineDocument,
    });
  });

  it('accepts an allowed inline policy', () => {
    const role = observedRole(HARDENED_TRUST_POLICY, {
      inlinePolicies: [{ policyName: 's3-output', document: observedDocument(inlineDocument) }],
    });

    expect(evaluateRole(desiredRole(), role, CONTEXT)).toEqual([]);
  });
});

describe('evaluateRole order', () => {
  it('sorts by code order, then subject', () => {
    const denyStatements = Array.from({ length: 10 }, (_unused, index) => ({
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: `sts:Action${String.fromCharCode(65 + index)}`,
    }));
    const role = observedRole(
      { Statement: [...denyStatements, { Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::2:root', 'arn:aws:iam::1:root'] }, Action: 'sts:AssumeRole' }] },
      {
        path: '/old/',
        attachedPolicies: [
          { policyArn: 'arn:aws:iam::aws:policy/ZPolicy', policyName: 'ZPolicy' },
          { policyArn: 'arn:aws:iam::aws:policy/APolicy', policyName: 'APolicy' },
        ],
        inlinePolicies: [
          { policyName: 'zeta', document: observedDocument({ Statement: [] }) },
          { policyName: 'alpha', document: observedDocument({ Statement: [] }) },
        ],
      },
    );

    const findings = evaluateRole(desiredRole(), role, CONTEXT);

    const codeIndexes = findings.map((finding) => FINDING_CODE_ORDER.indexOf(finding.code));
    expect(codeIndexes).toEqual([...codeIndexes].sort((a, b) => a - b));
    expect(findings.filter((finding) => finding.code === 'TRUST_STATEMENT_EXTRA').map((finding) => finding.subject)).toEqual(
      Array.from({ length: 10 }, (_unused, index) => `trust policy statement ${index + 1}`),
    );
    expect(findings.filter((finding) => finding.code === 'TRUST_PRINCIPAL_EXTRA').map((finding) => finding.subject)).toEqual([
      'AWS:arn:aws:iam::1:root',
      'AWS:arn:aws:iam::2:root',
    ]);
    expect(findings.filter((finding) => finding.code === 'MANAGED_POLICY_UNEXPECTED').map((finding) => finding.subject)).toEqual([
      'arn:aws:iam::aws:policy/APolicy',
      'arn:aws:iam::aws:policy/ZPolicy',
    ]);
    expect(findings.filter((finding) => finding.code === 'INLINE_POLICY_PRESENT').map((finding) => finding.subject)).toEqual([
      'alpha',
      'zeta',
    ]);
  });

  it('ignores order of attached policies', () => {
    const attachedPolicies = [
      { policyArn: 'arn:aws:iam::aws:policy/B', policyName: 'B' },
      { policyArn: 'arn:aws:iam::aws:policy/A', policyName: 'A' },
    ];
    const inlinePolicies = [
      { policyName: 'b', document: observedDocument({ Statement: [] }) },
      { policyName: 'a', document: observedDocument({ Statement: [] }) },
    ];

    const forward = evaluateRole(desiredRole(), observedRole(PLAIN_TRUST_POLICY, { attachedPolicies, inlinePolicies }), CONTEXT);
    const reversed = evaluateRole(
      desiredRole(),
      observedRole(PLAIN_TRUST_POLICY, { attachedPolicies: [...attachedPolicies].reverse(), inlinePolicies: [...inlinePolicies].reverse() }),
      CONTEXT,
    );

    expect(reversed).toEqual(forward);
  });
});

describe('FINDING_CATALOG', () => {
  it('lists every code once in the order', () => {
    expect(new Set(FINDING_CODE_ORDER).size).toBe(FINDING_CODE_ORDER.length);
    expect([...FINDING_CODE_ORDER].sort()).toEqual(Object.keys(FINDING_CATALOG).sort());
  });

  it('has title and description per code', () => {
    for (const entry of Object.values(FINDING_CATALOG)) {
      expect(entry.title).not.toBe('');
      expect(entry.description).toMatch(/^[A-Z].*\.$/);
      expect(entry.description).not.toContain('\n');
    }
  });
});
