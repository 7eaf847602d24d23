// CloudWatch Logs behind the narrow LogsApi.

import type * as LogsSdk from '@aws-sdk/client-cloudwatch-logs';
import type { LogGroupFacts } from '../inventory/types.js';
import { mapWithConcurrency } from '../util/concurrency.js';
import type { LogsApi } from './api.js';
import { callingAction } from './errors.js';

/** The largest page DescribeLogGroups accepts. */
export const LOG_GROUPS_MAX_PAGE_SIZE = 50;
/** Lookups in flight per region: a region has a handful of distinct names, and Logs throttles early. */
const LOG_GROUP_LOOKUP_CONCURRENCY = 4;

export function createLogsApi(sdk: typeof LogsSdk, client: LogsSdk.CloudWatchLogsClient): LogsApi {
  // Looks each name up by prefix instead of listing every group of the region and filtering: accounts
  // can have 100k log groups (2,000 pages of 50), while flowfix needs a handful of names. A prefix
  // also matches longer names ("/a/b" finds "/a/b-old"), so only the exact name is kept.
  async function describeLogGroup(name: string): Promise<LogGroupFacts | undefined> {
    const pages = sdk.paginateDescribeLogGroups(
      { client, pageSize: LOG_GROUPS_MAX_PAGE_SIZE },
      { logGroupNamePrefix: name },
    );
    for await (const page of pages) {
      const exact = (page.logGroups ?? []).find((group) => group.logGroupName === name);
      // Groups come back sorted by name, so the exact one is almost always on the first page; stop
      // as soon as it is found instead of paging through every longer name.
      if (exact) return toLogGroupFacts(exact);
    }
    return undefined;
  }

  return {
    describeLogGroups: (names) =>
      callingAction('logs:DescribeLogGroups', async () => {
        const distinct = [...new Set(names)];
        const found = await mapWithConcurrency(distinct, LOG_GROUP_LOOKUP_CONCURRENCY, describeLogGroup);
        const byName: Record<string, LogGroupFacts> = {};
        for (const facts of found) if (facts) byName[facts.name] = facts;
        return byName;
      }),

    createLogGroup: ({ logGroupName, kmsKeyId, tags }) =>
      callingAction('logs:CreateLogGroup', async () => {
        await client.send(new sdk.CreateLogGroupCommand({ logGroupName, kmsKeyId, tags }));
      }),

    listTags: (logGroupArn) =>
      callingAction('logs:ListTagsForResource', async () => {
        const output = await client.send(new sdk.ListTagsForResourceCommand({ resourceArn: logGroupArn.replace(/:\*$/, '') }));
        return { ...output.tags };
      }),

    putRetentionPolicy: ({ logGroupName, retentionInDays }) =>
      callingAction('logs:PutRetentionPolicy', async () => {
        await client.send(new sdk.PutRetentionPolicyCommand({ logGroupName, retentionInDays }));
      }),
  };
}

/** A log group as DescribeLogGroups returns it (and `aws logs describe-log-groups` prints it). */
export type LogGroupData = Pick<LogsSdk.LogGroup, 'logGroupName' | 'arn' | 'logGroupArn' | 'retentionInDays' | 'kmsKeyId'>;

/** Shared with the offline snapshot (src/snapshot/), so both read a group the same way. */
export function toLogGroupFacts(group: LogGroupData): LogGroupFacts {
  const facts: LogGroupFacts = { name: group.logGroupName ?? '' };
  // logGroupArn is the group's ARN; `arn`, all that older responses carry, has a trailing `:*`.
  const arn = group.logGroupArn || group.arn;
  if (arn) facts.arn = arn;
  if (group.retentionInDays !== undefined) facts.retentionInDays = group.retentionInDays;
  if (group.kmsKeyId) facts.kmsKeyId = group.kmsKeyId;
  return facts;
}
