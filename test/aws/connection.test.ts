import { profileEndpoints, resolveConnection, retrySettings, type ConnectionInput } from '../../src/aws/connection.js';
import type { SharedFiles } from '../../src/aws/shared-config.js';
import { FlowfixError } from '../../src/errors.js';

/** Sections as the SDK's loader returns them (config file: profile names without the `profile ` prefix). */
function files(config: SharedFiles['config'] = {}, credentials: SharedFiles['credentials'] = {}): SharedFiles {
  return { configPath: '/home/me/.aws/config', credentialsPath: '/home/me/.aws/credentials', config, credentials };
}

const KEYS = { AWS_ACCESS_KEY_ID: 'AKIAENV', AWS_SECRET_ACCESS_KEY: 'env-secret' };
const STANDARD = files(
  {
    default: { region: 'eu-west-1' },
    prod: { region: 'eu-central-1' },
    admin: { role_arn: 'arn:aws:iam::1:role/Admin', source_profile: 'base', mfa_serial: 'arn:aws:iam::1:mfa/me' },
  },
  { base: { aws_access_key_id: 'AKIABASE', aws_secret_access_key: 's' }, prod: { aws_access_key_id: 'AKIAPROD', aws_secret_access_key: 's' } },
);
const connect = (over: Partial<ConnectionInput>) => resolveConnection({ env: {}, files: STANDARD, canAskMfa: false, ...over });

describe('whose credentials', () => {
  it.each([
    ['nothing selected', {}, { kind: 'chain' }, []],
    ['--profile', { profileFlag: 'prod' }, { kind: 'chain', profile: 'prod' }, []],
    ['AWS_PROFILE', { env: { AWS_PROFILE: 'prod' } }, { kind: 'chain', profile: 'prod' }, []],
    ['--profile over AWS_PROFILE', { profileFlag: 'prod', env: { AWS_PROFILE: 'base' } }, { kind: 'chain', profile: 'prod' }, []],
    [
      "keys alone: the keys, taken from the Io's environment",
      { env: KEYS },
      { kind: 'environment', accessKeyId: 'AKIAENV', secretAccessKey: 'env-secret' },
      [],
    ],
    ['keys and --profile: the profile', { profileFlag: 'prod', env: KEYS }, { kind: 'chain', profile: 'prod' }, [/Using profile prod \(--profile\)/]],
    [
      'keys and AWS_PROFILE: the keys',
      { env: { ...KEYS, AWS_PROFILE: 'prod', AWS_SESSION_TOKEN: 'tok' } },
      { kind: 'environment', accessKeyId: 'AKIAENV', secretAccessKey: 'env-secret', sessionToken: 'tok' },
      [/win over AWS_PROFILE=prod as in the AWS CLI/],
    ],
  ] as const)('GIVEN %s THEN the choice and the notices follow', (_name, over, credentials, notices) => {
    const connection = connect(over as Partial<ConnectionInput>);
    expect(connection.credentials).toEqual(credentials);
    expect(connection.notices).toHaveLength(notices.length);
    notices.forEach((notice, i) => expect(connection.notices[i]).toMatch(notice));
    // Never a secret in what is shown.
    expect(connection.credentialSource + connection.notices.join('')).not.toMatch(/secret|AKIA/);
  });

  it.each([
    ['--profile prod', { profileFlag: 'prod' }, 'profile prod: access keys in /home/me/.aws/credentials'],
    [
      'AWS_PROFILE=admin',
      { env: { AWS_PROFILE: 'admin' }, canAskMfa: true },
      'profile admin (AWS_PROFILE): assumes arn:aws:iam::1:role/Admin via profile base, with MFA',
    ],
    ['keys and AWS_PROFILE', { env: { ...KEYS, AWS_PROFILE: 'prod' } }, 'environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'],
    ['keys alone', { env: KEYS }, 'environment variables AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY'],
    ['a default profile without credentials', {}, 'the SDK default chain (no keys or profile found: EC2 instance role, if any)'],
    [
      'a web identity token',
      { env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'r' } },
      'web identity token (AWS_WEB_IDENTITY_TOKEN_FILE, AWS_ROLE_ARN)',
    ],
    ['an SSO profile', { profileFlag: 'sso', files: files({ sso: { sso_session: 'corp' } }) }, 'profile sso: IAM Identity Center (SSO) sign-in'],
  ] as const)('GIVEN %s THEN guided can say where the credentials come from', (_name, over, source) => {
    expect(connect(over as Partial<ConnectionInput>).credentialSource).toBe(source);
  });

  it('GIVEN a selected profile that is in neither file THEN ProfileNotFound lists those found', () => {
    expect(() => connect({ profileFlag: 'nope' })).toThrow(
      expect.objectContaining({ code: 'ProfileNotFound', hint: expect.stringContaining('profiles found: admin, base, default, prod') }),
    );
    expect(() => connect({ profileFlag: 'x', files: files() })).toThrow(
      expect.objectContaining({ hint: expect.stringContaining('aws configure --profile x') }),
    );
  });

  it('GIVEN --profile default and no files THEN it must exist too, as in the AWS CLI; nothing selected and no files is fine', () => {
    expect(() => connect({ profileFlag: 'default', files: files() })).toThrow(FlowfixError);
    expect(connect({ files: files() }).credentials).toEqual({ kind: 'chain' });
  });
});

