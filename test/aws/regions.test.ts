import { isValidRegionName, partitionOf } from '../../src/facts/regions.js';
import { resolveHomeRegion } from '../../src/aws/regions.js';

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

describe('resolveHomeRegion', () => {
  const all = { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'eu-west-2' };
  it.each([
    ['the flag wins over everything', { flagRegion: 'ap-south-1', env: all, profileRegion: 'eu-west-3' }, 'ap-south-1'],
    ['AWS_REGION wins over AWS_DEFAULT_REGION and the profile', { env: all, profileRegion: 'eu-west-3' }, 'eu-west-1'],
    ['AWS_DEFAULT_REGION wins over the profile', { env: { AWS_DEFAULT_REGION: 'eu-west-2' }, profileRegion: 'eu-west-3' }, 'eu-west-2'],
    ['the profile region is used when nothing else is set', { env: {}, profileRegion: 'eu-west-3' }, 'eu-west-3'],
    ['us-east-1 is the fallback', { env: {} }, 'us-east-1'],
    ['empty values count as unset', { flagRegion: '', env: { AWS_REGION: ' ', AWS_DEFAULT_REGION: '' } }, 'us-east-1'],
  ])('GIVEN %s THEN the home region is right', (_case, sources, expected) => {
    expect(resolveHomeRegion(sources)).toBe(expected);
  });
});
