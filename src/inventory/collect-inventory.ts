// Reads everything audit needs and returns it as plain data. Reads only. A region that cannot be read is
// kept as 'unreadable' (or 'denied', when an organization policy says no) and the others go on.
//
// Round trips, not calls, are what a far region costs, so every call starts as soon as what it needs is
// known: who the caller is, which regions there are and the delivery role are asked at once; every
// region's listings start together as soon as the region list is in; a region's log groups as soon as
// its flow logs name them. What bounds them is where AWS throttles: calls in flight per region of the
// account (EC2 and Logs rate limits are per account and region), never one limit shared by all regions.

import type { AwsClients, CallOptions } from '../aws/api.js';
import { classifyAwsError, isAwsOrNetworkError, toFlowfixError } from '../aws/errors.js';
import { partitionOfCaller } from '../aws/regions.js';
import { permissionsBoundaryFor, type Settings } from '../config/settings.js';
import { FlowfixError, interrupted } from '../errors.js';
import { isValidRegionName } from '../facts/regions.js';
import { closestWord } from '../util/closest-word.js';
import { KeyedLimiters, type Limiter } from '../util/concurrency.js';
import type { AwsProblem, BoundaryRead, Inventory, RegionInventory, RegionRead, RoleRead } from './types.js';

/** Called when the regions are known (none done yet) and as each finishes (read or not): regions done so far, of how many, which, and in which account. */
export type InventoryProgress = (regionsDone: number, regionsTotal: number, region: string | undefined, accountId: string) => void;

export interface CollectOptions {
  progress?: InventoryProgress;
  /** Ctrl-C: regions already being read finish, no more start, and the read ends as interrupted. */
  signal?: AbortSignal;
  /** Overrides regionDeadlineMs(settings): tests shorten it. */
  regionDeadlineMs?: number;
  /** Aborted when the caller gives up on this account (its deadline, many-account runs): region reads in flight are abandoned at once. */
  stop?: AbortSignal;
}

/** The least time a region's reads get in all, retries included, before it is reported unreadable. */
export const MIN_REGION_DEADLINE_MS = 5 * 60_000;

/**
 * How long one region's reads may take in all: 5 minutes, or two attempts' worth of connect and read
 * timeouts when those were raised. Each attempt is bounded by the timeouts and the attempts are
 * counted, but a region makes several calls one after another (VPCs, subnets and flow logs, then log
 * groups, then tags), so without this a region behind a stalling endpoint could hold a run for most
 * of an hour.
 */
export function regionDeadlineMs(settings: Pick<Settings, 'connectTimeout' | 'readTimeout'>): number {
  return Math.max(MIN_REGION_DEADLINE_MS, 2 * (settings.connectTimeout + settings.readTimeout) * 1000);
}

export async function collectInventory(clients: AwsClients, settings: Settings, options: CollectOptions = {}): Promise<Inventory> {
  const deadlineMs = options.regionDeadlineMs ?? regionDeadlineMs(settings);
  // --concurrency: calls in flight per region of this account; the IAM calls of the account share one more bound.
  const limits = new KeyedLimiters(settings.concurrency);

  // The global calls go to the home region, which the caller's partition decides. The start region is
  // in that partition in all but odd set-ups, so the region list and the role are asked beside
  // GetCallerIdentity, in the start region, and asked again only if the caller turns out to be elsewhere.
  const askedIn = clients.homeRegion;
  const early = {
    regions: settled(regionsToScan(clients, settings.regions)),
    role: settled(limits.of('global').run(() => readDeliveryRole(clients, settings, deadlineMs))),
  };
  const { accountId, arn } = await clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });

  if (!/^\d{12}$/.test(accountId)) {
    // Every VPC would look shared from another account and nothing would be checked.
    throw new FlowfixError('NoAccountId', `sts:GetCallerIdentity returned no usable account id (${JSON.stringify(accountId)})`, {
      hint: 'check --endpoint-url / AWS_ENDPOINT_URL points at an AWS-compatible endpoint that implements STS',
    });
  }
  // From the caller, not from a region name: GovCloud and China credentials say so in their ARN.
  const partition = partitionOfCaller(arn);
  const moved = clients.homeRegion !== askedIn;
  const role = moved ? settled(limits.of('global').run(() => readDeliveryRole(clients, settings, deadlineMs))) : early.role;
  const regions = moved ? await regionsToScan(clients, settings.regions) : unwrap(await early.regions);

  let done = 0;
  options.progress?.(0, regions.length, undefined, accountId);
  const [regionReads, roleRead] = await Promise.all([
    Promise.all(
      regions.map(async ({ region, enabled }): Promise<RegionRead> => {
        if (!enabled) {
          options.progress?.(++done, regions.length, region, accountId);
          return { status: 'not-enabled', region };
        }
        if (options.signal?.aborted) throw interrupted();
        const result = await readRegionOrUnreadable(clients, settings, region, limits.of(region), deadlineMs, options.stop);
        options.progress?.(++done, regions.length, region, accountId);
        return result;
      }),
    ),
    role
      .then(unwrap)
      .then(async (read) => ({ read, boundary: await limits.of('global').run(() => readBoundary(clients, settings, read, partition, accountId, deadlineMs)) })),
  ]);
  return {
    accountId,
    partition,
    homeRegion: clients.homeRegion,
    regions: regionReads,
    role: roleRead.read,
    ...(roleRead.boundary ? { boundary: roleRead.boundary } : {}),
  };
}

