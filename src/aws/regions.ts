// The home region for global calls (STS, IAM, DescribeRegions) and the account's partition. Pure: the
// profile's region is read elsewhere (shared-config.ts) and passed in, so the rules can be tested as tables.
import { FlowfixError } from '../errors.js';
import { isKnownPartition, partitionOf, partitionOfArn, PARTITIONS } from '../facts/regions.js';
import type { Partition } from '../facts/resources.js';

export interface HomeRegionSources {
  env: Record<string, string | undefined>;
  /** `region` of the selected profile in the shared config file. */
  profileRegion?: string;
  /**
   * The regions to work in (--region / --regions), when given. Never the home region itself: only their
   * partition, whose default region STS is asked in when the environment names no region.
   */
  workRegions?: readonly string[];
}

export interface StartRegion {
  region: string;
  /** Where it came from, for messages: 'AWS_REGION', 'AWS_DEFAULT_REGION', 'profile', 'partition default'. */
  source: 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'profile' | 'partition default';
}

/**
 * The region flowfix first calls STS in (GetCallerIdentity, and AssumeRole for a role profile).
 * Order: AWS_REGION, AWS_DEFAULT_REGION, the profile's region, else the default region of the
 * partition the regions to work in belong to (us-gov-west-1 for `--region us-gov-east-1`), else us-east-1.
 * AWS_DEFAULT_REGION is honoured on purpose: the AWS CLI reads it and the SDK does not, and users expect
 * flowfix to behave like the CLI. Empty strings count as unset.
 */
export function resolveStartRegion(sources: HomeRegionSources): StartRegion {
  const candidates: [StartRegion['source'], string | undefined][] = [
    ['AWS_REGION', sources.env['AWS_REGION']],
    ['AWS_DEFAULT_REGION', sources.env['AWS_DEFAULT_REGION']],
    ['profile', sources.profileRegion],
  ];
  for (const [source, candidate] of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed) return { region: trimmed, source };
  }
  const partitions = new Set((sources.workRegions ?? []).map(partitionOf));
  const only = partitions.size === 1 ? [...partitions][0]! : 'aws';
  return { region: PARTITIONS[only].defaultRegion, source: 'partition default' };
}

/**
 * The home region once the caller's partition is known: the start region when it belongs to that
 * partition, else the partition's default region (an emulator, or a global endpoint, answered for
 * another partition than the start region's name says).
 */
export function homeRegionIn(partition: Partition, startRegion: string): string {
  return partitionOf(startRegion) === partition ? startRegion : PARTITIONS[partition].defaultRegion;
}

/**
 * The account's partition, from the caller's ARN (arn:aws-us-gov:sts::… → aws-us-gov). A partition
 * flowfix does not know (aws-iso, aws-iso-b, …) is an error naming it, never a silent `aws`: its ARNs,
 * endpoints and service principals differ.
 */
export function partitionOfCaller(arn: string): Partition {
  const partition = partitionOfArn(arn);
  if (partition === undefined) {
    throw new FlowfixError('NoCallerArn', `sts:GetCallerIdentity returned no ARN to tell the partition from (${JSON.stringify(arn)})`, {
      hint: 'check --endpoint-url / AWS_ENDPOINT_URL points at an AWS-compatible endpoint that implements STS',
    });
  }
  if (!isKnownPartition(partition)) {
    throw new FlowfixError('UnknownPartition', `the caller ${arn} is in partition ${partition}, which flowfix does not support`, {
      hint: `flowfix works in ${Object.keys(PARTITIONS).join(', ')}`,
    });
  }
  return partition;
}
