export { evaluateRole, type EvaluationContext } from './evaluate-role.js';
export { FINDING_CATALOG, FINDING_CODE_ORDER, createFinding, type FindingCatalogEntry } from './catalog.js';
export { evaluateInlinePolicies, evaluateManagedPolicies } from './permissions.js';
export { evaluateTrustPolicy } from './trust.js';
