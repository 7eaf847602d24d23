// The targets, checked against the measurements. Informational cases (what-ifs) are shown but
// never fail --strict.

import type { ApplyCaseResult } from './apply-case.js';
import type { CliCaseResult } from './cli-case.js';
import type { CliRoundTripResult } from './cli-round-trips.js';
import type { OrgCaseResult } from './org-case.js';
import type { ReadCaseResult } from './read-case.js';
import type { StartupResult } from './startup.js';

export const CALLS_TOLERANCE = 1.1; // the CLI cases: within 10% of the floor
export const ROUND_TRIP_SLACK = 1; // sequential round trips within floor + 1
export const WALL_FACTOR = 1.5; // within 1.5 × floor round trips × latency
export const RSS_LIMIT_MB = 250; // at 20,000 subnets
export const HELP_FACTOR = 2; // `flowfix --help` within 2 × bare `node -e 0`
export const CLI_EXTRA_ROUND_TRIPS = 6; // `flowfix plan` over ~24 regions: at most 6 latencies longer with 400 ms a call

export interface TargetCheck {
  target: string;
  caseId: string;
  observed: string;
  limit: string;
  pass: boolean;
  informational: boolean;
}

export function checkReadCase(result: ReadCaseResult, opts: { informational: boolean; rssLimit: boolean }): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const base = { caseId: result.id, informational: opts.informational };
  checks.push({
    ...base,
    target: 'API calls ≤ floor',
    observed: `${result.flowfix.calls}`,
    limit: `≤ ${result.floor.calls}`,
    pass: result.flowfix.calls <= result.floor.calls,
  });
  if (result.roundTrips) {
    const limit = result.floor.roundTrips + ROUND_TRIP_SLACK;
    checks.push({
      ...base,
      target: `round trips ≤ floor + ${ROUND_TRIP_SLACK} (at ${result.roundTrips.latencyMs} ms)`,
      observed: `${result.roundTrips.sequential} (wall ÷ latency ${result.roundTrips.observed})`,
      limit: `≤ ${limit} (floor ${result.floor.roundTrips})`,
      pass: result.roundTrips.sequential <= limit,
    });
    const followUps = result.roundTrips.followUps;
    for (const [step, u] of followUps
      ? ([
          ['verification', followUps.verification],
          ['preflight', followUps.preflight],
        ] as const)
      : []) {
      checks.push({
        ...base,
        target: `${step} round trips ≤ floor + ${ROUND_TRIP_SLACK}, calls ≤ floor`,
        observed: `${u.roundTrips} round trips, ${u.calls} calls`,
        limit: `≤ ${u.floor.roundTrips + ROUND_TRIP_SLACK}, ≤ ${u.floor.calls}`,
        pass: u.roundTrips <= u.floor.roundTrips + ROUND_TRIP_SLACK && u.calls <= u.floor.calls,
      });
    }
  }
  if (result.latencyMs > 0) {
    const wallLimit = Math.round(result.floor.wallMs * WALL_FACTOR);
    checks.push({
      ...base,
      target: 'wall ≤ 1.5 × floor',
      observed: `${result.flowfix.wallMs} ms`,
      limit: `≤ ${wallLimit} ms (${result.floor.roundTrips} RT × ${result.latencyMs} ms × 1.5)`,
      pass: result.flowfix.wallMs <= wallLimit,
    });
  }
  if (opts.rssLimit) {
    checks.push({
      ...base,
      target: `peak RSS < ${RSS_LIMIT_MB} MB`,
      observed: `${result.flowfix.memory.maxRssMb} MB`,
      limit: `< ${RSS_LIMIT_MB} MB`,
      pass: result.flowfix.memory.maxRssMb < RSS_LIMIT_MB,
    });
  }
  return checks;
}

export function checkApplyCase(result: ApplyCaseResult, opts: { informational: boolean }): TargetCheck[] {
  const failing = result.createFlowLogs.filter((c) => !c.pass);
  const base = { caseId: result.id, informational: opts.informational };
  return [
    {
      ...base,
      target: 'CreateFlowLogs calls = ⌈targets/1000⌉ per region and type',
      observed:
        failing.length === 0
          ? `${result.createFlowLogs.length}/${result.createFlowLogs.length} groups exact`
          : failing.map((c) => `${c.region} ${c.resourceType}: ${c.calls} (want ${c.expectedCalls})`).join('; '),
      limit: 'all exact',
      pass: result.createFlowLogsPass,
    },
    {
      ...base,
      target: 'nothing left to fix after apply (re-read + audit)',
      observed: `${result.remainingFlowLogFindings} flow-log findings`,
      limit: '0',
      pass: result.remainingFlowLogFindings === 0,
    },
  ];
}

