import { CSV_COLUMNS, csvCell, renderCsv } from '../../src/render/csv.js';
import { ACCOUNT, inventory, region, role } from '../helpers/builders.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { reportOf } from '../helpers/reports.js';

/** An RFC 4180 reader: records end in CRLF, quoted fields may hold commas, quotes ("") and line breaks. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let [record, field, quoted, i] = [[] as string[], '', false, 0];
  while (i < text.length) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 2];
      else if (c === '"') [quoted, i] = [false, i + 1];
      else [field, i] = [field + c, i + 1];
    } else if (c === '"' && field === '') [quoted, i] = [true, i + 1];
    else if (c === ',') [record, field, i] = [[...record, field], '', i + 1];
    else if (c === '\r' && text[i + 1] === '\n') [records[records.length], record, field, i] = [[...record, field], [], '', i + 2];
    else if (c === '\r' || c === '\n' || c === '"') throw new Error(`bare ${JSON.stringify(c)} at ${i}`);
    else [field, i] = [field + c, i + 1];
  }
  if (quoted || field !== '' || record.length > 0) throw new Error('last record does not end in CRLF');
  return records;
}

const vpc = (vpcId: string, name: string) => ({ vpcId, ownerId: ACCOUNT, isDefault: false, name });

describe('--format csv: one row per finding', () => {
  test('GIVEN the example estate WHEN plan --format csv THEN a header and one RFC 4180 record per finding, exit 2', async () => {
    const json = JSON.parse((await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'json'])).stdout) as {
      findings: { resourceId: string; kind: string }[];
    };
    const { code, stdout, stderr } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'csv']);

    expect(code).toBe(2);
    expect(stderr).toBe('');
    expect(stdout).toMatch(/\r\n$/);
    expect(stdout.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const [header, ...rows] = parseCsv(stdout);
    expect(header).toEqual([...CSV_COLUMNS]);
    expect(rows).toHaveLength(json.findings.length);
    const at = (row: string[], column: (typeof CSV_COLUMNS)[number]) => row[CSV_COLUMNS.indexOf(column)];
    expect(rows.map((r) => [at(r, 'resourceId'), at(r, 'kind')])).toEqual(json.findings.map((f) => [f.resourceId, f.kind]));
    expect(rows.every((r) => r.length === CSV_COLUMNS.length && at(r, 'accountId') === '123456789012')).toBe(true);
    const failed = rows.find((r) => at(r, 'kind') === 'delivery-failed')!;
    expect([at(failed, 'awsMessage'), at(failed, 'flowLogIds'), at(failed, 'remediable')]).toEqual(['Access error', 'fl-0f7c8bf7513d9a3d1', 'true']);
  });

  test('GIVEN names with commas, quotes and line breaks THEN they are quoted, quotes doubled, line breaks shown as \\r\\n, and read back so', () => {
    const names = ['prod, eu', 'the "main" one', 'two\r\nlines', 'plain'];
    const report = reportOf(inventory([region('us-east-1', { vpcs: names.map((n, i) => vpc(`vpc-0000000${i}`, n)) })], role()));
    const text = renderCsv([report]);
    expect(text).toContain('"prod, eu"');
    expect(text).toContain('"the ""main"" one"');
    expect(text).toContain(',two\\r\\nlines,');
    expect(text).toContain(',plain,');
    const rows = parseCsv(text).slice(1);
    expect(rows.map((r) => r[CSV_COLUMNS.indexOf('name')])).toEqual(['prod, eu', 'the "main" one', 'two\\r\\nlines', 'plain']);
  });

  test('GIVEN cells a spreadsheet would run as formulas (= + - @ tab) THEN they start with a quote mark and are quoted; a CR is shown as \\r, no formula', () => {
    const names = ['=HYPERLINK("http://evil","x")', '+1+1', '-2+3', '@SUM(A1)', '\tcmd', '\rcmd', 'safe=1'];
    const report = reportOf(inventory([region('us-east-1', { vpcs: names.map((n, i) => vpc(`vpc-0000000${i}`, n)) })], role()));
    const read = parseCsv(renderCsv([report]))
      .slice(1)
      .map((r) => r[CSV_COLUMNS.indexOf('name')]);
    expect(read).toEqual(['\'=HYPERLINK("http://evil","x")', "'+1+1", "'-2+3", "'@SUM(A1)", "'\tcmd", '\\rcmd', 'safe=1']);
    expect(csvCell('=1')).toBe(`"'=1"`);
    expect(csvCell('-')).toBe(`"'-"`);
    expect(csvCell('')).toBe('');
  });

  test('GIVEN no findings THEN the header alone', () => {
    expect(renderCsv([reportOf(inventory([region('us-east-1')], role()))])).toBe(`${CSV_COLUMNS.join(',')}\r\n`);
  });

  describe('against the fake AWS', () => {
    let fake: FakeAws;
    beforeEach(() => {
      fake = new FakeAws().install();
    });
    afterEach(() => fake.restore());

    test('GIVEN a region that cannot be read WHEN plan --format csv THEN stdout stays pure CSV and stderr says what is missing, exit 1', async () => {
      fake.addVpc('us-east-1', { name: 'east' });
      fake.addVpc('eu-west-1', { name: 'west' });
      fake.denyAction('DescribeFlowLogs', { region: 'eu-west-1' });

      const { code, stdout, stderr } = await runFlowfix(['plan', '--format', 'csv'], { env: { CI: 'true', AWS_REGION: 'us-east-1' } });

      expect(code).toBe(1);
      expect(
        parseCsv(stdout)
          .slice(1)
          .map((r) => r[CSV_COLUMNS.indexOf('region')]),
      ).toEqual(['us-east-1']);
      expect(stderr).toMatch(/^flowfix: could not read eu-west-1 \(UnauthorizedOperation\): the csv report lacks its findings \(1 error in --format json\)\n$/);
    });
  });
});
