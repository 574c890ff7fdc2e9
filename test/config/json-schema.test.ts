import { readFile } from 'node:fs/promises';

import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

import { buildDesiredStateJsonSchema, JSON_SCHEMA_PATH, renderDesiredStateJsonSchema } from '../../src/config/index.js';

const DEFAULT_CONFIG_PATH = 'config/desired-state.yaml';

/** Reads the pattern of a property from the generated schema, the way an editor would compile it. */
function patternAt(schema: Record<string, unknown>, ...keys: string[]): RegExp {
  let node: unknown = schema;
  for (const key of keys) {
    node = (node as Record<string, unknown>)[key];
  }
  return new RegExp((node as { pattern: string }).pattern, 'u');
}

describe('JSON Schema', () => {
  it('matches the committed file', async () => {
    const committed = await readFile(JSON_SCHEMA_PATH, 'utf8');

    // On failure, regenerate the file with `npm run schema`.
    expect(committed).toBe(renderDesiredStateJsonSchema());
  });

  it('uses draft-07 and rejects unknown keys', () => {
    const schema = buildDesiredStateJsonSchema();

    expect(schema['$schema']).toBe('http://json-schema.org/draft-07/schema#');
    expect(schema['additionalProperties']).toBe(false);
    expect(schema['required']).toEqual(['version', 'role']);
  });

  it('has an ARN pattern that accepts the default config', async () => {
    const schema = buildDesiredStateJsonSchema();
    const arnPattern = patternAt(schema, 'properties', 'role', 'properties', 'managedPolicies', 'items', 'properties', 'arn');
    const raw = parse(await readFile(DEFAULT_CONFIG_PATH, 'utf8')) as { role: { managedPolicies: { arn: string }[] } };

    for (const rule of raw.role.managedPolicies) {
      expect(rule.arn).toMatch(arnPattern);
    }
    expect('arn:aws:iam::aws:role/AmazonSSMManagedInstanceCore').not.toMatch(arnPattern);
  });
});
