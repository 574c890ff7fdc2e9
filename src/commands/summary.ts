/**
 * The short text a scan prints on stdout: where the reports are and what they say.
 */
import { describeExitCode } from '../exit-codes.js';
import type { RunReport } from '../model.js';
import type { ReportPaths } from '../report/index.js';

export function printSummary(out: NodeJS.WritableStream, report: RunReport, paths: ReportPaths): void {
  const { byStatus } = report.counts;
  const lines = [
    `Accounts: ${report.counts.accounts} (compliant ${byStatus.compliant}, noncompliant ${byStatus.noncompliant}, ` +
      `not assessed ${byStatus.error}, skipped ${byStatus.skipped})`,
  ];
  const findings = Object.entries(report.counts.byFinding).sort(([a], [b]) => a.localeCompare(b));
  if (findings.length > 0) {
    lines.push(`Findings: ${findings.map(([code, count]) => `${code} ${count}`).join(', ')}`);
  }
  lines.push(`AWS calls: ${report.apiCalls.total} (retries ${report.apiCalls.retries})`);
  if (!report.complete) lines.push(`INCOMPLETE: ${report.incompleteReason ?? 'the run stopped early'}`);
  lines.push(`JSON report: ${paths.jsonPath}`, `Markdown report: ${paths.markdownPath}`);
  lines.push(`Exit code ${report.exitCode}: ${describeExitCode(report.exitCode)}`);
  out.write(`${lines.join('\n')}\n`);
}
