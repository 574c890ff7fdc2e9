/**
 * Turns zod issues and cross-check results into the `{path, message}` problems of a ConfigError,
 * with messages that state what was expected and how to fix the value.
 */
import type { z } from 'zod';

import { describeValue } from './schema.js';

/** One step into the config: a mapping key or a list index. */
export type PathSegment = string | number;

/** A problem located by path segments; formatted into a ValidationProblem at the end. */
export interface ConfigProblem {
  path: PathSegment[];
  message: string;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Formats path segments the way the messages show them: `role.managedPolicies[2].arn`. */
export function formatPath(path: readonly PathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') {
      text += `[${segment}]`;
    } else if (IDENTIFIER.test(segment)) {
      text += text === '' ? segment : `.${segment}`;
    } else {
      // Tag keys such as "ssm:vpc-endpoints" are not identifiers, so they get brackets.
      text += `[${JSON.stringify(segment)}]`;
    }
  }
  return text;
}

const EXPECTED_WORDS: Record<string, string> = {
  object: 'a mapping (key: value pairs)',
  record: 'a mapping (key: value pairs)',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  boolean: 'true or false',
};

/**
 * Messages for the issue kinds that the schema does not word itself. Zod 4 prefers an error set
 * on a schema over this per-parse map, so the specific messages in `schema.ts` win.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = EXPECTED_WORDS[issue.expected] ?? issue.expected;
      return issue.input === undefined
        ? `missing required key; expected ${expected}`
        : `expected ${expected}, got ${describeValue(issue.input)}`;
    }
    case 'invalid_value': {
      const allowed = issue.values.map((value) => JSON.stringify(value)).join(', ');
      return issue.input === undefined
        ? `missing required key; expected one of ${allowed}`
        : `${describeValue(issue.input)} is not allowed here; expected one of ${allowed}`;
    }
    case 'too_small':
      if (issue.origin === 'string') {
        return 'expected a non-empty string';
      }
      return issue.origin === 'array' ? `expected at least ${issue.minimum} entries` : undefined;
    case 'too_big':
      return issue.origin === 'string' ? `expected at most ${issue.maximum} characters` : undefined;
    default:
      return undefined;
  }
};

/** Converts zod issues to problems, one problem per unknown key. */
export function problemsFromZodIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is PathSegment => typeof segment !== 'symbol');

    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeysAt(schema, path);
      for (const key of issue.keys) {
        problems.push({ path: [...path, key], message: unknownKeyMessage(key, allowed) });
      }
    } else {
      problems.push({ path, message: issue.message });
    }
  }
  return problems;
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const suggestion = closestKey(key, allowed);
  const hint = suggestion === undefined ? '' : ` Did you mean ${suggestion}?`;
  const list = allowed.length === 0 ? '' : ` Allowed keys here: ${allowed.join(', ')}.`;
  return `unknown key ${JSON.stringify(key)}; remove it or correct its spelling.${hint}${list}`;
}

/** Minimal internal view of a zod 4 schema definition, enough to find the keys of an object. */
interface SchemaDefinition {
  type: string;
  shape?: Record<string, { _zod: { def: SchemaDefinition } }>;
  element?: { _zod: { def: SchemaDefinition } };
  innerType?: { _zod: { def: SchemaDefinition } };
  in?: { _zod: { def: SchemaDefinition } };
  valueType?: { _zod: { def: SchemaDefinition } };
}

const WRAPPER_TYPES = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function unwrap(definition: SchemaDefinition): SchemaDefinition {
  let current = definition;
  for (;;) {
    if (WRAPPER_TYPES.has(current.type) && current.innerType !== undefined) {
      current = current.innerType._zod.def;
    } else if (current.type === 'pipe' && current.in !== undefined) {
      current = current.in._zod.def;
    } else {
      return current;
    }
  }
}

/** Returns the keys the schema accepts at `path`, or an empty list when no object is there. */
function allowedKeysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let definition = unwrap((schema as unknown as { _zod: { def: SchemaDefinition } })._zod.def);
  for (const segment of path) {
    const next =
      typeof segment === 'number'
        ? definition.element
        : (definition.shape?.[segment] ?? definition.valueType);
    if (next === undefined) {
      return [];
    }
    definition = unwrap(next._zod.def);
  }
  return Object.keys(definition.shape ?? {});
}

/** Picks the allowed key closest to a misspelt one, when it is close enough to be a likely typo. */
function closestKey(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of allowed) {
    const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  const limit = Math.max(2, Math.floor(key.length / 4));
  return bestDistance <= limit ? best : undefined;
}

/** Levenshtein distance: the fewest single-character insertions, deletions and substitutions. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}
