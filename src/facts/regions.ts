// Region names and partitions: AWS naming rules, pure.
import type { Partition } from './resources.js';

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
