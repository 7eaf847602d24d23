// What has actually reached a flow log's destination since it was created, judged per flow log, never
// per destination. DeliverLogsStatus SUCCESS only means "no delivery error yet": right after creation
// nothing has been delivered at all. Read only by `verify` and apply's verification (never by `plan`,
// whose call floor stays as it is). Facts relied on: docs/aws-facts/delivery-evidence.md.
//
// CloudWatch Logs: AWS writes one log stream per network interface, named after it (eni-…-all,
// eni-…-accept, eni-…-reject by traffic type). So a flow log is delivering only when a stream of one of
// its own resource's interfaces has an event since the flow log's creation: a busy VPC's streams in a
// shared group no longer vouch for an idle one. The interfaces come from one paged
// DescribeNetworkInterfaces per region and resource type (vpc-id / subnet-id filter holding every id);
// then at most MAX_INTERFACES_SAMPLED of each flow log's interfaces are looked up by stream-name prefix
// (attached ones first), all at once, each call bounded per region like the others. A resource without interfaces
// cannot deliver and says so. Two flow logs of the same resource, traffic type and group write the same
// streams: flowfix cannot tell those apart.
//
// S3: objects are named after the flow log (<account>_vpcflowlogs_<region>_<flow-log-id>_…), under the
// folders the flow log's DestinationOptions choose (default or Hive-compatible names, per day or per
// hour); the newest folders since creation are listed, a bounded number of pages per destination.
import type { AwsClients } from '../aws/api.js';
import { classifyAwsError } from '../aws/errors.js';
import { FlowfixError } from '../errors.js';
import type { InterfaceSample } from '../facts/delivery-status.js';
import type { FlowLogDestinationOptions, FlowLogFacts, NetworkInterfaceFacts } from '../facts/resources.js';
import { groupBy, minOf } from '../util/collections.js';
import { KeyedLimiters, type Limiter } from '../util/concurrency.js';

export type DeliveryEvidence =
  /** Something of its own reached the destination since creation: what, and which interfaces were looked at. */
  | { kind: 'delivered'; what: string; interfaces?: InterfaceSample }
  /** Looked, and nothing yet. */
  | { kind: 'none-yet'; interfaces?: InterfaceSample }
  /** Its VPC or subnet has no network interface: nothing to log. */
  | { kind: 'no-interfaces' }
  /** Could not look (no permission, a Firehose destination, a snapshot): why. */
  | { kind: 'unknown'; why: string };

export interface DeliveryTarget {
  region: string;
  flowLog: FlowLogFacts;
}

/** Interfaces of one flow log whose streams are looked up, at most: one DescribeLogStreams each. */
export const MAX_INTERFACES_SAMPLED = 3;
/** Pages of one S3 folder read at most, per destination and check: keeps a huge bucket from costing minutes. */
export const MAX_S3_PAGES_PER_FOLDER = 3;
/** Pages read at most per S3 destination and check, over all its folders (newest first). */
export const MAX_S3_PAGES_PER_DESTINATION = 6;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;
/** How far back S3 folders are listed: today and yesterday (UTC), as many hours for per-hour layouts. */
const S3_LOOKBACK_MS = DAY_MS;

export async function readDeliveryEvidence(
  clients: AwsClients,
  { accountId, targets, now, concurrency = 4 }: { accountId: string; targets: DeliveryTarget[]; now: number; concurrency?: number },
): Promise<Map<string, DeliveryEvidence>> {
  const evidence = new Map<string, DeliveryEvidence>();
  // Every region at once, each region's calls bounded on their own (AWS throttles per account and
  // region): a region's lookups start as soon as its interfaces are listed, never after other regions'.
  const limits = new KeyedLimiters(concurrency);
  await Promise.all(
    [...groupBy(targets, (t) => t.region)].map(async ([region, inRegion]) => {
      const limiter = limits.of(region);
      const lookups: Promise<void>[] = [];
      const cloudWatch = inRegion.filter((t) => t.flowLog.destinationType === 'cloud-watch-logs' && t.flowLog.logGroupName);
      const s3 = inRegion.filter((t) => t.flowLog.destinationType === 's3' && t.flowLog.destination);
      for (const { flowLog } of inRegion) {
        if (!cloudWatch.some((t) => t.flowLog === flowLog) && !s3.some((t) => t.flowLog === flowLog)) {
          evidence.set(flowLog.flowLogId, { kind: 'unknown', why: `delivery to ${flowLog.destinationType} is not checked` });
        }
      }
      for (const group of groupBy(s3, (t) => `${t.flowLog.destination}|${layoutOf(t.flowLog.destinationOptions)}`).values()) {
        lookups.push(
          limiter.run(() =>
            s3Evidence(
              clients,
              accountId,
              region,
              group.map((t) => t.flowLog),
              now,
              evidence,
            ),
          ),
        );
      }
      if (cloudWatch.length > 0) {
        const interfaces = await interfacesByResource(
          clients,
          region,
          cloudWatch.map((t) => t.flowLog.resourceId),
          limiter,
        );
        for (const { flowLog } of cloudWatch) {
          const found = interfaces.get(flowLog.resourceId);
          if (found instanceof Error) evidence.set(flowLog.flowLogId, { kind: 'unknown', why: whyUnknown(found, flowLog) });
          else lookups.push(cloudWatchEvidence(clients, region, flowLog, found ?? [], evidence, limiter));
        }
      }
      await Promise.all(lookups);
    }),
  );
  return evidence;
}

