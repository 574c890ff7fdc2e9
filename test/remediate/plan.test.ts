import { describe, expect, it } from 'vitest';

import type { Finding } from '../../src/model.js';
import { buildAccountPlan, CREATED_BY_RUN_TAG } from '../../src/remediate/index.js';
import {
  ACCOUNT_ID,
  ADMIN,
  CORE,
  DEPRECATED,
  desiredRole,
  EXTRA_PRINCIPAL_TRUST,
  FakeIam,
  hardenedTrust,
  INLINE_DOCUMENT,
  PLAIN_TRUST,
  PLAIN_TRUST_AS_STORED,
  planFor,
  ROLE_ARN,
  ROLE_NAME,
} from './helpers.js';

describe('buildAccountPlan', () => {
  it('plans nothing for a compliant role', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: PLAIN_TRUST_AS_STORED, attached: [CORE] });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions).toEqual([]);
    expect(plan.unfixable).toEqual([]);
    expect(plan.roleArn).toBe(ROLE_ARN);
  });

  it('creates a missing role first, then attaches required policies', async () => {
    const { plan } = await planFor(new FakeIam(), desiredRole(), { runId: 'run-42' });

    expect(plan.actions.map((action) => action.kind)).toEqual(['CreateRole', 'AttachRolePolicy']);
    expect(plan.before).toBeUndefined();
    expect(plan.roleArn).toBe(ROLE_ARN);
    const [create, attach] = plan.actions;
    expect(create!.write).toEqual({
      kind: 'CreateRole',
      roleName: ROLE_NAME,
      path: '/',
      trustPolicy: JSON.stringify(PLAIN_TRUST),
      tags: [{ Key: CREATED_BY_RUN_TAG, Value: 'run-42' }],
    });
    expect(create!.undo).toEqual({ kind: 'DeleteRole', roleName: ROLE_NAME });
    expect(create!.fixes).toEqual([{ code: 'ROLE_MISSING', subject: ROLE_ARN }]);
    expect(attach!.target).toBe(CORE);
  });

  it('creates an untagged role without a run id', () => {
    const desired = desiredRole();
    const plan = buildAccountPlan({ accountId: ACCOUNT_ID, desired, observed: undefined, findings: [] });

    expect(plan.actions[0]!.write).toMatchObject({ kind: 'CreateRole', tags: [] });
    expect(plan.roleArn).toBe(ROLE_ARN);
  });

  it('replaces a trust policy with an extra principal', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions).toHaveLength(1);
    const [update] = plan.actions;
    expect(update!.kind).toBe('UpdateAssumeRolePolicy');
    expect(update!.fixes.map((fix) => fix.code)).toContain('TRUST_PRINCIPAL_EXTRA');
    expect(update!.write).toEqual({ kind: 'UpdateAssumeRolePolicy', roleName: ROLE_NAME, trustPolicy: JSON.stringify(PLAIN_TRUST) });
    expect(update!.undo).toEqual({ kind: 'UpdateAssumeRolePolicy', roleName: ROLE_NAME, trustPolicy: EXTRA_PRINCIPAL_TRUST });
    expect(update!.before).toBe(EXTRA_PRINCIPAL_TRUST);
  });

  it('writes nothing for a recommended hardening advisory', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: PLAIN_TRUST });

    const { plan, findings } = await planFor(iam, desiredRole({ hardening: 'recommended' }));

    expect(findings.map((finding) => finding.code)).toEqual(['TRUST_HARDENING_MISSING']);
    expect(plan.actions).toEqual([]);
    expect(plan.advisories.map((finding) => finding.code)).toEqual(['TRUST_HARDENING_MISSING']);
  });

  it('hardens the trust policy when hardening is required', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: PLAIN_TRUST });

    const { plan } = await planFor(iam, desiredRole({ hardening: 'required' }));

    expect(plan.actions.map((action) => action.kind)).toEqual(['UpdateAssumeRolePolicy']);
    expect(plan.actions[0]!.write).toMatchObject({ trustPolicy: JSON.stringify(hardenedTrust(ACCOUNT_ID)) });
  });

  it('never writes for a finding marked advisory', () => {
    const desired = desiredRole({ hardening: 'required' });
    const advisory: Finding = {
      code: 'TRUST_HARDENING_MISSING',
      severity: 'low',
      message: 'advisory',
      subject: 'trust policy',
      fixable: true,
      advisory: true,
    };
    const observed = {
      roleName: ROLE_NAME,
      roleId: 'AROA1',
      arn: ROLE_ARN,
      path: '/',
      trustPolicy: { text: JSON.stringify(PLAIN_TRUST), document: PLAIN_TRUST },
      attachedPolicies: [{ policyArn: CORE, policyName: 'AmazonSSMManagedInstanceCore' }],
      inlinePolicies: [],
    };

    const plan = buildAccountPlan({ accountId: ACCOUNT_ID, desired, observed, findings: [advisory] });

    expect(plan.actions).toEqual([]);
    expect(plan.advisories).toEqual([advisory]);
  });

  it('attaches required policies before any detach', async () => {
    const iam = new FakeIam();
    iam.addRole({ attached: [DEPRECATED, ADMIN] });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions.map((action) => `${action.kind} ${action.target}`)).toEqual([
      `AttachRolePolicy ${CORE}`,
      `DetachRolePolicy ${DEPRECATED}`,
      `DetachRolePolicy ${ADMIN}`,
    ]);
    expect(plan.actions[2]!.undo).toEqual({ kind: 'AttachRolePolicy', roleName: ROLE_NAME, policyArn: ADMIN });
    expect(plan.actions[0]!.undo).toEqual({ kind: 'DetachRolePolicy', roleName: ROLE_NAME, policyArn: CORE });
  });

  it('deletes unexpected inline policies last, keeping their documents', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [CORE, ADMIN], inline: { 'extra-s3': INLINE_DOCUMENT } });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions.map((action) => action.kind)).toEqual(['UpdateAssumeRolePolicy', 'DetachRolePolicy', 'DeleteRolePolicy']);
    const remove = plan.actions[2]!;
    expect(remove.before).toBe(INLINE_DOCUMENT);
    expect(remove.undo).toEqual({ kind: 'PutRolePolicy', roleName: ROLE_NAME, policyName: 'extra-s3', policyDocument: INLINE_DOCUMENT });
    expect(plan.before?.inlinePolicies).toEqual([{ policyName: 'extra-s3', document: INLINE_DOCUMENT }]);
  });

  it('leaves a path mismatch to a person', async () => {
    const iam = new FakeIam();
    iam.addRole({ path: '/service-role/' });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions).toEqual([]);
    expect(plan.unfixable.map((finding) => finding.code)).toEqual(['ROLE_PATH_MISMATCH']);
  });

  it('replaces an unreadable trust policy', async () => {
    const iam = new FakeIam();
    iam.addRole({ trustPolicy: '{"Version": "2012-10-17", "Statement": [' });

    const { plan } = await planFor(iam, desiredRole());

    expect(plan.actions.map((action) => action.kind)).toEqual(['UpdateAssumeRolePolicy']);
    expect(plan.actions[0]!.fixes).toEqual([{ code: 'POLICY_DOCUMENT_UNPARSEABLE', subject: 'trust policy' }]);
  });

  it('keeps an unreadable inline policy with an allowed name', async () => {
    const iam = new FakeIam();
    iam.addRole({ inline: { kept: 'not json' } });
    const desired = { ...desiredRole(), allowedInlinePolicies: ['kept'] };

    const { plan } = await planFor(iam, desired);

    expect(plan.actions).toEqual([]);
    expect(plan.unfixable.map((finding) => `${finding.code} ${finding.subject}`)).toEqual(['POLICY_DOCUMENT_UNPARSEABLE kept']);
  });

  it('leaves an unreadable inline policy for a person', async () => {
    const iam = new FakeIam();
    iam.addRole({ inline: { stray: 'not json' } });

    const { plan } = await planFor(iam, desiredRole());

    // IAM accepts only JSON in PutRolePolicy, so a rollback could never put this policy back.
    expect(plan.actions).toEqual([]);
    expect(plan.unfixable.map((finding) => `${finding.code} ${finding.subject}`)).toEqual([
      'POLICY_DOCUMENT_UNPARSEABLE stray',
    ]);
  });

  it('names only the service role and never deletes it', async () => {
    const missingRole = new FakeIam();
    const driftedRole = new FakeIam();
    driftedRole.addRole({ trustPolicy: EXTRA_PRINCIPAL_TRUST, attached: [DEPRECATED, ADMIN], inline: { a: INLINE_DOCUMENT } });

    for (const iam of [missingRole, driftedRole]) {
      const { plan } = await planFor(iam, desiredRole({ hardening: 'required' }));
      expect(plan.actions.length).toBeGreaterThan(0);
      for (const action of plan.actions) {
        expect(action.write.roleName).toBe(ROLE_NAME);
        expect(action.write.kind).not.toBe('DeleteRole');
      }
    }
  });
});
