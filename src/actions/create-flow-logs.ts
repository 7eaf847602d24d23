// ec2:CreateFlowLogs: up to 1000 VPCs or subnets of one region per call, to CloudWatch Logs or S3.
import { createHash } from 'node:crypto';
import * as z from 'zod';

import type { CreateFlowLogsResult } from '../aws/api.js';
import type { FlowLogOptions } from '../config/settings.js';
import { s3DestinationArn } from '../facts/arns.js';
import { DEFAULT_LOG_FORMAT, FILE_FORMATS, recordsEveryField } from '../facts/flow-log-format.js';
import { VPC_OR_SUBNET_ID, type FlowLogFacts } from '../facts/resources.js';
import { readRegion, type RegionInventory } from '../inventory/types.js';
import { flowLogCounts } from '../rules/flow-logs.js';
import { canonicalJson } from '../util/canonical-json.js';
import { groupBy } from '../util/collections.js';
import { BLOCKER, defineActionKind, requestTagContext, type Because, type LiveVerdict } from './action-kind.js';
import { awsTags, logGroupName } from './schemas.js';

/** The most ids CreateFlowLogs takes in one call. */
export const MAX_IDS_PER_CREATE_FLOW_LOGS = 1000;

const resourceId = z.string().regex(VPC_OR_SUBNET_ID, 'is not a VPC or subnet id');

const inputSchema = z
  .strictObject({
    ResourceType: z.enum(['VPC', 'Subnet']),
    ResourceIds: z.array(resourceId).min(1).max(MAX_IDS_PER_CREATE_FLOW_LOGS),
    TrafficType: z.enum(['REJECT', 'ALL']),
    LogDestinationType: z.enum(['cloud-watch-logs', 's3']),
    LogGroupName: logGroupName.optional(),
    LogDestination: z.string().optional(),
    DeliverLogsPermissionArn: z.string().optional(),
    LogFormat: z.string().optional(),
    MaxAggregationInterval: z.union([z.literal(60), z.literal(600)]).optional(),
    /** S3 only. */
    DestinationOptions: z
      .strictObject({
        FileFormat: z.enum(FILE_FORMATS).optional(),
        HiveCompatiblePartitions: z.boolean().optional(),
        PerHourPartition: z.boolean().optional(),
      })
      .optional(),
    TagSpecifications: z.array(z.strictObject({ ResourceType: z.literal('vpc-flow-log'), Tags: awsTags })),
    /** Derived from the plan so a retried call cannot create a second flow log. */
    ClientToken: z.string().min(1).max(64),
  })
  .refine((input) => input.ResourceIds.every((id) => id.startsWith(input.ResourceType === 'VPC' ? 'vpc-' : 'subnet-')), {
    message: 'ResourceIds must all be of the ResourceType',
    path: ['ResourceIds'],
  });

export type CreateFlowLogsInput = z.infer<typeof inputSchema>;

const PASS_ROLE_HINT = 'grant ec2:CreateFlowLogs, ec2:CreateTags and iam:PassRole on the delivery role (policies/operator-apply.json)';
const s3Hint = (bucket: string) =>
  `grant ec2:CreateFlowLogs and ec2:CreateTags (policies/operator-apply.json), and logs:CreateLogDelivery, logs:DeleteLogDelivery and ` +
  `s3:GetBucketPolicy/s3:PutBucketPolicy on ${bucket} (policies/operator-apply-s3.json with BucketName ${bucket}); or give bucket ${bucket} ` +
  `a policy that lets delivery.logs.amazonaws.com s3:PutObject under AWSLogs/ and s3:GetBucketAcl`;

