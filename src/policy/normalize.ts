/**
 * Canonical form of IAM policy documents, so that two documents IAM treats the same compare equal.
 *
 * IAM stores and returns its own shape of a document: a single statement may be an object or a
 * one-element array, a single value a string or a one-element list, and keys come in any order. The
 * rules below follow the well-known normalization of Steampipe's `*_std` policy columns:
 * - `Statement` is always an array, sorted by each statement's canonical JSON, without duplicates;
 * - `Action`, `NotAction`, `Resource`, `NotResource`, principal values and condition values are
 *   sorted arrays without duplicates;
 * - action names, condition operator names and condition keys are lower-cased, while resource ARNs,
 *   principal values and condition values keep their case;
 * - `"Principal": "*"` becomes `{"AWS": ["*"]}`, and condition values become strings;
 * - an empty `Sid` and an empty `Condition` object are dropped.
 *
 * `Version` is kept as it is, because a missing `Version` selects the 2008-10-17 policy language,
 * which has no policy variables. `NotPrincipal`, `NotAction`, `NotResource` and `Deny` are never
 * folded into positive forms: they mean something else. Elements outside the IAM grammar are kept
 * unchanged, so they still count as a difference.
 */
import type { PolicyDocument } from '../model.js';

/** Principal values by principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`). */
export type PrincipalMap = Record<string, string[]>;

/** Condition values by lower-cased operator name, then by lower-cased condition key. */
export type ConditionMap = Record<string, Record<string, string[]>>;

/** A policy statement in canonical form. */
export interface NormalizedStatement {
  Sid?: string;
  Effect?: string;
  Principal?: PrincipalMap;
  NotPrincipal?: PrincipalMap;
  Action?: string[];
  NotAction?: string[];
  Resource?: string[];
  NotResource?: string[];
  Condition?: ConditionMap;
  /** Elements outside the IAM grammar, kept unchanged. */
  [otherElement: string]: unknown;
}

/** A policy document in canonical form, as `normalizePolicy` builds it. */
export interface NormalizedPolicy {
  Version?: string;
  Id?: string;
  Statement: NormalizedStatement[];
  /** Elements outside the IAM grammar, kept unchanged. */
  [otherElement: string]: unknown;
}

/**
 * Key under which a value of the wrong JSON type is kept (a statement that is not an object, a
 * principal string other than `*`, a condition block that is not an object). No IAM element or
 * principal type has this name, so such a document never equals a valid one.
 */
export const INVALID_ELEMENT_KEY = '(invalid)';

const STATEMENT_ELEMENT_ORDER = [
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
];

const POLICY_ELEMENT_ORDER = ['Version', 'Id', 'Statement'];

/**
 * Builds the canonical form of a policy document. Never throws: values of the wrong JSON type are
 * kept in a form that compares unequal to every valid document. Normalizing a normalized document
 * returns an equal document.
 */
export function normalizePolicy(document: PolicyDocument): NormalizedPolicy {
  // The type rules this out, but documents come from JSON that callers may not have checked.
  if (!isPlainObject(document)) {
    return { Statement: [], [INVALID_ELEMENT_KEY]: document };
  }

  const statements = toStatementList(document.Statement).map(normalizeStatement);

  const policy: NormalizedPolicy = { Statement: sortAndDeduplicateStatements(statements) };
  if (document.Version !== undefined) {
    policy.Version = toText(document.Version);
  }
  if (document.Id !== undefined) {
    policy.Id = toText(document.Id);
  }
  for (const [key, value] of Object.entries(document)) {
    if (!POLICY_ELEMENT_ORDER.includes(key)) {
      policy[key] = value;
    }
  }

  return orderPolicyElements(policy);
}

/**
 * Normalizes each statement of a document on its own and returns them in document order, duplicates
 * included, so that messages can number statements as the stored document shows them.
 */
export function normalizeStatementsInOrder(document: PolicyDocument): NormalizedStatement[] {
  if (!isPlainObject(document)) {
    return [];
  }
  return toStatementList(document.Statement).map(normalizeStatement);
}

