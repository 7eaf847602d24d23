// Proves the fake's DescribeLogGroups keeps the rules of docs/aws-facts/describe-log-groups.md, through
// the real SDK client, and that flowfix's LogsApi needs ⌈names ÷ 50⌉ calls against it.
import { CloudWatchLogsClient, DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';

import { createAwsClients } from '../../src/aws/clients.js';
import { errorOf } from './error-of.js';
import { FakeAws } from './fake-aws.js';

const credentials = { accessKeyId: 'x', secretAccessKey: 'y' };
const logs = (region = 'us-east-1') => new CloudWatchLogsClient({ region, credentials });
const names = (count: number) => Array.from({ length: count }, (_, i) => `/flowfix/g-${String(i).padStart(3, '0')}`);

let fake: FakeAws;
afterEach(() => fake.restore());

describe('FakeAws DescribeLogGroups with logGroupIdentifiers', () => {
  beforeEach(() => {
    fake = new FakeAws({ checkOperatorPolicy: false }).install();
    for (const name of ['/a', '/a/b', '/a/b-old', '/c']) fake.addLogGroup('us-east-1', name, { retentionInDays: 30 });
  });

  test('answers with exactly the named groups that exist, sorted by name, and never a longer name', async () => {
    // WHEN
    const out = await logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/c', '/a/b', '/missing'] }));
    // THEN
    expect(out.logGroups?.map((g) => g.logGroupName)).toEqual(['/a/b', '/c']);
    expect(out.logGroups?.[0]?.retentionInDays).toBe(30);
    expect(out.nextToken).toBeUndefined();
  });

  test('an ARN matches no group (this fake is not a monitoring account: names only)', async () => {
    // WHEN
    const out = await logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [`arn:aws:logs:us-east-1:${fake.accountId}:log-group:/c`] }));
    // THEN
    expect(out.logGroups).toEqual([]);
  });

  test('with logGroupNamePrefix (or the pattern, or a class) it answers InvalidParameterException', async () => {
    // WHEN
    const errors = await Promise.all([
      errorOf(logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/a'], logGroupNamePrefix: '/a' }))),
      errorOf(logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/a'], logGroupNamePattern: 'a' }))),
      errorOf(logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/a'], logGroupClass: 'STANDARD' }))),
    ]);
    // THEN
    expect(errors.map((err) => err.name)).toEqual(['InvalidParameterException', 'InvalidParameterException', 'InvalidParameterException']);
    expect(errors[0].message).toContain('logGroupNamePrefix');
  });

  test('takes 50 identifiers; 51, or none, answer InvalidParameterException', async () => {
    // WHEN
    const fifty = await logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [...names(49), '/a'] }));
    const tooMany = await errorOf(logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: names(51) })));
    const none = await errorOf(logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: [] })));
    // THEN
    expect(fifty.logGroups?.map((g) => g.logGroupName)).toEqual(['/a']);
    expect(tooMany.name).toBe('InvalidParameterException');
    expect(tooMany.message).toContain('less than or equal to 50');
    expect(none.name).toBe('InvalidParameterException');
  });

  test('pages the matches by limit, with a nextToken while more remain', async () => {
    // WHEN
    const first = await logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/c', '/a', '/a/b'], limit: 2 }));
    const second = await logs().send(new DescribeLogGroupsCommand({ logGroupIdentifiers: ['/c', '/a', '/a/b'], limit: 2, nextToken: first.nextToken }));
    // THEN
    expect(first.logGroups?.map((g) => g.logGroupName)).toEqual(['/a', '/a/b']);
    expect(second.logGroups?.map((g) => g.logGroupName)).toEqual(['/c']);
    expect(second.nextToken).toBeUndefined();
  });
});

describe('LogsApi.describeLogGroups against the fake', () => {
  async function logsApi(region: string) {
    const clients = await createAwsClients({ homeRegion: 'us-east-1', credentials });
    return clients.logs(region);
  }
  const describeCalls = () => fake.calls.filter((c) => c.operation === 'DescribeLogGroups');

  test.each([
    [1, 1],
    [50, 1],
    [51, 2],
    [120, 3],
  ])('GIVEN %i distinct names, one of them missing, WHEN describing THEN %i DescribeLogGroups calls find the rest', async (count, calls) => {
    // GIVEN
    fake = new FakeAws().install();
    const existing = names(count - 1);
    for (const name of existing) fake.addLogGroup('eu-west-1', name, { retentionInDays: 365 });
    const api = await logsApi('eu-west-1');
    // WHEN
    const groups = await api.describeLogGroups([...existing, ...existing.slice(0, 3), '/missing']);
    // THEN
    expect(Object.keys(groups).sort()).toEqual(existing);
    expect(describeCalls()).toHaveLength(calls);
    expect(describeCalls().every((c) => c.input.logGroupNamePrefix === undefined)).toBe(true);
  });

  test('GIVEN pages smaller than the matches WHEN describing THEN the pages are followed', async () => {
    // GIVEN
    fake = new FakeAws({ pageSize: 2 }).install();
    const all = names(5);
    for (const name of all) fake.addLogGroup('eu-west-1', name);
    const api = await logsApi('eu-west-1');
    // WHEN
    const groups = await api.describeLogGroups(all);
    // THEN
    expect(Object.keys(groups).sort()).toEqual(all);
    expect(describeCalls()).toHaveLength(3);
  });
});
