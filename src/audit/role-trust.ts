// Does a role's trust policy let VPC Flow Logs assume it for this account?
import type { PolicyDocument } from '../inventory/types.js';
import { statementsOf } from '../policy/evaluate.js';

export const FLOW_LOGS_SERVICE = 'vpc-flow-logs.amazonaws.com';

const asList = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** null when trusted; otherwise what is wrong, phrased to follow "Delivery role X …". */
export function trustsVpcFlowLogs(trustPolicy: PolicyDocument, accountId: string): string | null {
  const statements = statementsOf(trustPolicy).filter(
    (s) =>
      s.Effect === 'Allow' &&
      asList((s.Principal as { Service?: unknown } | undefined)?.Service).includes(FLOW_LOGS_SERVICE) &&
      asList(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*'),
  );
  if (statements.length === 0) return `does not trust ${FLOW_LOGS_SERVICE} (sts:AssumeRole)`;
  // A SourceAccount condition naming another account makes every delivery fail with "Access error".
  const foreign = statements.every((s) => {
    const accounts = asList(s.Condition?.['StringEquals']?.['aws:SourceAccount']);
    return accounts.length > 0 && !accounts.includes(accountId);
  });
  return foreign ? `trusts ${FLOW_LOGS_SERVICE} only for another account (aws:SourceAccount)` : null;
}
