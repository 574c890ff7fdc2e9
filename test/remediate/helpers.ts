/**
 * Test helpers for remediation: desired roles, an in-memory IAM fake that behaves like IAM for the
 * calls the tool makes (percent-encoded documents on reads, NoSuchEntity, EntityAlreadyExists,
 * LimitExceeded), and temporary journal paths.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { IamApi } from '../../src/aws/api.js';
import { evaluateRole } from '../../src/evaluate/index.js';
import type { DesiredRole, Finding, ObservedRole, PolicyDocument } from '../../src/model.js';
import { buildAccountPlan, readRole } from '../../src/remediate/index.js';
import type { AccountPlan } from '../../src/remediate/index.js';

export const ACCOUNT_ID = '222222222222';
export const ROLE_NAME = 'SSMServiceRole';
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT_ID}:role/${ROLE_NAME}`;

export const CORE = 'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore';
export const DIRECTORY = 'arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess';
export const DEPRECATED = 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM';
export const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
export const READ_ONLY = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
export const CUSTOMER_S3 = `arn:aws:iam::${ACCOUNT_ID}:policy/SSMServiceRoleS3BucketAccess`;

export const PLAIN_TRUST: PolicyDocument = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'ssm.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};

/** The guide's document in another shape IAM may store: a single statement object, keys reordered. */
export const PLAIN_TRUST_AS_STORED =
  '{"Statement":{"Action":"sts:AssumeRole","Principal":{"Service":"ssm.amazonaws.com"},"Effect":"Allow"},"Version":"2012-10-17"}';

export const EXTRA_PRINCIPAL_TRUST =
  '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ssm.amazonaws.com","AWS":"arn:aws:iam::999999999999:root"},"Action":"sts:AssumeRole"}]}';

export const INLINE_DOCUMENT = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';

export function hardenedTrust(accountId: string): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: 'ssm.amazonaws.com' },
        Action: 'sts:AssumeRole',
        Condition: {
          StringEquals: { 'aws:SourceAccount': accountId },
          ArnLike: { 'aws:SourceArn': `arn:aws:ssm:*:${accountId}:*` },
        },
      },
    ],
  };
}

/** Builds the default config's desired role for `accountId`; the customer managed policy can be made required. */
export function desiredRole(
  options: { accountId?: string; hardening?: 'recommended' | 'required' | 'off'; requireCustomerPolicy?: boolean } = {},
): DesiredRole {
  const accountId = options.accountId ?? ACCOUNT_ID;
  const hardening = options.hardening ?? 'recommended';
  const customerPolicy = `arn:aws:iam::${accountId}:policy/SSMServiceRoleS3BucketAccess`;
  return {
    roleName: ROLE_NAME,
    path: '/',
    trustPolicy: {
      servicePrincipal: 'ssm.amazonaws.com',
      action: 'sts:AssumeRole',
      hardening,
      sourceAccount: accountId,
      sourceArnPatterns: [`arn:aws:ssm:*:${accountId}:*`],
      document: hardening === 'required' ? hardenedTrust(accountId) : PLAIN_TRUST,
    },
    managedPolicies: [
      { arn: CORE, requirement: 'required' },
      { arn: DIRECTORY, requirement: 'allowed' },
      { arn: customerPolicy, requirement: options.requireCustomerPolicy ? 'required' : 'allowed' },
      { arn: DEPRECATED, requirement: 'deprecated', replacedBy: CORE },
    ],
    allowedInlinePolicies: [],
  };
}

export interface FakeRole {
  name: string;
  path: string;
  roleId: string;
  trustPolicy: string;
  attached: string[];
  inline: Map<string, string>;
  tags: Map<string, string>;
}

export interface FakeRoleInput {
  name?: string;
  path?: string;
  trustPolicy?: string | PolicyDocument;
  attached?: string[];
  inline?: Record<string, string>;
  tags?: Record<string, string>;
}

/** IAM errors that the SDK models as exception classes named `<Code>Exception`. */
const MODELED_ERRORS = new Set(['NoSuchEntity', 'EntityAlreadyExists', 'LimitExceeded', 'DeleteConflict', 'UnmodifiableEntity']);

/**
 * An IAM error as the AWS SDK v3 throws it: a modeled error is named after its exception class, an
 * unmodeled one after its code, and `Code` contains the code IAM sent.
 */
export function awsError(code: string, httpStatus: number, message: string): Error {
  return Object.assign(new Error(message), {
    name: MODELED_ERRORS.has(code) ? `${code}Exception` : code,
    Code: code,
    $fault: httpStatus >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode: httpStatus, requestId: `req-${code}` },
  });
}

type Operation = keyof IamApi;

