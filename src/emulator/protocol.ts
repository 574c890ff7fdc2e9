/**
 * Wire formats of the three emulated services: the AWS query protocol with XML responses (IAM, STS),
 * the JSON 1.1 protocol (Organizations), the error envelopes of both, and the SigV4 credential scope.
 * Responses are built as plain strings because the emulator has to serve tens of thousands of calls
 * a second in benchmarks.
 */

export type ServiceName = 'iam' | 'sts' | 'organizations';

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';
export const STS_NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
export const IAM_VERSION = '2010-05-08';
export const STS_VERSION = '2011-06-15';
export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128.';

/**
 * An error that a handler raises to send an AWS error response. `code` is the wire code (`NoSuchEntity`,
 * `AccessDeniedException`), `status` the HTTP status, and `fields` extra members of the JSON error body
 * (`Reason` of `InvalidInputException`).
 */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  readonly type: 'Sender' | 'Receiver';
  readonly fields?: Record<string, string>;

  constructor(code: string, status: number, message: string, fields?: Record<string, string>) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.status = status;
    this.type = status >= 500 ? 'Receiver' : 'Sender';
    this.fields = fields;
  }
}

/** An HTTP response before it is written: status, content type and body. */
export interface WireResponse {
  status: number;
  contentType: string;
  body: string;
}

const XML_SPECIAL = /[&<>"']/;
const XML_SPECIAL_GLOBAL = /[&<>"']/g;
const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for an XML element body or attribute. */
export function escapeXml(text: string): string {
  if (!XML_SPECIAL.test(text)) {
    return text;
  }
  return text.replace(XML_SPECIAL_GLOBAL, (character) => XML_ENTITIES[character]!);
}

/** Builds `<name>escaped value</name>`, or an empty string when the value is undefined. */
export function xmlElement(name: string, value: string | number | boolean | undefined): string {
  if (value === undefined) {
    return '';
  }
  return `<${name}>${typeof value === 'string' ? escapeXml(value) : String(value)}</${name}>`;
}

/**
 * Builds a query-protocol success response. Operations without output (AttachRolePolicy, ...) pass
 * `undefined` and get no `<XResult>` element, as AWS sends them.
 */
export function queryResponse(
  namespace: string,
  action: string,
  resultXml: string | undefined,
  requestId: string,
): WireResponse {
  const result = resultXml === undefined ? '' : `<${action}Result>${resultXml}</${action}Result>`;
  return {
    status: 200,
    contentType: 'text/xml',
    body:
      `<${action}Response xmlns="${namespace}">${result}` +
      `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
  };
}

/** Builds a query-protocol error response: `<ErrorResponse><Error><Type/><Code/><Message/></Error>`. */
export function queryErrorResponse(namespace: string, error: ApiError, requestId: string): WireResponse {
  return {
    status: error.status,
    contentType: 'text/xml',
    body:
      `<ErrorResponse xmlns="${namespace}"><Error><Type>${error.type}</Type>` +
      `<Code>${escapeXml(error.code)}</Code><Message>${escapeXml(error.message)}</Message></Error>` +
      `<RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** Builds a JSON 1.1 success response. */
export function jsonResponse(payload: unknown): WireResponse {
  return { status: 200, contentType: 'application/x-amz-json-1.1', body: JSON.stringify(payload) };
}

/** Builds a JSON 1.1 error response: `{"__type": code, "Message": message, ...fields}`. */
export function jsonErrorResponse(error: ApiError): WireResponse {
  return {
    status: error.status,
    contentType: 'application/x-amz-json-1.1',
    body: JSON.stringify({ __type: error.code, Message: error.message, ...error.fields }),
  };
}

/** The parts of a SigV4 `Authorization` header the emulator uses. */
export interface CredentialScope {
  accessKeyId: string;
  region?: string;
  service?: string;
}

/**
 * Reads the access key id, region and service from a SigV4 `Authorization` header
 * (`AWS4-HMAC-SHA256 Credential=AKID/20240101/us-east-1/iam/aws4_request, SignedHeaders=..., Signature=...`).
 * Returns undefined when the header has no `Credential=` part.
 */
export function parseCredentialScope(authorization: string | undefined): CredentialScope | undefined {
  if (authorization === undefined) {
    return undefined;
  }
  const start = authorization.indexOf('Credential=');
  if (start === -1) {
    return undefined;
  }
  let end = authorization.indexOf(',', start);
  if (end === -1) {
    end = authorization.length;
  }
  const parts = authorization.slice(start + 'Credential='.length, end).trim().split('/');
  if (parts[0] === undefined || parts[0] === '') {
    return undefined;
  }
  return { accessKeyId: parts[0], region: parts[2], service: parts[3] };
}

/**
 * Percent-encodes a policy document the way IAM returns `AssumeRolePolicyDocument` and `PolicyDocument`:
 * RFC 3986, so every character except `A-Z a-z 0-9 - _ . ~` is encoded. `encodeURIComponent` leaves
 * `! ' ( ) *` alone, so those are encoded here too. Source: the GetRole and GetRolePolicy docs in the
 * IAM API model (`@aws-sdk/client-iam` type docs: "URL-encoded compliant with RFC 3986"). A literal
 * `%2F` in the stored text therefore reads back as `%252F`.
 */
export function encodePolicyDocument(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** Formats a date as IAM and STS send timestamps: ISO 8601 in UTC without milliseconds. */
export function isoSeconds(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The query parameters of one request (form body and URL query string merged). */
export class QueryParams {
  private readonly values: URLSearchParams;

  constructor(values: URLSearchParams) {
    this.values = values;
  }

  get(name: string): string | undefined {
    return this.values.get(name) ?? undefined;
  }

  /** Returns a required parameter or raises the `ValidationError` AWS sends for a missing member. */
  require(name: string): string {
    const value = this.values.get(name);
    if (value === null || value === '') {
      throw validationError(`Value null at '${lowerFirst(name)}' failed to satisfy constraint: Member must not be null`);
    }
    return value;
  }

  /** Reads an integer parameter. Raises `ValidationError` when it is not an integer. */
  integer(name: string): number | undefined {
    const value = this.values.get(name);
    if (value === null) {
      return undefined;
    }
    const parsed = Number(value);
    if (!Number.isInteger(parsed)) {
      throw validationError(`Value '${value}' at '${lowerFirst(name)}' failed to satisfy constraint: Member must be an integer`);
    }
    return parsed;
  }

  /** Reads a query-protocol list: `Name.member.1`, `Name.member.2`, ... */
  list(name: string): string[] {
    const items: string[] = [];
    for (let index = 1; ; index++) {
      const value = this.values.get(`${name}.member.${index}`);
      if (value === null) {
        return items;
      }
      items.push(value);
    }
  }

  /** Reads a list of `Tag` structures: `Tags.member.N.Key` and `Tags.member.N.Value`. */
  tags(name: string): { Key: string; Value: string }[] {
    const tags: { Key: string; Value: string }[] = [];
    for (let index = 1; ; index++) {
      const key = this.values.get(`${name}.member.${index}.Key`);
      if (key === null) {
        return tags;
      }
      tags.push({ Key: key, Value: this.values.get(`${name}.member.${index}.Value`) ?? '' });
    }
  }
}

/** Creates the `ValidationError` (HTTP 400) that IAM and STS send for a parameter outside its constraints. */
export function validationError(message: string): ApiError {
  return new ApiError('ValidationError', 400, message);
}

function lowerFirst(name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1);
}
