// A saved plan is a request, not a program. Each tampered copy of a real saved plan must be refused
// before any write, with one line naming the action and what differs; an untouched plan still applies,
// and a plan whose account moved on applies only what is still needed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runFlowfix } from '../helpers/capture-io.js';
import { DEFAULT_BOUNDARY, FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const run = (argv: string[]) => runFlowfix(argv, { env: ENV });
const GROUP = '/flowfix/vpc-flow-logs';
const ROLE = 'flowfix-vpc-flow-logs';
const ACCOUNT = '111111111111';

const EC2_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const ADMIN_POLICY = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };

/** Two regions with a bare VPC each (one with a subnet), one compliant VPC, a shared VPC, an unrelated admin role and group. */
function seed(fake: FakeAws) {
  const us = fake.addVpc('us-east-1', { name: 'bare-us' });
  const usSubnet = fake.addSubnet('us-east-1', us);
  const eu = fake.addVpc('eu-west-1', { name: 'bare-eu' });
  const compliant = fake.addVpc('us-east-1', { name: 'ok' });
  fake.addFlowLog('us-east-1', { resourceId: compliant, trafficType: 'ALL', destinationType: 's3', destination: 'arn:aws:s3:::central' });
  const shared = fake.addVpc('us-east-1', { name: 'shared', ownerId: '999999999999' });
  fake.addRole('app-admin', EC2_TRUST, { 'app-admin-policy': ADMIN_POLICY });
  fake.addLogGroup('us-east-1', '/app/audit', { retentionInDays: 7 });
  return { us, usSubnet, eu, compliant, shared };
}

type Json = any;
type Estate = ReturnType<typeof seed>;
const find = (plan: Json, kind: string, region?: string) => plan.actions.find((a: Json) => a.kind === kind && (region === undefined || a.region === region));

interface Tamper {
  name: string;
  edit: (plan: Json, estate: Estate) => void;
  /** The one line names the action (or flag) and what differs. */
  reason: RegExp;
  flags?: string[];
}

