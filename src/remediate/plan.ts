/**
 * The remediation plan of one account, built from the findings of `evaluateRole` alone: pure, so a
 * plan can be printed and reviewed before anything is written.
 */
import { FINDING_CODE_ORDER } from '../evaluate/index.js';
import type { DesiredRole, Finding, ObservedRole } from '../model.js';
import { snapshotRole } from './snapshot.js';
import type { AccountPlan, FindingRef, RemediationAction, RoleSnapshot, RoleTag } from './types.js';

/** Tag that marks a role `--fix` created; its value is the run id. */
export const CREATED_BY_RUN_TAG = 'ssm-role-audit:created-by-run';

/** The subject `evaluateRole` gives trust policy findings; inline policy names cannot contain a space. */
const TRUST_POLICY_SUBJECT = 'trust policy';

const TRUST_FINDING_CODES: ReadonlySet<string> = new Set(FINDING_CODE_ORDER.filter((code) => code.startsWith('TRUST_')));

export interface AccountPlanInput {
  accountId: string;
  desired: DesiredRole;
  /** The role as `inspectRole` read it; undefined when it does not exist. */
  observed: ObservedRole | undefined;
  /** The findings of `evaluateRole` for `observed`. */
  findings: Finding[];
  /** Written into the CREATED_BY_RUN_TAG tag of a role the plan creates; without it the role gets no tag. */
  runId?: string;
  /** Partition of the role ARN when the role is missing; taken from the ROLE_MISSING finding, then `aws`. */
  partition?: string;
}

/**
 * Builds the actions that bring the service role of one account to `desired`, in a safe order:
 * 1. CreateRole with the desired trust policy when the role is missing (tagged with the run id);
 * 2. UpdateAssumeRolePolicy with `desired.trustPolicy.document` for any fixable trust policy finding;
 * 3. AttachRolePolicy for each required managed policy that is missing, before any removal, so the
 *    role never has less than it needs;
 * 4. DetachRolePolicy for deprecated and unexpected managed policies;
 * 5. DeleteRolePolicy for inline policies whose name is not allowed.
 *
 * Advisory findings never cause a write. TRUST_HARDENING_MISSING causes one only when the config sets
 * hardening to `required`. Findings that are not fixable, such as ROLE_PATH_MISMATCH, go to `unfixable`.
 * Every action names `desired.roleName`, and a plan never deletes a role. A compliant account gets an
 * empty plan.
 */
export function buildAccountPlan(input: AccountPlanInput): AccountPlan {
  const { accountId, desired, observed, findings } = input;
  const roleName = observed?.roleName ?? desired.roleName;
  const roleArn = observed?.arn ?? missingRoleArn(input);
  const before = snapshotRole(observed);
  const plan: AccountPlan = { accountId, roleName, roleArn, actions: [], unfixable: [], advisories: [], before };

  const trustFixes: FindingRef[] = [];
  const attaches: RemediationAction[] = [];
  const removals: RemediationAction[] = [];
  const inlineDeletes: RemediationAction[] = [];

  for (const finding of findings) {
    if (isAdvisory(finding, desired)) {
      plan.advisories.push(finding);
      continue;
    }
    if (!finding.fixable) {
      plan.unfixable.push(finding);
      continue;
    }
    const ref: FindingRef = { code: finding.code, subject: finding.subject };

    switch (finding.code) {
      case 'ROLE_MISSING':
        break;
      case 'MANAGED_POLICY_MISSING':
        attaches.push(attachAction(roleName, finding.subject, [ref], `${finding.subject} is required and not attached.`));
        break;
      case 'MANAGED_POLICY_DEPRECATED':
        removals.push(detachAction(roleName, finding.subject, ref, `${finding.subject} is deprecated.`));
        break;
      case 'MANAGED_POLICY_UNEXPECTED':
        removals.push(detachAction(roleName, finding.subject, ref, `No rule in the config lists ${finding.subject}.`));
        break;
      case 'INLINE_POLICY_PRESENT':
        inlineDeletes.push(deleteInlineAction(roleName, before, ref, `The name ${finding.subject} is not in the allowed list.`));
        break;
      case 'POLICY_DOCUMENT_UNPARSEABLE':
        if (finding.subject === TRUST_POLICY_SUBJECT) {
          trustFixes.push(ref);
        } else {
          // evaluateRole marks an unreadable inline policy fixable only when its name is not allowed.
          inlineDeletes.push(
            deleteInlineAction(roleName, before, ref, `The inline policy ${finding.subject} cannot be read and its name is not allowed.`),
          );
        }
        break;
      default:
        if (TRUST_FINDING_CODES.has(finding.code)) {
          trustFixes.push(ref);
        } else {
          plan.unfixable.push(finding);
        }
    }
  }

  if (observed === undefined) {
    const missing = findings.find((finding) => finding.code === 'ROLE_MISSING');
    const ref: FindingRef = { code: 'ROLE_MISSING', subject: missing?.subject ?? roleArn };
    plan.actions.push(createRoleAction(desired, roleArn, ref, input.runId));
    for (const rule of desired.managedPolicies) {
      if (rule.requirement === 'required') {
        plan.actions.push(attachAction(desired.roleName, rule.arn, [ref], `${rule.arn} is required on the new role.`));
      }
    }
    return plan;
  }

  if (trustFixes.length > 0) {
    plan.actions.push(updateTrustAction(desired, roleName, roleArn, observed.trustPolicy.text, trustFixes));
  }
  plan.actions.push(...attaches, ...removals, ...inlineDeletes);
  return plan;
}

