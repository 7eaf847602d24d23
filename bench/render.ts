// The results as a short Markdown page (bench-results/latest.md) for the README.

import { DEFAULT_SETTINGS } from '../src/config/settings.js';
import type { ApplyCaseResult } from './apply-case.js';
import type { CliCaseResult } from './cli-case.js';
import type { CliRoundTripResult } from './cli-round-trips.js';
import type { OrgCaseResult } from './org-case.js';
import type { ReadCaseResult } from './read-case.js';
import type { StartupResult } from './startup.js';
import type { TargetCheck } from './targets.js';

export interface BenchResults {
  schemaVersion: 1;
  generatedAt: string;
  command: string;
  environment: {
    node: string;
    platform: string;
    arch: string;
    cpus: number;
    cpuModel: string;
    totalMemMb: number;
    loadAverage1m: { atStart: number; atEnd: number };
  };
  options: { latencyMs: number; baselineCap: number; repeats: number; startupRuns: number; cliLatencyMs: number; cliRuns: number; strict: boolean };
  read: ReadCaseResult[];
  apply: ApplyCaseResult[];
  org: OrgCaseResult[];
  cli: CliCaseResult[];
  /** Absent in results written before the case existed. */
  cliRoundTrips?: CliRoundTripResult[];
  startup: StartupResult | null;
  targets: TargetCheck[];
  totalMs: number;
}

const n = (value: number) => value.toLocaleString('en-US');
const ms = (value: number) =>
  value >= 10_000 ? `${n(Math.round(value / 1000))} s` : value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
const ratio = (a: number, b: number) => (b > 0 ? `${n(Math.round(a / b))}×` : 'n/a');

