/**
 * Drift checks of the trust policy of the service role, done statement by statement on the
 * normalized document so that any shape IAM stores of the desired policy is compliant.
 *
 * The desired trust policy has one statement: Allow, `Principal: {"Service": "ssm.amazonaws.com"}`,
 * `Action: "sts:AssumeRole"`, and either no Condition or the confused-deputy conditions that the
 * command-line procedure of the Systems Manager User Guide ("Create an IAM service role for a hybrid
 * environment") adds: `StringEquals aws:SourceAccount` and `ArnEquals aws:SourceArn`. `ArnLike` is
 * accepted in place of `ArnEquals`, and either condition alone counts as hardening.
 */
import type { DesiredTrustPolicy, Finding, FindingCode, ObservedDocument, PolicyDocument, Severity } from '../model.js';
import {
  normalizePolicy,
  normalizeStatementsInOrder,
  statementSortKey,
  type ConditionMap,
  type NormalizedStatement,
  type PrincipalMap,
} from '../policy/normalize.js';
import { actionMatches, arnPatternCovers } from '../policy/wildcard.js';
import { createFinding } from './catalog.js';

const CURRENT_POLICY_VERSION = '2012-10-17';
const LEGACY_POLICY_VERSION = '2008-10-17';

/**
 * STS actions with which a principal named in a trust policy gets credentials for the role. Other
 * STS actions in a trust policy, such as `sts:TagSession` and `sts:SetSourceIdentity`, are checked
 * only as part of one of these requests (IAM User Guide, "Pass session tags in AWS STS"). A statement
 * that allows only them is therefore an extra statement, not an extra principal.
 */
const ASSUME_ROLE_ACTIONS = ['sts:assumerole', 'sts:assumerolewithsaml', 'sts:assumerolewithwebidentity'];

/** Statement elements that the desired statement may have. Their values are checked separately. */
const DESIRED_STATEMENT_ELEMENTS = new Set(['Sid', 'Effect', 'Principal', 'Action', 'Condition']);

const SOURCE_ACCOUNT_KEY = 'aws:sourceaccount';
const SOURCE_ARN_KEY = 'aws:sourcearn';
const SOURCE_ACCOUNT_OPERATORS = new Set(['stringequals']);
const SOURCE_ARN_OPERATORS = new Set(['arnequals', 'arnlike']);

/** AWS's spelling of the names that normalization lower-cases, for messages. */
const DISPLAY_NAMES: Record<string, string> = {
  stringequals: 'StringEquals',
  arnequals: 'ArnEquals',
  arnlike: 'ArnLike',
  [SOURCE_ACCOUNT_KEY]: 'aws:SourceAccount',
  [SOURCE_ARN_KEY]: 'aws:SourceArn',
};

const HARDENING_SEVERITY: Record<'recommended' | 'required', Severity> = { recommended: 'low', required: 'high' };

/** A statement that allows the service principal the desired action, by 1-based position in the observed document. */
interface ServiceStatement {
  number: number;
  statement: NormalizedStatement;
  shapeProblems: string[];
}

interface StatementClassification {
  serviceStatements: ServiceStatement[];
  /** Statement numbers by extra principal, such as `AWS:arn:aws:iam::999999999999:root`. */
  extraPrincipalStatements: Map<string, number[]>;
  /** Reasons by statement number, each completing "Statement N of the trust policy ...". */
  extraStatementReasons: Map<number, string[]>;
}

/**
 * Evaluates the trust policy of role `roleName` against the desired trust policy.
 *
 * Returns POLICY_DOCUMENT_UNPARSEABLE alone when the document could not be parsed. Otherwise each
 * finding carries the desired document as `expected` and the observed one as `actual`, both in
 * canonical form. Messages and subjects number statements from 1 in the order of the observed
 * document, which is the order IAM stores and shows, not the order of the canonical `actual`.
 * Findings come in statement order; `evaluateRole` sorts them.
 */
