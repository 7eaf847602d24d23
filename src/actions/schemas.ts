// Parameter shapes shared by several action kinds, as AWS accepts them.
import * as z from 'zod';

export const awsTags = z.array(z.strictObject({ Key: z.string().min(1).max(128), Value: z.string().max(256) })).max(50);
export const iamName = z.string().regex(/^[\w+=,.@-]{1,64}$/, 'is not an IAM name');
export const logGroupName = z
  .string()
  .regex(/^[A-Za-z0-9_\-/.#]{1,512}$/, 'is not a log group name')
  .refine((name) => !name.startsWith('aws/'), 'is reserved by AWS');
