// Guided mode: the same read → audit → plan as `plan`, with the choices asked one at a time. The
// questions go through a Prompter and what to show goes out as typed views, so this runs in tests.
import { audit } from '../audit/audit.js';
import type { Finding } from '../audit/types.js';
import type { OrganizationApi } from '../aws/api.js';
import { FLAG_EXCLUSION_REASON } from '../config/flags.js';
import { parseS3Url, userSettingsSchema } from '../config/resolve-settings.js';
import { ALLOWED_RETENTION_DAYS, type Destination, type Settings } from '../config/settings.js';
import { isFlowfixError } from '../errors.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import { roleOf, type Inventory } from '../inventory/types.js';
import type { Choice, Prompter } from '../io/prompter.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/types.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import { planExitCode, type PlanReport } from '../report/plan-report.js';
import { plural } from '../util/plural.js';
import { assess } from './assess.js';
import type { WorkflowDeps } from './deps.js';
import { EXIT } from './exit-codes.js';

/** What guided mode shows between questions; the CLI renders each. */
export type GuidedView =
  | { kind: 'identity'; accountId: string; arn: string; profile: string; credentials?: string }
  /** The caller can list an organization: the same work is on offer for every account. */
  | { kind: 'organization'; accounts: number }
  /** Step 1's short summary: counts per region (the whole report is `flowfix plan`'s). */
  | { kind: 'summary'; report: PlanReport }
  /** Nothing to fix: guided stops here. */
  | { kind: 'compliant'; report: PlanReport }
  | { kind: 'no-regions' }
  | { kind: 'retention-below-minimum'; retentionInDays: number; minRetentionDays: number }
  /** Every resource unticked at step 4: nothing to apply, and no command to offer. */
  | { kind: 'nothing-picked'; offered: number }
  /** The plan could not be written where asked: why, before asking again. */
  | { kind: 'plan-not-saved'; path: string; reason: string }
  /** `settings` hold the resources unticked at step 4 as exclusions (`leftOut` of them): the command they print does the same. */
  | { kind: 'plan'; plan: Plan; settings: Settings; regions: string[]; leftOut: number };

export interface GuidedUi {
  ask: Prompter;
  show(view: GuidedView): void;
  /** Offered before the final question: save the plan to a file. */
  savePlan(path: string, plan: Plan): Promise<void>;
}

/** The user's "yes" to applying the plan, or why guided stopped without one. */
export type GuidedChoice =
  { apply: true; plan: Plan; inventory: Inventory; settings: Settings } | { apply: false; why: 'compliant' | 'nothing-to-apply' | 'declined' };

