/**
 * The per-account deadline (`--account-timeout`). Retries and request timeouts bound each AWS call,
 * but an account whose calls keep failing slowly could still hold a concurrency slot for many
 * minutes. At the deadline its requests are cancelled and the account ends with an `ACCOUNT_TIMEOUT`
 * error; the other accounts go on.
 */
import { CallCounter, type AwsClientFactory } from '../aws/api.js';
import { accessRoleArn } from '../credentials/assume-role.js';
import type { AccountResult, OrgAccount } from '../model.js';
import { assessAccount, type AssessedAccount, type AssessmentContext } from './assess-account.js';

/**
 * Returns a factory whose STS and IAM views are cancelled when `signal` aborts, or when a signal that
 * a caller passes to the view aborts.
 */
export function withAbortSignal(clients: AwsClientFactory, signal: AbortSignal): AwsClientFactory {
  const either = (other: AbortSignal | undefined): AbortSignal => (other ? AbortSignal.any([signal, other]) : signal);
  return {
    sts: (counter, other) => clients.sts(counter, either(other)),
    organizations: (counter) => clients.organizations(counter),
    iam: (credentials, counter, other) => clients.iam(credentials, counter, either(other)),
    close: () => clients.close(),
  };
}

/**
 * Assesses `account` like `assessAccount`, but gives up after `timeoutMs`: the account's STS and IAM
 * requests in flight are aborted and the result is an error with code `ACCOUNT_TIMEOUT`. The result
 * carries `apiRetries`, the retries of the account's calls.
 */
export async function assessWithDeadline(
  context: AssessmentContext,
  account: OrgAccount,
  timeoutMs: number,
): Promise<AssessedAccount> {
  const controller = new AbortController();
  const counter = new CallCounter();
  const started = context.now();
  const bounded: AssessmentContext = { ...context, clients: withAbortSignal(context.clients, controller.signal) };

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    const outcome = await Promise.race([assessAccount(bounded, account, counter), deadline]);
    if (outcome !== 'timeout') {
      outcome.result.apiRetries = counter.retries;
      return outcome;
    }
    controller.abort(new Error(`account ${account.id} exceeded its ${timeoutMs} ms deadline`));
    return { result: timedOutResult(context, account, counter, timeoutMs, Math.round(context.now() - started)) };
  } finally {
    clearTimeout(timer);
  }
}

function timedOutResult(
  context: AssessmentContext,
  account: OrgAccount,
  counter: CallCounter,
  timeoutMs: number,
  durationMs: number,
): AccountResult {
  const { partition, accountId: callerAccountId } = context.caller;
  const serviceRoleArn = `arn:${partition}:iam::${account.id}:role${context.config.role.path}${context.config.role.name}`;
  const ownAccount = account.id === callerAccountId;
  const accessRole = ownAccount ? undefined : accessRoleArn(partition, account.id, context.accessRoleName);
  // No IAM call yet means the account was still getting credentials (or its tags) at the deadline.
  const reachedIam = Object.keys(counter.byOperation).some((operation) => operation.startsWith('IAM:'));
  const stage = reachedIam || ownAccount ? 'inspect' : 'credentials';

  const result: AccountResult = {
    accountId: account.id,
    accountName: account.name,
    state: account.state,
    ouPath: account.ouPath,
    status: 'error',
    roleArn: serviceRoleArn,
    findings: [],
    error: {
      code: 'ACCOUNT_TIMEOUT',
      message:
        `Account ${account.id} was not assessed within the account timeout of ${formatSeconds(timeoutMs)}; ` +
        `its AWS requests were cancelled. Look for throttling or network errors in the log, or raise --account-timeout.`,
      stage,
      roleArn: stage === 'credentials' ? accessRole : serviceRoleArn,
    },
    durationMs: Math.max(0, durationMs),
    apiCalls: { ...counter.byOperation },
    apiRetries: counter.retries,
  };
  if (accessRole !== undefined) result.accessRoleArn = accessRole;
  return result;
}

function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return seconds === 1 ? '1 second' : `${seconds} seconds`;
}
