// The organization case: `flowfix plan --org --assume-role ROLE` over 100 accounts × 17 regions, each
// account a small estate, every call answered after the same latency. Reports the calls against the
// floor (per account: the single-account floor plus one AssumeRole; once: the ListAccounts pages), wall
// time against the ideal (sequential round trips of all region reads ÷ --concurrency) and peak memory.

import { createAwsSession } from '../src/aws/clients.js';
import { DEFAULT_SETTINGS, type Settings } from '../src/config/settings.js';
import { systemClock } from '../src/util/clock.js';
import { assessAccounts } from '../src/workflow/accounts.js';
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
  flowfix: { wallMs: number; calls: number; callsByOperation: Record<string, number>; accountsRead: number; memory: MemoryReport };
  floor: { calls: number; idealWallMs: number; chain: string };
}

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
  const fake = new FakeAws({ regions: ACCOUNT_ESTATE.regions, latencyMs: task.latencyMs, checkOperatorPolicy: false });
  const accountIds = Array.from({ length: task.accounts }, (_, i) => (i === 0 ? FAKE_ACCOUNT : String(200_000_000_000 + i)));
  const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${FAKE_ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] };
  let floorCalls = Math.ceil(task.accounts / ORG_PAGE);
  let regionChain = 0;
  for (const accountId of accountIds) {
    const view = accountId === FAKE_ACCOUNT ? fake : fake.account(accountId);
    if (accountId !== FAKE_ACCOUNT) view.addRole(ROLE, trust);
    const floor = computeFloor(seedEstate(view, ACCOUNT_ESTATE, settings, templates));
    floorCalls += floor.calls + (accountId === FAKE_ACCOUNT ? 0 : 1);
    regionChain = Math.max(regionChain, floor.roundTrips - 2);
  }
  fake.install();
  const session = await createAwsSession({ homeRegion: HOME_REGION, credentials: { accessKeyId: 'AKIABENCHFAKE', secretAccessKey: 'bench-fake-secret' } });
  global.gc?.();

  const sampler = startMemorySampler();
  const started = performance.now();
  const org = await assessAccounts(settings, session, { clients: session.clients, clock: systemClock, templates });
  const wallMs = Math.round(performance.now() - started);
  const memory = sampler.stop();
  fake.restore();
  const read = org.accounts.filter((a) => a.status === 'done').length;
  if (read !== task.accounts) throw new Error(`bench: only ${read} of ${task.accounts} accounts were read`);

  // The ideal: ListAccounts pages, then per account AssumeRole → GetCallerIdentity → DescribeRegions,
  // then every region read (its round trips) spread over --concurrency slots.
  const regionReads = task.accounts * ACCOUNT_ESTATE.regions.length;
  const setupTrips = Math.ceil(task.accounts / ORG_PAGE) + 3;
  const idealTrips = setupTrips + Math.ceil(regionReads / settings.concurrency) * regionChain;
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
    flowfix: { wallMs, calls: fake.calls.length, callsByOperation: countByOperation(fake.calls), accountsRead: read, memory },
    floor: {
      calls: floorCalls,
      idealWallMs: idealTrips * task.latencyMs,
      chain: `${setupTrips} setup round trips + ⌈${regionReads} region reads ÷ ${settings.concurrency}⌉ × ${regionChain}`,
    },
  };
}
