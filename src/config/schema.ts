/**
 * The zod schema of the desired-state config file. It checks the shape and the format of every
 * value. The rules that relate several values (duplicates, `replacedBy`, empty `match`) are in
 * `cross-checks.ts`, so that they run even where the shape is partly wrong.
 */
import { z } from 'zod';

import { findUnknownPlaceholders, PLACEHOLDER_LIST } from './placeholders.js';

/** Account ids are 12 digits, leading zeros included (AWS Organizations API reference, `Account.Id`). */
export const ACCOUNT_ID_PATTERN = /^\d{12}$/;

/** Organizations API reference, `OrganizationalUnit.Id`. */
export const OU_ID_PATTERN = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;

/** IAM API reference, `CreateRole`: `RoleName` is 1-64 characters of `[\w+=,.@-]`. */
export const ROLE_NAME_PATTERN = /^[\w+=,.@-]{1,64}$/;

/**
 * IAM API reference, `CreateRole`: `Path` is `/` alone, or starts and ends with `/`. Its characters
 * are ASCII `!` (U+0021) through DEL (U+007F), and it has at most 512 of them.
 */
export const ROLE_PATH_PATTERN = /^(?:\/|\/[\u0021-\u007F]+\/)$/;
export const ROLE_PATH_MAX_LENGTH = 512;

/**
 * IAM User Guide, "Using service-linked roles": AWS services create their service-linked roles under
 * this path and with names that start with this prefix. IAM rejects writes to them
 * (`UnmodifiableEntity`), and the tool must never try.
 */
export const SERVICE_LINKED_ROLE_PATH = '/aws-service-role/';
export const SERVICE_LINKED_ROLE_NAME_PREFIX = 'AWSServiceRoleFor';

/** IAM API reference, `PutRolePolicy`: `PolicyName` is 1-128 characters of `[\w+=,.@-]`. */
export const INLINE_POLICY_NAME_PATTERN = /^[\w+=,.@-]{1,128}$/;

/**
 * A managed policy ARN as IAM writes it (IAM User Guide, "IAM identifiers"):
 * `arn:<partition>:iam::<aws | account id>:policy/<path><name>`. The partition may be
 * `${Partition}`, the account `${AccountId}`, and the name may contain any known placeholder.
 * Path segments use the role path characters without `/`; names use `[\w+=,.@-]`.
 */
export const POLICY_ARN_PATTERN = new RegExp(
  '^arn:(?:\\$\\{Partition\\}|aws|aws-cn|aws-us-gov):iam::(?:aws|\\$\\{AccountId\\}|\\d{12}):policy/' +
    '(?:[\\u0021-\\u002E\\u0030-\\u007E]+/)*' +
    '(?:[\\w+=,.@-]|\\$\\{(?:AccountId|Partition|Region)\\})+$',
);

/** A region name such as `eu-west-1` or `us-gov-west-1`, `*` for any region, or `${Region}`. */
export const SOURCE_ARN_REGION_PATTERN = /^(?:\*|\$\{Region\}|[a-z]{2}(?:-[a-z]+)+-\d{1,2})$/;

/** A service principal such as `ssm.amazonaws.com` (`.amazonaws.com.cn` in the China regions). */
export const SERVICE_PRINCIPAL_PATTERN = /^[a-z0-9-]+(?:\.[a-z0-9-]+)*\.amazonaws\.com(?:\.cn)?$/;

const EXAMPLE_POLICY_ARN = 'arn:${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore';

