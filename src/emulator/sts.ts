/**
 * STS operations of the emulator (query protocol, version 2011-06-15): GetCallerIdentity and AssumeRole.
 * AssumeRole checks the target role's trust policy, the session name and duration limits, and role
 * chaining. The one-hour cap on chained sessions follows the AssumeRole docs in the STS API model.
 */
import { trustPolicyAllows } from './policy.js';
import { ApiError, escapeXml, isoSeconds, validationError, type QueryParams } from './protocol.js';
import type { EmulatorState, Principal } from './state.js';

export interface StsRequest {
  state: EmulatorState;
  principal: Principal;
  params: QueryParams;
  now: number;
}

const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;
const ROLE_ARN = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\u0021-\u007E]*\/)?([\w+=,.@-]{1,64})$/;
/** Sessions made with role-session credentials last at most one hour, whatever the role allows. */
const ROLE_CHAINING_MAX_SECONDS = 3600;
/** Accounts in these states reject AssumeRole into their roles. */
const INACCESSIBLE_STATES = new Set(['SUSPENDED', 'PENDING_CLOSURE', 'CLOSED']);

function getCallerIdentity(request: StsRequest): string {
  const { principal } = request;
  return `<UserId>${escapeXml(principal.userId)}</UserId><Account>${principal.accountId}</Account><Arn>${escapeXml(principal.arn)}</Arn>`;
}

function readDuration(params: QueryParams): number {
  const duration = params.integer('DurationSeconds') ?? 3600;
  if (duration < 900) {
    throw validationError(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900`,
    );
  }
  if (duration > 43200) {
    throw validationError(
      `1 validation error detected: Value '${duration}' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 43200`,
    );
  }
  return duration;
}

function assumeRole(request: StsRequest): string {
  const { state, principal, params } = request;
  const roleArn = params.require('RoleArn');
  const sessionName = params.require('RoleSessionName');
  if (!SESSION_NAME.test(sessionName)) {
    throw validationError(
      `1 validation error detected: Value '${sessionName}' at 'roleSessionName' failed to satisfy constraint: Member must be 2-64 characters matching [\\w+=,.@-]*`,
    );
  }
  const duration = readDuration(params);
  const externalId = params.get('ExternalId');
  if (externalId !== undefined && !EXTERNAL_ID.test(externalId)) {
    throw validationError(
      `1 validation error detected: Value at 'externalId' failed to satisfy constraint: Member must be 2-1224 characters matching [\\w+=,.@:/-]*`,
    );
  }
  const arnMatch = ROLE_ARN.exec(roleArn);
  if (arnMatch === null) {
    throw validationError(`${roleArn} is invalid`);
  }

  // Root user credentials cannot assume roles (IAM User Guide, "Switch to an IAM role (AWS CLI)"), and AWS
  // sends 403 AccessDenied with this message.
  if (principal.kind === 'root') {
    throw new ApiError('AccessDenied', 403, 'Roles may not be assumed by root accounts.');
  }
  // Built only when needed: an Error captures a stack trace, which is costly on this hot path.
  const denied = (): ApiError =>
    new ApiError('AccessDenied', 403, `User: ${principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`);
  const [, partition, accountId, roleName] = arnMatch;
  const account = state.accounts.get(accountId!);
  const role = account?.roles.get(roleName!.toLowerCase());
  // A missing role and an untrusting one give the same AccessDenied, so callers cannot probe for roles.
  if (partition !== state.partition || account === undefined || role === undefined || role.arn !== roleArn) {
    throw denied();
  }
  if (INACCESSIBLE_STATES.has(account.state)) {
    throw denied();
  }
  const allowed = trustPolicyAllows(role.trustPolicy, {
    callerArn: principal.arn,
    callerAccountId: principal.accountId,
    callerRoleArn: principal.roleArn,
    partition: state.partition,
    externalId,
    roleSessionName: sessionName,
  });
  if (!allowed) {
    throw denied();
  }

  if (principal.kind === 'assumed-role' && duration > ROLE_CHAINING_MAX_SECONDS) {
    throw validationError('The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.');
  }
  if (duration > role.maxSessionDuration) {
    throw validationError('The requested DurationSeconds exceeds the MaxSessionDuration set for this role.');
  }

  const session = state.issueSession(account.id, role, sessionName, request.now + duration * 1000);
  return (
    `<Credentials><AccessKeyId>${session.accessKeyId}</AccessKeyId>` +
    `<SecretAccessKey>${escapeXml(session.secretAccessKey)}</SecretAccessKey>` +
    `<SessionToken>${escapeXml(session.sessionToken!)}</SessionToken>` +
    `<Expiration>${isoSeconds(session.expiresAt!)}</Expiration></Credentials>` +
    `<AssumedRoleUser><AssumedRoleId>${escapeXml(session.userId)}</AssumedRoleId>` +
    `<Arn>${escapeXml(session.arn)}</Arn></AssumedRoleUser>`
  );
}

const handlers: Record<string, (request: StsRequest) => string> = {
  GetCallerIdentity: getCallerIdentity,
  AssumeRole: assumeRole,
};

/** The STS operations the emulator serves. */
export const STS_OPERATIONS: ReadonlySet<string> = new Set(Object.keys(handlers));

/** Runs one STS operation and returns the `<XResult>` body. Raises `ApiError` for AWS errors. */
export function handleSts(operation: string, request: StsRequest): string {
  return handlers[operation]!(request);
}
