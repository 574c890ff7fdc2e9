import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

import { parseConfig } from '../../src/config/index.js';
import { ConfigError } from '../../src/errors.js';
import { editedConfig, problemsOf, VALID_CONFIG_YAML } from './helpers.js';

interface MalformedCase {
  name: string;
  text: string;
  sourceName?: string;
  path: string;
  fragment: string;
  /** How many problems the file has in total, so that one mistake never reports noise. */
  count: number;
}

const S3_ARN = 'arn:${Partition}:iam::${AccountId}:policy/SSMServiceRoleS3BucketAccess';

const malformedCases: MalformedCase[] = [
  {
    name: 'version missing',
    text: editedConfig((c) => delete c.version),
    path: 'version',
    fragment: 'missing key version; add version: 1',
    count: 1,
  },
  {
    name: 'unsupported version',
    text: editedConfig((c) => (c.version = 2)),
    path: 'version',
    fragment: 'unsupported version number 2',
    count: 1,
  },
  {
    name: 'role name of wrong type',
    text: editedConfig((c) => (c.role.name = 42)),
    path: 'role.name',
    fragment: 'expected a string, got number 42',
    count: 1,
  },
  {
    name: 'role as a string',
    text: editedConfig((c) => (c.role = 'SSMServiceRole')),
    path: 'role',
    fragment: 'expected a mapping (key: value pairs), got "SSMServiceRole"',
    count: 1,
  },
  {
    name: 'overrides as a mapping',
    text: editedConfig((c) => (c.overrides = {})),
    path: 'overrides',
    fragment: 'expected a list, got a mapping',
    count: 1,
  },
  {
    name: 'unknown top-level key',
    text: editedConfig((c) => (c.overide = [])),
    path: 'overide',
    fragment: 'unknown key "overide"; remove it or correct its spelling. Did you mean overrides?',
    count: 1,
  },
  {
    name: 'misspelt rule key',
    text: editedConfig((c) => {
      c.role.managedPolicies[1].requirment = c.role.managedPolicies[1].requirement;
      delete c.role.managedPolicies[1].requirement;
    }),
    path: 'role.managedPolicies[1].requirment',
    fragment: 'Did you mean requirement? Allowed keys here: arn, requirement, replacedBy, description.',
    count: 2,
  },
  {
    name: 'missing requirement',
    text: editedConfig((c) => delete c.role.managedPolicies[1].requirement),
    path: 'role.managedPolicies[1].requirement',
    fragment: 'missing required key; expected one of "required", "allowed", "deprecated"',
    count: 1,
  },
  {
    name: 'unknown requirement',
    text: editedConfig((c) => (c.role.managedPolicies[1].requirement = 'mandatory')),
    path: 'role.managedPolicies[1].requirement',
    fragment: '"mandatory" is not allowed here; expected one of "required", "allowed", "deprecated"',
    count: 1,
  },
  {
    name: 'unknown hardening',
    text: editedConfig((c) => (c.role.trustPolicy.hardening = 'strict')),
    path: 'role.trustPolicy.hardening',
    fragment: 'expected one of "recommended", "required", "off"',
    count: 1,
  },
  {
    name: 'role ARN in place of a policy ARN',
    text: editedConfig((c) => (c.role.managedPolicies[1].arn = 'arn:aws:iam::aws:role/AmazonSSMDirectoryServiceAccess')),
    path: 'role.managedPolicies[1].arn',
    fragment: 'is not a managed policy ARN; expected arn:<partition>:iam::<aws or account id>:policy/<path><name>',
    count: 1,
  },
  {
    name: 'unknown partition',
    text: editedConfig((c) => (c.role.managedPolicies[1].arn = 'arn:aws-eu:iam::aws:policy/AmazonSSMDirectoryServiceAccess')),
    path: 'role.managedPolicies[1].arn',
    fragment: '"arn:aws-eu:iam::aws:policy/AmazonSSMDirectoryServiceAccess" is not a managed policy ARN',
    count: 1,
  },
  {
    name: 'account id of 11 digits in an ARN',
    text: editedConfig((c) => (c.role.managedPolicies[2].arn = 'arn:aws:iam::12345678901:policy/SSMServiceRoleS3BucketAccess')),
    path: 'role.managedPolicies[2].arn',
    fragment: 'is not a managed policy ARN',
    count: 1,
  },
  {
    name: 'unknown placeholder',
    text: editedConfig((c) => (c.role.managedPolicies[2].arn = 'arn:${Partition}:iam::${Account}:policy/SSMServiceRoleS3BucketAccess')),
    path: 'role.managedPolicies[2].arn',
    fragment: 'unknown placeholder ${Account}; the config accepts only ${AccountId}, ${Partition}, ${Region}',
    count: 1,
  },
  {
    name: 'unknown placeholder in replacedBy',
    text: editedConfig((c) => (c.role.managedPolicies[3].replacedBy = 'arn:${partition}:iam::aws:policy/AmazonSSMManagedInstanceCore')),
    path: 'role.managedPolicies[3].replacedBy',
    fragment: 'unknown placeholder ${partition}',
    count: 1,
  },
  {
    name: 'account id too short',
    text: editedConfig((c) => (c.overrides[0].match = { accounts: ['1234'] })),
    path: 'overrides[0].match.accounts[0]',
    fragment: '"1234" is not an account id; expected exactly 12 digits',
    count: 1,
  },
  {
    name: 'account id as a YAML number',
    text: VALID_CONFIG_YAML.replace('tags: { "ssm:vpc-endpoints": "true" }', 'accounts: [012345678901]'),
    path: 'overrides[0].match.accounts[0]',
    fragment:
      'account id 12345678901 is a YAML number, and YAML drops the leading zeros of numbers; ' +
      'write the id as a quoted string, for example "012345678901"',
    count: 1,
  },
  {
    name: 'role name with spaces',
    text: editedConfig((c) => (c.role.name = 'SSM Service Role')),
    path: 'role.name',
    fragment: '"SSM Service Role" is not a role name IAM accepts',
    count: 1,
  },
  {
    name: 'role name of 65 characters',
    text: editedConfig((c) => (c.role.name = 'R'.repeat(65))),
    path: 'role.name',
    fragment: 'expected 1-64 characters',
    count: 1,
  },
  {
    name: 'service-linked role name',
    text: editedConfig((c) => (c.role.name = 'AWSServiceRoleForAmazonSSM')),
    path: 'role.name',
    fragment: 'names a service-linked role',
    count: 1,
  },
  {
    name: 'service-linked role path',
    text: editedConfig((c) => (c.role.path = '/aws-service-role/ssm.amazonaws.com/')),
    path: 'role.path',
    fragment: '/aws-service-role/ is the path of service-linked roles',
    count: 1,
  },
  {
    name: 'role path without slashes',
    text: editedConfig((c) => (c.role.path = 'ssm')),
    path: 'role.path',
    fragment: 'expected "/" or a path that starts and ends with "/"',
    count: 1,
  },
  {
    name: 'OU name in place of an OU id',
    text: editedConfig((c) => (c.overrides[0].match = { organizationalUnits: ['Security'] })),
    path: 'overrides[0].match.organizationalUnits[0]',
    fragment: '"Security" is not an organizational unit id',
    count: 1,
  },
  {
    name: 'duplicate ARN',
    text: editedConfig((c) => c.role.managedPolicies.push({ arn: S3_ARN, requirement: 'required' })),
    path: 'role.managedPolicies[4].arn',
    fragment: `duplicate ARN ${S3_ARN}, already listed at role.managedPolicies[2]`,
    count: 1,
  },
  {
    name: 'duplicate ARN in an override',
    text: editedConfig((c) => c.overrides[0].managedPolicies.push({ arn: S3_ARN, requirement: 'allowed' })),
    path: 'overrides[0].managedPolicies[1].arn',
    fragment: 'duplicate ARN',
    count: 1,
  },
  {
    name: 'match without criteria',
    text: editedConfig((c) => (c.overrides[0].match = {})),
    path: 'overrides[0].match',
    fragment: 'match has no criteria, so it would apply to every account',
    count: 1,
  },
  {
    name: 'match with empty tags',
    text: editedConfig((c) => (c.overrides[0].match = { tags: {} })),
    path: 'overrides[0].match.tags',
    fragment: 'tags is empty',
    count: 1,
  },
  {
    name: 'match with empty account list',
    text: editedConfig((c) => (c.overrides[0].match = { accounts: [] })),
    path: 'overrides[0].match.accounts',
    fragment: 'list at least one account id, or remove the key',
    count: 1,
  },
  {
    name: 'tag value read as a boolean',
    text: VALID_CONFIG_YAML.replace('"ssm:vpc-endpoints": "true"', '"ssm:vpc-endpoints": true'),
    path: 'overrides[0].match.tags["ssm:vpc-endpoints"]',
    fragment: 'tag values are strings, but YAML read boolean true; put the value in quotes, for example "true"',
    count: 1,
  },
  {
    name: 'replacedBy on a required rule',
    text: editedConfig((c) => (c.role.managedPolicies[0].replacedBy = S3_ARN)),
    path: 'role.managedPolicies[0].replacedBy',
    fragment: 'replacedBy is only allowed on rules with requirement: deprecated',
    count: 1,
  },
  {
    name: 'no required managed policy',
    text: editedConfig((c) => (c.role.managedPolicies[0].requirement = 'allowed')),
    path: 'role.managedPolicies',
    fragment: 'no managed policy has requirement: required',
    count: 1,
  },
  {
    name: 'empty managed policy list',
    text: editedConfig((c) => (c.role.managedPolicies = [])),
    path: 'role.managedPolicies',
    fragment: 'list at least one managed policy',
    count: 1,
  },
  {
    name: 'override that changes nothing',
    text: editedConfig((c) => delete c.overrides[0].managedPolicies),
    path: 'overrides[0]',
    fragment: 'the override changes nothing',
    count: 1,
  },
  {
    name: 'region name misspelt',
    text: editedConfig((c) => (c.role.trustPolicy.sourceArnRegions = ['europe'])),
    path: 'role.trustPolicy.sourceArnRegions[0]',
    fragment: '"europe" is not a region',
    count: 1,
  },
  {
    name: 'star beside region names',
    text: editedConfig((c) => (c.role.trustPolicy.sourceArnRegions = ['eu-west-1', '*'])),
    path: 'role.trustPolicy.sourceArnRegions[1]',
    fragment: '"*" already accepts every region',
    count: 1,
  },
  {
    name: 'inline policy name with a space',
    text: editedConfig((c) => (c.role.inlinePolicies = ['my policy'])),
    path: 'role.inlinePolicies[0]',
    fragment: '"my policy" is not a valid inline policy name',
    count: 1,
  },
  {
    name: 'empty file',
    text: '',
    path: '',
    fragment: 'the config file is empty',
    count: 1,
  },
  {
    name: 'file of comments only',
    text: '# nothing here yet\n',
    path: '',
    fragment: 'the config file is empty',
    count: 1,
  },
  {
    name: 'top level is a list',
    text: '- version: 1\n',
    path: '',
    fragment: 'expected a mapping with the keys version and role at the top level, got a list',
    count: 1,
  },
  {
    name: 'invalid YAML',
    text: 'version: 1\nrole:\n  name: [SSMServiceRole\n  path: /\n',
    path: '',
    fragment: 'invalid YAML at line 4, column 3: Flow sequence in block collection',
    count: 1,
  },
  {
    name: 'duplicate YAML key',
    text: 'version: 1\nversion: 1\n',
    path: '',
    fragment: 'invalid YAML at line 2, column 1: Map keys must be unique',
    count: 1,
  },
  {
    name: 'YAML tag of another tool',
    text: VALID_CONFIG_YAML.replace('name: SSMServiceRole', 'name: !Ref RoleName'),
    path: '',
    fragment: 'Unresolved tag: !Ref',
    count: 1,
  },
  {
    name: 'invalid JSON',
    text: '{\n  "version": 1,\n}\n',
    sourceName: 'desired-state.json',
    path: '',
    fragment: 'invalid JSON at line 3, column 1',
    count: 1,
  },
];

