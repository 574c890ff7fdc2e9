/**
 * Policy documents in the emulator: the checks IAM runs when a trust policy or an inline policy is
 * written, and the evaluation of a trust policy when STS AssumeRole is called.
 *
 * The checks cover the parts of the IAM policy grammar that the audit tool writes and reads, not all of
 * it: for example, AWS principals are checked for their form but not for existence. Sizes are counted
 * without white space (IAM User Guide, "IAM and AWS STS quotas"). Error codes are IAM's, and the
 * messages imitate IAM's but may differ in detail.
 */
import { ApiError } from './protocol.js';

type Json = unknown;
type JsonObject = Record<string, Json>;

const POLICY_VERSIONS = new Set(['2012-10-17', '2008-10-17']);
const PRINCIPAL_TYPES = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const AWS_PRINCIPAL = /^(\*|\d{12}|arn:aws[a-z-]*:(iam::\d{12}:(root|user\/.+|role\/.+)|sts::\d{12}:assumed-role\/.+))$/;
const ACTION = /^(\*|[a-zA-Z0-9-]+:[a-zA-Z0-9*?]+)$/;
const SID = /^[A-Za-z0-9]*$/;

function malformed(message: string): ApiError {
  return new ApiError('MalformedPolicyDocument', 400, message);
}

function isObject(value: Json): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Counts the characters IAM counts against policy size quotas: everything but white space. */
export function policySize(text: string): number {
  let size = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) {
      size++;
    }
  }
  return size;
}

/** Returns the statements of a parsed policy, whether `Statement` is one object or an array. */
export function statementsOf(document: JsonObject): JsonObject[] {
  const statement = document.Statement;
  const list = Array.isArray(statement) ? statement : [statement];
  return list.filter(isObject);
}

function toStringList(value: Json): string[] | undefined {
  if (typeof value === 'string') {
    return [value];
  }
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  return undefined;
}

function parsePolicyText(text: string): JsonObject {
  let parsed: Json;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw malformed('This policy contains invalid Json');
  }
  if (!isObject(parsed)) {
    throw malformed('Syntax errors in policy.');
  }
  if (parsed.Version !== undefined && (typeof parsed.Version !== 'string' || !POLICY_VERSIONS.has(parsed.Version))) {
    throw malformed('The policy failed legacy parsing');
  }
  const statement = parsed.Statement;
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statement === undefined || statements.length === 0 || !statements.every(isObject)) {
    throw malformed('Syntax errors in policy.');
  }
  return parsed;
}

function checkCommonStatement(statement: JsonObject): void {
  if (statement.Sid !== undefined && (typeof statement.Sid !== 'string' || !SID.test(statement.Sid))) {
    throw malformed('Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*');
  }
  if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') {
    throw malformed('Syntax errors in policy.');
  }
  if ((statement.Action === undefined) === (statement.NotAction === undefined)) {
    throw malformed('Syntax errors in policy.');
  }
  const actions = toStringList(statement.Action ?? statement.NotAction);
  if (actions === undefined || !actions.every((action) => ACTION.test(action))) {
    throw malformed('Syntax errors in policy.');
  }
  if (statement.Condition !== undefined) {
    checkCondition(statement.Condition);
  }
}

function checkCondition(condition: Json): void {
  if (!isObject(condition)) {
    throw malformed('Syntax errors in policy.');
  }
  for (const block of Object.values(condition)) {
    if (!isObject(block)) {
      throw malformed('Syntax errors in policy.');
    }
    for (const value of Object.values(block)) {
      const values = Array.isArray(value) ? value : [value];
      if (!values.every((item) => ['string', 'boolean', 'number'].includes(typeof item))) {
        throw malformed('Syntax errors in policy.');
      }
    }
  }
}

