// Reads everything audit needs, per region in parallel (bounded), and returns it as plain data.
// Reads only. A region that cannot be read becomes a RegionError and the others go on.

import type { AwsClients } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError, toFlowfixError } from '../aws/errors.js';
import { isValidRegionName, partitionOf } from '../facts/regions.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { Inventory, RegionError, RegionInventory } from './types.js';
import type { RoleFacts } from '../facts/resources.js';

export type InventoryPhase = 'identity' | 'regions' | 'region' | 'role';

/** 'identity' and 'regions' are sent when they start; 'region' and 'role' when each read finishes. */
export interface InventoryProgressEvent {
  phase: InventoryPhase;
  /** Set for phase 'region': the region just finished (read or failed). */
  region?: string;
  /** For phase 'region': regions finished so far, and how many there are. */
  done?: number;
  total?: number;
}

export type InventoryProgress = (event: InventoryProgressEvent) => void;

/** Region name used in RegionError for the global IAM read. */
export const GLOBAL_REGION = 'global';

export async function collectInventory(
  clients: AwsClients,
  settings: Settings,
  progress: InventoryProgress = () => {},
): Promise<Inventory> {
  progress({ phase: 'identity' });
  const { accountId } = await clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });

  if (!/^\d{12}$/.test(accountId)) {
    // Every VPC would look shared from another account and nothing would be checked.
    throw new FlowfixError('NoAccountId', `sts:GetCallerIdentity returned no usable account id (${JSON.stringify(accountId)})`, {
      hint: 'check --endpoint-url / AWS_ENDPOINT_URL points at an AWS-compatible endpoint that implements STS',
    });
  }
  progress({ phase: 'regions' });
  const regions = await regionsToScan(clients, settings.regions);

  // The role read is global and independent of the regions: it runs beside the regional fan-out.
  let done = 0;
  const [regionResults, roleResult] = await Promise.all([
    mapWithConcurrency(regions, settings.concurrency, async (region) => {
      const result = await readRegionOrError(clients, settings, region);
      progress({ phase: 'region', region, done: ++done, total: regions.length });
      return result;
    }),
    readDeliveryRole(clients, settings).then((result) => {
      progress({ phase: 'role' });
      return result;
    }),
  ]);

  const regionErrors: RegionError[] = regionResults.flatMap((result) => (result.error ? [result.error] : []));
  if (roleResult.error) regionErrors.push(roleResult.error);

  return {
    accountId,
    partition: partitionOf(clients.homeRegion),
    homeRegion: clients.homeRegion,
    regions: regionResults.map((result) => result.inventory),
    regionErrors,
    role: roleResult.role,
  };
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
    // flowfix can still go on: a wrong name then shows up as that region's RegionError.
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

interface RegionResult {
  inventory: RegionInventory;
  error?: RegionError;
}

/**
 * A failed region still appears in Inventory.regions (with empty facts) because the type promises
 * "every region that was asked for"; its RegionError says why it is empty. Audit must treat a region
 * with an error as unknown, not as "no VPCs".
 */
async function readRegionOrError(clients: AwsClients, settings: Settings, region: string): Promise<RegionResult> {
  try {
    return { inventory: await readRegion(clients, settings, region) };
  } catch (err) {
    return {
      inventory: { region, vpcs: [], subnets: [], flowLogs: [], logGroups: {} },
      error: toRegionError(region, err),
    };
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

  return { region, vpcs, subnets, flowLogs, logGroups };
}

/**
 * An IAM failure is recorded (region 'global', role null) rather than thrown, so the plan still shows
 * every regional finding. Consequence for the planner: role null *with* a 'global' RegionError means
 * "unknown", not "missing" — it must not plan CreateRole from it.
 * With an S3 destination flowfix needs no delivery role, so IAM is not read at all (role null, no error):
 * an identity without IAM read rights should not fail an S3-only run.
 */
async function readDeliveryRole(
  clients: AwsClients,
  settings: Settings,
): Promise<{ role: RoleFacts | null; error?: RegionError }> {
  if (settings.destination.type !== 'cloud-watch-logs') return { role: null };
  try {
    return { role: await clients.iam().getRole(settings.roleName) };
  } catch (err) {
    return { role: null, error: toRegionError(GLOBAL_REGION, err) };
  }
}

/** Errors from AWS (or the way to it) become data; anything else is a flowfix bug and propagates. */
function toRegionError(region: string, err: unknown): RegionError {
  if (err instanceof FlowfixError) return { region, code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const classified = classifyAwsError(err);
  const regionError: RegionError = { region, code: classified.code, message: classified.message };
  if (classified.action) regionError.action = classified.action;
  return regionError;
}
