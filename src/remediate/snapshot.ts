/**
 * Role snapshots: taking one from an inspected role, predicting the one a write leaves, and listing
 * how two of them differ. Rollback uses the last two to tell whether anybody changed a role after
 * `--fix` did.
 */
import type { ObservedRole, PolicyDocument } from '../model.js';
import { policiesEquivalent } from '../policy/index.js';
import type { RoleSnapshot, RoleWrite } from './types.js';

/** Takes the snapshot of a role as `inspectRole` read it; undefined stays undefined (no role). */
export function snapshotRole(observed: ObservedRole | undefined): RoleSnapshot | undefined {
  if (observed === undefined) {
    return undefined;
  }
  return {
    roleName: observed.roleName,
    path: observed.path,
    arn: observed.arn,
    roleId: observed.roleId,
    trustPolicy: observed.trustPolicy.text,
    attachedPolicyArns: observed.attachedPolicies.map((policy) => policy.policyArn).sort(),
    inlinePolicies: observed.inlinePolicies
      .map((policy) => ({ policyName: policy.policyName, document: policy.document.text }))
      .sort((a, b) => compareText(a.policyName, b.policyName)),
  };
}

/**
 * Returns the snapshot that `write` leaves when it succeeds on `snapshot`. `roleArn` is the ARN a
 * created role gets. Never changes its input.
 */
export function applyWriteToSnapshot(
  snapshot: RoleSnapshot | undefined,
  write: RoleWrite,
  roleArn: string,
): RoleSnapshot | undefined {
  if (write.kind === 'CreateRole') {
    return {
      roleName: write.roleName,
      path: write.path,
      arn: roleArn,
      trustPolicy: write.trustPolicy,
      attachedPolicyArns: [],
      inlinePolicies: [],
    };
  }
  if (write.kind === 'DeleteRole' || snapshot === undefined) {
    return undefined;
  }

  const next: RoleSnapshot = {
    ...snapshot,
    attachedPolicyArns: [...snapshot.attachedPolicyArns],
    inlinePolicies: [...snapshot.inlinePolicies],
  };
  switch (write.kind) {
    case 'UpdateAssumeRolePolicy':
      next.trustPolicy = write.trustPolicy;
      break;
    case 'AttachRolePolicy':
      if (!next.attachedPolicyArns.includes(write.policyArn)) {
        next.attachedPolicyArns = [...next.attachedPolicyArns, write.policyArn].sort();
      }
      break;
    case 'DetachRolePolicy':
      next.attachedPolicyArns = next.attachedPolicyArns.filter((arn) => arn !== write.policyArn);
      break;
    case 'PutRolePolicy':
      next.inlinePolicies = [
        ...next.inlinePolicies.filter((policy) => !sameInlineName(policy.policyName, write.policyName)),
        { policyName: write.policyName, document: write.policyDocument },
      ].sort((a, b) => compareText(a.policyName, b.policyName));
      break;
    case 'DeleteRolePolicy':
      next.inlinePolicies = next.inlinePolicies.filter((policy) => !sameInlineName(policy.policyName, write.policyName));
      break;
  }
  return next;
}

/**
 * Lists how `actual` differs from `expected`, one sentence each; empty when they are the same.
 * Documents compare as IAM treats them (`policiesEquivalent`), so a document IAM stored in another
 * shape is no difference. Role ids compare only when both snapshots have one.
 */
export function diffSnapshots(expected: RoleSnapshot | undefined, actual: RoleSnapshot | undefined): string[] {
  if (expected === undefined && actual === undefined) {
    return [];
  }
  if (expected === undefined) {
    return [`the role ${actual!.arn} exists, but it was expected not to exist`];
  }
  if (actual === undefined) {
    return [`the role ${expected.arn} does not exist, but it was expected to exist`];
  }

  const differences: string[] = [];
  if (expected.roleId !== undefined && actual.roleId !== undefined && expected.roleId !== actual.roleId) {
    differences.push(`the role has the id ${actual.roleId} instead of ${expected.roleId}, so it was deleted and created again`);
  }
  if (expected.path !== actual.path) {
    differences.push(`the role path is ${actual.path} instead of ${expected.path}`);
  }
  if (!documentsEqual(expected.trustPolicy, actual.trustPolicy)) {
    differences.push('the trust policy differs');
  }

  for (const arn of actual.attachedPolicyArns) {
    if (!expected.attachedPolicyArns.includes(arn)) {
      differences.push(`the managed policy ${arn} is attached, but it was expected not to be`);
    }
  }
  for (const arn of expected.attachedPolicyArns) {
    if (!actual.attachedPolicyArns.includes(arn)) {
      differences.push(`the managed policy ${arn} is not attached, but it was expected to be`);
    }
  }

  for (const policy of actual.inlinePolicies) {
    const counterpart = expected.inlinePolicies.find((candidate) => sameInlineName(candidate.policyName, policy.policyName));
    if (counterpart === undefined) {
      differences.push(`the inline policy ${policy.policyName} exists, but it was expected not to`);
    } else if (!documentsEqual(counterpart.document, policy.document)) {
      differences.push(`the inline policy ${policy.policyName} has another document`);
    }
  }
  for (const policy of expected.inlinePolicies) {
    if (!actual.inlinePolicies.some((candidate) => sameInlineName(candidate.policyName, policy.policyName))) {
      differences.push(`the inline policy ${policy.policyName} does not exist, but it was expected to`);
    }
  }
  return differences;
}

/** Equal texts, or two parseable documents that IAM treats the same. */
function documentsEqual(a: string, b: string): boolean {
  if (a === b) {
    return true;
  }
  const left = parseDocument(a);
  const right = parseDocument(b);
  return left !== undefined && right !== undefined && policiesEquivalent(left, right);
}

function parseDocument(text: string): PolicyDocument | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as PolicyDocument) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Compares inline policy names without case. The IAM User Guide ("IAM identifiers") states that names of
 * roles and policies are not distinguished by case, and the emulator applies that to inline policy
 * names too. NOTE: that inline policy names follow the rule in AWS is an assumption, not checked on AWS.
 */
function sameInlineName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

/** Orders by UTF-16 code units, so the order does not depend on the locale. */
function compareText(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}
