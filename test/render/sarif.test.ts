import { FINDING_KIND_INFO, FINDING_KINDS } from '../../src/audit/finding-kinds.js';
import { artifactUri, findingFingerprint, renderSarif } from '../../src/render/sarif.js';
import type { PlanReport } from '../../src/report/plan-report.js';
import { ACCOUNT, flowLog, inventory, region, role, unreadable, vpcWithSubnets } from '../helpers/builders.js';
import { runFlowfix } from '../helpers/capture-io.js';
import { validDocument } from '../helpers/documents.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { githubSarifSchema } from '../helpers/github-sarif.js';
import { reportOf } from '../helpers/reports.js';

interface SarifResult {
  ruleId: string;
  level: string;
  message: { text: string };
  partialFingerprints: Record<string, string>;
  locations: { physicalLocation: { artifactLocation: { uri: string } }; logicalLocations: { fullyQualifiedName: string }[] }[];
  properties: Record<string, unknown>;
}
interface SarifRule {
  id: string;
  shortDescription: { text: string };
  help: { text: string; markdown: string };
  helpUri: string;
  defaultConfiguration: { level: string };
  properties: Record<string, unknown>;
}
interface Sarif {
  $schema: string;
  version: string;
  runs: {
    results: SarifResult[];
    tool: { driver: { name: string; semanticVersion: string; rules: SarifRule[] } };
    automationDetails: { id: string };
    invocations: { executionSuccessful: boolean; toolExecutionNotifications: { level: string; message: { text: string } }[] }[];
  }[];
}

const sarifOf = (report: PlanReport): Sarif =>
  validDocument(githubSarifSchema, JSON.parse(renderSarif([report], { toolVersion: '1.2.3' }))) as unknown as Sarif;
const fingerprints = (s: Sarif) => s.runs[0]!.results.map((r) => r.partialFingerprints['primaryLocationLineHash']!);

const NARROW_BOUNDARY = { status: 'found' as const, arn: `arn:aws:iam::${ACCOUNT}:policy/narrow`, document: { Statement: [] } };

/** Every finding kind but role-untrusted in us-east-1, a shared VPC in eu-west-1, and an untrusted role whose boundary allows nothing. */
function everyKind(): PlanReport {
  const east = region('us-east-1', {
    vpcs: [
      { vpcId: 'vpc-00000001', ownerId: ACCOUNT, isDefault: false, name: 'bare' },
      { vpcId: 'vpc-00000002', ownerId: ACCOUNT, isDefault: false },
      { vpcId: 'vpc-00000003', ownerId: ACCOUNT, isDefault: false },
      { vpcId: 'vpc-00000004', ownerId: ACCOUNT, isDefault: false },
      { vpcId: 'vpc-00000005', ownerId: ACCOUNT, isDefault: false },
      { vpcId: 'vpc-00000006', ownerId: ACCOUNT, isDefault: false },
    ],
    subnets: [{ subnetId: 'subnet-00000004', vpcId: 'vpc-00000004', ownerId: ACCOUNT }],
    flowLogs: [
      flowLog('vpc-00000002', { trafficType: 'ACCEPT' }),
      flowLog('vpc-00000003', { deliverLogsStatus: 'FAILED', deliverLogsErrorMessage: 'Access error' }),
      flowLog('subnet-00000004'),
      flowLog('vpc-00000005', { logGroupName: '/team/flow-logs' }),
      // The default format (the others) records ${version}; this one does not: missing-fields.
      flowLog('vpc-00000006', { logFormat: '${srcaddr} ${dstaddr}' }),
    ],
    logGroups: { '/team/flow-logs': { name: '/team/flow-logs', retentionInDays: 30, tags: {} } },
  });
  const west = region('eu-west-1', { ...vpcWithSubnets('vpc-00000009', 1, '999999999999') });
  const untrusted = inventory([east, west], role({ trustPolicy: { Version: '2012-10-17', Statement: [] }, permissionsBoundary: NARROW_BOUNDARY.arn }));
  return reportOf({ ...untrusted, boundary: NARROW_BOUNDARY }, { requireFields: ['version'] });
}

