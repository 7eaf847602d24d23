// Pure: (Inventory, settings) → findings and per-resource coverage. CIS semantics: a flow log counts only
// when ACTIVE, capturing REJECT or ALL, and its delivery has not FAILED; any destination type counts.
import type { Settings } from '../config/settings.js';
import { DEFAULT_LOG_FORMAT, missingFields } from '../facts/flow-log-format.js';
import type { FlowLogFacts, VpcFacts } from '../facts/resources.js';
import { readRegions, roleOf, unreadableRegions, type Inventory, type RegionInventory } from '../inventory/types.js';
import { capturesRejects, deliveryFailed, flowLogCounts, isActive, isTelemetryRuleManaged, managerOf } from '../rules/flow-logs.js';
import { bucketProblems } from '../rules/log-archive-bucket.js';
import { notOwnBecause, ownFlowLogShape, type OwnFlowLogShape } from '../rules/own-flow-logs.js';
import { boundaryProblem } from '../rules/role-boundary.js';
import { describeTrustProblems, trustProblemsByRegion } from '../rules/role-trust.js';
import { appendAll, groupBy } from '../util/collections.js';
import { plural } from '../util/plural.js';
import { ExclusionMatcher } from './exclusions.js';
import { kindFields } from './finding-kinds.js';
import type { AuditResult, Coverage, ExclusionMark, Finding } from './types.js';

type AuditSettings = Pick<
  Settings,
  'scope' | 'minRetentionDays' | 'destination' | 'roleName' | 'exclude' | 'skipDefaultVpcs' | 'requireFields' | 'rolePath' | 'hiveCompatiblePartitions'
>;

/** `now`: the day exclusions' `expires` is compared with. */
export function audit(inventory: Inventory, settings: AuditSettings, now: Date): AuditResult {
  const findings: Finding[] = [];
  const coverage: Coverage[] = [];
  const exclusions = new ExclusionMatcher(settings, now);
  const regions = readRegions(inventory);
  for (const region of regions) {
    const result = auditRegion(region, inventory.accountId, settings, exclusions, ownFlowLogShape(settings, inventory));
    appendAll(findings, result.findings);
    appendAll(coverage, result.coverage);
  }
  appendAll(findings, auditRole(inventory, settings));
  appendAll(findings, auditBoundary(inventory, settings, findings));
  appendAll(findings, auditLogArchive(inventory, settings));
  const warnings = exclusions.warnings(
    regions.map((r) => r.region),
    unreadableRegions(inventory).length,
  );
  return { findings, coverage, warnings };
}

const markedWith = (mark: ExclusionMark | undefined) => (mark ? { excluded: mark } : {});

