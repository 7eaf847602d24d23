// Reads a snapshot directory (`flowfix plan --snapshot DIR`): AWS CLI JSON output, saved unchanged.
//
// DIR/
//   sts-get-caller-identity.json                       aws sts get-caller-identity
//   iam-get-role.json                                  aws iam get-role --role-name <roleName>        (absent = no role)
//   iam-get-role-policy-<PolicyName>.json              aws iam get-role-policy ...                    (zero or more)
//   regions/<region>/ec2-describe-vpcs.json            aws ec2 describe-vpcs
//   regions/<region>/ec2-describe-subnets.json         aws ec2 describe-subnets
//   regions/<region>/ec2-describe-flow-logs.json       aws ec2 describe-flow-logs
//   regions/<region>/logs-describe-log-groups.json     aws logs describe-log-groups                   (optional)
//   regions/<region>/logs-list-tags-<name>.json        aws logs list-tags-for-resource --resource-arn  (optional)
//
// <name> in logs-list-tags- is the log group name URL-encoded (encodeURIComponent: "/" is %2F), so every
// name has one file name. flowfix reads tags only of its own group when that has no retention (an apply
// that stopped halfway tags it ManagedBy=flowfix); without the file its tags are unknown.
//
// Everything is read and checked up front, so one SnapshotError names every bad file; the result
// has the SDK's shapes and is served by snapshot-clients.ts.

import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';

import type { Settings } from '../config/settings.js';
import { isValidRegionName, partitionOf } from '../facts/regions.js';
import { MAX_SHOWN_ISSUES } from '../util/validation-problems.js';
import * as schema from './schemas.js';
import { errorText, snapshotError } from './snapshot-error.js';
import { SnapshotFiles } from './snapshot-files.js';

export const SNAPSHOT_FILES = {
  callerIdentity: 'sts-get-caller-identity.json',
  role: 'iam-get-role.json',
  rolePolicyPrefix: 'iam-get-role-policy-',
  regionsDir: 'regions',
  vpcs: 'ec2-describe-vpcs.json',
  subnets: 'ec2-describe-subnets.json',
  flowLogs: 'ec2-describe-flow-logs.json',
  logGroups: 'logs-describe-log-groups.json',
  logGroupTagsPrefix: 'logs-list-tags-',
} as const;

/** The file of a log group's tags in its region directory. */
export const logGroupTagsFile = (logGroupName: string) => `${SNAPSHOT_FILES.logGroupTagsPrefix}${encodeURIComponent(logGroupName)}.json`;

export interface SnapshotRegion {
  vpcs: schema.DescribeVpcsJson['Vpcs'];
  subnets: schema.DescribeSubnetsJson['Subnets'];
  flowLogs: schema.DescribeFlowLogsJson['FlowLogs'];
  /** Empty when logs-describe-log-groups.json is absent: every group is then missing. */
  logGroups: schema.DescribeLogGroupsJson['logGroups'];
  /** Tags by log group name, for the groups that have a logs-list-tags- file. */
  logGroupTags: Map<string, Record<string, string>>;
}

export interface Snapshot {
  /** Every region directory, sorted. */
  regionNames: string[];
  /** The regions selected (settings.regions, or all), in regionNames order. */
  regions: Map<string, SnapshotRegion>;
  identity: schema.CallerIdentityJson;
  role: { role: schema.GetRoleJson['Role']; policies: schema.GetRolePolicyJson[] } | null;
}

/** Throws one SnapshotError (a single line naming every bad file and how to fix it) if anything is wrong. */
export async function readSnapshot(dir: string, settings: Settings): Promise<Snapshot> {
  const realDir = await assertDirectory(dir);
  const { regionNames, selected } = await selectRegions(dir, settings);
  const files = new SnapshotFiles(dir, realDir);

  // First: its account id goes into the command that regenerates a log group's tags file.
  const identity = await files.required(SNAPSHOT_FILES.callerIdentity, schema.CallerIdentity, 'aws sts get-caller-identity --output json');
  const [role, policies, regionData] = await Promise.all([
    files.optional(
      SNAPSHOT_FILES.role,
      schema.GetRole,
      `aws iam get-role --role-name ${settings.roleName} --output json`,
      ' (or delete the file if the role does not exist)',
    ),
    readRolePolicies(files, settings.roleName),
    Promise.all(selected.map((region) => readRegion(files, region, identity?.Account ?? '<account-id>'))),
  ]);

  if (files.problems.length === 0 && role !== undefined) checkRoleName(files, role, policies, settings.roleName);
  if (files.problems.length === 0) {
    regionData.forEach((data, index) => checkAvailabilityZones(files, selected[index] as string, data.subnets));
  }
  if (files.problems.length > 0 || identity === undefined) throw snapshotError(files.problems);

  return {
    regionNames,
    regions: new Map(selected.map((region, index) => [region, regionData[index] as SnapshotRegion])),
    identity,
    role: role === undefined ? null : { role: role.Role, policies: policies.map((policy) => policy.json) },
  };
}

