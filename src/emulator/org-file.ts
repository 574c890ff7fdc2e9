/**
 * The org file: a YAML or JSON description of an AWS organization that the emulator serves, with its
 * organizational units, accounts, IAM roles and policies. The schema is checked with zod, and the
 * cross-references (parents, management account, attached policy ARNs) are checked after it, so every
 * problem is reported at once with its path (`accounts[3].roles[0].attachedPolicies[1]`).
 */
import { readFile } from 'node:fs/promises';
import { parseDocument } from 'yaml';
import { z } from 'zod';

import { ConfigError, type ValidationProblem } from '../errors.js';
import { AWS_MANAGED_POLICIES, awsManagedPolicyArn } from './managed-policies.js';

export const ACCOUNT_STATES = ['PENDING_ACTIVATION', 'ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE', 'CLOSED'] as const;

const ACCOUNT_ID = /^\d{12}$/;
const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;
const ROOT_ID = /^r-[0-9a-z]{4,32}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** IAM paths: `/`, or ASCII `!` to DEL between slashes, at most 512 characters (CreateRole Path docs in the IAM API model). */
export const IAM_PATH = /^(\/|\/[\u0021-\u007F]{1,510}\/)$/;
const STATIC_ACCESS_KEY = /^AKIA[A-Z0-9]{16}$/;
const CALLER_ARN = /^arn:(aws|aws-cn|aws-us-gov):iam::(\d{12}):(root|user\/[\w+=,.@\-/]+)$/;

const accountId = z.string().regex(ACCOUNT_ID, 'must be a 12-digit account id in quotes');
const tags = z.record(z.string().min(1).max(128), z.string().max(256));

/**
 * A policy document: an object (serialised compactly when stored) or a string kept byte for byte, so
 * tests can seed the shapes and encodings IAM returns. Seeded documents are not validated, unlike
 * documents written through the IAM API.
 */
const policyDocument = z.union([z.string().min(1), z.record(z.string(), z.unknown())]);

const customerPolicySchema = z.strictObject({
  name: z.string().regex(POLICY_NAME, 'must be 1-128 characters of [A-Za-z0-9+=,.@_-]'),
  path: z.string().regex(IAM_PATH, 'must be "/" or start and end with "/"').default('/'),
  description: z.string().max(1000).optional(),
  document: policyDocument,
});

const roleSchema = z.strictObject({
  name: z.string().regex(ROLE_NAME, 'must be 1-64 characters of [A-Za-z0-9+=,.@_-]'),
  path: z.string().regex(IAM_PATH, 'must be "/" or start and end with "/"').default('/'),
  description: z.string().max(1000).optional(),
  /** Maximum session duration in seconds. IAM allows 3,600 to 43,200. */
  maxSessionDuration: z.number().int().min(3600).max(43200).default(3600),
  trustPolicy: policyDocument,
  /** Full policy ARNs: AWS managed ones or customer managed policies of the same account. */
  attachedPolicies: z.array(z.string()).default([]),
  /** Inline policies by name. */
  inlinePolicies: z.record(z.string().regex(POLICY_NAME, 'must be a valid policy name'), policyDocument).default({}),
  tags: tags.default({}),
  createDate: z.iso.datetime().optional(),
});

const accountSchema = z.strictObject({
  id: accountId,
  name: z.string().min(1).max(50),
  email: z.email(),
  state: z.enum(ACCOUNT_STATES).default('ACTIVE'),
  /**
   * Account status fields that Organizations sends: `State` (current), `Status` (retired as of
   * September 9, 2026, values ACTIVE, SUSPENDED, PENDING_CLOSURE), or both as AWS does until then.
   */
  statusField: z.enum(['state', 'status', 'both']).default('both'),
  /** Id of the parent OU or root. The root when absent. */
  parent: z.string().optional(),
  tags: tags.default({}),
  /** Managed policies per role: 10 by default, adjustable to 20 (IAM User Guide, "IAM and AWS STS quotas"). */
  managedPolicyQuota: z.number().int().min(1).max(20).default(10),
  /** Trust policy size in characters without white space: 2,048 by default, adjustable to 4,096. */
  trustPolicyMaxLength: z.number().int().min(2048).max(4096).default(2048),
  joinedMethod: z.enum(['INVITED', 'CREATED']).optional(),
  joinedTimestamp: z.iso.datetime().optional(),
  customerPolicies: z.array(customerPolicySchema).default([]),
  roles: z.array(roleSchema).default([]),
});

const callerSchema = z.strictObject({
  /** An IAM user (`arn:aws:iam::<acct>:user/<name>`) or the root user (`arn:aws:iam::<acct>:root`). */
  arn: z.string().regex(CALLER_ARN, 'must be an IAM user ARN or arn:<partition>:iam::<account>:root'),
  accessKeyId: z.string().regex(STATIC_ACCESS_KEY, 'must be AKIA followed by 16 upper-case letters or digits'),
  secretAccessKey: z.string().min(1),
});