describe('parseConfig with malformed configs', () => {
  it('has at least 20 cases', () => {
    expect(malformedCases.length).toBeGreaterThanOrEqual(20);
  });

  it.each(malformedCases)('$name', ({ text, sourceName, path, fragment, count }) => {
    const problems = problemsOf(text, sourceName);

    const atPath = problems.filter((problem) => problem.path === path);
    expect(atPath.map((problem) => problem.message)).toContainEqual(expect.stringContaining(fragment));
    expect(problems).toHaveLength(count);
  });
});

describe('parseConfig problem reporting', () => {
  it('reports three problems at once', () => {
    const text = editedConfig((c) => {
      c.role.colour = 'blue';
      c.overrides[0].match = { accounts: ['12345'] };
      c.role.managedPolicies.push({ arn: S3_ARN, requirement: 'allowed' });
    });

    let caught: unknown;
    try {
      parseConfig(text, 'three.yaml');
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.configPath).toBe('three.yaml');
    expect(error.message).toBe('Invalid config three.yaml: 3 problems');
    expect(error.problems.map((problem) => problem.path).sort()).toEqual([
      'overrides[0].match.accounts[0]',
      'role.colour',
      'role.managedPolicies[4].arn',
    ]);
  });

  it('adds the line and column of the value', () => {
    const text = VALID_CONFIG_YAML.replace('name: SSMServiceRole', 'name: "SSM Service Role"');
    const line = text.split('\n').findIndex((row) => row.includes('SSM Service Role')) + 1;

    const [problem] = problemsOf(text);

    expect(problem?.path).toBe('role.name');
    expect(problem?.message).toContain(`(line ${line}, column 9)`);
  });

  it('lists problems in file order', () => {
    const text = editedConfig((c) => {
      c.overrides[0].match = { accounts: ['12345'] };
      c.role.name = 'bad name';
    });

    const paths = problemsOf(text).map((problem) => problem.path);

    expect(paths).toEqual(['role.name', 'overrides[0].match.accounts[0]']);
  });

  it('puts a single problem in the error message', () => {
    expect(() => parseConfig(editedConfig((c) => delete c.version), 'one.yaml')).toThrow(
      /^Invalid config one\.yaml: version: missing key version; add version: 1/,
    );
  });
});

