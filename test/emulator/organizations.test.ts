import {
  DescribeAccountCommand,
  DescribeOrganizationCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  paginateListAccounts,
} from '@aws-sdk/client-organizations';
import { describe, expect, it } from 'vitest';

import { generateOrg, parseOrgDefinition } from '../../src/emulator/index.js';
import { clientsFor, emulatorLauncher, MANAGEMENT, MEMBER, MEMBER_USER, OTHER_MEMBER, rejection, smallOrg } from './helpers.js';

const launch = emulatorLauncher();

describe('Organizations listing', () => {
  it('ListAccounts of 25 accounts needs two pages', async () => {
    const emulator = await launch({ org: generateOrg({ accounts: 25 }) });
    const { organizations } = clientsFor(emulator);

    const first = await organizations.send(new ListAccountsCommand({}));
    const second = await organizations.send(new ListAccountsCommand({ NextToken: first.NextToken }));

    expect(first.Accounts).toHaveLength(20);
    expect(first.NextToken).toBeTruthy();
    expect(second.Accounts).toHaveLength(5);
    expect(second.NextToken).toBeUndefined();
    expect(new Set([...first.Accounts!, ...second.Accounts!].map((account) => account.Id)).size).toBe(25);
  });

  it('the SDK paginator walks every page', async () => {
    const emulator = await launch({ org: generateOrg({ accounts: 45 }), pageSizeCap: { organizations: 7 } });
    const ids: string[] = [];
    let pages = 0;

    for await (const page of paginateListAccounts({ client: clientsFor(emulator).organizations }, {})) {
      ids.push(...page.Accounts!.map((account) => account.Id!));
      pages++;
    }

    expect(ids).toHaveLength(45);
    expect(pages).toBe(7);
  });

  it('MaxResults above 20 is InvalidInputException', async () => {
    const emulator = await launch({ org: smallOrg() });

    const error = await rejection(clientsFor(emulator).organizations.send(new ListAccountsCommand({ MaxResults: 21 })));

    expect(error.name).toBe('InvalidInputException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect((error as unknown as { Reason: string }).Reason).toBe('MAX_VALUE_EXCEEDED');
  });

  it('a token from another call is rejected', async () => {
    const emulator = await launch({ org: generateOrg({ accounts: 25 }) });
    const { organizations } = clientsFor(emulator);
    const first = await organizations.send(new ListAccountsCommand({}));

    const error = await rejection(
      organizations.send(new ListAccountsForParentCommand({ ParentId: emulator.state.rootId, NextToken: first.NextToken })),
    );

    expect(error.name).toBe('InvalidInputException');
  });

  it('walks the OU tree from the root', async () => {
    const emulator = await launch({ org: smallOrg() });
    const { organizations } = clientsFor(emulator);

    const { Roots } = await organizations.send(new ListRootsCommand({}));
    const rootId = Roots![0]!.Id!;
    const units = await organizations.send(new ListOrganizationalUnitsForParentCommand({ ParentId: rootId }));
    const inRoot = await organizations.send(new ListAccountsForParentCommand({ ParentId: rootId }));
    const inUnit = await organizations.send(new ListAccountsForParentCommand({ ParentId: 'ou-test-00000001' }));
    const parents = await organizations.send(new ListParentsCommand({ ChildId: MEMBER }));

    expect(rootId).toBe('r-test');
    expect(Roots![0]!.Arn).toBe(`arn:aws:organizations::${MANAGEMENT}:root/o-test000001/r-test`);
    expect(units.OrganizationalUnits).toEqual([
      { Id: 'ou-test-00000001', Arn: `arn:aws:organizations::${MANAGEMENT}:ou/o-test000001/ou-test-00000001`, Name: 'Workloads' },
    ]);
    expect(inRoot.Accounts?.map((account) => account.Id)).toEqual([MANAGEMENT]);
    expect(inUnit.Accounts?.map((account) => account.Id)).toEqual([MEMBER, OTHER_MEMBER]);
    expect(parents.Parents).toEqual([{ Id: 'ou-test-00000001', Type: 'ORGANIZATIONAL_UNIT' }]);
  });

  it('unknown parent is ParentNotFoundException', async () => {
    const emulator = await launch({ org: smallOrg() });

    const error = await rejection(
      clientsFor(emulator).organizations.send(new ListAccountsForParentCommand({ ParentId: 'ou-test-99999999' })),
    );

    expect(error.name).toBe('ParentNotFoundException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('DescribeAccount, DescribeOrganization and tags', async () => {
    const emulator = await launch({ org: smallOrg() });
    const { organizations } = clientsFor(emulator);

    const { Account } = await organizations.send(new DescribeAccountCommand({ AccountId: MEMBER }));
    const { Organization } = await organizations.send(new DescribeOrganizationCommand({}));
    const { Tags } = await organizations.send(new ListTagsForResourceCommand({ ResourceId: MEMBER }));
    const missing = await rejection(organizations.send(new DescribeAccountCommand({ AccountId: '999999999999' })));

    expect(Account?.Name).toBe('member-a');
    expect(Account?.Arn).toBe(`arn:aws:organizations::${MANAGEMENT}:account/o-test000001/${MEMBER}`);
    expect(Account?.JoinedTimestamp).toBeInstanceOf(Date);
    expect(Organization?.MasterAccountId).toBe(MANAGEMENT);
    expect(Organization?.FeatureSet).toBe('ALL');
    expect(Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(missing.name).toBe('AccountNotFoundException');
  });
});

describe('Organizations account status fields', () => {
  it('sends State, Status or both as the org file chooses', async () => {
    const org = smallOrg();
    org.accounts[0]!.statusField = 'state';
    org.accounts[1]!.statusField = 'status';
    org.accounts[1]!.state = 'SUSPENDED';
    org.accounts[2]!.state = 'CLOSED';
    const emulator = await launch({ org });

    const { Accounts } = await clientsFor(emulator).organizations.send(new ListAccountsCommand({}));

    expect(Accounts?.[0]).toMatchObject({ State: 'ACTIVE' });
    expect(Accounts?.[0]?.Status).toBeUndefined();
    expect(Accounts?.[1]).toMatchObject({ Status: 'SUSPENDED' });
    expect(Accounts?.[1]?.State).toBeUndefined();
    expect(Accounts?.[2]).toMatchObject({ State: 'CLOSED', Status: 'SUSPENDED' });
  });
});

describe('Organizations access', () => {
  it('member accounts get AccessDeniedException', async () => {
    const emulator = await launch({ org: smallOrg() });
    const member = clientsFor(emulator, MEMBER_USER);

    const error = await rejection(member.organizations.send(new ListAccountsCommand({})));
    const described = await member.organizations.send(new DescribeOrganizationCommand({}));

    expect(error.name).toBe('AccessDeniedException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(described.Organization?.Id).toBe('o-test000001');
  });

  it('unknown access key is UnrecognizedClientException', async () => {
    const emulator = await launch({ org: smallOrg() });
    const stranger = clientsFor(emulator, { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' });

    const error = await rejection(stranger.organizations.send(new ListAccountsCommand({})));

    expect(error.name).toBe('UnrecognizedClientException');
  });

  it('an org not in use sends AWSOrganizationsNotInUseException', async () => {
    const org = parseOrgDefinition(smallOrg());
    org.organization.inUse = false;
    const emulator = await launch({ org });

    const error = await rejection(clientsFor(emulator).organizations.send(new ListAccountsCommand({})));

    expect(error.name).toBe('AWSOrganizationsNotInUseException');
  });

  it('rate limit throttles beyond the burst', async () => {
    const emulator = await launch({ org: smallOrg(), organizationsRateLimit: { perSecond: 1, burst: 3 } });
    const { organizations } = clientsFor(emulator);

    for (let call = 0; call < 3; call++) {
      await organizations.send(new ListRootsCommand({}));
    }
    const error = await rejection(organizations.send(new ListRootsCommand({})));

    expect(error.name).toBe('TooManyRequestsException');
    expect(error.$metadata.httpStatusCode).toBe(400);
    expect(emulator.callCount({ service: 'organizations', operation: 'ListRoots' })).toBe(4);
    expect(emulator.calls().find((record) => record.operation === 'ListRoots')?.errors).toBe(1);
  });

  it('SDK retries recover from the rate limit', async () => {
    const emulator = await launch({ org: smallOrg(), organizationsRateLimit: { perSecond: 50, burst: 1 } });
    const { organizations } = clientsFor(emulator, emulator.callerCredentials, 5);

    await organizations.send(new ListRootsCommand({}));
    const second = await organizations.send(new ListRootsCommand({}));

    expect(second.Roots).toHaveLength(1);
    expect(emulator.callCount({ operation: 'ListRoots' })).toBeGreaterThan(2);
  });
});
