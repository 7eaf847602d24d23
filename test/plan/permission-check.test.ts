import type { AwsClients, SimulationRequest } from '../../src/aws/api.js';
import {
  neededPermissions,
  permissionReport,
  principalToSimulate,
  SIMULATION_RESULTS_PER_PAGE,
  simulationRequests,
  type NeededPermission,
} from '../../src/plan/permission-check.js';
import type { Plan } from '../../src/plan/types.js';
import { checkPermissions } from '../../src/workflow/permission-check.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { openIfStuck } from '../helpers/timeouts.js';

describe('principalToSimulate', () => {
  test('GIVEN an assumed-role session WHEN choosing the principal THEN it is the role (without path: the session ARN has none)', () => {
    expect(principalToSimulate('arn:aws:sts::123456789012:assumed-role/Ops/alice@example.com')).toBe('arn:aws:iam::123456789012:role/Ops');
    expect(principalToSimulate('arn:aws-us-gov:sts::123456789012:assumed-role/Ops/s')).toBe('arn:aws-us-gov:iam::123456789012:role/Ops');
  });
  test('GIVEN an IAM user THEN the user ARN; GIVEN the root user or a federated user THEN none', () => {
    expect(principalToSimulate('arn:aws:iam::123456789012:user/path/bob')).toBe('arn:aws:iam::123456789012:user/path/bob');
    expect(principalToSimulate('arn:aws:iam::123456789012:root')).toBeUndefined();
    expect(principalToSimulate('arn:aws:sts::123456789012:federated-user/bob')).toBeUndefined();
  });
});

