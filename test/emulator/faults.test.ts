import { GetRoleCommand, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { ListAccountsCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';

import type { Emulator } from '../../src/emulator/index.js';
import { clientsFor, emulatorLauncher, MANAGEMENT, MEMBER, rejection, smallOrg } from './helpers.js';

const launch = emulatorLauncher();

async function sessionInMember(emulator: Emulator) {
  const { Credentials } = await clientsFor(emulator).sts.send(
    new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`, RoleSessionName: 'audit' }),
  );
  return clientsFor(emulator, {
    accessKeyId: Credentials!.AccessKeyId!,
    secretAccessKey: Credentials!.SecretAccessKey!,
    sessionToken: Credentials!.SessionToken!,
  });
}

describe('fault rules', () => {
  it('throttle sends Throttling for IAM and STS', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ service: 'iam', kind: 'throttle' });
    emulator.faults.add({ service: 'sts', kind: 'throttle', times: 1 });
    const clients = clientsFor(emulator);

    const iam = await rejection(clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const sts = await rejection(clients.sts.send(new GetCallerIdentityCommand({})));
    const stsAfter = await clients.sts.send(new GetCallerIdentityCommand({}));

    expect(iam.name).toBe('Throttling');
    expect(iam.$metadata.httpStatusCode).toBe(400);
    expect(sts.name).toBe('Throttling');
    expect(stsAfter.Account).toBe(MANAGEMENT);
  });

  it('throttle sends TooManyRequestsException for Organizations', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ service: 'organizations', operation: 'ListAccounts', kind: 'throttle' });

    const error = await rejection(clientsFor(emulator).organizations.send(new ListAccountsCommand({})));

    expect(error.name).toBe('TooManyRequestsException');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('the SDK retries a throttled call', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ service: 'iam', kind: 'throttle', times: 1 });

    const { Role } = await clientsFor(emulator, emulator.callerCredentials, 2).iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(Role?.RoleName).toBe('SSMServiceRole');
    expect(emulator.callCount({ operation: 'GetRole' })).toBe(2);
    expect(emulator.calls().find((record) => record.operation === 'GetRole')?.errors).toBe(1);
  });

  it('error sends the given code and status', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ kind: 'error', code: 'ServiceFailure', httpStatus: 500, message: 'boom', times: 1 });
    emulator.faults.add({ service: 'organizations', kind: 'error', code: 'ServiceUnavailable', httpStatus: 503 });
    const clients = clientsFor(emulator);

    const iam = await rejection(clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const organizations = await rejection(clients.organizations.send(new ListAccountsCommand({})));

    expect(iam.name).toBe('ServiceFailureException');
    expect(iam.message).toBe('boom');
    expect(iam.$metadata.httpStatusCode).toBe(500);
    expect(organizations.name).toBe('ServiceUnavailable');
    expect(organizations.$metadata.httpStatusCode).toBe(503);
  });

  it('rules match the account of the credentials', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ accountId: MEMBER, operation: 'GetRole', kind: 'error', code: 'AccessDenied', httpStatus: 403 });
    const member = await sessionInMember(emulator);

    const denied = await rejection(member.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const management = await clientsFor(emulator).iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(denied.name).toBe('AccessDenied');
    expect(denied.$metadata.httpStatusCode).toBe(403);
    expect(management.Role?.Arn).toContain(MANAGEMENT);
  });

  it('drop closes the connection without a response', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ service: 'iam', kind: 'drop', times: 1 });
    const clients = clientsFor(emulator);

    const error = await rejection(clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const after = await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(error.$metadata?.httpStatusCode).toBeUndefined();
    expect(`${error.name} ${error.message} ${(error as { code?: string }).code ?? ''}`).toMatch(/ECONNRESET|socket hang up/);
    expect(after.Role?.RoleName).toBe('SSMServiceRole');
    expect(emulator.calls().find((record) => record.operation === 'GetRole')).toMatchObject({ count: 2, errors: 1 });
  });

  it('hang keeps the call open until abort', async () => {
    const emulator = await launch({ org: smallOrg() });
    emulator.faults.add({ operation: 'GetRole', kind: 'hang' });
    const { iam } = clientsFor(emulator);
    const started = Date.now();

    const error = await rejection(iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }), { abortSignal: AbortSignal.timeout(200) }));

    expect(error.name).toBe('AbortError');
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(emulator.calls().find((record) => record.operation === 'GetRole')).toMatchObject({ count: 1, errors: 1 });
  });

  it('latency delays the answer', async () => {
    const emulator = await launch({ org: smallOrg(), latencyMs: 20 });
    emulator.faults.add({ operation: 'GetRole', kind: 'latency', latencyMs: 100 });
    const clients = clientsFor(emulator);
    const started = Date.now();

    await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(Date.now() - started).toBeGreaterThanOrEqual(115);
  });

  it('probability picks the same calls for the same seed', async () => {
    const outcomes: boolean[][] = [];
    for (let run = 0; run < 2; run++) {
      const emulator = await launch({ org: smallOrg(), faultSeed: 42 });
      emulator.faults.add({ service: 'iam', kind: 'throttle', probability: 0.5 });
      const { iam } = clientsFor(emulator);
      const results: boolean[] = [];
      for (let call = 0; call < 20; call++) {
        results.push(await iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })).then(() => true, () => false));
      }
      outcomes.push(results);
    }

    expect(outcomes[0]).toEqual(outcomes[1]);
    expect(outcomes[0]).toContain(true);
    expect(outcomes[0]).toContain(false);
  });

  it('removing and clearing rules stops the faults', async () => {
    const emulator = await launch({ org: smallOrg() });
    const remove = emulator.faults.add({ kind: 'throttle' });
    const { iam } = clientsFor(emulator);

    const throttled = await rejection(iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    remove();
    const afterRemove = await iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    emulator.faults.add({ kind: 'throttle' });
    emulator.faults.clear();
    const afterClear = await iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(throttled.name).toBe('Throttling');
    expect(afterRemove.Role).toBeDefined();
    expect(afterClear.Role).toBeDefined();
  });

  it('invalid rules are rejected with TypeError', async () => {
    const emulator = await launch({ org: smallOrg() });

    expect(() => emulator.faults.add({ kind: 'error' })).toThrow(TypeError);
    expect(() => emulator.faults.add({ kind: 'throttle', probability: 2 })).toThrow(/probability 2/);
    expect(() => emulator.faults.add({ kind: 'latency' })).toThrow(/latencyMs/);
    expect(() => emulator.faults.add({ kind: 'drop', times: 0 })).toThrow(/times 0/);
  });
});

describe('call counting', () => {
  it('counts calls and errors per service, operation and account', async () => {
    const emulator = await launch({ org: smallOrg() });
    const clients = clientsFor(emulator);
    const member = await sessionInMember(emulator);

    await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    await member.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    await member.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'SSMServiceRole' }));
    await rejection(member.iam.send(new GetRoleCommand({ RoleName: 'Missing' })));

    expect(emulator.callCount()).toBe(5);
    expect(emulator.callCount({ service: 'sts', operation: 'AssumeRole', accountId: MANAGEMENT })).toBe(1);
    expect(emulator.callCount({ service: 'iam', accountId: MEMBER })).toBe(3);
    expect(emulator.callCount({ operation: 'GetRole' })).toBe(3);
    expect(emulator.calls()).toContainEqual({ service: 'iam', operation: 'GetRole', accountId: MEMBER, count: 2, errors: 1 });

    emulator.resetCalls();
    expect(emulator.callCount()).toBe(0);
    expect(emulator.calls()).toEqual([]);
  });

  it('counts calls with unknown keys without an account', async () => {
    const emulator = await launch({ org: smallOrg() });
    const stranger = clientsFor(emulator, { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' });

    await rejection(stranger.sts.send(new GetCallerIdentityCommand({})));

    expect(emulator.calls()).toEqual([{ service: 'sts', operation: 'GetCallerIdentity', accountId: undefined, count: 1, errors: 1 }]);
  });
});