// ---------------------------------------------------------------------------------------------------
// Directory structure

/** The directory with its links resolved: the boundary no file may leave. */
async function assertDirectory(dir: string): Promise<string> {
  try {
    const info = await stat(dir);
    if (info.isDirectory()) return await realpath(dir);
  } catch (error) {
    throw snapshotError(
      [
        {
          file: dir,
          issues: [`cannot read the snapshot directory (${errorText(error)})`],
          fix: `check the path; a snapshot directory holds ${SNAPSHOT_FILES.callerIdentity} and ${SNAPSHOT_FILES.regionsDir}/<region>/ (see examples/README.md)`,
        },
      ],
      error,
    );
  }
  throw snapshotError([
    {
      file: dir,
      issues: ['is a file, not a directory'],
      fix: `pass the directory that contains ${SNAPSHOT_FILES.callerIdentity} and ${SNAPSHOT_FILES.regionsDir}/`,
    },
  ]);
}

async function selectRegions(dir: string, settings: Settings): Promise<{ regionNames: string[]; selected: string[] }> {
  const regionsDir = path.join(dir, SNAPSHOT_FILES.regionsDir);
  const problem = (issue: string, fix: string, cause?: unknown) => snapshotError([{ file: regionsDir, issues: [issue], fix }], cause);
  let entries;
  try {
    entries = await readdir(regionsDir, { withFileTypes: true });
  } catch (error) {
    throw problem(
      `cannot read the regions directory (${errorText(error)})`,
      `create ${regionsDir}/<region>/ with the describe-vpcs, describe-subnets and describe-flow-logs output of each region (see examples/README.md)`,
      error,
    );
  }

  const regionNames = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();
  const notRegions = regionNames.filter((name) => !isValidRegionName(name));
  if (notRegions.length > 0) {
    throw problem(
      `${notRegions.map((name) => `"${name}"`).join(', ')} is not an AWS region name (like us-east-1)`,
      'rename or remove it: every directory under regions/ must be named after the region it was captured in',
    );
  }
  if (regionNames.length === 0) {
    throw problem('has no region directories', `capture at least one region into ${regionsDir}/<region>/ (see examples/README.md)`);
  }
  if (settings.regions === undefined) return { regionNames, selected: regionNames };

  const missing = settings.regions.filter((region) => !regionNames.includes(region));
  if (missing.length > 0) {
    const plural = missing.length > 1;
    throw problem(
      `has no data for requested region${plural ? 's' : ''} ${missing.join(', ')} (available: ${regionNames.join(', ')})`,
      `capture ${missing.map((region) => `${regionsDir}/${region}/`).join(', ')} or drop ${plural ? 'them' : 'it'} from --regions`,
    );
  }
  return { regionNames, selected: regionNames.filter((region) => settings.regions?.includes(region)) };
}

// ---------------------------------------------------------------------------------------------------
// IAM

interface RolePolicyFile {
  file: string;
  json: schema.GetRolePolicyJson;
}

async function readRolePolicies(files: SnapshotFiles, roleName: string): Promise<RolePolicyFile[]> {
  const names = (await readdir(files.dir)).filter((name) => name.startsWith(SNAPSHOT_FILES.rolePolicyPrefix) && name.endsWith('.json')).sort();
  const read = await Promise.all(
    names.map(async (file) => {
      const policyName = file.slice(SNAPSHOT_FILES.rolePolicyPrefix.length, -'.json'.length);
      const command = `aws iam get-role-policy --role-name ${roleName} --policy-name ${policyName} --output json`;
      const json = await files.required(file, schema.GetRolePolicy, command);
      return json === undefined ? undefined : { file, json };
    }),
  );
  return read.filter((policy): policy is RolePolicyFile => policy !== undefined);
}

