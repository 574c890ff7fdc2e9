import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrgFile, startEmulator, type Emulator } from '../../src/emulator/index.js';
import type { AccountResult } from '../../src/model.js';
import { DEMO_ORG, scanEmulator, type ScanRun } from '../_helpers/scan-harness.js';

/** What each demo account is there to show: its status and its findings, advisories marked `~`. */
const EXPECTED: Record<string, { status: AccountResult['status']; findings: string[] }> = {
  '101010101010': { status: 'skipped', findings: [] },
  '111111111111': { status: 'compliant', findings: ['~TRUST_HARDENING_MISSING'] },
  '121212121212': { status: 'noncompliant', findings: ['~TRUST_HARDENING_MISSING', 'MANAGED_POLICY_MISSING'] },
  '131313131313': { status: 'compliant', findings: ['~TRUST_HARDENING_MISSING'] },
  '141414141414': { status: 'noncompliant', findings: ['POLICY_DOCUMENT_UNPARSEABLE', 'TRUST_STATEMENT_EXTRA'] },
  '222222222222': { status: 'compliant', findings: [] },
  '333333333333': { status: 'compliant', findings: ['~TRUST_HARDENING_MISSING'] },
  '444444444444': { status: 'noncompliant', findings: ['ROLE_MISSING'] },
  '555555555555': { status: 'noncompliant', findings: ['TRUST_PRINCIPAL_EXTRA', 'TRUST_CONDITION_MISMATCH'] },
  '666666666666': {
    status: 'noncompliant',
    findings: [
      '~TRUST_HARDENING_MISSING',
      'MANAGED_POLICY_MISSING',
      'MANAGED_POLICY_DEPRECATED',
      'MANAGED_POLICY_UNEXPECTED',
    ],
  },
  '777777777777': {
    status: 'noncompliant',
    findings: ['ROLE_PATH_MISMATCH', '~TRUST_HARDENING_MISSING', 'TRUST_VERSION_MISSING', 'INLINE_POLICY_PRESENT'],
  },
  '999999999999': { status: 'error', findings: [] },
};

describe('scan of the demo organization', () => {
  let emulator: Emulator;
  let run: ScanRun;

  beforeAll(async () => {
    emulator = await startEmulator({ org: await loadOrgFile(DEMO_ORG) });
    run = await scanEmulator(emulator, { withOuPaths: true });
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it.each(Object.entries(EXPECTED))('assesses account %s as designed', (accountId, expected) => {
    const account = run.report.accounts.find((a) => a.accountId === accountId);
    expect(account?.status).toBe(expected.status);
    expect(account?.findings.map((f) => `${f.advisory ? '~' : ''}${f.code}`)).toEqual(expected.findings);
  });

  it('lists every account once, sorted by id', () => {
    const ids = run.report.accounts.map((a) => a.accountId);
    expect(ids).toEqual(Object.keys(EXPECTED).sort());
  });

  it('exits 2 because one account could not be assessed', () => {
    expect(run.report.exitCode).toBe(2);
    expect(run.report.complete).toBe(true);
  });

  it('records the AccessDenied account with its role ARN and request id', () => {
    const account = run.report.accounts.find((a) => a.accountId === '999999999999');
    expect(account?.error).toMatchObject({
      code: 'ASSUME_ROLE_FAILED',
      awsErrorCode: 'AccessDenied',
      stage: 'credentials',
      httpStatus: 403,
      roleArn: 'arn:aws:iam::999999999999:role/OrganizationAccountAccessRole',
    });
    expect(account?.error?.awsRequestId).toMatch(/\S+/);
  });

  it('reads the management account with the base credentials', () => {
    const account = run.report.accounts.find((a) => a.accountId === '111111111111');
    expect(account?.accessRoleArn).toBeUndefined();
    expect(account?.apiCalls['STS:AssumeRole']).toBeUndefined();
  });

  it('costs no STS call for the suspended account', () => {
    const suspended = run.report.accounts.find((a) => a.accountId === '101010101010');
    expect(suspended?.skipReason).toContain('SUSPENDED');
    expect(emulator.callCount({ service: 'sts', operation: 'AssumeRole', accountId: '101010101010' })).toBe(0);
  });

  it('counts every call of a member account', () => {
    const account = run.report.accounts.find((a) => a.accountId === '222222222222');
    // The fifth call reads the account's tags: a tag override of the default config decides whether
    // the directory policy, which this account lacks, is required.
    expect(account?.apiCalls).toEqual({
      'STS:AssumeRole': 1,
      'IAM:GetRole': 1,
      'IAM:ListAttachedRolePolicies': 1,
      'IAM:ListRolePolicies': 1,
      'Organizations:ListTagsForResource': 1,
    });
  });

  it('reads tags only where a tag override decides a finding', () => {
    // Ten accounts are assessed. 444444444444 has no role, so its finding is ROLE_MISSING whatever
    // its tags are. Each of the others lacks a policy that a tag override would make required.
    expect(emulator.callCount({ service: 'organizations', operation: 'ListTagsForResource' })).toBe(9);
  });

  it('shows OU paths', () => {
    const account = run.report.accounts.find((a) => a.accountId === '121212121212');
    expect(account?.ouPath.map((ou) => ou.name)).toEqual(['Root', 'Workloads', 'Prod']);
  });

  it('keeps a percent sequence inside a policy after one decode', () => {
    const account = run.report.accounts.find((a) => a.accountId === '777777777777');
    const inline = account?.findings.find((f) => f.code === 'INLINE_POLICY_PRESENT');
    expect(JSON.stringify(inline?.actual)).toContain('arn:aws:s3:::legacy-ssm-output/run%2Fcommand/*');
  });

  it('writes consistent JSON and Markdown reports', async () => {
    const json = JSON.parse(await readFile(run.paths.latestJsonPath, 'utf8'));
    expect(json.runId).toBe(run.report.runId);
    expect(json.counts.byStatus).toMatchObject({ compliant: 4, noncompliant: 6, error: 1, skipped: 1, remediated: 0 });

    const markdown = await readFile(run.paths.latestMarkdownPath, 'utf8');
    expect(markdown).toContain(run.report.runId);
    for (const id of ['555555555555', '999999999999', '101010101010']) expect(markdown).toContain(id);
    expect(markdown).toContain('```diff');
  });

  it('logs one line per account result', () => {
    const perAccount = run.logs.lines().filter((line) => typeof line['accountId'] === 'string' && 'status' in line);
    expect(perAccount).toHaveLength(Object.keys(EXPECTED).length);
    const failed = perAccount.find((line) => line['accountId'] === '999999999999');
    expect(failed).toMatchObject({ level: 50, roleArn: 'arn:aws:iam::999999999999:role/OrganizationAccountAccessRole' });
  });
});
