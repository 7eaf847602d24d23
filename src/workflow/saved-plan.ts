// `flowfix apply FILE`: the file is a request. Its settings are validated like any settings, the plan
// is rebuilt from them against live state, and only what both contain is carried out.
import { matchSavedPlan, type MatchedPlan } from '../apply/match-saved-plan.js';
import { describeExclusionMark } from '../audit/exclusions.js';
import { toFlowfixError } from '../aws/errors.js';
import { flagFor, settingOf, type FlagSettings, type SettingKey } from '../config/flags.js';
import { resolveSettings } from '../config/resolve-settings.js';
import { DEFAULT_SETTINGS, type Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { planInvalid, readPlanFile, type SavedPlan } from '../plan/plan-file.js';
import { PLAN_SETTING_KEYS, type PlanSettingKey } from '../plan/plan-settings.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import type { PlanReport } from '../report/plan-report.js';
import { canonicalJson } from '../util/canonical-json.js';
import { assessInventory } from './assess.js';
import type { WorkflowDeps } from './deps.js';

export interface LoadedSavedPlan extends MatchedPlan {
  live: Inventory;
  settings: Settings;
  /** From rebuilding the plan: e.g. an exclusion that has expired since the plan was saved. */
  warnings: PlanReport['warnings'];
}

/**
 * Reads and checks a saved plan before any AWS call, then rebuilds it against live state.
 * `flags`: the settings flags the user typed (compared with the file's); `base`: the run's settings
 * (profile, endpoint, concurrency), which the file does not carry.
 */
export async function loadSavedPlan(path: string, flags: FlagSettings, base: Settings, deps: WorkflowDeps): Promise<LoadedSavedPlan> {
  const saved = await readPlanFile(path);
  const settings = settingsOfPlan(saved, path, base);
  rejectConflictingFlags(flags, settings, path);

  const { accountId } = await deps.clients.callerIdentity().catch((err: unknown) => {
    throw toFlowfixError(err, 'Reading the account id (sts:GetCallerIdentity)');
  });
  if (saved.accountId !== accountId) {
    throw new FlowfixError('PlanAccountMismatch', `plan ${path} was made for account ${saved.accountId}, but these credentials are for ${accountId}`, {
      hint: `use credentials of account ${saved.accountId} (--profile), or enter it from here with --assume-role ROLE (as the plan was made with --org/--accounts), or make a new plan for this one`,
    });
  }
  const live = await collectInventory(deps.clients, settings, deps);
  if (live.partition !== saved.partition) throw planInvalid(path, `made for partition ${saved.partition}, but these credentials are in ${live.partition}`);
  const { plan: rebuilt, report } = assessInventory(live, settings, deps.templates ?? loadPolicyTemplates(), new Date(deps.clock.now()));
  const excluded = new Map(report.excluded.map((e) => [`${e.region}|${e.resourceId}`, describeExclusionMark(e)]));
  const matched = matchSavedPlan({ ...saved, settings: rebuilt.settings }, rebuilt, live, settings, excluded);
  if (matched.refused.length > 0) {
    const shown = matched.refused.slice(0, 3).join('; ');
    throw new FlowfixError(
      'PlanRefused',
      `plan ${path} asks for what flowfix would not do now: ${shown}${matched.refused.length > 3 ? `; and ${matched.refused.length - 3} more` : ''}`,
      {
        hint: 'nothing was changed; make a new plan with `flowfix plan --out FILE` and review it',
      },
    );
  }
  return { ...matched, live, settings, warnings: report.warnings };
}

/** The file's settings over the run's (profile, endpoint, concurrency), validated by the same rules as flags and settings files. */
function settingsOfPlan(saved: SavedPlan, path: string, base: Settings): Settings {
  const { destination, ...recorded } = saved.settings;
  // A setting the file leaves out is the default (unset for optional ones), whatever the run's settings
  // file says: the plan was reviewed with these.
  const unset = Object.fromEntries(PLAN_SETTING_KEYS.map((key) => [key, key === 'destination' ? destination : DEFAULT_SETTINGS[key]]));
  return resolveSettings({}, { path: `${path} settings`, value: recorded }, { ...base, ...unset });
}

/** How recorded settings compare: regions as a set, exclusions by what they leave alone (one typed has its own reason). */
const comparable = (settings: Settings, key: PlanSettingKey): unknown =>
  key === 'regions'
    ? [...new Set(settings.regions)].sort()
    : key === 'exclude'
      ? [...new Set(settings.exclude.map((e) => e.id ?? `tag ${e.tag}`))].sort()
      : settings[key];

/** Flags for settings the plan records must agree with it: the plan's settings with them typed over must still be the plan's. */
function rejectConflictingFlags(flags: FlagSettings, planned: Settings, path: string): void {
  const typed = (Object.keys(flags) as SettingKey[]).filter((key) => flags[key] !== undefined && (PLAN_SETTING_KEYS as string[]).includes(settingOf(key)));
  if (typed.length === 0) return;
  const overlaid = resolveSettings(Object.fromEntries(typed.map((key) => [key, flags[key]])), null, planned);
  const differing = PLAN_SETTING_KEYS.filter((key) => canonicalJson(comparable(overlaid, key)) !== canonicalJson(comparable(planned, key)));
  const conflicts = typed.filter((key) => (differing as string[]).includes(settingOf(key)));
  if (conflicts.length > 0) {
    throw new FlowfixError(
      'PlanFlagConflict',
      `${conflicts.map(flagFor).join(', ')} ${conflicts.length === 1 ? 'differs' : 'differ'} from the settings saved in ${path}`,
      {
        hint: 'a saved plan is applied with its own settings: drop the flag, or make a new plan with it',
      },
    );
  }
}
