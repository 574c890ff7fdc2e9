import type { Account } from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';
import type { OrganizationsApi } from '../../src/aws/api.js';
import { discoverAccounts, readAccountTags, toOrgAccount } from '../../src/discover/accounts.js';
import { UsageError } from '../../src/errors.js';

function account(id: string, extra: Partial<Account> = {}): Account {
  return { Id: id, Name: `account-${id}`, State: 'ACTIVE', ...extra };
}

/** An Organizations fake with a tree Root > A > A1, Root > B, answering from `accountsByParent`. */
function fakeOrganizations(accountsByParent: Record<string, Account[]>, calls: string[] = []): OrganizationsApi {
  const ous: Record<string, { Id: string; Name: string }[]> = {
    'r-root': [
      { Id: 'ou-root-aaaaaaaa', Name: 'A' },
      { Id: 'ou-root-bbbbbbbb', Name: 'B' },
    ],
    'ou-root-aaaaaaaa': [{ Id: 'ou-root-a1a1a1a1', Name: 'A1' }],
  };
  const pageOf = <T>(items: T[], token: string | undefined, size: number) => {
    const start = token ? Number(token) : 0;
    const next = start + size < items.length ? String(start + size) : undefined;
    return { items: items.slice(start, start + size), next };
  };
  const all = Object.values(accountsByParent).flat();
  return {
    describeOrganization: async () => ({ $metadata: {} }),
    listAccounts: async (input) => {
      calls.push(`ListAccounts:${input.NextToken ?? ''}`);
      const { items, next } = pageOf(all, input.NextToken, input.MaxResults ?? 20);
      return { Accounts: items, NextToken: next, $metadata: {} };
    },
    listRoots: async () => ({ Roots: [{ Id: 'r-root', Name: 'Root' }], $metadata: {} }),
    listOrganizationalUnitsForParent: async (input) => {
      calls.push(`ListOrganizationalUnitsForParent:${input.ParentId}`);
      return { OrganizationalUnits: ous[input.ParentId ?? ''] ?? [], $metadata: {} };
    },
    listAccountsForParent: async (input) => {
      calls.push(`ListAccountsForParent:${input.ParentId}`);
      const { items, next } = pageOf(accountsByParent[input.ParentId ?? ''] ?? [], input.NextToken, input.MaxResults ?? 20);
      return { Accounts: items, NextToken: next, $metadata: {} };
    },
    listTagsForResource: async (input) =>
      input.NextToken
        ? { Tags: [{ Key: 'team', Value: 'platform' }], $metadata: {} }
        : { Tags: [{ Key: 'env', Value: 'prod' }], NextToken: 'page-2', $metadata: {} },
  };
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('discoverAccounts', () => {
  it('follows every ListAccounts page', async () => {
    const many = Array.from({ length: 45 }, (_, i) => account(String(100000000000 + i)));
    const calls: string[] = [];
    const accounts = await collect(discoverAccounts(fakeOrganizations({ 'r-root': many }, calls)));
    expect(accounts).toHaveLength(45);
    expect(calls).toEqual(['ListAccounts:', 'ListAccounts:20', 'ListAccounts:40']);
  });

  it('walks only the selected OU subtree', async () => {
    const organizations = fakeOrganizations({
      'r-root': [account('111111111111')],
      'ou-root-aaaaaaaa': [account('222222222222')],
      'ou-root-a1a1a1a1': [account('333333333333')],
      'ou-root-bbbbbbbb': [account('444444444444')],
    });
    const accounts = await collect(discoverAccounts(organizations, { organizationalUnits: ['ou-root-aaaaaaaa'] }));
    expect(accounts.map((a) => a.id)).toEqual(['222222222222', '333333333333']);
    expect(accounts[1]!.ouPath).toEqual([
      { id: 'r-root', name: 'Root' },
      { id: 'ou-root-aaaaaaaa', name: 'A' },
      { id: 'ou-root-a1a1a1a1', name: 'A1' },
    ]);
  });

  it('gives accounts under the root the root as path', async () => {
    const organizations = fakeOrganizations({ 'r-root': [account('111111111111')] });
    const accounts = await collect(discoverAccounts(organizations, { withOuPaths: true }));
    expect(accounts).toEqual([expect.objectContaining({ id: '111111111111', ouPath: [{ id: 'r-root', name: 'Root' }] })]);
  });

  it('rejects an OU that is not in the organization', async () => {
    const organizations = fakeOrganizations({});
    await expect(collect(discoverAccounts(organizations, { organizationalUnits: ['ou-root-cccccccc'] }))).rejects.toThrow(
      UsageError,
    );
  });

  it('propagates a listing failure', async () => {
    const organizations = fakeOrganizations({});
    organizations.listAccounts = async () => {
      throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
    };
    await expect(collect(discoverAccounts(organizations))).rejects.toThrow('Rate exceeded');
  });
});

describe('toOrgAccount', () => {
  it.each([
    [{ State: 'SUSPENDED' }, 'SUSPENDED'],
    [{ State: undefined, Status: 'PENDING_CLOSURE' }, 'PENDING_CLOSURE'],
    [{ State: 'CLOSED', Status: 'SUSPENDED' }, 'CLOSED'],
    [{ State: undefined, Status: undefined }, 'UNKNOWN'],
  ] as const)('reads State before the retired Status (%o)', (fields, expected) => {
    expect(toOrgAccount(account('111111111111', fields as Partial<Account>), []).state).toBe(expected);
  });
});

describe('readAccountTags', () => {
  it('follows NextToken', async () => {
    const tags = await readAccountTags(fakeOrganizations({}), '111111111111');
    expect(tags).toEqual({ env: 'prod', team: 'platform' });
  });
});
