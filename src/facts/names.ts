// What AWS accepts as the names and ARNs flowfix sends, written once: the settings (flags and config
// file), the plan file and every action's input schema check them with these same rules and words.
import * as z from 'zod';

/** CloudWatch Logs log group names: 1-512 of [A-Za-z0-9_\-/.#]; names starting with aws/ are AWS's own. */
export const logGroupName = z
  .string()
  .regex(/^[A-Za-z0-9_\-/.#]{1,512}$/, 'must be 1-512 characters of A-Z a-z 0-9 _ - / . #')
  .refine((name) => !name.startsWith('aws/'), 'must not start with "aws/" (reserved by AWS)');

const IAM_NAME = /^[\w+=,.@-]{1,64}$/;
const IAM_NAME_CHARACTERS = '1-64 characters of letters, digits and +=,.@_-';

/** IAM role and inline policy names. */
export const iamName = z.string().regex(IAM_NAME, `must be ${IAM_NAME_CHARACTERS}`);

/** A role to assume in other accounts: its name, as users tend to paste the ARN. */
export const assumableRoleName = z.string().regex(IAM_NAME, `must be a role name (${IAM_NAME_CHARACTERS}), not an ARN`);

/** sts:AssumeRole's RoleSessionName: 2-64 of these characters. */
const SESSION_NAME_CHARACTERS = String.raw`\w+=,.@-`;
export const roleSessionName = z.string().regex(new RegExp(`^[${SESSION_NAME_CHARACTERS}]{2,64}$`), 'must be 2-64 characters of letters, digits and +=,.@-');

/** `text` in RoleSessionName's characters: any other becomes '-'. */
export const inSessionNameCharacters = (text: string): string => text.replace(new RegExp(`[^${SESSION_NAME_CHARACTERS}]`, 'g'), '-');

/** sts:AssumeRole's ExternalId. */
export const externalId = z.string().regex(/^[\w+=,.@:/-]{2,1224}$/, 'must be 2-1224 characters of letters, digits and +=,.@:/-');

/** IAM paths: "/" or /segments/ of name characters (IAM allows any printable ASCII; flowfix keeps to what fits an ARN pattern). */
export const rolePath = z
  .string()
  .max(512)
  .regex(/^\/([\w+=,.@-]+\/)*$/, 'must start and end with / (like /service-roles/), with letters, digits and +=,.@_- between');

/** A managed policy (customer or AWS managed) as a permissions boundary: arn:<partition>:iam::<account|aws>:policy/[path/]name. */
export const managedPolicyArn = z
  .string()
  .regex(/^arn:aws[\w-]*:iam::(\d{12}|aws):policy\/([\w+=,.@-]+\/)*[\w+=,.@-]{1,128}$/, 'must be a managed policy ARN (arn:aws:iam::ACCOUNT:policy/NAME)');

/** CloudWatch Logs takes a key ARN, not an alias. */
export const kmsKeyArn = z
  .string()
  .regex(
    /^arn:aws[\w-]*:kms:[a-z0-9-]+:\d{12}:key\/[\w-]+$/,
    'must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; aliases are not accepted by CloudWatch Logs)',
  );

export const isValidLogGroupName = (name: string): boolean => logGroupName.safeParse(name).success;

/** An AWS account id: twelve digits, leading zeros kept (it is a name, not a number). */
export const accountId = z.string().regex(/^\d{12}$/, 'must be a 12-digit AWS account id');

// S3 bucket names: 3-63 lowercase letters, digits, dots and hyphens, a letter or digit at each end.
const BUCKET_NAME = '[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]';
export const bucketName = z.string().regex(new RegExp(`^${BUCKET_NAME}$`), 'must be an S3 bucket name');
/** s3://BUCKET[/prefix]: the bucket, then whatever follows its slash. */
export const S3_URL = new RegExp(`^s3://(${BUCKET_NAME})(?:/(.*))?$`);
