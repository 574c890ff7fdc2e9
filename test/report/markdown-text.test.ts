import { describe, expect, it } from 'vitest';

import { cellCode, codeSpan, escapeCell, escapeText, fencedBlock } from '../../src/report/markdown-text.js';
import { canonicalJson, parseDocumentText, renderValueDiff } from '../../src/report/policy-diff.js';

describe('escapeCell', () => {
  it.each([
    ['a|b', 'a\\|b'],
    ['line 1\nline 2', 'line 1<br>line 2'],
    ['line 1\r\nline 2', 'line 1<br>line 2'],
    ['*bold* _it_', '\\*bold\\* \\_it\\_'],
    ['<script>', '\\<script\\>'],
    ['[link](x)', '\\[link\\](x)'],
    ['back\\slash', 'back\\\\slash'],
    ['R&D', 'R\\&D'],
    ['plain text, 123.', 'plain text, 123.'],
  ])('escapes %j', (input, expected) => {
    expect(escapeCell(input)).toBe(expected);
  });
});

describe('escapeText', () => {
  it('joins lines with spaces', () => {
    expect(escapeText('# not\na heading')).toBe('\\# not a heading');
  });
});

describe('codeSpan', () => {
  it('wraps plain text in single backticks', () => {
    expect(codeSpan('arn:aws:iam::111111111111:role/SSMServiceRole')).toBe(
      '`arn:aws:iam::111111111111:role/SSMServiceRole`',
    );
  });

  it('uses a longer delimiter around backticks', () => {
    expect(codeSpan('a`b')).toBe('``a`b``');
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('keeps pipes outside tables', () => {
    expect(codeSpan('a|b')).toBe('`a|b`');
  });
});

describe('cellCode', () => {
  it('escapes pipes inside the code span', () => {
    expect(cellCode('a|b')).toBe('`a\\|b`');
  });
});

describe('fencedBlock', () => {
  it('uses three backticks by default', () => {
    expect(fencedBlock('echo hi', 'sh')).toBe('```sh\necho hi\n```');
  });

  it('outgrows backtick runs in the content', () => {
    expect(fencedBlock('```\nx\n```\n', 'text')).toBe('````text\n```\nx\n```\n````');
  });
});

describe('canonicalJson', () => {
  it('sorts keys at every level and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: null } }, 0)).toBe('{"a":{"c":null,"d":[3,1]},"b":1}');
  });

  it('returns an empty string for undefined', () => {
    expect(canonicalJson(undefined)).toBe('');
  });
});

describe('renderValueDiff', () => {
  it('shows headers alone for equal documents', () => {
    expect(renderValueDiff({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe('--- expected\n+++ actual\n');
  });

  it('compares strings as text', () => {
    expect(renderValueDiff('one\ntwo', 'one\nthree')).toBe(
      '--- expected\n+++ actual\n@@ -1,2 +1,2 @@\n one\n-two\n+three\n',
    );
  });

  it('shows a missing expected value as all additions', () => {
    expect(renderValueDiff(undefined, ['x'])).toBe('--- expected\n+++ actual\n@@ -0,0 +1,3 @@\n+[\n+  "x"\n+]\n');
  });
});

describe('renderValueDiff labels', () => {
  it('names both sides', () => {
    expect(renderValueDiff('a', 'b', { old: 'before', new: 'after' })).toBe(
      '--- before\n+++ after\n@@ -1,1 +1,1 @@\n-a\n+b\n',
    );
  });
});

describe('parseDocumentText', () => {
  it.each([
    ['a JSON object', '{"b":1,"a":2}', { b: 1, a: 2 }],
    ['a JSON array', '[1]', [1]],
    ['unparseable text', '{"Version":', '{"Version":'],
    ['a JSON string', '"text"', '"text"'],
    ['JSON null', 'null', 'null'],
    ['no document', null, undefined],
  ])('returns %s', (_name, text, expected) => {
    expect(parseDocumentText(text)).toEqual(expected);
  });
});
