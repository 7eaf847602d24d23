// The trust policy of a reused delivery role, judged per region as IAM evaluates VPC Flow Logs' request.
import { describeTrustProblem, trustProblemIn, trustProblemsByRegion } from '../../src/rules/role-trust.js';

const ACCOUNT = '123456789012';
const SERVICE = { Service: 'vpc-flow-logs.amazonaws.com' };
const allow = (extra: Record<string, unknown> = {}) => ({ Effect: 'Allow', Principal: SERVICE, Action: 'sts:AssumeRole', ...extra });
const trust = (...statements: object[]) => ({ Version: '2012-10-17', Statement: statements });
const inRegion = (policy: object, region: string) => trustProblemIn(policy as never, { partition: 'aws', accountId: ACCOUNT, region });

describe('trustProblemIn', () => {
  const cases: [string, object, { trustedIn: string[]; notIn: string[] }][] = [
    [
      'ArnLike naming one region',
      trust(allow({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: ['eu-west-1'], notIn: ['us-east-1', 'eu-west-2'] },
    ],
    [
      'StringLike naming one region',
      trust(allow({ Condition: { StringLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: ['eu-west-1'], notIn: ['us-east-1'] },
    ],
    [
      'ArnLike with a region wildcard per ARN part',
      trust(allow({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-*:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: ['eu-west-1', 'eu-central-1'], notIn: ['us-east-1'] },
    ],
    [
      'ArnEquals with wildcards (ArnEquals matches like ArnLike)',
      trust(allow({ Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:ec2:us-?ast-1:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: ['us-east-1'], notIn: ['eu-west-1'] },
    ],
    [
      'a list of regions',
      trust(
        allow({
          Condition: { ArnLike: { 'aws:SourceArn': [`arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*`, `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc-flow-log/*`] } },
        }),
      ),
      { trustedIn: ['eu-west-1', 'us-east-1'], notIn: ['ap-south-1'] },
    ],
    [
      'ForAnyValue:StringLike and IfExists',
      trust(
        allow({
          Condition: {
            'ForAnyValue:StringLike': { 'aws:SourceArn': `arn:aws:ec2:us-east-1:${ACCOUNT}:*` },
            StringEqualsIfExists: { 'aws:SourceAccount': ACCOUNT },
          },
        }),
      ),
      { trustedIn: ['us-east-1'], notIn: ['eu-west-1'] },
    ],
    [
      'one existing flow log only (new ones have other ids)',
      trust(allow({ Condition: { ArnEquals: { 'aws:SourceArn': `arn:aws:ec2:us-east-1:${ACCOUNT}:vpc-flow-log/fl-0123456789abcdef0` } } })),
      { trustedIn: [], notIn: ['us-east-1'] },
    ],
    [
      'StringEquals on the ARN with a literal *',
      trust(allow({ Condition: { StringEquals: { 'aws:SourceArn': `arn:aws:ec2:*:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: [], notIn: ['us-east-1'] },
    ],
    [
      'sts:Assume* and a wildcard region',
      trust(allow({ Action: 'sts:Assume*', Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:*:${ACCOUNT}:vpc-flow-log/*` } } })),
      { trustedIn: ['us-east-1', 'eu-west-1'], notIn: [] },
    ],
    [
      'NotAction that leaves AssumeRole allowed',
      trust({ Effect: 'Allow', Principal: SERVICE, NotAction: 'sts:TagSession' }),
      { trustedIn: ['us-east-1'], notIn: [] },
    ],
    ['sts:AssumeRoleWithSAML only', trust(allow({ Action: 'sts:AssumeRoleWithSAML' })), { trustedIn: [], notIn: ['us-east-1'] }],
    [
      'StringNotEquals on the account',
      trust(allow({ Condition: { StringNotEquals: { 'aws:SourceAccount': '999999999999' } } })),
      { trustedIn: ['us-east-1'], notIn: [] },
    ],
    [
      'a Deny for one region',
      trust(allow(), {
        Effect: 'Deny',
        Principal: SERVICE,
        Action: 'sts:AssumeRole',
        Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:ap-south-1:*:*' } },
      }),
      { trustedIn: ['us-east-1'], notIn: ['ap-south-1'] },
    ],
  ];
  test.each(cases)('GIVEN a trust policy with %s THEN it holds in exactly the regions it admits', (_label, policy, { trustedIn, notIn }) => {
    for (const region of trustedIn) expect([region, inRegion(policy, region)]).toEqual([region, null]);
    for (const region of notIn) expect([region, inRegion(policy, region)?.certain]).toEqual([region, true]);
  });

  test('GIVEN a SourceArn naming eu-west-1 THEN the reason for us-east-1 quotes the condition that fails', () => {
    const policy = trust(
      allow({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } } }),
    );
    const problem = inRegion(policy, 'us-east-1')!;
    expect(describeTrustProblem(problem, ['us-east-1'])).toBe(
      `does not trust vpc-flow-logs.amazonaws.com in us-east-1 (its Allow for vpc-flow-logs.amazonaws.com holds only when ArnLike aws:SourceArn arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*)`,
    );
  });

  test('GIVEN a condition on aws:SourceOrgID THEN the trust is not provable: reported as such, never assumed', () => {
    const policy = trust(allow({ Condition: { StringEquals: { 'aws:SourceOrgID': 'o-abc123' } } }));
    const problem = inRegion(policy, 'us-east-1');
    expect(problem).toMatchObject({ certain: false });
    expect(describeTrustProblem(problem!)).toMatch(
      /^cannot be shown to trust vpc-flow-logs\.amazonaws\.com \(its Allow .* depends on aws:SourceOrgID, which flowfix cannot check/,
    );
  });

  test('GIVEN an Allow whose only unknown part is a Deny on the organization THEN it is not provable either', () => {
    const policy = trust(allow(), {
      Effect: 'Deny',
      Principal: SERVICE,
      Action: 'sts:AssumeRole',
      Condition: { StringNotEquals: { 'aws:SourceOrgID': 'o-abc123' } },
    });
    expect(inRegion(policy, 'us-east-1')).toMatchObject({ certain: false, why: expect.stringMatching(/^a Deny statement .* depends on aws:SourceOrgID/) });
  });

  test('GIVEN several regions THEN only those not admitted are returned, in order', () => {
    const policy = trust(allow({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:eu-west-1:${ACCOUNT}:vpc-flow-log/*` } } }));
    expect([...trustProblemsByRegion(policy as never, { partition: 'aws', accountId: ACCOUNT }, ['us-east-1', 'eu-west-1', 'ap-south-1']).keys()]).toEqual([
      'us-east-1',
      'ap-south-1',
    ]);
  });

  test('GIVEN the other partition THEN an aws SourceArn does not admit aws-cn flow logs', () => {
    const policy = trust(allow({ Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:*:${ACCOUNT}:vpc-flow-log/*` } } }));
    expect(trustProblemIn(policy as never, { partition: 'aws-cn', accountId: ACCOUNT, region: 'cn-north-1' })).toMatchObject({ certain: true });
  });
});
