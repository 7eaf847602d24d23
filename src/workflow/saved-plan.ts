// `flowfix apply FILE`: the file is a request. Its settings are validated like any settings, the plan
// is rebuilt from them against live state, and only what both contain is carried out.
import { matchSavedPlan, type MatchedPlan } from '../apply/match-saved-plan.js';
import { describeExclusionMark } from '../audit/exclusions.js';
import { toFlowfixError } from '../aws/errors.js';
import { flagFor, type FlagSettings } from '../config/flags.js';
import { resolveSettings } from '../config/resolve-settings.js';
import type { Settings } from '../config/settings.js';
import { FlowfixError } from '../errors.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import type { Inventory } from '../inventory/types.js';
import { planInvalid, readPlanFile, type SavedPlan } from '../plan/plan-file.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import type { PlanReport } from '../report/plan-report.js';
import { assessInventory } from './assess.js';
import type { WorkflowDeps } from './deps.js';

/** Settings a saved plan fixes; a flag for one of these must agree with the file. */
const PLAN_SETTING_KEYS = [
  'scope',
  'trafficType',
  'destination',
  'logGroupName',
  'roleName',
  'policyName',
  'retentionInDays',
  'minRetentionDays',
  'kmsKeyId',
  'regions',
  'region',
  'exclude',
  'excludeTags',
  'skipDefaultVpcs',
  'tags',
  'permissionsBoundary',
  'rolePath',
  'logFormat',
  'maxAggregationInterval',
  'fileFormat',
  'hiveCompatiblePartitions',
  'perHourPartition',
] as const;

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

/** The file's settings, validated by the same rules as flags and settings files. */
function settingsOfPlan(saved: SavedPlan, path: string, base: Settings): Settings {
  const { destination, ...rest } = saved.settings;
  const cloudWatch = /^cloud-watch-logs:(.+)$/.exec(destination);
  const asUserSettings = {
    ...rest,
    ...(cloudWatch ? { destination: 'cloud-watch-logs', logGroupName: cloudWatch[1] } : { destination }),
  };
  const fromFile = resolveSettings({}, { path: `${path} settings`, value: asUserSettings });
  // Optional settings the file leaves out are unset, whatever the run's base had.
  const optional = {
    kmsKeyId: fromFile.kmsKeyId,
    permissionsBoundary: fromFile.permissionsBoundary,
    rolePath: fromFile.rolePath,
    logFormat: fromFile.logFormat,
    maxAggregationInterval: fromFile.maxAggregationInterval,
    fileFormat: fromFile.fileFormat,
    hiveCompatiblePartitions: fromFile.hiveCompatiblePartitions,
    perHourPartition: fromFile.perHourPartition,
  };
  return {
    ...base,
    ...pick(fromFile, ['scope', 'trafficType', 'destination', 'roleName', 'policyName', 'retentionInDays', 'minRetentionDays', 'regions']),
    ...optional,
    // Always the plan's own (none when it has none), never today's settings file: the plan was reviewed with these.
    exclude: fromFile.exclude,
    skipDefaultVpcs: fromFile.skipDefaultVpcs,
    tags: fromFile.tags,
  } as Settings;
}

function rejectConflictingFlags(flags: FlagSettings, settings: Settings, path: string): void {
  // S3-only flags are checked against an S3 plan's destination when no --destination is typed with them.
  const s3OnlyTyped = flags.fileFormat !== undefined || flags.hiveCompatiblePartitions !== undefined || flags.perHourPartition !== undefined;
  const planned = settings.destination;
  const fromFlags = resolveSettings(
    s3OnlyTyped && flags.destination === undefined && planned.type === 's3' ? { ...flags, destination: `s3://${planned.bucket}/${planned.prefix}` } : flags,
    null,
  );
  const conflicts = PLAN_SETTING_KEYS.filter((key) => flags[key] !== undefined).filter((key) => {
    switch (key) {
      case 'destination':
        return fromFlags.destination.type !== settings.destination.type || JSON.stringify(fromFlags.destination) !== JSON.stringify(settings.destination);
      case 'logGroupName':
        return (
          settings.destination.type !== 'cloud-watch-logs' ||
          settings.destination.logGroupName !== (fromFlags.destination.type === 'cloud-watch-logs' ? fromFlags.destination.logGroupName : undefined)
        );
      case 'regions':
      case 'region': // --region and --regions name the regions together (resolveSettings merges them)
        return JSON.stringify([...new Set(fromFlags.regions)].sort()) !== JSON.stringify([...(settings.regions ?? [])].sort());
      // The plan's exclusions may come from a settings file too: each one typed must be among them.
      case 'exclude':
        return fromFlags.exclude.some((e) => e.id !== undefined && !settings.exclude.some((s) => s.id === e.id));
      case 'excludeTags':
        return fromFlags.exclude.some((e) => e.tag !== undefined && !settings.exclude.some((s) => s.tag === e.tag));
      case 'tags':
        return Object.entries(fromFlags.tags).some(([key, value]) => settings.tags[key] !== value);
      default:
        return JSON.stringify(fromFlags[key]) !== JSON.stringify(settings[key]);
    }
  });
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

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Pick<T, K> {
  return Object.fromEntries(keys.filter((k) => value[k] !== undefined).map((k) => [k, value[k]])) as Pick<T, K>;
}
