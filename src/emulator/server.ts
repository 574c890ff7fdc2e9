/**
 * The emulator's HTTP server: one endpoint for IAM, STS and Organizations. Each request is routed by
 * protocol, its caller found from the access key, faults and rate limits applied, the operation run,
 * and the call counted per service, operation and account.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { pino, type Logger } from 'pino';

import { FaultRegistry, TokenBucket, type FaultRule } from './faults.js';
import { handleIam, IAM_OPERATIONS } from './iam.js';
import { parseOrgDefinition, type OrgDefinition, type OrgDefinitionInput } from './org-file.js';
import { handleOrganizations, ORGANIZATIONS_OPERATIONS } from './organizations.js';
import {
  ApiError,
  IAM_NAMESPACE,
  IAM_VERSION,
  jsonErrorResponse,
  jsonResponse,
  ORGANIZATIONS_TARGET_PREFIX,
  parseCredentialScope,
  QueryParams,
  queryErrorResponse,
  queryResponse,
  STS_NAMESPACE,
  STS_VERSION,
  type ServiceName,
  type WireResponse,
} from './protocol.js';
import { createStateView, EmulatorState, type EmulatorStateView, type Principal } from './state.js';
import { handleSts, STS_OPERATIONS } from './sts.js';

export interface EmulatorOptions {
  /** The organization to serve: a parsed org file, or an object in the same shape (validated again). */
  org: OrgDefinition | OrgDefinitionInput;
  /** Only the loopback address is allowed. */
  host?: '127.0.0.1';
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Milliseconds added to every request. */
  latencyMs?: number;
  /** Clock for credential expiry and creation dates in epoch milliseconds, `Date.now` by default. */
  now?: () => number;
  /** Organizations calls beyond this rate get TooManyRequestsException. Unlimited by default. */
  organizationsRateLimit?: { perSecond: number; burst: number };
  /** Page size caps below MaxItems / MaxResults, so list calls return short pages while more remain. */
  pageSizeCap?: { iam?: number; organizations?: number };
  /** Seed of the generators that decide probabilistic faults, 1 by default. */
  faultSeed?: number;
  /**
   * Account ids that ListAccounts lists twice, the second time after every other account, to test
   * callers against a listing that repeats an account. Unknown ids are ignored.
   */
  listAccountsTwice?: string[];
  /** Logger for start, stop and internal failures, silent by default. Calls and AWS errors are not logged. */
  logger?: Logger;
}

/** Calls counted for one service, operation and account (the account of the signing credentials). */
export interface CallRecord {
  service: ServiceName;
  operation: string;
  /** Undefined when the access key was missing or unknown. */
  accountId?: string;
  count: number;
  /** Calls that got an error response or an injected fault. */
  errors: number;
}

export interface CallFilter {
  service?: ServiceName;
  operation?: string;
  accountId?: string;
}

export interface Emulator {
  /** `http://127.0.0.1:<port>`, the `endpoint` for all three SDK clients. */
  url: string;
  /** The region of the org file. Requests signed for any region are accepted. */
  region: string;
  /** Credentials of the org file's `caller`. */
  callerCredentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  calls(): CallRecord[];
  callCount(filter?: CallFilter): number;
  /** The distinct regions of the SigV4 credential scopes of matching calls, sorted. */
  signingRegions(filter?: CallFilter): string[];
  resetCalls(): void;
  faults: { add(rule: FaultRule): () => void; clear(): void };
  state: EmulatorStateView;
  close(): Promise<void>;
}

