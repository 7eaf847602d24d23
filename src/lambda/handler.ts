// The AWS Lambda entry of the guard (deploy/cloudformation/flowfix-guard.yaml). Like src/cli/main.ts, the
// only place here that touches `process`: the function's environment in, one JSON log line out.
import { GuardFailed, runGuard, type GuardReport } from './guard.js';

// The SDK's Node version notice is noise in a function's log.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

export async function handler(event: unknown): Promise<GuardReport> {
  const report = await runGuard(event, { env: process.env, cwd: process.cwd() });
  // One line: CloudWatch Logs Insights and metric filters read it as JSON.
  console.log(JSON.stringify(report));
  if (report.exitCode !== 0) throw new GuardFailed(report);
  return report;
}
