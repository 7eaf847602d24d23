// Every operator document in policies/ (operator-*.json, opt-ins included) is checked for the ways an
// IAM grant turns into administrator: creating a role or writing its policies without flowfix's
// permissions boundary, removing or replacing a boundary, rewriting a trust policy, writing policy
// versions; and every delete it grants is limited to resources tagged ManagedBy=flowfix. Conditions are
// evaluated with flowfix's own evaluator, against the request contexts an attacker could send.
import { readdirSync } from 'node:fs';

import type { PolicyDocument } from '../../src/facts/policy-document.js';
import { isAllowed, type RequestContext } from '../../src/policy/evaluate.js';
import { readPolicyFile, renderPolicy, type PolicyVariables } from '../../src/policy/templates.js';

const ACCOUNT = '111111111111';
const FLOWFIX_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/flowfix-delivery-boundary`;
const OPERATOR_FILES = readdirSync(new URL('../../policies/', import.meta.url))
  .filter((f) => /^operator-.*\.json$/.test(f))
  .sort();
// Opt-in documents have placeholders a user fills in: filled with the widest values a user could choose.
const VARS = { LogGroupName: '*', BucketName: '*' } as unknown as PolicyVariables;
const operatorDocument = (file: string): PolicyDocument => renderPolicy(readPolicyFile(file), VARS);

const ROLES = [
  `arn:aws:iam::${ACCOUNT}:role/flowfix-vpc-flow-logs`,
  `arn:aws:iam::${ACCOUNT}:role/landing-zone/flowfix-vpc-flow-logs`,
  `arn:aws:iam::${ACCOUNT}:role/admin`,
];
/** Request contexts of a role write an attacker controls: no boundary, another policy, a lookalike path, an AWS managed policy. */
const WITHOUT_FLOWFIX_BOUNDARY: RequestContext[] = [
  {},
  { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/AdministratorAccess` },
  { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/AdministratorAccess' },
  { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/team/flowfix-delivery-boundary` },
  { 'iam:PermissionsBoundary': `arn:aws:iam::${ACCOUNT}:policy/flowfix-delivery-boundary-wide` },
  { 'aws:ResourceTag/ManagedBy': 'flowfix', 'iam:ResourceTag/ManagedBy': 'flowfix' },
];
/** Role and policy writes that need the boundary, and writes no operator document may grant at all. */
const BOUNDED_WRITES = ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:AttachRolePolicy', 'iam:PutRolePermissionsBoundary'];
const NEVER_GRANTED = [
  'iam:DeleteRolePermissionsBoundary',
  'iam:UpdateAssumeRolePolicy',
  'iam:CreatePolicy',
  'iam:CreatePolicyVersion',
  'iam:SetDefaultPolicyVersion',
  'iam:DeletePolicyVersion',
  'iam:DetachRolePolicy',
  'iam:UpdateRole',
  'iam:CreateUser',
  'iam:AttachUserPolicy',
  'iam:PutUserPolicy',
  'iam:CreateAccessKey',
];
const POLICY_RESOURCES = [FLOWFIX_BOUNDARY, `arn:aws:iam::${ACCOUNT}:policy/other`, `arn:aws:iam::${ACCOUNT}:user/tester`, '*'];

/** Deletes and the tag condition each must carry (what rollback deletes, nothing else). */
const DELETES: { action: string; resource: string; tagKeys: string[] }[] = [
  { action: 'iam:DeleteRole', resource: ROLES[0]!, tagKeys: ['iam:ResourceTag/ManagedBy', 'aws:ResourceTag/ManagedBy'] },
  { action: 'iam:DeleteRolePolicy', resource: ROLES[0]!, tagKeys: ['iam:ResourceTag/ManagedBy', 'aws:ResourceTag/ManagedBy'] },
  { action: 'logs:DeleteLogGroup', resource: `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flowfix/vpc-flow-logs`, tagKeys: ['aws:ResourceTag/ManagedBy'] },
  { action: 'ec2:DeleteFlowLogs', resource: `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc-flow-log/fl-0123456789abcdef0`, tagKeys: ['aws:ResourceTag/ManagedBy'] },
];
const tagged = (keys: string[], value: string): RequestContext => Object.fromEntries(keys.map((k) => [k, value]));

describe.each(OPERATOR_FILES)('%s', (file) => {
  const policy = operatorDocument(file);

  test('GIVEN any role THEN creating it or writing its policies is allowed only with flowfix-delivery-boundary as its permissions boundary', () => {
    for (const action of BOUNDED_WRITES) {
      for (const role of ROLES) {
        for (const context of WITHOUT_FLOWFIX_BOUNDARY)
          expect([action, role, context, isAllowed(policy, action, role, context)]).toEqual([action, role, context, false]);
      }
    }
  });

  test('GIVEN any resource THEN no boundary removal, trust-policy rewrite, policy-version write or user write is granted, whatever the conditions', () => {
    for (const action of NEVER_GRANTED) {
      for (const resource of [...ROLES, ...POLICY_RESOURCES])
        expect([action, resource, isAllowed(policy, action, resource)]).toEqual([action, resource, false]);
    }
    // Wildcards that would grant them by accident.
    expect(isAllowed(policy, 'iam:Anything', ROLES[0]!)).toBe(false);
  });

  test('GIVEN a delete it grants THEN only on resources tagged ManagedBy=flowfix', () => {
    for (const { action, resource, tagKeys } of DELETES) {
      expect([action, 'untagged', isAllowed(policy, action, resource, {})]).toEqual([action, 'untagged', false]);
      expect([action, 'tagged otherwise', isAllowed(policy, action, resource, tagged(tagKeys, 'security-team'))]).toEqual([action, 'tagged otherwise', false]);
    }
  });
});

describe('what the documents still allow', () => {
  test('GIVEN operator-apply.json THEN flowfix creates its role and writes its policy with the boundary, and rolls back what it tagged', () => {
    const policy = readPolicyFile('operator-apply.json');
    const bounded = { 'iam:PermissionsBoundary': FLOWFIX_BOUNDARY };
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy']) {
      expect([action, isAllowed(policy, action, ROLES[0]!, bounded)]).toEqual([action, true]);
      expect([action, isAllowed(policy, action, ROLES[1]!, bounded)]).toEqual([action, true]);
      // Within the boundary, still only flowfix's role name.
      expect([action, isAllowed(policy, action, ROLES[2]!, bounded)]).toEqual([action, false]);
    }
    // In any partition, but never an AWS managed policy of that name.
    expect(
      isAllowed(policy, 'iam:CreateRole', 'arn:aws-us-gov:iam::111111111111:role/flowfix-vpc-flow-logs', {
        'iam:PermissionsBoundary': 'arn:aws-us-gov:iam::111111111111:policy/flowfix-delivery-boundary',
      }),
    ).toBe(true);
    expect(isAllowed(policy, 'iam:CreateRole', ROLES[0]!, { 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/flowfix-delivery-boundary' })).toBe(false);
    for (const { action, resource, tagKeys } of DELETES)
      expect([action, isAllowed(policy, action, resource, tagged(tagKeys, 'flowfix'))]).toEqual([action, true]);
  });

  test('GIVEN operator-apply-prebuilt-role.json THEN it writes no IAM at all, and passes the role only to VPC Flow Logs', () => {
    const policy = readPolicyFile('operator-apply-prebuilt-role.json');
    for (const action of ['iam:CreateRole', 'iam:PutRolePolicy', 'iam:TagRole', 'iam:DeleteRole', 'iam:DeleteRolePolicy']) {
      expect([action, isAllowed(policy, action, ROLES[0]!)]).toEqual([action, false]);
    }
    expect(isAllowed(policy, 'iam:PassRole', ROLES[0]!, { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' })).toBe(true);
    expect(isAllowed(policy, 'iam:PassRole', ROLES[0]!, { 'iam:PassedToService': 'ec2.amazonaws.com' })).toBe(false);
    expect(isAllowed(policy, 'iam:PassRole', ROLES[2]!, { 'iam:PassedToService': 'vpc-flow-logs.amazonaws.com' })).toBe(false);
    // Everything else operator-apply.json grants, statement for statement: the two stay in step.
    const iamWrites = (s: { Action?: string | string[] }) => [s.Action].flat().some((a) => /^iam:(Create|Put|Tag|Delete)/.test(a ?? ''));
    expect([readPolicyFile('operator-apply.json').Statement].flat().filter((s) => !iamWrites(s))).toEqual([policy.Statement].flat());
  });

  test('GIVEN the shipped boundary THEN it allows the four delivery actions AWS documents and nothing else', () => {
    const boundary = readPolicyFile('delivery-role-boundary.json');
    const group = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/flowfix/vpc-flow-logs:log-stream:eni-1`;
    for (const action of ['logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'])
      expect([action, isAllowed(boundary, action, group)]).toEqual([action, true]);
    for (const action of ['logs:CreateLogGroup', 'logs:DeleteLogGroup', 'iam:PassRole', 's3:GetObject', 'sts:AssumeRole', 'ec2:DescribeVpcs'])
      expect([action, isAllowed(boundary, action, '*')]).toEqual([action, false]);
  });
});
