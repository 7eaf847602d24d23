// A failed apply says each cause once, with the fix that fits the policy layer that refused, and waits
// for IAM propagation only where this run changed the role a flow log delivers through.
import { applyCommand } from '../../src/cli/commands/apply.js';
import { toCommandOptions } from '../../src/cli/options.js';
import type { ApplyReportDocument } from '../../src/report/apply-report.js';
import { captureIo } from '../helpers/capture-io.js';
import { ENCODED_AUTHORIZATION_MESSAGE, FakeAws, type IdentityDenial } from '../helpers/fake-aws.js';
import { FakeClock } from '../helpers/fake-clock.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };

async function apply(args: Record<string, unknown>) {
  const clock = new FakeClock();
  const io = captureIo({ env: ENV });
  const options = await toCommandOptions({ yes: true, ...args }, io);
  const code = await applyCommand(options, io, { clock });
  return { code, out: io.out.join(''), err: io.err.join(''), clock };
}

describe('apply failures, said once per cause', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
  });
  afterEach(() => fake.restore());

  test('GIVEN an SCP denies CreateFlowLogs in eu-west-1 (12 VPCs there, one with a FAILED flow log through another role) WHEN apply THEN one grouped message with the SCP hint, no grant hint, and no propagation wait', async () => {
    fake.addVpc('us-east-1', { name: 'east' });
    const west = Array.from({ length: 12 }, (_, i) => fake.addVpc('eu-west-1', { name: `west-${i}` }));
    // Someone else's flow log, failing through someone else's role: nothing this run changed.
    fake.addFlowLog('eu-west-1', {
      resourceId: west[0]!,
      trafficType: 'ALL',
      logGroupName: '/team/flow',
      deliverLogsStatus: 'FAILED',
      deliverLogsErrorMessage: 'Access error',
      deliverLogsPermissionArn: 'arn:aws:iam::111111111111:role/team-flow-logs',
    });
    const scp = fake.denyRegionByPolicy('eu-west-1', { operations: ['CreateFlowLogs'] });

    const result = await apply({ regions: 'us-east-1,eu-west-1' });

    expect(result.code).toBe(1);
    // The role was created in this run, and still nothing waited: the FAILED flow log uses another role.
    expect(fake.role('flowfix-vpc-flow-logs')).toBeDefined();
    expect(result.clock.sleeps).toEqual([]);
    expect(result.err).not.toMatch(/IAM propagates/);
    const failures = result.out.split('\n').filter((l) => l.startsWith('Failed'));
    expect(failures).toEqual([expect.stringMatching(/^Failed: create-flow-logs in eu-west-1 \(call \d+\), 12 VPCs: (vpc-\w+, ){4}vpc-\w+ and 7 more/)]);
    // AWS's message once, not once per VPC; the encoded details only in the command that decodes them.
    expect(result.out.split('with an explicit deny in a service control policy')).toHaveLength(2);
    expect(result.out).toContain(`Fix: your organization's service control policy (SCP) ${scp} denies it: no grant on your role or user can change that`);
    expect(result.out).not.toMatch(/grant ec2:CreateFlowLogs/);
    expect(result.out).not.toContain(ENCODED_AUTHORIZATION_MESSAGE);
    // Verification says the VPCs left without a flow log once too.
    expect(result.out).toMatch(/\n {2}eu-west-1 11 VPCs \((vpc-\w+, ){4}vpc-\w+ and 6 more \(every one in --format json\)\): missing: no ACTIVE flow log/);
    expect(result.out).toMatch(/\n {2}eu-west-1 vpc-\w+: delivery-failed: Access error\n/);
    // us-east-1 was done all the same.
    expect(fake.flowLogs('us-east-1')).toHaveLength(1);
  });

  test('GIVEN the same SCP deny WHEN apply --format json THEN every VPC keeps its own result, with the message and the hint', async () => {
    const west = [fake.addVpc('eu-west-1'), fake.addVpc('eu-west-1')];
    fake.denyRegionByPolicy('eu-west-1', { operations: ['CreateFlowLogs'] });

    const result = await apply({ regions: 'eu-west-1', format: 'json' });

    const report = JSON.parse(result.out) as ApplyReportDocument;
    const failed = report.outcomes.filter((o) => o.status === 'failed');
    expect(failed.map((o) => o.resourceId).sort()).toEqual([...west].sort());
    for (const o of failed) {
      expect(o).toMatchObject({
        kind: 'create-flow-logs',
        code: 'UnauthorizedOperation',
        hint: expect.stringMatching(/^your organization's service control policy/),
      });
      expect(o.message).toMatch(/with an explicit deny in a service control policy/);
      expect(o.message).toContain(ENCODED_AUTHORIZATION_MESSAGE);
    }
  });

  test.each<[IdentityDenial, RegExp]>([
    [
      'boundary',
      /^  Fix: the permissions boundary of the identity flowfix runs as does not allow it: a grant in its identity policies cannot go past the boundary/m,
    ],
    [
      'deny-statement',
      /^  Fix: a Deny statement in an identity-based policy arn:aws:iam::\d{12}:policy\/DenyFlowLogChanges of the identity flowfix runs as refuses it/m,
    ],
    ['no-allow', /^  Fix: grant ec2:CreateFlowLogs, ec2:CreateTags and iam:PassRole on the delivery role/m],
    [
      'encoded-only',
      new RegExp(
        `^  Fix: grant ec2:CreateFlowLogs.*; AWS gave the reason only encoded: read it with aws sts decode-authorization-message --encoded-message ${ENCODED_AUTHORIZATION_MESSAGE} --query DecodedMessage --output text`,
        'm',
      ),
    ],
  ])('GIVEN CreateFlowLogs refused by the identity (%s) WHEN apply THEN the fix fits that layer', async (by, fix) => {
    fake.addVpc('us-east-1');
    fake.addVpc('us-east-1');
    fake.denyAction('CreateFlowLogs', { by });

    const result = await apply({ regions: 'us-east-1' });

    expect(result.code).toBe(1);
    expect(result.out.split('\n').filter((l) => l.startsWith('Failed'))).toHaveLength(1);
    expect(result.out).toMatch(fix);
    expect(result.clock.sleeps).toEqual([]);
  });
});
