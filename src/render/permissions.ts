// Data in, strings out: the permission preflight's "Permissions" section.
import { takesUntrusted } from './visible.js';
import type { PermissionCheck } from '../plan/permission-check.js';
import { plainStyle, type Style } from './style.js';
import { fit, indent, inner, plural, table } from './layout.js';
import type { RenderOptions } from './text.js';

export const renderPermissionCheck = takesUntrusted(function renderPermissionCheck(
  check: PermissionCheck & { dryRunProbes?: { region: string; allowed: boolean; code: string; message?: string }[] },
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  const title = style.bold('Permissions');
  if (check.status === 'unavailable') {
    const lines = [title, fit(style.yellow(`  Permission check unavailable: ${check.message ?? 'no reason given'}`), width, 4)];
    for (const p of check.dryRunProbes ?? []) {
      lines.push(fit(p.allowed ? `  dry run ${p.region}: CreateFlowLogs would be allowed (${p.code})` : style.red(`  dry run ${p.region}: CreateFlowLogs refused: ${p.code}: ${p.message ?? ''}`), width, 4));
    }
    return lines.join('\n');
  }
  const who = check.principal ? ` for ${check.principal}` : '';
  if (check.missing.length === 0) return `${title}\n${fit(style.green(`  all ${plural(check.needed, 'permission')} allowed${who}`), width, 4)}`;
  const rows = [['ACTION', 'RESOURCE', 'DECISION'], ...check.missing.map((m) => [m.action, m.resource, m.decision])];
  const summary = style.red(`  ${check.missing.length} of ${plural(check.needed, 'permission')} missing${who}: grant these before applying`);
  return `${title}\n${fit(summary, width, 4)}\n${indent(table(rows, style, true, inner(width)))}`;
});
