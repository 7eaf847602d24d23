// Data in, strings out: the permission preflight's "Permissions" section.
import type { DeniedBy, PermissionCheck } from '../plan/permission-check.js';
import { fit, indent, inner, plural, table } from './layout.js';
import { plainStyle, type Style } from './style.js';
import type { RenderOptions } from './text.js';
import { takesUntrusted } from './visible.js';

/** Which layer refused, as IAM's decision details say. */
const DENIED_BY: Record<DeniedBy, string> = {
  'organization-policy': 'SCP (organization)',
  'permissions-boundary': 'permissions boundary',
  'identity-policy': 'identity policy',
};

export const renderPermissionCheck = takesUntrusted(function renderPermissionCheck(
  check: PermissionCheck & { dryRunProbes?: { region: string; allowed: boolean; code: string; message?: string }[] },
  style: Style = plainStyle,
  { width }: RenderOptions = {},
): string {
  const title = style.bold('Permissions');
  if (check.status === 'unavailable') {
    const lines = [title, fit(style.yellow(`  Permission check unavailable: ${check.message ?? 'no reason given'}`), width, 4)];
    for (const p of check.dryRunProbes ?? []) {
      lines.push(
        fit(
          p.allowed
            ? `  dry run ${p.region}: CreateFlowLogs would be allowed (${p.code})`
            : style.red(`  dry run ${p.region}: CreateFlowLogs refused: ${p.code}: ${p.message ?? ''}`),
          width,
          4,
        ),
      );
    }
    return lines.join('\n');
  }
  const who = check.principal ? ` for ${check.principal}` : '';
  const undecided = check.undecided ?? [];
  const lines = [title];
  if (check.missing.length === 0) {
    const allowed =
      undecided.length === 0
        ? `all ${plural(check.needed, 'permission')} allowed`
        : `${check.needed - undecided.length} of ${plural(check.needed, 'permission')} allowed, none missing`;
    lines.push(fit(style.green(`  ${allowed}${who}`), width, 4));
  } else {
    const rows = [
      ['REGION', 'ACTION', 'RESOURCE', 'DECISION', 'DENIED BY'],
      ...check.missing.map((m) => [m.region ?? '', m.action, m.resource, m.decision, DENIED_BY[m.deniedBy ?? 'identity-policy']]),
    ];
    lines.push(fit(style.red(`  ${check.missing.length} of ${plural(check.needed, 'permission')} missing${who}: grant these before applying`), width, 4));
    lines.push(indent(table(rows, style, true, inner(width))));
  }
  if (undecided.length > 0) {
    const keys = [...new Set(undecided.flatMap((u) => u.missingContextValues))].sort();
    lines.push(
      fit(
        style.yellow(
          `  ${undecided.length} could not be decided: the policies test ${keys.join(', ')}, whose values flowfix cannot know (not counted as missing)`,
        ),
        width,
        4,
      ),
    );
    for (const u of undecided) lines.push(fit(`    ${u.region ?? ''} ${u.action} ${u.resource}`, width, 6));
  }
  return lines.join('\n');
});
