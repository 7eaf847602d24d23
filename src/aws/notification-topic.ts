// The guard's optional report to an SNS topic (deploy/cloudformation/flowfix-guard.yaml,
// NotificationTopicArn). Only the guard loads this module, so the CLI's bundle never carries SNS.
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

/** SNS takes messages up to 256 KiB. */
export const MAX_SNS_MESSAGE_BYTES = 256 * 1024;
const TOPIC_ARN = /^arn:aws[\w-]*:sns:([a-z0-9-]+):\d{12}:[\w-]{1,256}$/;

export const isTopicArn = (value: string): boolean => TOPIC_ARN.test(value);

/** Publishes `message` (at most MAX_SNS_MESSAGE_BYTES, the caller's to keep) in the topic's own region. */
export async function publishToTopic(topicArn: string, subject: string, message: string): Promise<void> {
  const region = TOPIC_ARN.exec(topicArn)?.[1];
  if (!region) throw new Error(`${topicArn} is not an SNS topic ARN`);
  const client = new SNSClient({ region, maxAttempts: 3 });
  try {
    await client.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: message }));
  } finally {
    client.destroy();
  }
}