const tampers: Tamper[] = [
  {
    name: 'the issue reproduction: retarget the publish policy at an unrelated role',
    edit: (plan) => {
      plan.settings.roleName = 'app-admin';
      plan.actions = plan.actions.filter((a: Json) => a.kind !== 'create-role');
      const put = find(plan, 'put-role-policy');
      put.input.RoleName = 'app-admin';
      put.input.PolicyName = 'app-admin-policy';
      put.description = 'Read role (no change)';
      for (const a of plan.actions) if (a.kind === 'create-flow-logs') a.input.DeliverLogsPermissionArn = `arn:aws:iam::${ACCOUNT}:role/app-admin`;
    },
    reason: /put-role-policy: .*(app-admin|does not trust|would not send)/,
  },
  {
    name: 'PutRetentionPolicy retargeted at another group',
    edit: (plan) => {
      find(plan, 'put-retention-policy', 'us-east-1').input.logGroupName = '/app/audit';
    },
    reason: /put-retention-policy-us-east-1: logGroupName "\/app\/audit" \(flowfix would send "\/flowfix\/vpc-flow-logs"\)/,
  },
  {
    name: 'an extra log group added to the publish policy',
    edit: (plan) => {
      const put = find(plan, 'put-role-policy');
      const doc = JSON.parse(put.input.PolicyDocument);
      doc.Statement[0].Resource.push(`arn:aws:logs:*:${ACCOUNT}:log-group:/app/audit:*`);
      put.input.PolicyDocument = JSON.stringify(doc);
    },
    reason: /02-put-role-policy: policy document differs from flowfix's least-privilege policy/,
  },
  {
    name: 'a forged CreateRole description',
    edit: (plan) => {
      find(plan, 'create-role').description = 'Read role (no change)';
    },
    reason: /01-create-role: description differs from what flowfix renders/,
  },
  {
    name: 'a role ARN with a path flowfix never uses',
    edit: (plan) => {
      for (const a of plan.actions) if (a.kind === 'create-flow-logs') a.input.DeliverLogsPermissionArn = `arn:aws:iam::${ACCOUNT}:role/evil/${ROLE}`;
    },
    reason: /create-flow-logs-(us-east-1|eu-west-1): DeliverLogsPermissionArn ".*role\/evil\//,
  },
  {
    name: 'ResourceType Subnet with VPC ids',
    edit: (plan) => {
      find(plan, 'create-flow-logs', 'us-east-1').input.ResourceType = 'Subnet';
    },
    reason: /ResourceIds: ResourceIds must all be of the ResourceType/,
  },
  {
    name: 'an action duplicated',
    edit: (plan) => {
      plan.actions.push(structuredClone(find(plan, 'create-log-group', 'eu-west-1')));
    },
    reason: /create-log-group-eu-west-1: the id appears twice/,
  },
  {
    name: 'two actions sharing an id',
    edit: (plan) => {
      find(plan, 'create-log-group', 'us-east-1').id = find(plan, 'create-log-group', 'eu-west-1').id;
    },
    reason: /create-log-group-eu-west-1: the id appears twice/,
  },
  {
    name: 'an action added: a log group in a region the plan does not touch',
    edit: (plan) => {
      const extra = structuredClone(find(plan, 'create-log-group', 'eu-west-1'));
      extra.id = '99-create-log-group';
      extra.input.logGroupName = '/app/other';
      extra.description = 'Create log group /app/other';
      plan.actions.push(extra);
    },
    reason: /99-create-log-group: logGroupName "\/app\/other"/,
  },
  {
    name: 'an action removed: a prerequisite of the flow logs kept',
    edit: (plan) => {
      plan.actions = plan.actions.filter((a: Json) => !(a.kind === 'create-log-group' && a.region === 'eu-west-1'));
    },
    reason: /leaves out create-log-group in eu-west-1/,
  },
  {
    name: 'actions reordered: flow logs before their log group',
    edit: (plan) => {
      const i = plan.actions.indexOf(find(plan, 'create-log-group', 'eu-west-1'));
      const j = plan.actions.indexOf(find(plan, 'create-flow-logs', 'eu-west-1'));
      [plan.actions[i], plan.actions[j]] = [plan.actions[j], plan.actions[i]];
    },
    reason: /out of order/,
  },
  {
    name: 'settings and inputs disagreeing: traffic type',
    edit: (plan) => {
      plan.settings.trafficType = 'ALL';
    },
    reason: /create-flow-logs-us-east-1: TrafficType "REJECT" \(flowfix would send "ALL"\)/,
  },
  {
    name: 'settings and inputs disagreeing: retention',
    edit: (plan) => {
      plan.settings.retentionInDays = 30;
      plan.settings.minRetentionDays = 30;
    },
    reason: /put-retention-policy-us-east-1: retentionInDays 365 \(flowfix would send 30\)/,
  },
  {
    name: 'a permissions list rewritten',
    edit: (plan) => {
      find(plan, 'create-flow-logs', 'us-east-1').permissions = ['ec2:DescribeVpcs'];
    },
    reason: /create-flow-logs-us-east-1: permissions differs from what flowfix renders/,
  },
  {
    // Compliant already, so indistinguishable from "fixed since": nothing would be sent for it, but the
    // description no longer matches the input.
    name: 'a compliant VPC added to a CreateFlowLogs',
    edit: (plan, estate) => {
      find(plan, 'create-flow-logs', 'us-east-1').input.ResourceIds.push(estate.compliant);
    },
    reason: /08-create-flow-logs-us-east-1: description differs from what flowfix renders/,
  },
  {
    name: 'a shared VPC added to a CreateFlowLogs',
    edit: (plan, estate) => {
      find(plan, 'create-flow-logs', 'us-east-1').input.ResourceIds.push(estate.shared);
    },
    reason: /create-flow-logs-us-east-1: vpc-\w+ is not a VPC flowfix would give this flow log now/,
  },
  {
    name: 'a subnet added while the plan is scoped to VPCs',
    edit: (plan, estate) => {
      const action = structuredClone(find(plan, 'create-flow-logs', 'us-east-1'));
      action.id = '98-create-flow-logs-us-east-1';
      action.input.ResourceType = 'Subnet';
      action.input.ResourceIds = [estate.usSubnet];
      action.description = 'Create REJECT flow logs for 1 subnet → cloud-watch-logs:/flowfix/vpc-flow-logs';
      plan.actions.push(action);
    },
    reason: /98-create-flow-logs-us-east-1: (ResourceType|subnet-\w+ is not)/,
  },
  {
    name: 'a flag that conflicts with the plan: --regions',
    edit: () => {},
    flags: ['--regions', 'us-east-1'],
    reason: /--regions differs from the settings saved in/,
  },
  {
    name: 'a flag that conflicts with the plan: --region',
    edit: () => {},
    flags: ['--region', 'us-east-1'],
    reason: /--region differs from the settings saved in/,
  },
  {
    name: 'flags that conflict with the plan: --destination and --retention, each named',
    edit: () => {},
    flags: ['--destination', 's3://central-logs/flow', '--retention', '30', '--min-retention', '30', '--scope', 'vpc'],
    reason: /--destination, --retention, --min-retention differ from the settings saved in/,
  },
  {
    name: 'a flag that conflicts with the plan: --log-group',
    edit: () => {},
    flags: ['--log-group', '/other'],
    reason: /--log-group differs from the settings saved in/,
  },
];

