// The bucket policy of a central flow-log bucket, as flowfix reads and edits it: the two statements AWS
// documents for flow-log delivery to S3 (docs/aws-facts/log-archive-bucket.md), under fixed Sids so a
// later run (and rollback) finds them again, spliced into the policy text so that every other
// statement stays exactly as its owner wrote it, byte for byte.
import type { PolicyStatement } from './policy-document.js';

/** The service that writes flow logs to S3 (and whose key-policy and bucket-policy grants matter). */
export const LOG_DELIVERY_SERVICE = 'delivery.logs.amazonaws.com';

/** flowfix's statements in a bucket policy, found again by these Sids (rollback removes only these). */
export const FLOWFIX_BUCKET_SIDS = { write: 'FlowfixFlowLogsDeliveryWrite', aclCheck: 'FlowfixFlowLogsDeliveryAclCheck' } as const;
const FLOWFIX_SIDS: ReadonlySet<string> = new Set(Object.values(FLOWFIX_BUCKET_SIDS));

/** S3: bucket policies are limited to 20 KB (docs/aws-facts/log-archive-bucket.md). */
export const BUCKET_POLICY_MAX_BYTES = 20 * 1024;

/** The canned ACL the delivery service sends with every object, and the only one a bucket with ACLs disabled accepts. */
export const DELIVERY_ACL = 'bucket-owner-full-control';

export interface DeliveryGrant {
  partition: string;
  bucket: string;
  /** '' or ending in '/'. */
  prefix: string;
  /** Every account whose flow logs deliver to the bucket. */
  accounts: string[];
  /** Hive-compatible prefixes put objects under AWSLogs/aws-account-id=ACCOUNT/. */
  hive: boolean;
}

/** Where the delivery service writes an account's objects (VPC user guide, flow-logs-s3-permissions). */
export function deliveryObjectArns({ partition, bucket, prefix, hive }: Omit<DeliveryGrant, 'accounts'>, account: string): string {
  return `arn:${partition}:s3:::${bucket}/${prefix}AWSLogs/${hive ? `aws-account-id=${account}` : account}/*`;
}

const sourceArn = (partition: string, account: string) => `arn:${partition}:logs:*:${account}:*`;

/**
 * AWS's two statements for these accounts, each condition listing every delivering account, and what
 * flowfix's statements already granted kept (accounts and object paths only grow: a flow log made by an
 * earlier run keeps delivering).
 */
export function deliveryStatements(grant: DeliveryGrant, existing: PolicyStatement[] = []): PolicyStatement[] {
  const previous = existing.find((s) => s.Sid === FLOWFIX_BUCKET_SIDS.write);
  const accounts = sortedUnion(grant.accounts, conditionValues(previous, 'aws:SourceAccount'));
  const objects = sortedUnion(
    accounts.map((a) => deliveryObjectArns(grant, a)),
    asList(previous?.Resource),
  );
  const sources = { 'aws:SourceArn': accounts.map((a) => sourceArn(grant.partition, a)) };
  const principal = { Service: LOG_DELIVERY_SERVICE };
  return [
    {
      Sid: FLOWFIX_BUCKET_SIDS.write,
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:PutObject',
      Resource: objects,
      Condition: { StringEquals: { 'aws:SourceAccount': accounts, 's3:x-amz-acl': DELIVERY_ACL }, ArnLike: sources },
    },
    {
      Sid: FLOWFIX_BUCKET_SIDS.aclCheck,
      Effect: 'Allow',
      Principal: principal,
      Action: ['s3:GetBucketAcl', 's3:ListBucket'],
      Resource: `arn:${grant.partition}:s3:::${grant.bucket}`,
      Condition: { StringEquals: { 'aws:SourceAccount': accounts }, ArnLike: sources },
    },
  ];
}

/**
 * flowfix's statements without the grants of `accounts` (rollback): their object paths, source accounts
 * and source ARNs taken out; none at all when no account would be left.
 */
export function withoutAccounts(statements: PolicyStatement[], accounts: string[]): PolicyStatement[] {
  const gone = new Set(accounts);
  const remaining = accountsGrantedBy(statements).filter((a) => !gone.has(a));
  if (remaining.length === 0) return [];
  const keeps = (value: string) =>
    ![...gone].some((a) => value.includes(`:${a}:`) || value.includes(`/AWSLogs/${a}/`) || value.includes(`aws-account-id=${a}/`));
  return statements.filter(isFlowfixStatement).map((statement) => ({
    ...statement,
    ...(Array.isArray(statement.Resource) ? { Resource: statement.Resource.filter(keeps) } : {}),
    ...(statement.Condition
      ? {
          Condition: Object.fromEntries(
            Object.entries(statement.Condition).map(([operator, entries]) => [
              operator,
              Object.fromEntries(
                Object.entries(entries).map(([key, value]) => [
                  key,
                  /^aws:Source(Account|Arn)$/i.test(key) ? asList(value).filter((v) => !gone.has(v) && keeps(v)) : value,
                ]),
              ),
            ]),
          ),
        }
      : {}),
  }));
}

