/**
 * Removes credentials from text that came from outside the tool, such as an AWS error message, before
 * the text reaches a log, a report or the terminal. Error messages from AWS and from proxies in front of
 * it can echo request headers, so a captured message is redacted where it is captured.
 */

const REDACTED = '[redacted]';

/**
 * What is removed, in order. Header and field names are removed with their values, because the report
 * writer's last check (`assertNoSecrets`) rejects a report that merely names a secret field. The header
 * names are the ones `@smithy/signature-v4` writes: `Authorization`, `X-Amz-Security-Token`, and the
 * `X-Amz-Signature` and `X-Amz-Credential` query parameters of presigned URLs. The field names are
 * those of `AwsCredentialIdentity` in `@smithy/types`, of the STS `Credentials` shape and of the shared
 * credentials file.
 */
const PATTERNS: readonly RegExp[] = [
  // A whole Authorization header, up to the end of the line or a closing quote.
  /authorization["']?\s*[:=]\s*[^\r\n"']*/gi,
  /AWS4-HMAC-SHA256[^\r\n"']*/gi,
  /x-amz-(?:security-token|signature|credential)["']?\s*[:=]\s*["']?[^\s"'&,;]*/gi,
  /(?:aws_)?(?:secret[_-]?access[_-]?key|session[_-]?token)["']?\s*[:=]\s*["']?[^\s"'&,;]*/gi,
  /secret[_-]?access[_-]?key|session[_-]?token|x-amz-security-token/gi,
  // Session tokens are long base64 strings. ARNs, request ids and account ids break such runs with
  // colons or hyphens, so they are left alone.
  /[A-Za-z0-9/+=]{64,}/g,
];

/**
 * A bare 40-character base64 value with upper-case letters, lower-case letters and digits: the shape of
 * a secret access key. Lower-case hexadecimal digests of the same length are left alone.
 */
const SECRET_KEY_SHAPE = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/g;

/** Returns `text` with credentials, signatures and credential header or field names replaced by `[redacted]`. */
export function redactSecrets(text: string): string {
  let redacted = text;
  for (const pattern of PATTERNS) {
    redacted = redacted.replace(pattern, REDACTED);
  }
  return redacted.replace(SECRET_KEY_SHAPE, (value) =>
    /[A-Z]/.test(value) && /[a-z]/.test(value) && /\d/.test(value) ? REDACTED : value,
  );
}