export async function guide(base: Settings, profile: string, deps: WorkflowDeps & { organizations?: OrganizationApi }, ui: GuidedUi): Promise<GuidedChoice> {
  const { ask } = ui;
  // 1. Who and where.
  const who = await deps.clients.callerIdentity();
  const credentials = deps.clients.credentialSource;
  ui.show({ kind: 'identity', accountId: who.accountId, arn: who.arn, profile, ...(credentials ? { credentials } : {}) });
  const members = await organizationSize(deps.organizations);
  if (members > 1) ui.show({ kind: 'organization', accounts: members });
  const assessment = await assess(base, deps);
  if (planExitCode(assessment.report, base) === EXIT.ok) {
    ui.show({ kind: 'compliant', report: assessment.report });
    return { apply: false, why: 'compliant' };
  }
  ui.show({ kind: 'summary', report: assessment.report });

  // 2. Regions: the ones named with --regions (or the settings file), else those with findings.
  const preselected = base.regions ? new Set(base.regions) : new Set(assessment.audit.findings.filter(isTarget).map((f) => f.region));
  // Regions an organization policy denies, or the account never enabled, are no choice.
  const regionChoices = assessment.inventory.regions
    .filter((r) => r.status !== 'denied' && r.status !== 'not-enabled')
    .map((r) => ({ name: r.region, value: r.region, checked: preselected.has(r.region) }));
  const regionQuestion = `Step 2/5: which regions should flowfix fix? (${base.regions ? 'the regions you named' : 'regions with findings'} are preselected)`;
  let regions = await ask.checkbox(regionQuestion, regionChoices);
  while (regions.length === 0) {
    ui.show({ kind: 'no-regions' });
    regions = await ask.checkbox(regionQuestion, regionChoices);
  }

  // 3. How.
  const settings = await askSettings(ui, base, assessment.inventory, regions);

  // 4. Which resources: re-assess the inventory already read, with the chosen settings.
  let inventory = keepRegions(assessment.inventory, regions);
  if (settings.roleName !== base.roleName || logGroupOf(settings.destination) !== logGroupOf(base.destination)) {
    // The inventory holds the role and log group facts for the names it was read with; re-read for the new names.
    inventory = await collectInventory(deps.clients, settings, deps);
  }
  const auditResult = audit(inventory, settings, new Date(deps.clock.now()));
  const targets = auditResult.findings.filter(isTarget);
  let kept = new Set(targets.map(key));
  if (targets.length > 0) {
    const byRegion = [...targets].sort((a, b) => a.region.localeCompare(b.region) || a.resourceId.localeCompare(b.resourceId));
    const picked = await ask.checkbox<string>(
      'Step 4/5: which resources should get a flow log? (all preselected; untick to leave one alone)',
      byRegion.map((f): Choice<string> => ({
        name: `${f.region}  ${f.resourceId}${f.name ? ` (${f.name})` : ''}`,
        value: key(f),
        checked: true,
        description: f.reason,
      })),
    );
    kept = new Set(picked);
  }
  if (targets.length > 0 && kept.size === 0) {
    ui.show({ kind: 'nothing-picked', offered: targets.length });
    return { apply: false, why: 'nothing-to-apply' };
  }
  // What was unticked is excluded, as `--exclude` would: the plan and the command printed for it agree.
  const unticked = targets.filter((f) => !kept.has(key(f))).map((f) => f.resourceId);
  const chosen: Settings =
    unticked.length === 0 ? settings : { ...settings, exclude: [...settings.exclude, ...unticked.map((id) => ({ id, reason: FLAG_EXCLUSION_REASON.id }))] };
  const plan = buildPlan({
    inventory,
    audit: unticked.length === 0 ? auditResult : audit(inventory, chosen, new Date(deps.clock.now())),
    settings: chosen,
    templates: deps.templates ?? loadPolicyTemplates(),
    createdAt: new Date(deps.clock.now()).toISOString(),
  });

  // 5. Review and consent.
  ui.show({ kind: 'plan', plan, settings: chosen, regions, leftOut: unticked.length });
  if (plan.actions.length === 0) return { apply: false, why: 'nothing-to-apply' };
  if (await ask.confirm('Save this plan to a file first (for review, or `flowfix apply FILE` later)?', { default: false })) await askAndSave(ui, plan);
  // The same count and unit as the plan's title ("Plan for account … (8 actions)").
  const n = plan.actions.length;
  const apply = await ask.confirm(`Step 5/5: apply ${n === 1 ? '1 action' : `these ${plural(n, 'action')}`} to account ${plan.accountId}?`, { default: false });
  return apply ? { apply, plan, inventory, settings: chosen } : { apply, why: 'declined' };
}

/**
 * Asks where to save the plan until it is written: a path that cannot be written (no such directory, not
 * allowed) is said, and asked again, never the end of the session; an empty answer goes on without saving.
 */
async function askAndSave({ ask, show, savePlan }: GuidedUi, plan: Plan): Promise<void> {
  let question = 'Plan file';
  let fallback: string | undefined = 'flowfix-plan.json';
  for (;;) {
    const file = (
      await ask.input(question, { ...(fallback ? { default: fallback } : {}), validate: (v) => (v.trim() || !fallback ? true : 'enter a path') })
    ).trim();
    if (file === '') return;
    try {
      return await savePlan(file, plan);
    } catch (err) {
      if (!isFlowfixError(err) || err.code !== 'PlanNotSaved') throw err;
      show({ kind: 'plan-not-saved', path: file, reason: err.message });
      question = 'Plan file (another path, or empty to go on without saving)';
      fallback = undefined;
    }
  }
}

