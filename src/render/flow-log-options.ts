// The flow-log options a plan was made with, in words short enough for a report's header: text and
// Markdown say what the JSON report's settings hold, without a 30-field log format filling the screen.
import type { FlowLogOptions } from '../config/settings.js';
import { DEFAULT_LOG_FORMAT, parseLogFormat } from '../facts/flow-log-format.js';
import { takesUntrusted } from './visible.js';

/** More fields than this are cut to this many, with how many more there are. */
export const MAX_FIELDS_SHOWN = 6;

const DEFAULT_FIELDS = (parseLogFormat(DEFAULT_LOG_FORMAT) as { fields: string[] }).fields;

/**
 * A log format as a person reads it: its field count, and the fields that say what it records. A format
 * holding every default field is named by what it adds to them (what a SIEM asked for), in the order given.
 */
export const describeLogFormat = takesUntrusted(function describeLogFormat(format: string): {
  count: number;
  base?: 'default';
  fields: string[];
  more: number;
} {
  const parsed = parseLogFormat(format);
  const fields = 'fields' in parsed ? parsed.fields : [format];
  const withDefaults = DEFAULT_FIELDS.every((f) => fields.includes(f));
  const listed = withDefaults ? fields.filter((f) => !DEFAULT_FIELDS.includes(f)) : fields;
  return {
    count: fields.length,
    ...(withDefaults ? { base: 'default' as const } : {}),
    fields: listed.slice(0, MAX_FIELDS_SHOWN),
    more: Math.max(0, listed.length - MAX_FIELDS_SHOWN),
  };
});

/**
 * One phrase per option that was set, in the order the flags are listed; none when every option is AWS's
 * default. `code` wraps what a user typed (the field names, the file format), e.g. as a Markdown code span.
 */
export const describeFlowLogOptions = takesUntrusted(function describeFlowLogOptions(
  options: FlowLogOptions,
  code: (text: string) => string = (t) => t,
): string[] {
  const phrases: string[] = [];
  if (options.logFormat) {
    const { count, base, fields, more } = describeLogFormat(options.logFormat);
    const shown = [...fields.map(code), ...(more > 0 ? [`${more} more`] : [])].join(', ');
    const what = base === 'default' ? (fields.length === 0 ? `the ${DEFAULT_FIELDS.length} default fields` : `the default fields + ${shown}`) : shown;
    phrases.push(`log format ${count} ${count === 1 ? 'field' : 'fields'} (${what})`);
  }
  if (options.maxAggregationInterval) phrases.push(`max aggregation interval ${options.maxAggregationInterval} s`);
  if (options.fileFormat) phrases.push(`file format ${code(options.fileFormat)}`);
  if (options.hiveCompatiblePartitions) phrases.push('Hive-compatible partitions');
  if (options.perHourPartition) phrases.push('per-hour partitions');
  return phrases;
});
