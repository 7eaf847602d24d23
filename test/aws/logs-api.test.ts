import { CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { classifyAwsError } from '../../src/aws/errors.js';
import { awsError, mockAwsSdk, pagedResponder, testAwsClients } from '../helpers/mock-aws-sdk.js';

const sdk = mockAwsSdk();
beforeEach(() => sdk.reset());
afterAll(() => sdk.restore());

describe('LogsApi.describeLogGroups', () => {
  it('GIVEN a prefix that also matches longer names over several pages WHEN describing THEN only the exact group is kept', async () => {
    const pages = pagedResponder(
      [
        [{ logGroupName: '/vpc/flow-a' }, { logGroupName: '/vpc/flow-b' }],
        [{ logGroupName: '/vpc/flow-c' }],
        [{ logGroupName: '/vpc/flow', arn: 'arn:aws:logs:eu-west-1:111:log-group:/vpc/flow:*', retentionInDays: 30, kmsKeyId: 'arn:aws:kms:eu-west-1:111:key/k' }],
      ],
      (logGroups, nextToken) => ({ logGroups, nextToken }),
      'nextToken',
    );
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(pages);
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/vpc/flow']);

    expect(groups).toEqual({
      '/vpc/flow': {
        name: '/vpc/flow',
        arn: 'arn:aws:logs:eu-west-1:111:log-group:/vpc/flow:*',
        retentionInDays: 30,
        kmsKeyId: 'arn:aws:kms:eu-west-1:111:key/k',
      },
    });
    expect(pages.requests).toEqual([
      { logGroupNamePrefix: '/vpc/flow', limit: 50 },
      { logGroupNamePrefix: '/vpc/flow', limit: 50, nextToken: 'page-1' },
      { logGroupNamePrefix: '/vpc/flow', limit: 50, nextToken: 'page-2' },
    ]);
  });

  it('GIVEN the exact group on the first page WHEN describing THEN later pages are not fetched', async () => {
    const pages = pagedResponder(
      [[{ logGroupName: '/vpc/flow', retentionInDays: 365 }, { logGroupName: '/vpc/flow-old' }], [{ logGroupName: '/vpc/flow-x' }]],
      (logGroups, nextToken) => ({ logGroups, nextToken }),
      'nextToken',
    );
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(pages);
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/vpc/flow']);

    expect(groups).toEqual({ '/vpc/flow': { name: '/vpc/flow', retentionInDays: 365 } });
    expect(pages.requests).toHaveLength(1);
  });

  it('GIVEN repeated and missing names WHEN describing THEN each distinct name is looked up once and missing ones have no key', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupNamePrefix: string }) =>
      input.logGroupNamePrefix === '/missing' ? { logGroups: [] } : { logGroups: [{ logGroupName: input.logGroupNamePrefix }] },
    );
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/a', '/b', '/a', '/missing', '/b']);

    expect(groups).toEqual({ '/a': { name: '/a' }, '/b': { name: '/b' } });
    const prefixes = sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input.logGroupNamePrefix);
    expect(prefixes.sort()).toEqual(['/a', '/b', '/missing']);
  });

  it('GIVEN no names WHEN describing THEN no call is made', async () => {
    const clients = await testAwsClients();

    await expect(clients.logs('eu-west-1').describeLogGroups([])).resolves.toEqual({});
    expect(sdk.logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(0);
  });
});

describe('LogsApi writers', () => {
  it('GIVEN a group with KMS key and tags WHEN creating THEN CreateLogGroup gets them', async () => {
    sdk.logs.on(CreateLogGroupCommand).resolves({});
    const clients = await testAwsClients();

    await clients.logs('eu-west-1').createLogGroup({ logGroupName: '/flowfix/x', kmsKeyId: 'arn:k', tags: { ManagedBy: 'flowfix' } });

    expect(sdk.logs.commandCalls(CreateLogGroupCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/flowfix/x',
      kmsKeyId: 'arn:k',
      tags: { ManagedBy: 'flowfix' },
    });
  });

  it('GIVEN the group exists WHEN creating THEN the error classifies as already-exists', async () => {
    sdk.logs.on(CreateLogGroupCommand).rejects(awsError('ResourceAlreadyExistsException', 'The specified log group already exists'));
    const clients = await testAwsClients();

    const failure = await clients.logs('eu-west-1').createLogGroup({ logGroupName: '/flowfix/x' }).catch((err: unknown) => err);

    expect(classifyAwsError(failure).kind).toBe('already-exists');
  });

  it('WHEN setting retention THEN PutRetentionPolicy gets the group and the days', async () => {
    sdk.logs.on(PutRetentionPolicyCommand).resolves({});
    const clients = await testAwsClients();

    await clients.logs('eu-west-1').putRetentionPolicy({ logGroupName: '/flowfix/x', retentionInDays: 365 });

    expect(sdk.logs.commandCalls(PutRetentionPolicyCommand)[0]!.args[0].input).toEqual({
      logGroupName: '/flowfix/x',
      retentionInDays: 365,
    });
  });
});