/** An organizational unit and the OUs under it. */
export interface OrganizationalUnitDefinition {
  id: string;
  name: string;
  tags?: Record<string, string>;
  children?: OrganizationalUnitDefinition[];
}

const organizationalUnitSchema: z.ZodType<OrganizationalUnitDefinition> = z.lazy(() =>
  z.strictObject({
    id: z.string().regex(OU_ID, 'must look like ou-<4-32 characters>-<8-32 characters>'),
    name: z.string().min(1).max(128),
    tags: tags.optional(),
    children: z.array(organizationalUnitSchema).optional(),
  }),
);

const orgSchema = z.strictObject({
  partition: z.enum(['aws', 'aws-cn', 'aws-us-gov']).default('aws'),
  /** The region the emulator reports. Requests signed for any region are accepted. */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'must be a region name such as us-east-1').default('us-east-1'),
  organization: z.strictObject({
    id: z.string().regex(ORGANIZATION_ID, 'must look like o-<10-32 lower-case letters or digits>'),
    managementAccountId: accountId,
    rootId: z.string().regex(ROOT_ID, 'must look like r-<4-32 lower-case letters or digits>').optional(),
    featureSet: z.enum(['ALL', 'CONSOLIDATED_BILLING']).default('ALL'),
    /** False: every Organizations call fails with AWSOrganizationsNotInUseException. */
    inUse: z.boolean().default(true),
  }),
  /** The principal whose credentials `Emulator.callerCredentials` returns. */
  caller: callerSchema,
  /** More IAM users with their own access keys, for tests that call as a member account. */
  additionalCallers: z.array(callerSchema).default([]),
  organizationalUnits: z.array(organizationalUnitSchema).default([]),
  accounts: z.array(accountSchema).min(1),
});

/** An org file after validation, with every default filled in. */
export type OrgDefinition = z.output<typeof orgSchema>;
/** An org file as written: optional fields may be missing. */
export type OrgDefinitionInput = z.input<typeof orgSchema>;
export type AccountDefinition = OrgDefinition['accounts'][number];
export type RoleDefinition = AccountDefinition['roles'][number];
export type CallerDefinition = OrgDefinition['caller'];

/**
 * Validates an org definition (parsed YAML or JSON, or an object built in code) and fills in defaults.
 * Raises `ConfigError` listing every problem with its path. `source` names the file in the message.
 */
export function parseOrgDefinition(input: unknown, source = '<org definition>'): OrgDefinition {
  const result = orgSchema.safeParse(input);
  if (!result.success) {
    throw new ConfigError(source, result.error.issues.map(toProblem), {
      fileKind: 'organization file',
      remedy: 'Fix the listed fields of the organization file, then run the command again.',
    });
  }
  const problems = checkReferences(result.data);
  if (problems.length > 0) {
    throw new ConfigError(source, problems, {
      fileKind: 'organization file',
      remedy: 'Fix the listed fields of the organization file, then run the command again.',
    });
  }
  return result.data;
}

/** Reads and validates a YAML or JSON org file. Raises `ConfigError` when it is unreadable or invalid. */
export async function loadOrgFile(path: string): Promise<OrgDefinition> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: `cannot read the file: ${(error as Error).message}` }], {
      cause: error,
      fileKind: 'organization file',
      remedy: 'Pass --org with the path of a YAML or JSON organization file, such as config/demo-org.yaml.',
    });
  }
  const document = parseDocument(text, { prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      path,
      document.errors.map((error) => ({ path: '', message: `invalid YAML: ${error.message}` })),
      { fileKind: 'organization file', remedy: 'Fix the YAML syntax at the line and column given.' },
    );
  }
  return parseOrgDefinition(document.toJS(), path);
}

function toProblem(issue: z.core.$ZodIssue): ValidationProblem {
  return { path: formatPath(issue.path), message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else {
      text += text === '' ? String(segment) : `.${String(segment)}`;
    }
  }
  return text;
}

