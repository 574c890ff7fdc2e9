/**
 * The emulator's in-memory model of the organization: accounts with their IAM roles and policies, the
 * OU tree, and the principals (access keys) that can call. Every lookup on the request path is a Map
 * lookup. Role names are keyed in lower case because IAM treats them case-insensitively.
 */
import { createHash, randomBytes } from 'node:crypto';

import { AWS_MANAGED_POLICIES, awsManagedPolicyArn } from './managed-policies.js';
import {
  customerPolicyArn,
  defaultRootId,
  documentText,
  type AccountDefinition,
  type CallerDefinition,
  type OrganizationalUnitDefinition,
  type OrgDefinition,
  type RoleDefinition,
} from './org-file.js';

/** The creation date given to seeded roles and policies without one, so responses are repeatable. */
const DEFAULT_CREATE_DATE = Date.parse('2024-01-15T10:00:00Z');

export interface RoleRecord {
  name: string;
  path: string;
  arn: string;
  roleId: string;
  createDate: number;
  description?: string;
  maxSessionDuration: number;
  /** The trust policy text exactly as written, percent-encoded only when sent. */
  trustPolicy: string;
  /** Attached managed policy ARNs in attachment order. */
  attachedPolicies: string[];
  /** Inline policies keyed by lower-case name. */
  inlinePolicies: Map<string, { name: string; document: string }>;
  /** Tags keyed by tag key (tag keys are case-sensitive). */
  tags: Map<string, string>;
}

export interface ManagedPolicyRecord {
  name: string;
  path: string;
  arn: string;
  policyId: string;
  description?: string;
  createDate: number;
  attachable: boolean;
  /** Undefined for AWS managed policies: the emulator does not serve their documents. */
  document?: string;
}

export interface AccountRecord {
  id: string;
  name: string;
  email: string;
  arn: string;
  state: AccountDefinition['state'];
  statusField: AccountDefinition['statusField'];
  parentId: string;
  tags: Map<string, string>;
  joinedMethod: 'INVITED' | 'CREATED';
  joinedTimestamp: number;
  managedPolicyQuota: number;
  trustPolicyMaxLength: number;
  roles: Map<string, RoleRecord>;
  customerPolicies: Map<string, ManagedPolicyRecord>;
}

export interface OrganizationalUnitRecord {
  id: string;
  name: string;
  arn: string;
  parentId: string;
  tags: Map<string, string>;
  childUnitIds: string[];
  childAccountIds: string[];
}

/** A caller identified by its access key: an IAM user, a root user or a role session. */
export interface Principal {
  kind: 'user' | 'root' | 'assumed-role';
  accessKeyId: string;
  secretAccessKey: string;
  /** Required on requests signed with role-session credentials. */
  sessionToken?: string;
  accountId: string;
  arn: string;
  userId: string;
  /** For role sessions: the ARN of the role and the session's expiry in epoch milliseconds. */
  roleArn?: string;
  expiresAt?: number;
}

/** Derives a stable IAM-style unique id (`AROA...`, `ANPA...`, `AIDA...`) from a seed string. */
export function stableId(prefix: string, seed: string): string {
  const digest = createHash('sha1').update(seed).digest();
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let id = prefix;
  for (let index = 0; index < 17; index++) {
    id += alphabet[digest[index]! % 32];
  }
  return id;
}

function randomId(prefix: string, length: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  const bytes = randomBytes(length);
  let id = prefix;
  for (let index = 0; index < length; index++) {
    id += alphabet[bytes[index]! % 32];
  }
  return id;
}

export class EmulatorState {
  readonly partition: string;
  readonly region: string;
  readonly organization: {
    id: string;
    arn: string;
    featureSet: 'ALL' | 'CONSOLIDATED_BILLING';
    inUse: boolean;
    managementAccountId: string;
  };
  readonly root: { id: string; arn: string; name: string; tags: Map<string, string>; childUnitIds: string[]; childAccountIds: string[] };
  /** Accounts in org-file order, which is the order ListAccounts returns them in. */
  readonly accounts = new Map<string, AccountRecord>();
  readonly organizationalUnits = new Map<string, OrganizationalUnitRecord>();
  readonly awsManagedPolicies = new Map<string, ManagedPolicyRecord>();
  readonly principals = new Map<string, Principal>();

