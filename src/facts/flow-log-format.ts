// VPC flow log record format: the fields AWS accepts in LogFormat (docs/aws-facts/flow-log-options.md,
// from the VPC User Guide, "Flow log records", Available fields), in the guide's order. Unknown fields
// are refused before any AWS call, by name, so a typo never reaches CreateFlowLogs.

/** Every field of a flow log record, with the record version that introduced it. */
export const FLOW_LOG_FIELDS = {
  version: 2,
  'account-id': 2,
  'interface-id': 2,
  srcaddr: 2,
  dstaddr: 2,
  srcport: 2,
  dstport: 2,
  protocol: 2,
  packets: 2,
  bytes: 2,
  start: 2,
  end: 2,
  action: 2,
  'log-status': 2,
  'vpc-id': 3,
  'subnet-id': 3,
  'instance-id': 3,
  'tcp-flags': 3,
  type: 3,
  'pkt-srcaddr': 3,
  'pkt-dstaddr': 3,
  region: 4,
  'az-id': 4,
  'sublocation-type': 4,
  'sublocation-id': 4,
  'pkt-src-aws-service': 5,
  'pkt-dst-aws-service': 5,
  'flow-direction': 5,
  'traffic-path': 5,
  'ecs-cluster-arn': 7,
  'ecs-cluster-name': 7,
  'ecs-container-instance-arn': 7,
  'ecs-container-instance-id': 7,
  'ecs-container-id': 7,
  'ecs-second-container-id': 7,
  'ecs-service-name': 7,
  'ecs-task-definition-arn': 7,
  'ecs-task-arn': 7,
  'ecs-task-id': 7,
  'reject-reason': 8,
  'resource-id': 9,
  'encryption-status': 10,
} as const satisfies Record<string, number>;

export type FlowLogField = keyof typeof FLOW_LOG_FIELDS;

export const isFlowLogField = (name: string): name is FlowLogField => Object.hasOwn(FLOW_LOG_FIELDS, name);

/** The default format: every version 2 field, in the table's order. AWS reports it as the LogFormat of a flow log created without one. */
export const DEFAULT_LOG_FORMAT = Object.entries(FLOW_LOG_FIELDS)
  .filter(([, version]) => version === 2)
  .map(([name]) => `\${${name}}`)
  .join(' ');

/** MaxAggregationInterval: 60 or 600 seconds (600 when not given). */
export const AGGREGATION_INTERVALS = [60, 600] as const;
export const DEFAULT_AGGREGATION_INTERVAL = 600;

/** S3 only: DestinationOptions.FileFormat. */
export const FILE_FORMATS = ['plain-text', 'parquet'] as const;

/** `${a} ${b}` → ['a', 'b'], or the reason it is not a format: tokens `${field}` separated by spaces. */
export function parseLogFormat(format: string): { fields: string[] } | { problem: string } {
  const tokens = format.trim().split(/\s+/).filter(Boolean);
  if (tokens.length === 0) return { problem: 'names no field; give at least one, like ${version} ${srcaddr}' };
  const fields: string[] = [];
  for (const token of tokens) {
    const match = /^\$\{([^{}\s]+)\}$/.exec(token);
    if (!match) return { problem: `has ${JSON.stringify(token)}, which is not a field written as \${name}` };
    fields.push(match[1]!);
  }
  return { fields };
}

/** The problem with a LogFormat, naming every unknown field; undefined when it is ${field} tokens AWS knows. */
export function logFormatProblem(format: string): string | undefined {
  const parsed = parseLogFormat(format);
  if ('problem' in parsed) return parsed.problem;
  const unknown = [...new Set(parsed.fields.filter((f) => !isFlowLogField(f)))];
  if (unknown.length > 0) {
    return `has unknown field${unknown.length === 1 ? '' : 's'} ${unknown.map((f) => `\${${f}}`).join(', ')}; fields are ${Object.keys(FLOW_LOG_FIELDS).join(', ')}`;
  }
  return undefined;
}

/** The format as CreateFlowLogs takes it: the same fields, single spaces. */
export const canonicalLogFormat = (format: string): string => format.trim().split(/\s+/).join(' ');

/** The `required` fields `format` does not record, in the order given. */
export function missingFields(format: string, required: readonly string[]): string[] {
  const parsed = parseLogFormat(format);
  const present = new Set('fields' in parsed ? parsed.fields : []);
  return required.filter((field) => !present.has(field));
}

/**
 * The format flow logs are created with when --require-fields is given without --log-format: AWS's
 * default fields, then the required ones it lacks, in the order given. Without it new flow logs would
 * lack the fields, and the next run would find them.
 */
export function formatRecording(required: readonly string[]): string {
  const added = [...new Set(missingFields(DEFAULT_LOG_FORMAT, required))];
  return [DEFAULT_LOG_FORMAT, ...added.map((field) => `\${${field}}`)].join(' ');
}

/** Whether `format` records every field of `wanted` (a flow log reporting no format has AWS's default one). */
export function recordsEveryField(format: string | undefined, wanted: string): boolean {
  const parsed = parseLogFormat(wanted);
  return 'fields' in parsed && missingFields(format ?? DEFAULT_LOG_FORMAT, parsed.fields).length === 0;
}
