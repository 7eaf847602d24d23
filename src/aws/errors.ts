// Turns whatever the SDK (or Node's network stack) threw into a small, stable classification the rest
// of flowfix can branch on without knowing SDK error classes.

import { FlowfixError } from '../errors.js';

export type AwsErrorKind =
  'throttled' | 'access-denied' | 'not-found' | 'already-exists' | 'opt-in-required' | 'no-credentials' | 'network' | 'invalid' | 'dry-run-ok' | 'other';

export interface ClassifiedAwsError {
  kind: AwsErrorKind;
  /** The AWS error code (SDK `name`), or the Node error code for network failures. */
  code: string;
  message: string;
  /** For access-denied: the IAM action that was refused, e.g. 'ec2:DescribeFlowLogs'. */
  action?: string;
  /** For access-denied: the organization policy (SCP or RCP) whose explicit deny AWS names, when it does. */
  deniedBy?: OrganizationPolicyDeny;
  /** For access-denied: which policy layer refused, as far as AWS's message says. */
  denial?: AccessDenial;
}

/**
 * The policy layers an access-denied message can name (IAM user guide, "Troubleshoot access denied error
 * messages"): "… with an explicit deny in a service control policy", "… because no identity-based policy
 * allows the … action", and so on (docs/aws-facts/access-denied-messages.md).
 */
export const DENY_LAYERS = {
  'service control policy': 'service-control-policy',
  'resource control policy': 'resource-control-policy',
  'permissions boundary': 'permissions-boundary',
  'identity-based policy': 'identity-based-policy',
  'session policy': 'session-policy',
  'resource-based policy': 'resource-based-policy',
  'VPC endpoint policy': 'vpc-endpoint-policy',
} as const;
export type DenyLayer = (typeof DENY_LAYERS)[keyof typeof DENY_LAYERS];

/** What an access-denied message says about why: the layer, a Deny statement or a missing Allow, the encoded details. */
export interface AccessDenial {
  /** Absent when the message names no layer (EC2's older "You are not authorized to perform this operation."). */
  layer?: DenyLayer;
  /** "with an explicit deny in …" (a Deny statement matched) rather than "because no … allows" (nothing allowed it). */
  explicit: boolean;
  /** The policy's ARN, when AWS names it ("… in a service control policy: arn:…"). */
  policyArn?: string;
  /**
   * EC2's "Encoded authorization failure message: …", which only `aws sts decode-authorization-message` can
   * read; kept only when it is made of the URL-safe base64 characters AWS uses.
   */
  encodedMessage?: string;
}

const LAYER_WORDS = Object.keys(DENY_LAYERS).join('|');
// An ARN up to the first space; a sentence's closing period is not part of it.
const NAMED_POLICY = '(?::\\s*(arn:[A-Za-z0-9-]+:[A-Za-z0-9-]*:[A-Za-z0-9-]*:\\d{0,12}:[A-Za-z0-9_/+=,.@-]*[A-Za-z0-9_/+=,@-]))?';
const EXPLICIT_DENY = new RegExp(`with an explicit deny in an? (${LAYER_WORDS})${NAMED_POLICY}`, 'i');
const NO_ALLOW = new RegExp(`because no (${LAYER_WORDS}) allows`, 'i');
// Only the whole of it, and only when it is what AWS sends: it goes into a command the user may paste.
const ENCODED = /Encoded authorization failure message:\s*([A-Za-z0-9_-]{16,})(?=$|[\s.])/;

const layerNamed = (words: string): DenyLayer => Object.entries(DENY_LAYERS).find(([w]) => w.toLowerCase() === words.toLowerCase())![1];

/** Why an access-denied message says the call was refused; undefined when it says nothing of it. */
export function accessDenialIn(message: string): AccessDenial | undefined {
  const encoded = ENCODED.exec(message)?.[1];
  const withEncoded = encoded ? { encodedMessage: encoded } : {};
  const explicit = EXPLICIT_DENY.exec(message);
  if (explicit) return { layer: layerNamed(explicit[1]!), explicit: true, ...(explicit[2] ? { policyArn: explicit[2] } : {}), ...withEncoded };
  const noAllow = NO_ALLOW.exec(message);
  if (noAllow) return { layer: layerNamed(noAllow[1]!), explicit: false, ...withEncoded };
  return encoded ? { explicit: false, ...withEncoded } : undefined;
}

/**
 * What to do about a refused call, by the layer that refused it. `grant` (what to allow, where) is the fix
 * only when nothing in the caller's identity policies allows the call: no grant gets past an organization
 * policy, a permissions boundary or a Deny statement, so those hints say who can change what.
 */
