// A settings file (or the environment) that points AWS calls at another endpoint or profile is never
// silent: every command says which one and where it came from, on stderr so JSON stdout stays one document.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { runCli } from '../../src/cli/run.js';
import { PromptCancelled, type Prompter } from '../../src/io/prompter.js';
import { captureIo, runFlowfix } from '../helpers/capture-io.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENV = { CI: 'true', AWS_REGION: 'us-east-1' };
const LOCAL = 'http://localhost:4566';

/** A fresh working directory holding flowfix.config.json with `settings`; returns it and the file's path. */
async function cwdWith(settings: object): Promise<{ cwd: string; file: string }> {
  const cwd = await mkdtemp(path.join(tmpdir(), 'flowfix-cwd-'));
  const file = path.join(cwd, 'flowfix.config.json');
  await writeFile(file, JSON.stringify(settings));
  return { cwd, file };
}

describe('where the endpoint and profile came from', () => {
  let fake: FakeAws;
  beforeEach(() => {
    fake = new FakeAws().install();
    fake.addVpc('us-east-1', { name: 'bare' });
  });
  afterEach(() => fake.restore());

  test.each(['plan', 'plan --format json', 'apply --yes', 'apply --yes --format json', 'verify'])(
    'GIVEN endpointUrl in ./flowfix.config.json WHEN flowfix %s THEN stderr names the endpoint and the file',
    async (command) => {
      const { cwd, file } = await cwdWith({ endpointUrl: LOCAL });
      const argv = command.split(' ');

      const result = await runFlowfix(argv, { env: ENV, cwd });

      expect(result.stderr).toContain(`Using endpoint ${LOCAL} (from settings file ${file})\n`);
      if (argv.includes('json')) expect(() => JSON.parse(result.stdout)).not.toThrow();
    },
  );

  test('GIVEN profile in ./flowfix.config.json WHEN flowfix plan THEN stderr names the profile and the file', async () => {
    const { cwd, file } = await cwdWith({ profile: 'prod' });
    const result = await runFlowfix(['plan'], { env: ENV, cwd });
    expect(result.stderr).toContain(`Using profile prod (from settings file ${file})\n`);
  });

  test("GIVEN the flag and the file disagree THEN the flag wins, and neither the typed flag (no news) nor the file's value is repeated", async () => {
    const { cwd } = await cwdWith({ endpointUrl: LOCAL, profile: 'prod' });
    const result = await runFlowfix(['plan', '--endpoint-url', 'https://proxy.example.com', '--profile', 'audit'], { env: ENV, cwd });
    expect(result.stderr).not.toMatch(/^Using (endpoint|profile)/m);
    expect(result.stderr).not.toContain(LOCAL);
  });

  test.each([
    ['http://proxy.example.com:8080', true],
    ['http://10.0.0.5:4566', true],
    ['http://localhost:4566', false],
    ['http://127.0.0.1:4566', false],
    ['http://[::1]:4566', false],
    ['https://proxy.example.com', false],
  ])('GIVEN --endpoint-url %s THEN a plain-http warning only for a host that is not loopback: %s', async (url, warned) => {
    const { cwd } = await cwdWith({});
    const result = await runFlowfix(['plan', '--endpoint-url', url], { env: ENV, cwd });
    expect(result.stderr.includes(`Warning: endpoint ${url} is plain http://`)).toBe(warned);
  });

  test('GIVEN an endpointUrl with erase codes in ./flowfix.config.json THEN it is refused in one line, the codes shown, before any AWS call', async () => {
    const { cwd, file } = await cwdWith({ endpointUrl: 'https://evil.example/\u001b[2K\u001b[1AUsing endpoint https://aws.amazon.com' });
    const result = await runFlowfix(['plan'], { env: ENV, cwd });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`${file}: endpointUrl: must not contain spaces or control characters`);
    expect(result.stderr).not.toMatch(/\u001b/);
    expect(fake.calls).toEqual([]);
  });

  test('GIVEN AWS_ENDPOINT_URL and AWS_PROFILE THEN both are named with the variable', async () => {
    const { cwd } = await cwdWith({});
    const result = await runFlowfix(['verify'], { env: { ...ENV, AWS_ENDPOINT_URL: LOCAL, AWS_PROFILE: 'dev' }, cwd });
    expect(result.stderr).toContain(`Using endpoint ${LOCAL} (from AWS_ENDPOINT_URL)\n`);
    expect(result.stderr).toContain('Using profile dev (from AWS_PROFILE)\n');
  });

  test('GIVEN endpointUrl in ./flowfix.config.json WHEN flowfix guided THEN it is named before the first question', async () => {
    const { cwd, file } = await cwdWith({ endpointUrl: LOCAL });
    const cancel = async () => {
      throw new PromptCancelled();
    };
    const prompter: Prompter = { confirm: cancel, select: cancel, checkbox: cancel, input: cancel, secret: cancel };
    const io = captureIo({ env: ENV, cwd });

    const code = await runCli(['guided'], io, { prompter });

    expect(code).toBe(130);
    expect(io.err.join('')).toContain(`Using endpoint ${LOCAL} (from settings file ${file})\n`);
  });

  test.each(['file:///etc/passwd', 'javascript:alert(1)', 'ftp://localhost:4566'])(
    'GIVEN endpointUrl %s in ./flowfix.config.json THEN it is refused in one line naming the key, before any AWS call',
    async (endpointUrl) => {
      const { cwd, file } = await cwdWith({ endpointUrl });

      const result = await runFlowfix(['plan'], { env: ENV, cwd });

      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toEqual([expect.stringContaining(`${file}: endpointUrl: must be`)]);
      expect(fake.calls).toEqual([]);
    },
  );
});