describe('parseConfig with valid configs', () => {
  it('fills in defaults', () => {
    const config = parseConfig(
      editedConfig((c) => {
        delete c.role.path;
        delete c.role.trustPolicy;
        delete c.role.inlinePolicies;
        delete c.overrides;
      }),
      'defaults.yaml',
    );

    expect(config.role.path).toBe('/');
    expect(config.role.trustPolicy).toEqual({
      servicePrincipal: 'ssm.amazonaws.com',
      hardening: 'recommended',
      sourceArnRegions: ['*'],
    });
    expect(config.role.inlinePolicies).toEqual([]);
    expect(config.overrides).toEqual([]);
  });

  it('reads JSON with a $schema key', () => {
    const data = { $schema: '../schemas/desired-state.schema.json', ...parseConfig(VALID_CONFIG_YAML, 'base.yaml') };

    const config = parseConfig(JSON.stringify(data, null, 2), 'desired-state.json');

    expect(config.role.name).toBe('SSMServiceRole');
    expect(config.overrides[0]?.match.tags).toEqual({ 'ssm:vpc-endpoints': 'true' });
  });

  it('accepts account ids with a leading zero when quoted', () => {
    const text = VALID_CONFIG_YAML.replace('tags: { "ssm:vpc-endpoints": "true" }', 'accounts: ["012345678901"]');

    const config = parseConfig(text, 'quoted.yaml');

    expect(config.overrides[0]?.match.accounts).toEqual(['012345678901']);
  });

  it('accepts explicit partitions, account ids and policy paths', () => {
    const arns = [
      'arn:aws-us-gov:iam::aws:policy/service-role/AmazonEC2RoleforSSM',
      'arn:aws-cn:iam::123456789012:policy/team/ssm/S3Access-${Region}',
      'arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy',
    ];
    const text = editedConfig((c) => {
      for (const arn of arns) {
        c.role.managedPolicies.push({ arn, requirement: 'allowed' });
      }
    });

    const config = parseConfig(text, 'arns.yaml');

    expect(config.role.managedPolicies.slice(-3).map((rule) => rule.arn)).toEqual(arns);
  });

  it('strips a byte order mark', () => {
    expect(parseConfig(`\uFEFF${VALID_CONFIG_YAML}`, 'bom.yaml').version).toBe(1);
  });
});

describe('account id validation', () => {
  const withAccount = (id: string): string => editedConfig((c) => (c.overrides[0].match = { accounts: [id] }));

  it('accepts any 12 digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^\d{12}$/), (id) => {
        expect(parseConfig(withAccount(id), 'property.yaml').overrides[0]?.match.accounts).toEqual([id]);
      }),
      { numRuns: 50 },
    );
  });

  it('rejects other digit counts', () => {
    const digits = fc.stringMatching(/^\d{1,20}$/).filter((id) => id.length !== 12);
    fc.assert(
      fc.property(digits, (id) => {
        expect(problemsOf(withAccount(id))).toEqual([
          { path: 'overrides[0].match.accounts[0]', message: expect.stringContaining('expected exactly 12 digits') },
        ]);
      }),
      { numRuns: 50 },
    );
  });
});
