/** The desired-state config: loading, validation, per-account resolution and its JSON Schema. */
export { loadConfig, parseConfig, type LoadedConfig } from './parse.js';
export {
  configNeedsOrganizationalUnits,
  configNeedsTags,
  overrideMatches,
  overridesMatchingNothing,
  resolveDesiredRole,
  type AccountFacts,
  type ResolveContext,
} from './resolve.js';
export {
  desiredStateSchema,
  type AccountMatch,
  type DesiredStateConfig,
  type ManagedPolicyRuleConfig,
  type OverrideConfig,
} from './schema.js';
export { buildDesiredStateJsonSchema, JSON_SCHEMA_PATH, renderDesiredStateJsonSchema } from './json-schema.js';
export { formatPath } from './problems.js';
