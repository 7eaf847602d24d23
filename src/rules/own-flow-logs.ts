// Which flow logs are flowfix's own under a set of settings: the ones rollback deletes and the ones a
// missing-fields finding lets flowfix replace. The ManagedBy=flowfix tag alone is not enough (anyone with
// ec2:CreateTags can write it): the flow log must also have the shape these settings give it, delivering
// to flowfix's log group through flowfix's role, or to flowfix's bucket/prefix, like the apply that made it.
import { isManagedByFlowfix, type Settings } from '../config/settings.js';
import { roleArn, s3DestinationArn } from '../facts/arns.js';
import type { FlowLogFacts } from '../facts/resources.js';
import { roleOf, type Inventory } from '../inventory/types.js';
import { isTelemetryRuleManaged } from './flow-logs.js';

/** The destination and role of the flow logs an apply with these settings creates. */
export interface OwnFlowLogShape {
  /** CloudWatch Logs delivery: the log group and the delivery role's ARN (path included). */
  logGroupName?: string;
  roleArn?: string;
  /** S3 delivery: the LogDestination flowfix sends (arn:…:s3:::bucket/prefix/). */
  s3Destination?: string;
}

/** The flow logs an apply with these settings creates: to its log group through its role (the one found, by name, or the one it would create), or to its bucket/prefix. */
export function ownFlowLogShape(settings: Pick<Settings, 'destination' | 'roleName' | 'rolePath'>, inventory: Inventory): OwnFlowLogShape {
  const { destination } = settings;
  if (destination.type === 's3') return { s3Destination: s3DestinationArn(inventory.partition, destination.bucket, destination.prefix) };
  return {
    logGroupName: destination.logGroupName,
    roleArn: roleOf(inventory)?.arn ?? roleArn({ partition: inventory.partition, accountId: inventory.accountId }, settings.roleName, settings.rolePath),
  };
}

const withoutTrailingSlash = (arn: string | undefined): string => (arn ?? '').replace(/\/+$/, '');
const s3Url = (arn: string | undefined): string => `s3://${(arn ?? '').replace(/^arn:[^:]+:s3:::/, '')}`;

/** Why a flow log tagged ManagedBy=flowfix is not one these settings created; undefined when it is. */
export function shapeMismatch(f: FlowLogFacts, own: OwnFlowLogShape): string | undefined {
  if (f.destinationType === 'cloud-watch-logs') {
    const group = f.logGroupName ?? f.destination ?? 'an unnamed group';
    if (own.logGroupName === undefined) return `delivers to CloudWatch Logs group ${group}, and this rollback is for ${s3Url(own.s3Destination)}`;
    if (group !== own.logGroupName) return `delivers to ${group}, not flowfix's group ${own.logGroupName}`;
    if (f.deliverLogsPermissionArn !== own.roleArn)
      return `delivers through ${f.deliverLogsPermissionArn ? `role ${f.deliverLogsPermissionArn}` : 'no role'}, not flowfix's role ${own.roleArn}`;
    return undefined;
  }
  if (f.destinationType === 's3') {
    if (own.s3Destination === undefined) return `delivers to ${s3Url(f.destination)}, and this rollback is for log group ${own.logGroupName}`;
    return withoutTrailingSlash(f.destination) === withoutTrailingSlash(own.s3Destination)
      ? undefined
      : `delivers to ${s3Url(f.destination)}, not flowfix's ${s3Url(own.s3Destination)}`;
  }
  return `delivers to ${f.destinationType} ${f.destination ?? ''}, which flowfix never creates`.trimEnd();
}

/** Why flowfix may not treat this flow log as its own; undefined when it may (tagged, of its shape, no telemetry rule's). */
export function notOwnBecause(f: FlowLogFacts, own: OwnFlowLogShape): string | undefined {
  if (isTelemetryRuleManaged(f.tags)) return 'made by a CloudWatch telemetry rule';
  if (!isManagedByFlowfix(f.tags)) return 'not created by flowfix (no ManagedBy=flowfix tag)';
  const mismatch = shapeMismatch(f, own);
  return mismatch && `tagged ManagedBy=flowfix but ${mismatch}`;
}
