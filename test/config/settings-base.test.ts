// resolveSettings over a base: the defaults for a run, a saved plan's settings when `apply FILE` checks
// the flags typed with it. What the flags say is laid over the base as it is over the defaults.
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';

const S3_PLAN: Settings = {
  ...DEFAULT_SETTINGS,
  destination: { type: 's3', bucket: 'central-logs', prefix: 'flow/' },
  fileFormat: 'parquet',
  regions: ['us-east-1', 'eu-west-1'],
  exclude: [{ id: 'vpc-0123456789abcdef0', reason: 'legacy' }],
  tags: { Team: 'net' },
};
const GROUP_PLAN: Settings = { ...DEFAULT_SETTINGS, destination: { type: 'cloud-watch-logs', logGroupName: '/team/flow-logs' } };

describe('resolveSettings over a base', () => {
  test('GIVEN nothing typed THEN the base comes back as it is', () => {
    expect(resolveSettings({}, null, S3_PLAN)).toEqual(S3_PLAN);
    expect(resolveSettings({}, null)).toEqual(DEFAULT_SETTINGS);
  });

  test('GIVEN an S3 base WHEN an S3-only option is typed THEN it applies to the base destination', () => {
    expect(resolveSettings({ perHourPartition: true }, null, S3_PLAN)).toMatchObject({ destination: S3_PLAN.destination, perHourPartition: true });
  });

  test('GIVEN a base with its own log group WHEN --destination cloud-watch-logs THEN the group stays; --log-group alone names another', () => {
    expect(resolveSettings({ destination: 'cloud-watch-logs' }, null, GROUP_PLAN).destination).toEqual(GROUP_PLAN.destination);
    expect(resolveSettings({ logGroupName: '/other' }, null, S3_PLAN).destination).toEqual({ type: 'cloud-watch-logs', logGroupName: '/other' });
  });

  test('GIVEN a base with exclusions, tags and regions THEN typed ones add exclusions and tags, and replace the regions', () => {
    const settings = resolveSettings(
      { exclude: [{ id: 'vpc-0fedcba9876543210', reason: 'given with --exclude' }], tags: ['Env=prod'], regions: ['us-east-1'] },
      null,
      S3_PLAN,
    );
    expect(settings.exclude.map((e) => e.id)).toEqual(['vpc-0123456789abcdef0', 'vpc-0fedcba9876543210']);
    expect(settings.tags).toEqual({ Team: 'net', Env: 'prod' });
    expect(settings.regions).toEqual(['us-east-1']);
    expect(resolveSettings({ region: 'all' }, null, S3_PLAN).regions).toBeUndefined();
  });
});
