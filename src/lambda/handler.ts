// The AWS Lambda entry of the guard (deploy/cloudformation/flowfix-guard.yaml). Like src/cli/main.ts, the
// only place here that touches `process`: the function's environment in, one JSON log line out, and the
// report to the stack's SNS topic when one is set.
import { GuardFailed, notificationOf, runGuard, type GuardReport } from './guard.js';

// The SDK's Node version notice is noise in a function's log.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export async function handler(event: unknown): Promise<GuardReport> {
  const report = await runGuard(event, { env: process.env, cwd: process.cwd() });
  // One line: CloudWatch Logs Insights and metric filters read it as JSON.
  console.log(JSON.stringify(report));
  const topic = process.env['GUARD_NOTIFICATION_TOPIC_ARN'];
  const notification = topic ? notificationOf(report) : undefined;
  if (topic && notification) {
    const { publishToTopic } = await import('../aws/notification-topic.js');
    // A topic that cannot be reached must not hide the run's own result: say so in the log and go on.
    await publishToTopic(topic, notification.subject, notification.message).catch((err: unknown) => {
      console.log(
        JSON.stringify({ schema: 'flowfix.guard-notification-error/v1', topic, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) }),
      );
    });
  }
  if (report.exitCode !== 0) throw new GuardFailed(report);
  return report;
}
