import { describe, expect, it } from 'vitest';

import { AuditError } from '../../src/errors.js';
import { renderMarkdownReport } from '../../src/report/index.js';
import { sampleReport } from './fixtures.js';
import { allTables, tableAfterHeader } from './markdown-tables.js';

describe('renderMarkdownReport', () => {
  it('shows the counts per status', () => {
    const rows = tableAfterHeader(renderMarkdownReport(sampleReport()), 'Status');

    expect(rows).toEqual([
      ['Compliant', '1'],
      ['Noncompliant', '1'],
      ['Not assessed (error)', '1'],
      ['Skipped', '1'],
      ['**Total**', '**4**'],
    ]);
  });

  it('shows the counts per finding code with severity', () => {
    const rows = tableAfterHeader(renderMarkdownReport(sampleReport()), 'Finding');

    expect(rows).toEqual([
      ['`TRUST_PRINCIPAL_EXTRA`', 'high', '1'],
      ['`TRUST_HARDENING_MISSING`', 'low', '1'],
      ['`MANAGED_POLICY_MISSING`', 'high', '1'],
      ['`MANAGED_POLICY_DEPRECATED`', 'medium', '1'],
      ['`INLINE_POLICY_PRESENT`', 'medium', '1'],
    ]);
  });

  it('lists every severity a finding code has', () => {
    const report = sampleReport();
    const compliant = report.accounts.find((account) => account.status === 'compliant')!;
    compliant.findings.push({ ...compliant.findings[0]!, severity: 'high' });
    report.counts.byFinding.TRUST_HARDENING_MISSING = 2;

    const rows = tableAfterHeader(renderMarkdownReport(report), 'Finding');

    expect(rows).toContainEqual(['`TRUST_HARDENING_MISSING`', 'high, low', '2']);
  });

  it('shows finding titles when given', () => {
    const markdown = renderMarkdownReport(sampleReport(), {
      findingTitles: { TRUST_PRINCIPAL_EXTRA: 'Trust policy allows another principal' },
    });

    const rows = tableAfterHeader(markdown, 'Finding');

    expect(rows[0]).toEqual(['`TRUST_PRINCIPAL_EXTRA`', 'Trust policy allows another principal', 'high', '1']);
    expect(rows[1]).toEqual(['`TRUST_HARDENING_MISSING`', '—', 'low', '1']);
  });

  it('says there are no findings', () => {
    const report = sampleReport();
    report.counts.byFinding = {};

    expect(renderMarkdownReport(report)).toContain('\nNo findings.\n');
  });

  it('shows the run metadata', () => {
    const rows = new Map(
      tableAfterHeader(renderMarkdownReport(sampleReport()), 'Field').map(([field, value]) => [field, value]),
    );

    expect(rows.get('Run id')).toBe('`20261204T192000Z-a1b2c3`');
    expect(rows.get('Duration')).toBe('1 min 23 s');
    expect(rows.get('Caller')).toBe('`arn:aws:sts::999999999999:assumed-role/AuditRole/ssm-role-audit`');
    expect(rows.get('Organization')).toBe('`o-exampleorg1`');
    expect(rows.get('Management account')).toBe('`999999999999`');
    expect(rows.get('Config SHA-256')).toBe('`9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`');
    expect(rows.get('Excluded accounts')).toBe('`555555555555`');
    expect(rows.get('Accounts filter')).toBe('all accounts');
    expect(rows.get('Complete')).toBe('yes');
    expect(rows.get('Exit code')).toBe('`2`: at least one in-scope account could not be assessed');
  });

  it('marks an incomplete run', () => {
    const report = sampleReport();
    report.complete = false;
    report.incompleteReason = 'Listing the organization failed: TooManyRequestsException';
    report.exitCode = 3;

    const markdown = renderMarkdownReport(report);
    const rows = new Map(tableAfterHeader(markdown, 'Field').map(([field, value]) => [field, value]));

    expect(markdown).toContain('> **Incomplete run:** Listing the organization failed: TooManyRequestsException.');
    expect(rows.get('Complete')).toBe('no: Listing the organization failed: TooManyRequestsException');
    expect(rows.get('Exit code')).toBe(
      '`3`: invalid usage or config, or the organization could not be enumerated',
    );
  });

  it('lists the findings of a noncompliant account', () => {
    const markdown = renderMarkdownReport(sampleReport());
    const rows = tableAfterHeader(markdown, '#');

    expect(markdown).toContain('### `222222222222` payments \\| prod\n');
    expect(rows.map((row) => row[2])).toEqual([
      '`TRUST_PRINCIPAL_EXTRA`',
      '`MANAGED_POLICY_DEPRECATED`',
      '`MANAGED_POLICY_MISSING`',
      '`INLINE_POLICY_PRESENT`',
    ]);
    expect(rows[1]).toEqual([
      '2',
      'medium',
      '`MANAGED_POLICY_DEPRECATED`',
      '`arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM`',
      'The deprecated managed policy AmazonEC2RoleforSSM is attached; AmazonSSMManagedInstanceCore replaces it.',
      '`arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`',
      '`arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM`',
      'yes',
    ]);
    expect(rows[2]?.[6]).toBe('—');
    expect(rows[0]?.[5]).toBe('see diff below');
  });

  it('shows a trust policy diff with key order ignored', () => {
    const markdown = renderMarkdownReport(sampleReport());
    const diffBlock = markdown.slice(markdown.indexOf('```diff\n'), markdown.indexOf('```\n', markdown.indexOf('```diff\n') + 1));
    const lines = diffBlock.split('\n');

    expect(markdown).toContain('**Finding 1: `TRUST_PRINCIPAL_EXTRA` on trust policy**');
    expect(lines).toContain('--- expected');
    expect(lines).toContain('+++ actual');
    expect(lines).toContain('-        "Service": "ssm.amazonaws.com"');
    expect(lines).toContain('+        "Service": [');
    expect(lines).toContain('+          "ec2.amazonaws.com",');
    // Both documents have the same keys in different orders; sorting makes those lines context.
    expect(lines).toContain('       "Action": "sts:AssumeRole",');
    expect(lines).toContain('   "Version": "2012-10-17"');
  });

  it('shows a long value as a diff', () => {
    const markdown = renderMarkdownReport(sampleReport());

    expect(markdown).toContain('**Finding 4: `INLINE_POLICY_PRESENT` on run-command-output**');
    expect(markdown).toContain('+      "Resource": "arn:aws:s3:::payments-run-command-output/*"\n');
  });

  it('shows a multi-line text value as a diff', () => {
    const report = sampleReport();
    const noncompliant = report.accounts.find((account) => account.status === 'noncompliant')!;
    noncompliant.findings.push({
      code: 'POLICY_DOCUMENT_UNPARSEABLE',
      severity: 'high',
      message: 'The inline policy legacy is not valid JSON.',
      subject: 'legacy',
      actual: '{\n  "Version": "2012-10-17",\n',
      fixable: false,
    });

    const markdown = renderMarkdownReport(report);

    expect(tableAfterHeader(markdown, '#')[4]?.[6]).toBe('see diff below');
    expect(markdown).toContain('**Finding 5: `POLICY_DOCUMENT_UNPARSEABLE` on legacy**');
    expect(markdown).toContain('@@ -0,0 +1,2 @@\n+{\n+  "Version": "2012-10-17",\n```');
  });

  it('shows the accounts not assessed', () => {
    const rows = tableAfterHeader(renderMarkdownReport(sampleReport()), 'Account');

    expect(rows).toEqual([
      [
        '`333333333333`',
        'sandbox',
        'credentials',
        '`ASSUME_ROLE_FAILED`',
        '`AccessDenied`',
        '`5f1c2e3a-8b9d-4c6e-a7f0-123456789abc`',
        '`arn:aws:iam::333333333333:role/OrganizationAccountAccessRole`',
        'User arn:aws:sts::999999999999:assumed-role/AuditRole/ssm-role-audit is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::333333333333:role/OrganizationAccountAccessRole',
      ],
    ]);
  });

  it('shows the skipped accounts', () => {
    const markdown = renderMarkdownReport(sampleReport());
    const skipped = markdown.slice(markdown.indexOf('## Skipped accounts'));

    expect(tableAfterHeader(skipped, 'Account')).toEqual([
      ['`444444444444`', 'old-analytics', '`SUSPENDED`', 'Account state is SUSPENDED; only ACTIVE accounts can be assessed.'],
    ]);
  });

  it('lists compliant accounts with advisories', () => {
    const markdown = renderMarkdownReport(sampleReport());

    expect(markdown).toContain(
      '## Compliant accounts (1)\n\n- `111111111111` shared-services\n' +
        '  - low `TRUST_HARDENING_MISSING` on trust policy: The trust policy has no aws:SourceAccount',
    );
  });

  it('ends with the command to reproduce', () => {
    const markdown = renderMarkdownReport(sampleReport());

    expect(markdown.endsWith(
      '## How to reproduce\n\n' +
        'Run the same scan again with the config file whose SHA-256 is ' +
        '`9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08`:\n\n' +
        '```sh\nssm-role-audit scan --config config/desired-state.yaml --region eu-west-1 --exclude-accounts 555555555555\n```\n',
    )).toBe(true);
  });

  it('orders sections and accounts by id', () => {
    const report = sampleReport();
    const second = structuredClone(report.accounts.find((account) => account.status === 'noncompliant')!);
    second.accountId = '200000000000';
    second.accountName = 'billing';
    report.accounts.push(second);

    const markdown = renderMarkdownReport(report);
    const headings = markdown.split('\n').filter((line) => line.startsWith('#'));

    expect(headings).toEqual([
      '# SSM service role audit',
      '## Run',
      '## Summary',
      '## Noncompliant accounts (2)',
      '### `200000000000` billing',
      '### `222222222222` payments \\| prod',
      '## Accounts not assessed (1)',
      '## Skipped accounts (1)',
      '## Compliant accounts (1)',
      '## How to reproduce',
    ]);
  });

  it('escapes pipes and line breaks in cells', () => {
    const report = sampleReport();
    const failed = report.accounts.find((account) => account.status === 'error')!;
    failed.accountName = 'sandbox | test';
    failed.error!.message = 'first line\nsecond | line';

    const rows = tableAfterHeader(renderMarkdownReport(report), 'Account');

    expect(rows[0]?.[1]).toBe('sandbox \\| test');
    expect(rows[0]?.[7]).toBe('first line<br>second \\| line');
  });

  it('keeps every table row as wide as its header', () => {
    const report = sampleReport();
    for (const account of report.accounts) {
      account.accountName = `a|b\n*c* <d> [e]`;
    }
    const noncompliant = report.accounts.find((account) => account.status === 'noncompliant')!;
    noncompliant.findings[1]!.subject = 'x|y';
    noncompliant.findings[1]!.expected = 'a`|`b';
    report.accounts.find((account) => account.status === 'error')!.error!.awsRequestId = 'id|1';

    const tables = allTables(renderMarkdownReport(report));

    expect(tables.length).toBe(6);
    for (const table of tables) {
      for (const row of table.rows) {
        expect(row).toHaveLength(table.headers.length);
      }
    }
  });

  it('shows an empty account name as unknown', () => {
    const report = sampleReport();
    report.accounts.find((account) => account.status === 'error')!.accountName = '';

    const rows = tableAfterHeader(renderMarkdownReport(report), 'Account');

    expect(rows[0]?.[1]).toBe('(name unknown)');
  });

  it('says None for empty sections', () => {
    const report = sampleReport();
    report.accounts = report.accounts.filter((account) => account.status === 'compliant');

    const markdown = renderMarkdownReport(report);

    expect(markdown).toContain('## Noncompliant accounts (0)\n\nNone.\n');
    expect(markdown).toContain('## Accounts not assessed (0)\n\nNone.\n');
    expect(markdown).toContain('## Skipped accounts (0)\n\nNone.\n');
  });

  it('renders the same text twice', () => {
    const first = renderMarkdownReport(sampleReport());
    const second = renderMarkdownReport(sampleReport());

    expect(second).toBe(first);
  });

  it('renders the same text for any account order', () => {
    const reversed = sampleReport();
    reversed.accounts.reverse();

    expect(renderMarkdownReport(reversed)).toBe(renderMarkdownReport(sampleReport()));
  });

  it('rejects a report with a planted session token', () => {
    const report = sampleReport();
    report.accounts[0]!.accountName = 'SessionToken=FwoGZXIvYXdzEJr';

    expect(() => renderMarkdownReport(report)).toThrow(AuditError);
    expect(() => renderMarkdownReport(report)).toThrow(/session token/);
  });
});
