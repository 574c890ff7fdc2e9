/**
 * Drift checks of the permissions policies of the service role: the managed policies attached to it
 * and its inline policies.
 */
import type { DesiredRole, Finding, ObservedRole } from '../model.js';
import { createFinding } from './catalog.js';

/**
 * Compares the attached managed policies with the rules of `desired`, by full policy ARN with the
 * path included, so `arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM` is not
 * `arn:aws:iam::aws:policy/AmazonEC2RoleforSSM`.
 *
 * A missing required policy is fixable both for AWS managed policies (`arn:<partition>:iam::aws:policy/...`),
 * which exist in every account, and for customer managed policies, which may not exist in the
 * account. Marking the second kind unfixable would hide the many accounts where the policy does
 * exist, so the remediation step checks that the policy exists before it attaches it.
 */
export function evaluateManagedPolicies(desired: DesiredRole, observed: ObservedRole): Finding[] {
  const findings: Finding[] = [];
  const attachedArns = observed.attachedPolicies.map((policy) => policy.policyArn);
  const attached = new Set(attachedArns);
  const rulesByArn = new Map(desired.managedPolicies.map((rule) => [rule.arn, rule]));

  for (const rule of desired.managedPolicies) {
    const purpose = rule.description === undefined ? '' : ` (${rule.description})`;

    if (rule.requirement === 'required' && !attached.has(rule.arn)) {
      findings.push(
        createFinding('MANAGED_POLICY_MISSING', {
          subject: rule.arn,
          message: `Role ${desired.roleName} does not have the required managed policy ${rule.arn}${purpose} attached.`,
          expected: rule.arn,
          actual: [...attachedArns].sort(),
        }),
      );
    }

    if (rule.requirement === 'deprecated' && attached.has(rule.arn)) {
      const replacement =
        rule.replacedBy === undefined ? 'Detach it.' : `Replace it with ${rule.replacedBy}.`;
      findings.push(
        createFinding('MANAGED_POLICY_DEPRECATED', {
          subject: rule.arn,
          message: `Role ${desired.roleName} has the deprecated managed policy ${rule.arn}${purpose} attached. ${replacement}`,
          expected: rule.replacedBy,
          actual: rule.arn,
        }),
      );
    }
  }

  for (const policy of observed.attachedPolicies) {
    if (!rulesByArn.has(policy.policyArn)) {
      findings.push(
        createFinding('MANAGED_POLICY_UNEXPECTED', {
          subject: policy.policyArn,
          message: `Role ${desired.roleName} has the managed policy ${policy.policyArn} attached, and no rule in the config lists it.`,
          actual: policy.policyArn,
        }),
      );
    }
  }

  return findings;
}

/**
 * Reports every inline policy whose name is not in `desired.allowedInlinePolicies`, and every inline
 * policy whose document could not be parsed.
 *
 * An unparseable document gets POLICY_DOCUMENT_UNPARSEABLE instead of INLINE_POLICY_PRESENT. It is
 * never fixable: IAM accepts only valid JSON in PutRolePolicy, so a policy the tool cannot read could
 * not be put back by a rollback once deleted. A person must read it and decide.
 */
export function evaluateInlinePolicies(desired: DesiredRole, observed: ObservedRole): Finding[] {
  const findings: Finding[] = [];
  const allowedNames = new Set(desired.allowedInlinePolicies);

  for (const inline of observed.inlinePolicies) {
    const allowed = allowedNames.has(inline.policyName);
    const { document, parseError } = inline.document;

    if (document === undefined || parseError !== undefined) {
      const reason = parseError ?? 'no document was parsed';
      const nameStatus = allowed ? 'an allowed name' : 'a name that is not allowed';
      findings.push(
        createFinding('POLICY_DOCUMENT_UNPARSEABLE', {
          subject: inline.policyName,
          message: `The inline policy ${inline.policyName} of role ${desired.roleName}, ${nameStatus}, could not be parsed (${reason}).`,
          actual: inline.document.text,
          fixable: false,
        }),
      );
      continue;
    }

    if (!allowed) {
      findings.push(
        createFinding('INLINE_POLICY_PRESENT', {
          subject: inline.policyName,
          message: `Role ${desired.roleName} has the inline policy ${inline.policyName}, which is not in the allowed list.`,
          actual: document,
        }),
      );
    }
  }

  return findings;
}
