// IAM policy documents as flowfix reads and writes them.

export type PolicyDocument = {
  Version?: string;
  Statement: PolicyStatement[] | PolicyStatement;
  [key: string]: unknown;
};

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny' | string;
  Principal?: unknown;
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
