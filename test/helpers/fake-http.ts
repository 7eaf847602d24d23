// A fake HTTP layer for the real SDK clients (AwsClientOptions.requestHandler). Unlike
// aws-sdk-client-mock, which replaces `send`, this sits below the SDK's middleware stack: requests
// are serialised, signed and retried by the SDK, and every answer goes through the SDK's own
// protocol parsers (EC2 query, AWS query, AWS JSON 1.1). Use it to test what the SDK does with
// throttling, 5xx, resets and timeouts, and for what the SDK's credential chain sends (AssumeRole with
// MFA, partitions); use FakeAws for behaviour that needs resource state.

import { Readable } from 'node:stream';

export type HttpService = 'ec2' | 'iam' | 'sts' | 'logs';

export interface HttpCall {
  service: HttpService;
  operation: string;
  region: string;
  /** The partition whose endpoint was called, from the host name (…amazonaws.com.cn, iam.us-gov…). */
  partition: string;
  /** The host name the SDK sent to. */
  host: string;
  /** The access key id the request was signed with (SigV4 Credential=…). */
  accessKeyId: string;
  /** The form (query protocols) or JSON (Logs) parameters of the request. */
  params: Record<string, unknown>;
}

export interface HttpAnswer {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

/** What a call gets instead of its normal answer: an HTTP error response, or a thrown network error. */
export type HttpFault = HttpAnswer | { throws: () => Error };

interface MinimalRequest {
  hostname: string;
  headers: Record<string, string>;
  body?: unknown;
}

/** The caller a call is answered for: the access key's user, or the role session AssumeRole issued it to. */
export type Caller = (call: HttpCall) => string;

const NAMESPACES = {
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

export const HTTP_ACCOUNT = '111111111111';
const ROLE_ARN = (name: string, partition = 'aws') => `arn:${partition}:iam::${HTTP_ACCOUNT}:role/${name}`;
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
);
const POLICY = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] }));

/** What DescribeRegions lists in each partition (a subset: enough for flowfix's choices). */
const REGIONS_OF_PARTITION: Record<string, [string, string][]> = {
  aws: [
    ['us-east-1', 'opt-in-not-required'],
    ['eu-west-1', 'opt-in-not-required'],
    ['af-south-1', 'not-opted-in'],
  ],
  'aws-us-gov': [
    ['us-gov-west-1', 'opt-in-not-required'],
    ['us-gov-east-1', 'opt-in-not-required'],
  ],
  'aws-cn': [
    ['cn-north-1', 'opt-in-not-required'],
    ['cn-northwest-1', 'opt-in-not-required'],
  ],
};

/**
 * Serves a small, fixed account: two enabled regions (us-east-1, eu-west-1) and one disabled one (in
 * GovCloud us-gov-west-1 and us-gov-east-1, in China cn-north-1 and cn-northwest-1); one
 * VPC with one subnet and no flow log per region; in every region the log group asked for exists with
 * 365 days retention; the delivery role asked for exists, trusts vpc-flow-logs and has one inline
 * policy. Writes answer like AWS does on success. Stateless: good for counting attempts, not for apply.
 */
