/**
 * The `${...}` placeholders a desired-state config may use in policy ARNs and regions, and their
 * expansion for one account.
 */

/** Placeholder names the config accepts. Any other `${...}` is a validation error. */
export const PLACEHOLDER_NAMES = ['AccountId', 'Partition', 'Region'] as const;

export type PlaceholderName = (typeof PLACEHOLDER_NAMES)[number];

/** The values that replace the placeholders for one account of one run. */
export type PlaceholderValues = Record<PlaceholderName, string>;

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** Returns the names inside `${...}` in `text` that are not known placeholders, in order of appearance. */
export function findUnknownPlaceholders(text: string): string[] {
  const known: readonly string[] = PLACEHOLDER_NAMES;
  return [...text.matchAll(PLACEHOLDER)]
    .map((match) => match[1] ?? '')
    .filter((name) => !known.includes(name));
}

/**
 * Replaces every known placeholder in `text` with its value. Unknown placeholders are left as they
 * are, because validation has already rejected them.
 */
export function expandPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(PLACEHOLDER, (whole, name: string) =>
    Object.hasOwn(values, name) ? values[name as PlaceholderName] : whole,
  );
}

/** The placeholders written the way a config author types them, for messages. */
export const PLACEHOLDER_LIST = PLACEHOLDER_NAMES.map((name) => '${' + name + '}').join(', ');
