// CloudWatch Logs behind the narrow LogsApi.

import type * as LogsSdk from '@aws-sdk/client-cloudwatch-logs';

import type { LogGroupFacts } from '../facts/resources.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { CallOptions, LogsApi, LogStreamFacts } from './api.js';
import { sendOptions } from './call-options.js';
import { callingAction, classifyAwsError } from './errors.js';
import type * as Sdk from './sdk.js';

// DescribeLogGroups, as documented in
// https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_DescribeLogGroups.html
// (constraints as in the service model the page is generated from; see docs/aws-facts/describe-log-groups.md):
//  - logGroupIdentifiers: 1 to 50 items; outside a cross-account monitoring account only log group
//    names of the calling account (ARNs only in a monitoring account).
//  - with logGroupIdentifiers the only other filter allowed is includeLinkedAccounts, so never a
//    logGroupNamePrefix, logGroupNamePattern or logGroupClass alongside it.
//  - limit: 1 to 50, default 50; results ASCII-sorted by name; more pages come with a nextToken.
//  - modelled errors: InvalidParameterException, ServiceUnavailableException.

/** The largest page DescribeLogStreams accepts (limit 1–50). */
export const LOG_STREAMS_MAX_PAGE_SIZE = 50;
/** The largest page DescribeLogGroups accepts. */
export const LOG_GROUPS_MAX_PAGE_SIZE = 50;
/** The most names one DescribeLogGroups takes in `logGroupIdentifiers`. */
export const LOG_GROUP_IDENTIFIERS_MAX = 50;
/** Lookups in flight per region: a region has a handful of distinct names, and Logs throttles early. */
const LOG_GROUP_LOOKUP_CONCURRENCY = 4;

// Codes that say the endpoint could not take `logGroupIdentifiers` (besides every 'invalid' kind such as
// InvalidParameterException and ValidationException): a strict deserialiser refusing an unknown member,
// and UnrecognizedClientException, which AWS uses for a bad token but flowfix has already proved its
// credentials with STS by the time it reads Logs. If it really is the credentials, the prefix lookup
// fails the same way and that error is reported: the mistake costs one call.
const IDENTIFIERS_NOT_UNDERSTOOD = new Set(['SerializationException', 'UnrecognizedClientException']);

/** True when an error answers the request shape (the parameter), not access, throttling or the network. */
export function rejectsLogGroupIdentifiers(err: unknown): boolean {
  const { kind, code } = classifyAwsError(err);
  return kind === 'invalid' || IDENTIFIERS_NOT_UNDERSTOOD.has(code);
}