/** A snapshot of another role says nothing about the one flowfix will use. */
function checkRoleName(files: SnapshotFiles, role: schema.GetRoleJson, policies: RolePolicyFile[], roleName: string): void {
  if (role.Role.RoleName !== roleName) {
    files.report(
      SNAPSHOT_FILES.role,
      [`Role.RoleName: the snapshot holds role "${role.Role.RoleName}" but flowfix is configured for "${roleName}"`],
      files.regenerate(SNAPSHOT_FILES.role, `aws iam get-role --role-name ${roleName} --output json`) +
        ` (or delete the file if the role does not exist), or pass --role-name ${role.Role.RoleName}`,
    );
  }
  for (const { file, json } of policies) {
    if (json.RoleName !== role.Role.RoleName) {
      files.report(
        file,
        [`RoleName: policy of role "${json.RoleName}", but ${SNAPSHOT_FILES.role} is role "${role.Role.RoleName}"`],
        files.regenerate(file, `aws iam get-role-policy --role-name ${role.Role.RoleName} --policy-name ${json.PolicyName} --output json`) + ' or delete it',
      );
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Regions

async function readRegion(files: SnapshotFiles, region: string, accountId: string): Promise<SnapshotRegion> {
  const file = (name: string) => path.join(SNAPSHOT_FILES.regionsDir, region, name);
  const command = (service: string, operation: string) => `aws ${service} ${operation} --region ${region} --output json`;
  const [vpcs, subnets, flowLogs, logGroups, logGroupTags] = await Promise.all([
    files.required(file(SNAPSHOT_FILES.vpcs), schema.DescribeVpcs, command('ec2', 'describe-vpcs')),
    files.required(file(SNAPSHOT_FILES.subnets), schema.DescribeSubnets, command('ec2', 'describe-subnets')),
    files.required(file(SNAPSHOT_FILES.flowLogs), schema.DescribeFlowLogs, command('ec2', 'describe-flow-logs')),
    files.optional(file(SNAPSHOT_FILES.logGroups), schema.DescribeLogGroups, command('logs', 'describe-log-groups')),
    readLogGroupTags(files, region, accountId),
  ]);
  return {
    vpcs: vpcs?.Vpcs ?? [],
    subnets: subnets?.Subnets ?? [],
    flowLogs: flowLogs?.FlowLogs ?? [],
    logGroups: logGroups?.logGroups ?? [],
    logGroupTags,
  };
}

async function readLogGroupTags(files: SnapshotFiles, region: string, accountId: string): Promise<Map<string, Record<string, string>>> {
  const regionDir = path.join(SNAPSHOT_FILES.regionsDir, region);
  const prefix = SNAPSHOT_FILES.logGroupTagsPrefix;
  const names = (await readdir(path.join(files.dir, regionDir))).filter((name) => name.startsWith(prefix) && name.endsWith('.json'));
  const tags = new Map<string, Record<string, string>>();
  await Promise.all(
    names.map(async (name) => {
      const file = path.join(regionDir, name);
      const groupName = decodeName(name.slice(prefix.length, -'.json'.length));
      if (groupName === undefined || logGroupTagsFile(groupName) !== name) {
        files.report(file, ['the name after logs-list-tags- is not a URL-encoded log group name'], `rename it to ${prefix}<name with / as %2F>.json`);
        return;
      }
      const arn = `arn:${partitionOf(region)}:logs:${region}:${accountId}:log-group:${groupName}`;
      const command = `aws logs list-tags-for-resource --region ${region} --resource-arn ${arn} --output json`;
      const json = await files.optional(file, schema.ListTags, command);
      if (json !== undefined) tags.set(groupName, json.tags ?? {});
    }),
  );
  return tags;
}

function decodeName(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

/** Catches the commonest capture mistake: a region's directory filled from another region. */
function checkAvailabilityZones(files: SnapshotFiles, region: string, subnets: SnapshotRegion['subnets']): void {
  const relative = path.join(SNAPSHOT_FILES.regionsDir, region, SNAPSHOT_FILES.subnets);
  const issues: string[] = [];
  let wrong = 0;
  subnets.forEach((subnet, index) => {
    const zone = subnet.AvailabilityZone;
    if (zone === undefined || zone.startsWith(region)) return;
    if (++wrong <= MAX_SHOWN_ISSUES) issues.push(`Subnets[${index}].AvailabilityZone: "${zone}" is not in ${region}`);
  });
  if (wrong > MAX_SHOWN_ISSUES) issues.push(`and ${wrong - MAX_SHOWN_ISSUES} more`);
  if (issues.length > 0) {
    files.report(
      relative,
      issues,
      `${files.regenerate(relative, `aws ec2 describe-subnets --region ${region} --output json`)} (the output was captured in another region)`,
    );
  }
}
