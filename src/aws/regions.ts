// Region names, partitions and the home region. Pure: the profile's region is read elsewhere
// (shared-config.ts) and passed in, so the precedence rules can be tested as a table.

import type { Partition } from '../inventory/types.js';

export const DEFAULT_HOME_REGION = 'us-east-1';

/** aws-cn and aws-us-gov have their own ARNs and endpoints; everything else is treated as aws. */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

// Two-letter area, one or more words, a number: us-east-1, us-gov-west-1, ap-southeast-5, cn-north-1.
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function isValidRegionName(name: string): boolean {
  return REGION_NAME.test(name);
}

export interface HomeRegionSources {
  /** --region */
  flagRegion?: string;
  env: Record<string, string | undefined>;
  /** `region` of the selected profile in the shared config file. */
  profileRegion?: string;
}

/**
 * The region for global calls (STS, IAM, DescribeRegions).
 * Order: --region, AWS_REGION, AWS_DEFAULT_REGION, the profile's region, us-east-1.
 * AWS_DEFAULT_REGION is honoured on purpose: the AWS CLI reads it and the SDK does not, and users expect
 * flowfix to behave like the CLI. Empty strings count as unset.
 */
export function resolveHomeRegion(sources: HomeRegionSources): string {
  const candidates = [
    sources.flagRegion,
    sources.env['AWS_REGION'],
    sources.env['AWS_DEFAULT_REGION'],
    sources.profileRegion,
  ];
  for (const candidate of candidates) {
    const trimmed = candidate?.trim();
    if (trimmed) return trimmed;
  }
  return DEFAULT_HOME_REGION;
}
