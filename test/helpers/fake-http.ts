// A fake HTTP layer for the real SDK clients (AwsClientOptions.requestHandler). Unlike
// aws-sdk-client-mock, which replaces `send`, this sits below the SDK's middleware stack: requests
// are serialised, signed and retried by the SDK, and every answer goes through the SDK's own
// protocol parsers (EC2 query, AWS query, AWS JSON 1.1). Use it to test what the SDK does with
// throttling, 5xx, resets and timeouts; use FakeAws for behaviour that needs state.

import { Readable } from 'node:stream';

export type HttpService = 'ec2' | 'iam' | 'sts' | 'logs';

export interface HttpCall {
  service: HttpService;
  operation: string;
  region: string;
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

const NAMESPACES = {
  ec2: 'http://ec2.amazonaws.com/doc/2016-11-15/',
  iam: 'https://iam.amazonaws.com/doc/2010-05-08/',
  sts: 'https://sts.amazonaws.com/doc/2011-06-15/',
};

export const HTTP_ACCOUNT = '111111111111';
const ROLE_ARN = (name: string) => `arn:aws:iam::${HTTP_ACCOUNT}:role/${name}`;
const TRUST = encodeURIComponent(
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
  }),
);
const POLICY = encodeURIComponent(JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'logs:PutLogEvents', Resource: '*' }] }));

/**
 * Serves a small, fixed account: two enabled regions (us-east-1, eu-west-1) and one disabled one; one
 * VPC with one subnet and no flow log per region; in every region the log group asked for exists with
 * 365 days retention; the delivery role asked for exists, trusts vpc-flow-logs and has one inline
 * policy. Writes answer like AWS does on success. Stateless: good for counting attempts, not for apply.
 */
export function defaultAnswer(call: HttpCall): HttpAnswer {
  const { service, operation, region, params } = call;
  const xml = (inner: string) => queryAnswer(service as 'iam' | 'sts', operation, inner);
  const ec2 = (inner: string) => ec2Answer(operation, inner);
  switch (`${service}:${operation}`) {
    case 'sts:GetCallerIdentity':
      return xml(`<Account>${HTTP_ACCOUNT}</Account><Arn>arn:aws:iam::${HTTP_ACCOUNT}:user/tester</Arn><UserId>AIDAFAKE</UserId>`);
    case 'ec2:DescribeRegions':
      return ec2(
        `<regionInfo>${[
          ['us-east-1', 'opt-in-not-required'],
          ['eu-west-1', 'opt-in-not-required'],
          ['af-south-1', 'not-opted-in'],
        ]
          .map(([name, optIn]) => `<item><regionName>${name}</regionName><regionEndpoint>ec2.${name}.amazonaws.com</regionEndpoint><optInStatus>${optIn}</optInStatus></item>`)
          .join('')}</regionInfo>`,
      );
    case 'ec2:DescribeVpcs':
      return ec2(`<vpcSet><item><vpcId>vpc-${region}</vpcId><ownerId>${HTTP_ACCOUNT}</ownerId><isDefault>false</isDefault><cidrBlock>10.0.0.0/16</cidrBlock></item></vpcSet>`);
    case 'ec2:DescribeSubnets':
      return ec2(`<subnetSet><item><subnetId>subnet-${region}</subnetId><vpcId>vpc-${region}</vpcId><ownerId>${HTTP_ACCOUNT}</ownerId></item></subnetSet>`);
    case 'ec2:DescribeFlowLogs':
      return ec2('<flowLogSet/>');
    case 'ec2:CreateFlowLogs': {
      const ids = Object.entries(params).filter(([key]) => /^ResourceId\.\d+$/.test(key)).map(([, id]) => String(id));
      return ec2(`<flowLogIdSet>${ids.map((id) => `<item>fl-${id}</item>`).join('')}</flowLogIdSet><unsuccessful/>`);
    }
    case 'iam:GetRole':
    case 'iam:CreateRole': {
      const name = String(params['RoleName']);
      return xml(
        `<Role><Path>/</Path><RoleName>${name}</RoleName><RoleId>AROAFAKE</RoleId><Arn>${ROLE_ARN(name)}</Arn>` +
          `<CreateDate>2024-01-01T00:00:00Z</CreateDate><AssumeRolePolicyDocument>${TRUST}</AssumeRolePolicyDocument></Role>`,
      );
    }
    case 'iam:ListRolePolicies':
      return xml('<PolicyNames><member>flowfix-publish-flow-logs</member></PolicyNames><IsTruncated>false</IsTruncated>');
    case 'iam:GetRolePolicy':
      return xml(`<RoleName>${String(params['RoleName'])}</RoleName><PolicyName>${String(params['PolicyName'])}</PolicyName><PolicyDocument>${POLICY}</PolicyDocument>`);
    case 'iam:PutRolePolicy':
      return xml('');
    case 'logs:DescribeLogGroups': {
      const name = String(params['logGroupNamePrefix'] ?? '/flowfix/vpc-flow-logs');
      const arn = `arn:aws:logs:${region}:${HTTP_ACCOUNT}:log-group:${name}`;
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
    ? { status, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': `${code}:http://internal.amazon.com/coral/com.amazonaws.logs/` }, body: JSON.stringify({ message }) }
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

// ---- the handler ----

export class FakeHttp {
  readonly calls: HttpCall[] = [];
  /** Decides, per call, whether it fails and how; undefined = answer normally. */
  fault: (call: HttpCall, index: number) => HttpFault | undefined = () => undefined;
  answer: (call: HttpCall) => HttpAnswer = defaultAnswer;

  /** Pass as AwsClientOptions.requestHandler. */
  readonly handler = {
    handle: async (request: MinimalRequest): Promise<{ response: { statusCode: number; headers: Record<string, string>; body: Readable } }> => {
      const call = describeRequest(request);
      this.calls.push(call);
      const fault = this.fault(call, this.calls.length - 1);
      if (fault && 'throws' in fault) throw fault.throws();
      const answer = fault ?? this.answer(call);
      return { response: { statusCode: answer.status, headers: answer.headers ?? {}, body: Readable.from([Buffer.from(answer.body)]) } };
    },
  };

  count(operation: string, region?: string): number {
    return this.calls.filter((c) => c.operation === operation && (region === undefined || c.region === region)).length;
  }
}

/** Service from the host name, operation from `Action=` (query protocols) or `x-amz-target` (JSON). */
function describeRequest(request: MinimalRequest): HttpCall {
  const host = request.hostname;
  const service = (['ec2', 'iam', 'sts', 'logs'] as const).find((s) => host.startsWith(`${s}.`));
  if (!service) throw new Error(`FakeHttp: request to unexpected host ${host}`);
  // IAM's global endpoint carries no region; flowfix signs IAM for the home region.
  const region = /^[a-z0-9]+\.([a-z0-9-]+)\.amazonaws\.com$/.exec(host)?.[1] ?? 'global';
  const rawBody = request.body;
  // TextDecoder, not Buffer.from: the SDK's JSON body is a Uint8Array subclass that warns when used as a string.
  const body = typeof rawBody === 'string' ? rawBody : rawBody instanceof Uint8Array ? new TextDecoder().decode(rawBody) : '';
  if (service === 'logs') {
    const target = request.headers['x-amz-target'] ?? '';
    return { service, operation: target.replace(/^.*\./, ''), region, params: body ? (JSON.parse(body) as Record<string, unknown>) : {} };
  }
  const params = Object.fromEntries(new URLSearchParams(body));
  return { service, operation: params['Action'] ?? '', region, params };
}
