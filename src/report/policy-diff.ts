import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';

/**
 * Formats a value as JSON with object keys sorted at every level and 2-space indentation. Array order
 * is kept because it is data: normalizing statements is the evaluator's work, not the report's.
 * Returns an empty string for `undefined`.
 */
export function canonicalJson(value: unknown, indent = 2): string {
  if (value === undefined) {
    return '';
  }
  return JSON.stringify(sortObjectKeys(value), null, indent);
}

/** The names in the `---` and `+++` header lines of a diff. */
export interface DiffLabels {
  old: string;
  new: string;
}

/**
 * Renders a unified diff from the expected to the actual value, both as canonical JSON, with the
 * whole document as context. Strings are compared as they are, so an unparseable policy text shows
 * as text. `undefined` is an empty side. Returns the `--- expected` and `+++ actual` headers alone when
 * the two texts are equal; `labels` replaces those two names.
 */
export function renderValueDiff(
  expected: unknown,
  actual: unknown,
  labels: DiffLabels = { old: 'expected', new: 'actual' },
): string {
  const patch = createTwoFilesPatch(
    labels.old,
    labels.new,
    toDiffText(expected),
    toDiffText(actual),
    undefined,
    undefined,
    { context: Number.MAX_SAFE_INTEGER, headerOptions: FILE_HEADERS_ONLY },
  );
  return patch;
}

/**
 * Parses a policy document text for `renderValueDiff`, so it shows as canonical JSON. Returns the text
 * unchanged when it is not a JSON object or array, such as an unparseable policy, and undefined for
 * null, which stands for a document that does not exist.
 */
export function parseDocumentText(text: string | null): unknown {
  if (text === null) {
    return undefined;
  }
  try {
    const parsed: unknown = JSON.parse(text);
    return parsed !== null && typeof parsed === 'object' ? parsed : text;
  } catch {
    return text;
  }
}

function toDiffText(value: unknown): string {
  if (value === undefined) {
    return '';
  }
  const text = typeof value === 'string' ? value : canonicalJson(value);
  return text.endsWith('\n') ? text : `${text}\n`;
}

function sortObjectKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(sortObjectKeys);
  }
  if (value !== null && typeof value === 'object') {
    const sorted: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      sorted[key] = sortObjectKeys((value as Record<string, unknown>)[key]);
    }
    return sorted;
  }
  return value;
}
