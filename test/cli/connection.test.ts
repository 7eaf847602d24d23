// The whole CLI against FakeHttp, below the SDK: the real credential chain (shared files, AssumeRole
// with MFA), endpoint resolution, partitions and retries run as they do for a user. The shared files are
// temp files named through AWS_CONFIG_FILE / AWS_SHARED_CREDENTIALS_FILE; the same variables are put in
// process.env for the run too, since in production the Io's environment is process.env and the SDK
// reads some of them (AWS_PROFILE, the keys) from there itself.

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';

import { runCli } from '../../src/cli/run.js';
import { PromptCancelled, type Prompter } from '../../src/io/prompter.js';
import type { PlanReport } from '../../src/report/plan-report.js';
import { captureIo } from '../helpers/capture-io.js';
import { FakeHttp, HTTP_ACCOUNT, jsonAnswer, queryAnswer, type HttpCall } from '../helpers/fake-http.js';

const BASE_KEY = 'AKIABASEUSER';
const ENV_KEY = 'AKIAFROMENV';
const ROLE = `arn:aws:iam::${HTTP_ACCOUNT}:role/Admin`;
const MFA = `arn:aws:iam::${HTTP_ACCOUNT}:mfa/tester`;
const CODE = '123456';

const CREDENTIALS = `[base]\naws_access_key_id = ${BASE_KEY}\naws_secret_access_key = base-secret\n`;
const CONFIG = `
[default]
output = json

[profile admin]
role_arn = ${ROLE}
source_profile = base
mfa_serial = ${MFA}

[profile base]
region = us-east-1
`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'flowfix-connection-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Answers secret questions from `codes`, records what was asked; any other question fails the test. */
function mfaPrompter(...codes: (string | typeof PromptCancelled)[]): Prompter & { asked: string[] } {
  const asked: string[] = [];
  const unexpected = async (): Promise<never> => {
    throw new Error('unexpected question');
  };
  return {
    asked,
    confirm: unexpected,
    select: unexpected,
    checkbox: unexpected,
    input: unexpected,
    async secret(message, options) {
      asked.push(message);
      const code = codes.shift();
      if (code === undefined) throw new Error(`no code left for: ${message}`);
      if (code === PromptCancelled) throw new PromptCancelled();
      const valid = options?.validate?.(code as string) ?? true;
      if (valid !== true) throw new Error(`rejected: ${valid}`);
      return code as string;
    },
  };
}

interface Run {
  http: FakeHttp;
  config?: string;
  credentials?: string;
  env?: Record<string, string>;
  prompter?: Prompter;
}

/** Sets the AWS_* variables of `env` (and only those) in process.env while `work` runs. */
async function withProcessEnv<T>(env: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(
    Object.keys(process.env)
      .filter((k) => k.startsWith('AWS_'))
      .map((k) => [k, process.env[k]]),
  );
  for (const key of Object.keys(saved)) delete process.env[key];
  for (const [key, value] of Object.entries(env)) if (key.startsWith('AWS_')) process.env[key] = value;
  try {
    return await work();
  } finally {
    for (const key of Object.keys(process.env)) if (key.startsWith('AWS_')) delete process.env[key];
    Object.assign(process.env, saved);
  }
}

