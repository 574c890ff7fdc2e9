/**
 * AWS error codes of IAM calls, as IAM sends them on the wire (`NoSuchEntity`, `LimitExceeded`).
 *
 * The AWS SDK for JavaScript v3 names a modeled IAM error after its exception class
 * (`NoSuchEntityException`). It also copies the fields of the query-protocol error body onto the
 * error, so the wire code is in `Code`. This was seen with @aws-sdk/client-iam 3.1178 against the
 * emulator, which sends IAM's `<ErrorResponse><Error><Code>` body. Unmodeled errors such as
 * `AccessDenied` have the wire code as their name.
 */
import type { IamReadApi } from '../aws/api.js';
import { describeAwsError } from '../aws/aws-error.js';
import { inspectRole } from '../inspect/role.js';
import type { ObservedRole } from '../model.js';

/** Returns the wire error code of an SDK error: `Code` when the SDK set it, otherwise `describeAwsError`'s code. */
export function awsErrorCode(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { Code?: unknown }).Code : undefined;
  return typeof code === 'string' && code !== '' ? code : describeAwsError(error).code;
}

/**
 * Reads the role like `inspectRole`, and returns undefined for NoSuchEntity in either spelling.
 * NOTE: `isNoSuchEntity` in src/aws/aws-error.ts checks the error name only, so `inspectRole` throws
 * `NoSuchEntityException` from the real SDK instead of returning undefined; this wrapper covers that.
 */
export async function readRole(iam: IamReadApi, roleName: string): Promise<ObservedRole | undefined> {
  try {
    return await inspectRole(iam, roleName);
  } catch (error) {
    if (awsErrorCode(error) === 'NoSuchEntity') {
      return undefined;
    }
    throw error;
  }
}
