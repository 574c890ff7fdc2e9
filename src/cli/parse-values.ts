/**
 * Parsers for CLI option values. Each rejects a bad value with a message that names the value and
 * what is accepted; commander turns the rejection into a usage error (exit code 3).
 */
import { InvalidArgumentError } from 'commander';
import { LOG_LEVELS, type LogLevel } from '../log/levels.js';

const ACCOUNT_ID = /^\d{12}$/;
const OU_ID = /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/;
const ROLE_NAME = /^[\w+=,.@-]{1,64}$/;

/** Parses `111122223333,444455556666`, adding to the values of earlier uses of the option. */
export function parseAccountIds(value: string, previous: string[] | undefined): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const invalid = ids.filter((id) => !ACCOUNT_ID.test(id));
  if (ids.length === 0 || invalid.length > 0) {
    throw new InvalidArgumentError(
      `"${invalid.join(', ') || value}" is not a list of 12-digit AWS account ids (example: 111122223333,444455556666).`,
    );
  }
  return [...(previous ?? []), ...ids];
}

export function parseOuId(value: string, previous: string[] | undefined): string[] {
  if (!OU_ID.test(value)) {
    throw new InvalidArgumentError(`"${value}" is not an organizational unit id (example: ou-ab12-cd34ef56).`);
  }
  return [...(previous ?? []), value];
}

export function integerParser(name: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(parsed) || parsed < min || parsed > max) {
      throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}; got "${value}".`);
    }
    return parsed;
  };
}

export function parseRoleName(value: string): string {
  if (!ROLE_NAME.test(value)) {
    throw new InvalidArgumentError(
      `"${value}" is not a valid IAM role name: use 1 to 64 letters, digits or the characters +=,.@_-.`,
    );
  }
  return value;
}

export function parseLogLevel(value: string): LogLevel {
  if (!(LOG_LEVELS as readonly string[]).includes(value)) {
    throw new InvalidArgumentError(`"${value}" is not a log level; use one of ${LOG_LEVELS.join(', ')}.`);
  }
  return value as LogLevel;
}

export function parseEndpointUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new InvalidArgumentError(`"${value}" is not a URL; use for example http://127.0.0.1:4566.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new InvalidArgumentError(`"${value}" must start with http:// or https://.`);
  }
  return value;
}

export function parseExternalId(value: string): string {
  // STS accepts 2 to 1,224 characters of [\w+=,.@:/-] (AssumeRole API reference).
  if (!/^[\w+=,.@:/-]{2,1224}$/.test(value)) {
    throw new InvalidArgumentError('--external-id must be 2 to 1,224 characters of letters, digits and +=,.@:/-.');
  }
  return value;
}