describe('--format sarif: structure GitHub code scanning accepts', () => {
  test('GIVEN every finding kind THEN the log validates against what GitHub requires: $schema, version 2.1.0, one run named flowfix', () => {
    const sarif = sarifOf(everyKind());
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.$schema).toBe('https://json.schemastore.org/sarif-2.1.0.json');
    expect(sarif.runs).toHaveLength(1);
    expect(sarif.runs[0]!.tool.driver).toMatchObject({ name: 'flowfix', semanticVersion: '1.2.3' });
  });

  test('GIVEN the rules THEN there is one per finding kind, with description, help (how to fix, references) and severity', () => {
    const rules = sarifOf(everyKind()).runs[0]!.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual(FINDING_KINDS);
    for (const r of rules) {
      const info = FINDING_KIND_INFO[r.id as keyof typeof FINDING_KIND_INFO];
      expect(r).toMatchObject({ shortDescription: { text: info.title }, fullDescription: { text: info.description } });
      expect(r.help.text).toContain(info.remedy);
      for (const ref of info.references) expect(r.help.markdown).toContain(`[${ref.label}](${ref.url})`);
      expect(r.helpUri).toBe(info.references[0]!.url);
    }
    const byId = Object.fromEntries(rules.map((r) => [r.id, r]));
    expect(byId['no-flow-log']!.help.text).toMatch(/CIS AWS Foundations Benchmark 3\.7 .*3\.9/);
    expect(byId['no-flow-log']!.help.text).toContain('Conformity VPC-001');
    expect(byId['no-flow-log']).toMatchObject({
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '7.5', tags: expect.arrayContaining(['security']) },
    });
    expect(byId['short-retention']).toMatchObject({ defaultConfiguration: { level: 'warning' }, properties: { 'security-severity': '5.0' } });
    expect(byId['subnet-level-only']).toMatchObject({ defaultConfiguration: { level: 'note' }, properties: { 'security-severity': '3.0' } });
    // Informational: a note, not a security alert.
    expect(byId['shared-vpc']!.defaultConfiguration.level).toBe('note');
    expect(byId['shared-vpc']!.properties).not.toHaveProperty('security-severity');
  });

  test('GIVEN no findings THEN every rule is still declared and results are empty (GitHub closes fixed alerts)', () => {
    const compliant = reportOf(inventory([region('us-east-1', { ...vpcWithSubnets('vpc-00000001', 1), flowLogs: [flowLog('vpc-00000001')] })], role()));
    const run = sarifOf(compliant).runs[0]!;
    expect(run.results).toEqual([]);
    expect(run.tool.driver.rules).toHaveLength(FINDING_KINDS.length);
  });

  test('GIVEN findings THEN one result per finding, its rule and level from the finding, its message naming resource and region', () => {
    const report = everyKind();
    const results = sarifOf(report).runs[0]!.results;
    expect(results).toHaveLength(report.findings.length);
    // The central bucket's kinds come from a log-archive account's inventory only (test/e2e/log-archive.test.ts).
    expect(new Set(results.map((r) => r.ruleId))).toEqual(new Set(FINDING_KINDS.filter((k) => !k.startsWith('bucket-'))));
    const bare = results.find((r) => r.properties['resourceId'] === 'vpc-00000001')!;
    expect(bare).toMatchObject({ ruleId: 'no-flow-log', level: 'error', message: { text: 'VPC vpc-00000001 (bare) in us-east-1: No flow log.' } });
    expect(bare.properties).toMatchObject({ accountId: ACCOUNT, region: 'us-east-1', resourceType: 'VPC', remediable: true });
    const failed = results.find((r) => r.ruleId === 'delivery-failed')!;
    expect(failed.properties).toMatchObject({ awsMessage: 'Access error' });
  });

  test('GIVEN cloud resources (no file) THEN each location is a relative aws/ACCOUNT/REGION/RESOURCE path and a logical aws:// name', () => {
    const sarif = sarifOf(everyKind());
    const uris = sarif.runs[0]!.results.map((r) => r.locations[0]!.physicalLocation.artifactLocation.uri);
    expect(uris).toContain(`aws/${ACCOUNT}/us-east-1/vpc-00000001`);
    // A log group name has slashes: percent-encoded, one path segment.
    expect(uris).toContain(`aws/${ACCOUNT}/us-east-1/%2Fteam%2Fflow-logs`);
    expect(uris).toContain(`aws/${ACCOUNT}/global/flowfix-vpc-flow-logs`);
    for (const uri of uris) expect(uri).not.toMatch(/^[a-z][a-z0-9+.-]*:/i);
    const logical = sarif.runs[0]!.results.map((r) => r.locations[0]!.logicalLocations[0]!.fullyQualifiedName);
    expect(logical).toContain(`aws://${ACCOUNT}/us-east-1/vpc-00000001`);
  });

  test('GIVEN the GitHub check itself WHEN a location uses an aws:// URI THEN it is refused (as GitHub refuses the upload)', () => {
    const sarif = JSON.parse(renderSarif([everyKind()], { toolVersion: '1.2.3' })) as {
      runs: { results: { locations: { physicalLocation: { artifactLocation: { uri: string } } }[] }[] }[];
    };
    sarif.runs[0]!.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri = `aws://${ACCOUNT}/us-east-1/vpc-00000001`;
    expect(githubSarifSchema.safeParse(sarif).success).toBe(false);
  });

  test('GIVEN an account THEN the run category is per account, so two accounts uploaded to one repository keep their own alerts', () => {
    expect(sarifOf(everyKind()).runs[0]!.automationDetails.id).toBe(`flowfix/${ACCOUNT}/`);
  });

  test('GIVEN a region that could not be read THEN the invocation is unsuccessful and names it', () => {
    const report = reportOf(
      inventory([region('us-east-1', vpcWithSubnets('vpc-00000001', 0)), unreadable('eu-west-1', 'UnauthorizedOperation', 'not allowed')], role()),
    );
    const invocation = sarifOf(report).runs[0]!.invocations[0]!;
    expect(invocation.executionSuccessful).toBe(false);
    expect(invocation.toolExecutionNotifications).toEqual([
      { level: 'error', message: { text: 'Could not read eu-west-1: UnauthorizedOperation: not allowed' } },
    ]);
  });
});

