import { CreateLogGroupCommand, DescribeLogGroupsCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';

import { classifyAwsError } from '../../src/aws/errors.js';
import { LOG_GROUP_IDENTIFIERS_MAX, rejectsLogGroupIdentifiers } from '../../src/aws/logs-api.js';
import { awsError, mockAwsSdk, pagedResponder, regionOfClient, testAwsClients } from '../helpers/mock-aws-sdk.js';

const sdk = mockAwsSdk();
beforeEach(() => sdk.reset());
afterAll(() => sdk.restore());

describe('LogsApi.describeLogGroups', () => {
  const names = (count: number) => Array.from({ length: count }, (_, i) => `/vpc/flow-${String(i).padStart(3, '0')}`);
  const identifiersSent = () => sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input.logGroupIdentifiers);
  /** Answers like AWS: only the named groups that exist, no nextToken. */
  const answerLikeAws = (existing: string[]) => (input: { logGroupIdentifiers?: string[] }) => ({
    logGroups: existing.filter((name) => input.logGroupIdentifiers?.includes(name)).map((logGroupName) => ({ logGroupName })),
  });

  it('GIVEN one name WHEN describing THEN one DescribeLogGroups names it in logGroupIdentifiers, without a prefix or limit', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).resolves({
      logGroups: [
        {
          logGroupName: '/vpc/flow',
          arn: 'arn:aws:logs:eu-west-1:111:log-group:/vpc/flow:*',
          retentionInDays: 30,
          kmsKeyId: 'arn:aws:kms:eu-west-1:111:key/k',
        },
      ],
    });
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
    expect(sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input)).toEqual([{ logGroupIdentifiers: ['/vpc/flow'] }]);
  });

  it(`GIVEN exactly ${LOG_GROUP_IDENTIFIERS_MAX} names WHEN describing THEN one call names them all`, async () => {
    const all = names(LOG_GROUP_IDENTIFIERS_MAX);
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(answerLikeAws(all));
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(all);

    expect(Object.keys(groups).sort()).toEqual(all);
    expect(identifiersSent()).toEqual([all]);
  });

  it(`GIVEN ${LOG_GROUP_IDENTIFIERS_MAX + 1} names WHEN describing THEN two calls: ${LOG_GROUP_IDENTIFIERS_MAX} names, then 1`, async () => {
    const all = names(LOG_GROUP_IDENTIFIERS_MAX + 1);
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(answerLikeAws(all));
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(all);

    expect(Object.keys(groups).sort()).toEqual(all);
    expect(identifiersSent()).toEqual([all.slice(0, LOG_GROUP_IDENTIFIERS_MAX), all.slice(LOG_GROUP_IDENTIFIERS_MAX)]);
  });

  it('GIVEN repeated and missing names WHEN describing THEN each distinct name is sent once and missing ones have no key', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(answerLikeAws(['/a', '/b']));
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/a', '/b', '/a', '/missing', '/b']);

    expect(groups).toEqual({ '/a': { name: '/a' }, '/b': { name: '/b' } });
    expect(identifiersSent()).toEqual([['/a', '/b', '/missing']]);
  });

  it('GIVEN an endpoint that ignores logGroupIdentifiers and lists every group over several pages WHEN describing THEN only exact names are kept and paging stops once all are found', async () => {
    const pages = pagedResponder(
      [
        [{ logGroupName: '/a' }, { logGroupName: '/vpc/flow-old' }, { logGroupName: '/vpc/flow', retentionInDays: 365 }],
        [{ logGroupName: '/vpc/flowfix' }, { logGroupName: '/x' }],
        [{ logGroupName: '/y' }, { logGroupName: '/z/own', retentionInDays: 7 }],
        [{ logGroupName: '/zz' }],
        [{ logGroupName: '/zzz' }],
      ],
      (logGroups, nextToken) => ({ logGroups, nextToken }),
      'nextToken',
    );
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(pages);
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/z/own', '/vpc/flow']);

    expect(groups).toEqual({ '/vpc/flow': { name: '/vpc/flow', retentionInDays: 365 }, '/z/own': { name: '/z/own', retentionInDays: 7 } });
    expect(pages.requests).toEqual([
      { logGroupIdentifiers: ['/z/own', '/vpc/flow'] },
      { logGroupIdentifiers: ['/z/own', '/vpc/flow'], nextToken: 'page-1' },
      { logGroupIdentifiers: ['/z/own', '/vpc/flow'], nextToken: 'page-2' },
    ]);
  });

  it('GIVEN an endpoint that ignores logGroupIdentifiers and a name that does not exist WHEN describing THEN every page is read, once', async () => {
    const pages = pagedResponder(
      [[{ logGroupName: '/a' }], [{ logGroupName: '/b' }], [{ logGroupName: '/c' }]],
      (logGroups, nextToken) => ({ logGroups, nextToken }),
      'nextToken',
    );
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(pages);
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/b', '/missing']);

    expect(groups).toEqual({ '/b': { name: '/b' } });
    expect(pages.requests.map((request) => request['nextToken'])).toEqual([undefined, 'page-1', 'page-2']);
  });

  it('GIVEN an endpoint that answers every page with the token it was sent WHEN describing THEN paging stops', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: '/other' }], nextToken: 'same' });
    const clients = await testAwsClients();

    await expect(clients.logs('eu-west-1').describeLogGroups(['/missing'])).resolves.toEqual({});
    expect(sdk.logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(2);
  });

  it('GIVEN an endpoint that rejects logGroupIdentifiers WHEN describing twice THEN that region falls back to one exact-name prefix lookup per name, without asking again', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupIdentifiers?: string[]; logGroupNamePrefix?: string }) => {
      if (input.logGroupIdentifiers) throw awsError('InvalidParameterException', "1 validation error detected: unknown member 'logGroupIdentifiers'");
      const prefix = input.logGroupNamePrefix!;
      return { logGroups: ['/a', '/a-old', '/b'].filter((name) => name.startsWith(prefix)).map((logGroupName) => ({ logGroupName })) };
    });
    const clients = await testAwsClients();
    const logs = clients.logs('eu-west-1');

    const first = await logs.describeLogGroups(['/a', '/b', '/missing']);
    const second = await logs.describeLogGroups(['/b']);

    expect(first).toEqual({ '/a': { name: '/a' }, '/b': { name: '/b' } });
    expect(second).toEqual({ '/b': { name: '/b' } });
    const inputs = sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input);
    expect(inputs.filter((input) => input.logGroupIdentifiers)).toHaveLength(1);
    expect(inputs.flatMap((input) => (input.logGroupNamePrefix ? [input.logGroupNamePrefix] : [])).sort()).toEqual(['/a', '/b', '/b', '/missing']);
    expect(inputs.filter((input) => input.logGroupNamePrefix).every((input) => input.limit === 50)).toBe(true);
  });

  it('GIVEN one region rejects logGroupIdentifiers WHEN another region is described THEN that one still gets a single identifiers call', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(async (input: { logGroupIdentifiers?: string[]; logGroupNamePrefix?: string }, getClient) => {
      if ((await regionOfClient(getClient)) === 'eu-west-1' && input.logGroupIdentifiers) throw awsError('ValidationException', 'unknown parameter');
      return { logGroups: [{ logGroupName: input.logGroupNamePrefix ?? '/g' }] };
    });
    const clients = await testAwsClients();

    await clients.logs('eu-west-1').describeLogGroups(['/g']);
    await clients.logs('us-east-1').describeLogGroups(['/g']);

    const usEast = (
      await Promise.all(
        sdk.logs
          .commandCalls(DescribeLogGroupsCommand)
          .map(async (call) => ({ region: await regionOfClient(() => call.thisValue), input: call.args[0].input })),
      )
    ).filter((call) => call.region === 'us-east-1');
    expect(usEast.map((call) => call.input)).toEqual([{ logGroupIdentifiers: ['/g'] }]);
  });

  it('GIVEN the prefix fallback and a prefix that also matches longer names over several pages WHEN describing THEN only the exact group is kept and paging stops there', async () => {
    const pages = pagedResponder(
      [
        [{ logGroupName: '/vpc/flow-a' }, { logGroupName: '/vpc/flow-b' }],
        [{ logGroupName: '/vpc/flow', retentionInDays: 30 }],
        [{ logGroupName: '/vpc/flow-c' }],
      ],
      (logGroups, nextToken) => ({ logGroups, nextToken }),
      'nextToken',
    );
    sdk.logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupIdentifiers?: string[] }) => {
      if (input.logGroupIdentifiers) throw awsError('SerializationException', 'Unexpected field logGroupIdentifiers');
      return pages(input);
    });
    const clients = await testAwsClients();

    const groups = await clients.logs('eu-west-1').describeLogGroups(['/vpc/flow']);

    expect(groups).toEqual({ '/vpc/flow': { name: '/vpc/flow', retentionInDays: 30 } });
    expect(pages.requests).toEqual([
      { logGroupNamePrefix: '/vpc/flow', limit: 50 },
      { logGroupNamePrefix: '/vpc/flow', limit: 50, nextToken: 'page-1' },
    ]);
  });

  it.each([
    ['InvalidParameterException', true],
    ['ValidationException', true],
    ['SerializationException', true],
    ['UnrecognizedClientException', true],
    ['AccessDeniedException', false],
    ['ThrottlingException', false],
    ['ServiceUnavailableException', false],
    ['ResourceNotFoundException', false],
    ['InternalFailure', false],
  ])('GIVEN logGroupIdentifiers answered with %s WHEN describing THEN it falls back to prefix lookups: %s', async (code, fallsBack) => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupIdentifiers?: string[]; logGroupNamePrefix?: string }) => {
      if (input.logGroupIdentifiers)
        throw awsError(code, `${code} from the endpoint`, code === 'ServiceUnavailableException' || code === 'InternalFailure' ? 500 : 400);
      return { logGroups: [{ logGroupName: input.logGroupNamePrefix }] };
    });
    const clients = await testAwsClients();

    const outcome = await clients
      .logs('eu-west-1')
      .describeLogGroups(['/g'])
      .catch((err: unknown) => err);

    expect(rejectsLogGroupIdentifiers(awsError(code))).toBe(fallsBack);
    if (fallsBack) {
      expect(outcome).toEqual({ '/g': { name: '/g' } });
    } else {
      expect(classifyAwsError(outcome)).toMatchObject({ code });
      expect(sdk.logs.commandCalls(DescribeLogGroupsCommand)).toHaveLength(1);
    }
  });

  it('GIVEN the fallback prefix lookup is refused too WHEN describing THEN its error is reported with the IAM action', async () => {
    sdk.logs.on(DescribeLogGroupsCommand).callsFake((input: { logGroupIdentifiers?: string[] }) => {
      if (input.logGroupIdentifiers) throw awsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
      throw awsError('AccessDeniedException', 'User is not authorized to perform: logs:DescribeLogGroups', 400);
    });
    const clients = await testAwsClients();

    const failure = await clients
      .logs('eu-west-1')
      .describeLogGroups(['/g'])
      .catch((err: unknown) => err);

    expect(classifyAwsError(failure)).toMatchObject({ kind: 'access-denied', action: 'logs:DescribeLogGroups' });
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

    const failure = await clients
      .logs('eu-west-1')
      .createLogGroup({ logGroupName: '/flowfix/x' })
      .catch((err: unknown) => err);

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
