import { audit } from '../../src/audit/audit.js';
import type { FindingKind } from '../../src/audit/types.js';
import type { FlowLogFacts } from '../../src/facts/resources.js';
import { ACCOUNT, flowLog, inventory, NOW, region, role, settings, unreadable, vpcWithSubnets } from '../helpers/builders.js';

const VPC = 'vpc-aaaa';
const { vpcs, subnets } = vpcWithSubnets(VPC, 2);
const [S0, S1] = subnets.map((s) => s.subnetId) as [string, string];

describe('audit, scope vpc (CIS)', () => {
  const cases: [string, FlowLogFacts[], FindingKind | null][] = [
    ['no flow log at all', [], 'no-flow-log'],
    ['ACTIVE REJECT flow log', [flowLog(VPC)], null],
    ['ACTIVE ALL flow log to S3 (any destination counts)', [flowLog(VPC, { trafficType: 'ALL', destinationType: 's3', logGroupName: undefined })], null],
    [
      'ACTIVE ALL to Firehose with no delivery status yet',
      [flowLog(VPC, { trafficType: 'ALL', destinationType: 'kinesis-data-firehose', deliverLogsStatus: undefined })],
      null,
    ],
    ['only ACCEPT traffic', [flowLog(VPC, { trafficType: 'ACCEPT' })], 'accept-only'],
    ['delivery FAILED', [flowLog(VPC, { deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Access error' })], 'delivery-failed'],
    ['a flow log that is not ACTIVE', [flowLog(VPC, { status: 'INACTIVE' })], 'no-flow-log'],
    ['every subnet has its own flow log, the VPC none', [flowLog(S0), flowLog(S1)], 'subnet-level-only'],
    ['only one subnet has a flow log', [flowLog(S0)], 'no-flow-log'],
    ['a failed one and a working one', [flowLog(VPC, { deliverLogsStatus: 'FAILED' }), flowLog(VPC)], null],
  ];

  test.each(cases)('GIVEN %s THEN the finding is as expected', (_label, flowLogs, expected) => {
    const result = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs })]), settings(), NOW);

    expect(result.findings.map((f) => f.kind)).toEqual(expected ? [expected] : []);
    expect(result.coverage).toEqual([expect.objectContaining({ resourceId: VPC, compliant: expected === null })]);
    if (expected) expect(result.findings[0]).toMatchObject({ resourceType: 'VPC', resourceId: VPC, region: 'us-east-1', remediable: true });
  });

  test('GIVEN a VPC without a flow log of its own and one of its subnets with one THEN the finding names that subnet, not "No flow log."', () => {
    const three = vpcWithSubnets(VPC, 3);
    const [first] = three.subnets.map((s) => s.subnetId);
    const [finding] = audit(inventory([region('us-east-1', { ...three, flowLogs: [flowLog(first!)] })]), settings(), NOW).findings;
    expect(finding).toMatchObject({ kind: 'no-flow-log', resourceId: VPC });
    expect(finding?.reason).toBe(`No flow log on the VPC; 1 of its 3 subnets has its own (${first}), the other 2 and any new subnet are not logged.`);

    const eight = vpcWithSubnets(VPC, 8);
    const logged = eight.subnets.slice(0, 7).map((s) => s.subnetId);
    const [many] = audit(inventory([region('us-east-1', { ...eight, flowLogs: logged.map((id) => flowLog(id)) })]), settings(), NOW).findings;
    expect(many?.reason).toBe(
      `No flow log on the VPC; 7 of its 8 subnets have their own (${logged.slice(0, 5).join(', ')} and 2 more), the other 1 and any new subnet are not logged.`,
    );
    // Nothing on any subnet: the short reason as before.
    expect(audit(inventory([region('us-east-1', three)]), settings(), NOW).findings[0]?.reason).toBe('No flow log.');
  });

  test('GIVEN delivery FAILED THEN the finding quotes AWS', () => {
    const flowLogs = [flowLog(VPC, { deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Rate limited' })];
    const [finding] = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs })]), settings(), NOW).findings;
    expect(finding?.awsMessage).toBe('Rate limited');
    expect(finding?.reason).toContain('Rate limited');
  });

  test('GIVEN a VPC shared from another account THEN it is reported, not remediable, and its subnets are skipped', () => {
    const shared = vpcWithSubnets('vpc-shared', 2, '999999999999');
    const result = audit(inventory([region('us-east-1', shared)]), settings({ scope: 'subnet' }), NOW);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'shared-vpc', resourceId: 'vpc-shared', remediable: false })]);
    expect(result.coverage).toEqual([]);
  });
});

