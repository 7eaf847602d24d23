// Pure: which parts of a saved plan apply may carry out. The saved plan is a request; the plan flowfix
// rebuilds from the file's settings against live state is the authority. A saved action runs only when
// a rebuilt action has the same kind, region and input (a CreateFlowLogs may name fewer resources); a
// resource or action the rebuilt plan lacks is accepted only when live state shows it already done.
// Anything else is refused before any write, with one line naming the action and what differs.
import { isPrerequisiteOnly } from '../actions/action-kind.js';
import { kindOf, targetsOf, withDisplay, type PlanAction } from '../actions/action-kinds.js';
import { describeOrganizationPolicy } from '../aws/errors.js';
import type { Settings } from '../config/settings.js';
import type { Inventory } from '../inventory/types.js';
import type { Plan } from '../plan/types.js';
import { canonicalJson } from '../util/canonical-json.js';
import type { Outcome } from './types.js';

export interface MatchedPlan {
  /** The rebuilt plan cut down to what the saved plan asks for, under the saved ids. */
  plan: Plan;
  /** Saved work live state shows as done (or gone) since the plan was saved. */
  settled: Outcome[];
  /** One line per refused action or resource; any refusal means nothing is applied. */
  refused: string[];
}

/** Parameters that may differ between a saved and a rebuilt action of the same request. */
const VARIABLE_INPUT = new Set(['ResourceIds', 'ClientToken']);

const fixedInput = (action: PlanAction) => canonicalJson(Object.fromEntries(Object.entries(action.input).filter(([key]) => !VARIABLE_INPUT.has(key))));
const keyOf = (action: PlanAction) => `${action.kind}|${action.region}|${fixedInput(action)}`;

/**
 * `excluded`: resources the rebuilt plan leaves alone on purpose (`region|id` → why, in words), so a
 * saved plan that names one is refused saying so.
 */
