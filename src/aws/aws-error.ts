/**
 * Reads what an AWS SDK v3 error carries (error code, HTTP status, request id) without depending on
 * the service's exception classes, so errors from every client are classified the same way.
 */
import { redactSecrets } from './redact.js';

export interface AwsErrorInfo {
  /** The AWS error code (`AccessDenied`, `NoSuchEntity`), or the Node error code for network failures. */
  code: string;
  /** The error message with credentials and signatures removed (see `redactSecrets`). */
  message: string;
  httpStatus?: number;
  requestId?: string;
}

interface SdkErrorShape {
  /** The wire error code, which the SDK keeps on query-protocol (IAM, STS) errors. */
  Code?: unknown;
  name?: unknown;
  code?: unknown;
  message?: unknown;
  $metadata?: { httpStatusCode?: number; requestId?: string };
}

/**
 * Describes an error for logs, reports and messages. The message is redacted here, where it is
 * captured, because AWS error messages can echo request headers.
 */
export function describeAwsError(error: unknown): AwsErrorInfo {
  if (typeof error !== 'object' || error === null) {
    return { code: 'UnknownError', message: redactSecrets(String(error)) };
  }
  const shape = error as SdkErrorShape;
  const nodeCode = typeof shape.code === 'string' ? shape.code : undefined;
  const name = typeof shape.name === 'string' ? shape.name : undefined;
  const wireCode = typeof shape.Code === 'string' ? shape.Code : undefined;
  const info: AwsErrorInfo = {
    code:
      wireCode ??
      (nodeCode && (name === undefined || name === 'Error') ? nodeCode : (name ?? nodeCode ?? 'UnknownError')),
    message: redactSecrets(typeof shape.message === 'string' ? shape.message : String(error)),
  };
  if (shape.$metadata?.httpStatusCode !== undefined) info.httpStatus = shape.$metadata.httpStatusCode;
  if (shape.$metadata?.requestId) info.requestId = shape.$metadata.requestId;
  return info;
}

/**
 * IAM's `NoSuchEntity`: the role or policy does not exist. The SDK v3 IAM client names the error
 * after its exception class, `NoSuchEntityException`, while the wire code is `NoSuchEntity`.
 */
export function isNoSuchEntity(error: unknown): boolean {
  const { code } = describeAwsError(error);
  return code === 'NoSuchEntity' || code === 'NoSuchEntityException';
}

/** Access denied, as IAM and STS (`AccessDenied`) and Organizations (`AccessDeniedException`) name it. */
export function isAccessDenied(error: unknown): boolean {
  const { code } = describeAwsError(error);
  return code === 'AccessDenied' || code === 'AccessDeniedException';
}

/**
 * Expired temporary credentials: `ExpiredToken` from IAM and STS (query protocol), and
 * `ExpiredTokenException` from JSON services such as Organizations.
 */
export function isExpiredToken(error: unknown): boolean {
  const { code } = describeAwsError(error);
  return code === 'ExpiredToken' || code === 'ExpiredTokenException';
}
