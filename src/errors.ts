/**
 * One error family for the whole tool. Each error has a stable code, tells whether the user (bad input)
 * or the environment (AWS, network) is at fault, and carries the next step for the person reading it.
 * The CLI maps them to exit codes in one place.
 */

export interface ErrorDetails {
  /** The next step for the user, printed under the message. */
  remedy?: string;
  cause?: unknown;
  /** The kind of file a ConfigError is about, named in its message: `config` unless set. */
  fileKind?: string;
}

export class AuditError extends Error {
  readonly code: string;
  readonly remedy?: string;

  constructor(code: string, message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.remedy = details.remedy;
  }
}

/** One problem in a config file or CLI value, located by its path (`role.managedPolicies[2].arn`). */
export interface ValidationProblem {
  path: string;
  message: string;
}

/** Invalid CLI usage or config: exit code 3, before any AWS call. */
export class UsageError extends AuditError {
  readonly problems: ValidationProblem[];

  constructor(message: string, problems: ValidationProblem[] = [], details: ErrorDetails = {}) {
    super('INVALID_USAGE', message, details);
    this.problems = problems;
  }
}

/** The config file is missing, unreadable or invalid; every problem is listed at once. */
export class ConfigError extends UsageError {
  readonly configPath: string;

  constructor(configPath: string, problems: ValidationProblem[], details: ErrorDetails = {}) {
    const kind = details.fileKind ?? 'config';
    const summary =
      problems.length === 1
        ? `Invalid ${kind} ${configPath}: ${formatProblem(problems[0]!)}`
        : `Invalid ${kind} ${configPath}: ${problems.length} problems`;
    super(summary, problems, details);
    Object.defineProperty(this, 'code', { value: 'INVALID_CONFIG' });
    this.configPath = configPath;
  }
}

/** The organization could not be listed, or the base credentials cannot run the scan: exit code 3. */
export class EnumerationError extends AuditError {}

export function formatProblem(problem: ValidationProblem): string {
  return problem.path === '' ? problem.message : `${problem.path}: ${problem.message}`;
}
