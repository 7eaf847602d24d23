import {
  accessDenialIn,
  classifyAwsError,
  denialHint,
  isAwsOrNetworkError,
  organizationPolicyDenyIn,
  tagIamAction,
  toFlowfixError,
  writeOutcomeUnknown,
} from '../../src/aws/errors.js';
import { FlowfixError } from '../../src/errors.js';
import { awsError } from '../helpers/mock-aws-sdk.js';

function nodeError(code: string): Error {
  return Object.assign(new Error(`connect ${code} 127.0.0.1:4566`), { code });
}

describe('classifyAwsError', () => {
  it.each([
    [awsError('ThrottlingException'), 'throttled', 'ThrottlingException'],
    [awsError('Throttling'), 'throttled', 'Throttling'],
    [awsError('RequestLimitExceeded'), 'throttled', 'RequestLimitExceeded'],
    [awsError('TooManyRequestsException'), 'throttled', 'TooManyRequestsException'],
    [awsError('SomethingNew', 'slow down', 429), 'throttled', 'SomethingNew'],
    [awsError('AccessDenied', 'no', 403), 'access-denied', 'AccessDenied'],
    [awsError('AccessDeniedException', 'no', 400), 'access-denied', 'AccessDeniedException'],
    [awsError('UnauthorizedOperation', 'no', 403), 'access-denied', 'UnauthorizedOperation'],
    [awsError('UnauthorizedAccess'), 'access-denied', 'UnauthorizedAccess'],
    [awsError('NoSuchEntity', 'gone', 404), 'not-found', 'NoSuchEntity'],
    [awsError('ResourceNotFoundException'), 'not-found', 'ResourceNotFoundException'],
    [awsError('InvalidVpcID.NotFound'), 'not-found', 'InvalidVpcID.NotFound'],
    [awsError('InvalidFlowLogId.NotFound'), 'not-found', 'InvalidFlowLogId.NotFound'],
    [awsError('EntityAlreadyExists', 'exists', 409), 'already-exists', 'EntityAlreadyExists'],
    [awsError('ResourceAlreadyExistsException'), 'already-exists', 'ResourceAlreadyExistsException'],
    [awsError('FlowLogAlreadyExists'), 'already-exists', 'FlowLogAlreadyExists'],
    [awsError('OptInRequired', 'subscribe', 401), 'opt-in-required', 'OptInRequired'],
    [awsError('AuthFailure', 'AWS was not able to validate the provided access credentials', 401), 'opt-in-required', 'AuthFailure'],
    [
      Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      'no-credentials',
      'CredentialsProviderError',
    ],
    [new Error('Could not load credentials from any providers'), 'no-credentials', 'Error'],
    [awsError('ExpiredToken', 'expired', 400), 'no-credentials', 'ExpiredToken'],
    [awsError('InvalidClientTokenId', 'bad', 403), 'no-credentials', 'InvalidClientTokenId'],
    [nodeError('ECONNRESET'), 'network', 'ECONNRESET'],
    [nodeError('ETIMEDOUT'), 'network', 'ETIMEDOUT'],
    [nodeError('ECONNREFUSED'), 'network', 'ECONNREFUSED'],
    [nodeError('ENOTFOUND'), 'network', 'ENOTFOUND'],
    [Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), 'network', 'TimeoutError'],
    [Object.assign(new AggregateError([nodeError('ECONNREFUSED')], ''), { code: undefined }), 'network', 'ECONNREFUSED'],
    [awsError('InvalidParameterValue'), 'invalid', 'InvalidParameterValue'],
    [awsError('InvalidParameter', 'Unable to assume given IAM role'), 'invalid', 'InvalidParameter'],
    [awsError('InvalidVpcID.Malformed'), 'invalid', 'InvalidVpcID.Malformed'],
    [awsError('DryRunOperation', 'Request would have succeeded, but DryRun flag is set.', 412), 'dry-run-ok', 'DryRunOperation'],
    [awsError('InternalError', 'boom', 500), 'other', 'InternalError'],
    [awsError('LimitExceededException', 'too many log groups'), 'other', 'LimitExceededException'],
    [new TypeError('x is undefined'), 'other', 'TypeError'],
    ['a string', 'other', 'Error'],
  ])('GIVEN %p THEN the kind is %s with code %s', (err, kind, code) => {
    const classified = classifyAwsError(err);
    expect(classified.kind).toBe(kind);
    expect(classified.code).toBe(code);
  });

  it('GIVEN an access-denied message naming the action THEN the action is extracted', () => {
    const err = awsError(
      'UnauthorizedOperation',
      'You are not authorized to perform this operation. User: arn:aws:iam::123456789012:user/ci is not authorized to perform: ec2:DescribeFlowLogs because no identity-based policy allows the ec2:DescribeFlowLogs action',
      403,
    );
    expect(classifyAwsError(err)).toEqual({
      kind: 'access-denied',
      code: 'UnauthorizedOperation',
      message: err.message,
      action: 'ec2:DescribeFlowLogs',
      denial: { layer: 'identity-based-policy', explicit: false },
    });
  });

  it('GIVEN an IAM denial with "on resource" THEN the action stops before it', () => {
    const err = awsError('AccessDenied', 'User: arn:aws:iam::1:user/x is not authorized to perform: iam:GetRole on resource: role flowfix', 403);
    expect(classifyAwsError(err).action).toBe('iam:GetRole');
  });

  it('GIVEN a denial without the action in its message but tagged by the caller THEN the tagged action is used', () => {
    const err = tagIamAction(awsError('AccessDeniedException', 'Access denied', 400), 'logs:DescribeLogGroups');
    expect(classifyAwsError(err).action).toBe('logs:DescribeLogGroups');
  });

  it('GIVEN a denial with neither THEN there is no action', () => {
    expect(classifyAwsError(awsError('AccessDenied', 'Access denied', 403))).not.toHaveProperty('action');
  });

  it('GIVEN a tagged error of another kind THEN no action is reported', () => {
    const err = tagIamAction(awsError('ThrottlingException'), 'ec2:DescribeVpcs');
    expect(classifyAwsError(err)).not.toHaveProperty('action');
  });
});