export function denialHint(denial: AccessDenial | undefined, grant: string): string {
  const policy = denial?.policyArn ? ` ${denial.policyArn}` : '';
  const does = denial?.explicit ? 'denies' : 'does not allow';
  switch (denial?.layer) {
    case 'service-control-policy':
    case 'resource-control-policy': {
      const kind = denial.layer === 'service-control-policy' ? 'service control policy (SCP)' : 'resource control policy (RCP)';
      return `your organization's ${kind}${policy} ${does} it: no grant on your role or user can change that; ask your organization's administrators to allow it for this account and region, or leave the region out (--regions)`;
    }
    case 'permissions-boundary':
      return `the permissions boundary of the identity flowfix runs as ${does} it: a grant in its identity policies cannot go past the boundary; whoever manages the boundary must allow it (${grant})`;
    case 'session-policy':
      return `the session policy these credentials were issued with ${does} it: get credentials without that session policy, or with one that allows it (${grant})`;
    case 'vpc-endpoint-policy':
      return `the policy of the VPC endpoint the call went through ${does} it: ask the endpoint's owner to allow it, or call AWS without that endpoint`;
    case 'identity-based-policy':
      if (denial.explicit)
        return `a Deny statement in an identity-based policy${policy} of the identity flowfix runs as refuses it: an added Allow cannot help; remove or narrow that statement`;
      return grant;
    case 'resource-based-policy':
      return grant;
    default:
      // EC2 may give the reason only encoded: the caller (with sts:DecodeAuthorizationMessage) can read it.
      return denial?.encodedMessage
        ? `${grant}; AWS gave the reason only encoded: read it with aws sts decode-authorization-message --encoded-message ${denial.encodedMessage} --query DecodedMessage --output text (needs sts:DecodeAuthorizationMessage)`
        : grant;
  }
}

/**
 * An explicit deny by an AWS Organizations policy, as AWS words it in an access-denied message: "… with an
 * explicit deny in a service control policy: arn:aws:organizations::MGMT:policy/o-…/service_control_policy/p-…"
 * (the ARN since 2025; older messages end at "policy"), or "… in a resource control policy". Nothing the
 * caller's own IAM can change: only the organization's administrators can.
 */
export interface OrganizationPolicyDeny {
  policyType: 'service-control-policy' | 'resource-control-policy';
  /** The policy's ARN, when AWS names it. */
  policyArn?: string;
}

const ORGANIZATION_POLICY_DENY =
  /with an explicit deny in an? (service|resource) control policy(?::\s*(arn:[a-z-]+:organizations::\d{12}:policy\/[A-Za-z0-9_/-]+))?/i;

/** The organization policy an access-denied message names as the explicit deny, if any. */
export function organizationPolicyDenyIn(message: string): OrganizationPolicyDeny | undefined {
  const match = ORGANIZATION_POLICY_DENY.exec(message);
  if (!match) return undefined;
  const policyType = match[1]!.toLowerCase() === 'service' ? 'service-control-policy' : 'resource-control-policy';
  return match[2] ? { policyType, policyArn: match[2] } : { policyType };
}

/** "SCP arn:aws:organizations::…" / "resource control policy", for one-line messages. */
export function describeOrganizationPolicy(deny: OrganizationPolicyDeny): string {
  const kind = deny.policyType === 'service-control-policy' ? 'service control policy (SCP)' : 'resource control policy (RCP)';
  return deny.policyArn ? `${kind} ${deny.policyArn}` : kind;
}

// The SDK's own throttling list (THROTTLING_ERROR_CODES) minus LimitExceededException, which
// CloudWatch Logs and IAM use for quotas (too many log groups / roles), not for request rate.
const THROTTLED = new Set([
  'BandwidthLimitExceeded',
  'EC2ThrottledException',
  'PriorRequestNotComplete',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
  'SlowDown',
  'ThrottledException',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
]);
const ACCESS_DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnauthorizedAccess', 'UnauthorizedException']);
const NOT_FOUND = new Set(['NoSuchEntity', 'NoSuchEntityException', 'ResourceNotFoundException', 'NotFound']);
const ALREADY_EXISTS = new Set(['EntityAlreadyExists', 'EntityAlreadyExistsException', 'ResourceAlreadyExistsException', 'FlowLogAlreadyExists']);
// RegionDisabledException: STS in a region the account has not enabled.
// AuthFailure: what EC2 answers in a region the account has not opted in to. EC2 also uses it for
// unusable credentials, but flowfix calls STS first (which reports those as InvalidClientTokenId
// or ExpiredToken), so by the time a regional EC2 call says AuthFailure the region is the usual cause.
const OPT_IN_REQUIRED = new Set(['OptInRequired', 'RegionDisabledException', 'AuthFailure']);
// Credentials that are missing, unknown to AWS, or expired: the fix is the same (log in again).
const NO_CREDENTIALS = new Set([
  'CredentialsProviderError',
  'TokenProviderError',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'SignatureDoesNotMatch',
  'InvalidSignatureException',
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
]);
const NETWORK = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  // call-guard.ts: an endpoint that took the connection and never answered, said in words.
  'NoAnswer',
]);
const INVALID = new Set([
  'InvalidParameter',
  'InvalidParameterValue',
  'InvalidParameterCombination',
  'InvalidParameterException',
  'MissingParameter',
  'ValidationError',
  'ValidationException',
  'MalformedPolicyDocument',
  'MalformedPolicyDocumentException',
  'InvalidInput',
]);

