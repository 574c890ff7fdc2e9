import { GetRoleCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, type AssumeRoleCommandInput } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';

import type { Emulator } from '../../src/emulator/index.js';
import { clientsFor, emulatorLauncher, MANAGEMENT, MEMBER, MEMBER_USER, rejection, ROOT_USER, smallOrg, trustAccount } from './helpers.js';

const launch = emulatorLauncher();
const ACCESS_ROLE = `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`;

async function assume(emulator: Emulator, input: Partial<AssumeRoleCommandInput>, credentials = emulator.callerCredentials) {
  return clientsFor(emulator, credentials).sts.send(
    new AssumeRoleCommand({ RoleArn: ACCESS_ROLE, RoleSessionName: 'audit', ...input }),
  );
}

function sessionCredentials(result: Awaited<ReturnType<typeof assume>>) {
  return {
    accessKeyId: result.Credentials!.AccessKeyId!,
    secretAccessKey: result.Credentials!.SecretAccessKey!,
    sessionToken: result.Credentials!.SessionToken!,
  };
}

describe('STS GetCallerIdentity', () => {
  it('returns the org file caller', async () => {
    const emulator = await launch({ org: smallOrg() });

    const identity = await clientsFor(emulator).sts.send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe(MANAGEMENT);
    expect(identity.Arn).toBe(`arn:aws:iam::${MANAGEMENT}:user/auditor`);
    expect(identity.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
  });

  it('returns the session ARN for role credentials', async () => {
    const emulator = await launch({ org: smallOrg() });
    const session = sessionCredentials(await assume(emulator, {}));

    const identity = await clientsFor(emulator, session).sts.send(new GetCallerIdentityCommand({}));

    expect(identity.Account).toBe(MEMBER);
    expect(identity.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/OrganizationAccountAccessRole/audit`);
    expect(identity.UserId).toMatch(/^AROA[A-Z2-7]{17}:audit$/);
  });
});

describe('STS AssumeRole', () => {
  it('issues session credentials for a trusting role', async () => {
    const now = Date.parse('2025-03-01T12:00:00Z');
    const emulator = await launch({ org: smallOrg(), now: () => now });

    const result = await assume(emulator, { DurationSeconds: 1800 });

    expect(result.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(result.Credentials?.SessionToken).toBeTruthy();
    expect(result.Credentials?.Expiration?.toISOString()).toBe('2025-03-01T12:30:00.000Z');
    expect(result.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/OrganizationAccountAccessRole/audit`);
    expect(emulator.state.sessionCount()).toBe(1);
  });

  it('missing role and untrusting role give the same AccessDenied', async () => {
    const emulator = await launch({ org: smallOrg() });
    const missingArn = `arn:aws:iam::${MEMBER}:role/NoSuchRole`;
    const untrustingArn = `arn:aws:iam::${MEMBER}:role/SSMServiceRole`;

    const missing = await rejection(assume(emulator, { RoleArn: missingArn }));
    const untrusting = await rejection(assume(emulator, { RoleArn: untrustingArn }));

    expect(missing.name).toBe('AccessDenied');
    expect(missing.$metadata.httpStatusCode).toBe(403);
    expect(missing.message).toBe(
      `User: arn:aws:iam::${MANAGEMENT}:user/auditor is not authorized to perform: sts:AssumeRole on resource: ${missingArn}`,
    );
    expect(untrusting.name).toBe('AccessDenied');
    expect(untrusting.message).toContain(`on resource: ${untrustingArn}`);
  });

  it('role ARN with the wrong path is denied', async () => {
    const emulator = await launch({ org: smallOrg() });

    const error = await rejection(assume(emulator, { RoleArn: `arn:aws:iam::${MEMBER}:role/other/OrganizationAccountAccessRole` }));

    expect(error.name).toBe('AccessDenied');
  });

  it('external id condition must match', async () => {
    const emulator = await launch({ org: smallOrg() });
    const RoleArn = `arn:aws:iam::${MEMBER}:role/ExternalIdRole`;

    const without = await rejection(assume(emulator, { RoleArn }));
    const wrong = await rejection(assume(emulator, { RoleArn, ExternalId: 'wrong-id' }));
    const right = await assume(emulator, { RoleArn, ExternalId: 'expected-id' });

    expect(without.name).toBe('AccessDenied');
    expect(wrong.name).toBe('AccessDenied');
    expect(right.Credentials?.AccessKeyId).toMatch(/^ASIA/);
  });

  it('root user cannot assume roles', async () => {
    const emulator = await launch({ org: smallOrg() });

    const error = await rejection(assume(emulator, {}, ROOT_USER));

    expect(error.name).toBe('AccessDenied');
    expect(error.message).toBe('Roles may not be assumed by root accounts.');
  });

  it('a role trusting its own account accepts its users', async () => {
    const emulator = await launch({ org: smallOrg() });

    const result = await assume(emulator, { RoleArn: `arn:aws:iam::${MEMBER}:role/ChainTarget` }, MEMBER_USER);

    expect(result.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/ChainTarget/audit`);
  });

  it('role chaining is capped at one hour', async () => {
    const emulator = await launch({ org: smallOrg() });
    const first = sessionCredentials(await assume(emulator, {}));
    const RoleArn = `arn:aws:iam::${MEMBER}:role/ChainTarget`;

    const tooLong = await rejection(assume(emulator, { RoleArn, DurationSeconds: 7200 }, first));
    const oneHour = await assume(emulator, { RoleArn, DurationSeconds: 3600 }, first);

    expect(tooLong.name).toBe('ValidationError');
    expect(tooLong.$metadata.httpStatusCode).toBe(400);
    expect(tooLong.message).toBe('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
    expect(oneHour.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${MEMBER}:assumed-role/ChainTarget/audit`);
  });

  it('duration is checked against 900 and MaxSessionDuration', async () => {
    const emulator = await launch({ org: smallOrg() });

    const short = await rejection(assume(emulator, { DurationSeconds: 899 }));
    const overRole = await rejection(assume(emulator, { DurationSeconds: 7201 }));
    const atRole = await assume(emulator, { DurationSeconds: 7200 });

    expect(short.name).toBe('ValidationError');
    expect(overRole.message).toBe('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
    expect(atRole.Credentials).toBeDefined();
  });

  it('session name must be 2-64 allowed characters', async () => {
    const emulator = await launch({ org: smallOrg() });

    for (const name of ['a', 'x'.repeat(65), 'has space', 'slash/name']) {
      const error = await rejection(assume(emulator, { RoleSessionName: name }));
      expect(error.name, name).toBe('ValidationError');
    }
    const ok = await assume(emulator, { RoleSessionName: 'user+=,.@-_9' });
    expect(ok.Credentials).toBeDefined();
  });

  it('suspended accounts reject AssumeRole', async () => {
    const org = smallOrg();
    org.accounts[1]!.state = 'SUSPENDED';
    const emulator = await launch({ org });

    const error = await rejection(assume(emulator, {}));

    expect(error.name).toBe('AccessDenied');
  });

  it('explicit Deny wins over Allow', async () => {
    const org = smallOrg();
    const trust = trustAccount(MANAGEMENT) as { Statement: unknown[] };
    trust.Statement.push({ Effect: 'Deny', Principal: { AWS: `arn:aws:iam::${MANAGEMENT}:user/auditor` }, Action: 'sts:*' });
    org.accounts[1]!.roles!.push({ name: 'Denied', trustPolicy: trust });
    const emulator = await launch({ org });

    const error = await rejection(assume(emulator, { RoleArn: `arn:aws:iam::${MEMBER}:role/Denied` }));

    expect(error.name).toBe('AccessDenied');
  });
});

describe('STS session credentials', () => {
  it('expire on the injected clock', async () => {
    let now = Date.parse('2025-03-01T12:00:00Z');
    const emulator = await launch({ org: smallOrg(), now: () => now });
    const session = clientsFor(emulator, sessionCredentials(await assume(emulator, { DurationSeconds: 900 })));

    const before = await session.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));
    now += 900_000;
    const iamError = await rejection(session.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));
    const stsError = await rejection(session.sts.send(new GetCallerIdentityCommand({})));

    expect(before.Role?.RoleName).toBe('SSMServiceRole');
    expect(iamError.name).toBe('ExpiredToken');
    expect(iamError.$metadata.httpStatusCode).toBe(403);
    expect(iamError.message).toBe('The security token included in the request is expired');
    expect(stsError.name).toBe('ExpiredToken');
  });

  it('need their session token', async () => {
    const emulator = await launch({ org: smallOrg() });
    const session = sessionCredentials(await assume(emulator, {}));

    const error = await rejection(
      clientsFor(emulator, { ...session, sessionToken: undefined }).sts.send(new GetCallerIdentityCommand({})),
    );

    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});
