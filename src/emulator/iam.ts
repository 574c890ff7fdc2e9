/**
 * IAM operations of the emulator (query protocol, version 2010-05-08). Every call works on the account
 * that the signing credentials belong to, so role-session credentials see only their own account.
 * Response members and error codes follow the IAM API model in `@aws-sdk/client-iam` and the IAM API
 * Reference, and messages imitate the ones IAM sends.
 */
import { IAM_PATH } from './org-file.js';
import { policySize, validatePermissionPolicy, validateTrustPolicy } from './policy.js';
import {
  ApiError,
  encodePolicyDocument,
  escapeXml,
  isoSeconds,
  validationError,
  xmlElement,
  type QueryParams,
} from './protocol.js';
import type { AccountRecord, EmulatorState, ManagedPolicyRecord, Principal, RoleRecord } from './state.js';

/** Input of an IAM handler: the state, the caller and its account, the parameters and the clock. */
export interface IamRequest {
  state: EmulatorState;
  principal: Principal;
  account: AccountRecord;
  params: QueryParams;
  now: number;
  /** Largest page that IAM list calls return, below MaxItems. Undefined for no cap. */
  pageSizeCap?: number;
}

/** Returns the `<XResult>` body, or undefined for operations without output. */
type IamHandler = (request: IamRequest) => string | undefined;

const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
const SERVICE_LINKED_PATH = '/aws-service-role/';
const MAX_TAGS_PER_ROLE = 50;
/** Total size of a role's inline policies without white space (IAM User Guide, "IAM and AWS STS quotas"). */
const MAX_INLINE_POLICY_SIZE = 10_240;

function noSuchRole(name: string): ApiError {
  return new ApiError('NoSuchEntity', 404, `The role with name ${name} cannot be found.`);
}

function findRole(request: IamRequest): RoleRecord {
  const name = request.params.require('RoleName');
  const role = request.account.roles.get(name.toLowerCase());
  if (role === undefined) {
    throw noSuchRole(name);
  }
  return role;
}

/**
 * Finds a role that the caller may change. Roles under `/aws-service-role/` are service-linked, and IAM
 * rejects changes to them with `UnmodifiableEntity` (UnmodifiableEntityException docs in the IAM API model).
 */
function findWritableRole(request: IamRequest): RoleRecord {
  const role = findRole(request);
  if (role.path.startsWith(SERVICE_LINKED_PATH)) {
    throw new ApiError(
      'UnmodifiableEntity',
      400,
      `Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`,
    );
  }
  return role;
}

function requirePolicyArn(request: IamRequest): string {
  const arn = request.params.require('PolicyArn');
  if (!/^arn:[\w-]+:iam::(aws|\d{12}):policy\//.test(arn)) {
    throw new ApiError('InvalidInput', 400, `ARN ${arn} is not valid.`);
  }
  return arn;
}

interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

/**
 * Pages a list the way IAM does: `MaxItems` (1-1000, default 100) items from `Marker` on, with
 * `IsTruncated` and the next `Marker` when more remain. With a page size cap, pages hold fewer than
 * `MaxItems` items while `IsTruncated` is true. IAM does that too: "IAM might return fewer results, even when
 * there are more results available" (MaxItems docs in the IAM API model).
 */
function paginate<T>(request: IamRequest, items: T[]): Page<T> {
  const maxItems = request.params.integer('MaxItems') ?? 100;
  if (maxItems < 1 || maxItems > 1000) {
    throw validationError(
      `1 validation error detected: Value '${maxItems}' at 'maxItems' failed to satisfy constraint: Member must have value between 1 and 1000`,
    );
  }
  const marker = request.params.get('Marker');
  let start = 0;
  if (marker !== undefined) {
    const decoded = /^page:(\d+)$/.exec(Buffer.from(marker, 'base64').toString('utf8'));
    if (decoded === null) {
      throw validationError(`Invalid Marker: ${marker}`);
    }
    start = Number(decoded[1]);
  }
  const size = Math.min(maxItems, request.pageSizeCap ?? maxItems);
  const end = Math.min(start + size, items.length);
  const isTruncated = end < items.length;
  return {
    items: items.slice(start, end),
    isTruncated,
    marker: isTruncated ? Buffer.from(`page:${end}`).toString('base64') : undefined,
  };
}

