// Data in, SARIF 2.1.0 out, for GitHub code scanning and other SARIF viewers: one rule per finding kind,
// one result per finding. What GitHub requires and does, and the choices that follow from it
// (https://docs.github.com/en/code-security/reference/code-scanning/sarif-files/sarif-support):
// - Every result needs a location with a physicalLocation.artifactLocation.uri. A finding is about an
//   AWS resource, not a file, and an absolute URI such as aws://… is refused on upload ("SARIF URI
//   scheme "aws" did not match the checkout URI scheme "file""), so the uri is the relative path
//   aws/ACCOUNT/REGION/RESOURCE (stable across runs; no such file exists in the repository). The
//   resource itself is also named by a logicalLocation, aws://ACCOUNT/REGION/RESOURCE.
// - Alerts are matched across uploads by partialFingerprints.primaryLocationLineHash only: it is a hash
//   of account, region, resource id and kind, so a re-run updates an alert instead of adding one, and a
//   fixed finding's alert closes.
// - The category (runAutomationDetails.id) is per account, so uploads for two accounts to one
//   repository do not close each other's alerts; the upload-sarif action keeps an id the file has.
import { createHash } from 'node:crypto';

import { describeExclusionMark } from '../audit/exclusions.js';
import { FINDING_KIND_INFO, FINDING_KINDS, type FindingKindInfo } from '../audit/finding-kinds.js';
import type { Finding, FindingKind, Severity } from '../audit/types.js';
import { describeOrganizationPolicy } from '../aws/errors.js';
import type { PlanReport } from '../report/plan-report.js';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

/** SARIF result levels (GitHub shows them as Error, Warning, Note). */
const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note', info: 'note' };

/**
 * GitHub's security severity (a score above 0 up to 10: 7.0–8.9 high, 4.0–6.9 medium, 0.1–3.9 low).
 * Informational findings (a shared VPC only its owner can log) get none: GitHub then lists them as notes,
 * not as security alerts.
 */
const SECURITY_SEVERITY: Record<Severity, string | undefined> = { high: '7.5', medium: '5.0', low: '3.0', info: undefined };

export interface SarifOptions {
  /** flowfix's version (package.json). */
  toolVersion: string;
}

/** Same account, region, resource and kind: same fingerprint, run after run (message and severity may change). */
export function findingFingerprint(accountId: string, f: Pick<Finding, 'region' | 'resourceId' | 'kind'>): string {
  return createHash('sha256')
    .update(JSON.stringify(['flowfix-finding/v1', accountId, f.region, f.resourceId, f.kind]))
    .digest('hex');
}

/** A relative URI reference GitHub accepts as the alert's "file": aws/ACCOUNT/REGION/RESOURCE, the resource id percent-encoded. */
export const artifactUri = (accountId: string, f: Pick<Finding, 'region' | 'resourceId'>): string =>
  `aws/${accountId}/${encodeURIComponent(f.region)}/${encodeURIComponent(f.resourceId)}`;

/** One run per account's report (each with its own category, so accounts never close each other's alerts). */
export function renderSarif(reports: readonly PlanReport[], { toolVersion }: SarifOptions): string {
  const ruleIndex = new Map(FINDING_KINDS.map((kind, i) => [kind, i]));
  const log = {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: reports.map((report) => ({
      tool: { driver: { name: 'flowfix', semanticVersion: toolVersion, rules: FINDING_KINDS.map((kind) => rule(kind, FINDING_KIND_INFO[kind])) } },
      automationDetails: { id: `flowfix/${report.accountId}/` },
      invocations: [
        {
          // An unreadable region has no results: say the run is incomplete, region by region.
          executionSuccessful: report.errors.length === 0,
          toolExecutionNotifications: [
            ...report.errors.map((e) => ({
              level: 'error',
              message: { text: `Could not read ${e.region === 'global' ? 'the delivery role (IAM)' : e.region}: ${e.code}: ${e.message}` },
            })),
            // Denied by an organization policy: not a failed run, but no result there is not "compliant" either.
            ...report.regions.flatMap((r) =>
              r.status === 'denied' && r.deniedBy
                ? [
                    {
                      level: 'note',
                      message: { text: `Skipped ${r.region}: denied by an organization policy, the ${describeOrganizationPolicy(r.deniedBy)}` },
                      properties: { region: r.region, ...r.deniedBy },
                    },
                  ]
                : [],
            ),
          ],
        },
      ],
      results: report.findings.map((f) => result(report.accountId, f, ruleIndex.get(f.kind)!)),
      properties: { accountId: report.accountId, partition: report.partition, generatedAt: report.generatedAt, settings: report.settings },
    })),
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function rule(kind: FindingKind, info: FindingKindInfo) {
  const securitySeverity = SECURITY_SEVERITY[info.severity];
  return {
    id: kind,
    name: kind.replace(/(^|-)(\w)/g, (_, _dash: string, c: string) => c.toUpperCase()),
    shortDescription: { text: info.title },
    fullDescription: { text: info.description },
    defaultConfiguration: { level: LEVEL[info.severity] },
    help: {
      text: `${info.remedy}\n\nReferences:\n${info.references.map((r) => `- ${r.label}: ${r.url}`).join('\n')}`,
      markdown: `${info.remedy}\n\n**References**\n\n${info.references.map((r) => `- [${r.label}](${r.url})`).join('\n')}`,
    },
    helpUri: info.references[0]!.url,
    properties: {
      tags: ['security', 'aws', 'vpc-flow-logs', 'logging'],
      precision: 'very-high',
      ...(securitySeverity ? { 'security-severity': securitySeverity } : { 'problem.severity': 'recommendation' }),
    },
  };
}

function result(accountId: string, f: Finding, ruleIndex: number) {
  const fingerprint = findingFingerprint(accountId, f);
  const where = f.region === 'global' ? 'account-wide (IAM)' : `in ${f.region}`;
  return {
    ruleId: f.kind,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: `${f.resourceType} ${f.resourceId}${f.name ? ` (${f.name})` : ''} ${where}: ${f.reason}` },
    locations: [
      {
        physicalLocation: { artifactLocation: { uri: artifactUri(accountId, f) }, region: { startLine: 1, startColumn: 1, endLine: 1, endColumn: 1 } },
        logicalLocations: [{ name: f.resourceId, fullyQualifiedName: `aws://${accountId}/${f.region}/${f.resourceId}`, kind: 'resource' }],
      },
    ],
    // GitHub reads primaryLocationLineHash; the second key names what the hash is of, for other tools.
    partialFingerprints: { primaryLocationLineHash: fingerprint, 'flowfixFinding/v1': fingerprint },
    // Left alone on purpose (a settings-file or flag exclusion): suppressed outside the code, with why.
    ...(f.excluded ? { suppressions: [{ kind: 'external', status: 'accepted', justification: describeExclusionMark(f.excluded) }] } : {}),
    properties: {
      accountId,
      region: f.region,
      resourceType: f.resourceType,
      resourceId: f.resourceId,
      ...(f.vpcId ? { vpcId: f.vpcId } : {}),
      ...(f.name ? { name: f.name } : {}),
      remediable: f.remediable,
      ...(f.flowLogIds ? { flowLogIds: f.flowLogIds } : {}),
      ...(f.awsMessage ? { awsMessage: f.awsMessage } : {}),
    },
  };
}
