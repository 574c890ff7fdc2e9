import type { DesiredRole, DesiredTrustPolicy, ObservedRole, PolicyDocument } from '../../src/model.js';
import { decodePolicyDocument } from '../../src/policy/decode.js';

export const ACCOUNT_ID = '111122223333';
export const OTHER_ACCOUNT_ID = '999999999999';
export const CONTEXT = { accountId: ACCOUNT_ID, partition: 'aws' };

export const CORE_POLICY_ARN = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
export const CLOUDWATCH_POLICY_ARN = 'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy';
export const DEPRECATED_POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM';
export const CUSTOMER_POLICY_ARN = `arn:aws:iam::${ACCOUNT_ID}:policy/ssm/bucket-access`;

export const SSM_STATEMENT = {
  Effect: 'Allow',
  Principal: { Service: 'ssm.amazonaws.com' },
  Action: 'sts:AssumeRole',
};

export const HARDENING_CONDITION = {
  StringEquals: { 'aws:SourceAccount': ACCOUNT_ID },
  ArnEquals: { 'aws:SourceArn': `arn:aws:ssm:eu-west-1:${ACCOUNT_ID}:*` },
};

/** The trust policy without conditions, as earlier versions of AWS's guide showed it. */
export const PLAIN_TRUST_POLICY: PolicyDocument = { Version: '2012-10-17', Statement: SSM_STATEMENT };

/** The trust policy with the confused-deputy conditions, as the command-line procedure of AWS's guide shows it. */
export const HARDENED_TRUST_POLICY: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Sid: '', ...SSM_STATEMENT, Condition: HARDENING_CONDITION }],
};

export function trustPolicyWith(...statements: Array<Record<string, unknown>>): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

export function desiredRole(
  overrides: Partial<DesiredRole> = {},
  trustOverrides: Partial<DesiredTrustPolicy> = {},
): DesiredRole {
  return {
    roleName: 'SSMServiceRole',
    path: '/',
    trustPolicy: {
      servicePrincipal: 'ssm.amazonaws.com',
      action: 'sts:AssumeRole',
      hardening: 'recommended',
      sourceAccount: ACCOUNT_ID,
      sourceArnPatterns: [`arn:aws:ssm:*:${ACCOUNT_ID}:*`],
      document: HARDENED_TRUST_POLICY,
      ...trustOverrides,
    },
    managedPolicies: [
      { arn: CORE_POLICY_ARN, requirement: 'required' },
      { arn: CLOUDWATCH_POLICY_ARN, requirement: 'allowed', description: 'CloudWatch agent' },
      { arn: DEPRECATED_POLICY_ARN, requirement: 'deprecated', replacedBy: CORE_POLICY_ARN },
    ],
    allowedInlinePolicies: ['s3-output'],
    ...overrides,
  };
}

/** Encodes a document the way IAM returns it, then decodes it the way the inspect step does. */
export function observedDocument(document: PolicyDocument | string) {
  const text = typeof document === 'string' ? document : JSON.stringify(document);
  return decodePolicyDocument(encodeURIComponent(text));
}

export function observedRole(trustPolicy: PolicyDocument | string, overrides: Partial<ObservedRole> = {}): ObservedRole {
  return {
    roleName: 'SSMServiceRole',
    roleId: 'AROAEXAMPLEID',
    arn: `arn:aws:iam::${ACCOUNT_ID}:role/SSMServiceRole`,
    path: '/',
    trustPolicy: observedDocument(trustPolicy),
    attachedPolicies: [{ policyArn: CORE_POLICY_ARN, policyName: 'AmazonSSMManagedInstanceCore' }],
    inlinePolicies: [],
    ...overrides,
  };
}
