import { describe, expect, it } from 'vitest';

import { describeExitCode } from '../../src/exit-codes.js';
import type { RunReport } from '../../src/model.js';
import { renderMarkdownReport } from '../../src/report/index.js';
import {
  ABORTED_REASON,
  abortedFixReport,
  appliedFixReport,
  dryRunReport,
  FAILED_REQUEST_ID,
  JOURNAL_PATH,
  ROLLBACK_COMMAND,
} from './fix-fixtures.js';
import { sampleReport } from './fixtures.js';
import { allTables, tableAfterHeader } from './markdown-tables.js';

/** Returns the text of one `### ` account subsection inside the `## ` section that starts with `sectionHeading`. */
function accountSection(markdown: string, sectionHeading: string, accountId: string): string {
  const sectionStart = markdown.indexOf(`\n${sectionHeading}`);
  expect(sectionStart).toBeGreaterThan(-1);
  const sectionEnd = markdown.indexOf('\n## ', sectionStart + 1);
  const section = markdown.slice(sectionStart, sectionEnd === -1 ? undefined : sectionEnd);

  const start = section.indexOf(`\n### \`${accountId}\``);
  expect(start).toBeGreaterThan(-1);
  const end = section.indexOf('\n### ', start + 1);
  return section.slice(start, end === -1 ? undefined : end);
}

function runRows(report: RunReport): Map<string, string> {
  return new Map(tableAfterHeader(renderMarkdownReport(report), 'Field').map(([field, value]) => [field!, value!]));
}

/** Returns the lines of the first diff block after `heading`. */
function diffAfter(text: string, heading: string): string[] {
  const headingAt = text.indexOf(heading);
  expect(headingAt).toBeGreaterThan(-1);
  const start = text.indexOf('```diff\n', headingAt);
  const end = text.indexOf('\n```', start + 1);
  return text.slice(start, end).split('\n');
}