describe('MFA', () => {
  const chained = files({
    outer: { role_arn: 'arn:aws:iam::1:role/Outer', source_profile: 'inner' },
    inner: { role_arn: 'arn:aws:iam::1:role/Inner', source_profile: 'base', mfa_serial: 'arn:aws:iam::1:mfa/inner' },
    base: { aws_access_key_id: 'A', aws_secret_access_key: 'B' },
    loop: { role_arn: 'arn:aws:iam::1:role/Loop', source_profile: 'loop' },
  });

  it.each([
    ['a role profile with mfa_serial', STANDARD, 'admin', ['arn:aws:iam::1:mfa/me']],
    ['a role whose source profile is a role with mfa_serial', chained, 'outer', ['arn:aws:iam::1:mfa/inner']],
    ['a role profile without MFA', chained, 'loop', []],
    ['static keys', STANDARD, 'prod', []],
  ])('GIVEN %s THEN the devices the chain will ask about are known before any call', (_name, shared, profile, serials) => {
    expect(connect({ files: shared, profileFlag: profile, canAskMfa: true }).mfaSerials).toEqual(serials);
  });

  it('GIVEN MFA and no way to ask THEN MfaNeedsTerminal, one line naming the device and the way out', () => {
    expect(() => connect({ files: chained, profileFlag: 'outer' })).toThrow(
      expect.objectContaining({
        code: 'MfaNeedsTerminal',
        message: expect.stringContaining('mfa_serial arn:aws:iam::1:mfa/inner'),
        hint: expect.stringContaining('--yes cannot stand in'),
      }),
    );
  });

  it('GIVEN MFA on the default profile but keys in the environment THEN the keys are used and nothing is asked', () => {
    const mfaDefault = files({
      default: { role_arn: 'r', source_profile: 'base', mfa_serial: 'm' },
      base: { aws_access_key_id: 'A', aws_secret_access_key: 'B' },
    });
    expect(connect({ files: mfaDefault, env: KEYS }).mfaSerials).toEqual([]);
    expect(() => connect({ files: mfaDefault })).toThrow(expect.objectContaining({ code: 'MfaNeedsTerminal' }));
  });
});

describe('the start region and settings come from the selected profile, else default', () => {
  it.each([
    ["nothing selected: default's region", {}, 'eu-west-1'],
    ['--profile prod', { profileFlag: 'prod' }, 'eu-central-1'],
    ['AWS_REGION first', { profileFlag: 'prod', env: { AWS_REGION: 'ap-south-1' } }, 'ap-south-1'],
  ])('GIVEN %s THEN STS is first asked in %s', (_name, over, region) => {
    expect(connect(over).startRegion.region).toBe(region);
  });
});

