// A FakeAws holding one estate, installed behind the SDK, and flowfix's real client factory pointed at
// it with fixed fake credentials (no credential chain, no network, no AWS account).

import type { AwsClients } from '../src/aws/api.js';
import { createAwsClients } from '../src/aws/clients.js';
import type { Settings } from '../src/config/settings.js';
import { FakeAws, type RecordedCall } from '../test/helpers/fake-aws.js';
import { HOME_REGION, seedEstate, type EstateCounts, type EstateSpec } from './estate.js';
import { loadBenchPolicyTemplates } from './paths.js';

export interface FakeEstate {
  fake: FakeAws;
  clients: AwsClients;
  counts: EstateCounts;
  seedMs: number;
}

export async function fakeEstate(spec: EstateSpec, settings: Settings, latencyMs: number): Promise<FakeEstate> {
  const seedStarted = performance.now();
  const fake = new FakeAws({ regions: spec.regions, latencyMs });
  const counts = seedEstate(fake, spec, settings, loadBenchPolicyTemplates());
  const seedMs = Math.round(performance.now() - seedStarted);
  fake.install();
  const clients = await createAwsClients({
    homeRegion: HOME_REGION,
    credentials: { accessKeyId: 'AKIABENCHFAKE', secretAccessKey: 'bench-fake-secret' },
  });
  return { fake, clients, counts, seedMs };
}

export function countByOperation(calls: readonly RecordedCall[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const call of calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
