/**
 * A local emulator of the parts of IAM, STS and AWS Organizations that ssm-role-audit uses. The real
 * AWS SDK v3 clients talk to it through their `endpoint` setting, with fake credentials from an org file.
 * It serves only 127.0.0.1.
 */
export { startEmulator } from './server.js';
export type { CallFilter, CallRecord, Emulator, EmulatorOptions } from './server.js';
export type { FaultRule } from './faults.js';
export { loadOrgFile, parseOrgDefinition } from './org-file.js';
export type {
  AccountDefinition,
  CallerDefinition,
  OrganizationalUnitDefinition,
  OrgDefinition,
  OrgDefinitionInput,
  RoleDefinition,
} from './org-file.js';
export { accountRootTrustPolicy, generateOrg, ssmTrustPolicy } from './generate.js';
export type { GenerateOrgOptions } from './generate.js';
export type { AccountSnapshot, EmulatorStateView, RoleSnapshot } from './state.js';
export type { ServiceName } from './protocol.js';