interface RoutedRequest {
  service: ServiceName;
  operation: string;
  params?: QueryParams;
  input?: Record<string, unknown>;
  /** A problem found while parsing the request, sent once the call is counted. */
  error?: ApiError;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * Finds the protocol and service of a request. JSON 1.1 requests carry `X-Amz-Target`. Query requests
 * are IAM or STS by the service in the SigV4 credential scope, or else by their `Version` parameter.
 */
function route(request: IncomingMessage, body: string, scopeService: string | undefined): RoutedRequest | undefined {
  const target = request.headers['x-amz-target'];
  if (typeof target === 'string') {
    if (!target.startsWith(ORGANIZATIONS_TARGET_PREFIX)) {
      return undefined;
    }
    const operation = target.slice(ORGANIZATIONS_TARGET_PREFIX.length);
    try {
      const input: unknown = body === '' ? {} : JSON.parse(body);
      if (typeof input !== 'object' || input === null || Array.isArray(input)) {
        throw new SyntaxError('not an object');
      }
      return { service: 'organizations', operation, input: input as Record<string, unknown> };
    } catch {
      return {
        service: 'organizations',
        operation,
        error: new ApiError('SerializationException', 400, 'The request body is not a valid JSON object.'),
      };
    }
  }

  const search = new URLSearchParams(body);
  const queryStart = request.url?.indexOf('?') ?? -1;
  if (queryStart !== -1) {
    for (const [name, value] of new URLSearchParams(request.url!.slice(queryStart + 1))) {
      search.append(name, value);
    }
  }
  const version = search.get('Version');
  let service: ServiceName | undefined;
  if (scopeService === 'iam' || scopeService === 'sts') {
    service = scopeService;
  } else if (version === IAM_VERSION) {
    service = 'iam';
  } else if (version === STS_VERSION) {
    service = 'sts';
  }
  if (service === undefined) {
    return undefined;
  }
  return { service, operation: search.get('Action') ?? '', params: new QueryParams(search) };
}

/**
 * Finds the caller of a request. Signatures are not verified: the emulator trusts the access key id in
 * the credential scope, because it only serves fake credentials on loopback. Role-session keys must come
 * with their session token and be unexpired.
 */
function authenticate(
  service: ServiceName,
  request: IncomingMessage,
  principal: Principal | undefined,
  hasScope: boolean,
  now: number,
): Principal {
  // Query services send the plain codes with 403, and JSON 1.1 services send the `...Exception` codes.
  // NOTE: the 400 status for the JSON 1.1 codes is an assumption based on Organizations' other client errors.
  const json = service === 'organizations';
  if (!hasScope) {
    throw json
      ? new ApiError('MissingAuthenticationTokenException', 400, 'Missing Authentication Token')
      : new ApiError('MissingAuthenticationToken', 403, 'Request is missing Authentication Token');
  }
  const invalid = json
    ? new ApiError('UnrecognizedClientException', 400, 'The security token included in the request is invalid.')
    : new ApiError('InvalidClientTokenId', 403, 'The security token included in the request is invalid.');
  if (principal === undefined) {
    throw invalid;
  }
  if (principal.kind === 'assumed-role') {
    if (request.headers['x-amz-security-token'] !== principal.sessionToken) {
      throw invalid;
    }
    if (now >= principal.expiresAt!) {
      throw json
        ? new ApiError('ExpiredTokenException', 400, 'The security token included in the request is expired')
        : new ApiError('ExpiredToken', 403, 'The security token included in the request is expired');
    }
  }
  return principal;
}

function errorFor(service: ServiceName, error: ApiError, requestId: string): WireResponse {
  if (service === 'organizations') {
    return jsonErrorResponse(error);
  }
  return queryErrorResponse(service === 'iam' ? IAM_NAMESPACE : STS_NAMESPACE, error, requestId);
}

/** Builds the error that a `throttle` or `error` fault sends, in the service's own format. */
function faultError(service: ServiceName, rule: FaultRule): ApiError {
  if (rule.kind === 'throttle') {
    return service === 'organizations'
      ? new ApiError(
          'TooManyRequestsException',
          400,
          rule.message ?? 'You have sent too many requests in too short a period of time. Try again later.',
        )
      : new ApiError('Throttling', 400, rule.message ?? 'Rate exceeded');
  }
  return new ApiError(rule.code!, rule.httpStatus ?? 500, rule.message ?? `Injected ${rule.code} fault`);
}

class CallCounter {
  private readonly records = new Map<string, CallRecord>();
  /** Signing regions by the same key as `records`. */
  private readonly regions = new Map<string, Set<string>>();

  record(service: ServiceName, operation: string, accountId: string | undefined, failed: boolean, region?: string): void {
    const key = `${service} ${operation} ${accountId ?? ''}`;
    let record = this.records.get(key);
    if (record === undefined) {
      record = { service, operation, accountId, count: 0, errors: 0 };
      this.records.set(key, record);
    }
    record.count++;
    if (failed) {
      record.errors++;
    }
    if (region !== undefined) {
      let regions = this.regions.get(key);
      if (regions === undefined) {
        regions = new Set();
        this.regions.set(key, regions);
      }
      regions.add(region);
    }
  }

  signingRegions(filter: CallFilter = {}): string[] {
    const found = new Set<string>();
    for (const [key, record] of this.records) {
      if (matches(record, filter)) {
        for (const region of this.regions.get(key) ?? []) {
          found.add(region);
        }
      }
    }
    return [...found].sort();
  }

  list(): CallRecord[] {
    return [...this.records.values()].map((record) => ({ ...record }));
  }

  count(filter: CallFilter = {}): number {
    let total = 0;
    for (const record of this.records.values()) {
      if (matches(record, filter)) {
        total += record.count;
      }
    }
    return total;
  }

