// The organization case: `flowfix plan --org --assume-role ROLE` over 100 accounts × 17 regions, each
// account a small estate, every call answered after the same latency, and AWS's request-rate buckets per
// account, region and operation in the fake. Reports the calls against the floor (per account: the
// single-account floor plus one AssumeRole; once: the ListAccounts pages), the sequential round trips
// against the floor's, the calls AWS would have throttled (each one a retry), and peak memory.

import { createAwsSession } from '../src/aws/clients.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { systemClock } from '../src/util/clock.js';
import { assessAccounts } from '../src/workflow/accounts.js';
import { sequentialRoundTrips } from '../test/helpers/call-timeline.js';
import { FAKE_ACCOUNT, FakeAws } from '../test/helpers/fake-aws.js';
import { countByOperation } from './clients.js';
import { DEFAULT_REGIONS, HOME_REGION, seedEstate, type EstateSpec } from './estate.js';
import { computeFloor } from './floor.js';
import { startMemorySampler, type MemoryReport } from './memory.js';
import { loadBenchPolicyTemplates } from './paths.js';

export interface OrgCaseTask {
  kind: 'org';
  id: string;
  label: string;
  accounts: number;
  latencyMs: number;
}

export interface OrgCaseResult {
  kind: 'org';
  id: string;
  label: string;
  estate: { accounts: number; regions: number; vpcs: number; subnets: number };
  latencyMs: number;
  concurrency: number;
  flowfix: {
    wallMs: number;
    calls: number;
    callsByOperation: Record<string, number>;
    accountsRead: number;
    /** wallMs / latency. */
    effectiveRoundTrips: number;
    /** From the fake's call timeline: the longest chain of calls each sent after the one before was answered. */
    sequentialRoundTrips: number;
    /** Calls the fake answered with a throttling error (the SDK retries each one). */
    throttled: number;
    memory: MemoryReport;
  };
  /** The request-rate bucket of every account, region and operation: EC2's for non-mutating calls. */
  rateLimit: { burst: number; perSecond: number };
  floor: { calls: number; roundTrips: number; chain: string };
}

/** EC2's documented bucket for non-mutating actions (DescribeHosts): 100 tokens, refilled at 20 a second. */
const RATE_LIMIT = { burst: 100, perSecond: 20 };

const ROLE = 'OrganizationAccountAccessRole';
/** Each member account: 17 regions × 4 VPCs × 2 subnets, the default estate's mix of flow logs. */
const ACCOUNT_ESTATE: EstateSpec = {
  name: 'org-member',
  description: '17 regions × 4 VPCs × 2 subnets',
  regions: [...DEFAULT_REGIONS],
  vpcsPerRegion: 4,
  subnetsPerVpc: 2,
  scope: 'vpc',
};
/** ListAccounts returns at most 20 accounts a page. */
const ORG_PAGE = 20;

export async function runOrgCase(task: OrgCaseTask): Promise<OrgCaseResult> {
  const settings: Settings = { ...DEFAULT_SETTINGS, org: true, assumeRole: ROLE };
  const templates = loadBenchPolicyTemplates();
  const fake = new FakeAws({ regions: ACCOUNT_ESTATE.regions, latencyMs: task.latencyMs, rateLimit: RATE_LIMIT, checkOperatorPolicy: false });
  const accountIds = Array.from({ length: task.accounts }, (_, i) => (i === 0 ? FAKE_ACCOUNT : String(200_000_000_000 + i)));
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
  let floorCalls = Math.ceil(task.accounts / ORG_PAGE);
  let accountTrips = 0;
  for (const accountId of accountIds) {
    const view = accountId === FAKE_ACCOUNT ? fake : fake.account(accountId);
    if (accountId !== FAKE_ACCOUNT) view.addRole(ROLE, trust);
    const floor = computeFloor(seedEstate(view, ACCOUNT_ESTATE, settings, templates));
    floorCalls += floor.calls + (accountId === FAKE_ACCOUNT ? 0 : 1);
    accountTrips = Math.max(accountTrips, floor.roundTrips);
  }
  fake.install();
  const session = await createAwsSession({ homeRegion: HOME_REGION, credentials: { accessKeyId: 'AKIABENCHFAKE', secretAccessKey: 'bench-fake-secret' } });
  global.gc?.();

  const sampler = startMemorySampler();
  const started = performance.now();
  // As `plan --org` keeps them: each account's report and plan.
  const org = await assessAccounts(settings, { clients: session.clients, session, clock: systemClock, templates }, ({ report, plan }) => ({ report, plan }));
  const wallMs = Math.round(performance.now() - started);
  const memory = sampler.stop();
  fake.restore();
  const read = org.accounts.filter((a) => a.status === 'done').length;
  if (read !== task.accounts) throw new Error(`bench: only ${read} of ${task.accounts} accounts were read`);
  // A call AWS throttles past its retries leaves a region unread: that would be a result, not a speed.
  const unread = org.accounts.reduce((sum, a) => sum + (a.status === 'done' ? a.value.report.errors.length : 0), 0);
  if (unread > 0) throw new Error(`bench: ${unread} region(s) could not be read`);

  // The floor: the ListAccounts pages one after another (GetCallerIdentity beside the first), then for
  // the accounts of the last page AssumeRole, then the single-account chain.
  const listPages = Math.ceil(task.accounts / ORG_PAGE);
  const floorTrips = listPages + 1 + accountTrips;
  return {
    kind: 'org',
    id: task.id,
    label: task.label,
    estate: {
      accounts: task.accounts,
      regions: ACCOUNT_ESTATE.regions.length,
      vpcs: task.accounts * ACCOUNT_ESTATE.regions.length * ACCOUNT_ESTATE.vpcsPerRegion,
      subnets: task.accounts * ACCOUNT_ESTATE.regions.length * ACCOUNT_ESTATE.vpcsPerRegion * ACCOUNT_ESTATE.subnetsPerVpc,
    },
    latencyMs: task.latencyMs,
    concurrency: settings.concurrency,
    flowfix: {
      wallMs,
      calls: fake.calls.length,
      callsByOperation: countByOperation(fake.calls),
      accountsRead: read,
      effectiveRoundTrips: Math.round((wallMs / task.latencyMs) * 10) / 10,
      sequentialRoundTrips: sequentialRoundTrips(fake.timeline),
      throttled: fake.throttledCalls(),
      memory,
    },
    rateLimit: RATE_LIMIT,
    floor: {
      calls: floorCalls,
      roundTrips: floorTrips,
      chain: `${listPages} ListAccounts pages + 1 AssumeRole + ${accountTrips} in the account`,
    },
  };
}
