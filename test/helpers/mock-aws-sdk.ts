// The one SDK-mock helper: aws-sdk-client-mock stubs `send` on the real client classes, so the code under
// test builds real clients through createAwsClients and only the network is replaced.

import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { EC2Client } from '@aws-sdk/client-ec2';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';

import type { AwsClients } from '../../src/aws/api.js';
import { createAwsClients, type AwsClientOptions } from '../../src/aws/clients.js';

export const FAKE_CREDENTIALS = { accessKeyId: 'x', secretAccessKey: 'y' };

export type AwsSdkMocks = ReturnType<typeof mockAwsSdk>;

/** Stubs every client flowfix uses. Call `reset()` in beforeEach and `restore()` in afterAll. */
export function mockAwsSdk() {
  const mocks = {
    ec2: mockClient(EC2Client),
    logs: mockClient(CloudWatchLogsClient),
    iam: mockClient(IAMClient),
    sts: mockClient(STSClient),
  };
  return {
    ...mocks,
    reset() {
      for (const mock of Object.values(mocks)) mock.reset();
    },
    restore() {
      for (const mock of Object.values(mocks)) mock.restore();
    },
  };
}

/** Real clients with fake static credentials, so no credential chain or disk is touched. */
export function testAwsClients(overrides: Partial<AwsClientOptions> = {}): Promise<AwsClients> {
  return createAwsClients({ homeRegion: 'us-east-1', credentials: FAKE_CREDENTIALS, ...overrides });
}

/** The region of the client a mocked call was sent through (for callsFake(input, getClient)). */
export async function regionOfClient(getClient: () => unknown): Promise<string> {
  const client = getClient() as { config: { region: () => Promise<string> } };
  return client.config.region();
}

/** An error shaped like the SDK's ServiceException: the AWS code in `name`, the HTTP status in $metadata. */
export function awsError(name: string, message = name, httpStatusCode = 400): Error {
  return Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode } });
}

/** A fake that also keeps a copy of every request it answered. */
export type RecordingResponder = ((input: Record<string, unknown>) => object) & { requests: Record<string, unknown>[] };

/**
 * A NextToken-paginated listing split into pages of `items`: page n answers with NextToken `page-(n+1)`,
 * the last page with none. `wrap` builds the response body of one page. Requests are copied into
 * `requests` as they arrive, because SDK paginators reuse (and mutate) one input object across pages.
 */
export function pagedResponder<T>(
  pages: T[][],
  wrap: (items: T[], nextToken: string | undefined) => object,
  /** The request field carrying the token: NextToken (EC2), nextToken (Logs), Marker (IAM). */
  tokenField: 'NextToken' | 'nextToken' | 'Marker' = 'NextToken',
): RecordingResponder {
  const requests: Record<string, unknown>[] = [];
  const respond = (input: Record<string, unknown>): object => {
    requests.push({ ...input });
    const token = input[tokenField] as string | undefined;
    const index = token === undefined ? 0 : Number(token.replace('page-', ''));
    const items = pages[index];
    if (items === undefined) throw new Error(`test asked for unknown page token ${String(token)}`);
    return wrap(items, index + 1 < pages.length ? `page-${index + 1}` : undefined);
  };
  return Object.assign(respond, { requests });
}
