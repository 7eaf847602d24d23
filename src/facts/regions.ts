// Region names and partitions: AWS naming rules, pure.
import type { Partition } from './resources.js';

/**
 * The partitions flowfix works in, each with the region its global calls (STS, IAM) go to when the
 * environment names none: the region the AWS SDKs and the AWS CLI use for the partition's global endpoints.
 */
export const PARTITIONS: Readonly<Record<Partition, { defaultRegion: string }>> = {
  aws: { defaultRegion: 'us-east-1' },
  'aws-us-gov': { defaultRegion: 'us-gov-west-1' },
  'aws-cn': { defaultRegion: 'cn-north-1' },
};

export const isKnownPartition = (name: string): name is Partition => Object.hasOwn(PARTITIONS, name);

/**
 * The partition a region belongs to by its name: aws-cn and aws-us-gov have their own prefixes,
 * everything else is treated as aws. Only for naming things in a region already chosen (snapshot ARNs,
 * a first region to call STS in); the account's partition comes from its caller ARN.
 */
export function partitionOf(region: string): Partition {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

/** The partition field of an ARN (`arn:aws-us-gov:sts::…` → `aws-us-gov`), whatever it names; undefined when not an ARN. */
export function partitionOfArn(arn: string): string | undefined {
  return /^arn:([a-z][a-z0-9-]*):/.exec(arn)?.[1];
}

// Two-letter area, one or more words, a number: us-east-1, us-gov-west-1, ap-southeast-5, cn-north-1.
const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;

export function isValidRegionName(name: string): boolean {
  return REGION_NAME.test(name);
}
