import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';

import type { RunReport } from '../../src/model.js';
import { renderJsonReport } from '../../src/report/index.js';
import {
  ABORT_CAUSES,
  ACCOUNT_STATUSES,
  ACTION_OUTCOMES,
  FINDING_CODES,
  RUN_MODES,
  SEVERITIES,
} from '../../src/report/model-values.js';
import { abortedFixReport, appliedFixReport, dryRunReport } from './fix-fixtures.js';
import { sampleReport } from './fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/report.schema.json', import.meta.url), 'utf8')) as {
  properties: Record<string, { enum?: string[] }>;
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

/** Renders and parses the applied fix report. Accounts come sorted, so index 0 is compliant and 1 is remediated. */
function renderedFix(): RunReport {
  return JSON.parse(renderJsonReport(appliedFixReport())) as RunReport;
}

function expectRejected(report: RunReport, pointer: string): void {
  const errors = validateJson(report);

  const parent = pointer.slice(0, pointer.lastIndexOf('/'));
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.some((error) => error.startsWith(`${pointer} `) || error.startsWith(`${parent} `))).toBe(true);
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

  it.each([
    ['a dry run', dryRunReport],
    ['an applied fix', appliedFixReport],
    ['a fix stopped before any write', abortedFixReport],
  ])('accepts %s', (_name, build) => {
    expect(validateJson(JSON.parse(renderJsonReport(build())))).toEqual([]);
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

  it('lists the run modes of the model', () => {
    expect(schema.properties.mode?.enum).toEqual([...RUN_MODES]);
  });

  it('lists the action outcomes of the model', () => {
    expect(schema.$defs.actionOutcome?.enum).toEqual([...ACTION_OUTCOMES]);
  });

  it('lists the abort causes of the model', () => {
    expect(schema.$defs.abortCause?.enum).toEqual([...ABORT_CAUSES]);
  });

  it.each([
    ['an unknown status', '/accounts/0/status', 'unknown'],
    ['an unknown finding code', '/accounts/1/findings/0/code', 'TRUST_SOMETHING'],
    ['an unknown severity', '/accounts/1/findings/0/severity', 'info'],
    ['a missing run id', '/runId', REMOVE],
    ['the previous schema version', '/schemaVersion', 1],
    ['an error account without its error', '/accounts/2/error', REMOVE],
    ['a skipped account without a reason', '/accounts/3/skipReason', REMOVE],
    ['a short account id', '/accounts/0/accountId', '1234'],
    ['an unknown finding count key', '/counts/byFinding/OTHER', 1],
    ['an undeclared field', '/accounts/0/extra', true],
    ['a timestamp without time', '/startedAt', '2026-12-04'],
    ['an unknown stage', '/accounts/2/error/stage', 'listing'],
    ['a missing fix status count', '/counts/byStatus/planned', REMOVE],
    ['an unknown mode', '/mode', 'repair'],
    ['an audit with a remediation', '/remediation', { dryRun: false, maxAccountsChanged: 1, accountsToChange: 0, actionsPlanned: 0 }],
  ])('rejects %s', (_name, pointer, value) => {
    const report = renderedSample();
    setPointer(report, pointer, value);

    expectRejected(report, pointer);
  });

  it.each([
    ['a fix without its remediation', '/remediation', REMOVE],
    ['a fix marked as a dry run', '/remediation/dryRun', true],
    ['a remediated account without its plan', '/accounts/1/remediation', REMOVE],
    ['an action without its before value', '/accounts/1/remediation/actions/0/before', REMOVE],
    ['an action with a numeric after value', '/accounts/1/remediation/actions/0/after', 3],
    ['an unknown action outcome', '/accounts/1/remediation/actions/0/outcome', 'done'],
    ['an undeclared action field', '/accounts/1/remediation/actions/0/undo', null],
    ['a plan without needsPerson', '/accounts/1/remediation/needsPerson', REMOVE],
    ['an unknown finding after the fix', '/accounts/1/remediation/findingsAfter/0/code', 'OTHER'],
    ['an unknown abort cause', '/remediation/abortedBy', 'timeout'],
    ['a negative action count', '/remediation/actionsPlanned', -1],
    ['an undeclared run remediation field', '/remediation/approvedBy', 'someone'],
  ])('rejects %s', (_name, pointer, value) => {
    const report = renderedFix();
    setPointer(report, pointer, value);

    expectRejected(report, pointer);
  });

  it('rejects an abort cause without its reason', () => {
    const report = JSON.parse(renderJsonReport(abortedFixReport())) as RunReport;
    delete report.remediation!.aborted;

    expectRejected(report, '/remediation/aborted');
  });

  it('rejects a dry run that is not marked as one', () => {
    const report = JSON.parse(renderJsonReport(dryRunReport())) as RunReport;
    report.remediation!.dryRun = false;

    expectRejected(report, '/remediation/dryRun');
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
