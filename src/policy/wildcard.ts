/**
 * IAM-style wildcard matching for ARNs and action names. `*` matches any run of characters, empty
 * included, and `?` matches exactly one character.
 */

/** The number of colon-separated parts of an ARN: `arn:partition:service:region:account:resource`. */
const ARN_PART_COUNT = 6;

/**
 * Tests an ARN against an IAM ARN pattern, as the `ArnLike` and `ArnEquals` condition operators do.
 *
 * Following the IAM User Guide ("IAM JSON policy elements: Condition operators", ARN condition
 * operators), the comparison is case-sensitive and each of the six colon-separated parts is matched
 * on its own, so a wildcard never spans a colon between parts. The sixth part is everything after the
 * fifth colon, so wildcards there may span colons inside the resource. A pattern or value with fewer
 * than six parts matches nothing.
 */
export function arnMatches(pattern: string, arn: string): boolean {
  return matchArnParts(pattern, arn, false);
}

/**
 * Tests whether the ARN pattern `pattern` accepts every ARN that the ARN pattern `narrower` accepts.
 *
 * A trust policy may itself use wildcards in `aws:SourceArn` (`ArnLike` and `ArnEquals` both allow
 * them), so an observed value is accepted only when an allowed pattern covers all the ARNs it could
 * stand for. A `*` in `narrower` must be met by a `*` in `pattern`, and a `?` by a `?` or `*`. The
 * check is conservative: it may reject a rare pattern pair whose languages are in fact nested, but it
 * never accepts one that is broader.
 */
export function arnPatternCovers(pattern: string, narrower: string): boolean {
  return matchArnParts(pattern, narrower, true);
}

/**
 * Tests an action name against an action pattern such as `sts:Assume*`. Both the service prefix and
 * the action name are case-insensitive (IAM User Guide, "IAM JSON policy elements: Action").
 */
export function actionMatches(pattern: string, action: string): boolean {
  return matchWildcard(pattern.toLowerCase(), action.toLowerCase(), false);
}

function matchArnParts(pattern: string, value: string, valueHasWildcards: boolean): boolean {
  const patternParts = splitArn(pattern);
  const valueParts = splitArn(value);
  if (patternParts === undefined || valueParts === undefined) {
    return false;
  }

  return patternParts.every((part, index) => matchWildcard(part, valueParts[index]!, valueHasWildcards));
}

/** Splits an ARN at its first five colons, or returns undefined when it has fewer. */
function splitArn(arn: string): string[] | undefined {
  const parts: string[] = [];
  let start = 0;
  for (let index = 0; index < ARN_PART_COUNT - 1; index++) {
    const colon = arn.indexOf(':', start);
    if (colon === -1) {
      return undefined;
    }
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/**
 * Matches `pattern` against `value` with dynamic programming over prefixes, so the cost is
 * O(pattern length x value length) whatever the number of `*`s. When `valueHasWildcards` is set,
 * `*` and `?` in the value are wildcards too, and the pattern must cover them (see `arnPatternCovers`).
 */
function matchWildcard(pattern: string, value: string, valueHasWildcards: boolean): boolean {
  // Code points, not UTF-16 units, so that `?` stands for one character.
  const valueChars = Array.from(value);

  // matched[j] is true when the pattern prefix processed so far matches the first j value characters.
  let matched: boolean[] = new Array<boolean>(valueChars.length + 1).fill(false);
  matched[0] = true;

  for (const patternChar of pattern) {
    const next = new Array<boolean>(valueChars.length + 1).fill(false);

    if (patternChar === '*') {
      next[0] = matched[0]!;
      for (let j = 1; j <= valueChars.length; j++) {
        next[j] = matched[j]! || next[j - 1]!;
      }
    } else {
      for (let j = 1; j <= valueChars.length; j++) {
        next[j] = matched[j - 1]! && charAccepts(patternChar, valueChars[j - 1]!, valueHasWildcards);
      }
    }

    matched = next;
  }

  return matched[valueChars.length]!;
}

function charAccepts(patternChar: string, valueChar: string, valueHasWildcards: boolean): boolean {
  const valueIsWildcard = valueHasWildcards && (valueChar === '*' || valueChar === '?');
  if (patternChar === '?') {
    // A `?` stands for one character, so it cannot cover a `*` that may stand for many.
    return !(valueHasWildcards && valueChar === '*');
  }
  return !valueIsWildcard && patternChar === valueChar;
}