function auditRegion(
  region: RegionInventory,
  accountId: string,
  settings: AuditSettings,
  exclusions: ExclusionMatcher,
  own: OwnFlowLogShape,
): Omit<AuditResult, 'warnings'> {
  const findings: Finding[] = [];
  const coverage: Coverage[] = [];
  const flowLogsOf = groupBy(region.flowLogs, (f) => f.resourceId);
  const logsOf = (id: string) => flowLogsOf.get(id) ?? [];
  const countingLogOf = (id: string) => logsOf(id).find(flowLogCounts);
  const subnetsOf = groupBy(region.subnets, (s) => s.vpcId);

  for (const vpc of region.vpcs) {
    const vpcMark = exclusions.vpc(vpc);
    if (vpc.ownerId !== accountId) {
      // Not remediable here; an exclusion acknowledges it (listed as excluded, not as a finding).
      findings.push({ ...sharedVpcFinding(region.region, vpc), ...markedWith(vpcMark) });
      for (const subnet of subnetsOf.get(vpc.vpcId) ?? []) exclusions.subnet(subnet, vpcMark);
      continue;
    }
    const vpcLog = countingLogOf(vpc.vpcId);
    const subnets = subnetsOf.get(vpc.vpcId) ?? [];
    if (settings.scope === 'vpc') {
      coverage.push({
        region: region.region,
        resourceType: 'VPC',
        resourceId: vpc.vpcId,
        vpcId: vpc.vpcId,
        ...(vpc.name ? { name: vpc.name } : {}),
        compliant: vpcLog !== undefined,
        ...(vpcLog ? { coveredBy: { flowLogId: vpcLog.flowLogId, resourceId: vpc.vpcId, level: 'own' as const, by: managerOf(vpcLog) } } : {}),
        ...markedWith(vpcMark),
      });
      for (const subnet of subnets) exclusions.subnet(subnet, vpcMark); // only to tell subnet-only exclusions apart
      if (vpcLog) continue;
      const subnetLogs = subnets.map((s) => countingLogOf(s.subnetId));
      const coveredBySubnets = subnets.length > 0 && subnetLogs.every((log) => log !== undefined);
      findings.push({
        ...(coveredBySubnets
          ? {
              ...resourceFields(region.region, 'VPC', vpc.vpcId, vpc.vpcId, vpc.name),
              ...kindFields('subnet-level-only'),
              reason: `No VPC-level flow log; all ${subnets.length} subnets have their own, but new subnets and other interfaces would not be logged.`,
              remediable: true,
            }
          : missingCoverageFinding(
              region.region,
              'VPC',
              vpc.vpcId,
              vpc.vpcId,
              vpc.name,
              logsOf(vpc.vpcId),
              subnetsWithOwnLog(
                subnets.filter((_, i) => subnetLogs[i] !== undefined).map((s) => s.subnetId),
                subnets.length,
              ),
            )),
        ...markedWith(vpcMark),
      });
      continue;
    }
    for (const subnet of subnets) {
      const subnetMark = exclusions.subnet(subnet, vpcMark);
      if (subnet.ownerId !== accountId) continue; // shared subnets belong to the owner; reported with the VPC
      const ownLog = countingLogOf(subnet.subnetId);
      const coveredBy = ownLog
        ? { flowLogId: ownLog.flowLogId, resourceId: subnet.subnetId, level: 'own' as const, by: managerOf(ownLog) }
        : vpcLog
          ? { flowLogId: vpcLog.flowLogId, resourceId: vpc.vpcId, level: 'vpc' as const, by: managerOf(vpcLog) }
          : undefined;
      coverage.push({
        region: region.region,
        resourceType: 'Subnet',
        resourceId: subnet.subnetId,
        vpcId: vpc.vpcId,
        ...(subnet.name ? { name: subnet.name } : {}),
        compliant: coveredBy !== undefined,
        ...(coveredBy ? { coveredBy } : {}),
        ...markedWith(subnetMark),
      });
      if (coveredBy) continue;
      const candidates = [...logsOf(subnet.subnetId), ...logsOf(vpc.vpcId)];
      findings.push({ ...missingCoverageFinding(region.region, 'Subnet', subnet.subnetId, vpc.vpcId, subnet.name, candidates), ...markedWith(subnetMark) });
    }
  }

  appendAll(findings, auditRetention(region, settings, countingLogOf, coverage));
  appendAll(
    findings,
    auditRequiredFields(region, settings, (id) => logsOf(id).filter(flowLogCounts), coverage, own),
  );
  return { findings, coverage };
}

function resourceFields(region: string, resourceType: Finding['resourceType'], resourceId: string, vpcId?: string, name?: string) {
  return { region, resourceType, resourceId, ...(vpcId ? { vpcId } : {}), ...(name ? { name } : {}) };
}

function sharedVpcFinding(region: string, vpc: VpcFacts): Finding {
  return {
    ...resourceFields(region, 'VPC', vpc.vpcId, vpc.vpcId, vpc.name),
    ...kindFields('shared-vpc'),
    reason: `Shared from account ${vpc.ownerId}: only the owner can create its flow logs; not remediated here.`,
    remediable: false,
  };
}

/** Subnet ids named in a finding's reason, at most this many (the rest counted). */
const SUBNETS_NAMED = 5;

/**
 * A VPC without a flow log of its own whose subnets are partly logged: which ones are, so "No flow log"
 * does not contradict the subnet's flow log the user can see. Undefined when none is.
 */
function subnetsWithOwnLog(logged: string[], total: number): string | undefined {
  if (logged.length === 0) return undefined;
  const named = logged.slice(0, SUBNETS_NAMED).join(', ');
  const more = logged.length > SUBNETS_NAMED ? ` and ${logged.length - SUBNETS_NAMED} more` : '';
  const has = logged.length === 1 ? 'has its own' : 'have their own';
  return `No flow log on the VPC; ${logged.length} of its ${plural(total, 'subnet')} ${has} (${named}${more}), the other ${total - logged.length} and any new subnet are not logged.`;
}