/** Returns the key by which normalization sorts and deduplicates statements. */
export function statementSortKey(statement: NormalizedStatement): string {
  return JSON.stringify(orderValue(statement));
}

/** Tests whether two policy documents are the same after normalization. */
export function policiesEquivalent(a: PolicyDocument, b: PolicyDocument): boolean {
  return canonicalJson(normalizePolicy(a), 0) === canonicalJson(normalizePolicy(b), 0);
}

/**
 * Serializes a normalized policy with a stable key order: `Version`, `Id`, `Statement`, and in each
 * statement `Sid`, `Effect`, `Principal`, `NotPrincipal`, `Action`, `NotAction`, `Resource`,
 * `NotResource`, `Condition`. Other keys follow in code-unit order, at every depth. `indent` is the
 * JSON indentation in spaces; 0 gives compact output.
 */
export function canonicalJson(policy: NormalizedPolicy, indent = 2): string {
  return JSON.stringify(canonicalDocument(policy), null, indent);
}

/**
 * Copies a normalized policy into a plain object whose keys are in the order `canonicalJson` uses,
 * for reports that serialize the whole finding (such as `Finding.expected` and `Finding.actual`).
 */
export function canonicalDocument(policy: NormalizedPolicy): PolicyDocument {
  const ordered = orderPolicyElements(policy);
  return { ...ordered, Statement: ordered.Statement.map(orderStatementElements) };
}

function toStatementList(statement: unknown): unknown[] {
  if (statement === undefined) {
    return [];
  }
  return Array.isArray(statement) ? statement : [statement];
}

function normalizeStatement(raw: unknown): NormalizedStatement {
  if (!isPlainObject(raw)) {
    return { [INVALID_ELEMENT_KEY]: raw };
  }

  const statement: NormalizedStatement = {};
  for (const [key, value] of Object.entries(raw)) {
    switch (key) {
      case 'Sid': {
        const sid = toText(value);
        // AWS's own examples carry an empty Sid, which identifies nothing.
        if (sid !== '') {
          statement.Sid = sid;
        }
        break;
      }
      case 'Effect':
        statement.Effect = toText(value);
        break;
      case 'Principal':
      case 'NotPrincipal':
        statement[key] = normalizePrincipal(value);
        break;
      case 'Action':
      case 'NotAction':
        // IAM User Guide, "IAM JSON policy elements: Action": prefix and action name are case-insensitive.
        statement[key] = toSortedSet(toTextList(value).map((action) => action.toLowerCase()));
        break;
      case 'Resource':
      case 'NotResource':
        statement[key] = toSortedSet(toTextList(value));
        break;
      case 'Condition': {
        const condition = normalizeCondition(value);
        if (Object.keys(condition).length > 0) {
          statement.Condition = condition;
        }
        break;
      }
      default:
        statement[key] = value;
    }
  }

  return orderStatementElements(statement);
}

function normalizePrincipal(raw: unknown): PrincipalMap {
  // Both forms name every principal, and Steampipe's normalization folds them the same way.
  // NOTE: for resource-based policies AWS documents that `"*"` also covers anonymous callers and
  // `{"AWS": "*"}` does not. In a trust policy both are an extra principal `AWS:*` either way.
  if (raw === '*') {
    return { AWS: ['*'] };
  }
  if (!isPlainObject(raw)) {
    return { [INVALID_ELEMENT_KEY]: toSortedSet(toTextList(raw)) };
  }

  const principal: PrincipalMap = {};
  for (const type of sortedKeys(raw)) {
    // NOTE: an account id and its root ARN (`123456789012`, `arn:aws:iam::123456789012:root`) stay
    // different here, although IAM User Guide ("AWS JSON policy elements: Principal") says they behave
    // the same. Folding them needs the partition, which a policy document does not carry.
    principal[type] = toSortedSet(toTextList(raw[type]));
  }
  return principal;
}

