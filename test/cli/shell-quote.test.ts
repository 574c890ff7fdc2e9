import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../src/shell-quote.js';

describe('shellQuote', () => {
  it.each([
    ['reports/ssm-role-audit.json', 'reports/ssm-role-audit.json'],
    ['http://127.0.0.1:4566', 'http://127.0.0.1:4566'],
    ['my reports', "'my reports'"],
    ["it's", "'it'\\''s'"],
    ['<external-id>', "'<external-id>'"],
  ])('quotes %s as %s', (arg, expected) => {
    expect(shellQuote(arg)).toBe(expected);
  });

  it('joins a command line', () => {
    expect(shellCommand(['ssm-role-audit', 'rollback', '/tmp/a b/x.jsonl'])).toBe("ssm-role-audit rollback '/tmp/a b/x.jsonl'");
  });
});
