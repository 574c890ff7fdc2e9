/**
 * Escaping and layout primitives for GitHub Flavored Markdown (GFM), the dialect most ticket systems
 * render. Values from AWS (account names, error messages) are untrusted text, so each one goes through
 * one of these functions before it reaches the report.
 */

/** ASCII punctuation that starts emphasis, links, HTML, entities or table cells in GFM. */
const MARKDOWN_SPECIAL = /[\\`*_[\]<>|&~#]/g;

/** Escapes text for a paragraph or heading. Line breaks become spaces because a heading is one line. */
export function escapeText(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(/\r\n|\r|\n/g, ' ');
}

/**
 * Escapes text for a table cell. Line breaks become `<br>`, which GFM renders inside a cell, because a
 * raw line break would end the row.
 */
export function escapeCell(text: string): string {
  return text.replace(MARKDOWN_SPECIAL, '\\$&').replace(/\r\n|\r|\n/g, '<br>');
}

/** Renders `text` as inline code outside a table. */
export function codeSpan(text: string): string {
  const singleLine = text.replace(/\r\n|\r|\n/g, ' ');
  const delimiter = '`'.repeat(longestRun(singleLine, '`') + 1);
  // CommonMark strips one space on each side, which lets a value start or end with a backtick.
  const padding = singleLine.startsWith('`') || singleLine.endsWith('`') ? ' ' : '';
  return `${delimiter}${padding}${singleLine}${padding}${delimiter}`;
}

/**
 * Renders `text` as inline code inside a table cell. GFM splits cells on `|` before it parses code
 * spans, so pipes are escaped there too. GFM removes the backslash again inside the code span.
 */
export function cellCode(text: string): string {
  return codeSpan(text).replace(/\|/g, '\\|');
}

/** Renders a fenced code block whose fence is longer than any backtick run in the content. */
export function fencedBlock(content: string, infoString: string): string {
  const fence = '`'.repeat(Math.max(3, longestRun(content, '`') + 1));
  const body = content.endsWith('\n') ? content : `${content}\n`;
  return `${fence}${infoString}\n${body}${fence}`;
}

/** Renders a GFM table from cells that are already escaped. */
export function renderTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.join(' | ')} |`),
  ];
  return lines.join('\n');
}

function longestRun(text: string, character: string): number {
  let longest = 0;
  let current = 0;
  for (const symbol of text) {
    current = symbol === character ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}