describe('saved plans are requests', () => {
  let fake: FakeAws;
  let dir: string;
  let estate: Estate;
  let saved: Json;

  beforeEach(async () => {
    fake = new FakeAws({ pageSize: 2 }).install();
    estate = seed(fake);
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-saved-'));
    const planned = await run(['plan', '--out', path.join(dir, 'plan.json')]);
    expect(planned.code).toBe(2);
    saved = JSON.parse(await readFile(path.join(dir, 'plan.json'), 'utf8'));
  });
  afterEach(async () => {
    fake.restore();
    await rm(dir, { recursive: true, force: true });
  });

  const applySaved = async (plan: Json, flags: string[] = []) => {
    const file = path.join(dir, 'edited.json');
    await writeFile(file, JSON.stringify(plan, null, 2));
    return run(['apply', file, '--yes', ...flags]);
  };

  test.each(tampers)('GIVEN $name THEN it is refused before any write, in one line', async ({ edit, reason, flags }) => {
    const plan = structuredClone(saved);
    edit(plan, estate);

    const result = await applySaved(plan, flags);

    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(reason);
    expect(fake.mutatingCalls()).toEqual([]);
    expect(fake.role('app-admin')?.inlinePolicies['app-admin-policy']).toEqual(ADMIN_POLICY);
  });

  test('GIVEN the untouched saved plan THEN it applies and the account converges', async () => {
    const result = await applySaved(saved);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect((await run(['plan'])).code).toBe(0); // only the shared VPC remains: report-only
    expect(
      fake
        .flowLogs('eu-west-1')
        .filter((f) => f.LogGroupName === GROUP)
        .map((f) => f.ResourceId),
    ).toEqual([estate.eu]);
  });

  test('GIVEN flags that repeat the plan settings THEN they are accepted', async () => {
    const result = await applySaved(saved, [
      '--regions',
      [...saved.settings.regions].reverse().join(','),
      '--destination',
      'cloud-watch-logs',
      '--log-group',
      GROUP,
      '--scope',
      'VPC',
      '--retention',
      '365',
    ]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test("GIVEN --region naming the plan's regions THEN it is accepted like --regions", async () => {
    const result = await applySaved(saved, ['--region', saved.settings.regions.join(',')]);

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  test('GIVEN resources the user left out THEN only the rest get flow logs', async () => {
    const plan = structuredClone(saved);
    plan.actions = plan.actions.filter((a: Json) => !(a.kind === 'create-flow-logs' && a.region === 'eu-west-1'));
    plan.actions = plan.actions.filter((a: Json) => a.region !== 'eu-west-1');

    const result = await applySaved(plan);

    expect(result.code).toBe(0);
    expect(fake.flowLogs('eu-west-1').filter((f) => f.LogGroupName === GROUP)).toEqual([]);
    expect(
      fake
        .flowLogs('us-east-1')
        .filter((f) => f.LogGroupName === GROUP)
        .map((f) => f.ResourceId),
    ).toEqual([estate.us]);
  });

  test('GIVEN the account moved on since the plan was saved THEN only what is still needed is sent', async () => {
    // Someone created the role and gave eu-west-1's VPC a working flow log meanwhile.
    fake.addRole(
      ROLE,
      { Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] },
      {},
      { ManagedBy: 'flowfix' },
      { permissionsBoundary: DEFAULT_BOUNDARY },
    );
    fake.addFlowLog('eu-west-1', { resourceId: estate.eu, trafficType: 'REJECT', destinationType: 's3', destination: 'arn:aws:s3:::central' });

    const result = await applySaved(saved);

    expect(result.code).toBe(0);
    const writes = fake.mutatingCalls().map((c) => `${c.operation}@${c.region}`);
    expect(writes).not.toContain('CreateRole@us-east-1');
    expect(writes.filter((w) => w.endsWith('eu-west-1'))).toEqual([]);
    expect(writes).toContain('CreateFlowLogs@us-east-1');
    expect(result.stdout).toMatch(/already-done\s+global\s+flowfix-vpc-flow-logs\s+create-role/);
    expect(result.stdout).toMatch(new RegExp(`already-done\\s+eu-west-1\\s+${estate.eu}\\s+create-flow-logs`));
  });
});