  constructor(org: OrgDefinition) {
    this.partition = org.partition;
    this.region = org.region;
    const organizationId = org.organization.id;
    const managementAccountId = org.organization.managementAccountId;
    const arnPrefix = `arn:${this.partition}:organizations::${managementAccountId}`;
    this.organization = {
      id: organizationId,
      arn: `${arnPrefix}:organization/${organizationId}`,
      featureSet: org.organization.featureSet,
      inUse: org.organization.inUse,
      managementAccountId,
    };
    const rootId = org.organization.rootId ?? defaultRootId(organizationId);
    this.root = {
      id: rootId,
      arn: `${arnPrefix}:root/${organizationId}/${rootId}`,
      name: 'Root',
      tags: new Map(),
      childUnitIds: [],
      childAccountIds: [],
    };

    for (const spec of AWS_MANAGED_POLICIES) {
      const arn = awsManagedPolicyArn(this.partition, spec);
      this.awsManagedPolicies.set(arn, {
        name: spec.name,
        path: spec.path,
        arn,
        policyId: stableId('ANPA', arn),
        description: spec.description,
        createDate: DEFAULT_CREATE_DATE,
        attachable: spec.attachable,
      });
    }

    this.addUnits(org.organizationalUnits, rootId, `${arnPrefix}:ou/${organizationId}/`);
    for (const account of org.accounts) {
      this.addAccount(account, `${arnPrefix}:account/${organizationId}/`);
    }
    for (const caller of [org.caller, ...org.additionalCallers]) {
      this.addCaller(caller);
    }
  }

  /** Returns the children lists of a root or OU id, or undefined when the id names neither. */
  parent(id: string): { childUnitIds: string[]; childAccountIds: string[] } | undefined {
    return id === this.root.id ? this.root : this.organizationalUnits.get(id);
  }

  /** Looks up a managed policy by ARN: an AWS managed one, or a customer managed one of `accountId`. */
  managedPolicy(accountId: string, arn: string): ManagedPolicyRecord | undefined {
    return this.awsManagedPolicies.get(arn) ?? this.accounts.get(accountId)?.customerPolicies.get(arn);
  }

  /** Builds a role record for a seeded role or for CreateRole. */
  createRoleRecord(
    accountId: string,
    definition: { name: string; path: string; trustPolicy: string; maxSessionDuration: number; description?: string },
    createDate: number,
  ): RoleRecord {
    return {
      name: definition.name,
      path: definition.path,
      arn: `arn:${this.partition}:iam::${accountId}:role${definition.path}${definition.name}`,
      roleId: stableId('AROA', `${accountId}:${definition.name}:${createDate}`),
      createDate,
      description: definition.description,
      maxSessionDuration: definition.maxSessionDuration,
      trustPolicy: definition.trustPolicy,
      attachedPolicies: [],
      inlinePolicies: new Map(),
      tags: new Map(),
    };
  }

  /**
   * Issues role-session credentials bound to the role's account: an `ASIA` access key, a secret, a
   * session token and the expiry. IAM calls signed with them see only that account.
   */
  issueSession(accountId: string, role: RoleRecord, sessionName: string, expiresAt: number): Principal {
    const principal: Principal = {
      kind: 'assumed-role',
      accessKeyId: randomId('ASIA', 16),
      secretAccessKey: randomBytes(30).toString('base64'),
      sessionToken: `FwoGZXIvYXdzE${randomBytes(96).toString('base64')}`,
      accountId,
      arn: `arn:${this.partition}:sts::${accountId}:assumed-role/${role.name}/${sessionName}`,
      userId: `${role.roleId}:${sessionName}`,
      roleArn: role.arn,
      expiresAt,
    };
    this.principals.set(principal.accessKeyId, principal);
    return principal;
  }

  private addUnits(units: OrganizationalUnitDefinition[], parentId: string, arnPrefix: string): void {
    for (const unit of units) {
      this.organizationalUnits.set(unit.id, {
        id: unit.id,
        name: unit.name,
        arn: `${arnPrefix}${unit.id}`,
        parentId,
        tags: new Map(Object.entries(unit.tags ?? {})),
        childUnitIds: [],
        childAccountIds: [],
      });
      this.parent(parentId)!.childUnitIds.push(unit.id);
      this.addUnits(unit.children ?? [], unit.id, arnPrefix);
    }
  }

  private addAccount(definition: AccountDefinition, arnPrefix: string): void {
    const isManagement = definition.id === this.organization.managementAccountId;
    const parentId = definition.parent ?? this.root.id;
    const account: AccountRecord = {
      id: definition.id,
      name: definition.name,
      email: definition.email,
      arn: `${arnPrefix}${definition.id}`,
      state: definition.state,
      statusField: definition.statusField,
      parentId,
      tags: new Map(Object.entries(definition.tags)),
      joinedMethod: definition.joinedMethod ?? (isManagement ? 'INVITED' : 'CREATED'),
      joinedTimestamp: definition.joinedTimestamp === undefined ? DEFAULT_CREATE_DATE : Date.parse(definition.joinedTimestamp),
      managedPolicyQuota: definition.managedPolicyQuota,
      trustPolicyMaxLength: definition.trustPolicyMaxLength,
      roles: new Map(),
      customerPolicies: new Map(),
    };
    for (const policy of definition.customerPolicies) {
      const arn = customerPolicyArn(this.partition, account.id, policy.path, policy.name);
      account.customerPolicies.set(arn, {
        name: policy.name,
        path: policy.path,
        arn,
        policyId: stableId('ANPA', arn),
        description: policy.description,
        createDate: DEFAULT_CREATE_DATE,
        attachable: true,
        document: documentText(policy.document),
      });
    }
    for (const role of definition.roles) {
      account.roles.set(role.name.toLowerCase(), this.seedRole(account.id, role));
    }
    this.accounts.set(account.id, account);
    this.parent(parentId)!.childAccountIds.push(account.id);
  }