async function askSettings(ui: GuidedUi, base: Settings, inventory: Inventory, regions: string[]): Promise<Settings> {
  const { ask } = ui;
  const scope = await ask.select(
    'Step 3/5: how should flowfix fix them? Scope',
    [
      { name: 'vpc (recommended)', value: 'vpc' as const, description: 'One flow log per VPC covers all its subnets; what CIS asks for' },
      { name: 'subnet', value: 'subnet' as const, description: "Every subnet needs its own flow log, or its VPC's" },
    ],
    { default: base.scope },
  );
  const trafficType = await ask.select(
    'Traffic to capture',
    [
      { name: 'REJECT (recommended by CIS)', value: 'REJECT' as const, description: 'Only rejected traffic: what CIS requires, and the cheapest' },
      { name: 'ALL', value: 'ALL' as const, description: 'Accepted and rejected traffic: more detail, but costs more in log ingestion' },
    ],
    { default: base.trafficType },
  );
  const destinationType = await ask.select(
    'Where should flow logs go?',
    [
      { name: 'CloudWatch Logs', value: 'cloud-watch-logs' as const, description: 'A log group per region, with a delivery role; easy to query' },
      { name: 'S3', value: 's3' as const, description: 'An existing bucket; no role needed, cheaper to keep for long' },
    ],
    { default: base.destination.type },
  );

  let destination: Destination;
  let retentionInDays = base.retentionInDays;
  let minRetentionDays = base.minRetentionDays;
  let kmsKeyId = base.kmsKeyId;
  let roleName = base.roleName;
  if (destinationType === 's3') {
    const current = base.destination.type === 's3' ? `s3://${base.destination.bucket}/${base.destination.prefix}` : undefined;
    const url = await ask.input('S3 destination (s3://bucket/prefix)', {
      ...(current ? { default: current } : {}),
      validate: (v) => (parseS3Url(v.trim()) ? true : 'must be s3://bucket[/prefix] (prefix may not start with AWSLogs)'),
    });
    destination = { type: 's3', ...parseS3Url(url.trim())! };
  } else {
    const current = base.destination.type === 'cloud-watch-logs' ? base.destination.logGroupName : '/flowfix/vpc-flow-logs';
    const name = await ask.input('Log group name (created in each region when missing)', {
      default: current,
      validate: (v) => fieldCheck('logGroupName', v.trim()),
    });
    destination = { type: 'cloud-watch-logs', logGroupName: name.trim() };
    ({ retentionInDays, minRetentionDays } = await askRetention(ui, base));
    const kms = await ask.input('KMS key ARN to encrypt new log groups (empty = none)', {
      default: base.kmsKeyId ?? '',
      validate: (v) => (v.trim() === '' ? true : fieldCheck('kmsKeyId', v.trim())),
    });
    kmsKeyId = kms.trim() || undefined;
    const reuse =
      roleOf(inventory)?.roleName === base.roleName
        ? ` (${base.roleName} already exists and will be reused)`
        : ' (created if missing, existing ones are reused)';
    roleName = (await ask.input(`Delivery role name${reuse}`, { default: base.roleName, validate: (v) => fieldCheck('roleName', v.trim()) })).trim();
  }
  const settings: Settings = { ...base, scope, trafficType, destination, retentionInDays, minRetentionDays, roleName, regions };
  if (kmsKeyId) settings.kmsKeyId = kmsKeyId;
  else delete settings.kmsKeyId;
  return settings;
}

/**
 * Retention for the log groups flowfix creates. One shorter than the minimum flowfix audits against would
 * make them findings of the next `flowfix plan` (and `flowfix apply` refuses that pair): say so, and either
 * ask again or, when the user keeps it, audit against it too, so the command shown at the end runs as is.
 */
async function askRetention({ ask, show }: GuidedUi, base: Settings): Promise<{ retentionInDays: number; minRetentionDays: number }> {
  const minimum = base.minRetentionDays;
  const label = (n: number) =>
    `${plural(n, 'day')}${n === 365 ? ' (recommended)' : ''}${n < minimum ? ` (below the ${minimum}-day minimum flowfix audits against)` : ''}`;
  let fallback = (ALLOWED_RETENTION_DAYS as readonly number[]).includes(base.retentionInDays) ? base.retentionInDays : 365;
  for (;;) {
    const retentionInDays = await ask.select(
      'Retention for log groups flowfix creates',
      ALLOWED_RETENTION_DAYS.map((n) => ({ name: label(n), value: n as number })),
      { default: fallback },
    );
    if (retentionInDays >= minimum) return { retentionInDays, minRetentionDays: minimum };
    show({ kind: 'retention-below-minimum', retentionInDays, minRetentionDays: minimum });
    if (
      await ask.confirm(`Keep ${plural(retentionInDays, 'day')}, and audit retention against ${retentionInDays} days instead of ${minimum}?`, {
        default: false,
      })
    ) {
      return { retentionInDays, minRetentionDays: retentionInDays };
    }
    fallback = minimum <= 365 ? 365 : (ALLOWED_RETENTION_DAYS.find((n) => n >= minimum) ?? 365);
  }
}

/** ACTIVE accounts the caller can list; 0 when it cannot (not the management account, or no organization). */
async function organizationSize(organizations: OrganizationApi | undefined): Promise<number> {
  if (!organizations) return 0;
  try {
    return (await organizations.listAccounts()).filter((a) => a.state === 'ACTIVE').length;
  } catch {
    return 0; // guided mode goes on with this account alone
  }
}

/** VPC/subnet findings fixed by a new flow log: what the user picks from (excluded ones are not offered). */
function isTarget(f: Finding): boolean {
  return f.remediable && !f.excluded && (f.resourceType === 'VPC' || f.resourceType === 'Subnet');
}

const key = (f: Finding) => `${f.region}/${f.resourceId}`;

function keepRegions(inventory: Inventory, regions: string[]): Inventory {
  const wanted = new Set(regions);
  return { ...inventory, regions: inventory.regions.filter((r) => wanted.has(r.region)) };
}

function logGroupOf(d: Destination): string | undefined {
  return d.type === 'cloud-watch-logs' ? d.logGroupName : undefined;
}

function fieldCheck(field: 'logGroupName' | 'roleName' | 'kmsKeyId', value: string): true | string {
  const result = userSettingsSchema.shape[field].safeParse(value);
  return result.success ? true : (result.error.issues[0]?.message ?? 'invalid value');
}