async function flowfix(argv: string[], run: Run) {
  await writeFile(join(dir, 'config'), run.config ?? CONFIG);
  await writeFile(join(dir, 'credentials'), run.credentials ?? CREDENTIALS);
  const env = {
    CI: 'true',
    HOME: dir,
    AWS_CONFIG_FILE: join(dir, 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(dir, 'credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    ...run.env,
  };
  const io = captureIo({ env, interactive: run.prompter !== undefined });
  const code = await withProcessEnv(env, () => runCli(argv, io, { requestHandler: run.http.handler, ...(run.prompter ? { prompter: run.prompter } : {}) }));
  const stdout = io.out.join('');
  // The endpoint/profile notices have their own tests (test/cli/redirect-notice.test.ts).
  const notices = io.err.join('');
  const stderr = notices.replace(/^Using (endpoint|profile) \S+(?: for [\w, ]+)? \(from [^)]*\)\n/gm, '');
  return { code, stdout, stderr, notices, report: () => JSON.parse(stdout) as PlanReport };
}

const oneLine = (text: string) => expect(text.trimEnd().split('\n')).toHaveLength(1);
const hostsOf = (http: FakeHttp, operation: string) => [...new Set(http.calls.filter((c) => c.operation === operation).map((c) => c.host))];

describe('MFA: a role profile with mfa_serial', () => {
  const roles = { [ROLE]: { mfa: { serial: MFA, code: CODE } } };

  test('GIVEN a terminal WHEN plan --profile admin THEN the code is asked once, without echo, and sent with AssumeRole; it appears nowhere', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY], roles });
    const prompter = mfaPrompter(CODE);

    const result = await flowfix(['plan', '--profile', 'admin', '--format', 'json'], { http, prompter });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(prompter.asked).toEqual([`MFA code for ${MFA}`]);
    const assumed = http.calls.filter((c) => c.operation === 'AssumeRole');
    expect(assumed.map((c) => [c.params['RoleArn'], c.params['SerialNumber'], c.params['TokenCode'], c.accessKeyId])).toEqual([[ROLE, MFA, CODE, BASE_KEY]]);
    // Every call after it is the role's session: the chain is shared by all ~10 clients, so one AssumeRole, one question.
    expect(http.calls.filter((c) => c.operation !== 'AssumeRole').every((c) => c.accessKeyId.startsWith('ASIA'))).toBe(true);
    expect(result.stdout + result.stderr).not.toContain(CODE);
  });

  test('GIVEN no terminal WHEN plan --profile admin THEN one line names MFA and what to do, before any call', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY], roles });

    const result = await flowfix(['plan', '--profile', 'admin'], { http });

    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(
      /profile admin assumes .*role\/Admin with MFA \(mfa_serial .*mfa\/tester\), and without a terminal flowfix cannot ask for the code/,
    );
    expect(result.stderr).toMatch(/aws configure export-credentials --profile admin --format env/);
    expect(result.stderr).toMatch(/--yes cannot stand in for the code/);
    expect(result.stderr).not.toMatch(/sign in/i);
    expect(http.calls).toEqual([]);
  });

  test('GIVEN a wrong code WHEN plan THEN one line says AWS refused the MFA code, not "sign in" or IAM permissions', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY], roles });

    const result = await flowfix(['plan', '--profile', 'admin'], { http, prompter: mfaPrompter('654321') });

    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/AWS refused the MFA code .*MultiFactorAuthentication failed/);
    expect(result.stderr).not.toContain('654321');
  });

  test('GIVEN Esc at the code prompt WHEN plan THEN it exits 130 and AssumeRole is never sent', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY], roles });

    const result = await flowfix(['plan', '--profile', 'admin'], { http, prompter: mfaPrompter(PromptCancelled) });

    expect(result.code).toBe(130);
    expect(http.count('AssumeRole')).toBe(0);
  });
});