export function evaluateTrustPolicy(desired: DesiredTrustPolicy, observed: ObservedDocument, roleName: string): Finding[] {
  // Reports show the documents as written (desired) and as IAM stores them (observed), so a reviewer
  // can compare them with the IAM console. The comparison itself uses the normalized forms.
  const expected = desired.document;

  if (observed.document === undefined || observed.parseError !== undefined) {
    const reason = observed.parseError ?? 'no document was parsed';
    return [
      createFinding('POLICY_DOCUMENT_UNPARSEABLE', {
        subject: 'trust policy',
        message: `The trust policy of role ${roleName} could not be parsed (${reason}), so it was not checked.`,
        expected,
        actual: observed.text,
      }),
    ];
  }

  const policy = normalizePolicy(observed.document);
  const actual = observed.document;
  const findings: Finding[] = [];
  const addFinding = (
    code: FindingCode,
    fields: { subject: string; message: string; severity?: Severity; advisory?: boolean; fixable?: boolean },
  ): void => {
    findings.push(createFinding(code, { ...fields, expected, actual }));
  };

  const { serviceStatements, extraPrincipalStatements, extraStatementReasons } = classifyStatements(
    observed.document,
    desired,
  );

  if (serviceStatements.length === 0) {
    addFinding('TRUST_PRINCIPAL_MISSING', {
      subject: 'trust policy',
      message: `The trust policy of role ${roleName} has no Allow statement that lets ${desired.servicePrincipal} call ${desired.action}.`,
    });
  }

  for (const [principal, numbers] of extraPrincipalStatements) {
    addFinding('TRUST_PRINCIPAL_EXTRA', {
      subject: principal,
      message: `The trust policy of role ${roleName} lets ${principal} assume the role (${describeStatementNumbers(numbers)}).`,
    });
  }

  for (const [number, reasons] of extraStatementReasons) {
    addFinding('TRUST_STATEMENT_EXTRA', {
      subject: `trust policy statement ${number}`,
      message: `Statement ${number} of the trust policy of role ${roleName} ${reasons.join(' and ')}.`,
    });
  }

  // Conditions and confused-deputy hardening of every statement that trusts the service principal.
  const unhardened: number[] = [];
  for (const entry of serviceStatements) {
    const review = reviewConditions(entry.statement.Condition, desired);
    for (const problem of review.problems) {
      addFinding('TRUST_CONDITION_MISMATCH', {
        subject: `trust policy statement ${entry.number}`,
        message: `Statement ${entry.number} of the trust policy of role ${roleName} ${problem}.`,
      });
    }
    if (!review.hardened) {
      unhardened.push(entry.number);
    }
  }

  if (desired.hardening !== 'off' && unhardened.length > 0) {
    addFinding('TRUST_HARDENING_MISSING', {
      subject: 'trust policy',
      severity: HARDENING_SEVERITY[desired.hardening],
      // With hardening "recommended" the guide's plain trust policy stays compliant: this is advice
      // only, and --fix writes no change for it (it adds the conditions only when it rewrites the
      // trust policy for another finding).
      advisory: desired.hardening === 'recommended',
      fixable: desired.hardening === 'required',
      message:
        `The trust policy of role ${roleName} lets ${desired.servicePrincipal} assume the role without an ` +
        `aws:SourceAccount or aws:SourceArn condition (${describeStatementNumbers(unhardened)}), ` +
        `which leaves it open to the confused-deputy problem.`,
    });
  }

  if (policy.Version !== CURRENT_POLICY_VERSION) {
    const version =
      policy.Version === undefined
        ? `no Version (expected ${CURRENT_POLICY_VERSION})`
        : `Version ${policy.Version} instead of ${CURRENT_POLICY_VERSION}`;
    const consequence =
      policy.Version === undefined || policy.Version === LEGACY_POLICY_VERSION
        ? `, so IAM evaluates it in the ${LEGACY_POLICY_VERSION} policy language, which has no policy variables`
        : '';
    addFinding('TRUST_VERSION_MISSING', {
      subject: 'trust policy',
      message: `The trust policy of role ${roleName} has ${version}${consequence}.`,
    });
  }

  return findings;
}

