/**
 * Reads the SSM service role of one account as IAM stores it: the role, its trust policy, its managed
 * policy attachments and its inline policies, every page followed.
 */
import type { IamReadApi } from '../aws/api.js';
import { isNoSuchEntity } from '../aws/aws-error.js';
import { AuditError } from '../errors.js';
import type { AttachedPolicy, InlinePolicy, ObservedRole } from '../model.js';
import { decodePolicyDocument } from '../policy/decode.js';

/**
 * Returns the role, or undefined when `GetRole` answers `NoSuchEntity`. Any other error is thrown for
 * the caller to record as the account's error.
 */
export async function inspectRole(iam: IamReadApi, roleName: string): Promise<ObservedRole | undefined> {
  let role;
  try {
    role = (await iam.getRole({ RoleName: roleName })).Role;
  } catch (error) {
    if (isNoSuchEntity(error)) return undefined;
    throw error;
  }
  if (!role?.Arn || role.AssumeRolePolicyDocument === undefined) {
    throw new AuditError('UNEXPECTED_AWS_RESPONSE', `GetRole for ${roleName} returned no role ARN or no trust policy.`);
  }

  const [attachedPolicies, inlinePolicyNames] = await Promise.all([
    listAttachedPolicies(iam, roleName),
    listInlinePolicyNames(iam, roleName),
  ]);
  const inlinePolicies = await Promise.all(inlinePolicyNames.map((name) => readInlinePolicy(iam, roleName, name)));

  const observed: ObservedRole = {
    roleName: role.RoleName ?? roleName,
    roleId: role.RoleId ?? '',
    arn: role.Arn,
    path: role.Path ?? '/',
    trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument),
    attachedPolicies,
    inlinePolicies,
  };
  if (role.CreateDate) observed.createDate = role.CreateDate.toISOString();
  return observed;
}

async function listAttachedPolicies(iam: IamReadApi, roleName: string): Promise<AttachedPolicy[]> {
  const policies: AttachedPolicy[] = [];
  await followMarkers('ListAttachedRolePolicies', roleName, async (marker) => {
    const page = await iam.listAttachedRolePolicies({ RoleName: roleName, Marker: marker });
    for (const policy of page.AttachedPolicies ?? []) {
      policies.push({ policyArn: policy.PolicyArn ?? '', policyName: policy.PolicyName ?? '' });
    }
    return page;
  });
  return policies;
}

async function listInlinePolicyNames(iam: IamReadApi, roleName: string): Promise<string[]> {
  const names: string[] = [];
  await followMarkers('ListRolePolicies', roleName, async (marker) => {
    const page = await iam.listRolePolicies({ RoleName: roleName, Marker: marker });
    names.push(...(page.PolicyNames ?? []));
    return page;
  });
  return names;
}

async function readInlinePolicy(iam: IamReadApi, roleName: string, policyName: string): Promise<InlinePolicy> {
  const output = await iam.getRolePolicy({ RoleName: roleName, PolicyName: policyName });
  return { policyName, document: decodePolicyDocument(output.PolicyDocument ?? '') };
}

interface MarkerPage {
  IsTruncated?: boolean;
  Marker?: string;
}

/**
 * Follows IAM's `Marker` pagination. IAM may return fewer items than `MaxItems` while `IsTruncated`
 * is true, so only `IsTruncated` ends the loop. A truncated page without a new marker would loop
 * forever and is reported as an unexpected response instead.
 */
async function followMarkers(
  operation: string,
  roleName: string,
  fetchPage: (marker: string | undefined) => Promise<MarkerPage>,
): Promise<void> {
  const seen = new Set<string>();
  let marker: string | undefined;
  for (;;) {
    const page = await fetchPage(marker);
    if (!page.IsTruncated) return;
    if (!page.Marker || seen.has(page.Marker)) {
      throw new AuditError(
        'UNEXPECTED_AWS_RESPONSE',
        `${operation} for ${roleName} returned IsTruncated without a new Marker; the listing cannot be completed.`,
      );
    }
    seen.add(page.Marker);
    marker = page.Marker;
  }
}
