// Offline inventory: reads a directory of AWS CLI JSON output (`flowfix plan --snapshot DIR`) into the
// same Inventory that collectInventory builds from live AWS calls.
//
// DIR/
//   sts-get-caller-identity.json                      aws sts get-caller-identity
//   iam-get-role.json                                 aws iam get-role --role-name <roleName>   (absent = no role)
//   iam-get-role-policy-<PolicyName>.json             aws iam get-role-policy ...               (zero or more)
//   regions/<region>/ec2-describe-vpcs.json           aws ec2 describe-vpcs
//   regions/<region>/ec2-describe-subnets.json        aws ec2 describe-subnets
//   regions/<region>/ec2-describe-flow-logs.json      aws ec2 describe-flow-logs
//   regions/<region>/logs-describe-log-groups.json    aws logs describe-log-groups              (optional)

import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { partitionOf } from '../facts/regions.js';
import { tagsToRecord } from '../facts/tags.js';
import { decodePolicyText } from '../policy/decode.js';
import { FlowfixError } from '../errors.js';
import type { Settings } from '../config/settings.js';
import type { FlowLogFacts, LogGroupFacts, Partition, RoleFacts, SubnetFacts, VpcFacts } from '../facts/resources.js';
import type { Inventory, RegionInventory } from './types.js';
import type { PolicyDocument } from '../facts/policy-document.js';

/**
 * The one error loadSnapshot throws. Its message is a single line that names each bad file, the JSON path
 * of each problem and the command that regenerates the file, so it carries no separate hint.
 */
export class SnapshotError extends FlowfixError {
  /** Every file that had a problem, with its problems, for callers that want more than the one line. */
  readonly problems: SnapshotProblem[];

  constructor(message: string, problems: SnapshotProblem[], cause?: unknown) {
    super('SnapshotInvalid', message, cause === undefined ? {} : { cause });
    this.name = 'SnapshotError';
    this.problems = problems;
  }
}

export interface SnapshotProblem {
  /** The file (or directory) as the user would type it: the snapshot dir joined with its relative path. */
  file: string;
  /** Each problem as `<json path>: <what is wrong>`, or a plain sentence for read/parse problems. */
  issues: string[];
  /** How to fix it: usually the AWS CLI command that regenerates the file. */
  fix: string;
}

export const SNAPSHOT_FILES = {
  callerIdentity: 'sts-get-caller-identity.json',
  role: 'iam-get-role.json',
  rolePolicyPrefix: 'iam-get-role-policy-',
  regionsDir: 'regions',
  vpcs: 'ec2-describe-vpcs.json',
  subnets: 'ec2-describe-subnets.json',
  flowLogs: 'ec2-describe-flow-logs.json',
  logGroups: 'logs-describe-log-groups.json',
} as const;

// ---------------------------------------------------------------------------------------------------
// Schemas: loose (AWS adds fields all the time), but every field flowfix reads is typed.

const TagsSchema = z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional();

/** IAM prints documents decoded, the raw API URL-encoded; accept both. */
const PolicyDocumentSchema = z.preprocess(
  (value, ctx) => {
    if (typeof value !== 'string') return value;
    try {
      return decodePolicyText(value);
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `a policy document string must be URL-encoded JSON, but decoding it failed (${errorText(error)})`,
      });
      return z.NEVER;
    }
  },
  z.looseObject({
    Version: z.string().optional(),
    Statement: z.union([z.array(z.looseObject({ Effect: z.string() })), z.looseObject({ Effect: z.string() })]),
  }),
);

const CallerIdentitySchema = z.looseObject({
  UserId: z.string().optional(),
  Account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }),
  Arn: z.string(),
});

const GetRoleSchema = z.looseObject({
  Role: z.looseObject({
    RoleName: z.string(),
    Arn: z.string(),
    AssumeRolePolicyDocument: PolicyDocumentSchema,
    Tags: TagsSchema,
  }),
});

const GetRolePolicySchema = z.looseObject({
  RoleName: z.string(),
  PolicyName: z.string(),
  PolicyDocument: PolicyDocumentSchema,
});

const DescribeVpcsSchema = z.looseObject({
  Vpcs: z.array(
    z.looseObject({
      VpcId: z.string(),
      OwnerId: z.string(),
      IsDefault: z.boolean().optional(),
      CidrBlock: z.string().optional(),
      State: z.string().optional(),
      Tags: TagsSchema,
    }),
  ),
});

