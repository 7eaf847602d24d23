// The home region for global calls. Pure: the profile's region is read elsewhere (shared-config.ts)
// and passed in, so the precedence rules can be tested as a table.

export const DEFAULT_HOME_REGION = 'us-east-1';

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
