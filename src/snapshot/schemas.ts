// The AWS CLI JSON of each snapshot file. Loose (AWS adds fields all the time), but every field flowfix
// reads is typed. The parsed objects have the SDK's shapes, so src/aws/'s mappers turn them into facts.
import * as z from 'zod';

import { decodePolicyText } from '../policy/decode.js';
import { errorText } from './snapshot-error.js';

const Tags = z.array(z.looseObject({ Key: z.string(), Value: z.string() })).optional();

/**
 * The CLI prints policy documents decoded, the API returns them URL-encoded; both are accepted and
 * checked, and handed on as the API's string, which is what the IAM mapper parses.
 */
const PolicyDocument = z
  .preprocess(
    (value, ctx) => {
      if (typeof value !== 'string') return value;
      try {
        return decodePolicyText(value);
      } catch (error) {
        ctx.addIssue({
          code: 'custom',
          message: `a policy document string must be URL-encoded JSON, but decoding it failed (${errorText(error)})`,
        });
        return z.NEVER;
      }
    },
    z.looseObject({
      Version: z.string().optional(),
      Statement: z.union([z.array(z.looseObject({ Effect: z.string() })), z.looseObject({ Effect: z.string() })]),
    }),
  )
  .transform((document) => JSON.stringify(document));

export const CallerIdentity = z.looseObject({
  UserId: z.string().optional(),
  Account: z.string().regex(/^\d{12}$/, { message: 'expected a 12-digit AWS account id' }),
  Arn: z.string(),
});

export const GetRole = z.looseObject({
  Role: z.looseObject({ RoleName: z.string(), Arn: z.string(), AssumeRolePolicyDocument: PolicyDocument, Tags }),
});

export const GetRolePolicy = z.looseObject({ RoleName: z.string(), PolicyName: z.string(), PolicyDocument });

export const DescribeVpcs = z.looseObject({
  Vpcs: z.array(
    z.looseObject({
      VpcId: z.string(),
      OwnerId: z.string(),
      IsDefault: z.boolean().optional(),
      CidrBlock: z.string().optional(),
      Tags,
    }),
  ),
});

export const DescribeSubnets = z.looseObject({
  Subnets: z.array(
    z.looseObject({
      SubnetId: z.string(),
      VpcId: z.string(),
      // Required like on the VPC: AWS always prints it, and without it a subnet would look shared.
      OwnerId: z.string(),
      AvailabilityZone: z.string().optional(),
      CidrBlock: z.string().optional(),
      Tags,
    }),
  ),
});

export const DescribeFlowLogs = z.looseObject({
  FlowLogs: z.array(
    z
      .looseObject({
        FlowLogId: z.string(),
        ResourceId: z.string(),
        // Transit gateway flow logs have no traffic type; VPC, subnet and ENI flow logs always do.
        TrafficType: z.enum(['ACCEPT', 'REJECT', 'ALL']).optional(),
        FlowLogStatus: z.string(),
        DeliverLogsStatus: z.string().optional(),
        DeliverLogsErrorMessage: z.string().optional(),
        LogDestinationType: z.string().optional(),
        LogDestination: z.string().optional(),
        // Absent for s3 and firehose destinations.
        LogGroupName: z.string().optional(),
        DeliverLogsPermissionArn: z.string().optional(),
        CreationTime: z.string().optional(),
        LogFormat: z.string().optional(),
        DestinationOptions: z
          .looseObject({ FileFormat: z.string().optional(), HiveCompatiblePartitions: z.boolean().optional(), PerHourPartition: z.boolean().optional() })
          .optional(),
        Tags,
      })
      .superRefine((flowLog, ctx) => {
        if (flowLog.TrafficType === undefined && /^(vpc|subnet|eni)-/.test(flowLog.ResourceId)) {
          ctx.addIssue({
            code: 'custom',
            path: ['TrafficType'],
            message: `expected one of ACCEPT | REJECT | ALL, but it is missing (required for ${flowLog.ResourceId})`,
          });
        }
      }),
  ),
});

export const DescribeLogGroups = z.looseObject({
  logGroups: z.array(
    z.looseObject({
      logGroupName: z.string(),
      arn: z.string().optional(),
      logGroupArn: z.string().optional(),
      retentionInDays: z.number().int().positive().optional(),
      kmsKeyId: z.string().optional(),
    }),
  ),
});

/** `aws logs list-tags-for-resource` (and the older `list-tags-log-group`) print the same shape. */
export const ListTags = z.looseObject({ tags: z.record(z.string(), z.string()).optional() });

export type CallerIdentityJson = z.infer<typeof CallerIdentity>;
export type GetRoleJson = z.infer<typeof GetRole>;
export type GetRolePolicyJson = z.infer<typeof GetRolePolicy>;
export type DescribeVpcsJson = z.infer<typeof DescribeVpcs>;
export type DescribeSubnetsJson = z.infer<typeof DescribeSubnets>;
export type DescribeFlowLogsJson = z.infer<typeof DescribeFlowLogs>;
export type DescribeLogGroupsJson = z.infer<typeof DescribeLogGroups>;
export type ListTagsJson = z.infer<typeof ListTags>;