describe('profiles', () => {
  test('GIVEN --profile nope WHEN plan THEN one line says it does not exist and lists the profiles of both files, before any call', async () => {
    const http = new FakeHttp();

    const result = await flowfix(['plan', '--profile', 'nope'], {
      http,
      credentials: `${CREDENTIALS}\n[ci]\naws_access_key_id = A\naws_secret_access_key = B\n`,
    });

    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toContain(`profile nope does not exist in ${join(dir, 'config')} or ${join(dir, 'credentials')}`);
    expect(result.stderr).toMatch(/profiles found: admin, base, ci, default/);
    expect(http.calls).toEqual([]);
  });

  test('GIVEN AWS_PROFILE=nope WHEN plan THEN the same, naming AWS_PROFILE', async () => {
    const result = await flowfix(['plan'], { http: new FakeHttp(), env: { AWS_PROFILE: 'nope' } });

    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^flowfix: profile nope \(AWS_PROFILE\) does not exist/);
  });

  const LOCAL = `[profile local]\nendpoint_url = http://localhost:4566\nregion = eu-west-1\n`;
  const LOCAL_KEYS = `[local]\naws_access_key_id = ${BASE_KEY}\naws_secret_access_key = s\n`;

  test.each([
    ['--profile local', ['--profile', 'local'], {}],
    ['AWS_PROFILE=local', [], { AWS_PROFILE: 'local' }],
  ])('GIVEN endpoint_url in the profile (%s) WHEN plan THEN every call goes to it, as with AWS_ENDPOINT_URL', async (_name, flags, env) => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });

    const result = await flowfix(['plan', ...flags, '--regions', 'eu-west-1', '--format', 'json'], { http, config: LOCAL, credentials: LOCAL_KEYS, env });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect([...new Set(http.calls.map((c) => c.host))]).toEqual(['localhost']);
  });

  test('GIVEN endpoint_url in the profile WHEN plan THEN stderr names it once, with the profile and the file', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });
    const result = await flowfix(['plan', '--profile', 'local', '--regions', 'eu-west-1', '--format', 'json'], {
      http,
      config: LOCAL,
      credentials: LOCAL_KEYS,
    });
    // The profile typed is not repeated back; the endpoint it brings from the file is news.
    expect(result.notices).toBe(
      `Using endpoint http://localhost:4566 for ec2, cloudwatch_logs, iam, sts, organizations (from endpoint_url of profile local in ${join(dir, 'config')})\n`,
    );
  });

  test('GIVEN a services section and AWS_ENDPOINT_URL_EC2 WHEN plan THEN each endpoint is named with its services and where it came from; the EC2 variable wins for ec2', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });
    const config = `[profile local]\nservices = emulated\nregion = eu-west-1\n\n[services emulated]\nec2 =\n  endpoint_url = http://localhost:4566\nlogs =\n  endpoint_url = http://localhost:4567\ncloudwatch_logs =\n  endpoint_url = http://localhost:4567\n`;
    const result = await flowfix(['plan', '--profile', 'local', '--regions', 'eu-west-1', '--format', 'json'], {
      http,
      config,
      credentials: LOCAL_KEYS,
      env: { AWS_ENDPOINT_URL_EC2: 'http://127.0.0.1:4999' },
    });
    const lines = result.notices.trimEnd().split('\n');
    expect(lines).toContain('Using endpoint http://127.0.0.1:4999 for ec2 (from AWS_ENDPOINT_URL_EC2)');
    expect(lines).toContain(
      `Using endpoint http://localhost:4567 for cloudwatch_logs (from services section emulated of profile local in ${join(dir, 'config')})`,
    );
    expect(hostsOf(http, 'DescribeVpcs')).toEqual(['127.0.0.1']);
  });

  test('GIVEN a profile endpoint_url over plain http to another host WHEN plan THEN a warning names it', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });
    const config = `[profile local]\nendpoint_url = http://emulator.internal:4566\nregion = eu-west-1\n`;
    const result = await flowfix(['plan', '--profile', 'local', '--regions', 'eu-west-1', '--format', 'json'], { http, config, credentials: LOCAL_KEYS });
    expect(result.notices).toContain('Warning: endpoint http://emulator.internal:4566 is plain http:// to emulator.internal, which is not this machine');
  });

  test('GIVEN endpoint_url in the profile and --endpoint-url WHEN plan THEN the flag wins', async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });

    const result = await flowfix(['plan', '--profile', 'local', '--endpoint-url', 'http://127.0.0.1:4999', '--regions', 'eu-west-1'], {
      http,
      config: LOCAL,
      credentials: LOCAL_KEYS,
    });

    expect(result.code).toBe(2);
    expect([...new Set(http.calls.map((c) => c.host))]).toEqual(['127.0.0.1']);
  });

  test("GIVEN keys in the environment and --profile WHEN plan THEN the profile is used and one line says so, not the SDK's 8-line warning", async () => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY] });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const result = await flowfix(['plan', '--profile', 'base', '--format', 'json'], {
        http,
        env: { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env-secret' },
      });

      expect(result.code).toBe(2);
      expect(result.stderr).toBe('Using profile base (--profile); AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY in the environment are ignored.\n');
      expect(warn).not.toHaveBeenCalled();
      expect(new Set(http.calls.map((c) => c.accessKeyId))).toEqual(new Set([BASE_KEY]));
    } finally {
      warn.mockRestore();
    }
  });

  test('GIVEN keys in the environment and AWS_PROFILE WHEN plan THEN the keys are used, as the AWS CLI does, and one line says so', async () => {
    const http = new FakeHttp({ accessKeys: [ENV_KEY] });
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const result = await flowfix(['plan', '--format', 'json'], {
        http,
        env: { AWS_PROFILE: 'base', AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env-secret' },
      });

      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        'Using AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment; they win over AWS_PROFILE=base as in the AWS CLI (pass --profile base to use the profile).\n',
      );
      expect(warn).not.toHaveBeenCalled();
      expect(new Set(http.calls.map((c) => c.accessKeyId))).toEqual(new Set([ENV_KEY]));
    } finally {
      warn.mockRestore();
    }
  });
});