/**
 * An in-memory IAM account. Every call is recorded in `calls`; `before(operation, input)` runs first
 * and may throw, to inject a failure, or return a promise to delay the call.
 */
export class FakeIam implements IamApi {
  readonly accountId: string;
  readonly roles = new Map<string, FakeRole>();
  readonly customerPolicies = new Set<string>();
  readonly calls: { operation: Operation; input: unknown }[] = [];
  managedPolicyQuota = 10;
  before?: (operation: Operation, input: Record<string, unknown>) => void | Promise<void>;
  private nextId = 1;

  constructor(accountId = ACCOUNT_ID) {
    this.accountId = accountId;
  }

  addRole(input: FakeRoleInput = {}): FakeRole {
    const trust = input.trustPolicy ?? PLAIN_TRUST;
    const role: FakeRole = {
      name: input.name ?? ROLE_NAME,
      path: input.path ?? '/',
      roleId: `AROAFAKE${this.nextId++}`,
      trustPolicy: typeof trust === 'string' ? trust : JSON.stringify(trust),
      attached: [...(input.attached ?? [CORE])],
      inline: new Map(Object.entries(input.inline ?? {})),
      tags: new Map(Object.entries(input.tags ?? {})),
    };
    this.roles.set(role.name.toLowerCase(), role);
    return role;
  }

  role(name = ROLE_NAME): FakeRole | undefined {
    return this.roles.get(name.toLowerCase());
  }

  /** Operations called, in order, without reads when `writesOnly`. */
  operations(writesOnly = false): string[] {
    const reads = new Set(['getRole', 'listAttachedRolePolicies', 'listRolePolicies', 'getRolePolicy', 'getPolicy']);
    return this.calls.map((call) => call.operation).filter((operation) => !writesOnly || !reads.has(operation));
  }

  private async enter(operation: Operation, input: object): Promise<void> {
    this.calls.push({ operation, input });
    await this.before?.(operation, input as Record<string, unknown>);
  }

  private find(name: string | undefined): FakeRole {
    const role = this.roles.get((name ?? '').toLowerCase());
    if (role === undefined) throw awsError('NoSuchEntity', 404, `The role with name ${name} cannot be found.`);
    return role;
  }

  private arn(role: FakeRole): string {
    return `arn:aws:iam::${this.accountId}:role${role.path}${role.name}`;
  }

  private policyExists(arn: string): boolean {
    return /^arn:aws:iam::aws:policy\//.test(arn) || this.customerPolicies.has(arn);
  }

  getRole: IamApi['getRole'] = async (input) => {
    await this.enter('getRole', input);
    const role = this.find(input.RoleName);
    return {
      Role: {
        RoleName: role.name,
        RoleId: role.roleId,
        Arn: this.arn(role),
        Path: role.path,
        CreateDate: new Date('2024-01-15T10:00:00Z'),
        AssumeRolePolicyDocument: encodeURIComponent(role.trustPolicy),
        Tags: [...role.tags].map(([Key, Value]) => ({ Key, Value })),
      },
      $metadata: {},
    };
  };

  listAttachedRolePolicies: IamApi['listAttachedRolePolicies'] = async (input) => {
    await this.enter('listAttachedRolePolicies', input);
    const role = this.find(input.RoleName);
    return {
      AttachedPolicies: role.attached.map((arn) => ({ PolicyArn: arn, PolicyName: arn.split('/').at(-1) })),
      IsTruncated: false,
      $metadata: {},
    };
  };

  listRolePolicies: IamApi['listRolePolicies'] = async (input) => {
    await this.enter('listRolePolicies', input);
    return { PolicyNames: [...this.find(input.RoleName).inline.keys()], IsTruncated: false, $metadata: {} };
  };

  getRolePolicy: IamApi['getRolePolicy'] = async (input) => {
    await this.enter('getRolePolicy', input);
    const role = this.find(input.RoleName);
    const document = role.inline.get(input.PolicyName ?? '');
    if (document === undefined) throw awsError('NoSuchEntity', 404, `The role policy with name ${input.PolicyName} cannot be found.`);
    return { RoleName: role.name, PolicyName: input.PolicyName, PolicyDocument: encodeURIComponent(document), $metadata: {} };
  };

  createRole: IamApi['createRole'] = async (input) => {
    await this.enter('createRole', input);
    if (this.roles.has((input.RoleName ?? '').toLowerCase())) {
      throw awsError('EntityAlreadyExists', 409, `Role with name ${input.RoleName} already exists.`);
    }
    const role = this.addRole({
      name: input.RoleName,
      path: input.Path ?? '/',
      trustPolicy: input.AssumeRolePolicyDocument,
      attached: [],
      tags: Object.fromEntries((input.Tags ?? []).map((tag) => [tag.Key, tag.Value])),
    });
    return { Role: { RoleName: role.name, RoleId: role.roleId, Arn: this.arn(role), Path: role.path, CreateDate: new Date() }, $metadata: {} };
  };