describe('audit, scope subnet (Conformity)', () => {
  const cases: [string, FlowLogFacts[], Record<string, string | null>][] = [
    ['nothing', [], { [S0]: 'no-flow-log', [S1]: 'no-flow-log' }],
    ['the VPC covers every subnet', [flowLog(VPC)], { [S0]: 'vpc', [S1]: 'vpc' }],
    ['one subnet has its own', [flowLog(S0)], { [S0]: 'own', [S1]: 'no-flow-log' }],
    ['the VPC has only ACCEPT', [flowLog(VPC, { trafficType: 'ACCEPT' })], { [S0]: 'accept-only', [S1]: 'accept-only' }],
    ['own failed, VPC fine', [flowLog(S0, { deliverLogsStatus: 'FAILED' }), flowLog(VPC)], { [S0]: 'vpc', [S1]: 'vpc' }],
    ['own failed, no VPC log', [flowLog(S0, { deliverLogsStatus: 'FAILED' })], { [S0]: 'delivery-failed', [S1]: 'no-flow-log' }],
  ];

  test.each(cases)('GIVEN %s THEN each subnet is covered or has the expected finding', (_label, flowLogs, expected) => {
    const result = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs })]), settings({ scope: 'subnet' }), NOW);

    const observed: Record<string, string | null> = {};
    for (const c of result.coverage) observed[c.resourceId] = c.coveredBy?.level ?? null;
    for (const f of result.findings) observed[f.resourceId] = f.kind;
    expect(observed).toEqual(expected);
    for (const f of result.findings) expect(f).toMatchObject({ resourceType: 'Subnet', vpcId: VPC });
  });
});

describe('audit, destination retention', () => {
  const cases: [string, number | undefined, boolean][] = [
    ['30 days', 30, true],
    ['exactly 365 days', 365, false],
    ['400 days', 400, false],
    ['never expire', undefined, false],
  ];
  test.each(cases)('GIVEN a destination log group keeping %s', (_label, retentionInDays, expected) => {
    const flowLogs = [flowLog(VPC, { logGroupName: '/vpc/prod' })];
    const logGroups = { '/vpc/prod': { name: '/vpc/prod', ...(retentionInDays ? { retentionInDays } : {}) } };
    const result = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs, logGroups })]), settings(), NOW);
    expect(result.findings.filter((f) => f.kind === 'short-retention').map((f) => f.resourceId)).toEqual(expected ? ['/vpc/prod'] : []);
  });

  test('GIVEN flowfix own group with short retention and no flow log into it THEN it is still a finding', () => {
    const logGroups = { '/flowfix/vpc-flow-logs': { name: '/flowfix/vpc-flow-logs', retentionInDays: 7 } };
    const result = audit(inventory([region('us-east-1', { logGroups })]), settings(), NOW);
    expect(result.findings).toEqual([expect.objectContaining({ kind: 'short-retention', resourceType: 'LogGroup', remediable: true })]);
  });

  test('GIVEN a minimum of 30 days THEN a 30-day group passes', () => {
    const flowLogs = [flowLog(VPC, { logGroupName: '/vpc/prod' })];
    const logGroups = { '/vpc/prod': { name: '/vpc/prod', retentionInDays: 30 } };
    const result = audit(inventory([region('us-east-1', { vpcs, subnets, flowLogs, logGroups })]), settings({ minRetentionDays: 30 }), NOW);
    expect(result.findings).toEqual([]);
  });
});

describe('audit, delivery role', () => {
  const cases: [string, object, boolean][] = [
    ['trusts vpc-flow-logs', { Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, false],
    [
      'trusts it as one of several services',
      { Statement: { Effect: 'Allow', Principal: { Service: ['ec2.amazonaws.com', 'vpc-flow-logs.amazonaws.com'] }, Action: ['sts:AssumeRole'] } },
      false,
    ],
    ['trusts ec2 only', { Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, true],
    ['denies instead of allowing', { Statement: [{ Effect: 'Deny', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] }, true],
    [
      'is pinned to another account',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': '999999999999' } },
          },
        ],
      },
      true,
    ],
    [
      'is pinned by SourceArn to another account',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { ArnLike: { 'aws:SourceArn': 'arn:aws:ec2:*:999999999999:vpc-flow-log/*' } },
          },
        ],
      },
      true,
    ],
    [
      'is pinned with a lower-case condition key to another account',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:sourceaccount': '999999999999' } },
          },
        ],
      },
      true,
    ],
    [
      'allows it but also denies it outright',
      {
        Statement: [
          { Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' },
          { Effect: 'Deny', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' },
        ],
      },
      true,
    ],
    [
      'is pinned to this account by SourceArn',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { ArnLike: { 'aws:SourceArn': `arn:aws:ec2:*:${ACCOUNT}:vpc-flow-log/*` } },
          },
        ],
      },
      false,
    ],
    [
      'is pinned to this account',
      {
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Service: 'vpc-flow-logs.amazonaws.com' },
            Action: 'sts:AssumeRole',
            Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } },
          },
        ],
      },
      false,
    ],
  ];
  test.each(cases)('GIVEN an existing role that %s', (_label, trustPolicy, expected) => {
    const result = audit(inventory([], role({ trustPolicy: trustPolicy as never })), settings(), NOW);
    expect(result.findings.map((f) => f.kind)).toEqual(expected ? ['role-untrusted'] : []);
    if (expected) expect(result.findings[0]).toMatchObject({ remediable: false, region: 'global' });
  });

  test('GIVEN an S3 destination THEN the role does not matter', () => {
    const untrusted = role({ trustPolicy: { Statement: [] } });
    const result = audit(inventory([], untrusted), settings({ destination: { type: 's3', bucket: 'b', prefix: '' } }), NOW);
    expect(result.findings).toEqual([]);
  });
});

describe('audit, unreadable regions', () => {
  test('GIVEN a region that failed to read THEN it yields no findings and no coverage (unknown, not compliant)', () => {
    const inv = inventory([unreadable('us-east-1', 'UnauthorizedOperation', 'denied')]);
    expect(audit(inv, settings(), NOW)).toEqual({ findings: [], coverage: [], warnings: [] });
  });
});