describe('simulationRequests and permissionReport', () => {
  const east = { key: 'aws:RequestedRegion', values: ['us-east-1'] };
  const iamRegion = { key: 'aws:RequestedRegion', values: ['us-east-1'] };
  const needs: NeededPermission[] = [
    {
      action: 'iam:CreateRole',
      resource: 'arn:aws:iam::1:role/r',
      region: 'global',
      context: [iamRegion, { key: 'iam:PermissionsBoundary', values: ['arn:aws:iam::1:policy/b'] }],
    },
    {
      action: 'iam:PassRole',
      resource: 'arn:aws:iam::1:role/r',
      region: 'global',
      context: [iamRegion, { key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] }],
    },
    { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*', region: 'us-east-1', context: [east] },
    { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:us-east-1:1:vpc/vpc-1', region: 'us-east-1', context: [east] },
  ];
  const requests = simulationRequests('arn:aws:iam::1:user/u', needs);

  test('GIVEN needs THEN one request per action and context, naming every resource that action is needed on', () => {
    expect(requests).toEqual<SimulationRequest[]>([
      { policySourceArn: 'arn:aws:iam::1:user/u', actionNames: ['iam:CreateRole'], resourceArns: ['arn:aws:iam::1:role/r'], contextEntries: needs[0]!.context },
      { policySourceArn: 'arn:aws:iam::1:user/u', actionNames: ['iam:PassRole'], resourceArns: ['arn:aws:iam::1:role/r'], contextEntries: needs[1]!.context },
      {
        policySourceArn: 'arn:aws:iam::1:user/u',
        actionNames: ['ec2:CreateFlowLogs'],
        resourceArns: ['arn:aws:ec2:us-east-1:1:vpc-flow-log/*', 'arn:aws:ec2:us-east-1:1:vpc/vpc-1'],
        contextEntries: [east],
      },
    ]);
  });

  test('GIVEN many resources that need the same action with the same context THEN they share requests, each within one page of answers', () => {
    const vpcs = Array.from({ length: 120 }, (_, i) => `arn:aws:ec2:us-east-1:1:vpc/vpc-${i}`);
    const same = vpcs.flatMap((resource): NeededPermission[] => [
      { action: 'ec2:CreateFlowLogs', resource, region: 'us-east-1', context: [east] },
      { action: 'ec2:CreateTags', resource, region: 'us-east-1', context: [east] },
    ]);
    const many = simulationRequests('p', [
      ...same,
      {
        action: 'ec2:CreateFlowLogs',
        resource: 'arn:aws:ec2:eu-west-1:1:vpc/vpc-x',
        region: 'eu-west-1',
        context: [{ key: 'aws:RequestedRegion', values: ['eu-west-1'] }],
      },
    ]);
    // One action a request (IAM answers one result per action); 120 resources: 100 + 20; another region's context its own request.
    expect(many.map((r) => [r.actionNames, r.resourceArns.length])).toEqual([
      [['ec2:CreateFlowLogs'], 100],
      [['ec2:CreateFlowLogs'], 20],
      [['ec2:CreateTags'], 100],
      [['ec2:CreateTags'], 20],
      [['ec2:CreateFlowLogs'], 1],
    ]);
    expect(many.slice(0, 2).flatMap((r) => r.resourceArns)).toEqual(vpcs);
    expect(many.every((r) => r.actionNames.length * r.resourceArns.length <= SIMULATION_RESULTS_PER_PAGE)).toBe(true);
  });

  test('GIVEN denials by an SCP, a boundary and the identity policy, one undecided and one unanswered THEN each is reported with its layer; undecided is not missing', () => {
    const report = permissionReport('p', needs, [
      {
        request: requests[0]!,
        results: [
          {
            action: 'iam:CreateRole',
            resource: 'arn:aws:iam::1:role/r',
            decision: 'implicitDeny',
            allowedByOrganizations: true,
            allowedByPermissionsBoundary: false,
          },
        ],
      },
      {
        request: requests[1]!,
        results: [{ action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', decision: 'explicitDeny', allowedByOrganizations: false }],
      },
      {
        request: requests[2]!,
        results: [
          {
            action: 'ec2:CreateFlowLogs',
            resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*',
            decision: 'implicitDeny',
            missingContextValues: ['aws:PrincipalTag/team'],
          },
        ],
      },
    ]);
    expect(report).toEqual({
      status: 'checked',
      principal: 'p',
      needed: 4,
      missing: [
        { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r', decision: 'implicitDeny', deniedBy: 'permissions-boundary', region: 'global' },
        { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', decision: 'explicitDeny', deniedBy: 'organization-policy', region: 'global' },
        { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:us-east-1:1:vpc/vpc-1', decision: 'implicitDeny', region: 'us-east-1' },
      ],
      undecided: [
        {
          action: 'ec2:CreateFlowLogs',
          resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*',
          region: 'us-east-1',
          missingContextValues: ['aws:PrincipalTag/team'],
        },
      ],
    });
  });

  test('GIVEN an answer asked with other context keys THEN it does not answer this need', () => {
    const other = { ...requests[2]!, contextEntries: [{ key: 'aws:RequestedRegion', values: ['eu-west-1'] }] };
    const report = permissionReport(
      'p',
      [needs[2]!],
      [{ request: other, results: [{ action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*', decision: 'allowed' }] }],
    );
    expect(report.missing).toHaveLength(1);
  });

  test('GIVEN a plan whose actions share a permission THEN it is needed once per region, with aws:RequestedRegion', () => {
    const action = (id: string, region: string) => ({
      id,
      kind: 'put-retention-policy',
      region,
      because: [],
      input: { logGroupName: '/flowfix/x', retentionInDays: 365 },
    });
    const plan = {
      partition: 'aws',
      accountId: '1',
      settings: { roleName: 'r' },
      actions: [action('01-a', 'us-east-1'), action('02-b', 'us-east-1'), action('03-c', 'eu-west-1')],
    } as unknown as Plan;
    expect(neededPermissions(plan).map((p) => [p.resource, p.context])).toEqual([
      ['arn:aws:logs:us-east-1:1:log-group:/flowfix/x', [{ key: 'aws:RequestedRegion', values: ['us-east-1'] }]],
      ['arn:aws:logs:eu-west-1:1:log-group:/flowfix/x', [{ key: 'aws:RequestedRegion', values: ['eu-west-1'] }]],
    ]);
  });

  test("GIVEN an existing role at a path WHEN PutRolePolicy declares both path patterns THEN only the real ARN (from the flow logs) is needed, with the role's boundary; CreateFlowLogs on the flow log and the VPC ARNs, with its tags", () => {
    const real = 'arn:aws-us-gov:iam::111111111111:role/team/flowfix-vpc-flow-logs';
    const plan = {
      partition: 'aws-us-gov',
      accountId: '111111111111',
      settings: { roleName: 'flowfix-vpc-flow-logs' },
      actions: [
        {
          id: '01',
          kind: 'put-role-policy',
          region: 'global',
          because: [],
          input: { RoleName: 'flowfix-vpc-flow-logs', PolicyName: 'p', PolicyDocument: '{}' },
        },
        {
          id: '02',
          kind: 'create-flow-logs',
          region: 'us-gov-east-1',
          because: [],
          input: {
            ResourceIds: ['vpc-1'],
            ResourceType: 'VPC',
            TrafficType: 'REJECT',
            LogDestinationType: 'cloud-watch-logs',
            LogGroupName: '/flowfix/x',
            DeliverLogsPermissionArn: real,
            TagSpecifications: [{ ResourceType: 'vpc-flow-log', Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] }],
          },
        },
      ],
    } as unknown as Plan;
    const region = (r: string) => ({ key: 'aws:RequestedRegion', values: [r] });
    const tags = [
      { key: 'aws:RequestTag/ManagedBy', values: ['flowfix'] },
      { key: 'aws:TagKeys', values: ['ManagedBy'] },
    ];
    expect(neededPermissions(plan, { roleBoundary: 'arn:aws-us-gov:iam::111111111111:policy/b' })).toEqual([
      {
        action: 'iam:PutRolePolicy',
        resource: real,
        region: 'global',
        context: [region('us-gov-west-1'), { key: 'iam:PermissionsBoundary', values: ['arn:aws-us-gov:iam::111111111111:policy/b'] }],
      },
      {
        action: 'ec2:CreateFlowLogs',
        resource: 'arn:aws-us-gov:ec2:us-gov-east-1:111111111111:vpc-flow-log/*',
        region: 'us-gov-east-1',
        context: [region('us-gov-east-1'), ...tags],
      },
      {
        action: 'ec2:CreateFlowLogs',
        resource: 'arn:aws-us-gov:ec2:us-gov-east-1:111111111111:vpc/vpc-1',
        region: 'us-gov-east-1',
        context: [region('us-gov-east-1'), ...tags],
      },
      {
        action: 'ec2:CreateTags',
        resource: 'arn:aws-us-gov:ec2:us-gov-east-1:111111111111:vpc-flow-log/*',
        region: 'us-gov-east-1',
        context: [region('us-gov-east-1'), { key: 'ec2:CreateAction', values: ['CreateFlowLogs'] }, ...tags],
      },
      {
        action: 'iam:PassRole',
        resource: real,
        region: 'us-gov-east-1',
        context: [region('us-gov-east-1'), { key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] }],
      },
    ]);
  });
});

describe('checkPermissions: when IAM cannot answer, and usage', () => {
  test('GIVEN an assumed-role caller whose role is not found under its plain ARN (a role with a path) THEN unavailable, saying why', async () => {
    const plan = {
      partition: 'aws',
      accountId: '111111111111',
      settings: { roleName: 'flowfix-vpc-flow-logs' },
      actions: [{ id: '01', kind: 'put-retention-policy', region: 'us-east-1', because: [], input: { logGroupName: '/flowfix/x', retentionInDays: 365 } }],
    } as unknown as Plan;
    const clients = {
      callerIdentity: async () => ({ accountId: '111111111111', arn: 'arn:aws:sts::111111111111:assumed-role/Ops/me' }),
      iam: () => ({
        simulatePrincipalPolicy: async () => {
          throw Object.assign(new Error('The role with name Ops cannot be found.'), { name: 'NoSuchEntity', $metadata: { httpStatusCode: 404 } });
        },
      }),
    } as unknown as AwsClients;

    const check = await checkPermissions(plan, clients);

    expect(check).toMatchObject({ status: 'unavailable', principal: 'arn:aws:iam::111111111111:role/Ops', needed: 1, missing: [] });
    expect(check.message).toMatch(/no principal arn:aws:iam::111111111111:role\/Ops .*a role with a path.*DryRun probes instead/);
  });

  // Four requests: PutRetentionPolicy on /a and /b together; CreateLogGroup on /c, and on /d with its
  // request tags (another context); TagResource on /d.
  test.each([
    [8, 4],
    [1, 1],
  ])(
    "GIVEN four simulation requests and concurrency %i THEN %i of them are in flight at once (they do not wait for each other's answers)",
    async (concurrency, expected) => {
      const action = (id: string, kind: string, input: object) => ({ id, kind, region: 'us-east-1', because: [], input });
      const plan = {
        partition: 'aws',
        accountId: '111111111111',
        settings: { roleName: 'flowfix-vpc-flow-logs' },
        actions: [
          action('01', 'put-retention-policy', { logGroupName: '/a', retentionInDays: 365 }),
          action('02', 'put-retention-policy', { logGroupName: '/b', retentionInDays: 365 }),
          action('03', 'create-log-group', { logGroupName: '/c', tags: {} }),
          action('04', 'create-log-group', { logGroupName: '/d', tags: { ManagedBy: 'flowfix' } }),
        ],
      } as unknown as Plan;
      // A gate, not a clock: answers wait until `expected` requests are in flight (a fallback keeps a failing run from hanging).
      let inFlight = 0;
      let peak = 0;
      let open!: () => void;
      const gate = new Promise<void>((resolve) => (open = resolve));
      const cancelFallback = openIfStuck(open);
      const clients = {
        callerIdentity: async () => ({ accountId: '111111111111', arn: 'arn:aws:iam::111111111111:user/me' }),
        iam: () => ({
          simulatePrincipalPolicy: async (request: SimulationRequest) => {
            inFlight++;
            peak = Math.max(peak, inFlight);
            if (inFlight === expected) open();
            await gate;
            inFlight--;
            return request.actionNames.flatMap((a) => request.resourceArns.map((resource) => ({ action: a, resource, decision: 'allowed' })));
          },
        }),
      } as unknown as AwsClients;

      const check = await checkPermissions(plan, clients, undefined, concurrency);
      cancelFallback();

      expect(check).toMatchObject({ status: 'checked', missing: [] });
      expect(peak).toBe(expected);
    },
  );

  test('GIVEN --snapshot WHEN plan --check-permissions THEN a one-line usage error: a snapshot cannot ask IAM', async () => {
    const result = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--check-permissions']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flowfix: --check-permissions asks IAM and cannot be used with --snapshot/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
