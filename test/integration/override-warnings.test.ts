import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrgFile, startEmulator, type Emulator } from '../../src/emulator/index.js';
import { UsageError } from '../../src/errors.js';
import { DEFAULT_CONFIG, DEMO_ORG, scanEmulator, tempDir } from '../_helpers/scan-harness.js';

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });
});

afterAll(async () => {
  await emulator.close();
});

/** The default config plus an override for an OU the demo organization does not have. */
async function configWithMistypedOu(): Promise<string> {
  const text = await readFile(DEFAULT_CONFIG, 'utf8');
  const path = join(await tempDir(), 'desired-state.yaml');
  await writeFile(
    path,
    `${text}
  - description: Mistyped OU
    match:
      organizationalUnits: [ou-a1b2-99999999]
    managedPolicies:
      - arn: arn:\${Partition}:iam::aws:policy/CloudWatchAgentServerPolicy
        requirement: required
`,
  );
  return path;
}

describe('override warnings', () => {
  it('warns about an override that matches no account', async () => {
    const run = await scanEmulator(emulator, { configPath: await configWithMistypedOu() });

    expect(run.report.warnings).toHaveLength(1);
    expect(run.report.warnings?.[0]).toContain('overrides[2] ("Mistyped OU")');
    const logged = run.logs.lines().filter((line) => line['level'] === 40 && String(line['msg']).includes('Mistyped OU'));
    expect(logged).toHaveLength(1);
    const markdown = await readFile(run.paths.latestMarkdownPath, 'utf8');
    expect(markdown).toContain('**Warning:** Override overrides\\[2\\] ("Mistyped OU")');
  });

  it('does not warn when the scan is filtered', async () => {
    const run = await scanEmulator(emulator, { configPath: await configWithMistypedOu(), accounts: ['222222222222'] });

    expect(run.report.warnings).toBeUndefined();
  });

  it('rejects an --ou that is not in the organization', async () => {
    await expect(scanEmulator(emulator, { organizationalUnits: ['ou-a1b2-99999999'] })).rejects.toThrow(UsageError);
  });
});