describe('isAwsOrNetworkError', () => {
  it.each([
    [awsError('InternalError', 'boom', 500), true],
    [nodeError('ECONNRESET'), true],
    [new TypeError('x is undefined'), false],
    [new RangeError('bad'), false],
  ])('GIVEN %p THEN %s', (err, expected) => {
    expect(isAwsOrNetworkError(err)).toBe(expected);
  });
});

describe('toFlowfixError', () => {
  it.each([
    [new Error('Could not load credentials from any providers'), 'NoCredentials', /aws sso login/],
    [awsError('AccessDenied', 'User x is not authorized to perform: sts:GetCallerIdentity', 403), 'AccessDenied', /sts:GetCallerIdentity/],
    [nodeError('ECONNREFUSED'), 'NetworkError', /endpoint-url/],
  ])('GIVEN %p THEN the code is %s and the hint names the fix', (err, code, hint) => {
    const error = toFlowfixError(err, 'Reading the account id');
    expect(error).toBeInstanceOf(FlowfixError);
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/^Reading the account id failed: /);
    expect(error.hint).toMatch(hint);
    expect(error.cause).toBe(err);
  });

  it.each([
    // What the SDK's fromIni throws for a role profile with mfa_serial and no code callback: not "sign in".
    [
      Object.assign(new Error('Profile admin requires multi-factor authentication, but no MFA code callback was provided.'), {
        name: 'CredentialsProviderError',
      }),
      'MfaRequired',
      /needs an MFA code/,
      /run flowfix at a terminal/,
    ],
    // What STS answers AssumeRole with a wrong or used code: not "allow the action in IAM".
    [
      awsError('AccessDenied', 'MultiFactorAuthentication failed with invalid MFA one time pass code.', 403),
      'MfaRejected',
      /AWS refused the MFA code/,
      /code the device shows now/,
    ],
    [
      awsError('RegionDisabledException', 'STS is not activated in this region', 403),
      'RegionNotEnabled',
      /RegionDisabledException/,
      /STS is deactivated in this region .*AWS_REGION .*--region only chooses where to work/,
    ],
  ])('GIVEN %p THEN %s, with a hint that fits', (err, code, message, hint) => {
    const error = toFlowfixError(err, 'Reading the account id');
    expect(error).toMatchObject({ code, message: expect.stringMatching(message), hint: expect.stringMatching(hint) });
  });

  it('GIVEN a FlowfixError (a cancelled MFA prompt, say) THEN it passes through unchanged', () => {
    const original = new FlowfixError('Interrupted', 'interrupted at the MFA code prompt');
    expect(toFlowfixError(original, 'Reading the account id')).toBe(original);
  });
});

