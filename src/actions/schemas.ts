// Parameter shapes shared by several action kinds, as AWS accepts them.
import * as z from 'zod';
import { POLICY_ARN_PATTERN, ROLE_PATH_PATTERN } from '../config/resolve-settings.js';

export const awsTags = z.array(z.strictObject({ Key: z.string().min(1).max(128), Value: z.string().max(256) })).max(50);
export const iamName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'is not an IAM name');
export const logGroupName = z
  .string()
  .regex(/^[A-Za-z0-9_\-/.#]{1,512}$/, 'is not a log group name')
  .refine((name) => !name.startsWith('aws/'), 'is reserved by AWS');
export const rolePath = z.string().max(512).regex(ROLE_PATH_PATTERN, 'is not an IAM path');
export const permissionsBoundary = z.string().regex(POLICY_ARN_PATTERN, 'is not a managed policy ARN');
