/**
 * Turns the validated config into the desired role of one account: placeholders expanded, the
 * overrides that match the account applied in file order, and the trust policy document built.
 */
import type { ValidationProblem } from '../errors.js';
import type { DesiredRole, DesiredTrustPolicy, ManagedPolicyRule, PolicyDocument } from '../model.js';
import { expandPlaceholders, type PlaceholderValues } from './placeholders.js';
import { formatPath } from './problems.js';
import type { AccountMatch, DesiredStateConfig, ManagedPolicyRuleConfig } from './schema.js';

/** The facts about an account that overrides match on: its id, the OUs above it and its tags. */
export interface AccountFacts {
  id: string;
  /** Every OU id from the root down to the account's parent, so a match on an OU covers its child OUs. */
  ouIds: string[];
  /** Account tags; undefined when they were not read, which matches no tag criterion. */
  tags?: Record<string, string>;
  /**
   * Decides the tag criterion of the override at each index when `tags` were not read, so a caller
   * can try what each combination of tag overrides would give before paying for the tag read.
   */
  assumeTagMatch?: (overrideIndex: number) => boolean;
}

/** The partition of the caller and the region of the clients, which fill `${Partition}` and `${Region}`. */
export interface ResolveContext {
  partition: string;
  region: string;
}

/**
 * Builds the desired role for one account. Overrides that match the account apply in file order:
 * a managed policy rule replaces the rule for the same ARN (a later override wins), `hardening`
 * replaces the value before it, and `inlinePolicies` add to the allowed names.
 */
export function resolveDesiredRole(
  config: DesiredStateConfig,
  account: AccountFacts,
  context: ResolveContext,
): DesiredRole {
  const values: PlaceholderValues = { AccountId: account.id, Partition: context.partition, Region: context.region };

  // Keyed by expanded ARN, so `arn:${Partition}:…` and `arn:aws:…` name the same policy in the aws partition.
  const rules = new Map<string, ManagedPolicyRule>();
  for (const rule of config.role.managedPolicies) {
    mergeRule(rules, rule, values);
  }
  let hardening = config.role.trustPolicy.hardening;
  const inlinePolicies = new Set(config.role.inlinePolicies);

  for (const [index, override] of config.overrides.entries()) {
    if (!overrideMatches(override.match, account, index)) {
      continue;
    }
    for (const rule of override.managedPolicies ?? []) {
      mergeRule(rules, rule, values);
    }
    hardening = override.hardening ?? hardening;
    for (const name of override.inlinePolicies ?? []) {
      inlinePolicies.add(name);
    }
  }

  return {
    roleName: config.role.name,
    path: config.role.path,
    trustPolicy: buildTrustPolicy(config, hardening, values),
    managedPolicies: [...rules.values()],
    allowedInlinePolicies: [...inlinePolicies],
  };
}

/**
 * Adds a rule, or replaces the rule for the same ARN. A replacing rule without a description keeps
 * the earlier one; `replacedBy` is kept only while the requirement stays `deprecated`.
 */
function mergeRule(
  rules: Map<string, ManagedPolicyRule>,
  rule: ManagedPolicyRuleConfig,
  values: PlaceholderValues,
): void {
  const arn = expandPlaceholders(rule.arn, values);
  const earlier = rules.get(arn);
  const merged: ManagedPolicyRule = { arn, requirement: rule.requirement };

  if (rule.requirement === 'deprecated') {
    const replacedBy = rule.replacedBy === undefined ? earlier?.replacedBy : expandPlaceholders(rule.replacedBy, values);
    if (replacedBy !== undefined) {
      merged.replacedBy = replacedBy;
    }
  }
  const description = rule.description ?? earlier?.description;
  if (description !== undefined) {
    merged.description = description;
  }

  rules.set(arn, merged);
}

/**
 * Builds the trust policy the account should have. The plain document is the one in the AWS Systems
 * Manager User Guide, "Create an IAM service role for a hybrid environment" (earlier versions of
 * doc_source/sysman-service-role.md in awsdocs/aws-systems-manager-user-guide), with `Statement` as a
 * list. Unless hardening is `off`, the document adds the confused-deputy conditions of the current
 * version of that page: `StringEquals aws:SourceAccount` and a condition on `aws:SourceArn`. This is
 * the document `--fix` writes, so a trust policy that has to be rewritten anyway ends up hardened
 * rather than losing conditions it may already have.
 */
