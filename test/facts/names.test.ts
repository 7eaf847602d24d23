// The names flowfix sends are judged by one rule wherever they come from: a flag or config file
// (settings) and a plan file (each action's input schema) refuse the same names with the same words.
import { ACTION_KINDS } from '../../src/actions/action-kinds.js';
import { userSettingsSchema } from '../../src/config/resolve-settings.js';

const problemOf = (result: { success: boolean; error?: { issues: { message: string }[] } }) =>
  result.success ? undefined : result.error!.issues.map((i) => i.message).join('; ');

describe('log group and IAM names: one rule for settings and plan files', () => {
  test.each([
    ["flowfix's own", '/flowfix/vpc-flow-logs', undefined],
    ['under aws/', 'aws/vpc', 'must not start with "aws/" (reserved by AWS)'],
    ['with a space', 'has space', 'must be 1-512 characters of A-Z a-z 0-9 _ - / . #'],
    ['of 513 characters', 'x'.repeat(513), 'must be 1-512 characters of A-Z a-z 0-9 _ - / . #'],
  ])("GIVEN a log group name %s THEN --log-group and a plan file's log group actions say the same", (_label, name, expected) => {
    const setting = problemOf(userSettingsSchema.safeParse({ logGroupName: name }));
    const planned = problemOf(ACTION_KINDS['create-log-group'].inputSchema.safeParse({ logGroupName: name, tags: {} }));
    const retention = problemOf(ACTION_KINDS['put-retention-policy'].inputSchema.safeParse({ logGroupName: name, retentionInDays: 365 }));
    expect({ setting, planned, retention }).toEqual({ setting: expected, planned: expected, retention: expected });
  });

  test.each([
    ["flowfix's own", 'flowfix-vpc-flow-logs', undefined],
    ['given as an ARN', 'arn:aws:iam::123456789012:role/x', 'must be 1-64 characters of letters, digits and +=,.@_-'],
    ['of 65 characters', 'r'.repeat(65), 'must be 1-64 characters of letters, digits and +=,.@_-'],
  ])("GIVEN a role name %s THEN --role-name and a plan file's delete-role say the same", (_label, name, expected) => {
    const setting = problemOf(userSettingsSchema.safeParse({ roleName: name }));
    const planned = problemOf(ACTION_KINDS['delete-role'].inputSchema.safeParse({ RoleName: name }));
    expect({ setting, planned }).toEqual({ setting: expected, planned: expected });
  });
});
