// What woke the guard (deploy/cloudformation/flowfix-guard.yaml), read from the EventBridge event: a
// CloudTrail record of CreateVpc, CreateSubnet or DeleteFlowLogs, or the daily schedule. Pure: the event
// is data from outside, so only ids of the expected shape are taken from it and nothing else steers a run.
import { isValidRegionName } from '../facts/regions.js';

/** The CloudTrail calls the stack's rule forwards; anything else is ignored (and said so in the log). */
export const GUARDED_EVENT_NAMES = ['CreateVpc', 'CreateSubnet', 'DeleteFlowLogs'] as const;
export type GuardedEventName = (typeof GUARDED_EVENT_NAMES)[number];

export type GuardTrigger =
  | { kind: 'cloudtrail'; eventName: GuardedEventName; region: string; eventId?: string; actor?: string; resourceIds: string[]; deletedFlowLogIds: string[] }
  | { kind: 'schedule'; region: string }
  | { kind: 'ignored'; reason: string };

const ID = { vpc: /^vpc-[0-9a-f]{8,17}$/, subnet: /^subnet-[0-9a-f]{8,17}$/, flowLog: /^fl-[0-9a-f]{8,17}$/ } as const;
const ARN = /^arn:aws[\w-]*:[\w-]+:[\w-]*:\d{12}:[\w+=,.@/:-]{1,512}$/;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
const isObject = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Every string in `value` that matches `pattern`, however deeply nested: CloudTrail's request and
 * response shapes for EC2's query API vary (lists arrive as `{ items: [...] }` or `{ content, tag }`).
 */
function idsIn(value: unknown, pattern: RegExp, found = new Set<string>(), depth = 0): Set<string> {
  if (depth > 12 || found.size >= 1000) return found;
  if (typeof value === 'string') {
    if (pattern.test(value)) found.add(value);
  } else if (Array.isArray(value)) {
    for (const item of value) idsIn(item, pattern, found, depth + 1);
  } else if (isObject(value)) {
    for (const item of Object.values(value)) idsIn(item, pattern, found, depth + 1);
  }
  return found;
}

const stringField = (o: Record<string, Json>, key: string): string | undefined => (typeof o[key] === 'string' ? (o[key] as string) : undefined);

/** The guard's reading of one EventBridge event; `ownRegion` is where the function runs (its stack's region). */
export function guardTrigger(event: unknown, ownRegion: string): GuardTrigger {
  if (!isObject(event)) return { kind: 'ignored', reason: 'not an EventBridge event (expected a JSON object)' };
  const detailType = stringField(event, 'detail-type');
  const region = stringField(event, 'region') ?? ownRegion;
  if (!isValidRegionName(region)) return { kind: 'ignored', reason: 'the event names no valid region' };
  // An event from another region would make this stack work outside the region it was deployed for.
  if (region !== ownRegion) return { kind: 'ignored', reason: `the event is from ${region}; this guard covers ${ownRegion}` };
  if (detailType === 'Scheduled Event' && stringField(event, 'source') === 'aws.events') return { kind: 'schedule', region };
  if (detailType !== 'AWS API Call via CloudTrail' || stringField(event, 'source') !== 'aws.ec2') {
    return { kind: 'ignored', reason: 'neither the daily schedule nor an EC2 call recorded by CloudTrail' };
  }
  const detail = isObject(event['detail']) ? event['detail'] : {};
  const eventName = stringField(detail, 'eventName');
  if (!GUARDED_EVENT_NAMES.includes(eventName as GuardedEventName)) return { kind: 'ignored', reason: 'an EC2 call the guard does not act on' };
  // A call that failed created or deleted nothing.
  if (stringField(detail, 'errorCode') !== undefined) return { kind: 'ignored', reason: `${eventName} failed, so it changed nothing` };
  const identity = isObject(detail['userIdentity']) ? detail['userIdentity'] : {};
  const actor = stringField(identity, 'arn');
  const eventId = stringField(detail, 'eventID');
  const response = detail['responseElements'];
  const resourceIds =
    eventName === 'CreateVpc' ? [...idsIn(response, ID.vpc)] : eventName === 'CreateSubnet' ? [...idsIn(response, ID.subnet), ...idsIn(response, ID.vpc)] : [];
  const deletedFlowLogIds = eventName === 'DeleteFlowLogs' ? [...idsIn(detail['requestParameters'], ID.flowLog)] : [];
  return {
    kind: 'cloudtrail',
    eventName: eventName as GuardedEventName,
    region,
    ...(eventId && /^[\w-]{1,64}$/.test(eventId) ? { eventId } : {}),
    ...(actor && ARN.test(actor) ? { actor } : {}),
    resourceIds,
    deletedFlowLogIds,
  };
}
