// `flowfix guided` at a real terminal (a pseudo-terminal from script(1)), answered with keystrokes as a
// person would: a list longer than the page says so, a plan file path that cannot be written is asked
// for again with every answer kept, and the VPC unticked is left out of the plan and of the command.
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { stripAnsi } from '../../src/render/layout.js';
import { buildCli, type BuiltCli } from '../helpers/build-cli.js';
import { serveFakeAws, type FakeAwsServer } from '../helpers/fake-aws-http.js';
import { FakeAws } from '../helpers/fake-aws.js';

const ENTER = '\r';
const SPACE = ' ';

describe('guided at a terminal', () => {
  let cli: BuiltCli;
  let fake: FakeAws;
  let server: FakeAwsServer;
  let dir: string;
  beforeAll(async () => {
    cli = await buildCli();
  });
  afterAll(() => cli.remove());
  beforeEach(async () => {
    fake = new FakeAws();
    server = await serveFakeAws(fake);
    dir = await mkdtemp(path.join(tmpdir(), 'flowfix-guided-tty-'));
  });
  afterEach(async () => {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('GIVEN 14 VPCs, the first unticked, a bad plan file path then a good one, and "No" THEN the list says 7 of 14 shown, the path is asked again, the saved plan and the printed command leave that VPC out, nothing changed', async () => {
    const vpcs = Array.from({ length: 14 }, (_, i) => fake.addVpc('us-east-1', { name: `vpc-${String(i).padStart(2, '0')}` })).sort();
    const file = path.join(dir, 'plan.json');
    // Each question, recognised by its words, and the keys a person would press.
    const script: [RegExp, string][] = [
      [/which regions should flowfix fix\?/, ENTER],
      [/Scope/, ENTER],
      [/Traffic to capture/, ENTER],
      [/Where should flow logs go\?/, ENTER],
      [/Log group name/, ENTER],
      [/Retention for log groups/, ENTER],
      [/KMS key ARN/, ENTER],
      [/Delivery role name/, ENTER],
      [/which resources should get a flow log\?/, SPACE + ENTER], // the first one unticked
      [/Save this plan to a file first/, `y${ENTER}`],
      [/Plan file/, `${path.join(dir, 'no-such-dir', 'plan.json')}${ENTER}`],
      [/Plan file \(another path/, `${file}${ENTER}`],
      [/Step 5\/5: apply/, `n${ENTER}`],
    ];
    const child = spawn('script', ['-qec', `${process.execPath} ${cli.main} guided --endpoint-url ${server.url} --regions us-east-1`, '/dev/null'], {
      env: {
        ...process.env,
        HOME: dir,
        CI: '',
        TERM: 'dumb',
        NO_COLOR: '1',
        AWS_ACCESS_KEY_ID: 'AKIAFAKETTY',
        AWS_SECRET_ACCESS_KEY: 'fake',
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let terminal = '';
    let answeredUpTo = 0;
    child.stdout.on('data', (d: Buffer) => {
      terminal += stripAnsi(d.toString());
      const next = script[0];
      // Only what was shown since the last answer: a question is answered once, once it is on screen.
      if (next && next[0].test(terminal.slice(answeredUpTo))) {
        script.shift();
        answeredUpTo = terminal.length;
        child.stdin.write(next[1]);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));

    expect(script.map(([question]) => question)).toEqual([]);
    expect(code).toBe(0);
    expect(terminal).toMatch(/which resources should get a flow log\?[\s\S]{0,80}\(7 of 14 shown; ↑↓ scrolls\)/); // wrapped at 80 columns
    expect(terminal).toMatch(/Not saved: cannot write plan to \S+no-such-dir\/plan\.json: /);
    const saved = JSON.parse(await readFile(file, 'utf8')) as { actions: { kind: string; input: { ResourceIds?: string[] } }[] };
    const planned = saved.actions.flatMap((a) => a.input.ResourceIds ?? []);
    expect(planned.sort()).toEqual(vpcs.slice(1));
    expect(terminal).toMatch(new RegExp(`flowfix apply --endpoint-url \\S+ --regions us-east-1 --exclude ${vpcs[0]} `));
    expect(terminal).toContain('Nothing was changed.');
    expect(fake.mutatingCalls()).toEqual([]);
  });
});