/** The resource has no counting flow log; say why, most specific cause first. `partly`: what a VPC's logged subnets cover. */
function missingCoverageFinding(
  region: string,
  resourceType: 'VPC' | 'Subnet',
  resourceId: string,
  vpcId: string,
  name: string | undefined,
  existing: FlowLogFacts[],
  partly?: string,
): Finding {
  const base = { ...resourceFields(region, resourceType, resourceId, vpcId, name), remediable: true };
  const failed = existing.filter((f) => isActive(f) && capturesRejects(f) && deliveryFailed(f));
  if (failed.length > 0) {
    const awsMessage = failed[0]!.deliverLogsErrorMessage ?? 'no message';
    return {
      ...base,
      ...kindFields('delivery-failed'),
      reason: `Flow log ${failed.map((f) => f.flowLogId).join(', ')} exists but delivery FAILED: ${awsMessage}.`,
      awsMessage,
      flowLogIds: failed.map((f) => f.flowLogId),
    };
  }
  const acceptOnly = existing.filter((f) => isActive(f) && f.trafficType === 'ACCEPT');
  if (acceptOnly.length > 0) {
    return {
      ...base,
      ...kindFields('accept-only'),
      reason: `Flow log ${acceptOnly.map((f) => f.flowLogId).join(', ')} captures only ACCEPT traffic; rejected traffic is not logged.`,
      flowLogIds: acceptOnly.map((f) => f.flowLogId),
    };
  }
  const inactive = existing.filter((f) => !isActive(f));
  return {
    ...base,
    ...kindFields('no-flow-log'),
    reason:
      inactive.length > 0
        ? `No working flow log: ${inactive.map((f) => `${f.flowLogId} is ${f.status}`).join(', ')}.`
        : resourceType === 'Subnet'
          ? 'No flow log on the subnet or its VPC.'
          : (partly ?? 'No flow log.'),
    ...(inactive.length > 0 ? { flowLogIds: inactive.map((f) => f.flowLogId) } : {}),
  };
}

/**
 * With --require-fields, every counting flow log on a resource that covers something in scope (once, on
 * the resource it watches) must record those fields. AWS cannot change a flow log's format: flowfix's own
 * flow logs (src/rules/own-flow-logs.ts) are replaced by the plan (create, check, then delete the old one);
 * anyone else's are reported. Every counting flow log is judged, not only the first: after an interrupted
 * replacement the old one is still there beside the new one, and the next run must finish the job.
 */
function auditRequiredFields(
  region: RegionInventory,
  settings: AuditSettings,
  countingLogsOf: (id: string) => FlowLogFacts[],
  coverage: Coverage[],
  own: OwnFlowLogShape,
): Finding[] {
  const required = settings.requireFields ?? [];
  if (required.length === 0) return [];
  const seen = new Set<string>();
  const findings: Finding[] = [];
  for (const c of coverage.filter((c) => !c.excluded && c.coveredBy)) {
    for (const flowLog of countingLogsOf(c.coveredBy!.resourceId)) {
      if (seen.has(flowLog.flowLogId)) continue;
      seen.add(flowLog.flowLogId);
      const missing = missingFields(flowLog.logFormat ?? DEFAULT_LOG_FORMAT, required);
      if (missing.length === 0) continue;
      const onVpc = flowLog.resourceId.startsWith('vpc-');
      const notOwn = notOwnBecause(flowLog, own);
      findings.push({
        ...resourceFields(region.region, onVpc ? 'VPC' : 'Subnet', flowLog.resourceId, c.vpcId, c.coveredBy!.resourceId === c.resourceId ? c.name : undefined),
        ...kindFields('missing-fields'),
        reason: notOwn
          ? `Flow log ${flowLog.flowLogId} does not record ${missing.join(', ')} (required by --require-fields); its format cannot be changed, and it is not flowfix's to replace (${notOwn}): create one with them, then delete this one.`
          : `Flow log ${flowLog.flowLogId} (flowfix's) does not record ${missing.join(', ')} (required by --require-fields); flowfix replaces it: creates one with them, checks it, then deletes this one.`,
        remediable: notOwn === undefined,
        flowLogIds: [flowLog.flowLogId],
      });
    }
  }
  return findings;
}

