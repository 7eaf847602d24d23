// FakeAws over real HTTP on 127.0.0.1, for what runs in another process: the built CLI and the bundle
// (test/bundle/) and the benchmark's CLI runs (bench/). The child is pointed at it with
// `--endpoint-url`; every service then shares one host, so a request names its service and region in
// its SigV4 credential scope. Requests are decoded back into the SDK's input shapes, answered by
// FakeAws.answer (recorded, paged, failed and denied as through the SDK mock), and the answers encoded
// the way each protocol does: EC2 query XML, AWS query XML (IAM, STS), AWS JSON 1.1 (Logs). The
// encoders cover the shapes FakeAws returns; test/helpers/fake-aws-http.test.ts reads every one back
// through the real SDK clients and compares it with the direct answer.

import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { FakeAws, Service } from './fake-aws.js';
import { ec2Answer, ec2Error, jsonAnswer, jsonError, queryAnswer, queryError, type HttpAnswer } from './fake-http.js';

export interface FakeAwsServer {
  /** http://127.0.0.1:PORT, for `--endpoint-url`. */
  url: string;
  /** performance.now() of the first request since this was last set to undefined (the bench times start-up with it). */
  firstRequestAt: number | undefined;
  close(): Promise<void>;
}

const SERVICES: readonly Service[] = ['ec2', 'iam', 'sts', 'logs', 'organizations'];

export async function serveFakeAws(fake: FakeAws): Promise<FakeAwsServer> {
  const server = createServer((request, response) => {
    served.firstRequestAt ??= performance.now();
    void handle(fake, request, response);
  });
  // Keep-alive sockets of a finished child would otherwise hold close() open.
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const served: FakeAwsServer = {
    url: `http://127.0.0.1:${port}`,
    firstRequestAt: undefined,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
  return served;
}

async function handle(fake: FakeAws, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let answer: HttpAnswer;
  try {
    const body = await readBody(request);
    // The access key tells the accounts apart: STS-issued keys act in the account whose role was assumed.
    const { service, region, accessKeyId } = credentialScope(request.headers.authorization ?? '');
    if (service === 'logs' || service === 'organizations') {
      const operation = String(request.headers['x-amz-target'] ?? '').replace(/^.*\./, '');
      answer = await answerOrError(service, operation, () => fake.answer(service, operation, region, body ? JSON.parse(body) : {}, accessKeyId));
    } else {
      const params = new URLSearchParams(body);
      const operation = params.get('Action') ?? '';
      const input = decodeQuery(operation, params);
      answer = await answerOrError(service, operation, () => fake.answer(service, operation, region, input, accessKeyId));
    }
  } catch (err) {
    answer = { status: 400, body: `FakeAws over HTTP could not read the request: ${String(err)}` };
  }
  response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
  response.end(answer.body);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `Credential=AKID/20260101/us-east-1/ec2/aws4_request` → access key AKID, service ec2, region us-east-1. */
function credentialScope(authorization: string): { service: Service; region: string; accessKeyId: string } {
  const match = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  const service = SERVICES.find((s) => s === match?.[3]);
  if (!match || !service) throw new Error(`no SigV4 credential scope for a known service in "${authorization}"`);
  return { service, region: match[2]!, accessKeyId: match[1]! };
}

async function answerOrError(service: Service, operation: string, call: () => Promise<object>): Promise<HttpAnswer> {
  let output: Record<string, unknown>;
  try {
    output = (await call()) as Record<string, unknown>;
  } catch (err) {
    return errorAnswer(service, err);
  }
  const { $metadata: _metadata, ...members } = output;
  if (service === 'logs' || service === 'organizations') return jsonAnswer(members);
  if (service === 's3') throw new Error('FakeAws over HTTP does not serve S3 (REST XML)');
  if (service === 'ec2') return ec2Answer(operation, ec2Xml(members));
  return queryAnswer(service, operation, queryXml(members));
}

function errorAnswer(service: Service, err: unknown): HttpAnswer {
  const e = err as { name?: string; Code?: string; message?: string; $metadata?: { httpStatusCode?: number } };
  // An error FakeAws did not mean to send (an unsupported command, a bug) still reaches the child as
  // a client error, so it fails at once with the message instead of retrying.
  const status = e.$metadata?.httpStatusCode ?? 400;
  const code = e.Code ?? e.name ?? 'FakeAwsError';
  const message = e.message ?? String(err);
  if (service === 'logs' || service === 'organizations') return jsonError(status, code, message);
  if (service === 'ec2') return ec2Error(status, code, message);
  return queryError(status, code, message);
}

// ---- requests: query parameters back into the SDK's input shapes ----

/** Query list names (the wire's locationName) → the SDK input member, where they differ. */
const LIST_MEMBERS: Record<string, string> = {
  ResourceId: 'ResourceIds',
  Filter: 'Filters',
  Value: 'Values',
  TagSpecification: 'TagSpecifications',
  Tag: 'Tags',
  RegionName: 'RegionNames',
  VpcId: 'VpcIds',
  SubnetId: 'SubnetIds',
  FlowLogId: 'FlowLogIds',
  NetworkInterfaceId: 'NetworkInterfaceIds',
};
const NUMBERS = new Set(['MaxResults', 'MaxItems', 'MaxAggregationInterval', 'MaxSessionDuration']);
const BOOLEANS = new Set(['AllRegions', 'DryRun']);

/**
 * `Filter.1.Name=a&Filter.1.Value.1=b&Tags.member.1.Key=k` → `{ Filters: [{ Name: 'a', Values: ['b'] }],
 * Tags: [{ Key: 'k' }] }`. DescribeFlowLogs names its filter list `Filter` in the SDK too.
 */
export function decodeQuery(operation: string, params: URLSearchParams): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, raw] of params) {
    if (key === 'Action' || key === 'Version') continue;
    const path = key.split('.').filter((segment) => segment !== 'member');
    let node: Record<string, unknown> | unknown[] = root;
    for (let i = 0; i < path.length; i++) {
      const segment = path[i]!;
      const next = path[i + 1];
      const last = next === undefined;
      const index = /^\d+$/.test(segment) ? Number(segment) - 1 : undefined;
      const name = index === undefined ? memberName(operation, segment, next) : undefined;
      const value: unknown = last ? scalar(segment, raw) : undefined;
      if (Array.isArray(node)) {
        if (last) node[index!] = value;
        else node = (node[index!] ??= /^\d+$/.test(next) ? [] : {}) as Record<string, unknown> | unknown[];
      } else if (last) {
        node[name!] = value;
      } else {
        node = (node[name!] ??= /^\d+$/.test(next) ? [] : {}) as Record<string, unknown> | unknown[];
      }
    }
  }
  return root;
}

