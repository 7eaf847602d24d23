// The Lambda entry: the report as one JSON log line, the optional SNS topic, and a failed run thrown so
// Lambda counts it (retries, alarms).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { jest } from '@jest/globals';
import { mockClient } from 'aws-sdk-client-mock';

import { GuardFailed } from '../../src/lambda/guard.js';
import { handler } from '../../src/lambda/handler.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { createVpcEvent } from './events.js';

const TOPIC = 'arn:aws:sns:us-east-1:111111111111:flowfix-guard';

describe("the guard's Lambda handler", () => {
  let fake: FakeAws;
  const sns = mockClient(SNSClient);
  let logged: string[];
  let log: ReturnType<typeof jest.spyOn>;
  const saved = { ...process.env };

  beforeEach(() => {
    fake = new FakeAws().install();
    sns.reset();
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    logged = [];
    log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void logged.push(String(line)));
    // The function's environment is the stack's: no FLOWFIX_* variable but its settings (the suite's own
    // FLOWFIX_TEST_BUNDLE would be refused as a misspelt setting).
    for (const key of Object.keys(process.env)) if (key.startsWith('FLOWFIX_')) delete process.env[key];
    Object.assign(process.env, { AWS_REGION: 'us-east-1', GUARD_NOTIFICATION_TOPIC_ARN: TOPIC });
  });
  afterEach(() => {
    fake.restore();
    log.mockRestore();
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
    Object.assign(process.env, saved);
  });

  test('GIVEN a run that changed something THEN the log holds one JSON line and the topic gets the same report', async () => {
    const vpc = fake.addVpc('us-east-1');

    const report = await handler(createVpcEvent('us-east-1', vpc));

    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!)).toEqual(JSON.parse(JSON.stringify(report)));
    const published = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(published).toHaveLength(1);
    expect(published[0]).toMatchObject({ TopicArn: TOPIC, Subject: expect.stringMatching(/^flowfix guard: \d+ change\(s\) in us-east-1$/) });
    expect(JSON.parse(published[0]!.Message!)).toEqual(JSON.parse(logged[0]!));
  });

  test('GIVEN a run that found nothing to do THEN the topic hears nothing', async () => {
    const vpc = fake.addVpc('us-east-1');
    await handler(createVpcEvent('us-east-1', vpc));
    sns.resetHistory();

    await handler(createVpcEvent('us-east-1', vpc));

    expect(sns.commandCalls(PublishCommand)).toEqual([]);
  });

  test('GIVEN a failed apply THEN the handler throws after logging and notifying, so Lambda counts the failure', async () => {
    const vpc = fake.addVpc('us-east-1');
    fake.denyAction('CreateFlowLogs');

    await expect(handler(createVpcEvent('us-east-1', vpc))).rejects.toBeInstanceOf(GuardFailed);

    expect(JSON.parse(logged[0]!)).toMatchObject({ exitCode: 1 });
    expect(sns.commandCalls(PublishCommand)[0]?.args[0].input.Subject).toBe('flowfix guard: failed in us-east-1 (exit 1)');
  });

  test("GIVEN the topic refuses THEN the run's own result stands and the log says why the notification failed", async () => {
    const vpc = fake.addVpc('us-east-1');
    sns.on(PublishCommand).rejects(Object.assign(new Error('User is not authorized to perform SNS:Publish'), { name: 'AuthorizationErrorException' }));

    const report = await handler(createVpcEvent('us-east-1', vpc));

    expect(report.exitCode).toBe(0);
    expect(JSON.parse(logged[1]!)).toMatchObject({ topic: TOPIC, error: expect.stringContaining('AuthorizationErrorException') });
  });
});