export function renderMarkdown(results: BenchResults): string {
  const { environment: env, options } = results;
  const lines: string[] = [];
  lines.push('# flowfix benchmark', '');
  lines.push(
    `\`${results.command}\` on ${results.generatedAt.slice(0, 10)}: Node ${env.node}, ${env.platform}/${env.arch}, ${env.cpus} × ${env.cpuModel} (1-minute load average ${env.loadAverage1m.atStart} at start, ${env.loadAverage1m.atEnd} at end). ` +
      `Every AWS call goes through the real SDK clients to an in-process fake (test/helpers/fake-aws.ts) that answers after **${options.latencyMs} ms**; ` +
      'pages as AWS does (1000 for EC2 listings, 50 for DescribeLogGroups). Floor = fewest calls / sequential round trips any tool needs with regions read in parallel. ' +
      `Wall times are the median of ${options.repeats} runs, each in a fresh process.`,
    '',
  );

  lines.push('## Read: inventory → audit → plan', '');
  lines.push(
    '| Case | Estate | flowfix wall | of it CPU¹ | Floor wall | flowfix calls | Floor calls | Peak RSS² | Seed procedure calls | Seed procedure wall | flowfix vs seed (calls / wall) |',
  );
  lines.push('|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|');
  for (const r of results.read) {
    const b = r.baseline;
    lines.push(
      `| ${r.label} | ${r.estate.description}${r.concurrency !== DEFAULT_SETTINGS.concurrency ? `, concurrency ${r.concurrency}` : ''} | ${ms(r.flowfix.wallMs)} | ${r.cpuOnly ? ms(r.cpuOnly.wallMs) : '—'} | ${ms(r.floor.wallMs)} (${r.floor.roundTrips} RT) | ${n(r.flowfix.calls)} | ${n(r.floor.calls)} | ${r.flowfix.memory.maxRssMb} MB (+${Math.round((r.flowfix.memory.peakSampledRssMb - r.flowfix.memory.startRssMb) * 10) / 10}) | ` +
        (b
          ? `${n(b.calls)} | ${ms(b.wallMs)}${b.extrapolated ? `*` : ''} | ${ratio(b.calls, r.flowfix.calls)} fewer / ${ratio(b.wallMs, r.flowfix.wallMs)} faster |`
          : '— | — | — |'),
    );
  }
  lines.push(
    '',
    '¹ The same case with 0 ms latency, in a fresh process: JavaScript time of flowfix, the SDK clients *and the simulator* (which clones every response), all on one thread.',
    '² The process high-water mark (`resourceUsage().maxRSS`), which includes the simulator holding the whole estate and the loaded SDK; in brackets, how much the sampled RSS grew while flowfix ran.',
  );
  const probed = results.read.filter((r) => r.roundTrips);
  if (probed.length > 0) {
    lines.push(
      '',
      '### Round trips',
      '',
      "Each case once more at a far region's latency. Measured: the longest chain in the fake's call timeline of calls each sent only after the one before it was answered " +
        '(a call waiting for a free slot counts as waiting); wall ÷ latency beside it also counts CPU time.',
      '',
      '| Case | Latency | Floor | Measured | Wall ÷ latency | Calls (floor) |',
      '|---|--:|--:|--:|--:|--:|',
    );
    for (const r of probed) {
      lines.push(
        `| ${r.label} | ${r.roundTrips!.latencyMs} ms | ${r.floor.roundTrips} | ${r.roundTrips!.sequential} | ${r.roundTrips!.observed} | ${n(r.flowfix.calls)} (${n(r.floor.calls)}) |`,
      );
    }
    lines.push('', `Floor: ${probed.map((r) => `${r.label} ${r.floor.chain}`).join('; ')}.`);
    const followed = probed.filter((r) => r.roundTrips!.followUps);
    if (followed.length > 0) {
      lines.push(
        '',
        "After the read, on the same estate and latency: `verify`'s delivery reads (one look per log group or bucket folder of a region) and the permission preflight (one SimulatePrincipalPolicy per resource). Floor: all of them side by side.",
        '',
        '| Case | Step | Round trips (floor) | Calls (floor) | Calls by operation |',
        '|---|---|--:|--:|---|',
      );
      for (const r of followed) {
        const f = r.roundTrips!.followUps!;
        for (const [step, u] of [
          ['verification', f.verification],
          ['preflight', f.preflight],
        ] as const) {
          lines.push(
            `| ${r.label} | ${step} | ${u.roundTrips} (${u.floor.roundTrips}) | ${n(u.calls)} (${n(u.floor.calls)}) | ${Object.entries(u.callsByOperation)
              .map(([op, c]) => `${op} ${c}`)
              .join(', ')} |`,
          );
        }
      }
    }
  }
  const extrapolated = results.read.filter((r) => r.baseline?.extrapolated);
  if (extrapolated.length > 0) {
    lines.push(
      '',
      `\\* Extrapolated: the seed procedure (region by region, DescribeSubnets, then one DescribeFlowLogs per subnet with Filter resource-id, sequential) was timed for its first ` +
        extrapolated.map((r) => `${n(r.baseline!.measuredCalls)} calls (${r.label})`).join(', ') +
        ' and scaled linearly to every call; its call count is exact.',
    );
  }
  lines.push('', 'Calls by operation (flowfix / floor):', '');
  for (const r of results.read) {
    const ops = Object.keys({ ...r.floor.callsByOperation, ...r.flowfix.callsByOperation }).sort();
    const parts = ops.map((op) => `${op} ${r.flowfix.callsByOperation[op] ?? 0}/${r.floor.callsByOperation[op] ?? 0}`);
    lines.push(`- ${r.label}: ${parts.join(', ')}`);
  }

  if (results.cli.length > 0) {
    lines.push(
      '',
      '## The CLI end to end: `flowfix plan --format json`',
      '',
      `A fresh \`node\` process per run, as users run it, against FakeAws served over HTTP on 127.0.0.1 (test/helpers/fake-aws-http.ts) answering after **${options.cliLatencyMs} ms**; ` +
        `credentials from the environment. Median of ${options.cliRuns} runs, interleaved with a bare \`node -e 0\`. First API call: from spawning the process to the first request the fake received. ` +
        'Peak RSS and CPU: the CLI process alone (`process.resourceUsage()` at exit, one more run). ' +
        "Wall also holds the fake's own work, which runs in the bench process on the same 2 cores: it encodes every page it answers (1,000 subnets of XML each), and the pages of one listing follow each other.",
      '',
      '| Case | Estate | Entry | Wall | First API call | Over `node -e 0` | Floor wall | Calls (floor) | Peak RSS | CPU |',
      '|---|---|---|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const c of results.cli) {
      for (const v of c.variants) {
        lines.push(
          `| ${c.label} | ${c.estate.description} | ${v.name} | ${ms(v.wallMs)} | ${ms(v.firstCallMs)} | ${ms(v.overBareNodeMs)} | ${ms(c.floor.wallMs)} (${c.floor.roundTrips} RT) | ${n(v.calls)} (${n(c.floor.calls)}) | ${v.maxRssMb} MB | ${ms(v.cpuMs)} |`,
        );
      }
    }
    lines.push('', `Bare \`node -e 0\` in the same runs: ${results.cli.map((c) => `${c.label} ${ms(c.bareNodeMs)}`).join(', ')}.`);
    lines.push('', 'Calls by operation (bundle / floor):', '');
    for (const c of results.cli) {
      const v = c.variants[c.variants.length - 1]!;
      const ops = Object.keys({ ...c.floor.callsByOperation, ...v.callsByOperation }).sort();
      lines.push(`- ${c.label}: ${ops.map((op) => `${op} ${v.callsByOperation[op] ?? 0}/${c.floor.callsByOperation[op] ?? 0}`).join(', ')}`);
    }
    const profiled = results.cli.flatMap((c) => c.variants.filter((v) => v.cpuSummary).map((v) => ({ c, v, s: v.cpuSummary! })));
    if (profiled.length > 0) {
      lines.push(
        '',
        'Where the time went (`node --cpu-prof`, one more run each; wall-clock samples, so a busy machine inflates them): profiled time, samples with the module loader on the stack (resolving, reading, compiling and evaluating modules), and self time by kind.',
        '',
        '| Case | Entry | Profiled | Under module loader | Loader self | SDK | Other dependencies | flowfix | Bundle (all of it) | Node | GC | Idle |',
        '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
      );
      for (const { c, v, s } of profiled) {
        const k = (kind: string) => ms(s.selfMs[kind] ?? 0);
        lines.push(
          `| ${c.label} | ${v.name} | ${ms(s.totalMs)} | ${ms(s.underLoaderMs)} | ${k('loader')} | ${k('sdk')} | ${k('dependencies')} | ${k('flowfix')} | ${k('bundle')} | ${k('node')} | ${k('gc')} | ${k('idle')} |`,
        );
      }
    }
  }

  lines.push('', '## Targets', '');
  lines.push('| Target | Case | Observed | Limit | Result |', '|---|---|---|---|---|');
  for (const t of results.targets) {
    lines.push(`| ${t.target} | ${t.caseId} | ${t.observed} | ${t.limit} | ${t.pass ? 'PASS' : 'MISS'}${t.informational ? ' (what-if)' : ''} |`);
  }

  if (results.apply.length > 0) {
    lines.push('', '## Apply', '');
    lines.push('| Case | Region × type | Targets each | CreateFlowLogs calls each | ⌈targets/1000⌉ | Result |', '|---|---|--:|--:|--:|---|');
    for (const a of results.apply) {
      const groups = new Map<string, { regions: number; c: (typeof a.createFlowLogs)[number] }>();
      for (const c of a.createFlowLogs) {
        const key = `${c.resourceType}|${c.targets}|${c.calls}|${c.expectedCalls}`;
        const g = groups.get(key);
        if (g) g.regions++;
        else groups.set(key, { regions: 1, c });
      }
      for (const { regions, c } of groups.values()) {
        lines.push(
          `| ${a.label} | ${regions === 1 ? c.region : `${regions} regions`} × ${c.resourceType} | ${n(c.targets)} | ${c.calls} | ${c.expectedCalls} | ${c.pass ? 'PASS' : 'MISS'} |`,
        );
      }
    }
    lines.push('');
    for (const a of results.apply) {
      const outcomes = Object.entries(a.outcomes)
        .map(([k, v]) => `${k} ${n(v)}`)
        .join(', ');
      lines.push(
        `- ${a.label}: ${ms(a.wallMs)}, ${n(a.calls)} calls (${Object.entries(a.callsByOperation)
          .map(([k, v]) => `${k} ${v}`)
          .join(', ')}); outcomes: ${outcomes}; flow-log findings left after apply: ${a.remainingFlowLogFindings}.`,
      );
    }
  }

  if (results.org.length > 0) {
    lines.push('', '## Organization: `plan --org --assume-role ROLE`', '');
    lines.push(
      '| Case | Estate | Latency | flowfix wall | Round trips (floor) | Wall ÷ latency | flowfix calls | Floor calls | AssumeRole | Throttled (retried) | Peak RSS |',
      '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|',
    );
    for (const o of results.org) {
      lines.push(
        `| ${o.label} | ${n(o.estate.accounts)} accounts × ${o.estate.regions} regions, ${n(o.estate.vpcs)} VPCs, ${n(o.estate.subnets)} subnets | ${o.latencyMs} ms | ${ms(o.flowfix.wallMs)} | ${o.flowfix.sequentialRoundTrips} (${o.floor.roundTrips}) | ${o.flowfix.effectiveRoundTrips} | ${n(o.flowfix.calls)} | ${n(o.floor.calls)} | ${o.flowfix.callsByOperation['AssumeRole'] ?? 0} | ${o.flowfix.throttled} | ${o.flowfix.memory.maxRssMb} MB |`,
      );
    }
    lines.push(
      '',
      `Floor: ${results.org.map((o) => o.floor.chain).join('; ')}. The fake throttles as AWS does, per account, region and operation ` +
        `(${results.org.map((o) => `${o.rateLimit.burst} tokens, refilled at ${o.rateLimit.perSecond}/s`).join('; ')}: EC2's bucket for non-mutating calls); a throttled call is answered with the service's throttling error.`,
    );
  }

  const roundTrips = results.cliRoundTrips ?? [];
  if (roundTrips.length > 0) {
    lines.push(
      '',
      '## The CLI with a far endpoint: `flowfix plan` over every enabled region',
      '',
      'The bundle as a new user runs it (instance-metadata lookups left on), against FakeAws over HTTP ' +
        'once adding the latency to every call and once adding nothing, interleaved; medians. (wall with − wall without) ÷ latency counts the round trips the run ' +
        'waited for one after another, start-up, credentials and clients included; the call timeline counts the chain of calls alone.',
      '',
      '| Case | Credentials | Latency | Wall without delay | Wall with delay | (with − without) ÷ latency | Sequential in the timeline (floor) | Calls (floor) |',
      '|---|---|--:|--:|--:|--:|--:|--:|',
    );
    for (const c of roundTrips) {
      for (const v of c.variants) {
        lines.push(
          `| ${c.estate.description} | ${v.credentials} | ${c.latencyMs} ms | ${ms(v.withoutDelay.wallMs)} | ${ms(v.withDelay.wallMs)} | **${v.extraRoundTrips}** | ${v.sequentialRoundTrips} (${c.floor.roundTrips}) | ${n(v.calls)} (${n(c.floor.calls)}) |`,
        );
      }
    }
  }

  if (results.startup) {
    lines.push('', `## Start-up (median of ${results.startup.runs}, interleaved)`, '');
    if (results.startup.skipped) lines.push(`Skipped: ${results.startup.skipped}.`);
    else {
      lines.push('| Command | Median | Over `node -e 0` | × `node -e 0` |', '|---|--:|--:|--:|');
      for (const c of results.startup.commands) {
        lines.push(
          `| \`${c.command}\` | ${c.medianMs} ms | ${c.overheadMs === null ? '—' : `${c.overheadMs} ms`} | ${c.ratio === null ? '—' : `${c.ratio}×`} |`,
        );
      }
    }
  }
  lines.push('', `Whole bench: ${ms(results.totalMs)}.`, '');
  return lines.join('\n');
}