type Settled<T> = Promise<{ ok: true; value: T } | { ok: false; error: unknown }>;

/** A promise started early whose failure is only news if its result is used (no unhandled rejection meanwhile). */
function settled<T>(promise: Promise<T>): Settled<T> {
  return promise.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );
}

function unwrap<T>(result: { ok: true; value: T } | { ok: false; error: unknown }): T {
  if (!result.ok) throw result.error;
  return result.value;
}

/**
 * Runs `read` with a signal that is aborted after `ms`: the SDK then ends the attempt in flight and
 * its retries, and the read fails at once with RegionTimeout (one line, naming the limit).
 */
async function withDeadline<T>(ms: number, where: string, read: (call: CallOptions) => Promise<T>, stop?: AbortSignal): Promise<T> {
  const deadline = new AbortController();
  // The read's own signal, aborted by the deadline or by `stop`. Listening on it rather than on `stop`
  // keeps `stop` free of one listener per region (over ten regions, Node warns of a leak on stderr).
  const signal = stop ? AbortSignal.any([stop, deadline.signal]) : deadline.signal;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<never>((_, reject) => {
    const giveUp = () =>
      reject(
        stop?.aborted
          ? stop.reason instanceof Error
            ? stop.reason
            : interrupted()
          : new FlowfixError('RegionTimeout', `gave up reading ${where} after ${formatSeconds(ms)} (AWS did not answer in time, retries included)`, {
              hint: 'check the network and proxy; --connect-timeout and --read-timeout (seconds) set the wait per attempt',
            }),
      );
    if (signal.aborted) giveUp();
    else signal.addEventListener('abort', giveUp, { once: true });
    timer = setTimeout(() => deadline.abort(), ms);
  });
  const reading = read({ signal });
  // Once the deadline has won, the read still ends (aborted): its failure is not news.
  reading.catch(() => {});
  try {
    return await Promise.race([reading, expired]);
  } finally {
    clearTimeout(timer);
  }
}

const formatSeconds = (ms: number) => (ms % 1000 === 0 ? `${ms / 1000} s` : `${(ms / 1000).toFixed(1)} s`);

/**
 * The explicit --regions list (deduplicated, in the order given) after checking each name against
 * the account's regions, or every enabled region (sorted) when no list was given. Opt-in regions are
 * per account: a region this account has not enabled is kept as 'not enabled' (with --org, another
 * account may have it), never read and never an error; a name no account could have is an error.
 */
async function regionsToScan(clients: AwsClients, wanted: string[] | undefined): Promise<{ region: string; enabled: boolean }[]> {
  let known: { enabled: string[]; disabled: string[] };
  try {
    known = await clients.listEnabledRegions();
  } catch (err) {
    // A least-privilege identity may lack ec2:DescribeRegions. With an explicit, well-formed list
    // flowfix can still go on: a wrong name then shows up as that region's error.
    if (wanted && classifyAwsError(err).kind === 'access-denied' && wanted.every(isValidRegionName)) {
      return [...new Set(wanted)].map((region) => ({ region, enabled: true }));
    }
    throw toFlowfixError(err, 'Listing the regions of the account (ec2:DescribeRegions)');
  }
  if (wanted === undefined) return known.enabled.map((region) => ({ region, enabled: true }));

  const regions = [...new Set(wanted)];
  const unknown = regions.filter((region) => !known.enabled.includes(region) && !known.disabled.includes(region));
  if (unknown.length > 0) {
    const named = unknown.map((r) => withGuess(r, [...known.enabled, ...known.disabled]));
    throw new FlowfixError('UnknownRegion', `--regions: unknown region${unknown.length > 1 ? 's' : ''} ${named.join(', ')}.`, {
      hint: `Run without --regions to scan every enabled region (${known.enabled.join(', ')}).`,
    });
  }
  return regions.map((region) => ({ region, enabled: known.enabled.includes(region) }));
}

/** `eu-wset-1 (did you mean eu-west-1?)`: a typo named with the region it is closest to. */
function withGuess(region: string, known: string[]): string {
  const guess = closestWord(region, known);
  return guess ? `${region} (did you mean ${guess}?)` : region;
}

async function readRegionOrUnreadable(
  clients: AwsClients,
  settings: Settings,
  region: string,
  limiter: Limiter,
  deadlineMs: number,
  stop?: AbortSignal,
): Promise<RegionRead> {
  try {
    return await withDeadline(deadlineMs, region, (call) => readRegion(clients, settings, region, limiter, call), stop);
  } catch (err) {
    const error = toAwsProblem(err);
    // An explicit deny by an SCP or RCP (a landing zone's region deny): the region is off limits, not unread.
    const deniedBy = err instanceof FlowfixError ? undefined : classifyAwsError(err).deniedBy;
    return deniedBy ? { status: 'denied', region, deniedBy, error } : { status: 'unreadable', region, error };
  }
}