function checkPrincipal(principal: Json): void {
  if (principal === '*') {
    return;
  }
  if (!isObject(principal) || Object.keys(principal).length === 0) {
    throw malformed('Invalid principal in policy');
  }
  for (const [type, value] of Object.entries(principal)) {
    const values = toStringList(value);
    if (!PRINCIPAL_TYPES.has(type) || values === undefined) {
      throw malformed(`Invalid principal in policy: "${type}":${JSON.stringify(value)}`);
    }
    if (type === 'AWS') {
      for (const item of values) {
        if (!AWS_PRINCIPAL.test(item)) {
          throw malformed(`Invalid principal in policy: "AWS":"${item}"`);
        }
      }
    }
  }
}

/**
 * Checks a trust policy as CreateRole and UpdateAssumeRolePolicy do. Raises `MalformedPolicyDocument`
 * for invalid JSON, a missing principal, a `Resource` element or a non-STS action, and `LimitExceeded`
 * when the text without white space is longer than `maxLength` (2,048 by default, up to 4,096 on request).
 */
export function validateTrustPolicy(text: string, maxLength: number): void {
  const document = parsePolicyText(text);
  for (const statement of statementsOf(document)) {
    checkCommonStatement(statement);
    if (statement.Resource !== undefined || statement.NotResource !== undefined) {
      throw malformed('Has prohibited field Resource');
    }
    if (statement.Principal === undefined && statement.NotPrincipal === undefined) {
      throw malformed('Missing required field Principal');
    }
    checkPrincipal(statement.Principal ?? statement.NotPrincipal);
    const actions = toStringList(statement.Action ?? statement.NotAction) ?? [];
    if (statement.Action !== undefined && !actions.every((action) => action === '*' || action.toLowerCase().startsWith('sts:'))) {
      throw malformed('AssumeRole policy may only specify STS AssumeRole actions.');
    }
  }
  if (policySize(text) > maxLength) {
    throw new ApiError('LimitExceeded', 409, `Cannot exceed quota for ACLSizePerRole: ${maxLength}`);
  }
}

/** Checks an identity-based (inline) policy as PutRolePolicy does. Raises `MalformedPolicyDocument`. */
export function validatePermissionPolicy(text: string): void {
  const document = parsePolicyText(text);
  for (const statement of statementsOf(document)) {
    checkCommonStatement(statement);
    if (statement.Principal !== undefined || statement.NotPrincipal !== undefined) {
      throw malformed('Policy document should not specify a principal.');
    }
    if (statement.Resource === undefined && statement.NotResource === undefined) {
      throw malformed('Policy statement must contain resources.');
    }
  }
}

/** Caller and request values of an AssumeRole call, the input of trust policy evaluation. */
export interface AssumeRoleRequestContext {
  callerArn: string;
  callerAccountId: string;
  /** For role sessions: the ARN of the role the session belongs to (`arn:aws:iam::<acct>:role/<path><name>`). */
  callerRoleArn?: string;
  partition: string;
  externalId?: string;
  roleSessionName: string;
}

/**
 * Decides whether a trust policy lets the caller call `sts:AssumeRole`: an `Allow` statement must match
 * the action, the principal and every condition, and no matching `Deny` statement may exist.
 *
 * An AWS principal matches when it is `*`, the caller's account id, `arn:<partition>:iam::<acct>:root`,
 * the caller's ARN, or (for a role session) the ARN of the session's role. The caller's own identity
 * policy is assumed to allow the call. Unparseable documents allow nothing.
 */
export function trustPolicyAllows(text: string, request: AssumeRoleRequestContext): boolean {
  let document: Json;
  try {
    document = JSON.parse(text);
  } catch {
    return false;
  }
  if (!isObject(document)) {
    return false;
  }
  let allowed = false;
  for (const statement of statementsOf(document)) {
    if (!statementApplies(statement, request)) {
      continue;
    }
    if (statement.Effect === 'Deny') {
      return false;
    }
    if (statement.Effect === 'Allow') {
      allowed = true;
    }
  }
  return allowed;
}

function statementApplies(statement: JsonObject, request: AssumeRoleRequestContext): boolean {
  if (!actionMatches(statement)) {
    return false;
  }
  // NOTE: NotPrincipal is not evaluated, so a statement that uses it never applies here.
  if (statement.Principal === undefined || !principalMatches(statement.Principal, request)) {
    return false;
  }
  return statement.Condition === undefined || conditionMatches(statement.Condition, request);
}

