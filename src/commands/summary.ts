/**
 * The short text a scan prints on stdout: the counts, the fix outcome and the report paths.
 */
import { describeExitCode } from '../exit-codes.js';
import type { RunReport } from '../model.js';
import type { ReportPaths } from '../report/index.js';

export function printSummary(out: NodeJS.WritableStream, report: RunReport, paths: ReportPaths): void {
  const { byStatus } = report.counts;
  const parts = [
    `compliant ${byStatus.compliant}`,
    `noncompliant ${byStatus.noncompliant}`,
    `not assessed ${byStatus.error}`,
    `skipped ${byStatus.skipped}`,
  ];
  if (report.remediation) {
    parts.push(
      `planned ${byStatus.planned}`,
      `remediated ${byStatus.remediated}`,
      `remediation failed ${byStatus.remediation_failed}`,
    );
  }
  const lines = [`Accounts: ${report.counts.accounts} (${parts.join(', ')})`];

  const findings = Object.entries(report.counts.byFinding).sort(([a], [b]) => a.localeCompare(b));
  if (findings.length > 0) {
    lines.push(`Findings: ${findings.map(([code, count]) => `${code} ${count}`).join(', ')}`);
  }
  lines.push(`AWS calls: ${report.apiCalls.total} (retries ${report.apiCalls.retries})`);

  const fix = report.remediation;
  if (fix) {
    lines.push(
      `Fix${fix.dryRun ? ' (dry run, nothing written)' : ''}: ${fix.actionsPlanned} action(s) planned in ` +
        `${fix.accountsToChange} account(s)`,
    );
    if (fix.aborted) lines.push(`NO CHANGE MADE: ${fix.aborted}`);
    if (fix.journalPath) lines.push(`Journal: ${fix.journalPath}`, `Undo with: ${fix.rollbackCommand ?? ''}`);
  }

  if (!report.complete) lines.push(`INCOMPLETE: ${report.incompleteReason ?? 'the run stopped early'}`);
  lines.push(`JSON report: ${paths.jsonPath}`, `Markdown report: ${paths.markdownPath}`);
  lines.push(`Exit code ${report.exitCode}: ${describeExitCode(report.exitCode)}`);
  out.write(`${lines.join('\n')}\n`);
}