describe('--format sarif: fingerprints are stable, so re-runs update alerts instead of duplicating them', () => {
  test('GIVEN the same estate read twice, at different times THEN every fingerprint is the same and each is unique', () => {
    const first = fingerprints(sarifOf(reportOf(inventoryForStability(), {}, new Date('2025-01-01T00:00:00Z'))));
    const second = fingerprints(sarifOf(reportOf(inventoryForStability(), {}, new Date('2025-02-01T00:00:00Z'))));
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
  });

  test('GIVEN one finding fixed and another changed in wording THEN the remaining alerts keep their fingerprints', () => {
    const before = sarifOf(reportOf(inventoryForStability()));
    const fixedInv = inventoryForStability();
    const east = fixedInv.regions[0]!;
    if (east.status === 'read') east.flowLogs.push(flowLog('vpc-00000001'));
    const after = sarifOf(reportOf(fixedInv, { minRetentionDays: 400 }));
    const fixedPrint = findingFingerprint(ACCOUNT, { region: 'us-east-1', resourceId: 'vpc-00000001', kind: 'no-flow-log' });
    expect(fingerprints(before)).toContain(fixedPrint);
    expect(fingerprints(after)).not.toContain(fixedPrint);
    expect(fingerprints(after)).toEqual(fingerprints(before).filter((p) => p !== fixedPrint));
    // The retention finding's reason changed (400 days), its identity did not.
    const retention = (s: Sarif) => s.runs[0]!.results.find((r) => r.ruleId === 'short-retention')!;
    expect(retention(after).message.text).not.toBe(retention(before).message.text);
    expect(retention(after).partialFingerprints).toEqual(retention(before).partialFingerprints);
  });

  test('GIVEN account, region, resource or kind differing THEN the fingerprint differs; the flowfix key and GitHub key agree', () => {
    const base = { region: 'us-east-1', resourceId: 'vpc-00000001', kind: 'no-flow-log' as const };
    const print = findingFingerprint(ACCOUNT, base);
    expect(print).toMatch(/^[0-9a-f]{64}$/);
    expect(findingFingerprint('210987654321', base)).not.toBe(print);
    expect(findingFingerprint(ACCOUNT, { ...base, region: 'eu-west-1' })).not.toBe(print);
    expect(findingFingerprint(ACCOUNT, { ...base, resourceId: 'vpc-00000002' })).not.toBe(print);
    expect(findingFingerprint(ACCOUNT, { ...base, kind: 'accept-only' })).not.toBe(print);
    // No ambiguity from joining: ("a-b", "c") and ("a", "b-c") differ.
    expect(findingFingerprint(ACCOUNT, { ...base, region: 'us-east', resourceId: '1-vpc' })).not.toBe(
      findingFingerprint(ACCOUNT, { ...base, region: 'us-east-1', resourceId: 'vpc' }),
    );
    for (const r of sarifOf(reportOf(inventoryForStability())).runs[0]!.results)
      expect(r.partialFingerprints['flowfixFinding/v1']).toBe(r.partialFingerprints['primaryLocationLineHash']);
  });

  test('GIVEN a resource id THEN its artifact uri is stable and encodes what a path cannot hold', () => {
    expect(artifactUri(ACCOUNT, { region: 'us-east-1', resourceId: '/a b/c#d' })).toBe(`aws/${ACCOUNT}/us-east-1/%2Fa%20b%2Fc%23d`);
  });
});