  updateAssumeRolePolicy: IamApi['updateAssumeRolePolicy'] = async (input) => {
    await this.enter('updateAssumeRolePolicy', input);
    this.find(input.RoleName).trustPolicy = input.PolicyDocument ?? '';
    return { $metadata: {} };
  };

  attachRolePolicy: IamApi['attachRolePolicy'] = async (input) => {
    await this.enter('attachRolePolicy', input);
    const role = this.find(input.RoleName);
    const arn = input.PolicyArn ?? '';
    if (!this.policyExists(arn)) throw awsError('NoSuchEntity', 404, `Policy ${arn} does not exist or is not attachable.`);
    if (role.attached.includes(arn)) return { $metadata: {} };
    if (role.attached.length >= this.managedPolicyQuota) {
      throw awsError('LimitExceeded', 409, `Cannot exceed quota for PoliciesPerRole: ${this.managedPolicyQuota}`);
    }
    role.attached.push(arn);
    return { $metadata: {} };
  };

  detachRolePolicy: IamApi['detachRolePolicy'] = async (input) => {
    await this.enter('detachRolePolicy', input);
    const role = this.find(input.RoleName);
    if (!role.attached.includes(input.PolicyArn ?? '')) throw awsError('NoSuchEntity', 404, `Policy ${input.PolicyArn} was not found.`);
    role.attached = role.attached.filter((arn) => arn !== input.PolicyArn);
    return { $metadata: {} };
  };

  putRolePolicy: IamApi['putRolePolicy'] = async (input) => {
    await this.enter('putRolePolicy', input);
    this.find(input.RoleName).inline.set(input.PolicyName ?? '', input.PolicyDocument ?? '');
    return { $metadata: {} };
  };

  deleteRolePolicy: IamApi['deleteRolePolicy'] = async (input) => {
    await this.enter('deleteRolePolicy', input);
    const role = this.find(input.RoleName);
    if (!role.inline.delete(input.PolicyName ?? '')) throw awsError('NoSuchEntity', 404, `The role policy with name ${input.PolicyName} cannot be found.`);
    return { $metadata: {} };
  };

  deleteRole: IamApi['deleteRole'] = async (input) => {
    await this.enter('deleteRole', input);
    const role = this.find(input.RoleName);
    if (role.attached.length > 0 || role.inline.size > 0) {
      throw awsError('DeleteConflict', 409, 'Cannot delete entity, must detach all policies first.');
    }
    this.roles.delete(role.name.toLowerCase());
    return { $metadata: {} };
  };

  tagRole: IamApi['tagRole'] = async (input) => {
    await this.enter('tagRole', input);
    const role = this.find(input.RoleName);
    for (const tag of input.Tags ?? []) role.tags.set(tag.Key ?? '', tag.Value ?? '');
    return { $metadata: {} };
  };

  getPolicy: IamApi['getPolicy'] = async (input) => {
    await this.enter('getPolicy', input);
    const arn = input.PolicyArn ?? '';
    if (!this.policyExists(arn)) throw awsError('NoSuchEntity', 404, `Policy ${arn} was not found.`);
    return { Policy: { Arn: arn, PolicyName: arn.split('/').at(-1) }, $metadata: {} };
  };
}

/** Reads the role, evaluates it and plans, as the scan will before `--fix`. */
export async function planFor(
  iam: IamApi,
  desired: DesiredRole,
  options: { accountId?: string; runId?: string } = {},
): Promise<{ plan: AccountPlan; findings: Finding[]; observed: ObservedRole | undefined }> {
  const accountId = options.accountId ?? ACCOUNT_ID;
  const observed = await readRole(iam, desired.roleName);
  const findings = evaluateRole(desired, observed, { accountId, partition: 'aws' });
  const plan = buildAccountPlan({ accountId, desired, observed, findings, runId: options.runId ?? 'run-1' });
  return { plan, findings, observed };
}

/** A fresh temporary directory; remove it with the returned function. */
export async function temporaryDirectory(): Promise<{ path: string; remove: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), 'ssm-role-audit-remediate-'));
  return { path, remove: () => rm(path, { recursive: true, force: true }) };
}

export const HEADER = {
  runId: 'run-1',
  mode: 'fix' as const,
  toolVersion: '0.1.0',
  startedAt: '2026-01-01T00:00:00.000Z',
  callerArn: 'arn:aws:iam::111111111111:user/auditor',
  partition: 'aws',
  roleName: ROLE_NAME,
};

/** A sleep that records the delays and returns at once. */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return { delays, sleep: async (ms) => void delays.push(ms) };
}
