import { parse, stringify } from 'yaml';

import { ConfigError, type ValidationProblem } from '../../src/errors.js';
import { parseConfig } from '../../src/config/index.js';

/** A valid config in the shape a user writes it; tests copy it and break one thing. */
export const VALID_CONFIG_YAML = `
version: 1
role:
  name: SSMServiceRole
  path: /
  trustPolicy:
    servicePrincipal: ssm.amazonaws.com
    hardening: recommended
    sourceArnRegions: ["*"]
  managedPolicies:
    - arn: arn:\${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
      requirement: required
      description: Systems Manager core functionality
    - arn: arn:\${Partition}:iam::aws:policy/AmazonSSMDirectoryServiceAccess
      requirement: allowed
    - arn: arn:\${Partition}:iam::\${AccountId}:policy/SSMServiceRoleS3BucketAccess
      requirement: allowed
      description: Customer S3 bucket policy
    - arn: arn:\${Partition}:iam::aws:policy/service-role/AmazonEC2RoleforSSM
      requirement: deprecated
      replacedBy: arn:\${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore
  inlinePolicies: []
overrides:
  - description: VPC endpoint accounts
    match:
      tags: { "ssm:vpc-endpoints": "true" }
    managedPolicies:
      - arn: arn:\${Partition}:iam::\${AccountId}:policy/SSMServiceRoleS3BucketAccess
        requirement: required
`;

type Mutable = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Returns the valid config as plain data, changed by `edit`, rendered back to YAML. */
export function editedConfig(edit: (config: Mutable) => void): string {
  const config = parse(VALID_CONFIG_YAML) as Mutable;
  edit(config);
  return stringify(config);
}

/** Parses `text` and returns the problems of the ConfigError it must throw. */
export function problemsOf(text: string, sourceName = 'desired-state.yaml'): ValidationProblem[] {
  try {
    parseConfig(text, sourceName);
  } catch (error) {
    if (error instanceof ConfigError) {
      return error.problems;
    }
    throw error;
  }
  throw new Error('parseConfig accepted a config that should be invalid');
}