describe('writeOutcomeUnknown', () => {
  /** As the SDK's retry middleware leaves the error it finally throws. */
  const afterAttempts = (err: Error, attempts: number) => Object.assign(err, { $metadata: { ...(err as { $metadata?: object }).$metadata, attempts } });

  it.each([
    ['a reset connection', nodeError('ECONNRESET'), true],
    ['a timeout', Object.assign(new Error('socket hang up'), { name: 'TimeoutError' }), true],
    ['HTTP 500', awsError('InternalError', 'boom', 500), true],
    ['HTTP 503 from a proxy', awsError('Unknown', 'Unknown', 503), true],
    ['throttling that followed a retried attempt', afterAttempts(awsError('Throttling', 'Rate exceeded', 400), 5), true],
    ['throttling on the only attempt', afterAttempts(awsError('RequestLimitExceeded', 'slow', 503), 1), false],
    ['access denied', awsError('AccessDenied', 'no', 403), false],
    ['invalid input', awsError('MalformedPolicyDocument', 'bad', 400), false],
    ['a quota', awsError('LimitExceededException', 'too many log groups', 400), false],
  ])('GIVEN %s THEN whether the write took effect is unknown: %s', (_label, err, expected) => {
    expect(writeOutcomeUnknown(err)).toBe(expected);
  });
});

describe('organizationPolicyDenyIn: the explicit deny by an SCP or RCP, as AWS words it', () => {
  const SCP = 'arn:aws:organizations::999999999999:policy/o-abcdef1234/service_control_policy/p-kux2m48e';
  const RCP = 'arn:aws:organizations::999999999999:policy/o-abcdef1234/resource_control_policy/p-qprcwfer';
  test.each([
    [
      'EC2, with the policy ARN',
      `You are not authorized to perform this operation. User: arn:aws:sts::111111111111:assumed-role/R/S is not authorized to perform: ec2:DescribeVpcs with an explicit deny in a service control policy: ${SCP}`,
      { policyType: 'service-control-policy', policyArn: SCP },
    ],
    [
      'EC2, the older wording without an ARN',
      'You are not authorized to perform this operation. User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeRegions with an explicit deny in a service control policy',
      { policyType: 'service-control-policy' },
    ],
    [
      'Logs, on a resource',
      `User: arn:aws:sts::111111111111:assumed-role/R/S is not authorized to perform: logs:DescribeLogGroups on resource: arn:aws:logs:eu-west-1:111111111111:log-group:* with an explicit deny in a resource control policy: ${RCP}`,
      { policyType: 'resource-control-policy', policyArn: RCP },
    ],
  ])('%s', (_, message, expected) => {
    expect(organizationPolicyDenyIn(message)).toEqual(expected);
  });

  test.each([
    'User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeVpcs because no identity-based policy allows the ec2:DescribeVpcs action',
    'User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeVpcs with an explicit deny in an identity-based policy: arn:aws:iam::111111111111:policy/Deny',
    'User: arn:aws:iam::111111111111:user/u is not authorized to perform: ec2:DescribeVpcs with an explicit deny in a permissions boundary',
  ])('not an organization policy: %s', (message) => {
    expect(organizationPolicyDenyIn(message)).toBeUndefined();
  });

  test('GIVEN an UnauthorizedOperation naming an SCP WHEN classified THEN access-denied with the action and the policy', () => {
    const err = awsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:sts::1:assumed-role/R/S is not authorized to perform: ec2:DescribeVpcs with an explicit deny in a service control policy: ${SCP}`,
      403,
    );
    expect(classifyAwsError(err)).toMatchObject({
      kind: 'access-denied',
      action: 'ec2:DescribeVpcs',
      deniedBy: { policyType: 'service-control-policy', policyArn: SCP },
    });
  });

  test("GIVEN an SCP denying ec2:DescribeRegions WHEN it is turned into a FlowfixError THEN the hint names the policy and --regions, not the caller's IAM", () => {
    const err = awsError(
      'UnauthorizedOperation',
      `You are not authorized to perform this operation. User: arn:aws:iam::1:user/u is not authorized to perform: ec2:DescribeRegions with an explicit deny in a service control policy: ${SCP}`,
      403,
    );
    const error = toFlowfixError(err, 'Listing the regions of the account (ec2:DescribeRegions)');
    expect(error.hint).toBe(
      `the service control policy (SCP) ${SCP} denies ec2:DescribeRegions: only the organization's administrators can change that; for the region list, name the regions to work in with --regions`,
    );
  });
});