export const createFlowLogs = defineActionKind({
  kind: 'create-flow-logs',
  service: 'ec2',
  operation: 'CreateFlowLogs',
  global: false,
  counted: { noun: 'flow log', nouns: 'flow logs', verb: 'create' },
  inputSchema,
  targets: (input) => input.ResourceIds,
  describe: (input) => {
    const n = input.ResourceIds.length;
    const noun = input.ResourceType === 'VPC' ? 'VPC' : 'subnet';
    const to = input.LogDestinationType === 's3' ? s3UrlOf(input.LogDestination ?? '') : `cloud-watch-logs:${input.LogGroupName}`;
    return `Create ${input.TrafficType} flow logs for ${n} ${noun}${n === 1 ? '' : 's'} → ${to}`;
  },
  // CreateFlowLogs is authorized on the new flow log and on each VPC or subnet it watches (Service
  // Authorization Reference, Amazon EC2: resource types vpc-flow-log, vpc, subnet): a grant scoped to
  // those ARNs is judged as AWS judges it.
  permissions: (input, scope) => {
    const ec2Arn = (type: string, id: string) => `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:${type}/${id}`;
    const needs = [ec2Arn('vpc-flow-log', '*'), ...input.ResourceIds.map((id) => ec2Arn(input.ResourceType === 'VPC' ? 'vpc' : 'subnet', id))].map(
      (resource) => ({
        action: 'ec2:CreateFlowLogs',
        resource,
      }),
    );
    // Tag-on-create needs ec2:CreateTags only when a tag is actually sent.
    if (input.TagSpecifications.some((spec) => spec.Tags.length > 0)) {
      needs.push({ action: 'ec2:CreateTags', resource: `arn:${scope.partition}:ec2:${scope.region}:${scope.accountId}:vpc-flow-log/*` });
    }
    if (input.DeliverLogsPermissionArn) needs.push({ action: 'iam:PassRole', resource: input.DeliverLogsPermissionArn });
    if (input.LogDestinationType === 's3') {
      needs.push({ action: 'logs:CreateLogDelivery', resource: '*' }, { action: 'logs:DeleteLogDelivery', resource: '*' });
      // AWS adds its delivery statement to the bucket policy with the caller's rights when it is missing.
      const bucket = `arn:${scope.partition}:s3:::${bucketOf(input.LogDestination ?? '')}`;
      needs.push({ action: 's3:GetBucketPolicy', resource: bucket }, { action: 's3:PutBucketPolicy', resource: bucket });
    }
    return needs;
  },
  requestContext: (input, { action }) => {
    const tags = Object.fromEntries(input.TagSpecifications.flatMap((spec) => spec.Tags).map((t) => [t.Key, t.Value]));
    if (action === 'iam:PassRole') return [{ key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] }];
    if (action === 'ec2:CreateTags') return [{ key: 'ec2:CreateAction', values: ['CreateFlowLogs'] }, ...requestTagContext(tags)];
    return action === 'ec2:CreateFlowLogs' ? requestTagContext(tags) : [];
  },
  reconcile: (action, live) => {
    const region = readRegion(live, action.region);
    const index = region ? indexOf(region) : { resourceIds: new Set<string>(), flowLogsOf: new Map<string, FlowLogFacts[]>() };
    const replacing = replacedResources(action.because);
    return action.input.ResourceIds.map((id): LiveVerdict => {
      if (!index.resourceIds.has(id)) return { status: 'skipped', detail: `${id} no longer exists in ${action.region}` };
      const verdict = existingFlowLogVerdict(index.flowLogsOf.get(id) ?? [], action.input, false, replacing.has(id));
      if (verdict.kind === 'working') return { status: 'already-done', detail: `has working flow log ${verdict.flowLogId}` };
      if (verdict.kind === 'blocking') return { status: 'failed', code: 'FlowLogAlreadyExists', message: verdict.message };
      return { status: 'todo' };
    });
  },
  send: (clients, region, input): Promise<CreateFlowLogsResult> => clients.ec2(region).createFlowLogs(input),
  // A flow log that counts now is the one sent (reconcile found none before it).
  tookEffect: async (clients, region, input, targets, because) => {
    const flowLogsOf = groupBy(await clients.ec2(region).listFlowLogs(), (f) => f.resourceId);
    const replacing = replacedResources(because);
    return targets.filter((id) => existingFlowLogVerdict(flowLogsOf.get(id) ?? [], input, false, replacing.has(id)).kind === 'working');
  },
  // S3 delivery needs no role, so never the PassRole hint: the bucket's side is what is usually missing.
  deniedHint: (input) => (input.LogDestinationType === 'cloud-watch-logs' ? PASS_ROLE_HINT : s3Hint(bucketOf(input.LogDestination ?? ''))),
  // To CloudWatch Logs it delivers through the role into flowfix's group; to S3 it needs neither.
  blockedBy: (input, region) => (input.LogDestinationType === 's3' ? [] : [BLOCKER.roleNotReady, BLOCKER.logGroupMissing(region)]),
  needsPrerequisitesIn: (input, region) => (input.LogDestinationType === 'cloud-watch-logs' ? [region, 'global'] : [region]),
  forTargets: (input, targets) => ({ ...input, ResourceIds: targets }),
});

