import { describe, expect, it } from 'vitest';

import { actionMatches, arnMatches, arnPatternCovers } from '../../src/policy/wildcard.js';

const INSTANCE_ARN = 'arn:aws:ssm:eu-west-1:111122223333:managed-instance/mi-0123456789abcdef0';

describe('arnMatches', () => {
  it.each([
    ['equal ARN', INSTANCE_ARN, INSTANCE_ARN, true],
    ['wildcard region and resource', 'arn:aws:ssm:*:111122223333:*', INSTANCE_ARN, true],
    ['wildcard inside a part', 'arn:aws:ssm:eu-*:111122223333:managed-instance/mi-*', INSTANCE_ARN, true],
    ['question mark for one character', 'arn:aws:ssm:eu-west-?:111122223333:*', INSTANCE_ARN, true],
    ['question mark for two characters', 'arn:aws:ssm:eu-west-?:111122223333:*', 'arn:aws:ssm:eu-west-10:111122223333:x', false],
    ['other account', 'arn:aws:ssm:*:111122223333:*', 'arn:aws:ssm:eu-west-1:999999999999:x', false],
    ['other partition', 'arn:aws:ssm:*:111122223333:*', 'arn:aws-cn:ssm:cn-north-1:111122223333:x', false],
    ['case differs', 'arn:aws:ssm:*:111122223333:Managed-instance/*', INSTANCE_ARN, false],
    ['resource with colons', 'arn:aws:ssm:*:111122223333:a/*', 'arn:aws:ssm:eu-west-1:111122223333:a/b:c:d', true],
    ['empty region matched by wildcard', 'arn:aws:iam::*:role/*', 'arn:aws:iam::111122223333:role/Admin', true],
    ['wildcard does not span parts', 'arn:aws:*:111122223333:*', INSTANCE_ARN, false],
    ['wildcard in the service part does not span colons', 'arn:aws:ssm*:111122223333:*:*', INSTANCE_ARN, false],
    ['pattern that is not an ARN', '*', INSTANCE_ARN, false],
    ['value that is not an ARN', 'arn:aws:ssm:*:111122223333:*', 'mi-0123', false],
  ])('%s', (_name, pattern, arn, expected) => {
    expect(arnMatches(pattern, arn)).toBe(expected);
  });
});

describe('arnPatternCovers', () => {
  it.each([
    ['same pattern', 'arn:aws:ssm:*:111122223333:*', 'arn:aws:ssm:*:111122223333:*', true],
    ['narrower region', 'arn:aws:ssm:*:111122223333:*', 'arn:aws:ssm:eu-west-1:111122223333:*', true],
    ['broader region', 'arn:aws:ssm:eu-west-1:111122223333:*', 'arn:aws:ssm:*:111122223333:*', false],
    ['wildcard account', 'arn:aws:ssm:*:111122223333:*', 'arn:aws:ssm:*:*:*', false],
    ['star covers question mark', 'arn:aws:ssm:eu-west-*:111122223333:*', 'arn:aws:ssm:eu-west-?:111122223333:*', true],
    ['question mark covers question mark', 'arn:aws:ssm:eu-west-?:111122223333:*', 'arn:aws:ssm:eu-west-?:111122223333:*', true],
    ['question mark does not cover star', 'arn:aws:ssm:eu-west-?:111122223333:*', 'arn:aws:ssm:eu-west-*:111122223333:*', false],
    ['prefix wildcard does not cover shorter prefix', 'arn:aws:ssm:eu-*:111122223333:*', 'arn:aws:ssm:e*:111122223333:*', false],
    ['concrete ARN', 'arn:aws:ssm:*:111122223333:*', INSTANCE_ARN, true],
  ])('%s', (_name, pattern, narrower, expected) => {
    expect(arnPatternCovers(pattern, narrower)).toBe(expected);
  });
});

describe('actionMatches', () => {
  it.each([
    ['same action', 'sts:AssumeRole', 'sts:AssumeRole', true],
    ['other case', 'STS:assumerole', 'sts:AssumeRole', true],
    ['service wildcard', 'sts:*', 'sts:AssumeRole', true],
    ['any action', '*', 'sts:AssumeRole', true],
    ['prefix wildcard', 'sts:Assume*', 'sts:AssumeRoleWithSAML', true],
    ['question mark', 'sts:?ssumeRole', 'sts:AssumeRole', true],
    ['other action', 'sts:TagSession', 'sts:AssumeRole', false],
    ['shorter name', 'sts:AssumeRol', 'sts:AssumeRole', false],
    ['other service', 's3:*', 'sts:AssumeRole', false],
  ])('%s', (_name, pattern, action, expected) => {
    expect(actionMatches(pattern, action)).toBe(expected);
  });
});
