import { DEFAULT_LOG_FORMAT } from '../../src/facts/flow-log-format.js';
import { describeFlowLogOptions, describeLogFormat } from '../../src/render/flow-log-options.js';
import { renderMarkdown } from '../../src/render/markdown.js';
import { renderPlanReport } from '../../src/render/text.js';
import { inventory, region, role, vpcWithSubnets } from '../helpers/builders.js';
import { reportOf } from '../helpers/reports.js';

const SIEM_FORMAT = `${DEFAULT_LOG_FORMAT} \${vpc-id} \${tcp-flags} \${pkt-srcaddr}`;
const estate = () => inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0))], role());

describe('reports show the flow-log options the plan creates flow logs with', () => {
  test('GIVEN a format with every default field THEN it is named by what it adds', () => {
    expect(describeLogFormat(SIEM_FORMAT)).toEqual({ count: 17, base: 'default', fields: ['vpc-id', 'tcp-flags', 'pkt-srcaddr'], more: 0 });
    expect(describeFlowLogOptions({ logFormat: DEFAULT_LOG_FORMAT })).toEqual(['log format 14 fields (the 14 default fields)']);
  });

  test('GIVEN a long custom format THEN the first six fields are shown and the rest counted', () => {
    const format = ['version', 'srcaddr', 'dstaddr', 'srcport', 'dstport', 'protocol', 'action', 'vpc-id', 'tcp-flags'].map((f) => `\${${f}}`).join(' ');
    expect(describeFlowLogOptions({ logFormat: format })).toEqual(['log format 9 fields (version, srcaddr, dstaddr, srcport, dstport, protocol, 3 more)']);
  });

  test('GIVEN every S3 option THEN text shows them under the header line, compactly', () => {
    const report = reportOf(estate(), {
      destination: { type: 's3', bucket: 'flow-bucket', prefix: 'vpc' },
      logFormat: SIEM_FORMAT,
      maxAggregationInterval: 60,
      fileFormat: 'parquet',
      hiveCompatiblePartitions: true,
      perHourPartition: true,
    });
    const lines = renderPlanReport(report).split('\n');
    expect(lines[0]).toContain('REJECT → s3://flow-bucket/vpc');
    expect(lines[1]).toBe(
      '  flow-log options: log format 17 fields (the default fields + vpc-id, tcp-flags, pkt-srcaddr); max aggregation interval 60 s; file format parquet; Hive-compatible partitions; per-hour partitions',
    );
  });

  test('GIVEN the same options THEN Markdown states them after the destination, field names as code', () => {
    const report = reportOf(estate(), { logFormat: SIEM_FORMAT, maxAggregationInterval: 60 });
    const text = renderMarkdown(report, { command: 'plan' });
    expect(text).toContain(
      'Flow-log options: log format 17 fields (the default fields + `vpc-id`, `tcp-flags`, `pkt-srcaddr`); max aggregation interval 60 s.',
    );
    expect(text.indexOf('Flow-log options')).toBeGreaterThan(text.indexOf('Scope `vpc`'));
  });

  test('GIVEN no options THEN neither report has an options line (reports read as before)', () => {
    const report = reportOf(estate());
    expect(renderPlanReport(report)).not.toContain('flow-log options');
    expect(renderMarkdown(report, { command: 'plan' })).not.toContain('Flow-log options');
  });

  test('GIVEN a saved plan whose format holds a control character and Markdown THEN it is shown escaped, inert', () => {
    const report = reportOf(estate());
    const hostile = { ...report, settings: { ...report.settings, logFormat: '${version} ${x\u001b[31m`|<b>}' } };
    const text = renderPlanReport(hostile);
    expect(text).not.toContain('\u001b');
    expect(text).toContain('\\x1b[31m');
    const md = renderMarkdown(hostile, { command: 'plan' });
    expect(md).not.toContain('\u001b');
    expect(md).toContain('Flow-log options: log format 2 fields (`version`, `` x\\x1b[31m`\\|<b> ``).');
  });
});
