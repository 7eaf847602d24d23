// Data in, CSV out: one row per finding, RFC 4180 (CRLF line ends, a field quoted when it holds a comma,
// a quote or a line break, quotes doubled). A VPC's Name tag is anyone's free text, and a spreadsheet
// runs a cell that starts with = + - @ (or a tab or carriage return) as a formula: such cells get a
// leading ' and are quoted (OWASP's advice on CSV injection).
import { describeExclusionMark } from '../audit/exclusions.js';
import type { Finding } from '../audit/types.js';
import type { PlanReport } from '../report/plan-report.js';
import { takesUntrusted, visible } from './visible.js';

/** The columns, named as the JSON report names the fields, with the account first. */
export const CSV_COLUMNS = [
  'accountId',
  'region',
  'severity',
  'kind',
  'resourceType',
  'resourceId',
  'vpcId',
  'name',
  'remediable',
  'reason',
  'awsMessage',
  'flowLogIds',
  /** Why the resource is left alone on purpose (never planned); empty when it is not excluded. */
  'excluded',
] as const;

const FORMULA_START = /^[=+\-@\t\r]/;

/** One field: shown as `visible` makes it (no line break or control character is left), formula-proofed, quoted when needed. */
export function csvCell(raw: string): string {
  const value = visible(raw);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return safe !== value || /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** One header, then every finding of every account's report (one account: a run of one). */
export const renderCsv = takesUntrusted(function renderCsv(reports: readonly PlanReport[]): string {
  const cells = (accountId: string, f: Finding): Record<(typeof CSV_COLUMNS)[number], string> => ({
    accountId,
    region: f.region,
    severity: f.severity,
    kind: f.kind,
    resourceType: f.resourceType,
    resourceId: f.resourceId,
    vpcId: f.vpcId ?? '',
    name: f.name ?? '',
    remediable: String(f.remediable),
    reason: f.reason,
    awsMessage: f.awsMessage ?? '',
    flowLogIds: (f.flowLogIds ?? []).join(' '),
    excluded: f.excluded ? describeExclusionMark(f.excluded) : '',
  });
  const rows = reports.flatMap((r) => r.findings.map((f) => CSV_COLUMNS.map((c) => csvCell(cells(r.accountId, f)[c])).join(',')));
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
});
