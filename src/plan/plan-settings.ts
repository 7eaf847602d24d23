// The settings a plan records, declared once: planSettingsSchema is the plan file's `settings` (and so
// schemas/plan.v1.schema.json); the type buildPlan records and apply reads back, the list of settings a
// saved plan fixes (a flag for one must agree with the file) and the record itself are derived from it.
// A setting the plan should record is one line here. Values are kept as Settings holds them; the values
// read back are validated by the same rules as flags and settings files (resolveSettings), so the types
// here stay loose. Only the destination has another form in the file, written and read by one codec.
import * as z from 'zod';

import { parseS3Url } from '../config/resolve-settings.js';
import { describeDestination, type Destination, type Settings } from '../config/settings.js';
import { logGroupName } from '../facts/names.js';

const CLOUD_WATCH_PREFIX = 'cloud-watch-logs:';

/** cloud-watch-logs:NAME or s3://bucket/prefix/ in the file (as reports show it); structured everywhere else. */
const destination = z.codec(z.string(), z.custom<Destination>(), {
  decode: (text, ctx): Destination => {
    if (text.startsWith(CLOUD_WATCH_PREFIX)) {
      const name = text.slice(CLOUD_WATCH_PREFIX.length);
      const checked = logGroupName.safeParse(name);
      if (checked.success) return { type: 'cloud-watch-logs', logGroupName: name };
      ctx.issues.push({ code: 'custom', message: `log group ${checked.error.issues[0]!.message}`, input: text });
    } else {
      const s3 = parseS3Url(text);
      if (s3) return { type: 's3', ...s3 };
      ctx.issues.push({ code: 'custom', message: 'must be cloud-watch-logs:LOG-GROUP or s3://bucket/prefix/', input: text });
    }
    return z.NEVER;
  },
  encode: describeDestination,
});

export const planSettingsSchema = z.strictObject({
  scope: z.string(),
  trafficType: z.string(),
  destination,
  roleName: z.string(),
  policyName: z.string().optional(),
  retentionInDays: z.number(),
  minRetentionDays: z.number().optional(),
  kmsKeyId: z.string().optional(),
  permissionsBoundary: z.string().optional(),
  rolePath: z.string().optional(),
  /** The regions the plan was made for (read), whether named or every enabled one. */
  regions: z.array(z.string()),
  exclude: z.array(z.unknown()).optional(),
  skipDefaultVpcs: z.boolean().optional(),
  tags: z.record(z.string(), z.string()).optional(),
  logFormat: z.string().optional(),
  maxAggregationInterval: z.number().optional(),
  fileFormat: z.string().optional(),
  hiveCompatiblePartitions: z.boolean().optional(),
  perHourPartition: z.boolean().optional(),
  /** --require-fields: flowfix's own flow logs without them are replaced (absent: none required). */
  requireFields: z.array(z.string()).optional(),
});

type Recorded = z.input<typeof planSettingsSchema>;
export type PlanSettingKey = keyof Recorded;
type RequiredKey = { [K in PlanSettingKey]-?: object extends Pick<Recorded, K> ? never : K }[PlanSettingKey];
type SettingKey = Exclude<PlanSettingKey, 'regions'>;

/** What buildPlan reads: every recorded setting (regions come from the inventory). */
export type PlannedSettings = Pick<Settings, SettingKey>;

/** The settings that shaped a plan, as Settings holds them (unset ones left out): what `flowfix apply FILE` rebuilds it from. */
export type PlanSettings = Partial<PlannedSettings> & Pick<Settings, Exclude<RequiredKey, 'regions'>> & { regions: string[] };

/** The plan file's form of them. */
export type PlanSettingsDocument = Recorded;

export const PLAN_SETTING_KEYS = Object.keys(planSettingsSchema.shape) as PlanSettingKey[];

const isOptional = (key: PlanSettingKey) => planSettingsSchema.shape[key].safeParse(undefined).success;

/** Unset: absent, false, or empty; left out of the record, so plans without a setting read as before. */
const isUnset = (value: unknown) =>
  value === undefined ||
  value === false ||
  (Array.isArray(value) ? value.length === 0 : typeof value === 'object' && value !== null && Object.keys(value).length === 0);

/** The plan's record of `settings`, made in `regions`. */
export function recordPlanSettings(settings: PlannedSettings, regions: readonly string[]): PlanSettings {
  const values = { ...settings, regions: [...regions] } as Record<PlanSettingKey, unknown>;
  return Object.fromEntries(
    PLAN_SETTING_KEYS.filter((key) => !(isOptional(key) && isUnset(values[key]))).map((key) => [key, structuredClone(values[key])]),
  ) as PlanSettings;
}

/** As the plan file holds them. */
export const planSettingsDocument = (settings: PlanSettings): PlanSettingsDocument =>
  z.encode(planSettingsSchema, settings as z.output<typeof planSettingsSchema>);