/** Shows a received value in a message: strings quoted, everything else as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) {
    return 'nothing';
  }
  if (value === null) {
    return 'an empty value (null)';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    return 'a list';
  }
  if (value !== null && typeof value === 'object') {
    return 'a mapping';
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}

function accountIdTypeMessage(input: unknown): string {
  if (typeof input === 'number' && Number.isInteger(input) && input >= 0 && String(input).length <= 12) {
    // YAML 1.2 reads 012345678901 as the integer 12345678901, so the leading zero is gone before
    // the schema receives the value. Padding back to 12 digits is what the author most likely wrote.
    const padded = String(input).padStart(12, '0');
    return (
      `account id ${input} is a YAML number, and YAML drops the leading zeros of numbers; ` +
      `write the id as a quoted string, for example "${padded}"`
    );
  }
  return `expected a 12-digit account id as a quoted string, got ${describeValue(input)}`;
}

const accountId = z
  .string({ error: (issue) => accountIdTypeMessage(issue.input) })
  .regex(ACCOUNT_ID_PATTERN, {
    error: (issue) => `${describeValue(issue.input)} is not an account id; expected exactly 12 digits`,
  })
  .meta({ description: 'An AWS account id: 12 digits, quoted so that YAML keeps the leading zeros.' });

const organizationalUnitId = z
  .string()
  .regex(OU_ID_PATTERN, {
    error: (issue) =>
      `${describeValue(issue.input)} is not an organizational unit id; expected ou-<root part>-<OU part>, ` +
      'for example "ou-ab12-cd34ef56" (the id, not the OU name)',
  })
  .meta({ description: 'An organizational unit id; the override also matches accounts in its child OUs.' });

const tagValue = z.string({
  error: (issue) =>
    typeof issue.input === 'boolean' || typeof issue.input === 'number'
      ? `tag values are strings, but YAML read ${describeValue(issue.input)}; ` +
        `put the value in quotes, for example "${String(issue.input)}"`
      : `expected a tag value string, got ${describeValue(issue.input)}`,
});

const policyArn = z
  .string()
  .superRefine((value, context) => {
    const unknown = findUnknownPlaceholders(value);
    for (const name of unknown) {
      context.addIssue({
        code: 'custom',
        message: `unknown placeholder \${${name}}; the config accepts only ${PLACEHOLDER_LIST}`,
      });
    }
    if (unknown.length === 0 && !POLICY_ARN_PATTERN.test(value)) {
      context.addIssue({
        code: 'custom',
        message:
          `${describeValue(value)} is not a managed policy ARN; expected ` +
          `arn:<partition>:iam::<aws or account id>:policy/<path><name>, for example ${EXAMPLE_POLICY_ARN}`,
      });
    }
  })
  .meta({
    pattern: POLICY_ARN_PATTERN.source,
    description: `A managed policy ARN, path included. Placeholders: ${PLACEHOLDER_LIST}.`,
  });

const requirement = z.enum(['required', 'allowed', 'deprecated']).meta({
  description:
    'required: the policy must be attached; allowed: it may be attached; ' +
    'deprecated: it should be replaced, and is reported when attached.',
});

const hardening = z.enum(['recommended', 'required', 'off']).meta({
  description:
    'Whether the trust policy must carry the aws:SourceAccount and aws:SourceArn conditions against ' +
    'the confused-deputy problem. recommended: advise when missing; required: drift when missing; off: no check.',
});

const inlinePolicyName = z.string().regex(INLINE_POLICY_NAME_PATTERN, {
  error: (issue) =>
    `${describeValue(issue.input)} is not a valid inline policy name; expected 1-128 characters of letters, digits and _+=,.@-`,
});

const managedPolicyRule = z.strictObject({
  arn: policyArn,
  requirement,
  replacedBy: policyArn
    .optional()
    .meta({ description: 'For deprecated policies only: the ARN of the policy that replaces it.' }),
  description: z.string().min(1).optional().meta({ description: 'Why the policy is there; shown in reports.' }),
});

const roleName = z
  .string()
  .regex(ROLE_NAME_PATTERN, {
    error: (issue) =>
      `${describeValue(issue.input)} is not a role name IAM accepts; expected 1-64 characters of ` +
      'letters, digits and _+=,.@- (no spaces, no slashes: put a path in role.path)',
  })
  .refine((name) => !name.toLowerCase().startsWith(SERVICE_LINKED_ROLE_NAME_PREFIX.toLowerCase()), {
    error: (issue) =>
      `${describeValue(issue.input)} names a service-linked role, which AWS services own and IAM does not ` +
      'let anyone change; name the hybrid service role, for example SSMServiceRole',
  });

const rolePath = z
  .string()
  .max(ROLE_PATH_MAX_LENGTH, { error: `a role path has at most ${ROLE_PATH_MAX_LENGTH} characters` })
  .regex(ROLE_PATH_PATTERN, {
    error: (issue) =>
      `${describeValue(issue.input)} is not a role path IAM accepts; expected "/" or a path that starts and ` +
      'ends with "/", such as "/ssm/", without spaces',
  })
  .refine((path) => !path.startsWith(SERVICE_LINKED_ROLE_PATH), {
    error:
      `${SERVICE_LINKED_ROLE_PATH} is the path of service-linked roles, which IAM does not let anyone change; ` +
      'use "/" or a path of your own',
  });

const trustPolicy = z.strictObject({
  servicePrincipal: z
    .string()
    .regex(SERVICE_PRINCIPAL_PATTERN, {
      error: (issue) =>
        `${describeValue(issue.input)} is not a service principal; expected a name such as ssm.amazonaws.com`,
    })
    .default('ssm.amazonaws.com'),
  hardening: hardening.default('recommended'),
  sourceArnRegions: z
    .array(
      z.string().regex(SOURCE_ARN_REGION_PATTERN, {
        error: (issue) =>
          `${describeValue(issue.input)} is not a region; expected a region name such as "eu-west-1", ` +
          '"${Region}" for the region of the run, or "*" for any region',
      }),
    )
    .min(1, { error: 'list at least one region, or "*" for any region' })
    .default(['*'])
    .meta({ description: 'Regions accepted in aws:SourceArn; "*" accepts any region.' }),
});

const role = z.strictObject({
  name: roleName,
  path: rolePath.default('/'),
  trustPolicy: trustPolicy.prefault({}),
  managedPolicies: z.array(managedPolicyRule).min(1, {
    error: 'list at least one managed policy, for example AmazonSSMManagedInstanceCore with requirement: required',
  }),
  inlinePolicies: z
    .array(inlinePolicyName)
    .default([])
    .meta({ description: 'Names of the inline policies allowed on the role; any other inline policy is a finding.' }),
});

const match = z
  .strictObject({
    accounts: z.array(accountId).min(1, { error: 'list at least one account id, or remove the key' }).optional(),
    organizationalUnits: z
      .array(organizationalUnitId)
      .min(1, { error: 'list at least one organizational unit id, or remove the key' })
      .optional(),
    tags: z
      .record(z.string().min(1).max(128), tagValue)
      .optional()
      .meta({ description: 'Account tags as key: value; an account matches when it has any of them.', minProperties: 1 }),
  })
  .meta({
    description:
      'Which accounts the override applies to. The kinds given must all match (AND); ' +
      'within a kind, any one value is enough (OR).',
    // Lets editors flag an empty match too; the loader reports it in cross-checks.ts.
    minProperties: 1,
  });

const override = z.strictObject({
  description: z.string().min(1).optional(),
  match,
  managedPolicies: z
    .array(managedPolicyRule)
    .optional()
    .meta({ description: 'Rules that replace the rule for the same ARN, or add one.' }),
  hardening: hardening.optional(),
  inlinePolicies: z
    .array(inlinePolicyName)
    .optional()
    .meta({ description: 'More inline policy names to allow, added to role.inlinePolicies.' }),
});

/** The desired-state config file, version 1. */
export const desiredStateSchema = z
  .strictObject({
    $schema: z.string().optional().meta({ description: 'Editors read this; the tool ignores it.' }),
    version: z.literal(1, {
      error: (issue) =>
        issue.input === undefined
          ? 'missing key version; add version: 1'
          : `unsupported version ${describeValue(issue.input)}; this version of the tool reads version: 1`,
    }),
    role,
    overrides: z
      .array(override)
      .default([])
      .meta({ description: 'Per-account changes, applied in file order; a later rule wins for the same ARN.' }),
  })
  .meta({
    title: 'ssm-role-audit desired state',
    description: 'The desired state of the Systems Manager service role for hybrid nodes in every account.',
  });

/** A validated config, defaults filled in. */
export type DesiredStateConfig = z.output<typeof desiredStateSchema>;
export type ManagedPolicyRuleConfig = DesiredStateConfig['role']['managedPolicies'][number];
export type OverrideConfig = DesiredStateConfig['overrides'][number];
export type AccountMatch = OverrideConfig['match'];
