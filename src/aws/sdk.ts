// Every SDK client, command and paginator flowfix sends through, imported by name. clients.ts loads
// this module lazily (one `await import`), and because nothing imports a whole client namespace the
// bundle (scripts/bundle.mjs) keeps only these commands and their shapes out of the SDK's ESM builds:
// EC2 alone models some 700 operations. A new AWS call is one line here.

export {
  CreateFlowLogsCommand,
  DeleteFlowLogsCommand,
  DescribeRegionsCommand,
  EC2Client,
  paginateDescribeFlowLogs,
  paginateDescribeNetworkInterfaces,
  paginateDescribeSubnets,
  paginateDescribeVpcs,
} from '@aws-sdk/client-ec2';
export {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  DeleteLogGroupCommand,
  DescribeLogGroupsCommand,
  DescribeLogStreamsCommand,
  ListTagsForResourceCommand,
  paginateDescribeLogGroups,
  PutRetentionPolicyCommand,
} from '@aws-sdk/client-cloudwatch-logs';
export {
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  PutRolePolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
export { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