export function defaultAnswer(call: HttpCall, callerArn: Caller = (c) => `arn:${c.partition}:iam::${HTTP_ACCOUNT}:user/tester`): HttpAnswer {
  const { service, operation, region, params } = call;
  const xml = (inner: string) => queryAnswer(service as 'iam' | 'sts', operation, inner);
  const ec2 = (inner: string) => ec2Answer(operation, inner);
  switch (`${service}:${operation}`) {
    case 'sts:GetCallerIdentity':
      return xml(`<Account>${HTTP_ACCOUNT}</Account><Arn>${callerArn(call)}</Arn><UserId>AIDAFAKE</UserId>`);
    case 'ec2:DescribeRegions':
      return ec2(
        `<regionInfo>${(REGIONS_OF_PARTITION[call.partition] ?? [])
          .map(
            ([name, optIn]) =>
              `<item><regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint><optInStatus>${optIn}</optInStatus></item>`,
          )
          .join('')}</regionInfo>`,
      );
    case 'ec2:DescribeVpcs':
      return ec2(
        `<vpcSet><item><vpcId>${httpVpcId(region)}</vpcId><ownerId>${HTTP_ACCOUNT}</ownerId><isDefault>false</isDefault><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet>`,
      );
    case 'ec2:DescribeSubnets':
      return ec2(
        `<subnetSet><item><subnetId>${httpSubnetId(region)}</subnetId><vpcId>${httpVpcId(region)}</vpcId><ownerId>${HTTP_ACCOUNT}</ownerId></item></subnetSet>`,
      );
    case 'ec2:DescribeFlowLogs':
      return ec2('<flowLogSet/>');
    case 'ec2:CreateFlowLogs': {
      const ids = Object.entries(params)
        .filter(([key]) => /^ResourceId\.\d+$/.test(key))
        .map(([, id]) => String(id));
      return ec2(`<flowLogIdSet>${ids.map((id) => `<item>fl-${id}</item>`).join('')}</flowLogIdSet><unsuccessful/>`);
    }
    case 'iam:GetRole':
    case 'iam:CreateRole': {
      const name = String(params['RoleName']);
      return xml(
        `<Role><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROAFAKE</RoleId><Arn>${ROLE_ARN(name, call.partition)}</Arn>` +
          `<CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${TRUST}</AssumeRolePolicyDocument></Role>`,
      );
    }
    case 'iam:ListRolePolicies':
      return xml('<PolicyNames><member>flowfix-publish-flow-logs</member></PolicyNames><IsTruncated>false</IsTruncated>');
    case 'iam:GetRolePolicy':
      return xml(
        `<RoleName>${String(params['RoleName'])}</RoleName><PolicyName>${String(params['PolicyName'])}</PolicyName><PolicyDocument>${POLICY}</PolicyDocument>`,
      );
    case 'iam:PutRolePolicy':
      return xml('');
    case 'logs:DescribeLogGroups': {
      const name = String(params['logGroupNamePrefix'] ?? '/flowfix/vpc-flow-logs');
      const arn = `arn:${call.partition}:logs:${region}:${HTTP_ACCOUNT}:log-group:${name}`;
      return jsonAnswer({ logGroups: [{ logGroupName: name, arn: `${arn}:*`, logGroupArn: arn, retentionInDays: 365 }] });
    }
    case 'logs:CreateLogGroup':
    case 'logs:PutRetentionPolicy':
      return jsonAnswer({});
    default:
      return { status: 400, body: `FakeHttp has no answer for ${service}:${operation}` };
  }
}

/** `<OpResponse xmlns=…><OpResult>inner</OpResult><ResponseMetadata/></OpResponse>`: IAM and STS. */
export function queryAnswer(service: 'iam' | 'sts', operation: string, inner: string): HttpAnswer {
  const result = inner === '' ? '' : `<${operation}Result>${inner}</${operation}Result>`;
  return {
    status: 200,
    headers: { 'content-type': 'text/xml' },
    body: `<${operation}Response xmlns="${NAMESPACES[service]}">${result}<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></${operation}Response>`,
  };
}

/** EC2's query protocol has no Result wrapper: `<OpResponse xmlns=…><requestId/>members</OpResponse>`. */
export function ec2Answer(operation: string, inner: string): HttpAnswer {
  return {
    status: 200,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<${operation}Response xmlns="${NAMESPACES.ec2}"><requestId>r</requestId>${inner}</${operation}Response>`,
  };
}

export function jsonAnswer(body: object): HttpAnswer {
  return { status: 200, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify(body) };
}

// ---- the error answers AWS sends, per protocol ----

/** EC2: `<Response><Errors><Error>…` with the given status. */
export function ec2Error(status: number, code: string, message: string): HttpAnswer {
  return {
    status,
    headers: { 'content-type': 'text/xml;charset=UTF-8' },
    body: `<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>r</RequestID></Response>`,
  };
}

/** IAM and STS (AWS query): `<ErrorResponse><Error><Type>…`. */
export function queryError(status: number, code: string, message: string): HttpAnswer {
  const type = status >= 500 ? 'Receiver' : 'Sender';
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>r</RequestId></ErrorResponse>`,
  };
}