/**
 * The organization case reads every account at the call floor (per account one AssumeRole plus the
 * single-account calls), within floor + 1 round trips, and never past AWS's request-rate buckets.
 */
export function checkOrgCase(result: OrgCaseResult): TargetCheck[] {
  const base = { caseId: result.id, informational: false };
  const tripLimit = result.floor.roundTrips + ROUND_TRIP_SLACK;
  return [
    {
      ...base,
      target: 'org calls ≤ floor',
      observed: String(result.flowfix.calls),
      limit: `≤ ${result.floor.calls}`,
      pass: result.flowfix.calls <= result.floor.calls,
    },
    {
      ...base,
      target: `org round trips ≤ floor + ${ROUND_TRIP_SLACK} (at ${result.latencyMs} ms)`,
      observed: `${result.flowfix.sequentialRoundTrips} (wall ÷ latency ${result.flowfix.effectiveRoundTrips})`,
      limit: `≤ ${tripLimit} (floor ${result.floor.roundTrips})`,
      pass: result.flowfix.sequentialRoundTrips <= tripLimit,
    },
    {
      ...base,
      target: 'org calls throttled (retried)',
      observed: String(result.flowfix.throttled),
      limit: `0 (bucket ${result.rateLimit.burst}, +${result.rateLimit.perSecond}/s per account, region and operation)`,
      pass: result.flowfix.throttled === 0,
    },
  ];
}

/** What users run (the bundle): calls at the floor, and at 20,000 subnets the peak RSS of the CLI process itself. */
export function checkCliCase(result: CliCaseResult, bundleEntry: string): TargetCheck[] {
  const bundle = result.variants.find((v) => v.command.includes(bundleEntry));
  if (!bundle) return [];
  const base = { caseId: result.id, informational: false };
  const callLimit = Math.floor(result.floor.calls * CALLS_TOLERANCE);
  const checks: TargetCheck[] = [
    {
      ...base,
      target: 'CLI (bundle) API calls ≤ floor + 10%',
      observed: `${bundle.calls}`,
      limit: `≤ ${callLimit} (floor ${result.floor.calls})`,
      pass: bundle.calls <= callLimit,
    },
  ];
  if (result.estate.subnets >= 20_000) {
    checks.push({
      ...base,
      target: `CLI (bundle) peak RSS < ${RSS_LIMIT_MB} MB`,
      observed: `${bundle.maxRssMb} MB`,
      limit: `< ${RSS_LIMIT_MB} MB`,
      pass: bundle.maxRssMb < RSS_LIMIT_MB,
    });
  }
  return checks;
}

export function checkStartup(result: StartupResult, bundleEntry: string): TargetCheck[] {
  const help = result.commands.find((c) => c.command === `node ${bundleEntry} --help`);
  if (!help || help.ratio === null) return [];
  return [
    {
      target: `flowfix --help ≤ ${HELP_FACTOR} × node -e 0`,
      caseId: 'startup',
      observed: `${help.medianMs} ms (${help.ratio}×)`,
      limit: `≤ ${HELP_FACTOR}×`,
      pass: help.ratio <= HELP_FACTOR,
      informational: false,
    },
  ];
}

export function checkCliRoundTrips(result: CliRoundTripResult): TargetCheck[] {
  const base = { caseId: result.id, informational: false };
  return result.variants.flatMap((v) => [
    {
      ...base,
      target: `CLI (bundle), credentials from ${v.credentials}, ${result.latencyMs} ms a call: (wall − wall without delay) ÷ latency ≤ ${CLI_EXTRA_ROUND_TRIPS}`,
      observed: `${v.extraRoundTrips} (${v.sequentialRoundTrips} sequential in the call timeline)`,
      limit: `≤ ${CLI_EXTRA_ROUND_TRIPS} (floor ${result.floor.roundTrips})`,
      pass: v.extraRoundTrips <= CLI_EXTRA_ROUND_TRIPS,
    },
    {
      ...base,
      target: `CLI (bundle), credentials from ${v.credentials}: API calls ≤ floor`,
      observed: `${v.calls}`,
      limit: `≤ ${result.floor.calls}`,
      pass: v.calls <= result.floor.calls,
    },
  ]);
}
