import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  listProfiles,
  loadSharedFiles,
  profileSettings,
  selectedProfileName,
  servicesSection,
  sharedConfigFilePath,
  sharedCredentialsFilePath,
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
role_arn = arn:aws:iam::123456789012:role/from-config

[profile  spaced]
region = sa-east-1

[sso-session corp]
sso_region = us-west-2

[services local]
ec2 =
  endpoint_url = http://localhost:4566

[profile noregion]
output = text
`;

const CREDENTIALS = `
[prod]
aws_access_key_id = AKIAPROD
aws_secret_access_key = secret
role_arn = arn:aws:iam::123456789012:role/from-credentials
region = us-west-1

[keys-only]
aws_access_key_id = AKIAKEYS
aws_secret_access_key = secret
`;

describe('the shared files, read with the SDK loader', () => {
  let dir: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowfix-config-'));
    await writeFile(join(dir, 'config'), CONFIG);
    await writeFile(join(dir, 'credentials'), CREDENTIALS);
    env = { AWS_CONFIG_FILE: join(dir, 'config'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials') };
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('GIVEN AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE WHEN loading THEN both files are read from there', async () => {
    const files = await loadSharedFiles(env);
    expect(files.configPath).toBe(join(dir, 'config'));
    expect(files.credentialsPath).toBe(join(dir, 'credentials'));
  });

  it('WHEN listing profiles THEN both files count, sso-session and services sections do not, and a malformed header is skipped as the SDK skips it', async () => {
    // `[profile  spaced]` (two spaces) is not a profile for the SDK's parser, so not for flowfix either.
    expect(listProfiles(await loadSharedFiles(env))).toEqual(['default', 'keys-only', 'noregion', 'prod']);
  });

  it.each([
    ['default', 'eu-west-1'],
    ['prod', 'ap-southeast-2'],
    ['noregion', undefined],
    ['keys-only', undefined],
  ])('GIVEN profile %s THEN its region setting is %s (the config file wins for settings; sub-properties are not the key)', async (profile, region) => {
    expect(profileSettings(await loadSharedFiles(env), profile, 'config')?.['region']).toBe(region);
  });

  it('GIVEN a profile in both files THEN credentials come from the credentials file and settings from the config file', async () => {
    const files = await loadSharedFiles(env);
    expect(profileSettings(files, 'prod', 'credentials')?.['role_arn']).toBe('arn:aws:iam::123456789012:role/from-credentials');
    expect(profileSettings(files, 'prod', 'config')?.['role_arn']).toBe('arn:aws:iam::123456789012:role/from-config');
    expect(profileSettings(files, 'missing', 'config')).toBeUndefined();
    expect(profileSettings(files, 'sso-session.corp', 'config')).toBeUndefined();
  });

  it('GIVEN a services section THEN its per-service sub-properties are readable', async () => {
    expect(servicesSection(await loadSharedFiles(env), 'local')?.['ec2.endpoint_url']).toBe('http://localhost:4566');
  });

  it('GIVEN a config path that exists but cannot be read as a file WHEN loading THEN one error names it, where the SDK would read it as empty', async () => {
    const error = await loadSharedFiles({ ...env, AWS_CONFIG_FILE: dir }).catch((err: unknown) => err);
    expect(error).toMatchObject({
      code: 'ConfigFileUnreadable',
      message: `cannot read the AWS shared file ${dir} (EISDIR)`,
      hint: expect.stringContaining('AWS_CONFIG_FILE'),
    });
  });

  it('GIVEN no files WHEN loading THEN there are no profiles, not an error', async () => {
    const files = await loadSharedFiles({ AWS_CONFIG_FILE: join(dir, 'nope'), AWS_SHARED_CREDENTIALS_FILE: join(dir, 'nope2') });
    expect(listProfiles(files)).toEqual([]);
  });
});

describe('file locations and the selected profile', () => {
  it('GIVEN no variables THEN the files are ~/.aws/config and ~/.aws/credentials; a leading ~ is expanded', () => {
    expect(sharedConfigFilePath({ HOME: '/home/me' })).toBe('/home/me/.aws/config');
    expect(sharedCredentialsFilePath({ HOME: '/home/me' })).toBe('/home/me/.aws/credentials');
    expect(sharedConfigFilePath({ HOME: '/home/me', AWS_CONFIG_FILE: '~/cfg' })).toBe('/home/me/cfg');
    expect(sharedCredentialsFilePath({ HOME: '/home/me', AWS_SHARED_CREDENTIALS_FILE: '/etc/creds' })).toBe('/etc/creds');
  });

  it('GIVEN --profile and AWS_PROFILE THEN --profile wins; neither means default', () => {
    expect(selectedProfileName({ profile: 'a', env: { AWS_PROFILE: 'b' } })).toBe('a');
    expect(selectedProfileName({ env: { AWS_PROFILE: 'b' } })).toBe('b');
    expect(selectedProfileName({ env: {} })).toBe('default');
  });
});
