import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import type { PolicyDocument } from '../../src/model.js';
import { canonicalJson, normalizePolicy, policiesEquivalent } from '../../src/policy/normalize.js';

type Statement = Record<string, unknown>;

const PRINCIPAL_POOL: Record<string, string[]> = {
  AWS: ['arn:aws:iam::111122223333:root', 'arn:aws:iam::444455556666:role/Admin', '*'],
  Service: ['ssm.amazonaws.com', 'ec2.amazonaws.com'],
  Federated: ['cognito-identity.amazonaws.com'],
};
const ACTION_POOL = ['sts:AssumeRole', 'sts:TagSession', 'sts:SetSourceIdentity', 'sts:*', 's3:GetObject', 'ssm:*'];
const RESOURCE_POOL = ['arn:aws:s3:::Bucket/*', 'arn:aws:s3:::bucket/*', '*'];
const CONDITION_POOL: Record<string, Record<string, string[]>> = {
  StringEquals: { 'aws:SourceAccount': ['111122223333', '444455556666'], 'aws:PrincipalTag/Team': ['ops', 'Ops'] },
  ArnLike: { 'aws:SourceArn': ['arn:aws:ssm:*:111122223333:*', 'arn:aws:ssm:eu-west-1:111122223333:*'] },
  Bool: { 'aws:SecureTransport': ['true', 'false'] },
  NumericLessThan: { 'aws:MultiFactorAuthAge': ['3600', '60'] },
};

/** A principal that no generated policy contains. */
const FRESH_PRINCIPAL = 'arn:aws:iam::000000000000:root';

const subsetOf = (pool: string[]) => fc.subarray(pool, { minLength: 1 });

const principalArb = fc
  .subarray(Object.keys(PRINCIPAL_POOL), { minLength: 1 })
  .chain((types) => fc.record(Object.fromEntries(types.map((type) => [type, subsetOf(PRINCIPAL_POOL[type]!)]))));

const conditionArb = fc
  .subarray(Object.keys(CONDITION_POOL), { minLength: 1 })
  .chain((operators) =>
    fc.record(
      Object.fromEntries(
        operators.map((operator) => {
          const keys = CONDITION_POOL[operator]!;
          const block = fc
            .subarray(Object.keys(keys), { minLength: 1 })
            .chain((chosen) => fc.record(Object.fromEntries(chosen.map((key) => [key, subsetOf(keys[key]!)]))));
          return [operator, block];
        }),
      ),
    ),
  );

/** A statement in a plain shape: every multi-valued element is an array without duplicates. */
const statementArb: fc.Arbitrary<Statement> = fc
  .record(
    {
      Sid: fc.constantFrom('A', 'B'),
      Effect: fc.constantFrom('Allow', 'Deny'),
      principalElement: fc.constantFrom('Principal', 'NotPrincipal'),
      principal: principalArb,
      actionElement: fc.constantFrom('Action', 'NotAction'),
      actions: subsetOf(ACTION_POOL),
      Resource: subsetOf(RESOURCE_POOL),
      Condition: conditionArb,
    },
    { requiredKeys: ['Effect', 'principalElement', 'principal', 'actionElement', 'actions'] },
  )
  .map(({ principalElement, principal, actionElement, actions, ...rest }) => ({
    ...rest,
    [principalElement]: principal,
    [actionElement]: actions,
  }));

const policyArb: fc.Arbitrary<PolicyDocument> = fc
  .record(
    {
      Version: fc.constantFrom('2012-10-17', '2008-10-17'),
      Statement: fc.array(statementArb, { minLength: 1, maxLength: 4 }),
    },
    { requiredKeys: ['Statement'] },
  )
  .map((policy) => ({ ...policy }));

/**
 * Reshaping choices come from a seeded generator (mulberry32) rather than from `fc.gen()`, which made
 * these properties about twenty times slower. fast-check still draws and reports the seed, so a
 * failure can be replayed, but it shrinks only the policy, not the reshaping.
 */
class Choices {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Returns an integer from 0 to `max`, both included. */
  nat(max: number): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    const unit = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    return Math.floor(unit * (max + 1));
  }

  bool(): boolean {
    return this.nat(1) === 1;
  }

  shuffle<T>(values: T[]): T[] {
    const shuffled = [...values];
    for (let index = shuffled.length - 1; index > 0; index--) {
      const other = this.nat(index);
      [shuffled[index], shuffled[other]] = [shuffled[other]!, shuffled[index]!];
    }
    return shuffled;
  }
}

const choicesArb = fc.integer().map((seed) => new Choices(seed));

function shuffleKeys(object: Record<string, unknown>, g: Choices): Record<string, unknown> {
  const shuffled: Record<string, unknown> = {};
  for (const key of g.shuffle(Object.keys(object))) {
    shuffled[key] = object[key];
  }
  return shuffled;
}

function changeCase(text: string, g: Choices): string {
  return [...text].map((char) => (g.bool() ? char.toUpperCase() : char.toLowerCase())).join('');
}

/** Shuffles, duplicates an entry, optionally changes case or type of entries, and may unwrap a single entry. */
function reshapeList(
  values: string[],
  g: Choices,
  changeEntry: (value: string) => unknown = (value) => value,
): unknown {
  const list: unknown[] = g.shuffle(values).map(changeEntry);
  if (list.length > 0 && g.bool()) {
    list.splice(g.nat(list.length), 0, list[g.nat(list.length - 1)]);
  }
  if (list.length === 1 && g.bool()) {
    return list[0];
  }
  return list;
}

