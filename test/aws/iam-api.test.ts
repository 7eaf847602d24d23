import { CreateRoleCommand, GetRoleCommand, GetRolePolicyCommand, ListRolePoliciesCommand, PutRolePolicyCommand } from '@aws-sdk/client-iam';

import { classifyAwsError } from '../../src/aws/errors.js';
import { parsePolicyDocument } from '../../src/aws/iam-api.js';
import { FlowfixError } from '../../src/errors.js';
import { awsError, mockAwsSdk, pagedResponder, testAwsClients } from '../helpers/mock-aws-sdk.js';

const sdk = mockAwsSdk();
beforeEach(() => sdk.reset());
afterAll(() => sdk.restore());

const trust = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { Service: 'vpc-flow-logs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
};
const publish = (resource: string) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: resource }],
});
/** What IAM sends: RFC 3986 percent-encoding of the JSON text. */
const urlEncoded = (document: object) => encodeURIComponent(JSON.stringify(document));

describe('IamApi.getRole', () => {
  it('GIVEN no such role WHEN reading THEN the role is null, not an error', async () => {
    sdk.iam.on(GetRoleCommand).rejects(awsError('NoSuchEntity', 'The role with name flowfix cannot be found.', 404));
    // Sent alongside GetRole (one round trip less); its NoSuchEntity must not leak out.
    sdk.iam.on(ListRolePoliciesCommand).rejects(awsError('NoSuchEntity', 'The role with name flowfix cannot be found.', 404));
    const clients = await testAwsClients();

    await expect(clients.iam().getRole('flowfix')).resolves.toBeNull();
  });

  it('GIVEN a role with URL-encoded documents and policies over two pages WHEN reading THEN everything is decoded', async () => {
    sdk.iam.on(GetRoleCommand, { RoleName: 'flowfix' }).resolves({
      Role: {
        RoleName: 'flowfix',
        Arn: 'arn:aws:iam::111:role/flowfix',
        Path: '/',
        RoleId: 'AROA',
        CreateDate: new Date(0),
        AssumeRolePolicyDocument: urlEncoded(trust),
        Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }],
      },
    });
    // IAM pages with Marker / IsTruncated instead of NextToken.
    const policyPages = pagedResponder(
      [['first'], ['second']],
      (PolicyNames, Marker) => ({ PolicyNames, Marker, IsTruncated: Marker !== undefined }),
      'Marker',
    );
    sdk.iam.on(ListRolePoliciesCommand).callsFake(policyPages);
    sdk.iam.on(GetRolePolicyCommand).callsFake((input: { PolicyName: string }) => ({
      RoleName: 'flowfix',
      PolicyName: input.PolicyName,
      PolicyDocument: urlEncoded(publish(`arn:aws:logs:*:111:log-group:/${input.PolicyName} x%:*`)),
    }));
    const clients = await testAwsClients();

    const role = await clients.iam().getRole('flowfix');

    expect(role).toEqual({
      roleName: 'flowfix',
      arn: 'arn:aws:iam::111:role/flowfix',
      trustPolicy: trust,
      inlinePolicies: {
        first: publish('arn:aws:logs:*:111:log-group:/first x%:*'),
        second: publish('arn:aws:logs:*:111:log-group:/second x%:*'),
      },
      tags: { ManagedBy: 'flowfix' },
      createdAt: '1970-01-01T00:00:00.000Z',
    });
    expect(policyPages.requests).toEqual([
      { RoleName: 'flowfix', MaxItems: 1000 },
      { RoleName: 'flowfix', MaxItems: 1000, Marker: 'page-1' },
    ]);
  });

  it('GIVEN GetRole is denied WHEN reading THEN the error propagates with the action', async () => {
    sdk.iam
      .on(GetRoleCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::111:user/ci is not authorized to perform: iam:GetRole on resource: role flowfix', 403));
    const clients = await testAwsClients();

    const failure = await clients
      .iam()
      .getRole('flowfix')
      .catch((err: unknown) => err);

    expect(classifyAwsError(failure)).toMatchObject({ kind: 'access-denied', action: 'iam:GetRole' });
  });
});

describe('parsePolicyDocument', () => {
  it.each([
    ['URL-encoded JSON', urlEncoded(trust)],
    ['plain JSON (some emulators)', JSON.stringify(trust)],
    ['plain JSON with leading whitespace', `\n  ${JSON.stringify(trust)}`],
  ])('GIVEN %s THEN the document is parsed', (_case, text) => {
    expect(parsePolicyDocument(text)).toEqual(trust);
  });

  it('GIVEN plain JSON containing a literal % THEN it is not decoded a second time', () => {
    const document = { Statement: [{ Effect: 'Allow', Resource: 'arn:x:100%' }] };
    expect(parsePolicyDocument(JSON.stringify(document))).toEqual(document);
  });

  it('GIVEN garbage THEN a FlowfixError explains it', () => {
    expect(() => parsePolicyDocument('%7Bnot json')).toThrow(FlowfixError);
  });
});