export function createLogsApi(sdk: typeof Sdk, client: LogsSdk.CloudWatchLogsClient): LogsApi {
  // Set once this region's endpoint refuses logGroupIdentifiers (an older emulator); its later lookups
  // go straight to one prefix lookup per name.
  let identifiersRejected = false;

  // Up to LOG_GROUP_IDENTIFIERS_MAX names in one call, no `limit` (its default, 50, is its maximum).
  // AWS answers with just the named groups that exist, so at most 50: one page. Endpoints that ignore
  // the parameter (moto, older emulators) answer with every group of the region, so only exact names
  // are kept and pages are followed, but only until every name has been found.
  async function describeBatch(names: string[], options?: CallOptions): Promise<LogGroupFacts[]> {
    const missing = new Set(names);
    const found: LogGroupFacts[] = [];
    let nextToken: string | undefined;
    do {
      const sent: string | undefined = nextToken;
      const page = await client.send(
        new sdk.DescribeLogGroupsCommand({ logGroupIdentifiers: names, ...(sent === undefined ? {} : { nextToken: sent }) }),
        sendOptions(options),
      );
      for (const group of page.logGroups ?? []) {
        const name = group.logGroupName;
        if (name !== undefined && missing.delete(name)) found.push(toLogGroupFacts(group));
      }
      nextToken = page.nextToken;
      // An endpoint repeating the token it was sent would otherwise page forever.
      if (nextToken === sent) break;
    } while (missing.size > 0 && nextToken);
    return found;
  }

  // The fallback: one lookup per name by prefix. A prefix also matches longer names ("/a/b" finds
  // "/a/b-old"), so only the exact name is kept; groups come back sorted by name, so the exact one is
  // almost always on the first page and paging stops there.
  async function describeByPrefix(name: string, options?: CallOptions): Promise<LogGroupFacts | undefined> {
    const pages = sdk.paginateDescribeLogGroups({ client, pageSize: LOG_GROUPS_MAX_PAGE_SIZE }, { logGroupNamePrefix: name }, sendOptions(options));
    for await (const page of pages) {
      const exact = (page.logGroups ?? []).find((group) => group.logGroupName === name);
      if (exact) return toLogGroupFacts(exact);
    }
    return undefined;
  }

  async function describeEachByPrefix(names: string[], options?: CallOptions): Promise<LogGroupFacts[]> {
    const found = await mapWithConcurrency(names, LOG_GROUP_LOOKUP_CONCURRENCY, (name) => describeByPrefix(name, options));
    return found.filter((facts): facts is LogGroupFacts => facts !== undefined);
  }

  async function describeBatchOrFallBack(names: string[], options?: CallOptions): Promise<LogGroupFacts[]> {
    if (identifiersRejected) return describeEachByPrefix(names, options);
    try {
      return await describeBatch(names, options);
    } catch (err) {
      if (!rejectsLogGroupIdentifiers(err)) throw err;
      identifiersRejected = true;
      return describeEachByPrefix(names, options);
    }
  }

  return {
    // ⌈distinct names ÷ 50⌉ calls instead of one per name: accounts can hold 100k log groups, so
    // listing the region and filtering is out, and flowfix needs only the names its flow logs use.
    describeLogGroups: (names, options) =>
      callingAction('logs:DescribeLogGroups', async () => {
        const distinct = [...new Set(names)];
        const batches: string[][] = [];
        for (let i = 0; i < distinct.length; i += LOG_GROUP_IDENTIFIERS_MAX) batches.push(distinct.slice(i, i + LOG_GROUP_IDENTIFIERS_MAX));
        const found = await mapWithConcurrency(batches, LOG_GROUP_LOOKUP_CONCURRENCY, (batch) => describeBatchOrFallBack(batch, options));
        const byName: Record<string, LogGroupFacts> = {};
        for (const facts of found.flat()) byName[facts.name] = facts;
        return byName;
      }),

    createLogGroup: ({ logGroupName, kmsKeyId, tags }) =>
      callingAction('logs:CreateLogGroup', async () => {
        await client.send(new sdk.CreateLogGroupCommand({ logGroupName, kmsKeyId, tags }));
      }),

    listTags: (logGroupArn, options) =>
      callingAction('logs:ListTagsForResource', async () => {
        const output = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: logGroupArn.replace(/:\*$/, '') }), sendOptions(options));
        return { ...output.tags };
      }),

    // One page and no more: the prefix is a network interface id, whose streams are one per traffic type.
    logStreamsNamed: (logGroupName, prefix, options) =>
      callingAction('logs:DescribeLogStreams', async () => {
        const page = await client.send(
          new sdk.DescribeLogStreamsCommand({ logGroupName, logStreamNamePrefix: prefix, limit: LOG_STREAMS_MAX_PAGE_SIZE }),
          sendOptions(options),
        );
        return (page.logStreams ?? []).flatMap((stream): LogStreamFacts[] => {
          if (!stream.logStreamName) return [];
          const facts: LogStreamFacts = { name: stream.logStreamName };
          if (stream.creationTime !== undefined) facts.creationTime = stream.creationTime;
          if (stream.lastEventTimestamp !== undefined) facts.lastEventTimestamp = stream.lastEventTimestamp;
          if (stream.lastIngestionTime !== undefined) facts.lastIngestionTime = stream.lastIngestionTime;
          return [facts];
        });
      }),

    putRetentionPolicy: ({ logGroupName, retentionInDays }) =>
      callingAction('logs:PutRetentionPolicy', async () => {
        await client.send(new sdk.PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
      }),

    deleteLogGroup: ({ logGroupName }) =>
      callingAction('logs:DeleteLogGroup', async () => {
        await client.send(new sdk.DeleteLogGroupCommand({ logGroupName }));
      }),
  };
}

/** A log group as DescribeLogGroups returns it (and `aws logs describe-log-groups` prints it). */
export type LogGroupData = Pick<LogsSdk.LogGroup, 'logGroupName' | 'arn' | 'logGroupArn' | 'retentionInDays' | 'kmsKeyId' | 'storedBytes'>;

/** Shared with the offline snapshot (src/snapshot/), so both read a group the same way. */
export function toLogGroupFacts(group: LogGroupData): LogGroupFacts {
  const facts: LogGroupFacts = { name: group.logGroupName ?? '' };
  // logGroupArn is the group's ARN; `arn`, all that older responses carry, has a trailing `:*`.
  const arn = group.logGroupArn || group.arn;
  if (arn) facts.arn = arn;
  if (group.retentionInDays !== undefined) facts.retentionInDays = group.retentionInDays;
  if (group.kmsKeyId) facts.kmsKeyId = group.kmsKeyId;
  if (typeof group.storedBytes === 'number') facts.storedBytes = group.storedBytes;
  return facts;
}