  reset(): void {
    this.records.clear();
    this.regions.clear();
  }
}

function matches(record: CallRecord, filter: CallFilter): boolean {
  return (
    (filter.service === undefined || filter.service === record.service) &&
    (filter.operation === undefined || filter.operation === record.operation) &&
    (filter.accountId === undefined || filter.accountId === record.accountId)
  );
}

/**
 * Starts an emulator on 127.0.0.1 and resolves once it listens. Raises `ConfigError` for an invalid
 * org definition and TypeError for invalid options.
 */
export async function startEmulator(options: EmulatorOptions): Promise<Emulator> {
  if (options.host !== undefined && options.host !== '127.0.0.1') {
    throw new TypeError(`Invalid host ${JSON.stringify(options.host)}; the emulator only listens on 127.0.0.1`);
  }
  const org = parseOrgDefinition(options.org);
  const state = new EmulatorState(org);
  const now = options.now ?? Date.now;
  const latencyMs = options.latencyMs ?? 0;
  const faults = new FaultRegistry(options.faultSeed ?? 1);
  const bucket = options.organizationsRateLimit === undefined ? undefined : new TokenBucket(options.organizationsRateLimit);
  const counter = new CallCounter();
  const logger = options.logger ?? pino({ level: 'silent' });

  const send = (response: ServerResponse, wire: WireResponse, requestId: string): void => {
    response.writeHead(wire.status, {
      'content-type': wire.contentType,
      'content-length': Buffer.byteLength(wire.body),
      'x-amzn-requestid': requestId,
    });
    response.end(wire.body);
  };

  const dispatch = (routed: RoutedRequest, request: IncomingMessage, principal: Principal | undefined, hasScope: boolean, requestId: string): WireResponse => {
    const { service, operation } = routed;
    try {
      if (routed.error !== undefined) {
        throw routed.error;
      }
      const time = now();
      const caller = authenticate(service, request, principal, hasScope, time);
      if (service === 'organizations') {
        if (!ORGANIZATIONS_OPERATIONS.has(operation)) {
          throw new ApiError('UnknownOperationException', 400, `The emulator does not serve Organizations operation ${operation}.`);
        }
        if (bucket !== undefined && !bucket.take()) {
          throw faultError('organizations', { kind: 'throttle' });
        }
        return jsonResponse(
          handleOrganizations(operation, {
            state,
            principal: caller,
            input: routed.input!,
            pageSizeCap: options.pageSizeCap?.organizations,
            listedTwice: options.listAccountsTwice,
          }),
        );
      }
      const params = routed.params!;
      if (service === 'sts') {
        if (!STS_OPERATIONS.has(operation)) {
          throw new ApiError('InvalidAction', 400, `Could not find operation ${operation} for version ${STS_VERSION}`);
        }
        return queryResponse(STS_NAMESPACE, operation, handleSts(operation, { state, principal: caller, params, now: time }), requestId);
      }
      if (!IAM_OPERATIONS.has(operation)) {
        throw new ApiError('InvalidAction', 400, `Could not find operation ${operation} for version ${IAM_VERSION}`);
      }
      const account = state.accounts.get(caller.accountId)!;
      const result = handleIam(operation, {
        state,
        principal: caller,
        account,
        params,
        now: time,
        pageSizeCap: options.pageSizeCap?.iam,
      });
      return queryResponse(IAM_NAMESPACE, operation, result, requestId);
    } catch (error) {
      if (error instanceof ApiError) {
        return errorFor(service, error, requestId);
      }
      logger.error({ err: error, service, operation, accountId: principal?.accountId, requestId }, 'emulator failed to handle a call');
      const failure = new ApiError(
        service === 'organizations' ? 'ServiceException' : 'ServiceFailure',
        500,
        `Emulator failure: ${(error as Error).message}`,
      );
      return errorFor(service, failure, requestId);
    }
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const body = await readBody(request);
    const requestId = randomUUID();
    const scope = parseCredentialScope(request.headers.authorization);
    const routed = route(request, body, scope?.service);
    if (routed === undefined) {
      // Requests for other services are not counted: no service can be named for them.
      const error = new ApiError('InvalidAction', 400, 'The emulator serves IAM, STS and Organizations only.');
      send(response, queryErrorResponse(IAM_NAMESPACE, error, requestId), requestId);
      return;
    }
    const principal = scope === undefined ? undefined : state.principals.get(scope.accessKeyId);
    const accountId = principal?.accountId;

    const decision = faults.decide({ service: routed.service, operation: routed.operation, accountId });
    const delay = latencyMs + decision.delayMs;
    if (delay > 0) {
      await sleep(delay);
    }
    const fault = decision.terminal;
    if (fault !== undefined) {
      counter.record(routed.service, routed.operation, accountId, true, scope?.region);
      if (fault.kind === 'drop') {
        request.socket.destroy();
        return;
      }
      if (fault.kind === 'hang') {
        return;
      }
      send(response, errorFor(routed.service, faultError(routed.service, fault), requestId), requestId);
      return;
    }

    const wire = dispatch(routed, request, principal, scope !== undefined, requestId);
    counter.record(routed.service, routed.operation, accountId, wire.status >= 400, scope?.region);
    send(response, wire, requestId);
  };

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      // Reached only when the request stream fails because the client went away, so no response can be sent.
      logger.warn({ err: error }, 'emulator request stream failed');
      request.socket.destroy();
    });
  });
  server.keepAliveTimeout = 10_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  logger.info({ url, accounts: state.accounts.size }, 'emulator listening');

  return {
    url,
    region: state.region,
    callerCredentials: { accessKeyId: org.caller.accessKeyId, secretAccessKey: org.caller.secretAccessKey },
    calls: () => counter.list(),
    callCount: (filter) => counter.count(filter),
    signingRegions: (filter) => counter.signingRegions(filter),
    resetCalls: () => counter.reset(),
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    state: createStateView(state),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => {
          if (error !== undefined) {
            reject(error);
            return;
          }
          logger.info({ url }, 'emulator closed');
          resolve();
        });
        // Hung requests and idle keep-alive connections would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}
