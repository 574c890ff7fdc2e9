/**
 * Narrow views of the AWS clients: only the operations this tool calls. Every layer takes these
 * interfaces, so a test can hand in a fake and the emulator can stand in for AWS without code changes.
 */
import type {
  AttachRolePolicyCommandInput,
  AttachRolePolicyCommandOutput,
  CreateRoleCommandInput,
  CreateRoleCommandOutput,
  DeleteRoleCommandInput,
  DeleteRoleCommandOutput,
  DeleteRolePolicyCommandInput,
  DeleteRolePolicyCommandOutput,
  DetachRolePolicyCommandInput,
  DetachRolePolicyCommandOutput,
  GetPolicyCommandInput,
  GetPolicyCommandOutput,
  PutRolePolicyCommandInput,
  PutRolePolicyCommandOutput,
  TagRoleCommandInput,
  TagRoleCommandOutput,
  UpdateAssumeRolePolicyCommandInput,
  UpdateAssumeRolePolicyCommandOutput,
  GetRoleCommandInput,
  GetRoleCommandOutput,
  GetRolePolicyCommandInput,
  GetRolePolicyCommandOutput,
  ListAttachedRolePoliciesCommandInput,
  ListAttachedRolePoliciesCommandOutput,
  ListRolePoliciesCommandInput,
  ListRolePoliciesCommandOutput,
} from '@aws-sdk/client-iam';
import type {
  DescribeOrganizationCommandOutput,
  ListAccountsCommandInput,
  ListAccountsCommandOutput,
  ListAccountsForParentCommandInput,
  ListAccountsForParentCommandOutput,
  ListOrganizationalUnitsForParentCommandInput,
  ListOrganizationalUnitsForParentCommandOutput,
  ListRootsCommandInput,
  ListRootsCommandOutput,
  ListTagsForResourceCommandInput,
  ListTagsForResourceCommandOutput,
} from '@aws-sdk/client-organizations';
import type {
  AssumeRoleCommandInput,
  AssumeRoleCommandOutput,
  GetCallerIdentityCommandOutput,
} from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

export interface StsApi {
  getCallerIdentity(): Promise<GetCallerIdentityCommandOutput>;
  assumeRole(input: AssumeRoleCommandInput): Promise<AssumeRoleCommandOutput>;
}

/** The IAM reads that inspecting a role needs. */
export interface IamReadApi {
  getRole(input: GetRoleCommandInput): Promise<GetRoleCommandOutput>;
  listAttachedRolePolicies(
    input: ListAttachedRolePoliciesCommandInput,
  ): Promise<ListAttachedRolePoliciesCommandOutput>;
  listRolePolicies(input: ListRolePoliciesCommandInput): Promise<ListRolePoliciesCommandOutput>;
  getRolePolicy(input: GetRolePolicyCommandInput): Promise<GetRolePolicyCommandOutput>;
}

/** The IAM writes that remediation and rollback make, all scoped to the configured role. */
export interface IamWriteApi {
  createRole(input: CreateRoleCommandInput): Promise<CreateRoleCommandOutput>;
  updateAssumeRolePolicy(input: UpdateAssumeRolePolicyCommandInput): Promise<UpdateAssumeRolePolicyCommandOutput>;
  attachRolePolicy(input: AttachRolePolicyCommandInput): Promise<AttachRolePolicyCommandOutput>;
  detachRolePolicy(input: DetachRolePolicyCommandInput): Promise<DetachRolePolicyCommandOutput>;
  putRolePolicy(input: PutRolePolicyCommandInput): Promise<PutRolePolicyCommandOutput>;
  deleteRolePolicy(input: DeleteRolePolicyCommandInput): Promise<DeleteRolePolicyCommandOutput>;
  /** Used only by rollback, for a role that `--fix` created and that is unchanged since. */
  deleteRole(input: DeleteRoleCommandInput): Promise<DeleteRoleCommandOutput>;
  tagRole(input: TagRoleCommandInput): Promise<TagRoleCommandOutput>;
  /** Tells whether a managed policy exists before attaching it. */
  getPolicy(input: GetPolicyCommandInput): Promise<GetPolicyCommandOutput>;
}

export type IamApi = IamReadApi & IamWriteApi;

export interface OrganizationsApi {
  describeOrganization(): Promise<DescribeOrganizationCommandOutput>;
  listAccounts(input: ListAccountsCommandInput): Promise<ListAccountsCommandOutput>;
  listRoots(input: ListRootsCommandInput): Promise<ListRootsCommandOutput>;
  listOrganizationalUnitsForParent(
    input: ListOrganizationalUnitsForParentCommandInput,
  ): Promise<ListOrganizationalUnitsForParentCommandOutput>;
  listAccountsForParent(
    input: ListAccountsForParentCommandInput,
  ): Promise<ListAccountsForParentCommandOutput>;
  listTagsForResource(input: ListTagsForResourceCommandInput): Promise<ListTagsForResourceCommandOutput>;
}

export type Credentials = AwsCredentialIdentity | AwsCredentialIdentityProvider;

/**
 * Makes the per-service views. `credentials` selects whose identity the calls use: omitted means
 * the base credentials of the run; an account's assumed-role credentials give a view into that account.
 * `counter` receives one count per operation call and per retry. Aborting `signal` cancels the view's
 * requests in flight and its waits between retries, and makes its later calls fail at once.
 */
export interface AwsClientFactory {
  /** STS with the base credentials; calls are counted on `counter`, or on the run when omitted. */
  sts(counter?: CallCounter, signal?: AbortSignal): StsApi;
  /** Organizations with the base credentials; calls are counted on `counter`, or on the run when omitted. */
  organizations(counter?: CallCounter): OrganizationsApi;
  iam(credentials: Credentials | undefined, counter: CallCounter, signal?: AbortSignal): IamApi;
  /** Releases sockets; call once at the end of a run. */
  close(): void;
}

/** Counts AWS calls by `Service:Operation` and the retries the SDK made for them. */
export class CallCounter {
  readonly byOperation: Record<string, number> = {};
  retries = 0;

  recordCall(operation: string): void {
    this.byOperation[operation] = (this.byOperation[operation] ?? 0) + 1;
  }

  recordRetry(): void {
    this.retries += 1;
  }

  get total(): number {
    let sum = 0;
    for (const count of Object.values(this.byOperation)) sum += count;
    return sum;
  }

  /** Adds another counter's figures to this one. */
  add(other: CallCounter): void {
    for (const [operation, count] of Object.entries(other.byOperation)) {
      this.byOperation[operation] = (this.byOperation[operation] ?? 0) + count;
    }
    this.retries += other.retries;
  }
}
