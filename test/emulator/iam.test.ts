import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand,
  ListRolesCommand,
  ListRoleTagsCommand,
  PutRolePolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
  UpdateAssumeRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand } from '@aws-sdk/client-sts';
import { beforeEach, describe, expect, it } from 'vitest';

import type { Emulator, OrgDefinitionInput } from '../../src/emulator/index.js';
import {
  clientsFor,
  CORE,
  emulatorLauncher,
  MANAGEMENT,
  MEMBER,
  MEMBER_USER,
  rejection,
  smallOrg,
  SSM_TRUST,
  type Clients,
} from './helpers.js';

const launch = emulatorLauncher();
let emulator: Emulator;
let clients: Clients;

async function start(org: OrgDefinitionInput = smallOrg(), pageSizeCap?: number): Promise<void> {
  emulator = await launch({ org, pageSizeCap: pageSizeCap === undefined ? undefined : { iam: pageSizeCap } });
  clients = clientsFor(emulator);
}

describe('IAM reads', () => {
  beforeEach(() => start());

  it('GetRole returns the role with an encoded trust policy', async () => {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(Role?.Arn).toBe(`arn:aws:iam::${MANAGEMENT}:role/SSMServiceRole`);
    expect(Role?.Path).toBe('/');
    expect(Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(Role?.MaxSessionDuration).toBe(3600);
    expect(Role?.CreateDate).toBeInstanceOf(Date);
    expect(Role?.AssumeRolePolicyDocument).toBe(encodeURIComponent(JSON.stringify(SSM_TRUST)));
    expect(JSON.parse(decodeURIComponent(Role!.AssumeRolePolicyDocument!))).toEqual(SSM_TRUST);
  });

  it('GetRole finds role names case-insensitively', async () => {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'ssmservicerole' }));

    expect(Role?.RoleName).toBe('SSMServiceRole');
  });

  it('GetRole of a missing role is NoSuchEntity 404', async () => {
    const error = await rejection(clients.iam.send(new GetRoleCommand({ RoleName: 'Missing' })));

    expect(error.name).toBe('NoSuchEntityException');
    expect(error.message).toBe('The role with name Missing cannot be found.');
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.$metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('GetPolicy finds AWS managed policies by path', async () => {
    const core = await clients.iam.send(new GetPolicyCommand({ PolicyArn: CORE }));
    const deprecated = await clients.iam.send(
      new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/service-role/AmazonEC2RoleforSSM' }),
    );
    const withoutPath = await rejection(
      clients.iam.send(new GetPolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AmazonEC2RoleforSSM' })),
    );

    expect(core.Policy?.PolicyName).toBe('AmazonSSMManagedInstanceCore');
    expect(core.Policy?.AttachmentCount).toBe(1);
    expect(deprecated.Policy?.Path).toBe('/service-role/');
    expect(withoutPath.name).toBe('NoSuchEntityException');
  });

  it('unsupported action is InvalidAction 400', async () => {
    const response = await fetch(emulator.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `AWS4-HMAC-SHA256 Credential=${emulator.callerCredentials.accessKeyId}/20240101/us-east-1/iam/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: 'Action=ListUsers&Version=2010-05-08',
    });
    const body = await response.text();

    expect(response.status).toBe(400);
    expect(body).toContain('<Code>InvalidAction</Code>');
    expect(body).toContain('<Type>Sender</Type>');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
  });
});

describe('IAM percent-encoded documents', () => {
  const literal = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/run%2Fx/*"}}';
  const trustText = '{\n  "Statement": [{"Sid": "", "Effect": "Allow", "Principal": {"Service": ["ssm.amazonaws.com"]}, "Action": ["sts:assumerole"]}]\n}';

  beforeEach(() => {
    const org = smallOrg();
    org.accounts[0]!.roles = [
      { name: 'Encoded', trustPolicy: trustText, inlinePolicies: { Literal: literal } },
    ];
    return start(org);
  });

  it('trust policy text is returned byte for byte after one decode', async () => {
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'Encoded' }));

    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(trustText);
    expect(Role!.AssumeRolePolicyDocument).toContain('%0A%20%20%22Statement');
  });

  it('a %2F literal survives exactly one decode', async () => {
    const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: 'Encoded', PolicyName: 'Literal' }));

    expect(PolicyDocument).toContain('%252F');
    expect(decodeURIComponent(PolicyDocument!)).toBe(literal);
    expect(decodeURIComponent(PolicyDocument!)).toContain('run%2Fx');
  });

  it('RFC 3986 reserved characters are encoded', async () => {
    const text = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::(b)!\'"}}';
    await clients.iam.send(new PutRolePolicyCommand({ RoleName: 'Encoded', PolicyName: 'Reserved', PolicyDocument: text }));

    const { PolicyDocument } = await clients.iam.send(new GetRolePolicyCommand({ RoleName: 'Encoded', PolicyName: 'Reserved' }));

    expect(PolicyDocument).toContain('%2A');
    expect(PolicyDocument).toContain('%28b%29%21%27');
    expect(decodeURIComponent(PolicyDocument!)).toBe(text);
  });
});

describe('IAM pagination', () => {
  const attached = [
    'arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore',
    'arn:aws:iam::aws:policy/AmazonSSMDirectoryServiceAccess',
    'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
  ];

  function orgWithPages(): OrgDefinitionInput {
    const org = smallOrg();
    org.accounts[0]!.roles = [
      {
        name: 'Paged',
        trustPolicy: SSM_TRUST,
        attachedPolicies: attached,
        inlinePolicies: Object.fromEntries(
          ['One', 'Two', 'Three'].map((name) => [name, { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }]),
        ),
        tags: { a: '1', b: '2', c: '3' },
      },
    ];
    return org;
  }

  it('ListAttachedRolePolicies with MaxItems 1 truncates', async () => {
    await start(orgWithPages());

    const first = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Paged', MaxItems: 1 }));
    const second = await clients.iam.send(
      new ListAttachedRolePoliciesCommand({ RoleName: 'Paged', MaxItems: 1, Marker: first.Marker }),
    );
    const rest = await clients.iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'Paged', Marker: second.Marker }));

    expect(first.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([attached[0]]);
    expect(first.IsTruncated).toBe(true);
    expect(first.Marker).toBeTruthy();
    expect(second.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([attached[1]]);
    expect(rest.AttachedPolicies?.map((policy) => policy.PolicyArn)).toEqual([attached[2]]);
    expect(rest.IsTruncated).toBe(false);
    expect(rest.Marker).toBeUndefined();
  });

  it('short pages stay truncated below MaxItems', async () => {
    await start(orgWithPages(), 1);
    const names: string[] = [];
    let marker: string | undefined;
    let pages = 0;

    do {
      const page = await clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'Paged', MaxItems: 100, Marker: marker }));
      names.push(...page.PolicyNames!);
      expect(page.PolicyNames!.length).toBeLessThan(100);
      marker = page.IsTruncated ? page.Marker : undefined;
      pages++;
    } while (marker !== undefined);

    expect(names).toEqual(['One', 'Two', 'Three']);
    expect(pages).toBe(3);
  });

  it('ListRoleTags and ListRoles page too', async () => {
    await start(orgWithPages());

    const tags = await clients.iam.send(new ListRoleTagsCommand({ RoleName: 'Paged', MaxItems: 2 }));
    const roles = await clients.iam.send(new ListRolesCommand({ MaxItems: 1 }));

    expect(tags.Tags).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }]);
    expect(tags.IsTruncated).toBe(true);
    expect(roles.Roles?.map((role) => role.RoleName)).toEqual(['Paged']);
    expect(roles.IsTruncated).toBe(false);
  });

  it('MaxItems outside 1-1000 is ValidationError', async () => {
    await start(orgWithPages());

    const error = await rejection(clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'Paged', MaxItems: 1001 })));

    expect(error.name).toBe('ValidationError');
    expect(error.$metadata.httpStatusCode).toBe(400);
  });

  it('a forged Marker is ValidationError', async () => {
    await start(orgWithPages());

    const error = await rejection(clients.iam.send(new ListRolePoliciesCommand({ RoleName: 'Paged', Marker: 'bm9wZQ==' })));

    expect(error.name).toBe('ValidationError');
  });
});

describe('IAM writes', () => {
  beforeEach(() => start());

  it('CreateRole stores the role and rejects a duplicate name', async () => {
    const document = JSON.stringify(SSM_TRUST);
    const created = await clients.iam.send(
      new CreateRoleCommand({ RoleName: 'NewRole', Path: '/team/', AssumeRolePolicyDocument: document, Tags: [{ Key: 'k', Value: 'v' }] }),
    );
    const duplicate = await rejection(
      clients.iam.send(new CreateRoleCommand({ RoleName: 'NEWROLE', AssumeRolePolicyDocument: document })),
    );

    expect(created.Role?.Arn).toBe(`arn:aws:iam::${MANAGEMENT}:role/team/NewRole`);
    expect(emulator.state.role(MANAGEMENT, 'NewRole')?.tags).toEqual({ k: 'v' });
    expect(duplicate.name).toBe('EntityAlreadyExistsException');
    expect(duplicate.$metadata.httpStatusCode).toBe(409);
  });

  it('CreateRole rejects malformed trust policies', async () => {
    const cases: [string, string][] = [
      ['not json', 'This policy contains invalid Json'],
      ['[1]', 'Syntax errors in policy.'],
      [JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'sts:AssumeRole' } }), 'Missing required field Principal'],
      [
        JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole', Resource: '*' } }),
        'Has prohibited field Resource',
      ],
      [
        JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { AWS: 'bob' }, Action: 'sts:AssumeRole' } }),
        'Invalid principal in policy: "AWS":"bob"',
      ],
      [
        JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:GetObject' } }),
        'AssumeRole policy may only specify STS AssumeRole actions.',
      ],
    ];

    for (const [document, message] of cases) {
      const error = await rejection(clients.iam.send(new CreateRoleCommand({ RoleName: 'Bad', AssumeRolePolicyDocument: document })));
      expect(error.name, document).toBe('MalformedPolicyDocumentException');
      expect(error.message, document).toBe(message);
      expect(error.$metadata.httpStatusCode, document).toBe(400);
    }
    expect(emulator.state.role(MANAGEMENT, 'Bad')).toBeUndefined();
  });

  it('trust policy over the size quota is LimitExceeded', async () => {
    const services = Array.from({ length: 120 }, (_, index) => `service${index}.amazonaws.com`);
    const document = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' } });

    const error = await rejection(clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyDocument: document })));

    expect(error.name).toBe('LimitExceededException');
    expect(error.message).toBe('Cannot exceed quota for ACLSizePerRole: 2048');
  });

  it('UpdateAssumeRolePolicy stores the text as written', async () => {
    const document = '{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Principal": { "Service": "ssm.amazonaws.com" }, "Action": "sts:AssumeRole" } }';

    await clients.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyDocument: document }));
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(decodeURIComponent(Role!.AssumeRolePolicyDocument!)).toBe(document);
  });

  it('AttachRolePolicy of an unknown ARN is NoSuchEntity', async () => {
    const error = await rejection(
      clients.iam.send(new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: 'arn:aws:iam::aws:policy/NoSuchPolicy' })),
    );

    expect(error.name).toBe('NoSuchEntityException');
    expect(error.message).toBe('Policy arn:aws:iam::aws:policy/NoSuchPolicy does not exist or is not attachable.');
    expect(error.$metadata.httpStatusCode).toBe(404);
  });

  it('AttachRolePolicy rejects service-linked role policies', async () => {
    const error = await rejection(
      clients.iam.send(
        new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: 'arn:aws:iam::aws:policy/aws-service-role/AmazonSSMServiceRolePolicy' }),
      ),
    );

    expect(error.name).toBe('PolicyNotAttachableException');
  });

  it('AttachRolePolicy beyond the quota is LimitExceeded', async () => {
    const member = clientsFor(emulator, MEMBER_USER);
    const s3Policy = `arn:aws:iam::${MEMBER}:policy/SSMServiceRoleS3BucketAccess`;

    await member.iam.send(new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: s3Policy }));
    await member.iam.send(new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: s3Policy }));
    const error = await rejection(
      member.iam.send(new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' })),
    );

    expect(emulator.state.role(MEMBER, 'SSMServiceRole')?.attachedPolicies).toEqual([CORE, s3Policy]);
    expect(error.name).toBe('LimitExceededException');
    expect(error.message).toBe('Cannot exceed quota for PoliciesPerRole: 2');
    expect(error.$metadata.httpStatusCode).toBe(409);
  });

  it('customer policies of another account are not attachable', async () => {
    const error = await rejection(
      clients.iam.send(
        new AttachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: `arn:aws:iam::${MEMBER}:policy/SSMServiceRoleS3BucketAccess` }),
      ),
    );

    expect(error.name).toBe('NoSuchEntityException');
  });

  it('DetachRolePolicy removes the policy and rejects a second detach', async () => {
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: CORE }));
    const error = await rejection(clients.iam.send(new DetachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: CORE })));

    expect(emulator.state.role(MANAGEMENT, 'SSMServiceRole')?.attachedPolicies).toEqual([]);
    expect(error.name).toBe('NoSuchEntityException');
  });

  it('DeleteRole with policies is DeleteConflict', async () => {
    await clients.iam.send(
      new PutRolePolicyCommand({
        RoleName: 'SSMServiceRole',
        PolicyName: 'Extra',
        PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*', Resource: '*' } }),
      }),
    );

    const attached = await rejection(clients.iam.send(new DeleteRoleCommand({ RoleName: 'SSMServiceRole' })));
    await clients.iam.send(new DetachRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyArn: CORE }));
    const inline = await rejection(clients.iam.send(new DeleteRoleCommand({ RoleName: 'SSMServiceRole' })));
    await clients.iam.send(new DeleteRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyName: 'Extra' }));
    await clients.iam.send(new DeleteRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(attached.name).toBe('DeleteConflictException');
    expect(attached.$metadata.httpStatusCode).toBe(409);
    expect(inline.message).toBe('Cannot delete entity, must delete policies first.');
    expect(emulator.state.role(MANAGEMENT, 'SSMServiceRole')).toBeUndefined();
  });

  it('PutRolePolicy rejects a principal and missing resources', async () => {
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' } });
    const withoutResource = JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 's3:*' } });

    const principal = await rejection(
      clients.iam.send(new PutRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyName: 'P', PolicyDocument: withPrincipal })),
    );
    const resource = await rejection(
      clients.iam.send(new PutRolePolicyCommand({ RoleName: 'SSMServiceRole', PolicyName: 'P', PolicyDocument: withoutResource })),
    );

    expect(principal.name).toBe('MalformedPolicyDocumentException');
    expect(resource.message).toBe('Policy statement must contain resources.');
  });

  it('service-linked roles are UnmodifiableEntity', async () => {
    const member = clientsFor(emulator, MEMBER_USER);
    const role = 'AWSServiceRoleForAmazonSSM';

    const attempts = [
      member.iam.send(new AttachRolePolicyCommand({ RoleName: role, PolicyArn: CORE })),
      member.iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: role, PolicyDocument: JSON.stringify(SSM_TRUST) })),
      member.iam.send(new DeleteRoleCommand({ RoleName: role })),
      member.iam.send(new TagRoleCommand({ RoleName: role, Tags: [{ Key: 'a', Value: 'b' }] })),
    ];

    for (const attempt of attempts) {
      const error = await rejection(attempt);
      expect(error.name).toBe('UnmodifiableEntityException');
      expect(error.$metadata.httpStatusCode).toBe(400);
    }
    const { Role } = await member.iam.send(new GetRoleCommand({ RoleName: role }));
    expect(Role?.Arn).toBe(`arn:aws:iam::${MEMBER}:role/aws-service-role/ssm.amazonaws.com/${role}`);
  });

  it('TagRole and UntagRole change the tags', async () => {
    await clients.iam.send(new TagRoleCommand({ RoleName: 'SSMServiceRole', Tags: [{ Key: 'owner', Value: 'ops & <sec>' }, { Key: 'x', Value: '1' }] }));
    await clients.iam.send(new UntagRoleCommand({ RoleName: 'SSMServiceRole', TagKeys: ['x'] }));

    const { Tags } = await clients.iam.send(new ListRoleTagsCommand({ RoleName: 'SSMServiceRole' }));
    const { Role } = await clients.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' }));

    expect(Tags).toEqual([{ Key: 'owner', Value: 'ops & <sec>' }]);
    expect(Role?.Tags).toEqual([{ Key: 'owner', Value: 'ops & <sec>' }]);
  });
});

describe('IAM account isolation', () => {
  beforeEach(() => start());

  it('each account sees only its own roles', async () => {
    const member = clientsFor(emulator, MEMBER_USER);

    const own = await member.iam.send(new GetRoleCommand({ RoleName: 'ChainTarget' }));
    const fromManagement = await rejection(clients.iam.send(new GetRoleCommand({ RoleName: 'ChainTarget' })));
    const otherMember = await rejection(member.iam.send(new GetRoleCommand({ RoleName: 'OnlyInB' })));

    expect(own.Role?.Arn).toBe(`arn:aws:iam::${MEMBER}:role/ChainTarget`);
    expect(fromManagement.name).toBe('NoSuchEntityException');
    expect(otherMember.name).toBe('NoSuchEntityException');
  });

  it('assumed-role credentials are bound to the role account', async () => {
    const { Credentials } = await clients.sts.send(
      new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${MEMBER}:role/OrganizationAccountAccessRole`, RoleSessionName: 'audit' }),
    );
    const session = clientsFor(emulator, {
      accessKeyId: Credentials!.AccessKeyId!,
      secretAccessKey: Credentials!.SecretAccessKey!,
      sessionToken: Credentials!.SessionToken!,
    });

    const { Roles } = await session.iam.send(new ListRolesCommand({}));
    const otherAccount = await rejection(session.iam.send(new GetRoleCommand({ RoleName: 'OnlyInB' })));

    expect(Roles?.map((role) => role.Arn).every((arn) => arn!.startsWith(`arn:aws:iam::${MEMBER}:`))).toBe(true);
    expect(Roles?.map((role) => role.RoleName)).toContain('ExternalIdRole');
    expect(otherAccount.name).toBe('NoSuchEntityException');
  });

  it('unknown access key is InvalidClientTokenId 403', async () => {
    const stranger = clientsFor(emulator, { accessKeyId: 'AKIAUNKNOWN000000001', secretAccessKey: 'x' });

    const error = await rejection(stranger.iam.send(new GetRoleCommand({ RoleName: 'SSMServiceRole' })));

    expect(error.name).toBe('InvalidClientTokenId');
    expect(error.$metadata.httpStatusCode).toBe(403);
  });
});
