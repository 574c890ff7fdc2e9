import type { Finding, FindingCode, Severity } from '../model.js';

/** Meaning of a finding code, for the README, the report legend and `evaluateRole`. */
export interface FindingCatalogEntry {
  /** Severity unless the config changes it. Only TRUST_HARDENING_MISSING depends on the config. */
  defaultSeverity: Severity;
  title: string;
  /** One sentence on what the finding means. */
  description: string;
  /** Whether `--fix` can usually remediate the finding. `Finding.fixable` gives the value for each finding. */
  fixable: boolean;
}

/**
 * Every finding code, in the order in which `evaluateRole` reports them: the role itself, then the
 * trust policy, then the permissions policies.
 */
export const FINDING_CODE_ORDER: readonly FindingCode[] = [
  'ROLE_MISSING',
  'ROLE_PATH_MISMATCH',
  'POLICY_DOCUMENT_UNPARSEABLE',
  'TRUST_PRINCIPAL_MISSING',
  'TRUST_PRINCIPAL_EXTRA',
  'TRUST_STATEMENT_EXTRA',
  'TRUST_CONDITION_MISMATCH',
  'TRUST_HARDENING_MISSING',
  'TRUST_VERSION_MISSING',
  'MANAGED_POLICY_MISSING',
  'MANAGED_POLICY_DEPRECATED',
  'MANAGED_POLICY_UNEXPECTED',
  'INLINE_POLICY_PRESENT',
];

/** The meaning, default severity and usual fixability of each finding code. */
export const FINDING_CATALOG: Readonly<Record<FindingCode, FindingCatalogEntry>> = {
  ROLE_MISSING: {
    defaultSeverity: 'high',
    title: 'Service role missing',
    description: 'The account has no IAM role with the configured name, so hybrid activations cannot use it.',
    fixable: true,
  },
  ROLE_PATH_MISMATCH: {
    defaultSeverity: 'low',
    title: 'Role path differs',
    description:
      'The role exists under another IAM path than configured. IAM cannot change the path of a role, so a fix means recreating it.',
    fixable: false,
  },
  POLICY_DOCUMENT_UNPARSEABLE: {
    defaultSeverity: 'high',
    title: 'Policy document unreadable',
    description:
      'The trust policy or an inline policy is not valid percent-encoded JSON, so its content was not checked.',
    fixable: true,
  },
  TRUST_PRINCIPAL_MISSING: {
    defaultSeverity: 'critical',
    title: 'Service principal not trusted',
    description:
      'No Allow statement in the trust policy lets the Systems Manager service principal call sts:AssumeRole.',
    fixable: true,
  },
  TRUST_PRINCIPAL_EXTRA: {
    defaultSeverity: 'critical',
    title: 'Extra principal trusted',
    description: 'The trust policy lets a principal other than the Systems Manager service principal assume the role.',
    fixable: true,
  },
  TRUST_STATEMENT_EXTRA: {
    defaultSeverity: 'medium',
    title: 'Extra trust policy statement',
    description:
      'The trust policy has a statement or element beyond the one that trusts the service principal, such as a Deny, a NotPrincipal or an extra action.',
    fixable: true,
  },
  TRUST_CONDITION_MISMATCH: {
    defaultSeverity: 'high',
    title: 'Unexpected trust policy condition',
    description:
      'The statement that trusts the service principal has a condition other than aws:SourceAccount and aws:SourceArn, or one that names another account or source ARN.',
    fixable: true,
  },
  TRUST_HARDENING_MISSING: {
    defaultSeverity: 'low',
    title: 'Confused-deputy conditions missing',
    description:
      'The statement that trusts the service principal has no aws:SourceAccount or aws:SourceArn condition. The severity is high when the config requires them.',
    fixable: true,
  },
  TRUST_VERSION_MISSING: {
    defaultSeverity: 'medium',
    title: 'Policy language version not 2012-10-17',
    description:
      'The trust policy has no Version or another Version than 2012-10-17. Without Version, IAM uses the 2008-10-17 language, which has no policy variables.',
    fixable: true,
  },
  MANAGED_POLICY_MISSING: {
    defaultSeverity: 'high',
    title: 'Required managed policy not attached',
    description:
      'A managed policy that the config requires is not attached. A fix attaches a customer managed policy only if it exists in the account.',
    fixable: true,
  },
  MANAGED_POLICY_DEPRECATED: {
    defaultSeverity: 'medium',
    title: 'Deprecated managed policy attached',
    description: 'A managed policy that the config marks as deprecated is still attached to the role.',
    fixable: true,
  },
  MANAGED_POLICY_UNEXPECTED: {
    defaultSeverity: 'high',
    title: 'Unexpected managed policy attached',
    description: 'A managed policy that no rule in the config lists is attached to the role.',
    fixable: true,
  },
  INLINE_POLICY_PRESENT: {
    defaultSeverity: 'high',
    title: 'Unexpected inline policy',
    description: 'The role has an inline policy whose name is not in the allowed list.',
    fixable: true,
  },
};

/** Builds a finding with the catalog's severity and fixability unless `fields` sets them. */
export function createFinding(
  code: FindingCode,
  fields: Pick<Finding, 'message' | 'subject'> &
    Partial<Pick<Finding, 'severity' | 'expected' | 'actual' | 'fixable' | 'advisory'>>,
): Finding {
  const entry = FINDING_CATALOG[code];
  const finding: Finding = {
    code,
    severity: fields.severity ?? entry.defaultSeverity,
    message: fields.message,
    subject: fields.subject,
    fixable: fields.fixable ?? entry.fixable,
  };
  if (fields.expected !== undefined) {
    finding.expected = fields.expected;
  }
  if (fields.actual !== undefined) {
    finding.actual = fields.actual;
  }
  if (fields.advisory) {
    finding.advisory = true;
  }
  return finding;
}