describe('renderMarkdownReport for an applied fix', () => {
  it('titles the report as a fix', () => {
    const markdown = renderMarkdownReport(appliedFixReport());

    expect(markdown.startsWith('# SSM service role fix\n\n')).toBe(true);
    expect(markdown).toContain(
      'Fix of the IAM role `SSMServiceRole` in 6 accounts of organization `o-exampleorg1`: 1 remediated, ' +
        '1 remediation failed, 1 noncompliant, 1 not assessed, 1 skipped, 1 compliant.\n',
    );
  });

  it('shows the fix settings in the run table', () => {
    const rows = runRows(appliedFixReport());

    expect(rows.get('Mode')).toBe('fix');
    expect(rows.get('Dry run')).toBe('no');
    expect(rows.get('Max accounts changed')).toBe('25');
    expect(rows.get('Accounts to change')).toBe('3');
    expect(rows.get('Actions planned')).toBe('7');
    expect(rows.get('Stopped before any write')).toBe('no');
    expect(rows.get('Journal')).toBe(`\`${JOURNAL_PATH}\``);
    expect(rows.get('Rollback command')).toBe('below this table');
  });

  it('shows the rollback command as a shell block', () => {
    const markdown = renderMarkdownReport(appliedFixReport());

    expect(markdown).toContain(`\n\n\`\`\`sh\n${ROLLBACK_COMMAND}\n\`\`\`\n\n## Summary\n`);
  });

  it('counts the fix statuses in the summary', () => {
    const rows = tableAfterHeader(renderMarkdownReport(appliedFixReport()), 'Status');

    expect(rows).toEqual([
      ['Compliant', '1'],
      ['Noncompliant', '1'],
      ['Not assessed (error)', '1'],
      ['Skipped', '1'],
      ['Remediated', '1'],
      ['Remediation failed', '1'],
      ['**Total**', '**6**'],
    ]);
  });

  it('orders the sections with remediation first', () => {
    const headings = renderMarkdownReport(appliedFixReport())
      .split('\n')
      .filter((line) => line.startsWith('#'));

    expect(headings).toEqual([
      '# SSM service role fix',
      '## Run',
      '## Summary',
      '## Remediation (3)',
      '### `222222222222` payments \\| prod',
      '### `666666666666` billing',
      '### `777777777777` legacy',
      '## Noncompliant accounts (2)',
      '### `666666666666` billing',
      '### `777777777777` legacy',
      '## Accounts not assessed (1)',
      '## Skipped accounts (1)',
      '## Compliant accounts (1)',
      '## How to reproduce',
    ]);
  });

  it('lists the applied actions in order', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '222222222222');
    const rows = tableAfterHeader(section, '#');

    expect(section).toContain('- Status: Remediated\n');
    expect(rows.map((row) => [row[0], row[1], row[5]])).toEqual([
      ['1', '`UpdateAssumeRolePolicy`', 'applied'],
      ['2', '`AttachRolePolicy`', 'applied'],
      ['3', '`DetachRolePolicy`', 'applied'],
    ]);
    expect(rows[1]).toEqual([
      '2',
      '`AttachRolePolicy`',
      '`arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`',
      '`MANAGED_POLICY_MISSING arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore`',
      'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore is required and not attached.',
      'applied',
      '—',
      '—',
    ]);
  });

  it('shows a failed action with its AWS error and request id', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '666666666666');
    const rows = tableAfterHeader(section, '#');

    expect(section).toContain('- Status: Remediation failed\n');
    expect(rows[1]?.[5]).toBe(
      '**failed**: AccessDenied: User: arn:aws:sts::666666666666:assumed-role/OrganizationAccountAccessRole/ssm-role-audit ' +
        'is not authorized to perform: iam:AttachRolePolicy on resource: role SSMServiceRole',
    );
    expect(rows[1]?.[6]).toBe('`AccessDenied`');
    expect(rows[1]?.[7]).toBe(`\`${FAILED_REQUEST_ID}\``);
  });

  it('shows a skipped action with its reason', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '666666666666');

    expect(tableAfterHeader(section, '#')[2]?.[5]).toBe(
      'skipped: AttachRolePolicy of arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore failed, so the later actions were not attempted.',
    );
  });

  it('diffs the trust policy before and after', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '222222222222');
    const lines = diffAfter(section, '**Action 1: `UpdateAssumeRolePolicy` on `arn:aws:iam::222222222222:role/SSMServiceRole`**');

    expect(lines).toContain('--- before');
    expect(lines).toContain('+++ after');
    expect(lines).toContain('-        "Service": [');
    expect(lines).toContain('-          "ec2.amazonaws.com",');
    expect(lines).toContain('+        "Service": "ssm.amazonaws.com"');
    // IAM's text had other key order and indentation; the canonical form makes those lines context.
    expect(lines).toContain('       "Action": "sts:AssumeRole",');
    expect(lines).toContain('   "Version": "2012-10-17"');
  });

  it('shows no diff for policy attachments', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '222222222222');

    expect(section).not.toContain('**Action 2:');
    expect(section).not.toContain('**Action 3:');
  });

  it('shows the document a deleted inline policy had', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '777777777777');
    const lines = diffAfter(section, '**Action 1: `DeleteRolePolicy` on `legacy-output`**');

    expect(lines).toContain('-      "Resource": "arn:aws:s3:::legacy-output/*"');
    expect(lines.filter((line) => line.startsWith('+') && !line.startsWith('+++'))).toEqual([]);
  });

  it('lists findings that need a person', () => {
    const section = accountSection(renderMarkdownReport(appliedFixReport()), '## Remediation', '777777777777');

    expect(section).toContain(
      '**Needs a person**, because no action fixes these findings:\n\n' +
        '- `ROLE_PATH_MISMATCH arn:aws:iam::777777777777:role/legacy/SSMServiceRole`\n',
    );
  });

  it('shows the verification and findings after the fix', () => {
    const markdown = renderMarkdownReport(appliedFixReport());
    const remediated = accountSection(markdown, '## Remediation', '222222222222');
    const failed = accountSection(markdown, '## Remediation', '666666666666');

    expect(remediated).toContain('- Verified: yes, the read-back after the fix found no fixable drift\n');
    expect(remediated).toContain(
      '**Findings after the fix**, read back from IAM after the last write:\n\n' +
        '- low `TRUST_HARDENING_MISSING` on trust policy: The trust policy has no aws:SourceAccount or ' +
        'aws:SourceArn condition against the confused-deputy problem. (advisory)',
    );
    expect(failed).toContain('- Verified: no, fixable drift remains or the read-back failed\n');
    expect(failed).toContain(
      '- high `MANAGED_POLICY_MISSING` on arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore: ' +
        'The required managed policy AmazonSSMManagedInstanceCore is not attached.\n',
    );
  });

  it('says when no finding is left after the fix', () => {
    const report = appliedFixReport();
    report.accounts.find((account) => account.accountId === '222222222222')!.remediation!.findingsAfter = [];

    const section = accountSection(renderMarkdownReport(report), '## Remediation', '222222222222');

    expect(section).toContain('**Findings after the fix**, read back from IAM after the last write:\n\nNone.');
  });

  it('keeps the findings table of a failed fix', () => {
    const markdown = renderMarkdownReport(appliedFixReport());
    const failed = accountSection(markdown, '## Noncompliant accounts', '666666666666');

    expect(markdown).toContain('## Noncompliant accounts (2)\n\nFindings as read before any write.');
    expect(failed).toContain('- Status: Remediation failed\n');
    expect(tableAfterHeader(failed, '#').map((row) => row[2])).toEqual([
      '`TRUST_PRINCIPAL_EXTRA`',
      '`MANAGED_POLICY_MISSING`',
      '`MANAGED_POLICY_DEPRECATED`',
    ]);
    expect(failed).toContain('**Finding 1: `TRUST_PRINCIPAL_EXTRA` on trust policy**');
  });

  it('leaves remediated accounts out of the findings', () => {
    const markdown = renderMarkdownReport(appliedFixReport());
    const findingsSection = markdown.slice(markdown.indexOf('## Noncompliant accounts'));

    expect(findingsSection).not.toContain('222222222222');
  });

  it('shows an unparseable document as text', () => {
    const report = appliedFixReport();
    const action = report.accounts.find((account) => account.accountId === '222222222222')!.remediation!.actions[0]!;
    action.before = '{"Version": "2012-10-17", "Statement": [';

    const section = accountSection(renderMarkdownReport(report), '## Remediation', '222222222222');
    const lines = diffAfter(section, '**Action 1:');

    expect(lines).toContain('-{"Version": "2012-10-17", "Statement": [');
    expect(lines).toContain('+  "Version": "2012-10-17"');
  });

  it('says when no write is planned', () => {
    const report = appliedFixReport();
    const account = report.accounts.find((candidate) => candidate.accountId === '777777777777')!;
    account.remediation!.actions = [];

    const section = accountSection(renderMarkdownReport(report), '## Remediation', '777777777777');

    expect(section).toContain('No IAM write is planned for this account.');
    expect(section).toContain('- Verified: yes');
  });

  it('keeps every table row as wide as its header', () => {
    const report = appliedFixReport();
    for (const account of report.accounts) {
      for (const action of account.remediation?.actions ?? []) {
        action.reason = 'a|b\nc';
        action.target = 'x|y';
      }
    }

    const tables = allTables(renderMarkdownReport(report));

    expect(tables.length).toBe(10);
    for (const table of tables) {
      for (const row of table.rows) {
        expect(row).toHaveLength(table.headers.length);
      }
    }
  });

  it('renders the same text for any account order', () => {
    const reversed = appliedFixReport();
    reversed.accounts.reverse();

    expect(renderMarkdownReport(reversed)).toBe(renderMarkdownReport(appliedFixReport()));
  });

  it('rejects a secret planted in an action document', () => {
    const report = appliedFixReport();
    report.accounts[0]!.remediation!.actions[0]!.before = '{"SessionToken": "FwoGZXIvYXdzEJr"}';

    expect(() => renderMarkdownReport(report)).toThrow(/session token/);
  });
});

