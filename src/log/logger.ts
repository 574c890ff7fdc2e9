/**
 * The run's pino logger: JSON lines on stderr for log collectors, readable lines when stderr is a
 * terminal. Credential fields are redacted when the logger is created, so no call site can leak them.
 */
import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import type PinoPretty from 'pino-pretty';
import type { LogLevel } from './levels.js';

export type { Logger } from 'pino';
export { LOG_LEVELS, type LogLevel } from './levels.js';

/** Loads pino-pretty only for a terminal, so JSON-line runs (nightly jobs) start faster. */
function loadPretty(): typeof PinoPretty {
  return createRequire(import.meta.url)('pino-pretty') as typeof PinoPretty;
}

/** Paths pino censors wherever they appear one or two levels deep in a log line. */
export const REDACTED_PATHS = [
  'credentials',
  '*.credentials',
  'secretAccessKey',
  '*.secretAccessKey',
  '*.*.secretAccessKey',
  'sessionToken',
  '*.sessionToken',
  '*.*.sessionToken',
  'SecretAccessKey',
  '*.SecretAccessKey',
  '*.*.SecretAccessKey',
  'SessionToken',
  '*.SessionToken',
  '*.*.SessionToken',
  'authorization',
  '*.authorization',
  '*.headers.authorization',
  '*.*.headers.authorization',
  'Authorization',
  '*.Authorization',
  '*.headers.Authorization',
];

export interface LoggerOptions {
  level: LogLevel;
  /** Readable output instead of JSON lines; the CLI turns it on when stderr is a terminal. */
  pretty: boolean;
  /** Where lines go; defaults to stderr (file descriptor 2), keeping stdout for command output. */
  destination?: NodeJS.WritableStream;
}

export function createLogger(options: LoggerOptions): Logger {
  const base = {
    level: options.level,
    base: { name: 'ssm-role-audit' },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
  if (options.pretty) {
    return pino(
      base,
      loadPretty()({
        destination: options.destination ?? 2,
        colorize: true,
        sync: true,
        ignore: 'pid,hostname,name',
        translateTime: 'SYS:HH:MM:ss',
      }),
    );
  }
  return pino(base, options.destination ?? pino.destination({ dest: 2, sync: true }));
}