const createdAt = (flowLog: FlowLogFacts) => (flowLog.creationTime ? Date.parse(flowLog.creationTime) : 0);

/**
 * Every interface of the given VPCs and subnets, by resource id: one listing per resource type. Grouped
 * by the interfaces' own VPC/subnet, so an endpoint that ignores the filter still answers right. A
 * listing that fails is that type's resources' Error.
 */
async function interfacesByResource(
  clients: AwsClients,
  region: string,
  resourceIds: string[],
  limiter: Limiter,
): Promise<Map<string, NetworkInterfaceFacts[] | Error>> {
  const byResource = new Map<string, NetworkInterfaceFacts[] | Error>();
  const kinds = [
    { name: 'vpc-id' as const, ids: resourceIds.filter((id) => id.startsWith('vpc-')), of: (eni: NetworkInterfaceFacts) => eni.vpcId },
    { name: 'subnet-id' as const, ids: resourceIds.filter((id) => id.startsWith('subnet-')), of: (eni: NetworkInterfaceFacts) => eni.subnetId },
  ];
  // The VPCs' and the subnets' listings side by side.
  await Promise.all(
    kinds.map(async ({ name, ids, of }) => {
      if (ids.length === 0) return;
      try {
        const interfaces = await limiter.run(() => clients.ec2(region).listNetworkInterfaces({ name, values: ids }));
        const grouped = groupBy(interfaces, of);
        for (const id of ids) byResource.set(id, grouped.get(id) ?? []);
      } catch (err) {
        for (const id of ids) byResource.set(id, err instanceof Error ? err : new Error(String(err)));
      }
    }),
  );
  return byResource;
}

/** Attached interfaces first (a detached one carries no traffic), then by id: the same sample every run. */
function sampleOf(interfaces: NetworkInterfaceFacts[]): string[] {
  const rank = (eni: NetworkInterfaceFacts) => (eni.status === undefined || eni.status === 'in-use' ? 0 : 1);
  return [...interfaces]
    .sort((a, b) => rank(a) - rank(b) || (a.networkInterfaceId < b.networkInterfaceId ? -1 : a.networkInterfaceId > b.networkInterfaceId ? 1 : 0))
    .slice(0, MAX_INTERFACES_SAMPLED)
    .map((eni) => eni.networkInterfaceId);
}

/** The interface's own stream for this traffic type: eni-x-all for ALL, eni-x-reject for REJECT; or just eni-x. */
const isStreamOf = (name: string, eni: string, trafficType: string) => name === eni || name === `${eni}-${trafficType.toLowerCase()}`;

/**
 * The sampled interfaces' streams, looked up all at once (each call bounded with the region's others):
 * one round trip per flow log, not one per interface. Delivery seen on any of them is delivery; else a
 * lookup that failed (other than the group being gone, which means nothing was delivered) leaves it unknown.
 */
async function cloudWatchEvidence(
  clients: AwsClients,
  region: string,
  flowLog: FlowLogFacts,
  interfaces: NetworkInterfaceFacts[],
  evidence: Map<string, DeliveryEvidence>,
  limiter: Limiter,
) {
  if (interfaces.length === 0) {
    evidence.set(flowLog.flowLogId, { kind: 'no-interfaces' });
    return;
  }
  const group = flowLog.logGroupName!;
  const sample = sampleOf(interfaces);
  const looks = await Promise.all(
    sample.map(async (eni): Promise<{ written?: string; failed?: unknown }> => {
      try {
        const streams = await limiter.run(() => clients.logs(region).logStreamsNamed(group, eni));
        // An event since creation, not merely a stream: lastEventTimestamp lags up to an hour, ingestion does not.
        const written = streams.find(
          (s) => isStreamOf(s.name, eni, flowLog.trafficType) && Math.max(s.lastEventTimestamp ?? 0, s.lastIngestionTime ?? 0) >= createdAt(flowLog),
        );
        return written ? { written: written.name } : {};
      } catch (err) {
        return classifyAwsError(err).kind === 'not-found' ? {} : { failed: err };
      }
    }),
  );
  const interfacesLooked = { sampled: sample, total: interfaces.length };
  const delivered = looks.find((look) => look.written !== undefined);
  const failed = looks.find((look) => 'failed' in look);
  if (delivered) evidence.set(flowLog.flowLogId, { kind: 'delivered', what: `log stream ${delivered.written} in ${group}`, interfaces: interfacesLooked });
  else if (failed) evidence.set(flowLog.flowLogId, { kind: 'unknown', why: whyUnknown(failed.failed, flowLog) });
  else evidence.set(flowLog.flowLogId, { kind: 'none-yet', interfaces: interfacesLooked });
}

