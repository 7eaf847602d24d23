// EventBridge events as AWS delivers them to the guard: CloudTrail records of EC2 calls ("AWS API Call via
// CloudTrail", EC2's query-API shapes with `items` lists) and the scheduler's "Scheduled Event".
const ACCOUNT = '111111111111';

function cloudTrail(region: string, eventName: string, requestParameters: object, responseElements: object | null, extra: object = {}) {
  return {
    version: '0',
    id: 'b1c9f2a4-0000-4000-8000-000000000001',
    'detail-type': 'AWS API Call via CloudTrail',
    source: 'aws.ec2',
    account: ACCOUNT,
    time: '2026-12-06T10:00:00Z',
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      userIdentity: { type: 'AssumedRole', arn: `arn:aws:sts::${ACCOUNT}:assumed-role/platform-team/alice`, accountId: ACCOUNT },
      eventTime: '2026-12-06T10:00:00Z',
      eventSource: 'ec2.amazonaws.com',
      eventName,
      awsRegion: region,
      sourceIPAddress: '203.0.113.7',
      userAgent: 'aws-cli/2.22.0',
      requestParameters,
      responseElements,
      requestID: 'f5a1c3d2-1111-4111-8111-111111111111',
      eventID: 'e7d4c2b1-2222-4222-8222-222222222222',
      eventType: 'AwsApiCall',
      recipientAccountId: ACCOUNT,
      ...extra,
    },
  };
}

export const createVpcEvent = (region: string, vpcId: string) =>
  cloudTrail(
    region,
    'CreateVpc',
    { cidrBlock: '10.20.0.0/16', instanceTenancy: 'default' },
    {
      requestId: 'f5a1c3d2-1111-4111-8111-111111111111',
      vpc: { vpcId, state: 'pending', ownerId: ACCOUNT, cidrBlock: '10.20.0.0/16', isDefault: false, instanceTenancy: 'default' },
    },
  );

export const createSubnetEvent = (region: string, vpcId: string, subnetId: string) =>
  cloudTrail(
    region,
    'CreateSubnet',
    { vpcId, cidrBlock: '10.20.1.0/24' },
    {
      requestId: 'f5a1c3d2-1111-4111-8111-111111111111',
      subnet: { subnetId, vpcId, state: 'available', cidrBlock: '10.20.1.0/24', availabilityZone: `${region}a` },
    },
  );

export const deleteFlowLogsEvent = (region: string, flowLogIds: string[]) =>
  cloudTrail(
    region,
    'DeleteFlowLogs',
    { DeleteFlowLogsRequest: { FlowLogId: flowLogIds.map((content, i) => ({ content, tag: i + 1 })) } },
    {
      DeleteFlowLogsResponse: { xmlns: 'http://ec2.amazonaws.com/doc/2016-11-15/', requestId: 'f5a1c3d2-1111-4111-8111-111111111111', unsuccessful: '' },
    },
  );

export const failedCreateVpcEvent = (region: string) =>
  cloudTrail(region, 'CreateVpc', { cidrBlock: '10.20.0.0/16' }, null, {
    errorCode: 'Client.UnauthorizedOperation',
    errorMessage: 'You are not authorized to perform this operation.',
  });

export const scheduledEvent = (region: string) => ({
  version: '0',
  id: 'c2d3e4f5-0000-4000-8000-000000000002',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: ACCOUNT,
  time: '2026-12-06T03:00:00Z',
  region,
  resources: [`arn:aws:events:${region}:${ACCOUNT}:rule/flowfix-guard-daily`],
  detail: {},
});