function pageTail(page: Page<unknown>): string {
  return `<IsTruncated>${page.isTruncated}</IsTruncated>${xmlElement('Marker', page.marker)}`;
}

function tagsXml(tags: Iterable<[string, string]>): string {
  let xml = '';
  for (const [key, value] of tags) {
    xml += `<member><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></member>`;
  }
  return xml;
}

/** Serialises a role. GetRole adds tags and RoleLastUsed, which ListRoles leaves out as IAM does. */
function roleXml(role: RoleRecord, detailed: boolean): string {
  let xml =
    `<Path>${escapeXml(role.path)}</Path><RoleName>${role.name}</RoleName><RoleId>${role.roleId}</RoleId>` +
    `<Arn>${escapeXml(role.arn)}</Arn><CreateDate>${isoSeconds(role.createDate)}</CreateDate>` +
    `<AssumeRolePolicyDocument>${encodePolicyDocument(role.trustPolicy)}</AssumeRolePolicyDocument>` +
    xmlElement('Description', role.description) +
    `<MaxSessionDuration>${role.maxSessionDuration}</MaxSessionDuration>`;
  if (detailed) {
    if (role.tags.size > 0) {
      xml += `<Tags>${tagsXml(role.tags)}</Tags>`;
    }
    xml += '<RoleLastUsed/>';
  }
  return xml;
}

function policyXml(policy: ManagedPolicyRecord, attachmentCount: number): string {
  return (
    `<PolicyName>${policy.name}</PolicyName><PolicyId>${policy.policyId}</PolicyId>` +
    `<Arn>${escapeXml(policy.arn)}</Arn><Path>${escapeXml(policy.path)}</Path>` +
    `<DefaultVersionId>v1</DefaultVersionId><AttachmentCount>${attachmentCount}</AttachmentCount>` +
    `<PermissionsBoundaryUsageCount>0</PermissionsBoundaryUsageCount>` +
    `<IsAttachable>${policy.attachable}</IsAttachable>` +
    xmlElement('Description', policy.description) +
    `<CreateDate>${isoSeconds(policy.createDate)}</CreateDate><UpdateDate>${isoSeconds(policy.createDate)}</UpdateDate>`
  );
}