/**
 * The region's three listings at once (each pages on its own), and its log groups as soon as the flow
 * logs name them, while VPCs and subnets may still be paging. `limiter` bounds this region's calls.
 */
async function readRegion(clients: AwsClients, settings: Settings, region: string, limiter: Limiter, call: CallOptions): Promise<RegionInventory> {
  const ec2 = clients.ec2(region);
  const flowLogs = limiter.run(() => ec2.listFlowLogs(call));
  const [vpcs, subnets, [flowLogFacts, logGroups]] = await Promise.all([
    limiter.run(() => ec2.listVpcs(call)),
    limiter.run(() => ec2.listSubnets(call)),
    flowLogs.then(async (facts) => [facts, await readLogGroups(clients, settings, region, facts, limiter, call)] as const),
  ]);
  return { status: 'read', region, vpcs, subnets, flowLogs: flowLogFacts, logGroups };
}

async function readLogGroups(
  clients: AwsClients,
  settings: Settings,
  region: string,
  flowLogs: RegionInventory['flowLogs'],
  limiter: Limiter,
  call: CallOptions,
): Promise<RegionInventory['logGroups']> {
  // Only the groups that matter: those CloudWatch flow logs deliver to (to check retention and
  // existence) and flowfix's own target. S3 and Firehose flow logs have no log group.
  const wantedGroups = flowLogs.flatMap((flowLog) => (flowLog.destinationType === 'cloud-watch-logs' && flowLog.logGroupName ? [flowLog.logGroupName] : []));
  if (settings.destination.type === 'cloud-watch-logs') wantedGroups.push(settings.destination.logGroupName);
  if (wantedGroups.length === 0) return {};
  const logs = clients.logs(region);
  const logGroups = await limiter.run(() => logs.describeLogGroups(wantedGroups, call));

  // flowfix's own group without retention is either a user's never-expire group (left alone) or one
  // flowfix created whose PutRetentionPolicy never ran (an interrupted apply): its tag tells which.
  const own = settings.destination.type === 'cloud-watch-logs' ? logGroups[settings.destination.logGroupName] : undefined;
  if (own?.arn && own.retentionInDays === undefined) {
    const arn = own.arn;
    // Unknown tags only mean "not known to be flowfix's": the group is then left as it is.
    own.tags = await limiter.run(() => logs.listTags(arn, call)).catch(() => ({}));
  }
  return logGroups;
}

/**
 * An IAM failure is recorded as 'unreadable' rather than thrown, so the plan still shows every regional
 * finding. With an S3 destination flowfix needs no delivery role, so IAM is not read at all: an identity
 * without IAM read rights should not fail an S3-only run.
 */
async function readDeliveryRole(clients: AwsClients, settings: Settings, deadlineMs: number): Promise<RoleRead> {
  if (settings.destination.type !== 'cloud-watch-logs') return { status: 'not-read' };
  const roleName = settings.roleName;
  try {
    const role = await withDeadline(deadlineMs, `the delivery role ${roleName} (IAM)`, (call) => clients.iam().getRole(roleName, call));
    return role ? { status: 'found', role } : { status: 'missing' };
  } catch (err) {
    return { status: 'unreadable', error: toAwsProblem(err) };
  }
}

/**
 * The permissions boundary delivery runs under: the one on the role found, or the one flowfix would create
 * it with. Undefined when there is none to read (no CloudWatch Logs delivery, role unknown, a role without
 * a boundary, a snapshot): nothing can be said of it.
 */
async function readBoundary(
  clients: AwsClients,
  settings: Settings,
  role: RoleRead,
  partition: string,
  accountId: string,
  deadlineMs: number,
): Promise<BoundaryRead | undefined> {
  if (role.status === 'not-read' || role.status === 'unreadable') return undefined;
  const arn = role.status === 'found' ? role.role.permissionsBoundary : permissionsBoundaryFor(settings, partition, accountId);
  if (!arn) return undefined;
  try {
    const document = await withDeadline(deadlineMs, `the permissions boundary ${arn} (IAM)`, (call) => clients.iam().getPolicyDocument(arn, call));
    return document ? { status: 'found', arn, document } : { status: 'missing', arn };
  } catch (err) {
    if (err instanceof FlowfixError && err.code === 'NotInSnapshot') return undefined;
    return { status: 'unreadable', arn, error: toAwsProblem(err) };
  }
}

/**
 * Errors from AWS (or the way to it) become data; anything else is a flowfix bug and propagates, and so
 * does Ctrl-C (a read abandoned on purpose is no fact about the region).
 */
function toAwsProblem(err: unknown): AwsProblem {
  if (err instanceof FlowfixError && err.code === 'Interrupted') throw err;
  if (err instanceof FlowfixError) return { code: err.code, message: err.message };
  if (!isAwsOrNetworkError(err)) throw err;
  const { code, message, action } = classifyAwsError(err);
  return { code, message, ...(action ? { action } : {}) };
}
