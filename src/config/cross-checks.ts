/**
 * Config rules that relate several values. They read the raw parsed file rather than the zod output,
 * so they still run when another part of the file has the wrong shape, and every problem is reported
 * in one go. Values of the wrong type are skipped here, because the schema reports them.
 */
import { formatPath, type ConfigProblem, type PathSegment } from './problems.js';

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function asArray(value: unknown): unknown[] | undefined {
  return Array.isArray(value) ? value : undefined;
}

/** Runs every cross-value rule on the raw config and returns the problems found. */
export function checkConfigRelations(raw: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const root = asRecord(raw);
  if (root === undefined) {
    return problems;
  }

  const role = asRecord(root['role']);
  if (role !== undefined) {
    const rules = asArray(role['managedPolicies']);
    if (rules !== undefined) {
      checkManagedPolicyRules(rules, ['role', 'managedPolicies'], problems);
      checkHasRequiredPolicy(rules, problems);
    }
    checkDuplicateStrings(asArray(role['inlinePolicies']), ['role', 'inlinePolicies'], 'inline policy name', problems);
    const trustPolicy = asRecord(role['trustPolicy']);
    checkSourceArnRegions(asArray(trustPolicy?.['sourceArnRegions']), problems);
  }

  asArray(root['overrides'])?.forEach((item, index) => {
    const override = asRecord(item);
    if (override !== undefined) {
      checkOverride(override, ['overrides', index], problems);
    }
  });

  return problems;
}

function checkManagedPolicyRules(rules: unknown[], path: PathSegment[], problems: ConfigProblem[]): void {
  const firstIndexByArn = new Map<string, number>();

  rules.forEach((item, index) => {
    const rule = asRecord(item);
    if (rule === undefined) {
      return;
    }
    const rulePath = [...path, index];
    const arn = rule['arn'];

    if (typeof arn === 'string') {
      const firstIndex = firstIndexByArn.get(arn);
      if (firstIndex === undefined) {
        firstIndexByArn.set(arn, index);
      } else {
        problems.push({
          path: [...rulePath, 'arn'],
          message:
            `duplicate ARN ${arn}, already listed at ${formatPath([...path, firstIndex])}; ` +
            'keep one rule per policy in a list',
        });
      }
    }

    if (rule['replacedBy'] !== undefined && rule['requirement'] !== 'deprecated') {
      problems.push({
        path: [...rulePath, 'replacedBy'],
        message:
          'replacedBy is only allowed on rules with requirement: deprecated; ' +
          'remove replacedBy or set requirement: deprecated',
      });
    } else if (typeof arn === 'string' && rule['replacedBy'] === arn) {
      problems.push({
        path: [...rulePath, 'replacedBy'],
        message: 'replacedBy names the deprecated policy itself; name the policy that replaces it',
      });
    }
  });
}

function checkHasRequiredPolicy(rules: unknown[], problems: ConfigProblem[]): void {
  if (rules.length === 0) {
    return; // The schema already reports the empty list.
  }
  const hasRequired = rules.some((item) => asRecord(item)?.['requirement'] === 'required');
  if (!hasRequired) {
    problems.push({
      path: ['role', 'managedPolicies'],
      message:
        'no managed policy has requirement: required; the role needs at least one, ' +
        'usually arn:${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore',
    });
  }
}

function checkDuplicateStrings(
  values: unknown[] | undefined,
  path: PathSegment[],
  what: string,
  problems: ConfigProblem[],
): void {
  const seen = new Set<string>();
  values?.forEach((value, index) => {
    if (typeof value !== 'string') {
      return;
    }
    if (seen.has(value)) {
      problems.push({ path: [...path, index], message: `duplicate ${what} ${JSON.stringify(value)}; remove it` });
    }
    seen.add(value);
  });
}

function checkSourceArnRegions(regions: unknown[] | undefined, problems: ConfigProblem[]): void {
  if (regions === undefined || regions.length < 2) {
    return;
  }
  regions.forEach((region, index) => {
    if (region === '*') {
      problems.push({
        path: ['role', 'trustPolicy', 'sourceArnRegions', index],
        message: '"*" already accepts every region, so the other entries have no effect; keep either "*" or the region names',
      });
    }
  });
  checkDuplicateStrings(regions, ['role', 'trustPolicy', 'sourceArnRegions'], 'region', problems);
}

function checkOverride(override: Record<string, unknown>, path: PathSegment[], problems: ConfigProblem[]): void {
  const match = asRecord(override['match']);
  if (match !== undefined) {
    checkMatch(match, [...path, 'match'], problems);
  }

  const rules = asArray(override['managedPolicies']);
  if (rules !== undefined) {
    checkManagedPolicyRules(rules, [...path, 'managedPolicies'], problems);
  }
  checkDuplicateStrings(asArray(override['inlinePolicies']), [...path, 'inlinePolicies'], 'inline policy name', problems);

  const changesSomething =
    (rules !== undefined && rules.length > 0) ||
    override['hardening'] !== undefined ||
    (asArray(override['inlinePolicies'])?.length ?? 0) > 0;
  if (!changesSomething) {
    problems.push({
      path,
      message: 'the override changes nothing; set managedPolicies, hardening or inlinePolicies, or remove it',
    });
  }
}

function checkMatch(match: Record<string, unknown>, path: PathSegment[], problems: ConfigProblem[]): void {
  const { accounts, organizationalUnits, tags } = match;
  if (accounts === undefined && organizationalUnits === undefined && tags === undefined) {
    problems.push({
      path,
      message:
        'match has no criteria, so it would apply to every account; set accounts, organizationalUnits or tags ' +
        '(to change every account, edit role instead)',
    });
    return;
  }

  const tagMap = asRecord(tags);
  if (tagMap !== undefined && Object.keys(tagMap).length === 0) {
    problems.push({
      path: [...path, 'tags'],
      message: 'tags is empty; add at least one tag such as "ssm:vpc-endpoints": "true", or remove the key',
    });
  }
  checkDuplicateStrings(asArray(accounts), [...path, 'accounts'], 'account id', problems);
  checkDuplicateStrings(asArray(organizationalUnits), [...path, 'organizationalUnits'], 'organizational unit id', problems);
}
