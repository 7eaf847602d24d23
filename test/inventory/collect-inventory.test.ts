import { getEventListeners } from 'node:events';
import { DescribeLogGroupsCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeFlowLogsCommand,
  DescribeRegionsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type FlowLog,
  type Subnet,
  type Vpc,
} from '@aws-sdk/client-ec2';
import { GetRoleCommand, ListRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';

import { DEFAULT_SETTINGS, type Settings } from '../../src/config/settings.js';
import { FlowfixError } from '../../src/errors.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegions, roleOf } from '../../src/inventory/types.js';
import { errorsOf } from '../../src/report/plan-report.js';
import { awsError, mockAwsSdk, regionOfClient, testAwsClients } from '../helpers/mock-aws-sdk.js';
import { openIfStuck } from '../helpers/timeouts.js';

const ACCOUNT = '123456789012';
const OWN_GROUP = DEFAULT_SETTINGS.destination.type === 'cloud-watch-logs' ? DEFAULT_SETTINGS.destination.logGroupName : '';

const sdk = mockAwsSdk();
afterAll(() => sdk.restore());

/** What one region of the fake account holds; `failWith` makes every EC2 call in it fail. */
interface FakeRegion {
  vpcs?: Vpc[];
  subnets?: Subnet[];
  /** Pages of DescribeFlowLogs; one page unless a test wants pagination. */
  flowLogPages?: FlowLog[][];
  logGroups?: LogGroup[];
  failWith?: Error;
  /** Every EC2 answer in this region waits for this (a test orders regions without timers). */
  answersAfter?: Promise<unknown>;
}

interface FakeAccount {
  regions: Record<string, FakeRegion>;
  disabledRegions?: string[];
}

/** A promise with its resolve function outside, for a gate a test opens. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Serves a fake account through the SDK mocks, answering each call from the region of its client. */
function serveAccount(account: FakeAccount): void {
  sdk.reset();
  sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/me` });
  sdk.ec2.on(DescribeRegionsCommand).resolves({
    Regions: [
      ...Object.keys(account.regions).map((RegionName) => ({ RegionName, OptInStatus: 'opt-in-not-required' })),
      ...(account.disabledRegions ?? []).map((RegionName) => ({ RegionName, OptInStatus: 'not-opted-in' })),
    ],
  });

  const regional =
    <T>(answer: (region: FakeRegion, input: any) => T) =>
    async (input: any, getClient: () => unknown): Promise<T> => {
      const region = account.regions[await regionOfClient(getClient)];
      if (!region) throw awsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401);
      await region.answersAfter;
      if (region.failWith) throw region.failWith;
      return answer(region, input);
    };
  sdk.ec2.on(DescribeVpcsCommand).callsFake(regional((region) => ({ Vpcs: region.vpcs ?? [] })));
  sdk.ec2.on(DescribeSubnetsCommand).callsFake(regional((region) => ({ Subnets: region.subnets ?? [] })));
  sdk.ec2.on(DescribeFlowLogsCommand).callsFake(
    regional((region, input: { NextToken?: string }) => {
      const pages = region.flowLogPages ?? [[]];
      const index = input.NextToken ? Number(input.NextToken) : 0;
      return { FlowLogs: pages[index], NextToken: index + 1 < pages.length ? String(index + 1) : undefined };
    }),
  );
  sdk.logs.on(DescribeLogGroupsCommand).callsFake(async (input: { logGroupIdentifiers: string[] }, getClient) => {
    const region = account.regions[await regionOfClient(getClient)];
    const logGroups = (region?.logGroups ?? []).filter((group) => input.logGroupIdentifiers.includes(group.logGroupName!));
    return { logGroups };
  });
  sdk.iam.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 'The role cannot be found.', 404));
}

function settings(overrides: Partial<Settings> = {}): Settings {
  return { ...DEFAULT_SETTINGS, ...overrides };
}

function vpcs(count: number, prefix: string): Vpc[] {
  return Array.from({ length: count }, (_, i) => ({ VpcId: `vpc-${prefix}${i}`, OwnerId: ACCOUNT, IsDefault: i === 0 }));
}

function flowLogTo(resourceId: string, logGroupName?: string): FlowLog {
  return {
    FlowLogId: `fl-${resourceId}`,
    ResourceId: resourceId,
    FlowLogStatus: 'ACTIVE',
    TrafficType: 'ALL',
    DeliverLogsStatus: 'SUCCESS',
    ...(logGroupName
      ? { LogDestinationType: 'cloud-watch-logs', LogGroupName: logGroupName }
      : { LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::bucket/flows/' }),
  };
}

async function regionsOfCalls(mock: typeof sdk.ec2 | typeof sdk.logs, command: any): Promise<string[]> {
  const calls = mock.commandCalls(command) as { thisValue: unknown }[];
  return Promise.all(calls.map((call) => regionOfClient(() => call.thisValue)));
}

describe('collectInventory', () => {
  it('GIVEN an account with three enabled regions WHEN collecting THEN every region is read into plain facts, in name order', async () => {
    serveAccount({
      regions: {
        'us-west-2': { vpcs: vpcs(1, 'w') },
        'eu-west-1': {
          vpcs: vpcs(2, 'e'),
          subnets: [{ SubnetId: 'subnet-e', VpcId: 'vpc-e0', OwnerId: ACCOUNT }],
          flowLogPages: [[flowLogTo('vpc-e0', '/team/flows')], [flowLogTo('vpc-e1')]],
          logGroups: [
            { logGroupName: '/team/flows', retentionInDays: 7 },
            { logGroupName: `${OWN_GROUP}`, retentionInDays: 365, arn: 'arn:own:*' },
          ],
        },
        'ap-south-1': {},
      },
      disabledRegions: ['af-south-1'],
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(inventory.accountId).toBe(ACCOUNT);
    expect(inventory.partition).toBe('aws');
    expect(inventory.homeRegion).toBe('us-east-1');
    expect(errorsOf(inventory)).toEqual([]);
    expect(inventory.role).toEqual({ status: 'missing' });
    expect(inventory.regions.map((region) => region.region)).toEqual(['ap-south-1', 'eu-west-1', 'us-west-2']);
    expect(inventory.regions[1]).toEqual({
      status: 'read',
      region: 'eu-west-1',
      vpcs: [
        { vpcId: 'vpc-e0', ownerId: ACCOUNT, isDefault: true },
        { vpcId: 'vpc-e1', ownerId: ACCOUNT, isDefault: false },
      ],
      subnets: [{ subnetId: 'subnet-e', vpcId: 'vpc-e0', ownerId: ACCOUNT }],
      flowLogs: [
        expect.objectContaining({ flowLogId: 'fl-vpc-e0', resourceId: 'vpc-e0', logGroupName: '/team/flows' }),
        expect.objectContaining({ flowLogId: 'fl-vpc-e1', destinationType: 's3', destination: 'arn:aws:s3:::bucket/flows/' }),
      ],
      logGroups: {
        '/team/flows': { name: '/team/flows', retentionInDays: 7 },
        [OWN_GROUP]: { name: OWN_GROUP, retentionInDays: 365, arn: 'arn:own:*' },
      },
    });
    expect(inventory.regions[2]).toEqual({
      status: 'read',
      region: 'us-west-2',
      vpcs: [{ vpcId: 'vpc-w0', ownerId: ACCOUNT, isDefault: true }],
      subnets: [],
      flowLogs: [],
      logGroups: {},
    });
  });

  it('GIVEN many VPCs per region WHEN collecting THEN DescribeFlowLogs is called exactly once per region', async () => {
    serveAccount({
      regions: {
        'eu-west-1': { vpcs: vpcs(40, 'e'), flowLogPages: [vpcs(40, 'e').map((vpc) => flowLogTo(vpc.VpcId!, '/g'))] },
        'us-east-1': { vpcs: vpcs(25, 'u') },
      },
    });
    const clients = await testAwsClients();

    await collectInventory(clients, settings());

    const regions = await regionsOfCalls(sdk.ec2, DescribeFlowLogsCommand);
    expect(regions.sort()).toEqual(['eu-west-1', 'us-east-1']);
    expect(sdk.ec2.commandCalls(DescribeFlowLogsCommand).map((call) => call.args[0].input.Filter)).toEqual([undefined, undefined]);
  });

  it('GIVEN flow logs to the same group many times WHEN collecting THEN the distinct log groups are looked up in one DescribeLogGroups per region', async () => {
    serveAccount({
      regions: {
        'eu-west-1': {
          vpcs: vpcs(3, 'e'),
          flowLogPages: [[flowLogTo('vpc-e0', '/g'), flowLogTo('vpc-e1', '/g'), flowLogTo('vpc-e2', OWN_GROUP), flowLogTo('subnet-1')]],
        },
      },
    });
    const clients = await testAwsClients();

    await collectInventory(clients, settings());

    const identifiers = sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input.logGroupIdentifiers);
    expect(identifiers).toEqual([['/g', OWN_GROUP]]);
  });

  it('GIVEN one region refuses DescribeVpcs WHEN collecting THEN it is recorded with the refused action and the others are read', async () => {
    const denied = awsError(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/me is not authorized to perform: ec2:DescribeVpcs',
      403,
    );
    serveAccount({
      regions: {
        'eu-west-1': { vpcs: vpcs(1, 'e') },
        'eu-south-1': { failWith: denied },
        'us-east-1': { vpcs: vpcs(1, 'u') },
      },
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(errorsOf(inventory)).toEqual([{ region: 'eu-south-1', code: 'UnauthorizedOperation', message: denied.message, action: 'ec2:DescribeVpcs' }]);
    expect(inventory.regions.map((region) => [region.region, region.status === 'read' ? region.vpcs.length : 0])).toEqual([
      ['eu-south-1', 0],
      ['eu-west-1', 1],
      ['us-east-1', 1],
    ]);
  });

  it('GIVEN a region throttled past its retries WHEN collecting THEN it is recorded as throttled', async () => {
    serveAccount({
      regions: {
        'eu-west-1': { failWith: awsError('RequestLimitExceeded', 'Request limit exceeded.', 503) },
        'us-east-1': {},
      },
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(errorsOf(inventory)).toEqual([{ region: 'eu-west-1', code: 'RequestLimitExceeded', message: 'Request limit exceeded.' }]);
  });

  it('GIVEN the first region answers last WHEN collecting THEN results follow the region list, not completion order', async () => {
    // eu-west-1 answers once us-east-1 is read, ap-east-1 once eu-west-1 is.
    const read = { 'us-east-1': gate(), 'eu-west-1': gate() };
    serveAccount({
      regions: {
        'ap-east-1': { vpcs: vpcs(1, 'a'), answersAfter: read['eu-west-1'].opened },
        'eu-west-1': { vpcs: vpcs(1, 'e'), answersAfter: read['us-east-1'].opened },
        'us-east-1': { vpcs: vpcs(1, 'u') },
      },
    });
    const clients = await testAwsClients();
    const finished: string[] = [];
    const progress = (_done: number, _total: number, region: string | undefined) => {
      if (!region) return;
      finished.push(region);
      if (region === 'us-east-1' || region === 'eu-west-1') read[region].open();
    };

    const inventory = await collectInventory(clients, settings({ concurrency: 3 }), { progress });

    expect(finished).toEqual(['us-east-1', 'eu-west-1', 'ap-east-1']);
    expect(readRegions(inventory).map((region) => region.vpcs[0]!.vpcId)).toEqual(['vpc-a0', 'vpc-e0', 'vpc-u0']);
  });

  it.each([
    [1, 1],
    [2, 2],
    [8, 3],
  ])(
    'GIVEN concurrency %i WHEN collecting six regions THEN each region has at most that many calls in flight (%i at its peak), whatever the others do',
    async (concurrency, expectedPeak) => {
      const names = ['ap-east-1', 'ap-south-1', 'eu-north-1', 'eu-west-1', 'us-east-1', 'us-west-2'];
      serveAccount({ regions: Object.fromEntries(names.map((name) => [name, {}])) });
      const inFlight = new Map<string, number>();
      const started = new Map<string, number>();
      const peaks = new Map<string, number>();
      const full = new Map<string, ReturnType<typeof gate>>();
      // Each call is held until its region has as many in flight as the limit allows (or all three of its
      // listings have started), so the peak does not depend on how fast the first calls end.
      const listing = (output: object) => async (_input: unknown, getClient: () => unknown) => {
        const region = await regionOfClient(getClient);
        const add = (counts: Map<string, number>, n: number) => counts.set(region, (counts.get(region) ?? 0) + n).get(region)!;
        const running = add(inFlight, 1);
        const calls = add(started, 1);
        peaks.set(region, Math.max(peaks.get(region) ?? 0, running));
        const held = full.get(region) ?? full.set(region, gate()).get(region)!;
        if (running === concurrency || calls === 3) held.open();
        await held.opened;
        if (add(inFlight, -1) === 0) full.delete(region);
        return output;
      };
      sdk.ec2.on(DescribeVpcsCommand).callsFake(listing({ Vpcs: [] }));
      sdk.ec2.on(DescribeSubnetsCommand).callsFake(listing({ Subnets: [] }));
      sdk.ec2.on(DescribeFlowLogsCommand).callsFake(listing({ FlowLogs: [] }));
      const clients = await testAwsClients();

      const inventory = await collectInventory(clients, settings({ concurrency }));

      expect(readRegions(inventory)).toHaveLength(6);
      expect(Object.fromEntries(peaks)).toEqual(Object.fromEntries(names.map((name) => [name, expectedPeak])));
    },
  );

  it("GIVEN concurrency 1 WHEN collecting six regions THEN every region's first listing is in flight before any is answered: regions never wait for each other", async () => {
    const names = ['ap-east-1', 'ap-south-1', 'eu-north-1', 'eu-west-1', 'us-east-1', 'us-west-2'];
    serveAccount({ regions: Object.fromEntries(names.map((name) => [name, {}])) });
    // A gate instead of a clock: no DescribeVpcs is answered until every region has sent one. If regions
    // waited for each other the gate would never open on its own; the fallback only keeps a failing run
    // from hanging, and the assertion then says how many had arrived.
    const arrived = new Set<string>();
    let inFlightWhenOpened: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = () => {
      if (inFlightWhenOpened.length === 0) inFlightWhenOpened = [...arrived].sort();
      release();
    };
    const cancelFallback = openIfStuck(open);
    sdk.ec2.on(DescribeVpcsCommand).callsFake(async (_input: unknown, getClient: () => unknown) => {
      arrived.add(await regionOfClient(getClient));
      if (arrived.size === names.length) open();
      await gate;
      return { Vpcs: [] };
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({ concurrency: 1 }));
    cancelFallback();

    expect(readRegions(inventory)).toHaveLength(6);
    expect(inFlightWhenOpened).toEqual(names);
  });

  it('GIVEN 24 regions and a stop signal WHEN collecting THEN no listener per region is added to it (Node would warn of a leak on stderr), and aborting it still ends every read', async () => {
    const names = Array.from({ length: 24 }, (_, i) => `xx-test-${i + 1}`);
    serveAccount({ regions: Object.fromEntries(names.map((name) => [name, {}])) });
    const stop = new AbortController();
    const arrived = new Set<string>();
    let listenersOnStop = -1;
    sdk.ec2.on(DescribeVpcsCommand).callsFake(async (_input: unknown, getClient: () => unknown) => {
      arrived.add(await regionOfClient(getClient));
      // Every region's read is under way: abort, and see what the reads had hung on the signal.
      if (arrived.size === names.length) {
        listenersOnStop = getEventListeners(stop.signal, 'abort').length;
        stop.abort(new FlowfixError('AccountTimeout', 'stopped'));
      }
      return new Promise(() => {});
    });
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    const clients = await testAwsClients();

    const reading = collectInventory(clients, settings(), { stop: stop.signal });

    await expect(reading).resolves.toBeDefined();
    process.off('warning', onWarning);
    expect(listenersOnStop).toBe(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  });

  it('GIVEN flow logs answered while subnets still page WHEN collecting THEN the log groups are looked up before the subnet listing ends', async () => {
    serveAccount({
      regions: {
        'us-east-1': {
          flowLogPages: [
            [{ FlowLogId: 'fl-1', ResourceId: 'vpc-1', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs', LogGroupName: '/their/group' }],
          ],
        },
      },
    });
    let releaseSubnets!: () => void;
    const subnetsHeld = new Promise<void>((resolve) => (releaseSubnets = resolve));
    const cancelFallback = openIfStuck(releaseSubnets);
    let logGroupsAskedWhileSubnetsPending = false;
    let subnetsPending = false;
    sdk.ec2.on(DescribeSubnetsCommand).callsFake(async () => {
      subnetsPending = true;
      await subnetsHeld;
      subnetsPending = false;
      return { Subnets: [] };
    });
    sdk.logs.on(DescribeLogGroupsCommand).callsFake(async () => {
      logGroupsAskedWhileSubnetsPending = subnetsPending;
      releaseSubnets();
      return { logGroups: [] };
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());
    cancelFallback();

    expect(readRegions(inventory)).toHaveLength(1);
    expect(logGroupsAskedWhileSubnetsPending).toBe(true);
  });

  it("GIVEN a caller in the start region's partition WHEN collecting THEN the region list and the role are asked before GetCallerIdentity is answered, once each", async () => {
    serveAccount({ regions: { 'us-east-1': {} } });
    // GetCallerIdentity is answered only once both others have been asked (or, failing, after a fallback).
    let identityAnswered = false;
    const asked: string[] = [];
    let answerIdentity!: () => void;
    const identityHeld = new Promise<void>((resolve) => (answerIdentity = resolve));
    const cancelFallback = openIfStuck(answerIdentity);
    sdk.sts.on(GetCallerIdentityCommand).callsFake(async () => {
      await identityHeld;
      identityAnswered = true;
      return { Account: ACCOUNT, Arn: `arn:aws:iam::${ACCOUNT}:user/me` };
    });
    const ask = (operation: string) => {
      asked.push(`${operation} ${identityAnswered ? 'after' : 'before'} the identity`);
      if (asked.length === 2) answerIdentity();
    };
    sdk.iam.on(GetRoleCommand).callsFake(async () => {
      ask('GetRole');
      throw awsError('NoSuchEntity', 'The role cannot be found.', 404);
    });
    sdk.ec2.on(DescribeRegionsCommand).callsFake(async () => {
      ask('DescribeRegions');
      return { Regions: [{ RegionName: 'us-east-1', OptInStatus: 'opt-in-not-required' }] };
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());
    cancelFallback();

    expect(inventory.role).toEqual({ status: 'missing' });
    expect(asked.sort()).toEqual(['DescribeRegions before the identity', 'GetRole before the identity']);
    expect(sdk.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('GIVEN an explicit region list with a repeat WHEN collecting THEN only those regions are read, in the order given', async () => {
    serveAccount({ regions: { 'eu-west-1': {}, 'us-east-1': {}, 'us-west-2': {} } });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({ regions: ['us-west-2', 'eu-west-1', 'us-west-2'] }));

    expect(inventory.regions.map((region) => region.region)).toEqual(['us-west-2', 'eu-west-1']);
    expect((await regionsOfCalls(sdk.ec2, DescribeVpcsCommand)).sort()).toEqual(['eu-west-1', 'us-west-2']);
  });

  it('GIVEN unknown region names WHEN collecting THEN UnknownRegion names them and how to fix it, before any regional read', async () => {
    serveAccount({ regions: { 'eu-west-1': {}, 'us-east-1': {} } });
    const clients = await testAwsClients();

    const failure = await collectInventory(clients, settings({ regions: ['eu-west-1', 'eu-wset-1', 'mars-1'] })).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(FlowfixError);
    expect(failure).toMatchObject({ code: 'UnknownRegion' });
    // A typo is named with the region it is closest to; a name close to none is named alone.
    expect((failure as FlowfixError).message).toBe('--regions: unknown regions eu-wset-1 (did you mean eu-west-1?), mars-1.');
    expect((failure as FlowfixError).hint).toMatch(/run without --regions to scan every enabled region/i);
    expect(sdk.ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
  });

  it('GIVEN a region asked for that this account has not enabled WHEN collecting THEN it is kept as not-enabled, never read, and the others are read', async () => {
    serveAccount({ regions: { 'us-east-1': { vpcs: vpcs(1, 'u') } }, disabledRegions: ['af-south-1'] });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({ regions: ['af-south-1', 'us-east-1'] }));

    expect(inventory.regions.map((r) => [r.region, r.status])).toEqual([
      ['af-south-1', 'not-enabled'],
      ['us-east-1', 'read'],
    ]);
    expect(await regionsOfCalls(sdk.ec2, DescribeVpcsCommand)).toEqual(['us-east-1']);
  });

  it('GIVEN an SCP denying a region WHEN collecting THEN that region is denied, with the policy AWS named; a plain denial stays unreadable', async () => {
    const scp = 'arn:aws:organizations::999999999999:policy/o-abcdef1234/service_control_policy/p-regdeny1';
    serveAccount({ regions: { 'us-east-1': {}, 'eu-west-1': {}, 'ap-south-1': {} } });
    sdk.ec2.on(DescribeVpcsCommand).callsFake(async (_input, getClient) => {
      const region = await (getClient() as { config: { region: () => Promise<string> } }).config.region();
      if (region === 'eu-west-1')
        throw awsError(
          'UnauthorizedOperation',
          `You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeVpcs with an explicit deny in a service control policy: ${scp}`,
          403,
        );
      if (region === 'ap-south-1')
        throw awsError(
          'UnauthorizedOperation',
          'You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action',
          403,
        );
      return { Vpcs: [] };
    });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({}));

    const byRegion = Object.fromEntries(inventory.regions.map((r) => [r.region, r]));
    expect(byRegion['eu-west-1']).toMatchObject({
      status: 'denied',
      deniedBy: { policyType: 'service-control-policy', policyArn: scp },
      error: { code: 'UnauthorizedOperation', action: 'ec2:DescribeVpcs' },
    });
    expect(byRegion['ap-south-1']).toMatchObject({ status: 'unreadable', error: { code: 'UnauthorizedOperation' } });
    expect(byRegion['us-east-1']).toMatchObject({ status: 'read' });
  });

  it('GIVEN DescribeRegions is denied and an explicit region list WHEN collecting THEN the list is read anyway', async () => {
    serveAccount({ regions: { 'eu-west-1': { vpcs: vpcs(1, 'e') } } });
    sdk.ec2.on(DescribeRegionsCommand).rejects(awsError('UnauthorizedOperation', 'denied', 403));
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({ regions: ['eu-west-1'] }));

    expect(readRegions(inventory).map((region) => region.vpcs.length)).toEqual([1]);
  });

  it('GIVEN DescribeRegions is denied and no region list WHEN collecting THEN a FlowfixError names the missing permission', async () => {
    serveAccount({ regions: {} });
    sdk.ec2.on(DescribeRegionsCommand).rejects(awsError('UnauthorizedOperation', 'denied', 403));
    const clients = await testAwsClients();

    await expect(collectInventory(clients, settings())).rejects.toMatchObject({
      code: 'AccessDenied',
      hint: expect.stringContaining('ec2:DescribeRegions'),
    });
  });

  it('GIVEN no credentials WHEN collecting THEN a NoCredentials FlowfixError is thrown', async () => {
    serveAccount({ regions: {} });
    sdk.sts
      .on(GetCallerIdentityCommand)
      .rejects(Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }));
    const clients = await testAwsClients();

    await expect(collectInventory(clients, settings())).rejects.toMatchObject({ name: 'FlowfixError', code: 'NoCredentials' });
  });

  it('GIVEN the delivery role exists WHEN collecting THEN it is read once, with its inline policies', async () => {
    serveAccount({ regions: { 'eu-west-1': {}, 'us-east-1': {} } });
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
    sdk.iam.on(GetRoleCommand).resolves({
      Role: {
        RoleName: DEFAULT_SETTINGS.roleName,
        Arn: `arn:aws:iam::${ACCOUNT}:role/${DEFAULT_SETTINGS.roleName}`,
        AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trust)),
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(0),
      },
    });
    sdk.iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [], IsTruncated: false });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(roleOf(inventory)).toEqual({
      roleName: DEFAULT_SETTINGS.roleName,
      arn: `arn:aws:iam::${ACCOUNT}:role/${DEFAULT_SETTINGS.roleName}`,
      trustPolicy: trust,
      inlinePolicies: {},
      tags: {},
      createdAt: '1970-01-01T00:00:00.000Z',
    });
    expect(sdk.iam.commandCalls(GetRoleCommand)).toHaveLength(1);
    expect(sdk.iam.commandCalls(GetRoleCommand)[0]!.args[0].input).toEqual({ RoleName: DEFAULT_SETTINGS.roleName });
  });

  it('GIVEN the role does not exist WHEN collecting THEN the role is missing and nothing is recorded as an error', async () => {
    serveAccount({ regions: { 'us-east-1': {} } });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(inventory.role).toEqual({ status: 'missing' });
    expect(errorsOf(inventory)).toEqual([]);
  });

  it('GIVEN IAM is denied WHEN collecting THEN a "global" error is recorded and the regions are still read', async () => {
    serveAccount({ regions: { 'us-east-1': { vpcs: vpcs(1, 'u') } } });
    sdk.iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 'User: x is not authorized to perform: iam:GetRole on resource: role flowfix', 403));
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings());

    expect(inventory.role.status).toBe('unreadable');
    expect(errorsOf(inventory)).toEqual([{ region: 'global', code: 'AccessDenied', message: expect.stringContaining('iam:GetRole'), action: 'iam:GetRole' }]);
    expect(readRegions(inventory)[0]!.vpcs).toHaveLength(1);
  });

  it('GIVEN an S3 destination WHEN collecting THEN IAM is not read and only flow-log groups are looked up', async () => {
    serveAccount({ regions: { 'us-east-1': { flowLogPages: [[flowLogTo('vpc-1', '/g'), flowLogTo('vpc-2')]] } } });
    const clients = await testAwsClients();

    const inventory = await collectInventory(clients, settings({ destination: { type: 's3', bucket: 'b', prefix: 'p/' } }));

    expect(inventory.role).toEqual({ status: 'not-read' });
    expect(sdk.iam.calls()).toHaveLength(0);
    expect(sdk.logs.commandCalls(DescribeLogGroupsCommand).map((call) => call.args[0].input.logGroupIdentifiers)).toEqual([['/g']]);
  });

  it('GIVEN a caller in China, STS first asked in cn-northwest-1 WHEN collecting THEN the partition comes from the ARN and the home region stays', async () => {
    serveAccount({ regions: { 'cn-northwest-1': {} } });
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-cn:iam::${ACCOUNT}:user/me` });
    const clients = await testAwsClients({ homeRegion: 'cn-northwest-1' });

    const inventory = await collectInventory(clients, settings());

    expect(inventory).toMatchObject({ partition: 'aws-cn', homeRegion: 'cn-northwest-1' });
  });

  it("GIVEN the home region named aws but the caller ARN says aws-us-gov WHEN collecting THEN the partition is the ARN's and the global calls move to us-gov-west-1", async () => {
    serveAccount({ regions: { 'us-gov-west-1': {} } });
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: `arn:aws-us-gov:iam::${ACCOUNT}:user/me` });
    const clients = await testAwsClients({ homeRegion: 'us-east-1' });

    const inventory = await collectInventory(clients, settings());

    // Asked early in the start region, then again where the caller's partition has them: the answers used are those.
    expect(inventory).toMatchObject({ partition: 'aws-us-gov', homeRegion: 'us-gov-west-1' });
    expect(await regionOfClient(() => sdk.ec2.commandCalls(DescribeRegionsCommand).at(-1)!.thisValue)).toBe('us-gov-west-1');
    expect(await regionOfClient(() => sdk.iam.commandCalls(GetRoleCommand).at(-1)!.thisValue)).toBe('us-gov-west-1');
  });

  it.each([
    ['arn:aws-iso:iam::123456789012:user/me', 'UnknownPartition', /partition aws-iso, which flowfix does not support/],
    ['arn:aws-iso-b:sts::123456789012:assumed-role/r/s', 'UnknownPartition', /partition aws-iso-b/],
    ['', 'NoCallerArn', /no ARN to tell the partition from/],
  ])('GIVEN the caller ARN %j WHEN collecting THEN %s, before any regional read', async (arn, code, message) => {
    serveAccount({ regions: { 'us-east-1': {} } });
    sdk.sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT, Arn: arn });
    const clients = await testAwsClients();

    const failure = await collectInventory(clients, settings()).catch((err: unknown) => err);

    expect(failure).toBeInstanceOf(FlowfixError);
    expect(failure).toMatchObject({ code, message: expect.stringMatching(message) });
    expect(sdk.ec2.commandCalls(DescribeVpcsCommand)).toHaveLength(0);
  });

  it('GIVEN a bug (not an AWS error) in a region WHEN collecting THEN it is not hidden as a region error', async () => {
    serveAccount({ regions: { 'us-east-1': { failWith: new TypeError('cannot read properties of undefined') } } });
    const clients = await testAwsClients();

    await expect(collectInventory(clients, settings())).rejects.toThrow(TypeError);
  });

  it('WHEN collecting THEN progress starts at 0 of the total once the regions are known, then names each region as it finishes, in its account', async () => {
    serveAccount({ regions: { 'eu-west-1': {}, 'us-east-1': {} } });
    const clients = await testAwsClients();
    const events: [number, number, string | undefined, string][] = [];

    await collectInventory(clients, settings({ concurrency: 1 }), { progress: (done, total, region, account) => events.push([done, total, region, account]) });

    expect(events).toEqual([
      [0, 2, undefined, ACCOUNT],
      [1, 2, 'eu-west-1', ACCOUNT],
      [2, 2, 'us-east-1', ACCOUNT],
    ]);
  });
});
