/**
 * Avoids reading account tags when they cannot change the result. Organizations' rate limits are low
 * (the scan paces its calls at `--organizations-rate`), so one `ListTagsForResource` per account is
 * the slowest part of a large audit whose config has tag overrides.
 */
import { resolveDesiredRole, type AccountFacts, type DesiredStateConfig } from '../config/index.js';
import { evaluateRole } from '../evaluate/index.js';
import type { DesiredRole, Finding, ObservedRole } from '../model.js';

/** Beyond this many tag overrides, trying every combination costs more than reading the tags. */
export const MAX_TAG_OVERRIDES_TRIED = 4;

export interface TagFreeEvaluation {
  desired: DesiredRole;
  findings: Finding[];
}

/**
 * Evaluates the role under every combination of the config's tag overrides matching or not. When all
 * combinations give the same findings, the tags cannot change them, so they are returned. Otherwise it
 * returns undefined and the caller reads the tags. This is only for audits, because a fix also needs
 * the exact desired state (the policies a created role gets), which the tags decide.
 */
export function evaluateWithoutTags(
  config: DesiredStateConfig,
  account: Omit<AccountFacts, 'tags' | 'assumeTagMatch'>,
  observed: ObservedRole | undefined,
  context: { partition: string; region: string },
): TagFreeEvaluation | undefined {
  const tagOverrides = config.overrides.flatMap((override, index) => (override.match.tags ? [index] : []));
  if (tagOverrides.length > MAX_TAG_OVERRIDES_TRIED) return undefined;

  let first: (TagFreeEvaluation & { key: string }) | undefined;
  for (let combination = 0; combination < 2 ** tagOverrides.length; combination += 1) {
    const matching = new Set(tagOverrides.filter((_, bit) => (combination >> bit) & 1));
    const desired = resolveDesiredRole(config, { ...account, assumeTagMatch: (index) => matching.has(index) }, context);
    const findings = evaluateRole(desired, observed, { accountId: account.id, partition: context.partition });
    const key = JSON.stringify(findings);
    if (first === undefined) {
      first = { desired, findings, key };
    } else if (key !== first.key) {
      return undefined;
    }
  }
  return first && { desired: first.desired, findings: first.findings };
}
