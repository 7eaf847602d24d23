import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  findHomeRegion,
  profileRegionFromConfigText,
  readProfileRegion,
  sharedConfigFilePath,
} from '../../src/aws/shared-config.js';

const CONFIG = `
# comment
[default]
region = eu-west-1
output = json

[profile prod]
s3 =
  region = not-this-one
region=ap-southeast-2 ; trailing comment

[profile  spaced]
region = sa-east-1

[sso-session corp]
region = us-west-2

[profile noregion]
output = text
`;

describe('profileRegionFromConfigText', () => {
  it.each([
    ['default', 'eu-west-1'],
    ['prod', 'ap-southeast-2'],
    ['spaced', 'sa-east-1'],
    ['noregion', undefined],
    ['missing', undefined],
    ['corp', undefined],
  ])('GIVEN profile %s THEN the region is %s', (profile, region) => {
    expect(profileRegionFromConfigText(CONFIG, profile)).toBe(region);
  });

  it('GIVEN [profile default] instead of [default] THEN it is read as the default profile', () => {
    expect(profileRegionFromConfigText('[profile default]\nregion = us-west-1\n', 'default')).toBe('us-west-1');
  });
});

describe('reading the shared config file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowfix-config-'));
    await writeFile(join(dir, 'config'), CONFIG);
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN AWS_CONFIG_FILE and AWS_PROFILE WHEN reading THEN the profile region comes from that file', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_PROFILE: 'prod' };
    await expect(readProfileRegion({ env })).resolves.toBe('ap-southeast-2');
  });

  it('GIVEN --profile and AWS_PROFILE WHEN reading THEN --profile wins', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_PROFILE: 'prod' };
    await expect(readProfileRegion({ profile: 'default', env })).resolves.toBe('eu-west-1');
  });

  it('GIVEN no config file WHEN reading THEN the region is undefined, not an error', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'does-not-exist') };
    await expect(readProfileRegion({ env })).resolves.toBeUndefined();
  });

  it('GIVEN no AWS_CONFIG_FILE THEN the file is ~/.aws/config', () => {
    expect(sharedConfigFilePath({ HOME: '/home/me' })).toBe('/home/me/.aws/config');
    expect(sharedConfigFilePath({ HOME: '/home/me', AWS_CONFIG_FILE: '~/cfg' })).toBe('/home/me/cfg');
  });

  it('GIVEN no flag or env region WHEN finding the home region THEN the profile region is used', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'config') };
    await expect(findHomeRegion({ profile: 'prod', env })).resolves.toBe('ap-southeast-2');
  });

  it('GIVEN AWS_DEFAULT_REGION WHEN finding the home region THEN the file is not needed', async () => {
    const env = { AWS_CONFIG_FILE: join(dir, 'does-not-exist'), AWS_DEFAULT_REGION: 'ca-central-1' };
    await expect(findHomeRegion({ profile: 'prod', env })).resolves.toBe('ca-central-1');
  });
});
