// Data in, strings out: what `flowfix rollback` would delete and keep in an account, and the confirm.
import { targetsOf } from '../actions/action-kinds.js';
import type { KeptResource, RollbackPlan } from '../plan/build-rollback.js';
import { fit, indent, inner, plural, table } from './layout.js';
import { plainStyle, type Style } from './style.js';
import { actionRows, countPlannedActions, type RenderOptions } from './text.js';
import { takesUntrusted } from './visible.js';

/** "1,234,567 bytes (1.2 MB)": exact, then readable. */
export function formatBytes(bytes: number): string {
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = '';
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  const exact = `${bytes.toLocaleString('en-US')} byte${bytes === 1 ? '' : 's'}`;
  return unit ? `${exact} (${value.toFixed(1)} ${unit})` : exact;
}

const keptLine = (k: KeptResource): string => {
  const what =
    k.type === 'region'
      ? `region ${k.name}`
      : k.type === 'role'
        ? `role ${k.name}`
        : k.type === 'flow-log'
          ? `flow log ${k.name} in ${k.region}`
          : k.type === 'bucket-policy'
            ? `the bucket policy of ${k.name}`
            : `log group ${k.name} in ${k.region}`;
  const bytes = k.storedBytes !== undefined ? ` (${formatBytes(k.storedBytes)})` : '';
  return `Kept ${what}${bytes}: ${k.reason}`;
};

/** The plan of one account: its deletes, what stays and why, and one summary line. */
export const renderRollbackPlan = takesUntrusted(function renderRollbackPlan(
  plan: RollbackPlan,
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  const out: string[] = [];
  if (plan.actions.length > 0) {
    out.push(style.bold(`Rollback plan for account ${plan.accountId} (${plural(plan.actions.length, 'action')})`));
    out.push(indent(table(actionRows(plan.actions), style, false, inner(width))));
  }
  for (const k of plan.kept) out.push(fit(k.type === 'region' ? style.yellow(keptLine(k)) : keptLine(k), width));
  out.push(fit(rollbackSummary(plan), width));
  return out.join('\n');
});

/** "Rollback: 2 flow logs, 1 role policy, 1 role to delete." or that there is nothing to do. */
export const rollbackSummary = takesUntrusted(function rollbackSummary(plan: RollbackPlan): string {
  if (plan.actions.length === 0) return `Nothing to roll back in account ${plan.accountId}: nothing flowfix created is left to delete.`;
  const loses = plan.bytesToDelete > 0 ? ` Deleting the log groups loses ${formatBytes(plan.bytesToDelete)} of log data.` : '';
  return `Rollback: ${countPlannedActions(plan).delete} to delete.${loses}`;
});

/** The confirm: how much, where, and the log data that would be lost. */
export const rollbackQuestion = takesUntrusted(function rollbackQuestion(plans: RollbackPlan[]): string {
  const withWork = plans.filter((p) => p.actions.length > 0);
  const resources = withWork.reduce((n, p) => n + p.actions.reduce((m, a) => m + targetsOf(a).length, 0), 0);
  const where = withWork.length === 1 ? `account ${withWork[0]!.accountId}` : plural(withWork.length, 'account');
  const bytes = withWork.reduce((n, p) => n + p.bytesToDelete, 0);
  const groups = withWork.reduce((n, p) => n + p.actions.filter((a) => a.kind === 'delete-log-group').length, 0);
  const loss = groups > 0 ? ` This deletes ${plural(groups, 'log group')} holding ${formatBytes(bytes)} of log data, which cannot be recovered.` : '';
  return `Delete ${plural(resources, 'resource')} flowfix created in ${where}?${loss}`;
});