const DescribeSubnetsSchema = z.looseObject({
  Subnets: z.array(
    z.looseObject({
      SubnetId: z.string(),
      VpcId: z.string(),
      // AWS always prints it; hand-written snapshots may not, and the VPC's owner is then the answer.
      OwnerId: z.string().optional(),
      AvailabilityZone: z.string().optional(),
      CidrBlock: z.string().optional(),
      Tags: TagsSchema,
    }),
  ),
});

const DescribeFlowLogsSchema = z.looseObject({
  FlowLogs: z.array(
    z
      .looseObject({
        FlowLogId: z.string(),
        ResourceId: z.string(),
        // Transit gateway flow logs have no traffic type; VPC, subnet and ENI flow logs always do.
        TrafficType: z.enum(['ACCEPT', 'REJECT', 'ALL']).optional(),
        FlowLogStatus: z.string(),
        DeliverLogsStatus: z.string().optional(),
        DeliverLogsErrorMessage: z.string().optional(),
        LogDestinationType: z.string().optional(),
        LogDestination: z.string().optional(),
        // Absent for s3 and firehose destinations.
        LogGroupName: z.string().optional(),
        DeliverLogsPermissionArn: z.string().optional(),
        Tags: TagsSchema,
      })
      .superRefine((flowLog, ctx) => {
        if (flowLog.TrafficType === undefined && hasTrafficType(flowLog.ResourceId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['TrafficType'],
            message: `expected one of ACCEPT | REJECT | ALL, but it is missing (required for ${flowLog.ResourceId})`,
          });
        }
      }),
  ),
});

const DescribeLogGroupsSchema = z.looseObject({
  logGroups: z.array(
    z.looseObject({
      logGroupName: z.string(),
      arn: z.string().optional(),
      logGroupArn: z.string().optional(),
      retentionInDays: z.number().int().positive().optional(),
      kmsKeyId: z.string().optional(),
    }),
  ),
});

type CallerIdentityJson = z.infer<typeof CallerIdentitySchema>;
type GetRoleJson = z.infer<typeof GetRoleSchema>;
type GetRolePolicyJson = z.infer<typeof GetRolePolicySchema>;
type DescribeVpcsJson = z.infer<typeof DescribeVpcsSchema>;
type DescribeSubnetsJson = z.infer<typeof DescribeSubnetsSchema>;
type DescribeFlowLogsJson = z.infer<typeof DescribeFlowLogsSchema>;
type DescribeLogGroupsJson = z.infer<typeof DescribeLogGroupsSchema>;

// ---------------------------------------------------------------------------------------------------

/**
 * Reads a snapshot directory into an Inventory. Throws one SnapshotError (single-line message naming
 * every bad file, the JSON path of each problem and how to fix it) if anything is missing or malformed.
 */
export async function loadSnapshot(dir: string, settings: Settings): Promise<Inventory> {
  await assertDirectory(dir);
  const regions = await selectRegions(dir, settings);

  const problems: SnapshotProblem[] = [];
  const reader = new SnapshotReader(dir, problems);

  const [identity, roleJson, rolePolicies, regionJson] = await Promise.all([
    reader.required(SNAPSHOT_FILES.callerIdentity, CallerIdentitySchema, 'aws sts get-caller-identity --output json'),
    reader.optional(
      SNAPSHOT_FILES.role,
      GetRoleSchema,
      `aws iam get-role --role-name ${settings.roleName} --output json`,
      ' (or delete the file if the role does not exist)',
    ),
    readRolePolicies(reader, settings.roleName),
    Promise.all(regions.map((region) => readRegion(reader, region))),
  ]);

  if (problems.length === 0 && roleJson !== undefined) {
    checkRoleName(reader, roleJson, rolePolicies, settings.roleName);
  }
  if (problems.length === 0) {
    regionJson.forEach((files, index) => checkAvailabilityZones(reader, regions[index] as string, files.subnets));
  }
  if (problems.length > 0 || identity === undefined) throw snapshotError(problems);

  const firstRegion = regions[0] as string;
  return {
    accountId: identity.Account,
    partition: partitionOf(firstRegion),
    homeRegion: settings.region ?? firstRegion,
    regions: regionJson.map((files, index) => toRegionInventory(regions[index] as string, files, identity, settings)),
    role: roleJson === undefined ? { status: 'missing' } : { status: 'found', role: toRoleFacts(roleJson, rolePolicies) },
  };
}

