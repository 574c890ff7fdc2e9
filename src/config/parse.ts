/**
 * Reading and validating the desired-state config: bytes to text, text to data (JSON or YAML), data
 * to a validated config. Every step reports its problems through ConfigError, all of them at once.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type YAMLError } from 'yaml';

import { ConfigError, type ValidationProblem } from '../errors.js';
import { checkConfigRelations } from './cross-checks.js';
import { configErrorMap, formatPath, problemsFromZodIssues, type ConfigProblem, type PathSegment } from './problems.js';
import { type DesiredStateConfig, desiredStateSchema } from './schema.js';

/** A validated config and where it came from; the hash goes into the report. */
export interface LoadedConfig {
  config: DesiredStateConfig;
  path: string;
  /** SHA-256 of the file bytes, lower-case hex. */
  sha256: string;
}

const REMEDY = 'Fix the listed problems and run again; schemas/desired-state.schema.json describes every key.';

/**
 * Reads, parses and validates the config file at `path`.
 *
 * @throws ConfigError when the file cannot be read, is not UTF-8, is empty, is not valid JSON or
 *   YAML, or fails validation. The error lists every problem found.
 */
export async function loadConfig(path: string): Promise<LoadedConfig> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    // The absolute path shows where a relative --config was looked for, which matters under cron.
    throw new ConfigError(path, [{ path: '', message: `${describeReadError(error)} (looked for ${resolve(path)})` }], {
      cause: error,
      remedy:
        'Pass the path of a desired-state file with --config; a relative path is read from the current directory.',
    });
  }

  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch (error) {
    throw new ConfigError(path, [{ path: '', message: 'the file is not UTF-8 text; save it as UTF-8' }], {
      cause: error,
    });
  }

  const config = parseConfig(text, path);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  return { config, path, sha256 };
}

function describeReadError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'config file not found';
    case 'EACCES':
    case 'EPERM':
      return 'config file cannot be read: permission denied';
    case 'EISDIR':
      return 'the config path is a directory; pass the path of a file';
    default:
      return `config file cannot be read: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/**
 * Parses and validates config text. `sourceName` names the text in errors; a name ending in
 * `.json`, or text starting with `{`, is read as JSON, and anything else as YAML.
 *
 * @throws ConfigError listing every problem found.
 */
export function parseConfig(text: string, sourceName: string): DesiredStateConfig {
  const source = readSource(text.replace(/^\uFEFF/, ''), sourceName);

  const result = desiredStateSchema.safeParse(source.data, { error: configErrorMap });
  const problems = [
    ...(result.success ? [] : problemsFromZodIssues(result.error.issues, desiredStateSchema)),
    ...checkConfigRelations(source.data),
  ];
  if (!result.success || problems.length > 0) {
    throw new ConfigError(sourceName, locateProblems(problems, source), { remedy: REMEDY });
  }
  return result.data;
}

interface ParsedSource {
  data: unknown;
  /** The YAML view of the text, used to give problems a line number; absent when it has errors. */
  document?: Document.Parsed;
  lineCounter: LineCounter;
}

function readSource(text: string, sourceName: string): ParsedSource {
  if (text.trim() === '') {
    throw emptyFileError(sourceName);
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: false });
  const isJson = sourceName.toLowerCase().endsWith('.json') || text.trimStart().startsWith('{');

  let data: unknown;
  if (isJson) {
    data = parseJson(text, sourceName, lineCounter);
  } else {
    const problems = [...document.errors, ...document.warnings].map((error) => yamlProblem(error, lineCounter));
    if (problems.length > 0) {
      throw new ConfigError(sourceName, problems, { remedy: 'Fix the YAML syntax at the lines given.' });
    }
    try {
      data = document.toJS({ maxAliasCount: 100 });
    } catch (error) {
      // toJS throws on alias loops and on too many alias expansions (a "billion laughs" file).
      const message = error instanceof Error ? error.message : String(error);
      throw new ConfigError(sourceName, [{ path: '', message: `invalid YAML: ${message}` }], { cause: error });
    }
  }

  if (data === null || data === undefined) {
    throw emptyFileError(sourceName);
  }
  if (typeof data !== 'object' || Array.isArray(data)) {
    const got = Array.isArray(data) ? 'a list' : `the ${typeof data} ${JSON.stringify(data)}`;
    throw new ConfigError(sourceName, [
      { path: '', message: `expected a mapping with the keys version and role at the top level, got ${got}` },
    ]);
  }

  const usable = document.errors.length === 0;
  return usable ? { data, document, lineCounter } : { data, lineCounter };
}

function emptyFileError(sourceName: string): ConfigError {
  return new ConfigError(
    sourceName,
    [{ path: '', message: 'the config file is empty; expected a mapping with version: 1 and role' }],
    { remedy: 'Start from config/desired-state.yaml, which describes the role of the AWS guide.' },
  );
}

function parseJson(text: string, sourceName: string, lineCounter: LineCounter): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) {
      throw error;
    }
    // Node 20 ends the message with "at position N"; later versions add the line and column.
    const position = /at position (\d+)/.exec(error.message)?.[1];
    const where = position === undefined ? '' : ` at ${formatLinePos(lineCounter.linePos(Number(position)))}`;
    const reason = error.message.replace(/ in JSON at position \d+.*$/, '');
    throw new ConfigError(sourceName, [{ path: '', message: `invalid JSON${where}: ${reason}` }], { cause: error });
  }
}

function yamlProblem(error: YAMLError, lineCounter: LineCounter): ValidationProblem {
  const where = formatLinePos(lineCounter.linePos(error.pos[0]));
  return { path: '', message: `invalid YAML at ${where}: ${error.message}` };
}

function formatLinePos(position: { line: number; col: number }): string {
  return `line ${position.line}, column ${position.col}`;
}

/**
 * Formats the problems, adds the line of the value each one is about, and sorts them in file order.
 * A problem about a missing key gets the line of the mapping that should contain it.
 */
function locateProblems(problems: ConfigProblem[], source: ParsedSource): ValidationProblem[] {
  const seen = new Set<string>();
  const located: { problem: ValidationProblem; offset: number }[] = [];

  for (const problem of problems) {
    const path = formatPath(problem.path);
    const key = `${path}\n${problem.message}`;
    if (seen.has(key)) {
      continue;
    }
    seen.add(key);

    const offset = source.document === undefined ? undefined : findOffset(source.document, problem.path);
    const message =
      offset === undefined ? problem.message : `${problem.message} (${formatLinePos(source.lineCounter.linePos(offset))})`;
    located.push({ problem: { path, message }, offset: offset ?? Number.MAX_SAFE_INTEGER });
  }

  // Array.prototype.sort is stable, so problems on the same node keep the order they were found in.
  return located.sort((a, b) => a.offset - b.offset).map((entry) => entry.problem);
}

/** Finds where the node at `path` starts in the text; for a key that is absent, where its parent starts. */
function findOffset(document: Document.Parsed, path: readonly PathSegment[]): number | undefined {
  let node: unknown = document.contents;
  let offset = rangeStart(node);

  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find((item) => isPair(item) && isScalar(item.key) && item.key.value === segment);
      if (pair === undefined) {
        break;
      }
      // Point at the value; a key written without one (`name:`) has no value node, so use the key.
      node = pair.value;
      offset = rangeStart(node) ?? rangeStart(pair.key) ?? offset;
    } else if (isSeq(node) && typeof segment === 'number') {
      node = node.items[segment];
      offset = rangeStart(node) ?? offset;
    } else {
      break;
    }
  }
  return offset;
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}
