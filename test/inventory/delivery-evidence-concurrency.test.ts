import type { AwsClients } from '../../src/aws/api.js';
import { readDeliveryEvidence, type DeliveryTarget } from '../../src/inventory/delivery-evidence.js';
import { openIfStuck } from '../helpers/timeouts.js';

describe('readDeliveryEvidence: every region at once', () => {
  test('GIVEN six regions and concurrency 1 WHEN reading evidence THEN every region is asked before any is answered, and one region keeps one call in flight', async () => {
    const regions = ['ap-east-1', 'ap-south-1', 'eu-north-1', 'eu-west-1', 'us-east-1', 'us-west-2'];
    // Two flow logs per region (a VPC's and a subnet's): with concurrency 1 a region's calls follow each other, the regions do not wait.
    const targets: DeliveryTarget[] = regions.flatMap((region) =>
      ['vpc-1', 'subnet-1'].map((resourceId) => ({
        region,
        flowLog: {
          flowLogId: `fl-${region}-${resourceId}`,
          resourceId,
          status: 'ACTIVE',
          trafficType: 'ALL',
          destinationType: 'cloud-watch-logs',
          logGroupName: '/g',
          tags: {},
          creationTime: new Date(0).toISOString(),
        },
      })),
    );
    // A gate, not a clock: nothing is answered until every region has asked once (a fallback keeps a failing run from hanging).
    const inFlight = new Map<string, number>();
    let peakPerRegion = 0;
    let askingWhenOpened = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = () => {
      askingWhenOpened ||= [...inFlight.values()].filter((n) => n > 0).length;
      release();
    };
    const cancelFallback = openIfStuck(open);
    const call = async <T>(region: string, answer: T): Promise<T> => {
      inFlight.set(region, (inFlight.get(region) ?? 0) + 1);
      peakPerRegion = Math.max(peakPerRegion, inFlight.get(region)!);
      if (inFlight.size === regions.length) open();
      await gate;
      inFlight.set(region, inFlight.get(region)! - 1);
      return answer;
    };
    const clients = {
      ec2: (region: string) => ({
        listNetworkInterfaces: (filter: { name: string; values: string[] }) =>
          call(
            region,
            filter.values.map((id) => ({ networkInterfaceId: `eni-${id}`, vpcId: 'vpc-1', subnetId: 'subnet-1', status: 'in-use' })),
          ),
      }),
      logs: (region: string) => ({
        logStreamsNamed: (_group: string, eni: string) => call(region, [{ name: eni, creationTime: 1, lastIngestionTime: Date.now() }]),
      }),
    } as unknown as AwsClients;

    const evidence = await readDeliveryEvidence(clients, { accountId: '111111111111', targets, now: Date.now(), concurrency: 1 });
    cancelFallback();

    expect(evidence.size).toBe(12);
    expect([...evidence.values()].every((e) => e.kind === 'delivered')).toBe(true);
    expect(askingWhenOpened).toBe(regions.length);
    expect(peakPerRegion).toBe(1);
  });

  test("GIVEN a flow log with three interfaces WHEN reading evidence THEN their streams are looked up at once (one round trip), within the region's bound, and delivery on any of them counts", async () => {
    const flowLog = {
      flowLogId: 'fl-1',
      resourceId: 'vpc-1',
      status: 'ACTIVE',
      trafficType: 'ALL',
      destinationType: 'cloud-watch-logs' as const,
      logGroupName: '/g',
      tags: {},
      creationTime: new Date(0).toISOString(),
    };
    const enis = ['eni-a', 'eni-b', 'eni-c'];
    // A gate, not a clock: no lookup is answered until all three are in flight (the fallback keeps a failing run from hanging).
    const asked: string[] = [];
    let askedWhenOpened: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const open = () => {
      if (askedWhenOpened.length === 0) askedWhenOpened = [...asked];
      release();
    };
    const cancelFallback = openIfStuck(open);
    const clients = {
      ec2: () => ({
        listNetworkInterfaces: async () => enis.map((id) => ({ networkInterfaceId: id, vpcId: 'vpc-1', subnetId: 'subnet-1', status: 'in-use' })),
      }),
      logs: () => ({
        logStreamsNamed: async (_group: string, eni: string) => {
          asked.push(eni);
          if (asked.length === enis.length) open();
          await gate;
          // Only the last interface has delivered.
          return eni === 'eni-c' ? [{ name: `${eni}-all`, creationTime: 1, lastIngestionTime: Date.now() }] : [];
        },
      }),
    } as unknown as AwsClients;

    const evidence = await readDeliveryEvidence(clients, {
      accountId: '111111111111',
      targets: [{ region: 'eu-west-1', flowLog }],
      now: Date.now(),
      concurrency: 8,
    });
    cancelFallback();

    expect(askedWhenOpened).toEqual(enis);
    expect(evidence.get('fl-1')).toEqual({ kind: 'delivered', what: 'log stream eni-c-all in /g', interfaces: { sampled: enis, total: 3 } });
  });
});