/** arn:aws:s3:::bucket/prefix/ → bucket. */
export const bucketOf = (arn: string): string => arn.replace(/^arn:[^:]+:s3:::/, '').split('/')[0]!;

export { s3DestinationArn };

/** arn:aws:s3:::bucket/prefix/ → s3://bucket/prefix/ (the way users write it). */
export function s3UrlOf(arn: string): string {
  const path = arn.replace(/^arn:[^:]+:s3:::/, '');
  return `s3://${path.includes('/') ? path : `${path}/`}`;
}

interface RegionIndex {
  resourceIds: Set<string>;
  flowLogsOf: Map<string, FlowLogFacts[]>;
}

// Built once per region and reused by every batch, so reconciling stays linear in the estate size.
const regionIndexes = new WeakMap<RegionInventory, RegionIndex>();

function indexOf(region: RegionInventory): RegionIndex {
  let index = regionIndexes.get(region);
  if (!index) {
    index = {
      resourceIds: new Set([...region.vpcs.map((v) => v.vpcId), ...region.subnets.map((s) => s.subnetId)]),
      flowLogsOf: groupBy(region.flowLogs, (f) => f.resourceId),
    };
    regionIndexes.set(region, index);
  }
  return index;
}

export type ExistingFlowLogVerdict = { kind: 'working'; flowLogId: string } | { kind: 'blocking'; message: string } | { kind: 'none' };

/**
 * The resources whose flow log the action replaces (because missing-fields): there the flow log already
 * watching does not make the work done, only one recording the new LogFormat's fields does.
 */
export const replacedResources = (because: Because[]): Set<string> => new Set(because.filter((b) => b.kind === 'missing-fields').flatMap((b) => b.resourceIds));

/**
 * What the flow logs already on a resource mean for creating this one. One that counts makes it done.
 * A non-working one AWS would call identical (same destination and traffic type) blocks it: AWS
 * refuses a second one, so a person must delete it. After AWS has actually answered
 * FlowLogAlreadyExists, any flow log to the same destination is taken as the reason (some emulators
 * ignore the traffic type when comparing).
 */
export function existingFlowLogVerdict(
  flowLogs: FlowLogFacts[],
  input: CreateFlowLogsInput,
  awsSaidAlreadyExists = false,
  replacing = false,
): ExistingFlowLogVerdict {
  if (replacing) return replacementVerdict(flowLogs, input, awsSaidAlreadyExists);
  const working = flowLogs.find(flowLogCounts);
  if (working) return { kind: 'working', flowLogId: working.flowLogId };
  const destination = input.LogGroupName ?? input.LogDestination;
  const blocking = flowLogs.find((f) => (f.logGroupName ?? f.destination) === destination && (awsSaidAlreadyExists || f.trafficType === input.TrafficType));
  if (!blocking) return { kind: 'none' };
  const why =
    blocking.deliverLogsStatus === 'FAILED'
      ? `its delivery FAILED (${blocking.deliverLogsErrorMessage ?? 'no message'})`
      : `it is ${blocking.status} and captures ${blocking.trafficType}`;
  return {
    kind: 'blocking',
    message: `flow log ${blocking.flowLogId} to ${destination} already exists but ${why}; delete it (aws ec2 delete-flow-logs --flow-log-ids ${blocking.flowLogId}) or choose another destination, then re-run`,
  };
}