function actionMatches(statement: JsonObject): boolean {
  if (statement.Action !== undefined) {
    return (toStringList(statement.Action) ?? []).some((pattern) => wildcardMatches(pattern, 'sts:AssumeRole', true));
  }
  const excluded = toStringList(statement.NotAction) ?? [];
  return !excluded.some((pattern) => wildcardMatches(pattern, 'sts:AssumeRole', true));
}

function principalMatches(principal: Json, request: AssumeRoleRequestContext): boolean {
  if (principal === '*') {
    return true;
  }
  if (!isObject(principal)) {
    return false;
  }
  const values = toStringList(principal.AWS) ?? [];
  const rootArn = `arn:${request.partition}:iam::${request.callerAccountId}:root`;
  return values.some(
    (value) =>
      value === '*' ||
      value === request.callerAccountId ||
      value === rootArn ||
      value === request.callerArn ||
      (request.callerRoleArn !== undefined && value === request.callerRoleArn),
  );
}

/** Condition keys available in an AssumeRole request, lower-cased because IAM compares keys case-insensitively. */
function conditionContext(request: AssumeRoleRequestContext): Map<string, string> {
  const context = new Map<string, string>([
    ['aws:principalarn', request.callerRoleArn ?? request.callerArn],
    ['aws:principalaccount', request.callerAccountId],
    ['sts:rolesessionname', request.roleSessionName],
  ]);
  if (request.externalId !== undefined) {
    context.set('sts:externalid', request.externalId);
  }
  return context;
}

/**
 * Evaluates a `Condition` block. Supported operators: the String*, Arn*, Bool and Null families with
 * the `IfExists` suffix. An unknown operator makes the statement not apply.
 */
function conditionMatches(condition: Json, request: AssumeRoleRequestContext): boolean {
  if (!isObject(condition)) {
    return false;
  }
  const context = conditionContext(request);
  for (const [rawOperator, block] of Object.entries(condition)) {
    if (!isObject(block)) {
      return false;
    }
    const operator = rawOperator.replace(/^For(Any|All)Value:/, '');
    for (const [key, rawExpected] of Object.entries(block)) {
      const expected = (Array.isArray(rawExpected) ? rawExpected : [rawExpected]).map(String);
      if (!operatorMatches(operator, context.get(key.toLowerCase()), expected)) {
        return false;
      }
    }
  }
  return true;
}

function operatorMatches(operator: string, actual: string | undefined, expected: string[]): boolean {
  if (operator === 'Null') {
    return expected.some((value) => (value === 'true') === (actual === undefined));
  }
  const ifExists = operator.endsWith('IfExists');
  const base = ifExists ? operator.slice(0, -'IfExists'.length) : operator;
  const negated = base.includes('Not');
  if (actual === undefined) {
    // A missing key fails a positive operator and satisfies a negated one, as IAM evaluates them.
    // `IfExists` turns a missing key into a match.
    return ifExists || negated;
  }
  let matched: boolean;
  switch (base) {
    case 'StringEquals':
    case 'StringNotEquals':
    case 'ArnEquals':
    case 'ArnNotEquals':
      matched = expected.includes(actual);
      break;
    case 'StringEqualsIgnoreCase':
    case 'StringNotEqualsIgnoreCase':
      matched = expected.some((value) => value.toLowerCase() === actual.toLowerCase());
      break;
    case 'StringLike':
    case 'StringNotLike':
    case 'ArnLike':
    case 'ArnNotLike':
      matched = expected.some((value) => wildcardMatches(value, actual, false));
      break;
    case 'Bool':
      matched = expected.includes(actual);
      break;
    default:
      return false;
  }
  return negated ? !matched : matched;
}

/** Matches IAM wildcards: `*` is any run of characters, `?` any single character. */
export function wildcardMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = ignoreCase ? pattern.toLowerCase() : pattern;
  const target = ignoreCase ? value.toLowerCase() : value;
  if (!source.includes('*') && !source.includes('?')) {
    return source === target;
  }
  const expression = source.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${expression}$`, 's').test(target);
}