/** CloudWatch Logs (AWS JSON 1.1): the code in `x-amzn-errortype`, or only in the body's `__type`. */
export function jsonError(status: number, code: string, message: string, via: 'header' | 'body' = 'header'): HttpAnswer {
  return via === 'header'
    ? {
        status,
        headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.logs/` },
        body: JSON.stringify({ message }),
      }
    : { status, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: JSON.stringify({ __type: `com.amazonaws.logs#${code}`, message }) };
}

/** What Node's HTTP stack throws when the peer drops the connection. */
export function connectionReset(): Error {
  return Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
}

/** What the SDK's Node handler throws when a request or connection times out. */
export function requestTimeout(): Error {
  return Object.assign(new Error('Connection timed out after 1000 ms'), { name: 'TimeoutError' });
}

/** What each service answers to credentials it does not know (another partition's, or made up). */
export function unknownCredentials(service: HttpService): HttpAnswer {
  switch (service) {
    case 'ec2':
      return ec2Error(401, 'AuthFailure', 'AWS was not able to validate the provided access credentials');
    case 'logs':
      return jsonError(400, 'UnrecognizedClientException', 'The security token included in the request is invalid.');
    default:
      return queryError(403, 'InvalidClientTokenId', 'The security token included in the request is invalid.');
  }
}

export interface AssumableRole {
  /** The role's trust policy requires MFA (aws:MultiFactorAuthPresent): AssumeRole needs SerialNumber and TokenCode. */
  mfa?: { serial: string; code: string };
}

export interface FakeHttpOptions {
  /** The partition the account lives in: calls to another partition's endpoints fail as AWS fails them. */
  partition?: string;
  /** Access keys the account knows (besides the session keys AssumeRole issues). Default: any key is known. */
  accessKeys?: string[];
  /** Roles AssumeRole may assume, by ARN. */
  roles?: Record<string, AssumableRole>;
}

// ---- the handler ----

export class FakeHttp {
  readonly calls: HttpCall[] = [];
  /** Decides, per call, whether it fails and how; undefined = answer normally. */
  fault: (call: HttpCall, index: number) => HttpFault | undefined = () => undefined;
  answer: (call: HttpCall) => HttpAnswer = (call) => defaultAnswer(call, (c) => this.callerArn(c));

  private readonly partition: string;
  private readonly accessKeys: Set<string> | undefined;
  private readonly roles: Record<string, AssumableRole>;
  /** Session access key → the assumed-role ARN AssumeRole issued it for. */
  private readonly sessions = new Map<string, string>();

  constructor(options: FakeHttpOptions = {}) {
    this.partition = options.partition ?? 'aws';
    this.accessKeys = options.accessKeys ? new Set(options.accessKeys) : undefined;
    this.roles = options.roles ?? {};
  }

  /** Pass as AwsClientOptions.requestHandler. */
  readonly handler = {
    handle: async (request: MinimalRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> => {
      const call = describeRequest(request, this.partition);
      this.calls.push(call);
      const fault = this.fault(call, this.calls.length - 1);
      if (fault && 'throws' in fault) throw fault.throws();
      const answer = fault ?? this.authenticate(call) ?? (call.operation === 'AssumeRole' ? this.assumeRole(call) : this.answer(call));
      return { response: { statusCode: answer.status, headers: answer.headers ?? {}, body: Readable.from([Buffer.from(answer.body)]) } };
    },
  };

  count(operation: string, region?: string): number {
    return this.calls.filter((c) => c.operation === operation && (region === undefined || c.region === region)).length;
  }

  /** Credentials live in one partition: another partition's endpoints do not know them. */
  private authenticate(call: HttpCall): HttpAnswer | undefined {
    const known = this.sessions.has(call.accessKeyId) || (this.accessKeys?.has(call.accessKeyId) ?? true);
    return call.partition === this.partition && known ? undefined : unknownCredentials(call.service);
  }

  private callerArn(call: HttpCall): string {
    return this.sessions.get(call.accessKeyId) ?? `arn:${this.partition}:iam::${HTTP_ACCOUNT}:user/tester`;
  }

  /** sts:AssumeRole as AWS answers it, MFA condition included. */
  private assumeRole(call: HttpCall): HttpAnswer {
    const roleArn = String(call.params['RoleArn']);
    const role = this.roles[roleArn];
    const denied = `User: ${this.callerArn(call)} is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`;
    if (!role) return queryError(403, 'AccessDenied', denied);
    if (role.mfa) {
      if (call.params['SerialNumber'] === undefined || call.params['TokenCode'] === undefined) return queryError(403, 'AccessDenied', denied);
      if (call.params['SerialNumber'] !== role.mfa.serial || call.params['TokenCode'] !== role.mfa.code) {
        return queryError(403, 'AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.');
      }
    }
    const session = String(call.params['RoleSessionName']);
    const keyId = `ASIAFAKE${String(this.sessions.size + 1).padStart(8, '0')}`;
    const arn = `arn:${this.partition}:sts::${HTTP_ACCOUNT}:assumed-role/${roleArn.replace(/^.*:role\//, '')}/${session}`;
    this.sessions.set(keyId, arn);
    return queryAnswer(
      'sts',
      'AssumeRole',
      `<AssumedRoleUser><Arn>${arn}</Arn><AssumedRoleId>AROAFAKE:${session}</AssumedRoleId></AssumedRoleUser>` +
        `<Credentials><AccessKeyId>${keyId}</AccessKeyId><SecretAccessKey>session-secret</SecretAccessKey><SessionToken>session-token</SessionToken>` +
        `<Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>`,
    );
  }
}

/** The partition of an endpoint host: China's end in .amazonaws.com.cn, GovCloud's name us-gov (IAM: iam.us-gov.amazonaws.com). */
function partitionOfHost(host: string): string {
  if (host.endsWith('.amazonaws.com.cn')) return 'aws-cn';
  if (/(^|\.)us-gov(-[a-z]+-\d+)?\./.test(host)) return 'aws-us-gov';
  return 'aws';
}

/**
 * Service from the host name, operation from `Action=` (query protocols) or `x-amz-target` (JSON). A
 * custom endpoint (endpoint_url, --endpoint-url) has no service in its name: then the service and region
 * come from the SigV4 credential scope, and the partition is the account's own.
 */
function describeRequest(request: MinimalRequest, accountPartition: string): HttpCall {
  const host = request.hostname;
  const authorization = request.headers['authorization'] ?? '';
  const scope = /Credential=([^/]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  const accessKeyId = scope?.[1] ?? '';
  const awsHost = /\.amazonaws\.com(\.cn)?$/.test(host);
  const service = awsHost ? (['ec2', 'iam', 'sts', 'logs'] as const).find((s) => host.startsWith(`${s}.`)) : (scope?.[3] as HttpService | undefined);
  if (!service) throw new Error(`FakeHttp: request to unexpected host ${host}`);
  // IAM's global endpoint carries no region; flowfix signs IAM for the home region.
  const region = awsHost
    ? (/^[a-z0-9]+\.([a-z]{2}(?:-[a-z]+)+-\d+)\.amazonaws\.com(?:\.cn)?$/.exec(host)?.[1] ?? 'global')
    : service === 'iam'
      ? 'global'
      : (scope?.[2] ?? 'unknown');
  const partition = awsHost ? partitionOfHost(host) : accountPartition;
  const rawBody = request.body;
  // TextDecoder, not Buffer.from: the SDK's JSON body is a Uint8Array subclass that warns when used as a string.
  const body = typeof rawBody === 'string' ? rawBody : rawBody instanceof Uint8Array ? new TextDecoder().decode(rawBody) : '';
  const base = { service, region, partition, host, accessKeyId };
  if (service === 'logs') {
    const target = request.headers['x-amz-target'] ?? '';
    return { ...base, operation: target.replace(/^.*\./, ''), params: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  return { ...base, operation: params['Action'] ?? '', params };
}

/** Ids shaped like AWS's (17 hex digits), one VPC and subnet per region, stable across runs. */
const hexOf = (text: string) =>
  [...text]
    .reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 2 ** 48, 7)
    .toString(16)
    .padStart(17, '0');
export const httpVpcId = (region: string): string => `vpc-${hexOf(region)}`;
export const httpSubnetId = (region: string): string => `subnet-${hexOf(region)}`;
