// Parameter shapes shared by several action kinds, as AWS accepts them (names and ARNs: src/facts/names.ts).
import * as z from 'zod';

export { iamName, logGroupName, managedPolicyArn as permissionsBoundary, rolePath } from '../facts/names.js';

export const awsTags = z.array(z.strictObject({ Key: z.string().min(1).max(128), Value: z.string().max(256) })).max(50);