/** Names the SDK gives an error response it could not read a code from. */
const UNREADABLE = new Set(['Unknown', 'UnknownError', 'SyntaxError']);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  message?: unknown;
  errors?: unknown;
  /** `attempts`: set by the SDK's retry middleware on the error it finally throws. */
  $metadata?: { httpStatusCode?: number; attempts?: number };
  [IAM_ACTION]?: string;
}

/** Property the narrow AWS APIs set on errors so access-denied can name the action even when AWS does not. */
const IAM_ACTION = Symbol.for('flowfix.iamAction');

/** Remembers which IAM action a failed call needed; classifyAwsError reports it for access-denied. */
export function tagIamAction(err: unknown, action: string): unknown {
  if (err !== null && typeof err === 'object' && !(IAM_ACTION in err) && Object.isExtensible(err)) {
    Object.defineProperty(err, IAM_ACTION, { value: action, enumerable: false });
  }
  return err;
}

/** Runs one AWS call and tags any failure with the IAM action it needed. */
export async function callingAction<T>(action: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw tagIamAction(err, action);
  }
}

export function classifyAwsError(err: unknown): ClassifiedAwsError {
  const e: ErrorLike = err !== null && typeof err === 'object' ? (err as ErrorLike) : {};
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const message = typeof e.message === 'string' && e.message !== '' ? e.message : String(err);
  const status = e.$metadata?.httpStatusCode;
  const networkCode = nodeNetworkCode(e);
  const result = (kind: AwsErrorKind, code: string = name): ClassifiedAwsError => ({ kind, code, message });

  if (name === 'DryRunOperation') return result('dry-run-ok');
  if (THROTTLED.has(name)) return result('throttled');
  if (ACCESS_DENIED.has(name)) return accessDenied(name, message, e[IAM_ACTION]);
  if (NOT_FOUND.has(name) || name.endsWith('.NotFound')) return result('not-found');
  if (ALREADY_EXISTS.has(name) || name.endsWith('.Duplicate')) return result('already-exists');
  if (OPT_IN_REQUIRED.has(name)) return result('opt-in-required');
  if (NO_CREDENTIALS.has(name) || /could not load credentials/i.test(message)) return result('no-credentials');
  if (networkCode) return result('network', networkCode);
  if (NETWORK.has(name)) return result('network');
  if (INVALID.has(name) || name.endsWith('.Malformed')) return result('invalid');
  // Unmodelled codes still carry an HTTP status worth trusting.
  if (status === 429) return result('throttled');
  if (status === 403) return accessDenied(name, message, e[IAM_ACTION]);
  if (status === 404) return result('not-found');
  // No AWS error code in the response (a proxy's HTML page, an empty body): the SDK names the error
  // 'Unknown' (XML protocols, message 'Unknown') or rethrows the JSON parser's multi-line SyntaxError.
  // Neither says anything to a user; the HTTP status does.
  if (status !== undefined && UNREADABLE.has(name)) {
    return { kind: 'other', code: `HTTP${status}`, message: `AWS (or a proxy on the way) answered HTTP ${status} without an AWS error code` };
  }
  return result('other');
}

function accessDenied(code: string, message: string, taggedAction: string | undefined): ClassifiedAwsError {
  const action = /not authorized to perform:?\s+([a-z0-9-]+:[A-Za-z0-9*]+)/i.exec(message)?.[1] ?? taggedAction;
  const deniedBy = organizationPolicyDenyIn(message);
  const denial = accessDenialIn(message);
  return {
    kind: 'access-denied',
    code,
    message,
    ...(action === undefined ? {} : { action }),
    ...(deniedBy ? { deniedBy } : {}),
    ...(denial ? { denial } : {}),
  };
}

// Node puts the code on the error itself; happy-eyeballs connects (Node 20) wrap one per address
// in an AggregateError; the SDK sometimes puts it only in the message.
function nodeNetworkCode(e: ErrorLike): string | undefined {
  if (typeof e.code === 'string' && NETWORK.has(e.code)) return e.code;
  if (Array.isArray(e.errors)) {
    for (const inner of e.errors as ErrorLike[]) {
      if (typeof inner?.code === 'string' && NETWORK.has(inner.code)) return inner.code;
    }
  }
  if (typeof e.message === 'string') {
    const inMessage = /\b(ECONNRESET|ECONNREFUSED|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH)\b/.exec(e.message);
    if (inMessage) return inMessage[1];
  }
  return undefined;
}