  private seedRole(accountId: string, definition: RoleDefinition): RoleRecord {
    const createDate = definition.createDate === undefined ? DEFAULT_CREATE_DATE : Date.parse(definition.createDate);
    const role = this.createRoleRecord(
      accountId,
      {
        name: definition.name,
        path: definition.path,
        trustPolicy: documentText(definition.trustPolicy),
        maxSessionDuration: definition.maxSessionDuration,
        description: definition.description,
      },
      createDate,
    );
    role.attachedPolicies.push(...definition.attachedPolicies);
    for (const [name, document] of Object.entries(definition.inlinePolicies)) {
      role.inlinePolicies.set(name.toLowerCase(), { name, document: documentText(document) });
    }
    for (const [key, value] of Object.entries(definition.tags)) {
      role.tags.set(key, value);
    }
    return role;
  }

  private addCaller(caller: CallerDefinition): void {
    const accountId = caller.arn.split(':')[4]!;
    const isRoot = caller.arn.endsWith(':root');
    this.principals.set(caller.accessKeyId, {
      kind: isRoot ? 'root' : 'user',
      accessKeyId: caller.accessKeyId,
      secretAccessKey: caller.secretAccessKey,
      accountId,
      arn: caller.arn,
      userId: isRoot ? accountId : stableId('AIDA', caller.arn),
    });
  }
}

/** A copy of a role for test assertions. Changing it does not change the emulator. */
export interface RoleSnapshot {
  name: string;
  path: string;
  arn: string;
  roleId: string;
  maxSessionDuration: number;
  trustPolicy: string;
  attachedPolicies: string[];
  inlinePolicies: Record<string, string>;
  tags: Record<string, string>;
}

/** A copy of an account for test assertions. */
export interface AccountSnapshot {
  id: string;
  name: string;
  state: string;
  parentId: string;
  tags: Record<string, string>;
  roleNames: string[];
  customerPolicyArns: string[];
}

/** Read access to the emulator's state for test assertions. Every method returns copies. */
export interface EmulatorStateView {
  readonly partition: string;
  readonly organizationId: string;
  readonly rootId: string;
  readonly managementAccountId: string;
  accountIds(): string[];
  account(accountId: string): AccountSnapshot | undefined;
  /** Finds a role by name, case-insensitively as IAM does. */
  role(accountId: string, roleName: string): RoleSnapshot | undefined;
  /** Number of role sessions issued by AssumeRole so far. */
  sessionCount(): number;
}

/** Wraps the state in a read-only view that returns copies. */
export function createStateView(state: EmulatorState): EmulatorStateView {
  return {
    partition: state.partition,
    organizationId: state.organization.id,
    rootId: state.root.id,
    managementAccountId: state.organization.managementAccountId,
    accountIds: () => [...state.accounts.keys()],
    account(accountId) {
      const account = state.accounts.get(accountId);
      if (account === undefined) {
        return undefined;
      }
      return {
        id: account.id,
        name: account.name,
        state: account.state,
        parentId: account.parentId,
        tags: Object.fromEntries(account.tags),
        roleNames: [...account.roles.values()].map((role) => role.name),
        customerPolicyArns: [...account.customerPolicies.keys()],
      };
    },
    role(accountId, roleName) {
      const role = state.accounts.get(accountId)?.roles.get(roleName.toLowerCase());
      if (role === undefined) {
        return undefined;
      }
      return {
        name: role.name,
        path: role.path,
        arn: role.arn,
        roleId: role.roleId,
        maxSessionDuration: role.maxSessionDuration,
        trustPolicy: role.trustPolicy,
        attachedPolicies: [...role.attachedPolicies],
        inlinePolicies: Object.fromEntries([...role.inlinePolicies.values()].map((policy) => [policy.name, policy.document])),
        tags: Object.fromEntries(role.tags),
      };
    },
    sessionCount: () => [...state.principals.values()].filter((principal) => principal.kind === 'assumed-role').length,
  };
}
