export { decodePolicyDocument } from './decode.js';
export {
  INVALID_ELEMENT_KEY,
  canonicalDocument,
  canonicalJson,
  normalizePolicy,
  normalizeStatementsInOrder,
  policiesEquivalent,
  statementSortKey,
  type ConditionMap,
  type NormalizedPolicy,
  type NormalizedStatement,
  type PrincipalMap,
} from './normalize.js';
export { actionMatches, arnMatches, arnPatternCovers } from './wildcard.js';