// ---------------------------------------------------------------------------------------------------
// Directory structure

async function assertDirectory(dir: string): Promise<void> {
  try {
    const info = await stat(dir);
    if (info.isDirectory()) return;
    throw snapshotError([
      {
        file: dir,
        issues: ['is a file, not a directory'],
        fix: `pass the directory that contains ${SNAPSHOT_FILES.callerIdentity} and ${SNAPSHOT_FILES.regionsDir}/`,
      },
    ]);
  } catch (error) {
    if (error instanceof SnapshotError) throw error;
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
}

const REGION_NAME = /^[a-z]{2}(-[a-z]+)+-\d+$/;

async function selectRegions(dir: string, settings: Settings): Promise<string[]> {
  const regionsDir = path.join(dir, SNAPSHOT_FILES.regionsDir);
  let entries;
  try {
    entries = await readdir(regionsDir, { withFileTypes: true });
  } catch (error) {
    throw snapshotError(
      [
        {
          file: regionsDir,
          issues: [`cannot read the regions directory (${errorText(error)})`],
          fix: `create ${regionsDir}/<region>/ with the describe-vpcs, describe-subnets and describe-flow-logs output of each region (see examples/README.md)`,
        },
      ],
      error,
    );
  }

  const directories = entries.filter((entry) => entry.isDirectory()).map((entry) => entry.name);
  const notRegions = directories.filter((name) => !REGION_NAME.test(name));
  if (notRegions.length > 0) {
    throw snapshotError([
      {
        file: regionsDir,
        issues: [`${notRegions.map((name) => `"${name}"`).join(', ')} is not an AWS region name (like us-east-1)`],
        fix: 'rename or remove it: every directory under regions/ must be named after the region it was captured in',
      },
    ]);
  }
  const available = directories.sort();
  if (available.length === 0) {
    throw snapshotError([
      {
        file: regionsDir,
        issues: ['has no region directories'],
        fix: `capture at least one region into ${regionsDir}/<region>/ (see examples/README.md)`,
      },
    ]);
  }
  if (settings.regions === undefined) return available;

  const missing = settings.regions.filter((region) => !available.includes(region));
  if (missing.length > 0) {
    throw snapshotError([
      {
        file: regionsDir,
        issues: [
          `has no data for requested region${missing.length > 1 ? 's' : ''} ${missing.join(', ')} (available: ${available.join(', ')})`,
        ],
        fix: `capture ${missing.map((region) => `${regionsDir}/${region}/`).join(', ')} or drop ${missing.length > 1 ? 'them' : 'it'} from --regions`,
      },
    ]);
  }
  return available.filter((region) => settings.regions?.includes(region));
}

// ---------------------------------------------------------------------------------------------------
// Reading and validating one file

class SnapshotReader {
  constructor(
    readonly dir: string,
    private readonly problems: SnapshotProblem[],
  ) {}

  /** Resolves to undefined (and records the problem) when the file is missing or invalid. */
  async required<T>(relative: string, schema: z.ZodType<T>, command: string): Promise<T | undefined> {
    const text = await this.readText(relative, command, '', false);
    return text === undefined ? undefined : this.parse(relative, text, schema, command, '');
  }

  /** Resolves to undefined when the file does not exist (a normal state) or is invalid (recorded). */
  async optional<T>(relative: string, schema: z.ZodType<T>, command: string, fixSuffix = ''): Promise<T | undefined> {
    const text = await this.readText(relative, command, fixSuffix, true);
    return text === undefined ? undefined : this.parse(relative, text, schema, command, fixSuffix);
  }

  report(relative: string, issues: string[], fix: string): void {
    this.problems.push({ file: path.join(this.dir, relative), issues, fix });
  }

  regenerate(relative: string, command: string): string {
    return `regenerate it with \`${command} > ${path.join(this.dir, relative)}\``;
  }

  private async readText(
    relative: string,
    command: string,
    fixSuffix: string,
    mayBeAbsent: boolean,
  ): Promise<string | undefined> {
    let bytes: Buffer;
    try {
      bytes = await readFile(path.join(this.dir, relative));
    } catch (error) {
      if (mayBeAbsent && isErrorCode(error, 'ENOENT')) return undefined;
      const issue = isErrorCode(error, 'ENOENT') ? 'required file is missing' : `cannot read it (${errorText(error)})`;
      this.report(relative, [issue], this.regenerate(relative, command) + fixSuffix);
      return undefined;
    }
    return decodeText(bytes);
  }

  private parse<T>(relative: string, text: string, schema: z.ZodType<T>, command: string, fixSuffix: string) {
    const fix = this.regenerate(relative, command) + fixSuffix;
    if (text.trim() === '') {
      this.report(relative, ['the file is empty (did the AWS CLI command fail?)'], fix);
      return undefined;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.report(relative, [`not valid JSON: ${describeJsonError(error, text)}`], fix);
      return undefined;
    }
    const result = schema.safeParse(json);
    if (result.success) return result.data;
    this.report(
      relative,
      result.error.issues.map((issue) => formatIssue(issue, json)),
      fix,
    );
    return undefined;
  }
}

/** The AWS CLI on Windows PowerShell writes UTF-16 with a BOM; elsewhere UTF-8, maybe with a BOM. */
function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString('utf16le');
  const text = bytes.toString('utf8');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function describeJsonError(error: unknown, text: string): string {
  const message = errorText(error);
  if (/Unexpected end of JSON input/i.test(message)) {
    return 'the file ends in the middle of the JSON (truncated?)';
  }
  // Node reports a character offset; people look for lines.
  const position = /at position (\d+)/.exec(message);
  if (position?.[1] === undefined) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message.replace(/\s*\(line \d+ column \d+\)/, '').replace(/ at position \d+/, '')} at line ${line} column ${column}`;
}

function formatIssue(issue: z.core.$ZodIssue, json: unknown): string {
  const where = issue.path.length === 0 ? '(top level)' : formatPath(issue.path);
  return `${where}: ${describeIssue(issue, json)}`;
}

function describeIssue(issue: z.core.$ZodIssue, json: unknown): string {
  switch (issue.code) {
    case 'invalid_type': {
      const expected = issue.expected === 'int' ? 'integer' : issue.expected;
      const actual = valueAt(json, issue.path);
      if (!actual.present) return `expected ${expected}, but it is missing`;
      return `expected ${expected}, got ${describeValue(actual.value)}`;
    }
    case 'invalid_value': {
      const actual = valueAt(json, issue.path);
      const got = actual.present ? `, got ${JSON.stringify(actual.value)}` : ', but it is missing';
      return `expected one of ${issue.values.map(String).join(' | ')}${got}`;
    }
    case 'too_small':
      return `expected a value ≥ ${String(issue.minimum)}, got ${describeValue(valueAt(json, issue.path).value)}`;
    case 'invalid_union': {
      const actual = valueAt(json, issue.path);
      return `expected ${issue.path.at(-1) === 'Statement' ? 'a statement object or an array of them' : 'a different shape'}, got ${describeValue(actual.value)}`;
    }
    case 'invalid_format':
      return `${issue.message}, got ${describeValue(valueAt(json, issue.path).value)}`;
    default:
      return issue.message.replace(/^Invalid input: /, '');
  }
}

function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (typeof segment === 'string' && /^[A-Za-z_$][\w$]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function valueAt(json: unknown, segments: readonly PropertyKey[]): { present: boolean; value: unknown } {
  let current: unknown = json;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object' || !(segment in current)) return { present: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return { present: current !== undefined, value: current };
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'string') return `string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

// ---------------------------------------------------------------------------------------------------
// IAM

interface RolePolicyFile {
  file: string;
  json: GetRolePolicyJson;
}

async function readRolePolicies(reader: SnapshotReader, roleName: string): Promise<RolePolicyFile[]> {
  const names = (await readdir(reader.dir))
    .filter((name) => name.startsWith(SNAPSHOT_FILES.rolePolicyPrefix) && name.endsWith('.json'))
    .sort();
  const files = await Promise.all(
    names.map(async (file) => {
      const policyName = file.slice(SNAPSHOT_FILES.rolePolicyPrefix.length, -'.json'.length);
      const command = `aws iam get-role-policy --role-name ${roleName} --policy-name ${policyName} --output json`;
      const json = await reader.required(file, GetRolePolicySchema, command);
      return json === undefined ? undefined : { file, json };
    }),
  );
  return files.filter((file): file is RolePolicyFile => file !== undefined);
}

/** A snapshot of another role says nothing about the one flowfix will use. */
function checkRoleName(
  reader: SnapshotReader,
  role: GetRoleJson,
  policies: RolePolicyFile[],
  roleName: string,
): void {
  if (role.Role.RoleName !== roleName) {
    reader.report(
      SNAPSHOT_FILES.role,
      [`Role.RoleName: the snapshot holds role "${role.Role.RoleName}" but flowfix is configured for "${roleName}"`],
      reader.regenerate(SNAPSHOT_FILES.role, `aws iam get-role --role-name ${roleName} --output json`) +
        ' (or delete the file if the role does not exist), or pass --role-name ' +
        role.Role.RoleName,
    );
  }
  for (const { file, json } of policies) {
    if (json.RoleName !== role.Role.RoleName) {
      reader.report(
        file,
        [`RoleName: policy of role "${json.RoleName}", but ${SNAPSHOT_FILES.role} is role "${role.Role.RoleName}"`],
        reader.regenerate(
          file,
          `aws iam get-role-policy --role-name ${role.Role.RoleName} --policy-name ${json.PolicyName} --output json`,
        ) + ' or delete it',
      );
    }
  }
}

function toRoleFacts(role: GetRoleJson, policies: RolePolicyFile[]): RoleFacts {
  const inlinePolicies: Record<string, PolicyDocument> = {};
  for (const { json } of policies) inlinePolicies[json.PolicyName] = json.PolicyDocument as PolicyDocument;
  return {
    roleName: role.Role.RoleName,
    arn: role.Role.Arn,
    trustPolicy: role.Role.AssumeRolePolicyDocument as PolicyDocument,
    inlinePolicies,
    tags: tagsToRecord(role.Role.Tags),
  };
}

// ---------------------------------------------------------------------------------------------------
// Regions

interface RegionFiles {
  vpcs: DescribeVpcsJson | undefined;
  subnets: DescribeSubnetsJson | undefined;
  flowLogs: DescribeFlowLogsJson | undefined;
  logGroups: DescribeLogGroupsJson | undefined;
}

async function readRegion(reader: SnapshotReader, region: string): Promise<RegionFiles> {
  const file = (name: string) => path.join(SNAPSHOT_FILES.regionsDir, region, name);
  const [vpcs, subnets, flowLogs, logGroups] = await Promise.all([
    reader.required(file(SNAPSHOT_FILES.vpcs), DescribeVpcsSchema, `aws ec2 describe-vpcs --region ${region} --output json`),
    reader.required(
      file(SNAPSHOT_FILES.subnets),
      DescribeSubnetsSchema,
      `aws ec2 describe-subnets --region ${region} --output json`,
    ),
    reader.required(
      file(SNAPSHOT_FILES.flowLogs),
      DescribeFlowLogsSchema,
      `aws ec2 describe-flow-logs --region ${region} --output json`,
    ),
    reader.optional(
      file(SNAPSHOT_FILES.logGroups),
      DescribeLogGroupsSchema,
      `aws logs describe-log-groups --region ${region} --output json`,
    ),
  ]);
  return { vpcs, subnets, flowLogs, logGroups };
}

/** Catches the commonest capture mistake: a region's directory filled from another region. */
function checkAvailabilityZones(reader: SnapshotReader, region: string, subnets: DescribeSubnetsJson | undefined): void {
  const relative = path.join(SNAPSHOT_FILES.regionsDir, region, SNAPSHOT_FILES.subnets);
  const issues: string[] = [];
  subnets?.Subnets.forEach((subnet, index) => {
    const zone = subnet.AvailabilityZone;
    if (zone !== undefined && !zone.startsWith(region)) {
      issues.push(`Subnets[${index}].AvailabilityZone: "${zone}" is not in ${region}`);
    }
  });
  if (issues.length > 0) {
    reader.report(
      relative,
      issues,
      `${reader.regenerate(relative, `aws ec2 describe-subnets --region ${region} --output json`)} (the output was captured in another region)`,
    );
  }
}

function toRegionInventory(
  region: string,
  files: RegionFiles,
  identity: CallerIdentityJson,
  settings: Settings,
): RegionInventory {
  const vpcs: VpcFacts[] = (files.vpcs?.Vpcs ?? []).map((vpc) => ({
    vpcId: vpc.VpcId,
    ownerId: vpc.OwnerId,
    isDefault: vpc.IsDefault ?? false,
    ...optional('cidrBlock', vpc.CidrBlock),
    ...optional('name', nameTag(vpc.Tags)),
  }));
  const vpcOwner = new Map(vpcs.map((vpc) => [vpc.vpcId, vpc.ownerId]));

  const subnets: SubnetFacts[] = (files.subnets?.Subnets ?? []).map((subnet) => ({
    subnetId: subnet.SubnetId,
    vpcId: subnet.VpcId,
    ownerId: subnet.OwnerId ?? vpcOwner.get(subnet.VpcId) ?? identity.Account,
    ...optional('availabilityZone', subnet.AvailabilityZone),
    ...optional('cidrBlock', subnet.CidrBlock),
    ...optional('name', nameTag(subnet.Tags)),
  }));

  const flowLogs: FlowLogFacts[] = (files.flowLogs?.FlowLogs ?? [])
    // Transit gateway flow logs (no traffic type) never cover a VPC or subnet.
    .filter((flowLog) => flowLog.TrafficType !== undefined)
    .map((flowLog) => {
      const destinationType = flowLog.LogDestinationType ?? 'cloud-watch-logs';
      const logGroupName =
        flowLog.LogGroupName ??
        (destinationType === 'cloud-watch-logs' ? logGroupNameFromArn(flowLog.LogDestination) : undefined);
      return {
        flowLogId: flowLog.FlowLogId,
        resourceId: flowLog.ResourceId,
        status: flowLog.FlowLogStatus,
        trafficType: flowLog.TrafficType as string,
        destinationType,
        ...optional('deliverLogsStatus', flowLog.DeliverLogsStatus),
        ...optional('deliverLogsErrorMessage', flowLog.DeliverLogsErrorMessage),
        ...optional('destination', flowLog.LogDestination),
        ...optional('logGroupName', logGroupName),
        ...optional('deliverLogsPermissionArn', flowLog.DeliverLogsPermissionArn),
        tags: tagsToRecord(flowLog.Tags),
      };
    });

  const wanted = new Set<string>();
  for (const flowLog of flowLogs) {
    if (flowLog.destinationType === 'cloud-watch-logs' && flowLog.logGroupName !== undefined) {
      wanted.add(flowLog.logGroupName);
    }
  }
  if (settings.destination.type === 'cloud-watch-logs') wanted.add(settings.destination.logGroupName);

  const logGroups: Record<string, LogGroupFacts> = {};
  for (const group of files.logGroups?.logGroups ?? []) {
    if (!wanted.has(group.logGroupName)) continue;
    const arn = group.logGroupArn ?? group.arn?.replace(/:\*$/, '');
    logGroups[group.logGroupName] = {
      name: group.logGroupName,
      ...optional('arn', arn),
      ...optional('retentionInDays', group.retentionInDays),
      ...optional('kmsKeyId', group.kmsKeyId),
    };
  }

  return { status: 'read', region, vpcs, subnets, flowLogs, logGroups };
}

// ---------------------------------------------------------------------------------------------------
// Small helpers

function hasTrafficType(resourceId: string): boolean {
  return /^(vpc|subnet|eni)-/.test(resourceId);
}

function logGroupNameFromArn(arn: string | undefined): string | undefined {
  const match = arn === undefined ? null : /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:(.+?)(:\*)?$/.exec(arn);
  return match?.[1];
}

function nameTag(tags: { Key: string; Value: string }[] | undefined): string | undefined {
  return tags?.find((tag) => tag.Key === 'Name')?.Value;
}

/** exactOptionalPropertyTypes-safe: leaves the key out instead of setting it to undefined. */
function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function isErrorCode(error: unknown, code: string): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/** Node fs errors repeat the path ("…, stat '/x'"); the message already names the file. */
function errorText(error: unknown): string {
  // Not `instanceof Error`: errors from another realm (jest's vm modules) fail that test.
  const message =
    typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : String(error);
  return message.replace(/, \w+ '[^']*'( -> '[^']*')?$/, '');
}

function snapshotError(unordered: SnapshotProblem[], cause?: unknown): SnapshotError {
  // Files are read in parallel; report them in a stable order.
  const problems = [...unordered].sort((a, b) => a.file.localeCompare(b.file));
  const parts = problems.map((problem) => `${problem.file}: ${problem.issues.join('; ')} — ${problem.fix}`);
  const message =
    problems.length === 1 ? (parts[0] as string) : `${problems.length} snapshot files have problems: ${parts.join(' | ')}`;
  return new SnapshotError(message.replace(/\s*\n\s*/g, ' '), problems, cause);
}
