// Reads everything audit needs, per region in parallel (bounded), and returns it as plain data.
// Reads only. A region that cannot be read is kept as 'unreadable' and the others go on.

import type { AwsClients } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError, toFlowfixError } from '../aws/errors.js';
import { isValidRegionName, partitionOf } from '../facts/regions.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError, interrupted } from '../errors.js';
import { Limiter, mapWithConcurrency } from '../util/concurrency.js';
import type { AwsProblem, Inventory, RegionInventory, RegionRead, RoleRead } from './types.js';

/** Called as each region finishes (read or not): regions done so far, of how many, and which. */
export type InventoryProgress = (regionsDone: number, regionsTotal: number, region: string) => void;

export interface CollectOptions {
  progress?: InventoryProgress;
  /** Ctrl-C: regions already being read finish, no more start, and the read ends as interrupted. */
  signal?: AbortSignal;
  /** A bound on region reads shared with other accounts' reads; default: settings.concurrency for this read alone. */
  limiter?: Limiter;
}

export async function collectInventory(clients: AwsClients, settings: Settings, options: CollectOptions = {}): Promise<Inventory> {
  const { accountId } = await clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });

  if (!/^\d{12}$/.test(accountId)) {
    // Every VPC would look shared from another account and nothing would be checked.
    throw new FlowfixError('NoAccountId', `sts:GetCallerIdentity returned no usable account id (${JSON.stringify(accountId)})`, {
      hint: 'check --endpoint-url / AWS_ENDPOINT_URL points at an AWS-compatible endpoint that implements STS',
    });
  }
  const regions = await regionsToScan(clients, settings.regions);
  const limiter = options.limiter ?? new Limiter(settings.concurrency);

  // The role read is global and independent of the regions: it runs beside the regional fan-out.
  let done = 0;
  const [regionReads, role] = await Promise.all([
    mapWithConcurrency(regions, regions.length || 1, (region) => limiter.run(async () => {
      if (options.signal?.aborted) throw interrupted();
      const read = await readRegionOrUnreadable(clients, settings, region);
      options.progress?.(++done, regions.length, region);
      return read;
    })),
    readDeliveryRole(clients, settings),
  ]);
  return { accountId, partition: partitionOf(clients.homeRegion), homeRegion: clients.homeRegion, regions: regionReads, role };
}

/**
 * The explicit --regions list (deduplicated, in the order given) after checking each name against
 * the account's regions, or every enabled region (sorted) when no list was given.
 */
async function regionsToScan(clients: AwsClients, wanted: string[] | undefined): Promise<string[]> {
  let known: { enabled: string[]; disabled: string[] };
  try {
    known = await clients.listEnabledRegions();
  } catch (err) {
    // A least-privilege identity may lack ec2:DescribeRegions. With an explicit, well-formed list
    // flowfix can still go on: a wrong name then shows up as that region's error.
    if (wanted && classifyAwsError(err).kind === 'access-denied' && wanted.every(isValidRegionName)) {
      return [...new Set(wanted)];
    }
    throw toFlowfixError(err, 'Listing the regions of the account (ec2:DescribeRegions)');
  }
  if (wanted === undefined) return known.enabled;

  const regions = [...new Set(wanted)];
  const unknown = regions.filter((region) => !known.enabled.includes(region) && !known.disabled.includes(region));
  const disabled = regions.filter((region) => known.disabled.includes(region));
  if (unknown.length > 0 || disabled.length > 0) {
    const problems = [
      ...(unknown.length > 0 ? [`unknown region${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}`] : []),
      ...(disabled.length > 0
        ? [`${disabled.join(', ')} ${disabled.length > 1 ? 'are' : 'is'} not enabled for the account`]
        : []),
    ];
    throw new FlowfixError('UnknownRegion', `--regions: ${problems.join('; ')}.`, {
      hint: `Run without --regions to scan every enabled region (${known.enabled.join(', ')}).`,
    });
  }
  return regions;
}

async function readRegionOrUnreadable(clients: AwsClients, settings: Settings, region: string): Promise<RegionRead> {
  try {
    return await readRegion(clients, settings, region);
  } catch (err) {
    return { status: 'unreadable', region, error: toAwsProblem(err) };
  }
}

async function readRegion(clients: AwsClients, settings: Settings, region: string): Promise<RegionInventory> {
  const ec2 = clients.ec2(region);
  const [vpcs, subnets, flowLogs] = await Promise.all([ec2.listVpcs(), ec2.listSubnets(), ec2.listFlowLogs()]);

  // Only the groups that matter: those CloudWatch flow logs deliver to (to check retention and
  // existence) and flowfix's own target. S3 and Firehose flow logs have no log group.
  const wantedGroups = flowLogs.flatMap((flowLog) =>
    flowLog.destinationType === 'cloud-watch-logs' && flowLog.logGroupName ? [flowLog.logGroupName] : [],
  );
  if (settings.destination.type === 'cloud-watch-logs') wantedGroups.push(settings.destination.logGroupName);
  const logGroups = wantedGroups.length > 0 ? await clients.logs(region).describeLogGroups(wantedGroups) : {};

  // flowfix's own group without retention is either a user's never-expire group (left alone) or one
  // flowfix created whose PutRetentionPolicy never ran (an interrupted apply): its tag tells which.
  const own = settings.destination.type === 'cloud-watch-logs' ? logGroups[settings.destination.logGroupName] : undefined;
  if (own?.arn && own.retentionInDays === undefined) {
    // Unknown tags only mean "not known to be flowfix's": the group is then left as it is.
    own.tags = await clients.logs(region).listTags(own.arn).catch(() => ({}));
  }

  return { status: 'read', region, vpcs, subnets, flowLogs, logGroups };
}

/**
 * An IAM failure is recorded as 'unreadable' rather than thrown, so the plan still shows every regional
 * finding. With an S3 destination flowfix needs no delivery role, so IAM is not read at all: an identity
 * without IAM read rights should not fail an S3-only run.
 */
async function readDeliveryRole(clients: AwsClients, settings: Settings): Promise<RoleRead> {
  if (settings.destination.type !== 'cloud-watch-logs') return { status: 'not-read' };
  try {
    const role = await clients.iam().getRole(settings.roleName);
    return role ? { status: 'found', role } : { status: 'missing' };
  } catch (err) {
    return { status: 'unreadable', error: toAwsProblem(err) };
  }
}

/** Errors from AWS (or the way to it) become data; anything else is a flowfix bug and propagates. */
function toAwsProblem(err: unknown): AwsProblem {
  if (err instanceof FlowfixError) return { code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const { code, message, action } = classifyAwsError(err);
  return { code, message, ...(action ? { action } : {}) };
}
