// The delivery role's permissions boundary judged with flowfix's own evaluator, before apply.
import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import type { PolicyDocument } from '../../src/facts/policy-document.js';
import type { BoundaryRead } from '../../src/inventory/types.js';
import { readPolicyFile } from '../../src/policy/templates.js';
import { boundaryProblem } from '../../src/rules/role-boundary.js';
import { ACCOUNT, inventory, role } from '../helpers/builders.js';

const DEFAULT_ARN = `arn:aws:iam::${ACCOUNT}:policy/flowfix-delivery-boundary`;
const judge = (boundary: BoundaryRead | undefined, { roleFound = false, settings = DEFAULT_SETTINGS } = {}) =>
  boundaryProblem({ ...inventory([], roleFound ? role() : null), ...(boundary ? { boundary } : {}) }, settings);
const found = (document: PolicyDocument, arn = DEFAULT_ARN): BoundaryRead => ({ status: 'found', arn, document });

describe('boundaryProblem', () => {
  test("GIVEN the shipped boundary THEN delivery to flowfix's group is allowed", () => {
    expect(judge(found(readPolicyFile('delivery-role-boundary.json')))).toBeUndefined();
  });

  test('GIVEN the default boundary does not exist THEN the problem gives the one-time command', () => {
    expect(judge({ status: 'missing', arn: DEFAULT_ARN })).toBe(
      `flowfix would create delivery role flowfix-vpc-flow-logs with permissions boundary ${DEFAULT_ARN}, which does not exist: create it once, as an administrator: ` +
        'aws iam create-policy --policy-name flowfix-delivery-boundary --policy-document file://policies/delivery-role-boundary.json (or name another with --permissions-boundary)',
    );
    expect(judge({ status: 'missing', arn: `arn:aws:iam::${ACCOUNT}:policy/lz/Boundary` })).toMatch(
      /does not exist: create it, or name another with --permissions-boundary$/,
    );
  });

  test.each([
    [
      'without logs:PutLogEvents',
      { Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:DescribeLogGroups', 'logs:DescribeLogStreams'], Resource: '*' }] },
      /does not allow logs:PutLogEvents on arn:aws:logs:\*:\d+:log-group:\/flowfix\/vpc-flow-logs/,
    ],
    [
      'scoped to another group',
      { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: 'arn:aws:logs:*:*:log-group:/team/*' }] },
      /does not allow logs:CreateLogStream on .*\/flowfix\/vpc-flow-logs/,
    ],
    [
      'with a Deny',
      {
        Statement: [
          { Effect: 'Allow', Action: 'logs:*', Resource: '*' },
          { Effect: 'Deny', Action: 'logs:PutLogEvents', Resource: '*' },
        ],
      },
      /does not allow logs:PutLogEvents/,
    ],
    [
      'allowing only under a condition',
      { Statement: [{ Effect: 'Allow', Action: 'logs:*', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } } }] },
      /does not allow logs:CreateLogStream/,
    ],
  ])("GIVEN a role's boundary %s THEN delivery is refused, naming the grant and the role", (_name, document, reason) => {
    const problem = judge(found(document as PolicyDocument), { roleFound: true });
    expect(problem).toMatch(/^Delivery role flowfix-vpc-flow-logs has permissions boundary arn:aws:iam::\d+:policy\/flowfix-delivery-boundary, which /);
    expect(problem).toMatch(reason);
    expect(problem).toContain('"Access error"');
  });

  test('GIVEN nothing known (not read, unreadable) or an S3 destination THEN no problem is claimed', () => {
    expect(judge(undefined)).toBeUndefined();
    expect(judge({ status: 'unreadable', arn: DEFAULT_ARN, error: { code: 'AccessDenied', message: 'no' } })).toBeUndefined();
    expect(
      judge({ status: 'missing', arn: DEFAULT_ARN }, { settings: { ...DEFAULT_SETTINGS, destination: { type: 's3', bucket: 'b', prefix: '' } } }),
    ).toBeUndefined();
  });
});
