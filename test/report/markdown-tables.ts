/** Splits a GFM table row into its cells, honouring `\|` escapes. */
export function splitRow(line: string): string[] {
  const cells = line.trim().split(/(?<!\\)\|/);
  return cells.slice(1, -1).map((cell) => cell.trim());
}

/**
 * Returns the body rows of the first table whose header row starts with `firstHeader`, each split
 * into cells, or throws when there is no such table.
 */
export function tableAfterHeader(markdown: string, firstHeader: string): string[][] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.startsWith('|') && splitRow(line)[0] === firstHeader);
  if (start === -1) {
    throw new Error(`no table with first header ${firstHeader}`);
  }

  const rows: string[][] = [];
  for (let index = start + 2; index < lines.length && lines[index]!.startsWith('|'); index += 1) {
    rows.push(splitRow(lines[index]!));
  }
  return rows;
}

/** Returns every table in the document as its header cells and body rows. */
export function allTables(markdown: string): { headers: string[]; rows: string[][] }[] {
  const lines = markdown.split('\n');
  const tables: { headers: string[]; rows: string[][] }[] = [];
  let index = 0;
  while (index < lines.length) {
    if (!lines[index]!.startsWith('|')) {
      index += 1;
      continue;
    }
    const headers = splitRow(lines[index]!);
    const rows: string[][] = [];
    index += 2;
    while (index < lines.length && lines[index]!.startsWith('|')) {
      rows.push(splitRow(lines[index]!));
      index += 1;
    }
    tables.push({ headers, rows });
  }
  return tables;
}