/** Checks what the schema cannot: unique ids, existing parents and callers, resolvable policy ARNs, quotas. */
function checkReferences(org: OrgDefinition): ValidationProblem[] {
  const problems: ValidationProblem[] = [];
  const rootId = org.organization.rootId ?? defaultRootId(org.organization.id);

  const parentIds = new Set<string>([rootId]);
  const walk = (units: OrganizationalUnitDefinition[], path: string): void => {
    units.forEach((unit, index) => {
      const unitPath = `${path}[${index}]`;
      if (parentIds.has(unit.id)) {
        problems.push({ path: `${unitPath}.id`, message: `duplicate organizational unit id ${unit.id}` });
      }
      parentIds.add(unit.id);
      walk(unit.children ?? [], `${unitPath}.children`);
    });
  };
  walk(org.organizationalUnits, 'organizationalUnits');

  const awsManagedArns = AWS_MANAGED_POLICIES.filter((spec) => spec.attachable).map((spec) => awsManagedPolicyArn(org.partition, spec));
  const accountIds = new Set<string>();
  org.accounts.forEach((account, index) => {
    const path = `accounts[${index}]`;
    if (accountIds.has(account.id)) {
      problems.push({ path: `${path}.id`, message: `duplicate account id ${account.id}` });
    }
    accountIds.add(account.id);
    if (account.parent !== undefined && !parentIds.has(account.parent)) {
      problems.push({
        path: `${path}.parent`,
        message: `no organizational unit or root has id ${account.parent}; use ${rootId} or an id under organizationalUnits`,
      });
    }
    checkAccountIam(org.partition, awsManagedArns, account, path, problems);
  });

  if (!accountIds.has(org.organization.managementAccountId)) {
    problems.push({
      path: 'organization.managementAccountId',
      message: `the management account ${org.organization.managementAccountId} must also be listed under accounts`,
    });
  }

  const accessKeys = new Set<string>();
  const callers = [
    { caller: org.caller, path: 'caller' },
    ...org.additionalCallers.map((caller, index) => ({ caller, path: `additionalCallers[${index}]` })),
  ];
  for (const { caller, path } of callers) {
    const match = CALLER_ARN.exec(caller.arn);
    if (match !== null && match[1] !== org.partition) {
      problems.push({ path: `${path}.arn`, message: `partition ${match[1]} differs from the org partition ${org.partition}` });
    }
    if (match !== null && !accountIds.has(match[2]!)) {
      problems.push({ path: `${path}.arn`, message: `account ${match[2]} is not listed under accounts` });
    }
    if (accessKeys.has(caller.accessKeyId)) {
      problems.push({ path: `${path}.accessKeyId`, message: `duplicate access key id ${caller.accessKeyId}` });
    }
    accessKeys.add(caller.accessKeyId);
  }
  return problems;
}

function checkAccountIam(
  partition: string,
  awsManagedArns: string[],
  account: AccountDefinition,
  path: string,
  problems: ValidationProblem[],
): void {
  const knownPolicies = new Set(awsManagedArns);
  const customerNames = new Set<string>();
  account.customerPolicies.forEach((policy, index) => {
    if (customerNames.has(policy.name.toLowerCase())) {
      problems.push({ path: `${path}.customerPolicies[${index}].name`, message: `duplicate policy name ${policy.name}` });
    }
    customerNames.add(policy.name.toLowerCase());
    knownPolicies.add(customerPolicyArn(partition, account.id, policy.path, policy.name));
  });

  const roleNames = new Set<string>();
  account.roles.forEach((role, roleIndex) => {
    const rolePath = `${path}.roles[${roleIndex}]`;
    // Role names are unique per account regardless of case and path (CreateRole RoleName docs in the IAM API model).
    if (roleNames.has(role.name.toLowerCase())) {
      problems.push({ path: `${rolePath}.name`, message: `duplicate role name ${role.name} (names are case-insensitive)` });
    }
    roleNames.add(role.name.toLowerCase());
    role.attachedPolicies.forEach((arn, policyIndex) => {
      if (!knownPolicies.has(arn)) {
        problems.push({
          path: `${rolePath}.attachedPolicies[${policyIndex}]`,
          message: `unknown policy ARN ${arn}; use an attachable AWS managed policy ARN (path included) or a customer policy of this account`,
        });
      }
    });
    if (role.attachedPolicies.length > account.managedPolicyQuota) {
      problems.push({
        path: `${rolePath}.attachedPolicies`,
        message: `${role.attachedPolicies.length} policies exceed the account's managedPolicyQuota of ${account.managedPolicyQuota}`,
      });
    }
  });
}

/** Builds a customer managed policy ARN: `arn:<partition>:iam::<account>:policy<path><name>`. */
export function customerPolicyArn(partition: string, accountId: string, path: string, name: string): string {
  return `arn:${partition}:iam::${accountId}:policy${path}${name}`;
}

/** Returns the root id used when the org file gives none: `r-` and the first four characters after `o-`. */
export function defaultRootId(organizationId: string): string {
  return `r-${organizationId.slice(2, 6)}`;
}

/** Serialises a policy document for storage: strings byte for byte, objects as compact JSON. */
export function documentText(document: string | Record<string, unknown>): string {
  return typeof document === 'string' ? document : JSON.stringify(document);
}
