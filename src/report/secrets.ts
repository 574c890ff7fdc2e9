import { AuditError } from '../errors.js';

interface SecretRule {
  /** Description of what the rule matches, shown in the error instead of the matched text. */
  description: string;
  pattern: RegExp;
}

/**
 * Patterns of AWS credentials as the SDK, the shared credentials file and SigV4 requests spell them.
 * The field names come from `AwsCredentialIdentity` in `@smithy/types` (`secretAccessKey`,
 * `sessionToken`) and from the credentials file keys that `@aws-sdk/credential-provider-ini` reads
 * (`aws_secret_access_key`, `aws_session_token`). The headers are the `Authorization` and
 * `X-Amz-Security-Token` values that `@smithy/signature-v4` writes. A secret access key is 40
 * characters of base64 (`[A-Za-z0-9/+]`).
 */
const SECRET_RULES: readonly SecretRule[] = [
  { description: 'a secret access key field', pattern: /secret[_-]?access[_-]?key/i },
  { description: 'a session token field', pattern: /session[_-]?token/i },
  { description: 'an X-Amz-Security-Token header', pattern: /x-amz-security-token/i },
  {
    description: 'an Authorization header with a SigV4 signature',
    pattern: /authorization["']?\s*[:=]\s*["']?AWS4-HMAC-SHA256/i,
  },
  { description: 'a SigV4 credential scope', pattern: /AWS4-HMAC-SHA256\s+Credential=/i },
  {
    description: 'a 40-character base64 value after a secret, token, key or password name',
    pattern:
      /(?:secret|token|password|credential|signature|private[_-]?key|access[_-]?key)[\w-]*["']?\s*[:=]\s*["']?[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=])/i,
  },
];

/**
 * Throws an AuditError (`REPORT_CONTAINS_SECRET`) when `text` contains something that looks like an
 * AWS credential. Both report renderers call it on their output, so a credential that reached the
 * report data stops the report from being written. The error names the rule and the line, never the
 * matched text.
 */
export function assertNoSecrets(text: string): void {
  for (const rule of SECRET_RULES) {
    const match = rule.pattern.exec(text);
    if (match === null) {
      continue;
    }

    const line = countLinesBefore(text, match.index) + 1;
    throw new AuditError(
      'REPORT_CONTAINS_SECRET',
      `The report was not written because line ${line} contains ${rule.description}.`,
      {
        remedy:
          'Reports must never contain credentials. Look for where the credential entered the report data ' +
          '(an error message or a policy document) and report the problem to the maintainers of ssm-role-audit.',
      },
    );
  }
}

function countLinesBefore(text: string, index: number): number {
  let lines = 0;
  for (let position = text.indexOf('\n'); position !== -1 && position < index; position = text.indexOf('\n', position + 1)) {
    lines += 1;
  }
  return lines;
}