/**
 * Sorts the statements of a trust policy into those that trust the service principal, the extra
 * principals that other statements let assume the role, and extra statements with their reasons.
 */
function classifyStatements(document: PolicyDocument, desired: DesiredTrustPolicy): StatementClassification {
  const serviceEntry = principalEntry('Service', desired.servicePrincipal);
  const desiredAction = desired.action.toLowerCase();
  const serviceStatements: ServiceStatement[] = [];
  const extraPrincipalStatements = new Map<string, number[]>();
  const extraStatementReasons = new Map<number, string[]>();

  const seenStatements = new Set<string>();
  for (const [index, statement] of normalizeStatementsInOrder(document).entries()) {
    const number = index + 1;

    // A repeated statement changes nothing, as in normalizePolicy.
    const sortKey = statementSortKey(statement);
    if (seenStatements.has(sortKey)) {
      continue;
    }
    seenStatements.add(sortKey);

    const extraReason = reasonStatementCannotTrust(statement);
    if (extraReason !== undefined) {
      extraStatementReasons.set(number, [extraReason]);
      continue;
    }

    const trustsService =
      statement.Principal?.Service?.includes(desired.servicePrincipal) === true && allowsAction(statement, desiredAction);
    const grantsAssumeRole = trustsService || ASSUME_ROLE_ACTIONS.some((action) => allowsAction(statement, action));
    const otherPrincipals = grantsAssumeRole
      ? principalEntries(statement.Principal!).filter((entry) => entry !== serviceEntry)
      : [];

    for (const principal of otherPrincipals) {
      extraPrincipalStatements.set(principal, [...(extraPrincipalStatements.get(principal) ?? []), number]);
    }

    if (trustsService) {
      serviceStatements.push({ number, statement, shapeProblems: findShapeProblems(statement, desiredAction) });
    } else if (otherPrincipals.length === 0) {
      extraStatementReasons.set(number, [
        `allows ${describeActions(statement)}, which does not let its principal assume the role`,
      ]);
    }
  }

  // Only one statement that trusts the service principal is the desired one, and any other is an extra.
  const primary = serviceStatements.find((entry) => entry.shapeProblems.length === 0) ?? serviceStatements[0];
  for (const entry of serviceStatements) {
    const reasons = [...entry.shapeProblems];
    if (entry !== primary) {
      reasons.push(`also trusts ${desired.servicePrincipal}, as statement ${primary!.number} does`);
    }
    if (reasons.length > 0) {
      extraStatementReasons.set(entry.number, reasons);
    }
  }

  return { serviceStatements, extraPrincipalStatements, extraStatementReasons };
}

/** Returns why a statement cannot be one that trusts a principal, or undefined when it can. */
function reasonStatementCannotTrust(statement: NormalizedStatement): string | undefined {
  // IAM User Guide, "AWS JSON policy elements: NotPrincipal": not allowed in a role trust policy.
  if (statement.NotPrincipal !== undefined) {
    return 'uses NotPrincipal, which IAM does not support in a role trust policy';
  }
  if (statement.Effect === 'Deny') {
    return 'is a Deny statement';
  }
  if (statement.Effect !== 'Allow') {
    return statement.Effect === undefined ? 'has no Effect' : `has the invalid Effect ${JSON.stringify(statement.Effect)}`;
  }
  if (statement.Principal === undefined) {
    return 'names no principal';
  }
  return undefined;
}

/** Lists what makes a statement that trusts the service principal differ from the desired statement, besides principals and conditions. */
function findShapeProblems(statement: NormalizedStatement, desiredAction: string): string[] {
  const problems: string[] = [];

  if (statement.NotAction !== undefined) {
    problems.push(`uses NotAction (${statement.NotAction.join(', ')}), which allows every other action`);
  }
  const extraActions = (statement.Action ?? []).filter((action) => action !== desiredAction);
  if (extraActions.length > 0) {
    problems.push(`also allows ${extraActions.join(', ')}`);
  }

  const extraElements = Object.keys(statement).filter(
    (element) => !DESIRED_STATEMENT_ELEMENTS.has(element) && element !== 'NotAction',
  );
  if (extraElements.length > 0) {
    problems.push(`has the element ${extraElements.join(', ')}, which the desired statement does not have`);
  }

  return problems;
}