describe('guided says where the credentials come from', () => {
  test.each([
    ['--profile admin, with MFA', ['--profile', 'admin'], {}, /profile admin: assumes arn:aws:iam::111111111111:role\/Admin via profile base, with MFA/],
    [
      'keys in the environment',
      [],
      { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env-secret' },
      /environment variables AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY/,
    ],
  ])('GIVEN %s WHEN guided shows who and where THEN a credentials line names the source', async (_name, flags, env, source) => {
    const http = new FakeHttp({ accessKeys: [BASE_KEY, ENV_KEY], roles: { [ROLE]: { mfa: { serial: MFA, code: CODE } } } });
    // The code if asked, then Esc at the first question after the assessment.
    const prompter = {
      ...mfaPrompter(CODE),
      checkbox: async (): Promise<never> => {
        throw new PromptCancelled();
      },
    };

    const result = await flowfix(['guided', ...flags], { http, prompter, env });

    expect(result.code).toBe(130);
    expect(result.stdout).toMatch(new RegExp(`Step 1/5: who and where\\n  account ${HTTP_ACCOUNT}\\n  caller  arn:aws:\\S+\\n  credentials `));
    expect(result.stdout).toMatch(source);
  });
});

describe('--region means where to work; the partition comes from the caller', () => {
  const KEYS = { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env-secret' };

  test('GIVEN --region eu-west-1 WHEN plan THEN only eu-west-1 is read, and STS/IAM still go to us-east-1', async () => {
    const http = new FakeHttp();

    const result = await flowfix(['plan', '--region', 'eu-west-1', '--format', 'json'], { http, env: KEYS });

    expect(result.code).toBe(2);
    expect(result.report().regions.map((r) => r.region)).toEqual(['eu-west-1']);
    expect([...new Set(http.calls.filter((c) => c.service === 'ec2' && c.operation !== 'DescribeRegions').map((c) => c.region))]).toEqual(['eu-west-1']);
    expect(hostsOf(http, 'GetCallerIdentity')).toEqual(['sts.us-east-1.amazonaws.com']);
    expect(hostsOf(http, 'GetRole')).toEqual(['iam.amazonaws.com']);
  });

  test('GIVEN GovCloud keys, no region in the environment and --region us-gov-east-1 WHEN plan THEN STS and IAM are called in GovCloud and the report says aws-us-gov', async () => {
    const http = new FakeHttp({ partition: 'aws-us-gov' });

    const result = await flowfix(['plan', '--region', 'us-gov-east-1', '--format', 'json'], { http, env: KEYS });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    const report = result.report();
    expect(report.partition).toBe('aws-us-gov');
    expect(report.regions.map((r) => r.region)).toEqual(['us-gov-east-1']);
    expect(hostsOf(http, 'GetCallerIdentity')).toEqual(['sts.us-gov-west-1.amazonaws.com']);
    expect(hostsOf(http, 'GetRole')).toEqual(['iam.us-gov.amazonaws.com']);
    expect(report.plan.actions.find((a) => a.kind === 'create-flow-logs')?.input).toMatchObject({
      DeliverLogsPermissionArn: expect.stringMatching(/^arn:aws-us-gov:iam::/),
    });
  });

  test('GIVEN an assume-role profile without a region, China keys and --regions cn-northwest-1 WHEN plan THEN AssumeRole stays in China', async () => {
    const chinaRole = `arn:aws-cn:iam::${HTTP_ACCOUNT}:role/Audit`;
    const http = new FakeHttp({ partition: 'aws-cn', accessKeys: [BASE_KEY], roles: { [chinaRole]: {} } });
    const config = `[profile audit]\nrole_arn = ${chinaRole}\nsource_profile = base\n`;

    const result = await flowfix(['plan', '--profile', 'audit', '--regions', 'cn-northwest-1', '--format', 'json'], { http, config });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(2);
    expect(hostsOf(http, 'AssumeRole')).toEqual(['sts.cn-north-1.amazonaws.com.cn']);
    expect(result.report().partition).toBe('aws-cn');
  });

  test('GIVEN a caller in a partition flowfix does not know WHEN plan THEN one line names it, exit 1', async () => {
    const http = new FakeHttp();
    http.answer = (call: HttpCall) =>
      call.operation === 'GetCallerIdentity'
        ? queryAnswer('sts', 'GetCallerIdentity', `<Account>${HTTP_ACCOUNT}</Account><Arn>arn:aws-iso:iam::${HTTP_ACCOUNT}:user/x</Arn><UserId>A</UserId>`)
        : jsonAnswer({});

    const result = await flowfix(['plan'], { http, env: KEYS });

    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(/partition aws-iso, which flowfix does not support/);
    // The region list and the role are asked beside the identity; no region is read.
    expect(http.calls.map((c) => c.operation).sort()).toEqual(['DescribeRegions', 'GetCallerIdentity', 'GetRole', 'ListRolePolicies']);
  });
});

describe('retries: AWS_RETRY_MODE, AWS_MAX_ATTEMPTS and the profile', () => {
  const KEYS = { AWS_ACCESS_KEY_ID: ENV_KEY, AWS_SECRET_ACCESS_KEY: 'env-secret' };
  /** GetCallerIdentity keeps failing with a 500 (retryable, 100 ms base backoff). */
  const failingSts = () => {
    const http = new FakeHttp();
    http.fault = (call) =>
      call.operation === 'GetCallerIdentity'
        ? {
            status: 500,
            headers: { 'content-type': 'text/xml' },
            body: '<ErrorResponse><Error><Type>Receiver</Type><Code>ServiceFailure</Code><Message>x</Message></Error></ErrorResponse>',
          }
        : undefined;
    return http;
  };

  test.each([
    ['AWS_MAX_ATTEMPTS=2', { AWS_MAX_ATTEMPTS: '2' }, '', 2],
    ['max_attempts = 3 in the profile', {}, 'max_attempts = 3\n', 3],
    ["AWS_MAX_ATTEMPTS=1 over the profile's 3", { AWS_MAX_ATTEMPTS: '1' }, 'max_attempts = 3\n', 1],
  ])('GIVEN %s WHEN a call keeps failing THEN it is attempted that many times', async (_name, env, profileLines, attempts) => {
    const http = failingSts();

    const result = await flowfix(['plan'], { http, env: { ...KEYS, ...env }, config: `[default]\n${profileLines}` });

    expect(result.code).toBe(1);
    expect(http.count('GetCallerIdentity')).toBe(attempts);
  });

  test.each([
    ['AWS_MAX_ATTEMPTS=0', { AWS_MAX_ATTEMPTS: '0' }, '', /AWS_MAX_ATTEMPTS is "0": expected a whole number of attempts/],
    ['AWS_RETRY_MODE=fast', { AWS_RETRY_MODE: 'fast' }, '', /AWS_RETRY_MODE is "fast": expected standard or adaptive/],
    ['retry_mode = sometimes in the profile', {}, 'retry_mode = sometimes\n', /retry_mode of profile default \(.*config\) is "sometimes"/],
  ])('GIVEN %s WHEN plan THEN one line says what is wrong, before any call', async (_name, env, profileLines, message) => {
    const http = new FakeHttp();

    const result = await flowfix(['plan'], { http, env: { ...KEYS, ...env }, config: `[default]\n${profileLines}` });

    expect(result.code).toBe(1);
    oneLine(result.stderr);
    expect(result.stderr).toMatch(message);
    expect(http.calls).toEqual([]);
  });
});