/**
 * For a replacement: done once a counting flow log records the new format's fields. AWS answering
 * FlowLogAlreadyExists means it takes the old flow log to the same destination for a duplicate whatever
 * the format (an endpoint that compares destinations only): nothing flowfix can send fixes that, and the
 * old flow log stays, so the resource stays logged.
 */
function replacementVerdict(flowLogs: FlowLogFacts[], input: CreateFlowLogsInput, awsSaidAlreadyExists: boolean): ExistingFlowLogVerdict {
  const format = input.LogFormat ?? DEFAULT_LOG_FORMAT;
  const done = flowLogs.find((f) => flowLogCounts(f) && recordsEveryField(f.logFormat, format));
  if (done) return { kind: 'working', flowLogId: done.flowLogId };
  if (!awsSaidAlreadyExists) return { kind: 'none' };
  const destination = input.LogGroupName ?? input.LogDestination;
  const old = flowLogs.find((f) => (f.logGroupName ?? f.destination ?? '').replace(/\/+$/, '') === (destination ?? '').replace(/\/+$/, ''));
  return {
    kind: 'blocking',
    message: `AWS refuses a second flow log to ${destination} on this resource while ${old ? `flow log ${old.flowLogId}` : 'the old one'} delivers there (FlowLogAlreadyExists), whatever its format; the old one is kept, so the resource stays logged. To replace it, delete it and create one with the fields (a gap in logging), or deliver to another destination (README: Replacing flow logs that lack fields)`,
  };
}

/**
 * The CreateFlowLogs parameters for `options`, each left out when not set, so a plan without options
 * sends (and a saved plan holds) exactly what it did before them. DestinationOptions only for S3.
 */
function optionParameters(options: FlowLogOptions, toS3: boolean) {
  const destinationOptions = {
    ...(options.fileFormat ? { FileFormat: options.fileFormat } : {}),
    ...(options.hiveCompatiblePartitions ? { HiveCompatiblePartitions: true } : {}),
    ...(options.perHourPartition ? { PerHourPartition: true } : {}),
  };
  return {
    ...(options.logFormat ? { LogFormat: options.logFormat } : {}),
    ...(options.maxAggregationInterval ? { MaxAggregationInterval: options.maxAggregationInterval } : {}),
    ...(toS3 && Object.keys(destinationOptions).length > 0 ? { DestinationOptions: destinationOptions } : {}),
  };
}

/** Where new flow logs go, as CreateFlowLogs parameters. */
export type FlowLogDestination =
  { type: 'cloud-watch-logs'; logGroupName: string; roleArn: string } | { type: 's3'; bucket: string; prefix: string; partition: string };

export function buildCreateFlowLogs(
  scope: { accountId: string; region: string },
  resourceType: 'VPC' | 'Subnet',
  resourceIds: string[],
  trafficType: 'REJECT' | 'ALL',
  destination: FlowLogDestination,
  tags: { Key: string; Value: string }[],
  because: Because[],
  options: FlowLogOptions = {},
) {
  const common = {
    ResourceType: resourceType,
    ResourceIds: resourceIds,
    TrafficType: trafficType,
    ...optionParameters(options, destination.type === 's3'),
    TagSpecifications: [{ ResourceType: 'vpc-flow-log' as const, Tags: tags }],
  };
  const input =
    destination.type === 's3'
      ? {
          ...common,
          LogDestinationType: 's3' as const,
          LogDestination: s3DestinationArn(destination.partition, destination.bucket, destination.prefix),
        }
      : { ...common, LogDestinationType: 'cloud-watch-logs' as const, LogGroupName: destination.logGroupName, DeliverLogsPermissionArn: destination.roleArn };
  return { kind: 'create-flow-logs' as const, region: scope.region, because, input: { ...input, ClientToken: deriveClientToken(scope, input) } };
}

/** Same request → same token, so a retried or re-run call cannot create a second flow log. */
function deriveClientToken(scope: { accountId: string; region: string }, input: object): string {
  const digest = createHash('sha256')
    .update(`${scope.accountId}|${scope.region}|${canonicalJson(input)}`)
    .digest('hex');
  return `flowfix-${digest.slice(0, 56)}`;
}