/**
 * A finding that must not cause a write: one marked advisory, or TRUST_HARDENING_MISSING while the
 * config only recommends the confused-deputy conditions.
 */
function isAdvisory(finding: Finding, desired: DesiredRole): boolean {
  if (finding.advisory === true) {
    return true;
  }
  return finding.code === 'TRUST_HARDENING_MISSING' && desired.trustPolicy.hardening !== 'required';
}

function missingRoleArn(input: AccountPlanInput): string {
  const missing = input.findings.find((finding) => finding.code === 'ROLE_MISSING');
  if (missing !== undefined && missing.subject.startsWith('arn:')) {
    return missing.subject;
  }
  const partition = input.partition ?? 'aws';
  return `arn:${partition}:iam::${input.accountId}:role${input.desired.path}${input.desired.roleName}`;
}

function createRoleAction(desired: DesiredRole, roleArn: string, ref: FindingRef, runId: string | undefined): RemediationAction {
  const trustPolicy = JSON.stringify(desired.trustPolicy.document);
  const tags: RoleTag[] = runId === undefined ? [] : [{ Key: CREATED_BY_RUN_TAG, Value: runId }];
  return {
    kind: 'CreateRole',
    fixes: [ref],
    target: roleArn,
    before: null,
    after: trustPolicy,
    // The tag goes with CreateRole rather than a later TagRole, so no created role is ever untagged.
    write: { kind: 'CreateRole', roleName: desired.roleName, path: desired.path, trustPolicy, tags },
    undo: { kind: 'DeleteRole', roleName: desired.roleName },
    reason: `The account has no role ${desired.roleName}.`,
  };
}

/**
 * Replaces the whole trust policy with the configured document.
 * NOTE: with hardening `recommended` that document has no confused-deputy conditions, so a trust
 * policy that had them and also had another finding loses them, leaving an advisory.
 */
function updateTrustAction(
  desired: DesiredRole,
  roleName: string,
  roleArn: string,
  currentText: string,
  fixes: FindingRef[],
): RemediationAction {
  const trustPolicy = JSON.stringify(desired.trustPolicy.document);
  return {
    kind: 'UpdateAssumeRolePolicy',
    fixes,
    target: roleArn,
    before: currentText,
    after: trustPolicy,
    write: { kind: 'UpdateAssumeRolePolicy', roleName, trustPolicy },
    // The decoded text is what IAM stored, so writing it back restores the document exactly.
    undo: { kind: 'UpdateAssumeRolePolicy', roleName, trustPolicy: currentText },
    reason: `The trust policy has ${fixes.map((fix) => fix.code).join(', ')}.`,
  };
}

function attachAction(roleName: string, policyArn: string, fixes: FindingRef[], reason: string): RemediationAction {
  return {
    kind: 'AttachRolePolicy',
    fixes,
    target: policyArn,
    before: null,
    after: policyArn,
    write: { kind: 'AttachRolePolicy', roleName, policyArn },
    undo: { kind: 'DetachRolePolicy', roleName, policyArn },
    reason,
  };
}

function detachAction(roleName: string, policyArn: string, ref: FindingRef, reason: string): RemediationAction {
  return {
    kind: 'DetachRolePolicy',
    fixes: [ref],
    target: policyArn,
    before: policyArn,
    after: null,
    write: { kind: 'DetachRolePolicy', roleName, policyArn },
    undo: { kind: 'AttachRolePolicy', roleName, policyArn },
    reason,
  };
}

function deleteInlineAction(
  roleName: string,
  before: RoleSnapshot | undefined,
  ref: FindingRef,
  reason: string,
): RemediationAction {
  const policyName = ref.subject;
  const document = before?.inlinePolicies.find((policy) => policy.policyName === policyName)?.document ?? null;
  return {
    kind: 'DeleteRolePolicy',
    fixes: [ref],
    target: policyName,
    before: document,
    after: null,
    write: { kind: 'DeleteRolePolicy', roleName, policyName },
    // NOTE: IAM rejects PutRolePolicy with a document that is not valid JSON, so the undo of deleting
    // an unreadable inline policy fails; the journal still keeps its text for a person.
    undo: document === null ? null : { kind: 'PutRolePolicy', roleName, policyName, policyDocument: document },
    reason,
  };
}
