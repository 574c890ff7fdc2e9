import { createHash } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { loadConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { VALID_CONFIG_YAML } from './helpers.js';

let directory: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'ssm-role-audit-config-'));
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function loadError(path: string): Promise<ConfigError> {
  const error: unknown = await loadConfig(path).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

describe('loadConfig', () => {
  it('returns the config, path and SHA-256 of the bytes', async () => {
    const path = join(directory, 'desired-state.yaml');
    await writeFile(path, VALID_CONFIG_YAML);

    const loaded = await loadConfig(path);

    expect(loaded.path).toBe(path);
    expect(loaded.sha256).toBe(createHash('sha256').update(VALID_CONFIG_YAML).digest('hex'));
    expect(loaded.config.role.name).toBe('SSMServiceRole');
  });

  it('reads a JSON file', async () => {
    const path = join(directory, 'desired-state.json');
    const json = JSON.stringify({
      version: 1,
      role: {
        name: 'HybridRole',
        managedPolicies: [{ arn: 'arn:${Partition}:iam::aws:policy/AmazonSSMManagedInstanceCore', requirement: 'required' }],
      },
    });
    await writeFile(path, json);

    const loaded = await loadConfig(path);

    expect(loaded.config.role.name).toBe('HybridRole');
  });

  it('rejects a missing file', async () => {
    const path = join(directory, 'missing.yaml');

    const error = await loadError(path);

    expect(error.configPath).toBe(path);
    expect(error.problems).toEqual([{ path: '', message: `config file not found (looked for ${path})` }]);
    expect(error.remedy).toContain('--config');
  });

  it('names the absolute path of a relative config', async () => {
    const error = await loadError('no-such-folder/desired-state.yaml');

    expect(error.problems[0]?.message).toBe(
      `config file not found (looked for ${join(process.cwd(), 'no-such-folder/desired-state.yaml')})`,
    );
  });

  it('rejects a directory', async () => {
    const error = await loadError(directory);

    expect(error.problems[0]?.message).toBe(`the config path is a directory; pass the path of a file (looked for ${directory})`);
  });

  it('rejects bytes that are not UTF-8', async () => {
    const path = join(directory, 'latin1.yaml');
    await writeFile(path, Buffer.from([0x76, 0x65, 0x72, 0x3a, 0x20, 0xe9, 0x0a]));

    const error = await loadError(path);

    expect(error.problems[0]?.message).toBe('the file is not UTF-8 text; save it as UTF-8');
  });

  it('names the file in validation errors', async () => {
    const path = join(directory, 'invalid.yaml');
    await writeFile(path, VALID_CONFIG_YAML.replace('version: 1', 'version: 3'));

    const error = await loadError(path);

    expect(error.message).toContain(`Invalid config ${path}: version: unsupported version number 3`);
  });
});
