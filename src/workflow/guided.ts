// Guided mode: the same read → audit → plan as `plan`, with the choices asked one at a time. The
// questions go through a Prompter and what to show goes out as typed views, so this runs in tests.
import { audit } from '../audit/audit.js';
import type { Finding } from '../audit/types.js';
import { parseS3Url, userSettingsSchema } from '../config/resolve-settings.js';
import { ALLOWED_RETENTION_DAYS, type Destination, type Settings } from '../config/settings.js';
import { collectInventory } from '../inventory/collect-inventory.js';
import { roleOf, type Inventory } from '../inventory/types.js';
import type { Choice, Prompter } from '../io/prompter.js';
import { buildPlan } from '../plan/build-plan.js';
import type { Plan } from '../plan/types.js';
import { loadPolicyTemplates } from '../policy/templates.js';
import type { PlanReport } from '../report/plan-report.js';
import { assess } from './assess.js';
import type { WorkflowDeps } from './deps.js';

/** What guided mode shows between questions; the CLI renders each. */
export type GuidedView =
  | { kind: 'identity'; accountId: string; arn: string; profile: string; credentials?: string }
  | { kind: 'assessment'; report: PlanReport }
  | { kind: 'no-regions' }
  | { kind: 'plan'; plan: Plan; settings: Settings; regions: string[]; leftOut: number };

export interface GuidedUi {
  ask: Prompter;
  show(view: GuidedView): void;
  /** Offered before the final question: save the plan to a file. */
  savePlan(path: string, plan: Plan): Promise<void>;
}

export interface GuidedChoice {
  plan: Plan;
  inventory: Inventory;
  settings: Settings;
  /** The user's "yes" to applying the plan. */
  apply: boolean;
}

export async function guide(base: Settings, profile: string, deps: WorkflowDeps, ui: GuidedUi): Promise<GuidedChoice> {
  const { ask } = ui;
  // 1. Who and where.
  const who = await deps.clients.callerIdentity();
  const credentials = deps.clients.credentialSource;
  ui.show({ kind: 'identity', accountId: who.accountId, arn: who.arn, profile, ...(credentials ? { credentials } : {}) });
  const assessment = await assess(base, deps);
  ui.show({ kind: 'assessment', report: assessment.report });

  // 2. Regions.
  const withFindings = new Set(assessment.audit.findings.filter(isTarget).map((f) => f.region));
  const regions = await ask.checkbox(
    'Step 2/5: which regions should flowfix fix? (regions with findings are preselected)',
    assessment.inventory.regions.map((r) => ({ name: r.region, value: r.region, checked: withFindings.has(r.region) })),
  );
  if (regions.length === 0) {
    ui.show({ kind: 'no-regions' });
    return { plan: assessment.plan, inventory: assessment.inventory, settings: base, apply: false };
  }

  // 3. How.
  const settings = await askSettings(ask, base, assessment.inventory, regions);

  // 4. Which resources: re-assess the inventory already read, with the chosen settings.
  let inventory = keepRegions(assessment.inventory, regions);
  if (settings.roleName !== base.roleName || logGroupOf(settings.destination) !== logGroupOf(base.destination)) {
    // The inventory holds the role and log group facts for the names it was read with; re-read for the new names.
    inventory = await collectInventory(deps.clients, settings, deps);
  }
  const auditResult = audit(inventory, settings);
  const targets = auditResult.findings.filter(isTarget);
  let kept = new Set(targets.map(key));
  if (targets.length > 0) {
    const byRegion = [...targets].sort((a, b) => a.region.localeCompare(b.region) || a.resourceId.localeCompare(b.resourceId));
    const picked = await ask.checkbox<string>(
      'Step 4/5: which resources should get a flow log? (all preselected; untick to leave one alone)',
      byRegion.map((f): Choice<string> => ({ name: `${f.region}  ${f.resourceId}${f.name ? ` (${f.name})` : ''}`, value: key(f), checked: true, description: f.reason })),
    );
    kept = new Set(picked);
  }
  const findings = auditResult.findings.filter((f) => !isTarget(f) || kept.has(key(f)));
  const plan = buildPlan({
    inventory,
    audit: { ...auditResult, findings },
    settings,
    templates: deps.templates ?? loadPolicyTemplates(),
    createdAt: new Date(deps.clock.now()).toISOString(),
  });

  // 5. Review and consent.
  ui.show({ kind: 'plan', plan, settings, regions, leftOut: targets.length - kept.size });
  if (plan.actions.length === 0) return { plan, inventory, settings, apply: false };
  if (await ask.confirm('Save this plan to a file first (for review, or `flowfix apply FILE` later)?', { default: false })) {
    const file = await ask.input('Plan file', { default: 'flowfix-plan.json', validate: (v) => (v.trim() ? true : 'enter a path') });
    await ui.savePlan(file.trim(), plan);
  }
  const apply = await ask.confirm(`Step 5/5: apply these ${plan.actions.length} actions to account ${plan.accountId}?`, { default: false });
  return { plan, inventory, settings, apply };
}

async function askSettings(ask: Prompter, base: Settings, inventory: Inventory, regions: string[]): Promise<Settings> {
  const scope = await ask.select(
    'Step 3/5: how should flowfix fix them? Scope',
    [
      { name: 'vpc (recommended)', value: 'vpc' as const, description: 'One flow log per VPC covers all its subnets; what CIS asks for' },
      { name: 'subnet', value: 'subnet' as const, description: 'Every subnet needs its own flow log, or its VPC\'s' },
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
    const name = await ask.input('Log group name (created in each region when missing)', { default: current, validate: (v) => fieldCheck('logGroupName', v.trim()) });
    destination = { type: 'cloud-watch-logs', logGroupName: name.trim() };
    retentionInDays = await ask.select(
      'Retention for log groups flowfix creates',
      ALLOWED_RETENTION_DAYS.map((n) => ({ name: `${n} days${n === 365 ? ' (recommended)' : ''}`, value: n as number })),
      { default: (ALLOWED_RETENTION_DAYS as readonly number[]).includes(base.retentionInDays) ? base.retentionInDays : 365 },
    );
    const kms = await ask.input('KMS key ARN to encrypt new log groups (empty = none)', {
      default: base.kmsKeyId ?? '',
      validate: (v) => (v.trim() === '' ? true : fieldCheck('kmsKeyId', v.trim())),
    });
    kmsKeyId = kms.trim() || undefined;
    const reuse = roleOf(inventory)?.roleName === base.roleName ? ` (${base.roleName} already exists and will be reused)` : ' (created if missing, existing ones are reused)';
    roleName = (await ask.input(`Delivery role name${reuse}`, { default: base.roleName, validate: (v) => fieldCheck('roleName', v.trim()) })).trim();
  }
  const settings: Settings = { ...base, scope, trafficType, destination, retentionInDays, roleName, regions };
  if (kmsKeyId) settings.kmsKeyId = kmsKeyId;
  else delete settings.kmsKeyId;
  return settings;
}

/** VPC/subnet findings fixed by a new flow log: what the user picks from. */
function isTarget(f: Finding): boolean {
  return f.remediable && (f.resourceType === 'VPC' || f.resourceType === 'Subnet');
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
