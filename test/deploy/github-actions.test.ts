// deploy/github-actions/flowfix.yml: valid for a maintained workflow validator, OIDC credentials and a
// reviewed apply, and every flowfix command in it runs as written, in order, against an organization in
// the stateful fake: plan (SARIF, plan files) → apply each account's plan → verify.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'yaml';

import { runFlowfix } from '../helpers/capture-io.js';
import { FAKE_ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { trustManagement, useManagementCredentials } from '../helpers/organization.js';

const WORKFLOW = path.join(process.cwd(), 'deploy/github-actions/flowfix.yml');
const text = readFileSync(WORKFLOW, 'utf8');

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
}
interface Job {
  needs?: string | string[];
  environment?: string;
  permissions?: Record<string, string>;
  steps: Step[];
}
const workflow = parse(text) as { env: Record<string, string>; jobs: Record<string, Job> };

const validate = (file: string) => promisify(execFile)(path.join(process.cwd(), 'node_modules/.bin/action-validator'), [file]);

/** The words of one shell command line: "double quotes" with $VAR and ${VAR} expanded, redirections dropped. */
function shellWords(line: string, vars: Record<string, string>): string[] {
  const words: string[] = [];
  const pattern = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(>>?)\s*("[^"]*"|\S+)|(\S+)/g;
  const expand = (s: string) => s.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => vars[(a ?? b)!] ?? `<unset ${a ?? b}>`);
  for (const m of line.matchAll(pattern)) {
    if (m[3]) continue; // a redirection and its target
    words.push(m[1] !== undefined ? expand(m[1]) : m[2] !== undefined ? m[2] : expand(m[5]!));
  }
  return words;
}

/** Each `npx --package … flowfix …` line of a job, as the argv flowfix receives (`matrix` fills in `${{ matrix.X }}`). */
function flowfixCommands(job: Job, vars: Record<string, string>, matrix: Record<string, string> = {}): string[][] {
  const evaluate = (value: string) => value.replace(/\$\{\{\s*matrix\.(\w+)\s*\}\}/g, (_, key: string) => matrix[key] ?? `<no matrix.${key}>`);
  const stepEnv = (step: Step) => Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, evaluate(v)]));
  return job.steps.flatMap((step) =>
    (step.run ?? '')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => /^npx .*--package \S+ flowfix /.test(line))
      .map((line) => {
        const words = shellWords(line, { ...vars, ...stepEnv(step) });
        return words.slice(words.indexOf('flowfix') + 1);
      }),
  );
}

describe('the GitHub Actions workflow', () => {
  test('GIVEN action-validator THEN the workflow validates, and one with a misspelt key would not', async () => {
    await expect(validate(WORKFLOW)).resolves.toBeDefined();
    const work = mkdtempSync(path.join(tmpdir(), 'flowfix-gha-'));
    try {
      const broken = path.join(work, 'broken.yml');
      writeFileSync(broken, text.replace('runs-on: ubuntu-latest', 'runs_on: ubuntu-latest'));
      await expect(validate(broken)).rejects.toBeDefined();
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  test('GIVEN its jobs THEN credentials come from OIDC, nothing is stored, and apply waits for the reviewed environment after plan', () => {
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_SECRET_ACCESS_KEY/);
    for (const [name, job] of Object.entries(workflow.jobs)) {
      const credentials = job.steps.filter((s) => s.uses?.startsWith('aws-actions/configure-aws-credentials@'));
      expect([name, credentials.length, job.permissions?.['id-token']]).toEqual([name, 1, 'write']);
      expect(credentials[0]!.with?.['role-to-assume']).toMatch(/^\$\{\{ vars\.FLOWFIX_(PLAN|APPLY)_ROLE_ARN \}\}$/);
    }
    expect(workflow.jobs['apply']).toMatchObject({ needs: 'plan', environment: 'flowfix-apply' });
    expect(workflow.jobs['plan']!.permissions?.['security-events']).toBe('write');
    expect(workflow.jobs['plan']!.steps.some((s) => s.uses?.startsWith('github/codeql-action/upload-sarif@'))).toBe(true);
    expect(workflow.jobs['plan']!.steps.some((s) => s.uses?.startsWith('actions/upload-artifact@'))).toBe(true);
  });

  describe('its flowfix commands, run as written against an organization', () => {
    const ROLE = 'OrganizationAccountAccessRole';
    const MEMBER = '222222222222';
    useManagementCredentials();
    let fake: FakeAws;
    let work: string;
    beforeEach(() => {
      fake = new FakeAws().install();
      work = mkdtempSync(path.join(tmpdir(), 'flowfix-gha-run-'));
    });
    afterEach(() => {
      fake.restore();
      rmSync(work, { recursive: true, force: true });
    });

    test('GIVEN two accounts with bare VPCs THEN plan exits 2 with one SARIF run per account, each plan applies, and verify passes', async () => {
      const member = fake.account(MEMBER, { name: 'dev' });
      member.addRole(ROLE, trustManagement());
      fake.addVpc('us-east-1');
      member.addVpc('eu-west-1');
      const vars = { ...workflow.env, MEMBER_ROLE: ROLE, FLOWFIX_PACKAGE: 'flowfix@0.1.0', GITHUB_STEP_SUMMARY: path.join(work, 'summary.md') };
      const env = { CI: 'true', AWS_REGION: workflow.env['AWS_REGION']! };
      // Relative paths in the workflow are the job's working directory.
      const inWork = (argv: string[]) => argv.map((w) => (w === 'plans' || w.startsWith('plans/') ? path.join(work, w) : w));

      const [plan, ...planRest] = flowfixCommands(workflow.jobs['plan']!, vars);
      expect(planRest).toEqual([]);
      const planned = await runFlowfix(inWork(plan!), { env });
      expect([planned.code, planned.stderr]).toEqual([2, expect.not.stringContaining('flowfix:')]);
      const sarif = JSON.parse(planned.stdout) as { runs: { automationDetails?: { id?: string } }[] };
      const categories = sarif.runs.map((r) => r.automationDetails?.id);
      expect(categories.sort()).toEqual([`flowfix/${FAKE_ACCOUNT}/`, `flowfix/${MEMBER}/`]);
      const accounts = readdirSync(path.join(work, 'plans'))
        .map((f) => path.basename(f, '.json'))
        .sort();
      expect(accounts).toEqual([FAKE_ACCOUNT, MEMBER]);

      for (const account of accounts) {
        const [apply] = flowfixCommands(workflow.jobs['apply']!, vars, { account });
        const applied = await runFlowfix(inWork(apply!), { env });
        expect([account, applied.code, applied.stderr]).toEqual([account, 0, expect.not.stringContaining('flowfix:')]);
      }

      const [verify] = flowfixCommands(workflow.jobs['verify']!, vars);
      const verified = await runFlowfix(inWork(verify!), { env });
      expect([verified.code, verified.stderr]).toEqual([0, expect.not.stringContaining('flowfix:')]);
      expect(verified.stdout).toMatch(/^#/m);
    });
  });
});