function reshapePrincipal(principal: Record<string, string[]>, g: Choices): unknown {
  const types = Object.keys(principal);
  if (types.length === 1 && principal.AWS?.length === 1 && principal.AWS[0] === '*' && g.bool()) {
    return '*';
  }
  const reshaped: Record<string, unknown> = {};
  for (const type of types) {
    reshaped[type] = reshapeList(principal[type]!, g);
  }
  return shuffleKeys(reshaped, g);
}

function reshapeConditionValue(value: string, g: Choices): unknown {
  if ((value === 'true' || value === 'false') && g.bool()) {
    return value === 'true';
  }
  if (/^\d+$/.test(value) && g.bool()) {
    return Number(value);
  }
  return value;
}

function reshapeCondition(condition: Record<string, Record<string, string[]>>, g: Choices): unknown {
  const reshaped: Record<string, unknown> = {};
  for (const [operator, keys] of Object.entries(condition)) {
    const block: Record<string, unknown> = {};
    for (const [key, values] of Object.entries(keys)) {
      block[changeCase(key, g)] = reshapeList(values, g, (value) => reshapeConditionValue(value, g));
    }
    reshaped[changeCase(operator, g)] = shuffleKeys(block, g);
  }
  return shuffleKeys(reshaped, g);
}

function reshapeStatement(statement: Statement, g: Choices): Statement {
  const reshaped: Statement = {};
  for (const [element, value] of Object.entries(statement)) {
    if (element === 'Principal' || element === 'NotPrincipal') {
      reshaped[element] = reshapePrincipal(value as Record<string, string[]>, g);
    } else if (element === 'Action' || element === 'NotAction') {
      reshaped[element] = reshapeList(value as string[], g, (action) => changeCase(action, g));
    } else if (element === 'Resource') {
      reshaped[element] = reshapeList(value as string[], g);
    } else if (element === 'Condition') {
      reshaped[element] = reshapeCondition(value as Record<string, Record<string, string[]>>, g);
    } else {
      reshaped[element] = value;
    }
  }
  if (statement.Sid === undefined && g.bool()) {
    reshaped.Sid = '';
  }
  return shuffleKeys(reshaped, g);
}

/** Rewrites a policy into another shape that IAM treats the same. */
function reshapePolicy(policy: PolicyDocument, g: Choices): PolicyDocument {
  const statements = (policy.Statement as Statement[]).map((statement) => reshapeStatement(statement, g));
  if (g.bool()) {
    statements.push(structuredClone(statements[g.nat(statements.length - 1)]!));
  }
  const shuffled = g.shuffle(statements);

  const reshaped: PolicyDocument = { ...policy };
  reshaped.Statement = shuffled.length === 1 && g.bool() ? shuffled[0] : shuffled;
  return shuffleKeys(reshaped, g);
}

function canonicalStatementKeys(policy: PolicyDocument): string[] {
  return normalizePolicy(policy).Statement.map((statement) => JSON.stringify(normalizePolicy({ Statement: [statement] })));
}

describe('normalization properties', () => {
  it('reshaping keeps a policy equivalent', () => {
    fc.assert(
      fc.property(policyArb, choicesArb, (policy, g) => {
        const reshaped = reshapePolicy(policy, g);
        expect(policiesEquivalent(policy, reshaped)).toBe(true);
        expect(canonicalJson(normalizePolicy(reshaped))).toBe(canonicalJson(normalizePolicy(policy)));
      }),
    );
  });

  it('adding a principal breaks equivalence', () => {
    fc.assert(
      fc.property(policyArb, choicesArb, (policy, g) => {
        const statements = structuredClone(policy.Statement as Statement[]);
        const target = statements[g.nat(statements.length - 1)]!;
        const element = target.Principal === undefined ? 'NotPrincipal' : 'Principal';
        const principal = target[element] as Record<string, string[]>;
        principal.AWS = [...(principal.AWS ?? []), FRESH_PRINCIPAL];

        expect(policiesEquivalent(policy, reshapePolicy({ ...policy, Statement: statements }, g))).toBe(false);
      }),
    );
  });

  it('adding a new statement breaks equivalence', () => {
    fc.assert(
      fc.property(policyArb, statementArb, choicesArb, (policy, extra, g) => {
        const withExtra = { ...policy, Statement: [...(policy.Statement as Statement[]), extra] };
        const alreadyPresent = canonicalStatementKeys(policy).includes(canonicalStatementKeys({ Statement: [extra] })[0]!);

        expect(policiesEquivalent(policy, reshapePolicy(withExtra, g))).toBe(alreadyPresent);
      }),
    );
  });

  it('new principal statement never equivalent', () => {
    fc.assert(
      fc.property(policyArb, choicesArb, (policy, g) => {
        const extra = { Effect: 'Allow', Principal: { AWS: FRESH_PRINCIPAL }, Action: 'sts:AssumeRole' };
        const withExtra = { ...policy, Statement: [...(policy.Statement as Statement[]), extra] };

        expect(policiesEquivalent(policy, reshapePolicy(withExtra, g))).toBe(false);
      }),
    );
  });

  it('removing Version breaks equivalence', () => {
    fc.assert(
      fc.property(policyArb, choicesArb, (policy, g) => {
        const versioned = { ...policy, Version: '2012-10-17' };
        const { Version: _version, ...unversioned } = versioned;

        expect(policiesEquivalent(versioned, reshapePolicy(unversioned, g))).toBe(false);
      }),
    );
  });

  it('normalization is idempotent', () => {
    fc.assert(
      fc.property(policyArb, choicesArb, (policy, g) => {
        const once = normalizePolicy(reshapePolicy(policy, g));

        expect(canonicalJson(normalizePolicy(once))).toBe(canonicalJson(once));
      }),
    );
  });
});