/** Layouts that put objects under different folders must be listed apart. */
const layoutOf = (options: FlowLogDestinationOptions | undefined) =>
  `${options?.hiveCompatiblePartitions === true ? 'hive' : 'plain'}/${options?.perHourPartition === true ? 'hour' : 'day'}/${options?.fileFormat ?? 'plain-text'}`;

/**
 * The folders objects of this layout land in, newest first, from now back to the flow log's creation
 * (at most S3_LOOKBACK_MS): per day yyyy/mm/dd/ (or year=yyyy/month=mm/day=dd/), per hour with hh/ (or hour=hh/).
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
 */
export function s3Folders(
  { accountId, region, prefix, options }: { accountId: string; region: string; prefix: string; options?: FlowLogDestinationOptions | undefined },
  earliest: number,
  now: number,
): string[] {
  const hive = options?.hiveCompatiblePartitions === true;
  const perHour = options?.perHourPartition === true;
  const base = `${prefix ? `${prefix}/` : ''}AWSLogs/${hive ? `aws-account-id=${accountId}/aws-service=vpcflowlogs/aws-region=${region}` : `${accountId}/vpcflowlogs/${region}`}/`;
  const step = perHour ? HOUR_MS : DAY_MS;
  const floor = (ms: number) => ms - (ms % step);
  const from = floor(Math.max(earliest, now - S3_LOOKBACK_MS));
  const folders: string[] = [];
  for (let at = floor(now); at >= from; at -= step) {
    const [date, time] = new Date(at).toISOString().split('T') as [string, string];
    const [yyyy, mm, dd] = date.split('-') as [string, string, string];
    const hh = time.slice(0, 2);
    const day = hive ? `year=${yyyy}/month=${mm}/day=${dd}/` : `${yyyy}/${mm}/${dd}/`;
    folders.push(`${base}${day}${perHour ? (hive ? `hour=${hh}/` : `${hh}/`) : ''}`);
  }
  return folders;
}

async function s3Evidence(
  clients: AwsClients,
  accountId: string,
  region: string,
  flowLogs: FlowLogFacts[],
  now: number,
  evidence: Map<string, DeliveryEvidence>,
) {
  const [first] = flowLogs;
  const path = first!.destination!.replace(/^arn:[^:]+:s3:::/, '');
  const [bucket = '', ...rest] = path.split('/');
  const prefix = rest.join('/').replace(/^\/+|\/+$/g, '');
  const options = first!.destinationOptions;
  // plain-text objects end .log.gz, Parquet ones .parquet: another format's objects are not this flow log's.
  const extension = options?.fileFormat === 'parquet' ? /\.parquet$/ : /\.log\.gz$/;
  const wanted = new Map(flowLogs.map((f) => [f.flowLogId, f]));
  const found = new Map<string, string>();
  try {
    const folders = s3Folders({ accountId, region, prefix, options }, minOf(flowLogs.map(createdAt)), now);
    let budget = MAX_S3_PAGES_PER_DESTINATION;
    for (const folder of folders) {
      let token: string | undefined;
      for (let page = 0; page < MAX_S3_PAGES_PER_FOLDER && budget > 0 && found.size < wanted.size; page++, budget--) {
        const listed = await clients.s3().listObjects({ bucket, prefix: folder, maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
        for (const key of listed.keys) {
          const id = /_vpcflowlogs_[a-z0-9-]+_(fl-[0-9a-z]+)_/.exec(key)?.[1];
          if (id && wanted.has(id) && !found.has(id) && extension.test(key)) found.set(id, `s3://${bucket}/${key}`);
        }
        token = listed.nextToken;
        if (!token) break;
      }
      if (budget === 0 || found.size === wanted.size) break;
    }
  } catch (err) {
    for (const flowLog of flowLogs) evidence.set(flowLog.flowLogId, { kind: 'unknown', why: whyUnknown(err, flowLog) });
    return;
  }
  for (const id of wanted.keys()) {
    const what = found.get(id);
    evidence.set(id, what ? { kind: 'delivered', what: `object ${what}` } : { kind: 'none-yet' });
  }
}

function whyUnknown(err: unknown, flowLog: FlowLogFacts): string {
  if (err instanceof FlowfixError) return err.message;
  const { kind, code, message, action } = classifyAwsError(err);
  if (kind !== 'access-denied') return `${code}: ${message}`;
  if (action === 'ec2:DescribeNetworkInterfaces')
    return `${code}: grant ec2:DescribeNetworkInterfaces to see the flow log's network interfaces (policies/operator-plan.json)`;
  return flowLog.destinationType === 's3'
    ? `${code}: grant s3:ListBucket on the bucket to see delivered objects (policies/operator-apply-s3.json)`
    : `${code}: grant logs:DescribeLogStreams to see delivered log streams (policies/operator-plan.json)`;
}
