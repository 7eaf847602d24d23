// Writes an account out as a snapshot directory the way the capture script in examples/README.md does
// with the AWS CLI: the same API calls (served by whatever fake is installed), every page, printed as
// JSON with the CLI's changes to the SDK output: no $metadata or page tokens, and IAM policy documents
// decoded into objects.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import * as logs from '@aws-sdk/client-cloudwatch-logs';
import * as ec2 from '@aws-sdk/client-ec2';
import * as iam from '@aws-sdk/client-iam';
import * as sts from '@aws-sdk/client-sts';

import { logGroupTagsFile } from '../../src/snapshot/read-snapshot.js';
import { FAKE_CREDENTIALS } from './mock-aws-sdk.js';

export interface SnapshotDumpOptions {
  homeRegion: string;
  roleName: string;
  /** flowfix's log group: its tags are captured, as the script does. */
  logGroupName: string;
}

export async function writeSnapshotOf(dir: string, { homeRegion, roleName, logGroupName }: SnapshotDumpOptions): Promise<void> {
  const config = (region: string) => ({ region, credentials: FAKE_CREDENTIALS });
  const write = async (relative: string, output: object) => {
    await mkdir(path.dirname(path.join(dir, relative)), { recursive: true });
    const { $metadata: _metadata, ...printed } = output as { $metadata?: unknown };
    await writeFile(path.join(dir, relative), `${JSON.stringify(printed, null, 4)}\n`);
  };

  // aws sts get-caller-identity
  await write('sts-get-caller-identity.json', await new sts.STSClient(config(homeRegion)).send(new sts.GetCallerIdentityCommand({})));

  // aws iam get-role / list-role-policies / get-role-policy; a missing role leaves no file.
  const iamClient = new iam.IAMClient(config(homeRegion));
  const role = await iamClient.send(new iam.GetRoleCommand({ RoleName: roleName })).catch((error: { name?: string }) => {
    if (error.name === 'NoSuchEntityException') return undefined;
    throw error;
  });
  if (role?.Role) {
    await write('iam-get-role.json', { Role: { ...role.Role, AssumeRolePolicyDocument: decoded(role.Role.AssumeRolePolicyDocument) } });
    for await (const page of iam.paginateListRolePolicies({ client: iamClient }, { RoleName: roleName })) {
      for (const policyName of page.PolicyNames ?? []) {
        const policy = await iamClient.send(new iam.GetRolePolicyCommand({ RoleName: roleName, PolicyName: policyName }));
        await write(`iam-get-role-policy-${policyName}.json`, { ...policy, PolicyDocument: decoded(policy.PolicyDocument) });
      }
    }
  }

  // aws ec2 describe-regions, then per region describe-vpcs / -subnets / -flow-logs, logs describe-log-groups
  const regions = await new ec2.EC2Client(config(homeRegion)).send(new ec2.DescribeRegionsCommand({}));
  for (const { RegionName: region } of regions.Regions ?? []) {
    if (!region) continue;
    const out = (file: string) => path.join('regions', region, file);
    const ec2Client = { client: new ec2.EC2Client(config(region)) };
    await write(out('ec2-describe-vpcs.json'), { Vpcs: await all(ec2.paginateDescribeVpcs(ec2Client, {}), (page) => page.Vpcs) });
    await write(out('ec2-describe-subnets.json'), { Subnets: await all(ec2.paginateDescribeSubnets(ec2Client, {}), (page) => page.Subnets) });
    await write(out('ec2-describe-flow-logs.json'), { FlowLogs: await all(ec2.paginateDescribeFlowLogs(ec2Client, {}), (page) => page.FlowLogs) });

    const logsClient = new logs.CloudWatchLogsClient(config(region));
    const logGroups = await all(logs.paginateDescribeLogGroups({ client: logsClient }, {}), (page) => page.logGroups);
    await write(out('logs-describe-log-groups.json'), { logGroups });
    // aws logs list-tags-for-resource --resource-arn <flowfix's group>
    const own = logGroups.find((group) => group.logGroupName === logGroupName);
    if (own?.logGroupArn) {
      const tags = await logsClient.send(new logs.ListTagsForResourceCommand({ resourceArn: own.logGroupArn }));
      await write(out(logGroupTagsFile(logGroupName)), tags);
    }
  }
}

async function all<P, T>(pages: AsyncIterable<P>, items: (page: P) => T[] | undefined): Promise<T[]> {
  const list: T[] = [];
  for await (const page of pages) for (const item of items(page) ?? []) list.push(item);
  return list;
}

/** The CLI prints IAM's URL-encoded policy documents as JSON objects. */
function decoded(document: string | undefined): unknown {
  return document === undefined ? undefined : JSON.parse(decodeURIComponent(document));
}
