import type { ObservedDocument, PolicyDocument } from '../model.js';

/**
 * Decodes a policy document as IAM returns it and parses the JSON.
 *
 * IAM returns `AssumeRolePolicyDocument` (GetRole) and `PolicyDocument` (GetRolePolicy) percent-encoded
 * as in RFC 3986, and the AWS SDK for JavaScript v3 passes the text through unchanged (botocore, by
 * contrast, decodes it). The text is decoded exactly once: a literal `%2F` in the stored document
 * arrives as `%252F` and must come out as `%2F`, which a second decode would turn into `/`.
 *
 * Never throws. Malformed percent-encoding, text that is not JSON, and JSON that is not an object
 * set `parseError` and leave `document` undefined. When the percent-encoding itself is malformed,
 * `text` is the input unchanged, because no decoded text exists.
 */
export function decodePolicyDocument(encoded: string): ObservedDocument {
  let text: string;
  try {
    // decodeURIComponent leaves `+` unchanged, as RFC 3986 percent-decoding does. Only HTML form
    // encoding reads `+` as a space.
    text = decodeURIComponent(encoded);
  } catch (error) {
    return { text: encoded, parseError: `Invalid percent-encoding: ${errorMessage(error)}` };
  }

  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { text, parseError: `Invalid JSON: ${errorMessage(error)}` };
  }

  if (!isJsonObject(parsed)) {
    return { text, parseError: `Invalid policy document: expected a JSON object, got ${describeJsonValue(parsed)}` };
  }

  return { text, document: parsed };
}

function isJsonObject(value: unknown): value is PolicyDocument {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describeJsonValue(value: unknown): string {
  if (value === null) {
    return 'null';
  }
  if (Array.isArray(value)) {
    return 'an array';
  }
  return `a ${typeof value}`;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