function inventoryForStability() {
  return inventory(
    [
      region('us-east-1', {
        vpcs: [
          { vpcId: 'vpc-00000001', ownerId: ACCOUNT, isDefault: false },
          { vpcId: 'vpc-00000002', ownerId: ACCOUNT, isDefault: false },
        ],
        flowLogs: [flowLog('vpc-00000002', { logGroupName: '/team/flow-logs' })],
        logGroups: { '/team/flow-logs': { name: '/team/flow-logs', retentionInDays: 30, tags: {} } },
      }),
      region('eu-west-1', vpcWithSubnets('vpc-00000003', 2)),
    ],
    role(),
  );
}

describe('flowfix plan|verify --format sarif', () => {
  test('GIVEN the example estate WHEN plan --format sarif THEN stdout is one SARIF log GitHub accepts, exit 2 as for any plan with changes', async () => {
    const { code, stdout, stderr } = await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'sarif']);
    expect(code).toBe(2);
    expect(stderr).toBe('');
    const sarif = validDocument(githubSarifSchema, JSON.parse(stdout));
    expect(sarif.runs[0]!.results.length).toBeGreaterThan(5);
  });

  test('GIVEN the same snapshot twice THEN the two logs have the same results and fingerprints', async () => {
    const a = JSON.parse((await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'sarif'])).stdout) as Sarif;
    const b = JSON.parse((await runFlowfix(['plan', '--snapshot', 'examples/estate', '--format', 'sarif'])).stdout) as Sarif;
    expect(fingerprints(b)).toEqual(fingerprints(a));
  });

  describe('against the fake AWS', () => {
    let fake: FakeAws;
    beforeEach(() => {
      fake = new FakeAws().install();
    });
    afterEach(() => fake.restore());

    test('GIVEN a region that cannot be read WHEN verify --format sarif THEN the log says so, stderr says the report lacks it, exit 1', async () => {
      fake.addVpc('us-east-1', { name: 'east' });
      fake.addVpc('eu-west-1', { name: 'west' });
      fake.denyAction('DescribeVpcs', { region: 'eu-west-1' });

      const { code, stdout, stderr } = await runFlowfix(['verify', '--format', 'sarif'], { env: { CI: 'true', AWS_REGION: 'us-east-1' } });

      expect(code).toBe(1);
      const sarif = validDocument(githubSarifSchema, JSON.parse(stdout)) as unknown as Sarif;
      expect(sarif.runs[0]!.invocations[0]!.executionSuccessful).toBe(false);
      expect(sarif.runs[0]!.results.map((r) => r.properties['region'])).toEqual(['us-east-1']);
      expect(stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(/^flowfix: could not read eu-west-1 \(UnauthorizedOperation\): the sarif report lacks its findings/),
      ]);
    });
  });
});
