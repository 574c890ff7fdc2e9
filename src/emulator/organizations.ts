/**
 * AWS Organizations operations of the emulator (JSON 1.1 protocol, target prefix
 * `AWSOrganizationsV20161128.`). Shapes follow the Organizations model in `@aws-sdk/client-organizations`.
 *
 * Error statuses: real Organizations responses carry HTTP 400 for client errors (AWS SDK for Go output
 * shows "AWSOrganizationsNotInUseException: ... status code: 400"), although the SDK's Smithy model
 * declares 403, 404 and 429 for some of them. The SDK picks the error class from `__type`, not from the
 * status, so the emulator sends 400 for every client error.
 * NOTE: 400 is confirmed for AWSOrganizationsNotInUseException only and assumed for the others.
 */
import { ApiError } from './protocol.js';
import type { AccountRecord, EmulatorState, Principal } from './state.js';

export interface OrganizationsRequest {
  state: EmulatorState;
  principal: Principal;
  input: Record<string, unknown>;
  /** Largest page that list calls return, below MaxResults. Undefined for no cap. */
  pageSizeCap?: number;
  /** Account ids that ListAccounts lists a second time, after every account. */
  listedTwice?: readonly string[];
}

type Handler = (request: OrganizationsRequest) => unknown;

/** `MaxResults` range of ListAccounts (Organizations API Reference), applied to every list call here. */
const MAX_RESULTS_LIMIT = 20;
const PARENT_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const CHILD_ID = /^(\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;
const ACCOUNT_ID = /^\d{12}$/;

function invalidInput(reason: string, message: string): ApiError {
  return new ApiError('InvalidInputException', 400, message, { Reason: reason });
}

function requireString(request: OrganizationsRequest, name: string, pattern: RegExp): string {
  const value = request.input[name];
  if (value === undefined || value === null || value === '') {
    throw invalidInput('INPUT_REQUIRED', `You must specify a value for ${name}.`);
  }
  if (typeof value !== 'string' || !pattern.test(value)) {
    throw invalidInput('INVALID_PATTERN', `The value ${JSON.stringify(value)} for ${name} does not match the required pattern.`);
  }
  return value;
}

/**
 * Pages a list with `MaxResults` (1-20, default 20) and an opaque `NextToken` bound to the operation
 * and its scope, so a token from another call is rejected as Organizations does.
 */
function paginate<T>(request: OrganizationsRequest, scope: string, items: T[]): { items: T[]; NextToken?: string } {
  const rawMax = request.input.MaxResults;
  const maxResults = rawMax === undefined || rawMax === null ? MAX_RESULTS_LIMIT : rawMax;
  if (typeof maxResults !== 'number' || !Number.isInteger(maxResults) || maxResults < 1) {
    throw invalidInput('MIN_VALUE_EXCEEDED', `MaxResults must be an integer from 1 to ${MAX_RESULTS_LIMIT}.`);
  }
  if (maxResults > MAX_RESULTS_LIMIT) {
    throw invalidInput('MAX_VALUE_EXCEEDED', `MaxResults must be an integer from 1 to ${MAX_RESULTS_LIMIT}.`);
  }
  let start = 0;
  const token = request.input.NextToken;
  if (token !== undefined && token !== null) {
    const decoded = typeof token === 'string' ? Buffer.from(token, 'base64').toString('utf8') : '';
    const separator = decoded.lastIndexOf('|');
    if (separator === -1 || decoded.slice(0, separator) !== scope || !/^\d+$/.test(decoded.slice(separator + 1))) {
      throw invalidInput('INVALID_PAGINATION_TOKEN', 'The NextToken value is not valid for this request.');
    }
    start = Number(decoded.slice(separator + 1));
  }
  const size = Math.min(maxResults, request.pageSizeCap ?? maxResults);
  const end = Math.min(start + size, items.length);
  const page: { items: T[]; NextToken?: string } = { items: items.slice(start, end) };
  if (end < items.length) {
    page.NextToken = Buffer.from(`${scope}|${end}`).toString('base64');
  }
  return page;
}

/**
 * Maps a `State` to the retired `Status` field, which has only ACTIVE, SUSPENDED and PENDING_CLOSURE.
 * NOTE: CLOSED -> SUSPENDED and PENDING_ACTIVATION -> ACTIVE are assumptions, not documented mappings.
 */
function legacyStatus(state: string): string {
  switch (state) {
    case 'CLOSED':
      return 'SUSPENDED';
    case 'PENDING_ACTIVATION':
      return 'ACTIVE';
    default:
      return state;
  }
}

function accountJson(account: AccountRecord): Record<string, unknown> {
  const json: Record<string, unknown> = {
    Id: account.id,
    Arn: account.arn,
    Email: account.email,
    Name: account.name,
  };
  if (account.statusField !== 'state') {
    json.Status = legacyStatus(account.state);
  }
  if (account.statusField !== 'status') {
    json.State = account.state;
  }
  json.JoinedMethod = account.joinedMethod;
  // JSON 1.1 sends timestamps as epoch seconds.
  json.JoinedTimestamp = account.joinedTimestamp / 1000;
  return json;
}

function tagsJson(tags: Map<string, string>): { Key: string; Value: string }[] {
  return [...tags].map(([Key, Value]) => ({ Key, Value }));
}

function findParent(request: OrganizationsRequest): { id: string; childUnitIds: string[]; childAccountIds: string[] } {
  const parentId = requireString(request, 'ParentId', PARENT_ID);
  const parent = request.state.parent(parentId);
  if (parent === undefined) {
    throw new ApiError('ParentNotFoundException', 400, "We can't find a root or OU with the ParentId that you specified.");
  }
  return { id: parentId, ...parent };
}

const handlers: Record<string, Handler> = {
  DescribeOrganization({ state }) {
    const management = state.accounts.get(state.organization.managementAccountId)!;
    return {
      Organization: {
        Id: state.organization.id,
        Arn: state.organization.arn,
        FeatureSet: state.organization.featureSet,
        MasterAccountArn: management.arn,
        MasterAccountId: management.id,
        MasterAccountEmail: management.email,
        AvailablePolicyTypes: [],
      },
    };
  },

  ListRoots(request) {
    const { root } = request.state;
    const page = paginate(request, 'ListRoots', [{ Id: root.id, Arn: root.arn, Name: root.name, PolicyTypes: [] }]);
    return { Roots: page.items, NextToken: page.NextToken };
  },

  ListAccounts(request) {
    const accounts = [...request.state.accounts.values()];
    for (const id of request.listedTwice ?? []) {
      const account = request.state.accounts.get(id);
      if (account !== undefined) accounts.push(account);
    }
    const page = paginate(request, 'ListAccounts', accounts);
    return { Accounts: page.items.map(accountJson), NextToken: page.NextToken };
  },

  ListAccountsForParent(request) {
    const parent = findParent(request);
    const accounts = parent.childAccountIds.map((id) => request.state.accounts.get(id)!);
    const page = paginate(request, `ListAccountsForParent:${parent.id}`, accounts);
    return { Accounts: page.items.map(accountJson), NextToken: page.NextToken };
  },

  ListOrganizationalUnitsForParent(request) {
    const parent = findParent(request);
    const units = parent.childUnitIds.map((id) => request.state.organizationalUnits.get(id)!);
    const page = paginate(request, `ListOrganizationalUnitsForParent:${parent.id}`, units);
    return {
      OrganizationalUnits: page.items.map((unit) => ({ Id: unit.id, Arn: unit.arn, Name: unit.name })),
      NextToken: page.NextToken,
    };
  },

  ListParents(request) {
    const childId = requireString(request, 'ChildId', CHILD_ID);
    const parentId = request.state.accounts.get(childId)?.parentId ?? request.state.organizationalUnits.get(childId)?.parentId;
    if (parentId === undefined) {
      throw new ApiError(
        'ChildNotFoundException',
        400,
        "We can't find an organizational unit (OU) or AWS account with the ChildId that you specified.",
      );
    }
    const type = parentId === request.state.root.id ? 'ROOT' : 'ORGANIZATIONAL_UNIT';
    const page = paginate(request, `ListParents:${childId}`, [{ Id: parentId, Type: type }]);
    return { Parents: page.items, NextToken: page.NextToken };
  },

  ListTagsForResource(request) {
    const resourceId = requireString(request, 'ResourceId', /^(\d{12}|r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/);
    const { state } = request;
    const tags =
      state.accounts.get(resourceId)?.tags ??
      state.organizationalUnits.get(resourceId)?.tags ??
      (resourceId === state.root.id ? state.root.tags : undefined);
    if (tags === undefined) {
      throw new ApiError('TargetNotFoundException', 400, "We can't find a root, OU, account, or policy with the TargetId that you specified.");
    }
    const page = paginate(request, `ListTagsForResource:${resourceId}`, tagsJson(tags));
    return { Tags: page.items, NextToken: page.NextToken };
  },

  DescribeAccount(request) {
    const accountId = requireString(request, 'AccountId', ACCOUNT_ID);
    const account = request.state.accounts.get(accountId);
    if (account === undefined) {
      throw new ApiError('AccountNotFoundException', 400, "You specified an account that doesn't exist.");
    }
    return { Account: accountJson(account) };
  },
};

/** Operations that any account of the organization may call. The rest need the management account. */
const MEMBER_OPERATIONS = new Set(['DescribeOrganization']);

/** The Organizations operations the emulator serves. */
export const ORGANIZATIONS_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(handlers));

/**
 * Runs one Organizations operation and returns the response payload. Raises `ApiError` for AWS errors:
 * AWSOrganizationsNotInUseException when the org file turns Organizations off, AccessDeniedException for
 * callers outside the management account. NOTE: delegated administrators are not modelled.
 */
export function handleOrganizations(operation: string, request: OrganizationsRequest): unknown {
  const { state, principal } = request;
  if (!state.organization.inUse) {
    throw new ApiError('AWSOrganizationsNotInUseException', 400, 'Your account is not a member of an organization.');
  }
  if (principal.accountId !== state.organization.managementAccountId && !MEMBER_OPERATIONS.has(operation)) {
    throw new ApiError('AccessDeniedException', 400, "You don't have permissions to access this resource.");
  }
  return handlers[operation]!(request);
}
