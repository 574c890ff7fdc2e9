import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

import type { RunReport } from '../../src/model.js';
import { renderJsonReport } from '../../src/report/index.js';
import { ACCOUNT_STATUSES, FINDING_CODES, SEVERITIES } from '../../src/report/model-values.js';
import { sampleReport } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as {
  $defs: Record<string, { enum?: string[] }>;
};

function compileSchema() {
  // JSON Schema allows `required` inside `then`, but strictRequired rejects it there. It looks for the
  // properties in the `then` schema only, and they are declared in the enclosing account schema.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  // ajv 8 ships no formats; RFC 3339 date-time as `Date.prototype.toISOString` writes it is enough here.
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
  return ajv.compile(schema);
}

const validate = compileSchema();

/** Marks a pointer whose value `setPointer` removes. */
const REMOVE = Symbol('remove');

function validateJson(report: unknown): string[] {
  const valid = validate(report);
  return valid ? [] : (validate.errors ?? []).map((error) => `${error.instancePath} ${error.message}`);
}

function renderedSample(): RunReport {
  return JSON.parse(renderJsonReport(sampleReport())) as RunReport;
}

describe('report schema', () => {
  it('accepts the rendered sample report', () => {
    expect(validateJson(renderedSample())).toEqual([]);
  });

  it('accepts an incomplete run with no accounts', () => {
    const report = renderedSample();
    report.complete = false;
    report.incompleteReason = 'Listing the organization failed: TooManyRequestsException.';
    report.exitCode = 3;
    report.accounts = [];
    report.organization = {};

    expect(validateJson(report)).toEqual([]);
  });

  it('lists the finding codes of the model', () => {
    expect(schema.$defs.findingCode?.enum).toEqual([...FINDING_CODES]);
  });

  it('lists the severities of the model', () => {
    expect(schema.$defs.severity?.enum).toEqual([...SEVERITIES]);
  });

  it('lists the account statuses of the model', () => {
    expect(schema.$defs.accountStatus?.enum).toEqual([...ACCOUNT_STATUSES]);
  });

  it.each([
    ['an unknown status', '/accounts/0/status', 'unknown'],
    ['an unknown finding code', '/accounts/1/findings/0/code', 'TRUST_SOMETHING'],
    ['an unknown severity', '/accounts/1/findings/0/severity', 'info'],
    ['a missing run id', '/runId', REMOVE],
    ['another schema version', '/schemaVersion', 2],
    ['an error account without its error', '/accounts/2/error', REMOVE],
    ['a skipped account without a reason', '/accounts/3/skipReason', REMOVE],
    ['a short account id', '/accounts/0/accountId', '1234'],
    ['an unknown finding count key', '/counts/byFinding/OTHER', 1],
    ['an undeclared field', '/accounts/0/extra', true],
    ['a timestamp without time', '/startedAt', '2026-12-04'],
    ['an unknown stage', '/accounts/2/error/stage', 'discover'],
  ])('rejects %s', (_name, pointer, value) => {
    const report = renderedSample();
    setPointer(report, pointer, value);

    const errors = validateJson(report);

    const parent = pointer.slice(0, pointer.lastIndexOf('/'));
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.some((error) => error.startsWith(`${pointer} `) || error.startsWith(`${parent} `))).toBe(true);
  });
});

/** Sets or removes the value at a JSON Pointer (RFC 6901) without `~` escapes. */
function setPointer(document: object, pointer: string, value: unknown): void {
  const keys = pointer.split('/').slice(1);
  const last = keys.pop()!;
  let target = document as Record<string, unknown>;
  for (const key of keys) {
    target = target[key] as Record<string, unknown>;
  }

  if (value === REMOVE) {
    delete target[last];
  } else {
    target[last] = value;
  }
}