export function matchSavedPlan(
  saved: Plan,
  rebuilt: Plan,
  live: Inventory,
  settings: Settings,
  excluded: ReadonlyMap<string, string> = new Map(),
): MatchedPlan {
  const refused: string[] = [];
  const settled: Outcome[] = [];
  const chosen: PlanAction[] = [];
  const rebuiltByKey = new Map<string, { action: PlanAction; index: number }[]>();
  rebuilt.actions.forEach((action, index) => {
    const list = rebuiltByKey.get(keyOf(action)) ?? [];
    list.push({ action, index });
    rebuiltByKey.set(keyOf(action), list);
  });
  const seenIds = new Set<string>();
  const seenResources = new Set<string>();
  const usedRebuilt = new Set<number>();
  let lastIndex = -1;

  for (const action of saved.actions) {
    const name = action.id;
    if (seenIds.has(action.id)) {
      refused.push(`${name}: the id appears twice`);
      continue;
    }
    seenIds.add(action.id);
    if (action.region !== 'global' && !rebuilt.settings.regions.includes(action.region)) {
      refused.push(`${name}: region ${action.region} is not one the plan was made for (${rebuilt.settings.regions.join(', ')})`);
      continue;
    }
    // A region that could not be read now, is denied by an organization policy, or is not enabled holds
    // nothing flowfix can know: its work must never pass for "gone" (reconcile sees no resources there).
    const notRead = live.regions.find((r) => r.region === action.region && r.status !== 'read');
    if (notRead && notRead.status !== 'read') {
      const why =
        notRead.status === 'denied'
          ? `is now denied by an organization policy (the ${describeOrganizationPolicy(notRead.deniedBy)})`
          : notRead.status === 'not-enabled'
            ? 'is not enabled in this account'
            : `could not be read (${notRead.error.code}), so nothing there is known`;
      refused.push(`${name}: ${action.region} ${why}`);
      continue;
    }
    const candidates = rebuiltByKey.get(keyOf(action)) ?? [];
    // Checked once the input is known to be one flowfix would send, so a changed input is named as such.
    const edited = editedDisplay(action, saved);
    const refuseEdited = () =>
      refused.push(`${name}: ${edited.join(', ')} ${edited.length === 1 ? 'differs' : 'differ'} from what flowfix renders for its input (edited by hand?)`);

    if (action.kind === 'create-flow-logs') {
      const verdicts = kindOf(action).reconcile(action, live);
      const rebuiltIds = new Set(candidates.flatMap((c) => (c.action.kind === 'create-flow-logs' ? c.action.input.ResourceIds : [])));
      const done = (i: number) => verdicts[i]!.status === 'already-done' || verdicts[i]!.status === 'skipped';
      if (candidates.length === 0 && !action.input.ResourceIds.every((_, i) => done(i)) && differsFromRebuilt(action, rebuilt)) {
        refused.push(`${name}: ${whyNot(action, rebuilt)}`);
        continue;
      }
      const before = refused.length;
      const keep = new Set<string>();
      action.input.ResourceIds.forEach((id, i) => {
        const resourceKey = `${action.region}|${id}`;
        if (seenResources.has(resourceKey)) return void refused.push(`${name}: ${id} is named twice`);
        seenResources.add(resourceKey);
        const verdict = verdicts[i]!;
        if (rebuiltIds.has(id)) keep.add(id);
        else if (verdict.status === 'already-done' || verdict.status === 'skipped') settled.push(outcomeOf(action, id, verdict.status, verdict.detail));
        else {
          const blocked = rebuilt.blocked.find((b) => b.region === action.region && b.resourceIds.includes(id));
          const exclusion = excluded.get(resourceKey);
          refused.push(
            `${name}: ${id} ${exclusion ? `is excluded (${exclusion})` : blocked ? `is blocked: ${blocked.reason}` : `is not a ${action.input.ResourceType} flowfix would give this flow log now`}`,
          );
        }
      });
      if (refused.length === before && edited.length > 0) refuseEdited();
      for (const { action: match, index } of candidates) {
        if (match.kind !== 'create-flow-logs') continue;
        const ids = match.input.ResourceIds.filter((id) => keep.has(id));
        if (ids.length === 0) continue;
        lastIndex = checkOrder(index, lastIndex, name, refused);
        usedRebuilt.add(index);
        chosen.push({ ...match, id: action.id, input: { ...match.input, ResourceIds: ids } } as PlanAction);
      }
      continue;
    }

    if (edited.length > 0 && (candidates.length > 0 || alreadyDone(action, live, settings))) {
      refuseEdited();
      continue;
    }
    const match = candidates.find((c) => !usedRebuilt.has(c.index));
    if (match) {
      lastIndex = checkOrder(match.index, lastIndex, name, refused);
      usedRebuilt.add(match.index);
      chosen.push({ ...match.action, id: action.id });
      continue;
    }
    const impossible = kindOf(action)
      .reconcile(action, live)
      .find((v) => v.status === 'failed');
    if (impossible?.status === 'failed') refused.push(`${name}: ${impossible.message}`);
    else if (alreadyDone(action, live, settings)) {
      for (const target of targetsOf(action)) settled.push(outcomeOf(action, target, 'already-done', 'done since the plan was saved'));
    } else if (managedBySettings(action, settings) && isPrerequisite(action) && !createsFlowLogsFor(action.region, rebuilt)) {
      for (const target of targetsOf(action)) settled.push(outcomeOf(action, target, 'skipped', 'not needed any more: no flow log left to create here'));
    } else refused.push(`${name}: ${whyNot(action, rebuilt)}`);
  }

  // Leaving out a prerequisite would make its flow logs fail: the rebuilt plan's prerequisites for the
  // flow logs kept must all be there.
  const needed = new Set(chosen.flatMap(prerequisitesNeededIn));
  if (refused.length === 0)
    rebuilt.actions.forEach((action, index) => {
      if (isPrerequisite(action) && needed.has(action.region) && !usedRebuilt.has(index))
        refused.push(`the plan leaves out ${action.kind} in ${action.region} (${action.description}), which its flow logs need`);
    });

  return { plan: { ...rebuilt, createdAt: saved.createdAt, actions: chosen }, settled, refused };
}

