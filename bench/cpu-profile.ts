// Where a run's CPU went, from a V8 CPU profile (`node --cpu-prof`): self time by kind of code, and the
// time spent inside the module loader (resolving, reading, compiling and evaluating modules) whatever
// code was running under it.

import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface CpuSummary {
  /** Profiled time, start to end (µs → ms). */
  totalMs: number;
  /**
   * Self time by kind: loader, sdk (@aws-sdk, @smithy), dependencies, flowfix, bundle (flowfix and every
   * dependency, indistinguishable once bundled), node, gc, program, idle.
   */
  selfMs: Record<string, number>;
  /** Samples with a module-loader frame anywhere on the stack: loading plus the modules' top-level code. */
  underLoaderMs: number;
}

const KINDS: [kind: string, test: (frame: ProfileNode['callFrame']) => boolean][] = [
  ['idle', (f) => f.functionName === '(idle)'],
  ['gc', (f) => f.functionName === '(garbage collector)'],
  ['program', (f) => f.functionName === '(program)'],
  ['loader', (f) => isLoader(f.url)],
  ['sdk', (f) => /node_modules\/@(aws-sdk|smithy|aws-crypto)\//.test(f.url)],
  ['dependencies', (f) => f.url.includes('node_modules/')],
  ['bundle', (f) => f.url.includes('/dist/bundle/')],
  ['flowfix', (f) => /\/(src|dist|dist-bench)\//.test(f.url)],
  ['node', () => true],
];

function isLoader(url: string): boolean {
  return url.startsWith('node:internal/modules/') || url.includes('cjs-module-lexer');
}

export function summarizeCpuProfile(file: string): CpuSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const underLoader = new Map<number, boolean>();
  const loaderOnStack = (id: number): boolean => {
    const known = underLoader.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const up = parent.get(id);
    const result = isLoader(node.callFrame.url) || (up !== undefined && loaderOnStack(up));
    underLoader.set(id, result);
    return result;
  };

  const selfUs: Record<string, number> = Object.fromEntries(KINDS.map(([kind]) => [kind, 0]));
  let underLoaderUs = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i + 1] ?? 0; // a sample's time is the gap to the next one
    const frame = byId.get(id)!.callFrame;
    const kind = KINDS.find(([, test]) => test(frame))![0];
    selfUs[kind]! += delta;
    if (loaderOnStack(id)) underLoaderUs += delta;
  });
  const ms = (us: number) => Math.round(us / 100) / 10;
  return {
    totalMs: ms(profile.endTime - profile.startTime),
    selfMs: Object.fromEntries(Object.entries(selfUs).map(([kind, us]) => [kind, ms(us)])),
    underLoaderMs: ms(underLoaderUs),
  };
}
