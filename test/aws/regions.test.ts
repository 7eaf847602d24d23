import { homeRegionIn, partitionOfCaller, resolveStartRegion } from '../../src/aws/regions.js';
import { isValidRegionName, partitionOf, partitionOfArn } from '../../src/facts/regions.js';

describe('partitionOf', () => {
  it.each([
    ['us-east-1', 'aws'],
    ['eu-central-2', 'aws'],
    ['ap-southeast-5', 'aws'],
    ['cn-north-1', 'aws-cn'],
    ['cn-northwest-1', 'aws-cn'],
    ['us-gov-west-1', 'aws-us-gov'],
    ['us-gov-east-1', 'aws-us-gov'],
  ])('GIVEN region %s THEN the partition is %s', (region, partition) => {
    expect(partitionOf(region)).toBe(partition);
  });
});

describe('isValidRegionName', () => {
  it.each([
    ['us-east-1', true],
    ['us-gov-west-1', true],
    ['ap-southeast-5', true],
    ['il-central-1', true],
    ['cn-north-1', true],
    ['US-EAST-1', false],
    ['us-east', false],
    ['useast1', false],
    ['us-east-1a', false],
    ['', false],
    ['us-east-1 ', false],
  ])('GIVEN %j THEN valid is %s', (name, valid) => {
    expect(isValidRegionName(name)).toBe(valid);
  });
});

describe('resolveStartRegion: where STS is first asked', () => {
  const all = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' };
  it.each([
    ['AWS_REGION wins over AWS_DEFAULT_REGION and the profile', { env: all, profileRegion: 'eu-west-3' }, 'eu-west-1', 'AWS_REGION'],
    ['AWS_DEFAULT_REGION wins over the profile', { env: { AWS_DEFAULT_REGION: 'eu-west-2' }, profileRegion: 'eu-west-3' }, 'eu-west-2', 'AWS_DEFAULT_REGION'],
    ['the profile region is used when the environment names none', { env: {}, profileRegion: 'eu-west-3' }, 'eu-west-3', 'profile'],
    ['us-east-1 is the fallback', { env: {} }, 'us-east-1', 'partition default'],
    ['empty values count as unset', { env: { AWS_REGION: ' ', AWS_DEFAULT_REGION: '' } }, 'us-east-1', 'partition default'],
    ['the environment wins over the regions to work in', { env: all, workRegions: ['us-gov-east-1'] }, 'eu-west-1', 'AWS_REGION'],
    [
      'GovCloud regions to work in, nothing else: the GovCloud default, not the region given',
      { env: {}, workRegions: ['us-gov-east-1'] },
      'us-gov-west-1',
      'partition default',
    ],
    ['China regions to work in: the China default', { env: {}, workRegions: ['cn-northwest-1'] }, 'cn-north-1', 'partition default'],
    ['regions of two partitions: us-east-1', { env: {}, workRegions: ['cn-north-1', 'eu-west-1'] }, 'us-east-1', 'partition default'],
    ['commercial regions to work in: us-east-1, not eu-central-1', { env: {}, workRegions: ['eu-central-1'] }, 'us-east-1', 'partition default'],
  ])('GIVEN %s THEN STS is first asked in the right region', (_case, sources, region, source) => {
    expect(resolveStartRegion(sources)).toEqual({ region, source });
  });
});

describe("the home region once the caller's partition is known", () => {
  it.each([
    ['aws', 'eu-west-1', 'eu-west-1'],
    ['aws-us-gov', 'us-gov-east-1', 'us-gov-east-1'],
    ['aws-us-gov', 'us-east-1', 'us-gov-west-1'],
    ['aws-cn', 'us-east-1', 'cn-north-1'],
    ['aws', 'cn-north-1', 'us-east-1'],
  ] as const)('GIVEN partition %s and start region %s THEN the home region is %s', (partition, start, home) => {
    expect(homeRegionIn(partition, start)).toBe(home);
  });
});

describe('partitionOfCaller', () => {
  it.each([
    ['arn:aws:iam::123456789012:user/me', 'aws'],
    ['arn:aws-us-gov:sts::123456789012:assumed-role/r/s', 'aws-us-gov'],
    ['arn:aws-cn:iam::123456789012:root', 'aws-cn'],
  ])('GIVEN %s THEN %s', (arn, partition) => {
    expect(partitionOfCaller(arn)).toBe(partition);
  });

  it.each([
    ['arn:aws-iso:iam::123456789012:user/me', /partition aws-iso,/],
    ['arn:aws-iso-f:iam::123456789012:user/me', /partition aws-iso-f,/],
    ['not-an-arn', /no ARN/],
  ])('GIVEN %s THEN an error names the problem', (arn, message) => {
    expect(() => partitionOfCaller(arn)).toThrow(message);
  });

  it('GIVEN text that is not an ARN THEN partitionOfArn says nothing', () => {
    expect(partitionOfArn('arn:')).toBeUndefined();
    expect(partitionOfArn('arn:aws-us-gov:iam::1:root')).toBe('aws-us-gov');
  });
});
