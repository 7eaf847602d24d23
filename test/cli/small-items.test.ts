// Issue 21, smaller items: piped output follows COLUMNS; "1 day", never "1 days".
import { putRetentionPolicy } from '../../src/actions/put-retention-policy.js';
import { layoutOf } from '../../src/cli/output.js';
import { captureIo } from '../helpers/capture-io.js';

test.each([
  ['a terminal of 100 columns', { isTTY: true, columns: 100 }, {}, { width: 100 }],
  ['a pipe with COLUMNS=72', { isTTY: false }, { COLUMNS: '72' }, { width: 72 }],
  ['a terminal wins over COLUMNS', { isTTY: true, columns: 120 }, { COLUMNS: '72' }, { width: 120 }],
  ['a pipe without COLUMNS', { isTTY: false }, {}, {}],
  ['a pipe with COLUMNS=abc', { isTTY: false }, { COLUMNS: 'abc' }, {}],
])('GIVEN %s THEN the layout is as in the table', (_label, stdout, env, expected) => {
  const io = captureIo({ env, stdout: { write: () => true, ...stdout } });
  expect(layoutOf(io)).toEqual(expected);
});

test('GIVEN a retention of 1 day THEN the action says "1 day"', () => {
  const describe = (putRetentionPolicy as unknown as { describe: (input: { logGroupName: string; retentionInDays: number }) => string }).describe;
  expect(describe({ logGroupName: '/g', retentionInDays: 1 })).toBe('Keep /g for 1 day');
  expect(describe({ logGroupName: '/g', retentionInDays: 30 })).toBe('Keep /g for 30 days');
});

test('GIVEN an S3 destination with capitals in the bucket name THEN the error says bucket names are lower case, with the lower-case name', async () => {
  const { runFlowfix } = await import('../helpers/capture-io.js');
  const { code, stderr } = await runFlowfix(['plan', '--destination', 's3://MyLogs/flows']);
  expect(code).toBe(1);
  expect(stderr).toBe(
    'flowfix: invalid settings: --destination: S3 bucket names are lower case: "MyLogs" cannot be a bucket (did you mean s3://mylogs/flows?) (flowfix --help lists every option)\n',
  );
});