describe('accessDenialIn and denialHint: the fix that fits the layer that refused', () => {
  const GRANT = 'grant ec2:CreateFlowLogs';
  const SCP = 'arn:aws:organizations::999999999999:policy/o-abc/service_control_policy/p-1';
  const ENCODED = 'g4oZPBqZ4Bni8dE5dGjxYTnOZ_-x0123456789';
  test.each([
    [
      `User: a is not authorized to perform: ec2:CreateFlowLogs on resource: b with an explicit deny in a service control policy: ${SCP}. Encoded authorization failure message: ${ENCODED}`,
      { layer: 'service-control-policy', explicit: true, policyArn: SCP, encodedMessage: ENCODED },
      /^your organization's service control policy \(SCP\) arn:\S+p-1 denies it: no grant/,
    ],
    [
      'User: a is not authorized to perform: logs:CreateLogGroup with an explicit deny in a resource control policy',
      { layer: 'resource-control-policy', explicit: true },
      /^your organization's resource control policy \(RCP\) denies it/,
    ],
    [
      'User: a is not authorized to perform: x:Y because no service control policy allows the x:Y action',
      { layer: 'service-control-policy', explicit: false },
      /service control policy \(SCP\) does not allow it: no grant/,
    ],
    [
      'User: a is not authorized to perform: x:Y because no permissions boundary allows the x:Y action',
      { layer: 'permissions-boundary', explicit: false },
      /^the permissions boundary .* does not allow it: a grant in its identity policies cannot go past the boundary.*\(grant ec2:CreateFlowLogs\)$/,
    ],
    [
      'User: a is not authorized to perform: x:Y with an explicit deny in a permissions boundary',
      { layer: 'permissions-boundary', explicit: true },
      /^the permissions boundary .* denies it/,
    ],
    [
      'User: a is not authorized to perform: x:Y with an explicit deny in an identity-based policy: arn:aws:iam::1:policy/NoFlowLogs',
      { layer: 'identity-based-policy', explicit: true, policyArn: 'arn:aws:iam::1:policy/NoFlowLogs' },
      /^a Deny statement in an identity-based policy arn:aws:iam::1:policy\/NoFlowLogs .*an added Allow cannot help/,
    ],
    [
      'User: a is not authorized to perform: x:Y because no identity-based policy allows the x:Y action',
      { layer: 'identity-based-policy', explicit: false },
      /^grant ec2:CreateFlowLogs$/,
    ],
    [
      'User: a is not authorized to perform: x:Y because no session policy allows the x:Y action',
      { layer: 'session-policy', explicit: false },
      /^the session policy these credentials were issued with does not allow it/,
    ],
    [
      'User: a is not authorized to perform: x:Y with an explicit deny in a VPC endpoint policy',
      { layer: 'vpc-endpoint-policy', explicit: true },
      /^the policy of the VPC endpoint/,
    ],
    [
      `You are not authorized to perform this operation. Encoded authorization failure message: ${ENCODED}`,
      { explicit: false, encodedMessage: ENCODED },
      new RegExp(
        `^grant ec2:CreateFlowLogs; AWS gave the reason only encoded: read it with aws sts decode-authorization-message --encoded-message ${ENCODED} `,
      ),
    ],
    ['Access denied', undefined, /^grant ec2:CreateFlowLogs$/],
  ])('GIVEN %s THEN the denial and the hint fit', (message, denial, hint) => {
    expect(accessDenialIn(message)).toEqual(denial);
    expect(denialHint(accessDenialIn(message), GRANT)).toMatch(hint);
  });

  test('GIVEN an encoded message with characters AWS never sends THEN it is not put into a command', () => {
    const hostile = 'You are not authorized to perform this operation. Encoded authorization failure message: abcdefghijklmnopq;rm -rf ~';
    expect(accessDenialIn(hostile)).toBeUndefined();
    expect(denialHint(accessDenialIn(hostile), GRANT)).toBe(GRANT);
  });
});