/** Display fields the file carries that differ from what flowfix renders for the action's input. */
function editedDisplay(action: PlanAction, saved: Pick<Plan, 'accountId' | 'partition'>): string[] {
  const rendered = withDisplay({ id: action.id, kind: action.kind, region: action.region, because: action.because, input: action.input }, saved);
  return (['description', 'permissions', 'service', 'operation'] as const).filter(
    (field) => action[field] !== undefined && canonicalJson(action[field]) !== canonicalJson(rendered[field]),
  );
}

function checkOrder(index: number, lastIndex: number, name: string, refused: string[]): number {
  if (index < lastIndex) refused.push(`${name}: out of order (flowfix sends it earlier)`);
  return Math.max(index, lastIndex);
}

/** Whether the action names only what these settings manage: their role and policy, their group and retention. */
const managedBySettings = (action: PlanAction, settings: Settings): boolean => kindOf(action).managedBy?.(action.input, settings) ?? false;

/** Where the action's work needs the prerequisites ('global': the delivery role). */
const prerequisitesNeededIn = (action: PlanAction): string[] => kindOf(action).needsPrerequisitesIn?.(action.input, action.region) ?? [];

/** Work live state already shows as done, for exactly the names these settings manage: nothing to send. */
function alreadyDone(action: PlanAction, live: Inventory, settings: Settings): boolean {
  return (
    managedBySettings(action, settings) &&
    kindOf(action)
      .reconcile(action, live)
      .every((v) => v.status === 'already-done')
  );
}

const isPrerequisite = (action: PlanAction) => isPrerequisiteOnly(action.because);

/** Whether the rebuilt plan still creates flow logs the action would serve ('global': any to CloudWatch Logs). */
const createsFlowLogsFor = (region: string, rebuilt: Plan) => rebuilt.actions.some((a) => prerequisitesNeededIn(a).includes(region));

/** True when the rebuilt plan has an action of this kind and region whose fixed parameters differ. */
function differsFromRebuilt(action: PlanAction, rebuilt: Plan): boolean {
  return rebuilt.actions.some((a) => a.kind === action.kind && a.region === action.region && fixedInput(a) !== fixedInput(action));
}

/** What differs from the closest action the rebuilt plan has, in words. */
function whyNot(action: PlanAction, rebuilt: Plan): string {
  const sameKind = rebuilt.actions.filter((a) => a.kind === action.kind && a.region === action.region);
  if (sameKind.length === 0) return `flowfix would not send ${action.operation} in ${action.region} for these settings now`;
  const closest = sameKind[0]!;
  const given = action.input as Record<string, unknown>;
  const expected = closest.input as Record<string, unknown>;
  const differing = [...new Set([...Object.keys(given), ...Object.keys(expected)])].filter(
    (key) => !VARIABLE_INPUT.has(key) && canonicalJson(given[key]) !== canonicalJson(expected[key]),
  );
  if (differing.length === 0) return 'its resources are not ones flowfix would fix now';
  return differing
    .map((key) =>
      POLICY_DOCUMENTS.has(key)
        ? `policy document differs from flowfix's least-privilege policy (${key}; edited by hand?)`
        : `${key} ${clip(given[key])} (flowfix would send ${clip(expected[key])})`,
    )
    .join(', ');
}

/** Shown as "differs", not quoted: an escaped JSON document in one line helps nobody. */
const POLICY_DOCUMENTS = new Set(['AssumeRolePolicyDocument', 'PolicyDocument']);

const clip = (value: unknown) => {
  const text = JSON.stringify(value) ?? 'nothing';
  return text.length > 80 ? `${text.slice(0, 77)}…` : text;
};

const outcomeOf = (action: PlanAction, resourceId: string, status: Outcome['status'], detail: string): Outcome => ({
  actionId: action.id,
  kind: action.kind,
  region: action.region,
  resourceId,
  status,
  detail,
});