/**
 * Whether a write that threw may still have been carried out, so only live state can say: the request
 * may have reached AWS before the connection dropped or timed out, AWS answered 5xx (it may have acted
 * first), or the SDK retried and an earlier attempt may have gone through. A refusal AWS answered in
 * full on the only attempt (access denied, invalid input, throttled, already exists) is definite.
 */
export function writeOutcomeUnknown(err: unknown): boolean {
  const { kind } = classifyAwsError(err);
  const metadata = err !== null && typeof err === 'object' ? (err as ErrorLike).$metadata : undefined;
  if (kind === 'network' || (metadata?.attempts ?? 1) > 1) return true;
  return kind === 'other' && (metadata?.httpStatusCode ?? 0) >= 500;
}

/**
 * True when the error came from AWS or from talking to it (as opposed to a bug in flowfix). Only
 * these are recorded as data (RegionError); anything else propagates so it is not hidden.
 */
export function isAwsOrNetworkError(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const e = err as ErrorLike;
  return e.$metadata !== undefined || classifyAwsError(err).kind !== 'other';
}

/** STS's answer when the root user's credentials try to assume a role (AccessDenied, told apart by its message only). */
export const isRootAssumingRole = (message: string): boolean => /Roles may not be assumed by root accounts/i.test(message);

/** For the calls flowfix cannot go on without (identity, region list): one error whose message names the fix. */
export function toFlowfixError(err: unknown, doing: string): FlowfixError {
  // Already explained (an MFA prompt cancelled, a profile problem found while getting credentials).
  if (err instanceof FlowfixError) return err;
  const classified = classifyAwsError(err);
  const base = `${doing} failed: ${classified.code}: ${classified.message}`;
  // MFA before the generic credential and access hints: signing in again or granting IAM actions does not help.
  if (/requires multi-factor authentication/i.test(classified.message)) {
    return new FlowfixError('MfaRequired', `${doing} failed: the profile's role needs an MFA code (mfa_serial), and there was no way to ask for it`, {
      hint: 'run flowfix at a terminal to be asked for the code, or first export temporary credentials: eval "$(aws configure export-credentials --profile PROFILE --format env)"',
      cause: err,
    });
  }
  if (/MultiFactorAuthentication failed/i.test(classified.message)) {
    return new FlowfixError('MfaRejected', `${doing} failed: AWS refused the MFA code (sts:AssumeRole: ${classified.message})`, {
      hint: 'run again and enter the code the device shows now (each code works once)',
      cause: err,
    });
  }
  if (isRootAssumingRole(classified.message)) {
    return new FlowfixError('RootCannotAssumeRole', base, {
      hint: "the root user's credentials cannot assume roles: sign in as an IAM role or user (aws sso login, or a profile) and run again",
      cause: err,
    });
  }
  if (classified.code === 'RegionDisabledException') {
    return new FlowfixError('RegionNotEnabled', base, {
      hint: "STS is deactivated in this region for the account: activate it (IAM console, Account settings, Security Token Service endpoints), or set AWS_REGION (or the profile's region) to a region where it is active: flowfix calls STS there first; --region only chooses where to work.",
      cause: err,
    });
  }
  switch (classified.kind) {
    case 'no-credentials':
      return new FlowfixError('NoCredentials', base, {
        hint: 'Sign in (aws sso login, aws configure) or pass --profile with a profile that has credentials; for GovCloud or China credentials, set AWS_REGION (or --region) to one of their regions.',
        cause: err,
      });
    case 'access-denied':
      return new FlowfixError('AccessDenied', base, {
        // An organization policy's deny is not the caller's IAM to fix.
        hint: classified.deniedBy
          ? `the ${describeOrganizationPolicy(classified.deniedBy)} denies ${classified.action ?? 'it'}: only the organization's administrators can change that; for the region list, name the regions to work in with --regions`
          : denialHint(classified.denial, `Allow ${classified.action ?? 'the action'} for the identity flowfix runs as (see policies/).`),
        cause: err,
      });
    case 'network':
      return new FlowfixError('NetworkError', base, {
        hint: 'Check the network, proxy settings and --endpoint-url / AWS_ENDPOINT_URL.',
        cause: err,
      });
    case 'throttled':
      return new FlowfixError('Throttled', base, {
        hint: 'AWS throttled flowfix past its retries; try again later or lower --concurrency.',
        cause: err,
      });
    case 'opt-in-required':
      return new FlowfixError('RegionNotEnabled', base, {
        hint: "Set AWS_REGION (or the profile's region) to a region enabled for the account: flowfix calls STS there first; --region only chooses where to work.",
        cause: err,
      });
    default:
      return new FlowfixError(classified.code, base, { cause: err });
  }
}