describe('IamApi writers', () => {
  it('WHEN creating a role THEN CreateRole gets the input and the ARN comes back', async () => {
    sdk.iam.on(CreateRoleCommand).resolves({
      Role: { RoleName: 'flowfix', Arn: 'arn:aws:iam::111:role/flowfix', Path: '/', RoleId: 'AROA', CreateDate: new Date(0) },
    });
    const clients = await testAwsClients();
    const input = { RoleName: 'flowfix', AssumeRolePolicyDocument: JSON.stringify(trust), Tags: [{ Key: 'ManagedBy', Value: 'flowfix' }] };

    await expect(clients.iam().createRole(input)).resolves.toEqual({ arn: 'arn:aws:iam::111:role/flowfix' });
    expect(sdk.iam.commandCalls(CreateRoleCommand)[0]!.args[0].input).toEqual(input);
  });

  it('WHEN putting a role policy THEN PutRolePolicy gets the input', async () => {
    sdk.iam.on(PutRolePolicyCommand).resolves({});
    const clients = await testAwsClients();
    const input = { RoleName: 'flowfix', PolicyName: 'publish', PolicyDocument: JSON.stringify(publish('*')) };

    await clients.iam().putRolePolicy(input);

    expect(sdk.iam.commandCalls(PutRolePolicyCommand)[0]!.args[0].input).toEqual(input);
  });
});

describe('IamApi.simulatePrincipalPolicy', () => {
  it('GIVEN results over two pages WHEN simulating THEN every page is read (Marker) and results come back as plain data', async () => {
    const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
    sdk.iam
      .on(SimulatePrincipalPolicyCommand, { Marker: undefined })
      .resolves({
        EvaluationResults: [{ EvalActionName: 'iam:CreateRole', EvalResourceName: 'arn:aws:iam::1:role/r', EvalDecision: 'allowed' }],
        IsTruncated: true,
        Marker: 'm1',
      })
      .on(SimulatePrincipalPolicyCommand, { Marker: 'm1' })
      .resolves({
        EvaluationResults: [{ EvalActionName: 'iam:PassRole', EvalResourceName: 'arn:aws:iam::1:role/r', EvalDecision: 'implicitDeny' }],
        IsTruncated: false,
      });
    const clients = await testAwsClients();

    const results = await clients.iam().simulatePrincipalPolicy({
      policySourceArn: 'arn:aws:iam::1:user/u',
      actionNames: ['iam:CreateRole', 'iam:PassRole'],
      resourceArns: ['arn:aws:iam::1:role/r'],
      contextEntries: [{ key: 'iam:PassedToService', values: ['vpc-flow-logs.amazonaws.com'] }],
    });

    expect(results).toEqual([
      { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r', decision: 'allowed' },
      { action: 'iam:PassRole', resource: 'arn:aws:iam::1:role/r', decision: 'implicitDeny' },
    ]);
    const sent = sdk.iam.commandCalls(SimulatePrincipalPolicyCommand).map((c) => c.args[0].input);
    expect(sent).toHaveLength(2);
    expect(sent[0]).toMatchObject({
      ContextEntries: [{ ContextKeyName: 'iam:PassedToService', ContextKeyType: 'string', ContextKeyValues: ['vpc-flow-logs.amazonaws.com'] }],
    });
  });

  it('GIVEN one result per action with ResourceSpecificResults and decision details THEN one plain result per resource, with the layer and missing context values', async () => {
    const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
    sdk.iam.on(SimulatePrincipalPolicyCommand).resolves({
      EvaluationResults: [
        {
          EvalActionName: 'ec2:CreateFlowLogs',
          EvalResourceName: '*',
          EvalDecision: 'explicitDeny',
          OrganizationsDecisionDetail: { AllowedByOrganizations: false },
          ResourceSpecificResults: [
            { EvalResourceName: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*', EvalResourceDecision: 'explicitDeny' },
            { EvalResourceName: 'arn:aws:ec2:us-east-1:1:vpc/vpc-1', EvalResourceDecision: 'implicitDeny', MissingContextValues: ['ec2:ResourceTag/env'] },
          ],
        },
        {
          EvalActionName: 'iam:CreateRole',
          EvalResourceName: 'arn:aws:iam::1:role/r',
          EvalDecision: 'implicitDeny',
          PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false },
        },
      ],
      IsTruncated: false,
    });
    const clients = await testAwsClients();
    const results = await clients
      .iam()
      .simulatePrincipalPolicy({ policySourceArn: 'arn:aws:iam::1:user/u', actionNames: ['ec2:CreateFlowLogs'], resourceArns: ['a', 'b'] });
    expect(results).toEqual([
      { action: 'ec2:CreateFlowLogs', resource: 'arn:aws:ec2:us-east-1:1:vpc-flow-log/*', decision: 'explicitDeny', allowedByOrganizations: false },
      {
        action: 'ec2:CreateFlowLogs',
        resource: 'arn:aws:ec2:us-east-1:1:vpc/vpc-1',
        decision: 'implicitDeny',
        allowedByOrganizations: false,
        missingContextValues: ['ec2:ResourceTag/env'],
      },
      { action: 'iam:CreateRole', resource: 'arn:aws:iam::1:role/r', decision: 'implicitDeny', allowedByPermissionsBoundary: false },
    ]);
  });

  it('GIVEN the caller may not simulate WHEN simulating THEN the error classifies as access-denied for iam:SimulatePrincipalPolicy', async () => {
    const { SimulatePrincipalPolicyCommand } = await import('@aws-sdk/client-iam');
    sdk.iam
      .on(SimulatePrincipalPolicyCommand)
      .rejects(awsError('AccessDenied', 'User: arn:aws:iam::1:user/u is not authorized to perform: iam:SimulatePrincipalPolicy', 403));
    const clients = await testAwsClients();

    const err = await clients
      .iam()
      .simulatePrincipalPolicy({ policySourceArn: 'arn:aws:iam::1:user/u', actionNames: ['iam:CreateRole'], resourceArns: ['*'] })
      .catch((e: unknown) => e);

    expect(classifyAwsError(err)).toMatchObject({ kind: 'access-denied', code: 'AccessDenied' });
  });
});