function buildTrustPolicy(
  config: DesiredStateConfig,
  hardening: DesiredTrustPolicy['hardening'],
  values: PlaceholderValues,
): DesiredTrustPolicy {
  const { servicePrincipal, sourceArnRegions } = config.role.trustPolicy;
  const regions = [...new Set(sourceArnRegions.map((region) => expandPlaceholders(region, values)))];
  const sourceArnPatterns = regions.map((region) => `arn:${values.Partition}:ssm:${region}:${values.AccountId}:*`);

  const statement: Record<string, unknown> = {
    Effect: 'Allow',
    Principal: { Service: servicePrincipal },
    Action: 'sts:AssumeRole',
  };
  if (hardening !== 'off') {
    // The guide writes ArnEquals and an empty Sid. ArnEquals and ArnLike match the same way, wildcards
    // included (operator reference at iam.cloudcopilot.io), and ArnLike tells the reader that the
    // value is a pattern. The empty Sid has no effect, so it is left out.
    statement['Condition'] = {
      StringEquals: { 'aws:SourceAccount': values.AccountId },
      ArnLike: { 'aws:SourceArn': sourceArnPatterns[0] },
    };
  }
  const document: PolicyDocument = { Version: '2012-10-17', Statement: [statement] };

  return {
    servicePrincipal,
    action: 'sts:AssumeRole',
    hardening,
    sourceAccount: values.AccountId,
    sourceArnPatterns,
    document,
  };
}

/**
 * Returns true when the override applies to the account. Every kind of criterion given must match.
 * Within a kind, one value is enough: one of the account ids, one of the OUs above the account, or
 * one of the tags with the same value.
 */
export function overrideMatches(match: AccountMatch, account: AccountFacts, overrideIndex?: number): boolean {
  const { accounts, organizationalUnits, tags } = match;

  // Validation rejects a match without criteria. A config built in code could still have one, and
  // it matches nothing here, so that an override never silently widens to every account.
  if (accounts === undefined && organizationalUnits === undefined && tags === undefined) {
    return false;
  }
  if (accounts !== undefined && !accounts.includes(account.id)) {
    return false;
  }
  if (organizationalUnits !== undefined && !organizationalUnits.some((ouId) => account.ouIds.includes(ouId))) {
    return false;
  }
  if (tags !== undefined && account.tags === undefined && account.assumeTagMatch && overrideIndex !== undefined) {
    return account.assumeTagMatch(overrideIndex);
  }
  if (tags !== undefined) {
    const accountTags = account.tags ?? {};
    const anyTagMatches = Object.entries(tags).some(
      ([key, value]) => Object.hasOwn(accountTags, key) && accountTags[key] === value,
    );
    if (!anyTagMatches) {
      return false;
    }
  }
  return true;
}

/** Returns true when some override matches on organizational units, so the scan has to walk the OU tree. */
export function configNeedsOrganizationalUnits(config: DesiredStateConfig): boolean {
  return config.overrides.some((override) => override.match.organizationalUnits !== undefined);
}

/** Returns true when some override matches on tags, so the scan has to read account tags. */
export function configNeedsTags(config: DesiredStateConfig): boolean {
  return config.overrides.some((override) => override.match.tags !== undefined);
}

/**
 * Lists the overrides that match none of the given accounts, one problem per override, for a
 * warning: such an override usually has a mistyped account id, OU id or tag.
 */
export function overridesMatchingNothing(
  config: DesiredStateConfig,
  accounts: readonly AccountFacts[],
): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  config.overrides.forEach((override, index) => {
    if (accounts.some((account) => overrideMatches(override.match, account))) {
      return;
    }
    const name = override.description === undefined ? 'the override' : `the override "${override.description}"`;
    problems.push({
      path: formatPath(['overrides', index]),
      message:
        `${name} matches none of the ${accounts.length} accounts in scope; ` +
        'check the account ids, organizational unit ids and tags in its match',
    });
  });
  return problems;
}