describe('renderMarkdownReport for a dry run', () => {
  it('titles the report as a plan', () => {
    const markdown = renderMarkdownReport(dryRunReport());

    expect(markdown.startsWith('# SSM service role fix plan (dry run)\n\n')).toBe(true);
    expect(markdown).toContain(
      'Fix plan (dry run) for the IAM role `SSMServiceRole` in 6 accounts of organization `o-exampleorg1`: ' +
        '2 with changes planned, 1 noncompliant, 1 not assessed, 1 skipped, 1 compliant.\n',
    );
  });

  it('shows that nothing was written', () => {
    const markdown = renderMarkdownReport(dryRunReport());
    const rows = runRows(dryRunReport());

    expect(rows.get('Dry run')).toBe('yes: nothing was written');
    expect(rows.get('Journal')).toBe('—');
    expect(rows.get('Rollback command')).toBe('—');
    expect(markdown).not.toContain('To undo the IAM writes');
    expect(markdown).toContain('Nothing was written, because this is a dry run.');
  });

  it('counts planned accounts in the summary', () => {
    const rows = tableAfterHeader(renderMarkdownReport(dryRunReport()), 'Status');

    expect(rows).toContainEqual(['Changes planned (dry run)', '2']);
    expect(rows.map((row) => row[0])).not.toContain('Remediated');
    expect(rows.at(-1)).toEqual(['**Total**', '**6**']);
  });

  it('marks every action as planned', () => {
    const section = accountSection(renderMarkdownReport(dryRunReport()), '## Remediation', '666666666666');

    expect(section).toContain('- Status: Changes planned (dry run)\n');
    expect(section).toContain('- Verified: not checked (dry run)\n');
    expect(tableAfterHeader(section, '#').map((row) => row[5])).toEqual(['planned', 'planned', 'planned']);
    expect(section).not.toContain('**Findings after the fix**');
  });

  it('shows the planned trust policy diff', () => {
    const section = accountSection(renderMarkdownReport(dryRunReport()), '## Remediation', '222222222222');

    expect(diffAfter(section, '**Action 1: `UpdateAssumeRolePolicy`')).toContain('+        "Service": "ssm.amazonaws.com"');
  });

  it('lists planned accounts with their findings', () => {
    const markdown = renderMarkdownReport(dryRunReport());
    const planned = accountSection(markdown, '## Noncompliant accounts', '222222222222');

    expect(markdown).toContain('## Noncompliant accounts (3)');
    expect(planned).toContain('- Status: Changes planned (dry run)\n');
    expect(tableAfterHeader(planned, '#')).toHaveLength(3);
  });
});