describe('retrySettings', () => {
  it.each([
    ['nothing', {}, {}, { retryMode: 'standard', maxAttempts: 5 }],
    ['AWS_RETRY_MODE=adaptive', { AWS_RETRY_MODE: 'adaptive' }, {}, { retryMode: 'adaptive', maxAttempts: 5 }],
    ['AWS_RETRY_MODE=Adaptive (any case)', { AWS_RETRY_MODE: 'Adaptive' }, {}, { retryMode: 'adaptive', maxAttempts: 5 }],
    ['legacy, which the JS SDK runs as standard', { AWS_RETRY_MODE: 'legacy' }, {}, { retryMode: 'standard', maxAttempts: 5 }],
    ['the profile', {}, { retry_mode: 'adaptive', max_attempts: '10' }, { retryMode: 'adaptive', maxAttempts: 10 }],
    [
      'the environment over the profile',
      { AWS_RETRY_MODE: 'standard', AWS_MAX_ATTEMPTS: '2' },
      { retry_mode: 'adaptive', max_attempts: '10' },
      { retryMode: 'standard', maxAttempts: 2 },
    ],
    ['empty variables count as unset', { AWS_RETRY_MODE: '', AWS_MAX_ATTEMPTS: ' ' }, { max_attempts: '3' }, { retryMode: 'standard', maxAttempts: 3 }],
  ])('GIVEN %s THEN %j', (_name, env, profile, expected) => {
    expect(retrySettings(env, profile, 'profile default')).toEqual(expected);
  });

  it.each([['0'], ['-1'], ['2.5'], ['many']])('GIVEN AWS_MAX_ATTEMPTS=%s THEN InvalidRetrySetting', (value) => {
    expect(() => retrySettings({ AWS_MAX_ATTEMPTS: value }, {}, 'p')).toThrow(expect.objectContaining({ code: 'InvalidRetrySetting' }));
  });
});

describe("profileEndpoints: the SDK's rules for a profile's endpoint_url", () => {
  const local = files({ 'services.local': { 'ec2.endpoint_url': 'http://ec2.local', 'cloudwatch_logs.endpoint_url': 'http://logs.local' } });
  const all = (url: string) => ({ ec2: url, logs: url, iam: url, sts: url, organizations: url });

  it.each([
    ['endpoint_url', {}, { endpoint_url: 'http://x' }, all('http://x')],
    [
      'a services section over endpoint_url',
      {},
      { endpoint_url: 'http://x', services: 'local' },
      { ...all('http://x'), ec2: 'http://ec2.local', logs: 'http://logs.local' },
    ],
    ['AWS_ENDPOINT_URL wins (left to the SDK)', { AWS_ENDPOINT_URL: 'http://env' }, { endpoint_url: 'http://x' }, {}],
    [
      'AWS_ENDPOINT_URL_EC2 wins for EC2 only',
      { AWS_ENDPOINT_URL_EC2: 'http://env' },
      { endpoint_url: 'http://x' },
      { logs: 'http://x', iam: 'http://x', sts: 'http://x', organizations: 'http://x' },
    ],
    ['ignore_configured_endpoint_urls', {}, { endpoint_url: 'http://x', ignore_configured_endpoint_urls: 'true' }, {}],
    ['AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true', { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true' }, { endpoint_url: 'http://x' }, {}],
    [
      "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=false over the profile's true",
      { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'false' },
      { endpoint_url: 'http://x', ignore_configured_endpoint_urls: 'true' },
      all('http://x'),
    ],
    ['no endpoint settings', {}, { region: 'eu-west-1' }, {}],
  ])('GIVEN %s THEN %j', (_name, env, profile, expected) => {
    expect(profileEndpoints(env, profile, local)).toEqual(expected);
  });

  it('GIVEN --endpoint-url THEN no profile endpoint is looked up', () => {
    const withEndpoint = files({ default: { endpoint_url: 'http://x' } });
    expect(resolveConnection({ env: {}, files: withEndpoint, canAskMfa: false }).serviceEndpoints).toEqual(all('http://x'));
    expect(resolveConnection({ env: {}, files: withEndpoint, canAskMfa: false, endpointUrl: 'http://flag' }).serviceEndpoints).toEqual({});
  });
});
