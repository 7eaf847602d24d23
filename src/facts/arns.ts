// ARNs flowfix builds for what it creates: one spelling, shared by the planner, rollback and the audit.

export const roleArn = (scope: { partition: string; accountId: string }, roleName: string, path = '/'): string =>
  `arn:${scope.partition}:iam::${scope.accountId}:role${path}${roleName}`;

/** The LogDestination flowfix sends for a bucket and prefix: arn:<partition>:s3:::bucket/prefix/ (no prefix: the bare bucket). */
export const s3DestinationArn = (partition: string, bucket: string, prefix: string): string =>
  `arn:${partition}:s3:::${bucket}${prefix ? `/${prefix.replace(/^\/+|\/+$/g, '')}/` : ''}`;
