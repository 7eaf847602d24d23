// A snapshot directory behind the same AwsClients interface as live AWS, so collectInventory reads both
// the same way and the SDK-shaped JSON goes through the live adapters' own mappers. Read-only.
import type { AwsClients, Ec2Api, IamApi, LogsApi, S3Api } from '../aws/api.js';
import { logGroupNameOf, toFlowLogFacts, toSubnetFacts, toVpcFacts } from '../aws/ec2-api.js';
import { toRoleFacts } from '../aws/iam-api.js';
import { toLogGroupFacts } from '../aws/logs-api.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { isKnownPartition, partitionOfArn, PARTITIONS } from '../facts/regions.js';
import type { FlowLogFacts, LogGroupFacts, Partition } from '../facts/resources.js';
import { readSnapshot, type Snapshot, type SnapshotRegion } from './read-snapshot.js';

/** An unknown partition reads as aws here; collectInventory reports it from the same ARN. */
function partitionOfSnapshot(snapshot: Snapshot): Partition {
  const partition = partitionOfArn(snapshot.identity.Arn) ?? 'aws';
  return isKnownPartition(partition) ? partition : 'aws';
}

/** Reads and checks the whole directory first: throws one SnapshotError naming every bad file. */
export async function openSnapshot(dir: string, settings: Settings): Promise<AwsClients> {
  return snapshotClients(await readSnapshot(dir, settings));
}

export function snapshotClients(snapshot: Snapshot): AwsClients {
  const regionOf = (region: string): SnapshotRegion => {
    const data = snapshot.regions.get(region);
    if (data) return data;
    throw new FlowfixError('SnapshotRegionMissing', `the snapshot has no data for region ${region}`, {
      hint: `capture regions/${region}/ or leave it out of --regions`,
    });
  };

  return {
    // Global calls have no region in a snapshot: the default region of the caller's partition stands
    // in, as it does live when the environment names no region.
    homeRegion: PARTITIONS[partitionOfSnapshot(snapshot)].defaultRegion,
    credentialSource: 'none: read from a snapshot directory',
    callerIdentity: async () => ({ accountId: snapshot.identity.Account, arn: snapshot.identity.Arn }),
    listEnabledRegions: async () => ({ enabled: [...snapshot.regionNames], disabled: [] }),

    ec2: (region): Ec2Api => ({
      listVpcs: async () => regionOf(region).vpcs.map(toVpcFacts),
      listSubnets: async () => regionOf(region).subnets.map(toSubnetFacts),
      listFlowLogs: async () => {
        const flowLogs: FlowLogFacts[] = [];
        for (const flowLog of regionOf(region).flowLogs) {
          const facts = toFlowLogFacts(flowLog);
          if (facts) flowLogs.push(facts);
        }
        return flowLogs;
      },
      createFlowLogs: readOnly('ec2:CreateFlowLogs'),
      deleteFlowLogs: readOnly('ec2:DeleteFlowLogs'),
      listNetworkInterfaces: notInSnapshot('ec2:DescribeNetworkInterfaces'),
    }),

    logs: (region): LogsApi => ({
      describeLogGroups: async (names) => {
        const wanted = new Set(names);
        const byName: Record<string, LogGroupFacts> = {};
        for (const group of regionOf(region).logGroups) {
          if (wanted.has(group.logGroupName)) byName[group.logGroupName] = toLogGroupFacts(group);
        }
        return byName;
      },
      // No logs-list-tags- file: the tags are unknown, which reads as "not known to be flowfix's".
      listTags: async (arn) => ({ ...regionOf(region).logGroupTags.get(logGroupNameOf(arn) ?? '') }),
      createLogGroup: readOnly('logs:CreateLogGroup'),
      putRetentionPolicy: readOnly('logs:PutRetentionPolicy'),
      deleteLogGroup: readOnly('logs:DeleteLogGroup'),
      logStreamsNamed: notInSnapshot('logs:DescribeLogStreams'),
    }),

    s3: (): S3Api => ({
      listObjects: notInSnapshot('s3:ListBucket'),
      getBucketPolicy: notInSnapshot('s3:GetBucketPolicy'),
      getOwnershipControls: notInSnapshot('s3:GetBucketOwnershipControls'),
      getEncryption: notInSnapshot('s3:GetEncryptionConfiguration'),
      putBucketPolicy: readOnly('s3:PutBucketPolicy'),
      deleteBucketPolicy: readOnly('s3:DeleteBucketPolicy'),
    }),

    iam: (): IamApi => ({
      getRole: async (name) => {
        const role = snapshot.role;
        return role && role.role.RoleName === name ? toRoleFacts(role.role, role.policies) : null;
      },
      createRole: readOnly('iam:CreateRole'),
      putRolePolicy: readOnly('iam:PutRolePolicy'),
      simulatePrincipalPolicy: async () => {
        throw new FlowfixError('SimulationUnavailable', 'a snapshot cannot simulate IAM policies', { hint: 'check permissions without --snapshot' });
      },
      roleArn: async (name) => (snapshot.role && snapshot.role.role.RoleName === name ? (snapshot.role.role.Arn ?? null) : null),
      deleteRolePolicy: readOnly('iam:DeleteRolePolicy'),
      deleteRole: readOnly('iam:DeleteRole'),
      listRoleAttachments: notInSnapshotIam('iam:ListAttachedRolePolicies'),
      getPolicyDocument: notInSnapshotIam('iam:GetPolicy'),
    }),
  };
}

/** A snapshot holds the delivery role and its inline policies only: no attachments, no managed policies. */
function notInSnapshotIam(action: string): () => Promise<never> {
  return async () => {
    throw new FlowfixError('NotInSnapshot', `${action}: a snapshot holds the delivery role and its inline policies only`, { hint: 'run without --snapshot' });
  };
}

/** Delivery is only seen live: a snapshot holds no log streams or objects. */
function notInSnapshot(action: string): () => Promise<never> {
  return async () => {
    throw new FlowfixError('SnapshotNoDelivery', `${action}: a snapshot holds no network interfaces, log streams or S3 objects`, {
      hint: 'verify delivery without --snapshot',
    });
  };
}

function readOnly(action: string): () => Promise<never> {
  return async () => {
    throw new FlowfixError('SnapshotReadOnly', `${action}: a snapshot is read-only, flowfix cannot change it`, {
      hint: 'run without --snapshot to change AWS',
    });
  };
}
