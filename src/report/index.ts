/**
 * The report step: renders a `RunReport` as JSON and Markdown and writes both atomically. The JSON
 * format is described by schemas/report.schema.json and docs/report-format.md.
 */
export { renderJsonReport } from './json.js';
export { renderMarkdownReport, type MarkdownReportOptions } from './markdown.js';
export { assertNoSecrets } from './secrets.js';
export {
  checkReportDirWritable,
  reportBaseName,
  writeReports,
  type WriteReportsOptions,
  type ReportPaths,
} from './write.js';
