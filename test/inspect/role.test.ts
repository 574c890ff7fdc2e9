import { describe, expect, it } from 'vitest';
import type { IamReadApi } from '../../src/aws/api.js';
import { AuditError } from '../../src/errors.js';
import { inspectRole } from '../../src/inspect/role.js';

const TRUST = encodeURIComponent(
  '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com"},"Action":"sts:AssumeRole"}}',
);

function noSuchEntity(): Error {
  return Object.assign(new Error('The role with name SSMServiceRole cannot be found.'), {
    name: 'NoSuchEntity',
    $metadata: { httpStatusCode: 404, requestId: 'req-1' },
  });
}

/** Pages of `pageSize` items, ending with IsTruncated false. */
function paged<T>(items: T[], marker: string | undefined, pageSize: number) {
  const start = marker ? Number(marker) : 0;
  const truncated = start + pageSize < items.length;
  return { items: items.slice(start, start + pageSize), IsTruncated: truncated, Marker: truncated ? String(start + pageSize) : undefined };
}

function fakeIam(overrides: Partial<IamReadApi> = {}): IamReadApi {
  const attached = ['A', 'B', 'C'].map((name) => ({ PolicyArn: `arn:aws:iam::aws:policy/${name}`, PolicyName: name }));
  return {
    getRole: async () => ({
      Role: {
        RoleName: 'SSMServiceRole',
        RoleId: 'AROAEXAMPLE',
        Arn: 'arn:aws:iam::111122223333:role/SSMServiceRole',
        Path: '/',
        CreateDate: new Date('2026-01-01T00:00:00Z'),
        AssumeRolePolicyDocument: TRUST,
      },
      $metadata: {},
    }),
    listAttachedRolePolicies: async (input) => {
      const page = paged(attached, input.Marker, 1);
      return { AttachedPolicies: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker, $metadata: {} };
    },
    listRolePolicies: async (input) => {
      const page = paged(['inline-a', 'inline-b'], input.Marker, 1);
      return { PolicyNames: page.items, IsTruncated: page.IsTruncated, Marker: page.Marker, $metadata: {} };
    },
    getRolePolicy: async (input) => ({
      RoleName: 'SSMServiceRole',
      PolicyName: input.PolicyName,
      PolicyDocument: encodeURIComponent('{"Version":"2012-10-17","Statement":[]}'),
      $metadata: {},
    }),
    ...overrides,
  };
}

describe('inspectRole', () => {
  it('returns undefined when GetRole answers NoSuchEntity', async () => {
    const iam = fakeIam({
      getRole: async () => {
        throw noSuchEntity();
      },
    });
    expect(await inspectRole(iam, 'SSMServiceRole')).toBeUndefined();
  });

  it('follows every page of attachments and inline policies', async () => {
    const role = await inspectRole(fakeIam(), 'SSMServiceRole');
    expect(role?.attachedPolicies.map((p) => p.policyName)).toEqual(['A', 'B', 'C']);
    expect(role?.inlinePolicies.map((p) => p.policyName)).toEqual(['inline-a', 'inline-b']);
  });

  it('decodes the trust policy once', async () => {
    const role = await inspectRole(fakeIam(), 'SSMServiceRole');
    expect(role?.trustPolicy.document).toMatchObject({ Version: '2012-10-17' });
    expect(role?.createDate).toBe('2026-01-01T00:00:00.000Z');
  });

  it('continues a short page that is still truncated', async () => {
    const calls: (string | undefined)[] = [];
    const iam = fakeIam({
      listRolePolicies: async (input) => {
        calls.push(input.Marker);
        return input.Marker
          ? { PolicyNames: ['late'], IsTruncated: false, $metadata: {} }
          : { PolicyNames: [], IsTruncated: true, Marker: 'm1', $metadata: {} };
      },
    });
    const role = await inspectRole(iam, 'SSMServiceRole');
    expect(role?.inlinePolicies.map((p) => p.policyName)).toEqual(['late']);
    expect(calls).toEqual([undefined, 'm1']);
  });

  it('rejects a truncated page without a marker', async () => {
    const iam = fakeIam({
      listAttachedRolePolicies: async () => ({ AttachedPolicies: [], IsTruncated: true, $metadata: {} }),
    });
    await expect(inspectRole(iam, 'SSMServiceRole')).rejects.toThrow(AuditError);
  });

  it('propagates AccessDenied', async () => {
    const iam = fakeIam({
      getRole: async () => {
        throw Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
      },
    });
    await expect(inspectRole(iam, 'SSMServiceRole')).rejects.toThrow('not authorized');
  });
});
