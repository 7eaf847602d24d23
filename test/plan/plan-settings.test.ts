// The settings a plan records are declared once (planSettingsSchema): what buildPlan records, what the
// file holds and what apply reads back must be the same settings, the destination structured in memory.
import { audit } from '../../src/audit/audit.js';
import { settingOf, SETTINGS_FLAGS } from '../../src/config/flags.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parsePlanFile, renderPlanFile } from '../../src/plan/plan-file.js';
import { PLAN_SETTING_KEYS, recordPlanSettings } from '../../src/plan/plan-settings.js';
import { loadPolicyTemplates } from '../../src/policy/templates.js';
import { inventory, NOW, region, settings, vpcWithSubnets } from '../helpers/builders.js';

/** A value for every recorded setting, none of them the default. */
const EVERY_SETTING: Partial<Settings> = {
  scope: 'subnet',
  trafficType: 'ALL',
  destination: { type: 's3', bucket: 'central-logs', prefix: 'flow/' },
  roleName: 'lz-flow-logs',
  policyName: 'lz-publish',
  retentionInDays: 731,
  minRetentionDays: 400,
  kmsKeyId: 'arn:aws:kms:us-east-1:123456789012:key/abc',
  permissionsBoundary: 'arn:aws:iam::123456789012:policy/lz-boundary',
  rolePath: '/lz/',
  exclude: [
    { id: 'vpc-0123456789abcdef0', reason: 'legacy', expires: '2030-01-01' },
    { tag: 'Team=data', reason: 'their own' },
  ],
  skipDefaultVpcs: true,
  tags: { CostCentre: '4711' },
  logFormat: '${version} ${vpc-id} ${srcaddr} ${dstaddr} ${action} ${tcp-flags}',
  maxAggregationInterval: 60,
  fileFormat: 'parquet',
  hiveCompatiblePartitions: true,
  perHourPartition: true,
  requireFields: ['tcp-flags'],
};

function planWith(overrides: Partial<Settings>) {
  const inv = inventory([region('us-east-1', vpcWithSubnets('vpc-0a1b2c3d', 1))]);
  const s = settings(overrides);
  return buildPlan({ inventory: inv, audit: audit(inv, s, NOW), settings: s, templates: loadPolicyTemplates(), createdAt: '2026-01-01T00:00:00Z' });
}

describe('plan settings, declared once', () => {
  test('GIVEN every recorded setting set THEN the example sets each one (a setting added to the plan is added here)', () => {
    expect(Object.keys(recordPlanSettings(settings(EVERY_SETTING), ['us-east-1'])).sort()).toEqual([...PLAN_SETTING_KEYS].sort());
  });

  test.each([
    ['an S3 destination with every setting', EVERY_SETTING],
    ['CloudWatch Logs with a named group', { destination: { type: 'cloud-watch-logs', logGroupName: '/lz/flow-logs' } } as Partial<Settings>],
  ])('GIVEN %s WHEN the plan is saved and read back THEN its settings are what was recorded, the destination structured', (_name, overrides) => {
    const plan = planWith(overrides);
    const file = renderPlanFile(plan);

    expect(parsePlanFile(file, 'plan.json').settings).toEqual(plan.settings);
    expect(plan.settings.destination).toEqual(settings(overrides).destination);
    // The file keeps the form plans always had: cloud-watch-logs:NAME or s3://bucket/prefix/.
    const written = JSON.parse(file).settings.destination;
    expect(written).toBe(plan.settings.destination.type === 's3' ? 's3://central-logs/flow/' : 'cloud-watch-logs:/lz/flow-logs');
  });

  test('GIVEN default settings THEN unset ones are left out of the record, as plans always had it', () => {
    const recorded = recordPlanSettings(DEFAULT_SETTINGS, ['us-east-1']);
    expect(Object.keys(recorded)).toEqual(['scope', 'trafficType', 'destination', 'roleName', 'policyName', 'retentionInDays', 'minRetentionDays', 'regions']);
  });

  test.each([
    ['cloud-watch-logs:aws/reserved', /settings\.destination: log group must not start with "aws\/"/],
    ['cloud-watch-logs', /settings\.destination: must be cloud-watch-logs:LOG-GROUP or s3:\/\/bucket\/prefix\//],
    ['s3://Upper/prefix/', /settings\.destination: must be cloud-watch-logs:LOG-GROUP or s3:\/\/bucket\/prefix\//],
  ])('GIVEN a saved plan whose destination is %s THEN it is not a valid plan, naming the destination', (destination, message) => {
    const plan = JSON.parse(renderPlanFile(planWith({})));
    plan.settings.destination = destination;
    expect(() => parsePlanFile(JSON.stringify(plan), 'plan.json')).toThrow(message);
  });

  test('GIVEN each recorded setting THEN a flag sets it, so a saved plan can tell a typed flag that disagrees', () => {
    const fed = new Set(SETTINGS_FLAGS.map((f) => settingOf(f.key)));
    expect(PLAN_SETTING_KEYS.filter((key) => !fed.has(key))).toEqual([]);
  });
});