/** The accounts flowfix's write statement lets deliver. */
export const accountsGrantedBy = (statements: PolicyStatement[]): string[] =>
  conditionValues(
    statements.find((s) => s.Sid === FLOWFIX_BUCKET_SIDS.write),
    'aws:SourceAccount',
  );

export const isFlowfixStatement = (statement: { Sid?: unknown }): boolean => typeof statement.Sid === 'string' && FLOWFIX_SIDS.has(statement.Sid);

/** One element of the policy's Statement, as its text stands in the document and parsed. */
export interface StatementText {
  text: string;
  statement: PolicyStatement;
}

/** A policy document's text cut around its Statement value, so the rest can be put back unchanged. */
interface PolicyText {
  before: string;
  after: string;
  statements: StatementText[];
}

/**
 * The policy's statements with their exact text; undefined when the text is not a JSON object with a
 * Statement (S3 stores only valid policies, so this is hostile or foreign input).
 */
export function readPolicyText(raw: string): PolicyText | undefined {
  try {
    JSON.parse(raw);
    let i = skipSpace(raw, 0);
    if (raw[i] !== '{') return undefined;
    i = skipSpace(raw, i + 1);
    let found: PolicyText | undefined;
    while (i < raw.length && raw[i] !== '}') {
      const keyEnd = endOfString(raw, i);
      const key = JSON.parse(raw.slice(i, keyEnd)) as string;
      const valueStart = skipSpace(raw, skipSpace(raw, keyEnd) + 1);
      const valueEnd = endOfValue(raw, valueStart);
      if (key === 'Statement') {
        // Two Statement members: which one a reader takes is not ours to guess.
        if (found) return undefined;
        const elements = raw[valueStart] === '[' ? arrayElements(raw, valueStart) : [[valueStart, valueEnd] as const];
        found = {
          before: raw.slice(0, valueStart),
          after: raw.slice(valueEnd),
          statements: elements.map(([from, to]) => ({ text: raw.slice(from, to), statement: JSON.parse(raw.slice(from, to)) as PolicyStatement })),
        };
      }
      i = skipSpace(raw, valueEnd);
      if (raw[i] === ',') i = skipSpace(raw, i + 1);
    }
    // Every statement is an object, or the document is not one flowfix edits.
    return found?.statements.every((s) => typeof s.statement === 'object' && s.statement !== null && !Array.isArray(s.statement)) ? found : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The policy with flowfix's statements replaced by `ours` (none: removed), every other statement's text
 * kept as it was, in its place; ours come last. No current policy: a new one. Returns null when no
 * statement would be left (S3 refuses an empty policy: the policy is to be deleted), undefined when the
 * current text cannot be edited safely.
 */
export function withFlowfixStatements(current: string | null, ours: PolicyStatement[]): string | null | undefined {
  if (current === null) return ours.length === 0 ? null : JSON.stringify({ Version: '2012-10-17', Statement: ours });
  const parsed = readPolicyText(current);
  if (!parsed) return undefined;
  const kept = parsed.statements.filter((s) => !isFlowfixStatement(s.statement)).map((s) => s.text);
  const all = [...kept, ...ours.map((s) => JSON.stringify(s))];
  if (all.length === 0) return null;
  return `${parsed.before}[${all.join(',')}]${parsed.after}`;
}

/** The bytes S3 counts against the 20 KB limit (UTF-8 of the text as sent). */
export const policyBytes = (text: string): number => Buffer.byteLength(text, 'utf8');

// ---- a JSON scanner just precise enough to cut a valid document at its values' bounds ----

function skipSpace(text: string, i: number): number {
  while (i < text.length && /\s/.test(text[i]!)) i++;
  return i;
}

function endOfString(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length) {
    if (text[i] === '\\') i += 2;
    else if (text[i] === '"') return i + 1;
    else i++;
  }
  throw new Error('unterminated string');
}

function endOfValue(text: string, start: number): number {
  const first = text[start];
  if (first === '"') return endOfString(text, start);
  if (first === '{' || first === '[') {
    let depth = 0;
    let i = start;
    while (i < text.length) {
      const c = text[i]!;
      if (c === '"') {
        i = endOfString(text, i);
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
      i++;
    }
    throw new Error('unterminated value');
  }
  let i = start;
  while (i < text.length && !/[\s,}\]]/.test(text[i]!)) i++;
  return i;
}

function arrayElements(text: string, start: number): (readonly [number, number])[] {
  const spans: (readonly [number, number])[] = [];
  let i = skipSpace(text, start + 1);
  while (text[i] !== ']') {
    const end = endOfValue(text, i);
    spans.push([i, end]);
    i = skipSpace(text, end);
    if (text[i] === ',') i = skipSpace(text, i + 1);
  }
  return spans;
}

const asList = (value: unknown): string[] => (value === undefined ? [] : [value].flat().map(String));

function conditionValues(statement: PolicyStatement | undefined, key: string): string[] {
  const values = Object.values(statement?.Condition ?? {}).flatMap((entries) =>
    Object.entries(entries)
      .filter(([k]) => k.toLowerCase() === key.toLowerCase())
      .flatMap(([, v]) => asList(v)),
  );
  return [...new Set(values)];
}

const sortedUnion = (a: string[], b: string[]): string[] => [...new Set([...a, ...b])].sort();