function memberName(operation: string, segment: string, next: string | undefined): string {
  const isList = next !== undefined && /^\d+$/.test(next);
  if (!isList) return segment;
  if (segment === 'Filter' && operation === 'DescribeFlowLogs') return 'Filter';
  return LIST_MEMBERS[segment] ?? segment;
}

function scalar(name: string, raw: string): unknown {
  if (NUMBERS.has(name)) return Number(raw);
  if (BOOLEANS.has(name)) return raw === 'true';
  return raw;
}

// ---- answers: SDK output shapes as each protocol's XML ----

/** EC2 member names on the wire (lowerCamel, lists as `…Set` of `<item>`), where not just lowerCamel. */
const EC2_NAMES: Record<string, string> = {
  Vpcs: 'vpcSet',
  Subnets: 'subnetSet',
  FlowLogs: 'flowLogSet',
  Tags: 'tagSet',
  Regions: 'regionInfo',
  Endpoint: 'regionEndpoint',
  FlowLogIds: 'flowLogIdSet',
  NetworkInterfaces: 'networkInterfaceSet',
};

function ec2Xml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([key, v]) => {
      const name = EC2_NAMES[key] ?? key.charAt(0).toLowerCase() + key.slice(1);
      return `<${name}>${Array.isArray(v) ? v.map((item) => `<item>${ec2Value(item)}</item>`).join('') : ec2Value(v)}</${name}>`;
    })
    .join('');
}

function ec2Value(v: unknown): string {
  if (isRecord(v)) return ec2Xml(v as Record<string, unknown>);
  return text(v);
}

function queryXml(value: Record<string, unknown>): string {
  return Object.entries(value)
    .filter(([, v]) => v !== undefined)
    .map(([name, v]) => `<${name}>${Array.isArray(v) ? v.map((item) => `<member>${queryValue(item)}</member>`).join('') : queryValue(v)}</${name}>`)
    .join('');
}

function queryValue(v: unknown): string {
  if (isRecord(v)) return queryXml(v as Record<string, unknown>);
  return text(v);
}

/** Dates by their tag: a structuredClone made outside jest's module realm fails `instanceof Date`. */
const isDate = (v: unknown): v is Date => Object.prototype.toString.call(v) === '[object Date]';
const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !isDate(v);

function text(v: unknown): string {
  const s = isDate(v) ? v.toISOString() : String(v);
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