describe('renderMarkdownReport for an aborted fix', () => {
  it('says prominently that no change was made', () => {
    const markdown = renderMarkdownReport(abortedFixReport());
    const title = markdown.slice(0, markdown.indexOf('## Run'));

    expect(title).toContain(
      '> **No change was made:** the run stopped before its first IAM write. The plan would change 3 accounts, ' +
        'more than --max-accounts-changed 2; nothing was written.',
    );
  });

  it('shows why the run stopped in the run table', () => {
    const rows = runRows(abortedFixReport());

    expect(rows.get('Stopped before any write')).toBe(`yes (\`max-accounts-changed\`): ${ABORTED_REASON}`);
    expect(rows.get('Max accounts changed')).toBe('2');
    expect(rows.get('Exit code')).toBe(`\`4\`: ${describeExitCode(4)}`);
  });

  it('marks the planned actions as not run', () => {
    const markdown = renderMarkdownReport(abortedFixReport());
    const section = accountSection(markdown, '## Remediation', '222222222222');

    expect(markdown).toContain('Nothing was written, because the run stopped before its first IAM write.');
    expect(section).toContain('- Status: Noncompliant\n');
    expect(section).toContain('- Verified: not checked, because no write was made\n');
    expect(tableAfterHeader(section, '#').map((row) => row[5])).toEqual(['not run', 'not run', 'not run']);
  });

  it('ends a reason without a full stop with one', () => {
    const report = abortedFixReport();
    report.remediation!.aborted = 'The plan was not confirmed';

    expect(renderMarkdownReport(report)).toContain('first IAM write. The plan was not confirmed.\n');
  });
});

describe('renderMarkdownReport for an audit', () => {
  it('has no remediation section or fix rows', () => {
    const markdown = renderMarkdownReport(sampleReport());
    const rows = runRows(sampleReport());

    expect(markdown).not.toContain('## Remediation');
    expect(markdown).not.toContain('- Status:');
    expect(rows.has('Dry run')).toBe(false);
    expect(rows.has('Journal')).toBe(false);
  });

  it('shows a fix status that occurs', () => {
    const report = sampleReport();
    report.counts.byStatus.remediated = 1;

    const rows = tableAfterHeader(renderMarkdownReport(report), 'Status');

    expect(rows).toContainEqual(['Remediated', '1']);
    expect(rows.map((row) => row[0])).not.toContain('Remediation failed');
  });
});