interface ConditionReview {
  /** Whether an `aws:SourceAccount` or `aws:SourceArn` condition with an accepted operator is present. */
  hardened: boolean;
  /** Verb phrases, each completing "Statement N of the trust policy ...". */
  problems: string[];
}

/**
 * Checks the conditions of a statement that trusts the service principal. Only the confused-deputy
 * conditions are accepted, each alone or both together (an AND), and their values must name the
 * owning account or a source ARN that one of the accepted patterns covers.
 */
function reviewConditions(condition: ConditionMap | undefined, desired: DesiredTrustPolicy): ConditionReview {
  const review: ConditionReview = { hardened: false, problems: [] };

  for (const [operator, keys] of Object.entries(condition ?? {})) {
    for (const [key, values] of Object.entries(keys)) {
      const name = `${displayName(operator)} ${displayName(key)}`;

      if (key === SOURCE_ACCOUNT_KEY && SOURCE_ACCOUNT_OPERATORS.has(operator)) {
        review.hardened = true;
        const otherAccounts = values.filter((value) => value !== desired.sourceAccount);
        if (values.length === 0) {
          review.problems.push(`has a ${name} condition without a value`);
        } else if (otherAccounts.length > 0) {
          review.problems.push(
            `has a ${name} condition naming ${otherAccounts.join(', ')} instead of ${desired.sourceAccount}`,
          );
        }
      } else if (key === SOURCE_ARN_KEY && SOURCE_ARN_OPERATORS.has(operator)) {
        review.hardened = true;
        const uncovered = values.filter((value) => !isAcceptedSourceArn(value, desired.sourceArnPatterns));
        if (values.length === 0) {
          review.problems.push(`has a ${name} condition without a value`);
        } else if (uncovered.length > 0) {
          review.problems.push(
            `has a ${name} condition with ${uncovered.join(', ')}, which no accepted pattern ` +
              `(${desired.sourceArnPatterns.join(', ') || 'none configured'}) covers`,
          );
        }
      } else {
        review.problems.push(`has the condition ${name} ${JSON.stringify(values)}, which is not a confused-deputy condition`);
      }
    }
  }

  return review;
}

function isAcceptedSourceArn(value: string, patterns: string[]): boolean {
  return patterns.some((pattern) => pattern === value || arnPatternCovers(pattern, value));
}

/** Tests whether the statement's `Action` or `NotAction` lets `action` (lower-case) through. */
function allowsAction(statement: NormalizedStatement, action: string): boolean {
  if (statement.Action !== undefined) {
    return statement.Action.some((pattern) => actionMatches(pattern, action));
  }
  if (statement.NotAction !== undefined) {
    return !statement.NotAction.some((pattern) => actionMatches(pattern, action));
  }
  return false;
}

function principalEntries(principal: PrincipalMap): string[] {
  return Object.entries(principal).flatMap(([type, values]) => values.map((value) => principalEntry(type, value)));
}

/** Formats a principal as `<type>:<value>`, such as `AWS:arn:aws:iam::999999999999:root`. */
function principalEntry(type: string, value: string): string {
  return `${type}:${value}`;
}

function describeActions(statement: NormalizedStatement): string {
  if (statement.Action !== undefined) {
    return statement.Action.length === 0 ? 'no action' : statement.Action.join(', ');
  }
  if (statement.NotAction !== undefined) {
    return `every action except ${statement.NotAction.join(', ')}`;
  }
  return 'no action';
}

function describeStatementNumbers(numbers: number[]): string {
  return numbers.length === 1 ? `statement ${numbers[0]}` : `statements ${numbers.join(', ')}`;
}

function displayName(normalizedName: string): string {
  return DISPLAY_NAMES[normalizedName] ?? normalizedName;
}
