// What has actually reached a flow log's destination since it was created. DeliverLogsStatus SUCCESS
// only means "no delivery error yet": right after creation nothing has been delivered at all. Read only
// by `verify` and apply's verification (never by `plan`, whose call floor stays as it is).
//
// CloudWatch Logs: streams are named after network interfaces, not flow logs, so a flow log counts as
// delivering once its log group holds a stream created or written to since the flow log's creation
// (one DescribeLogStreams per group, newest first). When several flow logs share a group flowfix
// cannot tell whose records those are; flowfix's own group normally holds only its flow logs'.
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogStreams.html
//
// S3: objects are named after the flow log:
// <prefix>AWSLogs/<account>/vpcflowlogs/<region>/<yyyy>/<mm>/<dd>/<account>_vpcflowlogs_<region>_<flow-log-id>_…
// so the day's folders (today's and yesterday's, UTC, not before the creation day) are listed and each flow
// log is matched by its id. https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-path.html
import type { AwsClients } from '../aws/api.js';
import { classifyAwsError } from '../aws/errors.js';
import { FlowfixError } from '../errors.js';
import type { FlowLogFacts } from '../facts/resources.js';
import { groupBy, minOf } from '../util/collections.js';
import { mapWithConcurrency } from '../util/concurrency.js';

export type DeliveryEvidence =
  /** Something reached the destination since creation: what. */
  | { kind: 'delivered'; what: string }
  /** Looked, and nothing yet. */
  | { kind: 'none-yet' }
  /** Could not look (no permission, a Firehose destination, a snapshot): why. */
  | { kind: 'unknown'; why: string };

export interface DeliveryTarget {
  region: string;
  flowLog: FlowLogFacts;
}

/** Pages of one day's S3 folder read at most, per destination and check: keeps a huge bucket from costing minutes. */
export const MAX_S3_PAGES_PER_DAY = 3;
const DAY_MS = 24 * 60 * 60 * 1000;

export async function readDeliveryEvidence(
  clients: AwsClients,
  { accountId, targets, now, concurrency = 4 }: { accountId: string; targets: DeliveryTarget[]; now: number; concurrency?: number },
): Promise<Map<string, DeliveryEvidence>> {
  const evidence = new Map<string, DeliveryEvidence>();
  const destinations = groupBy(targets, (t) => `${t.region}|${t.flowLog.destinationType}|${t.flowLog.logGroupName ?? t.flowLog.destination ?? ''}`);
  await mapWithConcurrency([...destinations.values()], concurrency, async (group) => {
    const [first] = group;
    const { region, flowLog } = first!;
    try {
      if (flowLog.destinationType === 'cloud-watch-logs' && flowLog.logGroupName) {
        await cloudWatch(clients, region, flowLog.logGroupName, group, evidence);
      } else if (flowLog.destinationType === 's3' && flowLog.destination) {
        await s3(clients, accountId, region, flowLog.destination, group, now, evidence);
      } else {
        for (const t of group) evidence.set(t.flowLog.flowLogId, { kind: 'unknown', why: `delivery to ${flowLog.destinationType} is not checked` });
      }
    } catch (err) {
      const why = whyUnknown(err, flowLog);
      for (const t of group) evidence.set(t.flowLog.flowLogId, { kind: 'unknown', why });
    }
  });
  return evidence;
}

const createdAt = (flowLog: FlowLogFacts) => (flowLog.creationTime ? Date.parse(flowLog.creationTime) : 0);

async function cloudWatch(clients: AwsClients, region: string, logGroupName: string, group: DeliveryTarget[], evidence: Map<string, DeliveryEvidence>) {
  let stream;
  try {
    stream = await clients.logs(region).newestLogStream(logGroupName);
  } catch (err) {
    if (classifyAwsError(err).kind !== 'not-found') throw err;
    stream = null; // the group is gone: nothing can have been delivered
  }
  const written = stream ? Math.max(stream.creationTime ?? 0, stream.lastIngestionTime ?? 0, stream.lastEventTimestamp ?? 0) : undefined;
  for (const { flowLog } of group) {
    evidence.set(
      flowLog.flowLogId,
      stream && written !== undefined && written >= createdAt(flowLog)
        ? { kind: 'delivered', what: `log stream ${stream.name} in ${logGroupName}` }
        : { kind: 'none-yet' },
    );
  }
}

async function s3(clients: AwsClients, accountId: string, region: string, destination: string, group: DeliveryTarget[], now: number, evidence: Map<string, DeliveryEvidence>) {
  const path = destination.replace(/^arn:[^:]+:s3:::/, '');
  const [bucket = '', ...rest] = path.split('/');
  const prefix = rest.join('/').replace(/^\/+|\/+$/g, '');
  const base = `${prefix ? `${prefix}/` : ''}AWSLogs/${accountId}/vpcflowlogs/${region}/`;
  const earliest = minOf(group.map((t) => createdAt(t.flowLog)));
  const days = [now, now - DAY_MS].filter((day) => utcDay(day) >= utcDay(earliest)).map(utcDay);
  const wanted = new Map(group.map((t) => [t.flowLog.flowLogId, t.flowLog]));
  const found = new Map<string, string>();
  for (const day of [...new Set(days)]) {
    let token: string | undefined;
    for (let page = 0; page < MAX_S3_PAGES_PER_DAY && found.size < wanted.size; page++) {
      const listed = await clients.s3().listObjects({ bucket, prefix: `${base}${day}/`, maxKeys: 1000, ...(token ? { continuationToken: token } : {}) });
      for (const key of listed.keys) {
        const id = /_vpcflowlogs_[a-z0-9-]+_(fl-[0-9a-z]+)_/.exec(key)?.[1];
        if (id && wanted.has(id) && !found.has(id)) found.set(id, `s3://${bucket}/${key}`);
      }
      token = listed.nextToken;
      if (!token) break;
    }
  }
  for (const id of wanted.keys()) {
    const what = found.get(id);
    evidence.set(id, what ? { kind: 'delivered', what: `object ${what}` } : { kind: 'none-yet' });
  }
}

/** yyyy/mm/dd of an epoch time, UTC, as in the S3 folders. */
const utcDay = (ms: number) => new Date(ms).toISOString().slice(0, 10).replace(/-/g, '/');

function whyUnknown(err: unknown, flowLog: FlowLogFacts): string {
  if (err instanceof FlowfixError) return err.message;
  const { kind, code, message } = classifyAwsError(err);
  if (kind !== 'access-denied') return `${code}: ${message}`;
  return flowLog.destinationType === 's3'
    ? `${code}: grant s3:ListBucket on the bucket to see delivered objects (policies/operator-apply-s3.json)`
    : `${code}: grant logs:DescribeLogStreams to see delivered log streams (policies/operator-plan.json)`;
}