function normalizeCondition(raw: unknown): ConditionMap {
  if (!isPlainObject(raw)) {
    return { [INVALID_ELEMENT_KEY]: { [INVALID_ELEMENT_KEY]: toSortedSet(toTextList(raw)) } };
  }

  const condition: ConditionMap = {};
  for (const [operator, block] of Object.entries(raw)) {
    // IAM User Guide, "IAM JSON policy elements: Condition": context key names are case-insensitive.
    // NOTE: operator names are lower-cased too so that spellings differing in case compare equal.
    // When two keys of one block differ only in case, their values are merged, which reads an AND of
    // the two keys as an OR of their values. IAM's own examples never do this.
    const operatorName = operator.toLowerCase();
    const keys = (condition[operatorName] ??= {});

    if (!isPlainObject(block)) {
      keys[INVALID_ELEMENT_KEY] = toSortedSet([...(keys[INVALID_ELEMENT_KEY] ?? []), ...toTextList(block)]);
      continue;
    }
    for (const [key, values] of Object.entries(block)) {
      const keyName = key.toLowerCase();
      keys[keyName] = toSortedSet([...(keys[keyName] ?? []), ...toTextList(values)]);
    }
  }

  return sortObjectKeys(condition, (keys) => sortObjectKeys(keys, (values) => values));
}

function sortAndDeduplicateStatements(statements: NormalizedStatement[]): NormalizedStatement[] {
  const byKey = new Map<string, NormalizedStatement>();
  for (const statement of statements) {
    byKey.set(statementSortKey(statement), statement);
  }
  return [...byKey.keys()].sort(compareCodeUnits).map((key) => byKey.get(key)!);
}

function orderPolicyElements(policy: NormalizedPolicy): NormalizedPolicy {
  return orderElements(policy, POLICY_ELEMENT_ORDER) as NormalizedPolicy;
}

function orderStatementElements(statement: NormalizedStatement): NormalizedStatement {
  return orderElements(statement, STATEMENT_ELEMENT_ORDER) as NormalizedStatement;
}

/** Copies `source` with the grammar elements first, in `order`, and other keys after, with nested keys sorted. */
function orderElements(source: Record<string, unknown>, order: string[]): Record<string, unknown> {
  const ordered: Record<string, unknown> = {};
  for (const key of order) {
    if (source[key] !== undefined) {
      ordered[key] = orderValue(source[key]);
    }
  }
  for (const key of sortedKeys(source)) {
    if (!order.includes(key) && source[key] !== undefined) {
      ordered[key] = orderValue(source[key]);
    }
  }
  return ordered;
}

/** Copies a JSON value with every object's keys in code-unit order and every array in its own order. */
function orderValue(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(orderValue);
  }
  if (isPlainObject(value)) {
    return sortObjectKeys(value, orderValue);
  }
  return value;
}

function sortObjectKeys<T, U>(source: Record<string, T>, mapValue: (value: T) => U): Record<string, U> {
  const sorted: Record<string, U> = {};
  for (const key of sortedKeys(source)) {
    sorted[key] = mapValue(source[key]!);
  }
  return sorted;
}

function sortedKeys(source: Record<string, unknown>): string[] {
  return Object.keys(source).sort(compareCodeUnits);
}

/** Reads a value that may be a scalar or a list as a list of strings. */
function toTextList(value: unknown): string[] {
  return Array.isArray(value) ? value.map(toText) : [toText(value)];
}

/**
 * Converts a scalar to its string form (`true` to `"true"`, `5` to `"5"`), so that `true` and `"true"`
 * compare equal. Objects, arrays and null, which IAM rejects, become their JSON text.
 */
function toText(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (typeof value === 'number' || typeof value === 'boolean') {
    return String(value);
  }
  return JSON.stringify(orderValue(value)) ?? 'undefined';
}

function toSortedSet(values: string[]): string[] {
  return [...new Set(values)].sort(compareCodeUnits);
}

/** Orders by UTF-16 code units, so the result is the same whatever the locale. */
function compareCodeUnits(a: string, b: string): number {
  if (a < b) {
    return -1;
  }
  return a > b ? 1 : 0;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
