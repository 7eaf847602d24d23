import { neededPermissions, permissionReport, principalToSimulate, simulationRequests, SIMULATION_RESULTS_PER_PAGE } from '../../src/plan/permission-check.js';
import { checkPermissions } from '../../src/workflow/permission-check.js';
import type { AwsClients, SimulationRequest } from '../../src/aws/api.js';
import type { Plan } from '../../src/plan/types.js';
import { runFlowfix } from '../helpers/capture-io.js';

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
  const needs = [
    { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r' },
    { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r' },
    { action: 'ec2:CreateFlowLogs', resource: '*' },
    { action: 'ec2:CreateTags', resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*' },
  ];

  test('GIVEN needs on three resources THEN one request per resource, with the context keys its actions need', () => {
    expect(simulationRequests('arn:aws:iam::1:user/u', needs)).toEqual<SimulationRequest[]>([
      {
        policySourceArn: 'arn:aws:iam::1:user/u',
        actionNames: ['iam:CreateRole', 'iam:PassRole'],
        resourceArns: ['arn:aws:iam::1:role/r'],
        contextEntries: [{ key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] }],
      },
      { policySourceArn: 'arn:aws:iam::1:user/u', actionNames: ['ec2:CreateFlowLogs'], resourceArns: ['*'] },
      {
        policySourceArn: 'arn:aws:iam::1:user/u',
        actionNames: ['ec2:CreateTags'],
        resourceArns: ['arn:aws:ec2:us-east-1:1:vpc-flow-log/*'],
        contextEntries: [{ key: 'ec2:CreateAction', values: ['CreateFlowLogs'] }],
      },
    ]);
  });

  test('GIVEN resources that need the same actions THEN they share a request, each within one page of answers', () => {
    const vpcs = Array.from({ length: 120 }, (_, i) => `arn:aws:ec2:us-east-1:1:vpc/vpc-${i}`);
    const same = vpcs.flatMap((resource) => [
      { action: 'ec2:CreateFlowLogs', resource },
      { action: 'ec2:CreateTags', resource },
    ]);
    const requests = simulationRequests('p', [...same, { action: 'ec2:CreateFlowLogs', resource: '*' }]);
    // 120 VPCs × 2 actions = 240 pairs: three requests of at most 100 pairs; '*' needs only one action.
    expect(requests.map((r) => [r.actionNames, r.resourceArns.length])).toEqual([
      [['ec2:CreateFlowLogs', 'ec2:CreateTags'], 50],
      [['ec2:CreateFlowLogs', 'ec2:CreateTags'], 50],
      [['ec2:CreateFlowLogs', 'ec2:CreateTags'], 20],
      [['ec2:CreateFlowLogs'], 1],
    ]);
    expect(requests.flatMap((r) => r.resourceArns).filter((a) => a !== '*')).toEqual(vpcs);
    expect(requests.every((r) => r.actionNames.length * r.resourceArns.length <= SIMULATION_RESULTS_PER_PAGE)).toBe(true);
  });

  test('GIVEN denials and a need IAM did not answer THEN each is missing with its decision (no answer: implicitDeny)', () => {
    const report = permissionReport('p', needs, [
      { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r', decision: 'allowed' },
      { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', decision: 'explicitDeny' },
      { action: 'ec2:CreateFlowLogs', resource: '*', decision: 'allowed' },
    ]);
    expect(report).toEqual({
      status: 'checked',
      principal: 'p',
      needed: 4,
      missing: [
        { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', decision: 'explicitDeny' },
        { action: 'ec2:CreateTags', resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*', decision: 'implicitDeny' },
      ],
    });
  });

  test('GIVEN a plan whose actions share a permission THEN it is needed once', () => {
    const action = (id: string, region: string) => ({ id, kind: 'put-retention-policy', region, because: [], input: { logGroupName: '/flowfix/x', retentionInDays: 365 } });
    const plan = { partition: 'aws', accountId: '1', settings: { roleName: 'r' }, actions: [action('01-a', 'us-east-1'), action('02-b', 'us-east-1'), action('03-c', 'eu-west-1')] } as unknown as Plan;
    expect(neededPermissions(plan).map((p) => p.resource)).toEqual(['arn:aws:logs:us-east-1:1:log-group:/flowfix/x', 'arn:aws:logs:eu-west-1:1:log-group:/flowfix/x']);
  });

  test('GIVEN an existing role at a path WHEN PutRolePolicy declares both path patterns THEN only the real ARN (from the flow logs) is needed', () => {
    const real = 'arn:aws:iam::111111111111:role/team/flowfix-vpc-flow-logs';
    const plan = {
      partition: 'aws',
      accountId: '111111111111',
      settings: { roleName: 'flowfix-vpc-flow-logs' },
      actions: [
        { id: '01', kind: 'put-role-policy', region: 'global', because: [], input: { RoleName: 'flowfix-vpc-flow-logs', PolicyName: 'p', PolicyDocument: '{}' } },
        {
          id: '02',
          kind: 'create-flow-logs',
          region: 'us-east-1',
          because: [],
          input: { ResourceIds: ['vpc-1'], ResourceType: 'VPC', TrafficType: 'REJECT', LogDestinationType: 'cloud-watch-logs', LogGroupName: '/flowfix/x', DeliverLogsPermissionArn: real, TagSpecifications: [] },
        },
      ],
    } as unknown as Plan;
    expect(neededPermissions(plan)).toEqual([
      { action: 'iam:PutRolePolicy', resource: real },
      { action: 'ec2:CreateFlowLogs', resource: '*' },
      { action: 'iam:PassRole', resource: real },
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

  test.each([
    [8, 3],
    [1, 1],
  ])('GIVEN three simulation requests and concurrency %i THEN %i of them are in flight at once (they do not wait for each other\'s answers)', async (concurrency, expected) => {
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
    const fallback = setTimeout(open, 5_000);
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
    clearTimeout(fallback);

    expect(check).toMatchObject({ status: 'checked', missing: [] });
    expect(peak).toBe(expected);
  });

  test('GIVEN --snapshot WHEN plan --check-permissions THEN a one-line usage error: a snapshot cannot ask IAM', async () => {
    const result = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--check-permissions']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flowfix: --check-permissions asks IAM and cannot be used with --snapshot/);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });
});