/** CloudWatch Logs destinations of counting flow logs must keep logs at least minRetentionDays. */
function auditRetention(
  region: RegionInventory,
  settings: AuditSettings,
  countingLogOf: (id: string) => FlowLogFacts | undefined,
  coverage: Coverage[],
): Finding[] {
  const groupNames = new Set<string>();
  // Groups a CloudWatch telemetry rule writes to: their retention is the rule's to set, never flowfix's.
  const ruleGroups = new Set<string>();
  // An excluded resource's flow log is left alone, and so is the group it delivers to (unless flowfix's own).
  for (const c of coverage.filter((c) => !c.excluded)) {
    const flowLog = c.coveredBy && countingLogOf(c.coveredBy.resourceId);
    if (!flowLog?.logGroupName || flowLog.destinationType !== 'cloud-watch-logs') continue;
    groupNames.add(flowLog.logGroupName);
    if (isTelemetryRuleManaged(flowLog.tags)) ruleGroups.add(flowLog.logGroupName);
  }
  if (settings.destination.type === 'cloud-watch-logs') groupNames.add(settings.destination.logGroupName);
  const findings: Finding[] = [];
  for (const name of [...groupNames].sort()) {
    const group = region.logGroups[name];
    if (group?.retentionInDays === undefined || group.retentionInDays >= settings.minRetentionDays) continue;
    const byRule = ruleGroups.has(name) || isTelemetryRuleManaged(group.tags);
    findings.push({
      ...resourceFields(region.region, 'LogGroup', name),
      ...kindFields('short-retention'),
      reason: byRule
        ? `Log group keeps flow logs ${plural(group.retentionInDays, 'day')}; at least ${settings.minRetentionDays} required. A CloudWatch telemetry rule keeps it: raise the rule's RetentionInDays (flowfix leaves the rule's groups alone).`
        : `Log group keeps flow logs ${plural(group.retentionInDays, 'day')}; at least ${settings.minRetentionDays} required.`,
      remediable: !byRule,
    });
  }
  return findings;
}

/**
 * The delivery role's boundary, when delivery needs the role: an existing role's always (its flow logs
 * deliver through it), the boundary of a role flowfix would create only when there is something to fix.
 */
function auditBoundary(inventory: Inventory, settings: AuditSettings, findings: Finding[]): Finding[] {
  const needsRole =
    inventory.role.status === 'found' || findings.some((f) => f.remediable && !f.excluded && f.resourceType !== 'LogGroup' && f.resourceType !== 'Role');
  const problem = needsRole ? boundaryProblem(inventory, settings) : undefined;
  if (!problem) return [];
  return [{ ...resourceFields('global', 'Role', settings.roleName), ...kindFields('role-boundary'), reason: `${problem}.`, remediable: false }];
}

function auditRole(inventory: Inventory, settings: AuditSettings): Finding[] {
  const role = roleOf(inventory);
  if (!role || settings.destination.type !== 'cloud-watch-logs') return [];
  // Judged per region: a trust policy whose aws:SourceArn names one region serves that region only.
  const read = readRegions(inventory).map((r) => r.region);
  const regions = read.length > 0 ? read : [inventory.homeRegion];
  const problems = trustProblemsByRegion(role.trustPolicy, inventory, regions);
  if (problems.size === 0) return [];
  const what = describeTrustProblems(problems, regions);
  const trustedIn = regions.filter((r) => !problems.has(r));
  const still = trustedIn.length > 0 ? ` It does in ${trustedIn.join(', ')}, where flowfix still uses it.` : '';
  return [
    {
      ...resourceFields('global', 'Role', role.roleName),
      ...kindFields('role-untrusted'),
      reason: `Delivery role ${role.roleName} ${what}; flowfix will not change its trust policy.${still} Fix its trust policy or choose another --role-name.`,
      remediable: false,
    },
  ];
}

/** The central bucket, in the log-archive account's audit only: one finding per problem, on the bucket. */
function auditLogArchive(inventory: Inventory, settings: AuditSettings): Finding[] {
  const archive = inventory.logArchive;
  if (!archive) return [];
  return bucketProblems(archive, settings, inventory.partition).map((problem) => ({
    ...kindFields(problem.kind),
    region: 'global',
    resourceType: 'Bucket' as const,
    resourceId: archive.bucket,
    reason: problem.reason,
    remediable: problem.remediable,
    ...(problem.awsMessage ? { awsMessage: problem.awsMessage } : {}),
  }));
}
