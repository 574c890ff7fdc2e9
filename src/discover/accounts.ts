/**
 * Lists the accounts of the organization as a stream, so assessments start while later pages are
 * still being fetched.
 *
 * Without an OU filter this follows `ListAccounts` (at most 20 accounts a page, per the Organizations
 * API reference). With one, or when OU paths are needed, it walks the OU tree once with
 * `ListOrganizationalUnitsForParent` and lists each selected OU with `ListAccountsForParent`, instead
 * of one `ListParents` call per account, which Organizations' low rate limits would throttle at scale.
 */
import type { Account } from '@aws-sdk/client-organizations';
import type { OrganizationsApi } from '../aws/api.js';
import { UsageError } from '../errors.js';
import type { AccountState, OrgAccount, OuRef } from '../model.js';

/** The largest `MaxResults` that `ListAccounts` and `ListAccountsForParent` accept. */
export const ACCOUNTS_PAGE_SIZE = 20;

export interface DiscoveryOptions {
  /** Only accounts under these OUs, their child OUs included. */
  organizationalUnits?: string[];
  /** Walk the OU tree even without an OU filter, so every account carries its OU path. */
  withOuPaths?: boolean;
}

/**
 * Yields every account in scope. Throws when a listing fails: a partial organization must never be
 * reported as a complete one.
 */
export async function* discoverAccounts(
  organizations: OrganizationsApi,
  options: DiscoveryOptions = {},
): AsyncGenerator<OrgAccount> {
  const ouFilter = options.organizationalUnits ?? [];
  if (ouFilter.length === 0 && !options.withOuPaths) {
    yield* listAllAccounts(organizations);
    return;
  }
  yield* listAccountsByOrganizationalUnit(organizations, ouFilter);
}

async function* listAllAccounts(organizations: OrganizationsApi): AsyncGenerator<OrgAccount> {
  let nextToken: string | undefined;
  do {
    const page = await organizations.listAccounts({ MaxResults: ACCOUNTS_PAGE_SIZE, NextToken: nextToken });
    for (const account of page.Accounts ?? []) yield toOrgAccount(account, []);
    nextToken = page.NextToken;
  } while (nextToken);
}

interface OuNode extends OuRef {
  /** The root and the OUs above this one; for the root itself, empty. */
  path: OuRef[];
}

async function* listAccountsByOrganizationalUnit(
  organizations: OrganizationsApi,
  ouFilter: string[],
): AsyncGenerator<OrgAccount> {
  const tree = await walkOrganizationalUnits(organizations);
  const selected = ouFilter.length === 0 ? tree : selectSubtrees(tree, ouFilter);

  for (const parent of selected) {
    let nextToken: string | undefined;
    do {
      const page = await organizations.listAccountsForParent({
        ParentId: parent.id,
        MaxResults: ACCOUNTS_PAGE_SIZE,
        NextToken: nextToken,
      });
      for (const account of page.Accounts ?? []) yield toOrgAccount(account, ouPathOf(parent));
      nextToken = page.NextToken;
    } while (nextToken);
  }
}

/** Returns the root and every OU under it, parents before children. */
async function walkOrganizationalUnits(organizations: OrganizationsApi): Promise<OuNode[]> {
  const roots = await organizations.listRoots({});
  const nodes: OuNode[] = [];
  const queue: OuNode[] = (roots.Roots ?? []).map((root) => ({ id: root.Id ?? '', name: root.Name ?? 'Root', path: [] }));

  while (queue.length > 0) {
    const parent = queue.shift()!;
    nodes.push(parent);
    const childPath = ouPathOf(parent);
    let nextToken: string | undefined;
    do {
      const page = await organizations.listOrganizationalUnitsForParent({ ParentId: parent.id, NextToken: nextToken });
      for (const ou of page.OrganizationalUnits ?? []) {
        queue.push({ id: ou.Id ?? '', name: ou.Name ?? '', path: childPath });
      }
      nextToken = page.NextToken;
    } while (nextToken);
  }
  return nodes;
}

function selectSubtrees(tree: OuNode[], ouFilter: string[]): OuNode[] {
  const known = new Set(tree.map((node) => node.id));
  const unknown = ouFilter.filter((id) => !known.has(id));
  if (unknown.length > 0) {
    throw new UsageError(`Organizational unit not found in the organization: ${unknown.join(', ')}`, [], {
      remedy: 'Check the --ou values against `aws organizations list-organizational-units-for-parent`.',
    });
  }
  const selectedIds = new Set(ouFilter);
  return tree.filter((node) => selectedIds.has(node.id) || node.path.some((ancestor) => selectedIds.has(ancestor.id)));
}

/** Returns the path of the accounts and OUs directly under `node`: the root, then each OU down to `node`. */
function ouPathOf(node: OuNode): OuRef[] {
  return [...node.path, { id: node.id, name: node.name }];
}

/**
 * Maps an Organizations account. `Status` is retired in favour of `State` (September 2026, per the
 * `@aws-sdk/client-organizations` type docs): read `State` and fall back to `Status`.
 */
export function toOrgAccount(account: Account, ouPath: OuRef[]): OrgAccount {
  const state: AccountState = account.State ?? account.Status ?? 'UNKNOWN';
  const result: OrgAccount = { id: account.Id ?? '', name: account.Name ?? '', state, ouPath };
  if (account.Email) result.email = account.Email;
  if (account.Arn) result.arn = account.Arn;
  return result;
}

/** Reads an account's tags with `ListTagsForResource`, every page. */
export async function readAccountTags(
  organizations: OrganizationsApi,
  accountId: string,
): Promise<Record<string, string>> {
  const tags: Record<string, string> = {};
  let nextToken: string | undefined;
  do {
    const page = await organizations.listTagsForResource({ ResourceId: accountId, NextToken: nextToken });
    for (const tag of page.Tags ?? []) {
      if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return tags;
}
