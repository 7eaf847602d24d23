// Does a role's trust policy let VPC Flow Logs assume it for this account?
import type { PolicyDocument, PolicyStatement } from '../facts/policy-document.js';
import { asList, statementsOf } from '../policy/evaluate.js';

export const FLOW_LOGS_SERVICE = 'vpc-flow-logs.amazonaws.com';

const namesFlowLogs = (s: PolicyStatement) =>
  asList((s.Principal as { Service?: string | string[] } | undefined)?.Service).includes(FLOW_LOGS_SERVICE) &&
  asList(s.Action).some((a) => a === 'sts:AssumeRole' || a === 'sts:*' || a === '*');

/** Values of a condition key under any operator; IAM condition keys are case-insensitive. */
function conditionValues(s: PolicyStatement, key: string): string[] {
  const values: string[] = [];
  for (const block of Object.values(s.Condition ?? {})) {
    for (const [name, value] of Object.entries(block)) if (name.toLowerCase() === key) values.push(...asList(value));
  }
  return values;
}

/** A SourceAccount or SourceArn condition that excludes this account makes every delivery fail. */
function admitsAccount(s: PolicyStatement, accountId: string): boolean {
  const accounts = conditionValues(s, 'aws:sourceaccount');
  const arns = conditionValues(s, 'aws:sourcearn');
  const accountOk = accounts.length === 0 || accounts.includes(accountId);
  const arnOk = arns.length === 0 || arns.some((arn) => ['*', accountId].includes(arn.split(':')[4] ?? '*'));
  return accountOk && arnOk;
}

/** null when trusted; otherwise what is wrong, phrased to follow "Delivery role X …". */
export function trustsVpcFlowLogs(trustPolicy: PolicyDocument, accountId: string): string | null {
  const statements = statementsOf(trustPolicy).filter(namesFlowLogs);
  if (statements.some((s) => s.Effect === 'Deny' && !s.Condition)) return `denies ${FLOW_LOGS_SERVICE} sts:AssumeRole`;
  const allows = statements.filter((s) => s.Effect === 'Allow');
  if (allows.length === 0) return `does not trust ${FLOW_LOGS_SERVICE} (sts:AssumeRole)`;
  return allows.some((s) => admitsAccount(s, accountId))
    ? null
    : `trusts ${FLOW_LOGS_SERVICE} only for another account (aws:SourceAccount / aws:SourceArn)`;
}
