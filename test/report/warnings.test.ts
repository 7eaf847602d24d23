// Warnings in the plan report: the delivery role's inline policies against IAM's 10,240-character quota.
import { audit } from '../../src/audit/audit.js';
import type { Settings } from '../../src/config/settings.js';
import type { Inventory } from '../../src/inventory/types.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { policySize } from '../../src/policy/policy-size.js';
import { renderPublishPolicy } from '../../src/policy/publish-policy.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { renderPlanReport } from '../../src/render/text.js';
import { buildReport } from '../../src/report/plan-report.js';
import { roleWarnings } from '../../src/report/warnings.js';
import { ACCOUNT, inventory, region, role, settings, vpcWithSubnets } from '../helpers/builders.js';

const GROUP = '/flowfix/vpc-flow-logs';
const templates = loadPolicyTemplates();

/** A hand-written inline policy of exactly `chars` characters (whitespace not counted), pretty-printed. */
function otherPolicy(chars: number) {
  const doc = (n: number) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(n)}` }] });
  const base = policySize(doc(0));
  return doc(chars - base);
}

function reportFor(inv: Inventory, overrides: Partial<Settings> = {}) {
  const s = settings(overrides);
  const now = new Date('2026-01-01T00:00:00Z');
  const plan = buildPlan({ inventory: inv, audit: audit(inv, s, now), settings: s, templates, createdAt: now.toISOString() });
  return buildReport(inv, audit(inv, s, now), plan, s, roleWarnings(inv, plan, s, templates));
}

const withOther = (chars: number) =>
  inventory(
    [region('us-east-1', { ...vpcWithSubnets('vpc-a', 1), logGroups: { [GROUP]: { name: GROUP, retentionInDays: 365 } } })],
    role({ inlinePolicies: { 'team-s3': otherPolicy(chars) } }),
  );

describe('role policy size warning', () => {
  test('GIVEN a role whose other inline policies leave little room THEN the plan report warns with the size, the quota and how many more groups fit', () => {
    const report = reportFor(withOther(8_500));
    const publish = report.plan.actions.find((a) => a.kind === 'put-role-policy')!;
    const expectedSize = 8_500 + policySize((publish.input as { PolicyDocument: string }).PolicyDocument);
    expect(report.warnings).toEqual([
      expect.objectContaining({ kind: 'role-policy-size', region: 'global', resourceId: 'flowfix-vpc-flow-logs', size: expectedSize, limit: 10_240 }),
    ]);
    expect(report.warnings[0]!.message).toMatch(
      /^Inline policies of delivery role flowfix-vpc-flow-logs will take 8,\d{3} of IAM's 10,240 characters per role \(whitespace not counted\); each further log group adds about \d+, so about \d+ more fit/,
    );
    expect(renderPlanReport(report)).toMatch(/\nWarnings \(1\)\n  global  flowfix-vpc-flow-logs: Inline policies of delivery role/);
  });

  test('GIVEN the plan would pass the quota THEN the warning says PutRolePolicy will fail', () => {
    expect(reportFor(withOther(10_000)).warnings[0]!.message).toMatch(/over it by [\d,]+: PutRolePolicy will fail with LimitExceeded/);
  });

  test('GIVEN a role far from the quota, or an S3 destination THEN no warning', () => {
    expect(reportFor(withOther(1_000)).warnings).toEqual([]);
    expect(reportFor(withOther(9_000), { destination: { type: 's3', bucket: 'logs', prefix: '' } }).warnings).toEqual([]);
  });

  test('GIVEN the publish policy already grants many groups THEN the existing policy counts, whitespace excluded', () => {
    const names = Array.from({ length: 62 }, (_, i) => `/flowfix/vpc-flow-logs-${String(i).padStart(2, '0')}`);
    const many = renderPublishPolicy(templates.publish, { Partition: 'aws', AccountId: ACCOUNT }, names);
    const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-a', 1))], role({ inlinePolicies: { 'flowfix-publish-flow-logs': many } }));
    const report = reportFor(inv, { destination: { type: 'cloud-watch-logs', logGroupName: names[0]! } });
    expect(report.plan.actions.some((a) => a.kind === 'put-role-policy')).toBe(false); // nothing to change in the policy
    expect(report.warnings.map((w) => ('size' in w ? w.size : undefined))).toEqual([policySize(many)]);
  });
});