function validateRoleName(name: string): void {
  if (!ROLE_NAME.test(name)) {
    throw validationError(
      `1 validation error detected: Value '${name}' at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
    );
  }
}

function validateTags(tags: { Key: string; Value: string }[]): void {
  for (const tag of tags) {
    if (tag.Key.length < 1 || tag.Key.length > 128 || tag.Value.length > 256) {
      throw validationError(`Invalid tag: key must be 1-128 characters and value at most 256 characters (key '${tag.Key}')`);
    }
  }
}

function inlinePolicySize(role: RoleRecord, excludeName?: string): number {
  let size = 0;
  for (const [key, policy] of role.inlinePolicies) {
    if (key !== excludeName) {
      size += policySize(policy.document);
    }
  }
  return size;
}

const handlers: Record<string, IamHandler> = {
  GetRole(request) {
    return `<Role>${roleXml(findRole(request), true)}</Role>`;
  },

  ListRoles(request) {
    const prefix = request.params.get('PathPrefix') ?? '/';
    const roles = [...request.account.roles.values()].filter((role) => role.path.startsWith(prefix));
    const page = paginate(request, roles);
    return `<Roles>${page.items.map((role) => `<member>${roleXml(role, false)}</member>`).join('')}</Roles>${pageTail(page)}`;
  },

  CreateRole(request) {
    const name = request.params.require('RoleName');
    validateRoleName(name);
    const path = request.params.get('Path') ?? '/';
    if (!IAM_PATH.test(path)) {
      throw validationError(`The specified value for path is invalid. It must begin and end with / and contain only alphanumeric characters and/or / characters.`);
    }
    if (path.startsWith(SERVICE_LINKED_PATH)) {
      // NOTE: the code IAM sends here is a guess. Service-linked roles come from CreateServiceLinkedRole.
      throw new ApiError('InvalidInput', 400, `The path ${SERVICE_LINKED_PATH} is reserved for service-linked roles.`);
    }
    const maxSessionDuration = request.params.integer('MaxSessionDuration') ?? 3600;
    if (maxSessionDuration < 3600 || maxSessionDuration > 43200) {
      throw validationError(
        `1 validation error detected: Value '${maxSessionDuration}' at 'maxSessionDuration' failed to satisfy constraint: Member must have value between 3600 and 43200`,
      );
    }
    const tags = request.params.tags('Tags');
    validateTags(tags);
    if (tags.length > MAX_TAGS_PER_ROLE) {
      throw new ApiError('LimitExceeded', 409, `Cannot exceed quota for TagsPerRole: ${MAX_TAGS_PER_ROLE}`);
    }
    if (request.account.roles.has(name.toLowerCase())) {
      throw new ApiError('EntityAlreadyExists', 409, `Role with name ${name} already exists.`);
    }
    const trustPolicy = request.params.require('AssumeRolePolicyDocument');
    validateTrustPolicy(trustPolicy, request.account.trustPolicyMaxLength);

    const role = request.state.createRoleRecord(
      request.account.id,
      { name, path, trustPolicy, maxSessionDuration, description: request.params.get('Description') },
      Math.floor(request.now / 1000) * 1000,
    );
    for (const tag of tags) {
      role.tags.set(tag.Key, tag.Value);
    }
    request.account.roles.set(name.toLowerCase(), role);
    return `<Role>${roleXml(role, true)}</Role>`;
  },

  UpdateAssumeRolePolicy(request) {
    const role = findWritableRole(request);
    const document = request.params.require('PolicyDocument');
    validateTrustPolicy(document, request.account.trustPolicyMaxLength);
    role.trustPolicy = document;
    return undefined;
  },

  AttachRolePolicy(request) {
    const role = findWritableRole(request);
    const arn = requirePolicyArn(request);
    const policy = request.state.managedPolicy(request.account.id, arn);
    if (policy === undefined) {
      throw new ApiError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
    }
    if (!policy.attachable) {
      throw new ApiError('PolicyNotAttachable', 400, 'Cannot attach a Service Role Policy to a Customer Role.');
    }
    if (role.attachedPolicies.includes(arn)) {
      // IAM treats attaching an attached policy as success.
      return undefined;
    }
    if (role.attachedPolicies.length >= request.account.managedPolicyQuota) {
      throw new ApiError('LimitExceeded', 409, `Cannot exceed quota for PoliciesPerRole: ${request.account.managedPolicyQuota}`);
    }
    role.attachedPolicies.push(arn);
    return undefined;
  },

  DetachRolePolicy(request) {
    const role = findWritableRole(request);
    const arn = requirePolicyArn(request);
    const index = role.attachedPolicies.indexOf(arn);
    if (index === -1) {
      throw new ApiError('NoSuchEntity', 404, `Policy ${arn} was not found.`);
    }
    role.attachedPolicies.splice(index, 1);
    return undefined;
  },

  ListAttachedRolePolicies(request) {
    const role = findRole(request);
    const prefix = request.params.get('PathPrefix') ?? '/';
    const attached: ManagedPolicyRecord[] = [];
    for (const arn of role.attachedPolicies) {
      const policy = request.state.managedPolicy(request.account.id, arn);
      if (policy !== undefined && policy.path.startsWith(prefix)) {
        attached.push(policy);
      }
    }
    const page = paginate(request, attached);
    const members = page.items
      .map((policy) => `<member><PolicyName>${policy.name}</PolicyName><PolicyArn>${escapeXml(policy.arn)}</PolicyArn></member>`)
      .join('');
    return `<AttachedPolicies>${members}</AttachedPolicies>${pageTail(page)}`;
  },

  PutRolePolicy(request) {
    const role = findWritableRole(request);
    const name = request.params.require('PolicyName');
    if (!POLICY_NAME.test(name)) {
      throw validationError(
        `1 validation error detected: Value '${name}' at 'policyName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+`,
      );
    }
    const document = request.params.require('PolicyDocument');
    validatePermissionPolicy(document);
    const key = name.toLowerCase();
    if (inlinePolicySize(role, key) + policySize(document) > MAX_INLINE_POLICY_SIZE) {
      throw new ApiError('LimitExceeded', 409, `Maximum policy size of ${MAX_INLINE_POLICY_SIZE} bytes exceeded for role ${role.name}`);
    }
    // Replacing an inline policy keeps the name's original spelling, as IAM does.
    const existing = role.inlinePolicies.get(key);
    role.inlinePolicies.set(key, { name: existing?.name ?? name, document });
    return undefined;
  },

  GetRolePolicy(request) {
    const role = findRole(request);
    const name = request.params.require('PolicyName');
    const policy = role.inlinePolicies.get(name.toLowerCase());
    if (policy === undefined) {
      throw new ApiError('NoSuchEntity', 404, `The role policy with name ${name} cannot be found.`);
    }
    return (
      `<RoleName>${role.name}</RoleName><PolicyName>${policy.name}</PolicyName>` +
      `<PolicyDocument>${encodePolicyDocument(policy.document)}</PolicyDocument>`
    );
  },

  DeleteRolePolicy(request) {
    const role = findWritableRole(request);
    const name = request.params.require('PolicyName');
    if (!role.inlinePolicies.delete(name.toLowerCase())) {
      throw new ApiError('NoSuchEntity', 404, `The role policy with name ${name} cannot be found.`);
    }
    return undefined;
  },

  ListRolePolicies(request) {
    const role = findRole(request);
    const page = paginate(request, [...role.inlinePolicies.values()].map((policy) => policy.name));
    return `<PolicyNames>${page.items.map((name) => `<member>${name}</member>`).join('')}</PolicyNames>${pageTail(page)}`;
  },

  DeleteRole(request) {
    const role = findWritableRole(request);
    if (role.attachedPolicies.length > 0) {
      throw new ApiError('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
    }
    if (role.inlinePolicies.size > 0) {
      throw new ApiError('DeleteConflict', 409, 'Cannot delete entity, must delete policies first.');
    }
    request.account.roles.delete(role.name.toLowerCase());
    return undefined;
  },

  TagRole(request) {
    // NOTE: tag calls count as writes, so service-linked roles reject them, but AWS may allow tagging them.
    const role = findWritableRole(request);
    const tags = request.params.tags('Tags');
    if (tags.length === 0) {
      throw validationError("Value null at 'tags' failed to satisfy constraint: Member must not be null");
    }
    validateTags(tags);
    const keys = new Set([...role.tags.keys(), ...tags.map((tag) => tag.Key)]);
    if (keys.size > MAX_TAGS_PER_ROLE) {
      throw new ApiError('LimitExceeded', 409, `Cannot exceed quota for TagsPerRole: ${MAX_TAGS_PER_ROLE}`);
    }
    for (const tag of tags) {
      role.tags.set(tag.Key, tag.Value);
    }
    return undefined;
  },

  UntagRole(request) {
    const role = findWritableRole(request);
    for (const key of request.params.list('TagKeys')) {
      role.tags.delete(key);
    }
    return undefined;
  },

  ListRoleTags(request) {
    const role = findRole(request);
    const page = paginate(request, [...role.tags.entries()]);
    return `<Tags>${tagsXml(page.items)}</Tags>${pageTail(page)}`;
  },

  GetPolicy(request) {
    const arn = requirePolicyArn(request);
    const policy = request.state.managedPolicy(request.account.id, arn);
    if (policy === undefined) {
      throw new ApiError('NoSuchEntity', 404, `Policy ${arn} was not found.`);
    }
    // AttachmentCount counts attachments in the calling account, as IAM reports it for AWS managed policies.
    let attachments = 0;
    for (const role of request.account.roles.values()) {
      if (role.attachedPolicies.includes(arn)) {
        attachments++;
      }
    }
    return `<Policy>${policyXml(policy, attachments)}</Policy>`;
  },
};

/** The IAM operations the emulator serves. */
export const IAM_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(handlers));

/** Runs one IAM operation. Raises `ApiError` for AWS errors. The caller checks that the operation exists. */
export function handleIam(operation: string, request: IamRequest): string | undefined {
  return handlers[operation]!(request);
}
