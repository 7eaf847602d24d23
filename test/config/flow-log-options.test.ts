// Flow-log option settings: validated before any AWS call, from flags and the settings file alike.
import { settingsArgv } from '../../src/config/flags.js';
import { resolveSettings } from '../../src/config/resolve-settings.js';
import { DEFAULT_LOG_FORMAT, FLOW_LOG_FIELDS, logFormatProblem } from '../../src/facts/flow-log-format.js';

const problemOf = (flags: Record<string, unknown>, file?: Record<string, unknown>) => {
  try {
    resolveSettings(flags, file ? { path: 'flowfix.config.json', value: file } : null);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
};

describe('--log-format', () => {
  test.each([
    ['${version} ${vpc-id} ${srcaddr}', undefined],
    ['${reject-reason} ${resource-id} ${encryption-status} ${ecs-task-id}', undefined],
    ['${version} ${srcadr}', /unknown field \$\{srcadr\}/],
    ['${version} ${foo} ${bar}', /unknown fields \$\{foo\}, \$\{bar\}/],
    ['version srcaddr', /"version", which is not a field written as \$\{name\}/],
    ['   ', /names no field/],
  ])('%s → %s', (format, expected) => {
    const problem = logFormatProblem(format);
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });

  test('GIVEN extra spaces THEN the setting is the format with single spaces, and renders back as one flag', () => {
    const settings = resolveSettings({ logFormat: '  ${version}   ${vpc-id} ' }, null);
    expect(settings.logFormat).toBe('${version} ${vpc-id}');
    expect(settingsArgv(settings)).toEqual(expect.arrayContaining(['--log-format', '${version} ${vpc-id}']));
  });

  test('GIVEN the settings file has an unknown field THEN the problem names the key and the file', () => {
    expect(problemOf({}, { logFormat: '${nope}' })).toMatch(/logFormat.*unknown field \$\{nope\}/);
  });

  test('the default format is every version 2 field, as AWS documents it', () => {
    expect(DEFAULT_LOG_FORMAT).toBe(
      '${version} ${account-id} ${interface-id} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}',
    );
    expect(Object.keys(FLOW_LOG_FIELDS)).toHaveLength(42);
  });
});

describe('--max-aggregation-interval', () => {
  test.each([
    [60, undefined],
    [600, undefined],
    [300, /must be 60 or 600/],
    [Number.NaN, /not a whole decimal number/],
  ])('%s → %s', (value, expected) => {
    const problem = problemOf({ maxAggregationInterval: value });
    if (expected === undefined) expect(problem).toBeUndefined();
    else expect(problem).toMatch(expected);
  });
});

describe('S3-only options', () => {
  test('GIVEN an S3 destination THEN --file-format, --hive-compatible-partitions and --per-hour-partition are settings', () => {
    const settings = resolveSettings(
      { destination: 's3://acme-logs/vpc', fileFormat: 'PARQUET', hiveCompatiblePartitions: true, perHourPartition: true },
      null,
    );
    expect(settings).toMatchObject({ fileFormat: 'parquet', hiveCompatiblePartitions: true, perHourPartition: true });
  });

  test.each([
    [{ fileFormat: 'parquet' }, /--file-format applies to an S3 destination only/],
    [{ hiveCompatiblePartitions: true, perHourPartition: true }, /--hive-compatible-partitions, --per-hour-partition apply to an S3 destination only/],
    [{ destination: 'cloud-watch-logs', perHourPartition: true }, /--per-hour-partition applies to an S3 destination only/],
  ])('GIVEN %j with CloudWatch Logs THEN refused by name', (flags, expected) => {
    expect(problemOf(flags)).toMatch(expected);
  });

  test('GIVEN --file-format csv THEN refused naming the choices', () => {
    expect(problemOf({ destination: 's3://acme-logs', fileFormat: 'csv' })).toMatch(/--file-format.*plain-text.*parquet/);
  });
});

describe('--require-fields', () => {
  test('GIVEN known fields THEN the setting lists them; an unknown one is refused by name', () => {
    expect(resolveSettings({ requireFields: ['pkt-srcaddr', 'tcp-flags'] }, null).requireFields).toEqual(['pkt-srcaddr', 'tcp-flags']);
    expect(problemOf({ requireFields: ['pkt-srcaddr', 'tcp-flag'] })).toMatch(/--require-fields.*"tcp-flag" is not a flow log field/);
  });
});
