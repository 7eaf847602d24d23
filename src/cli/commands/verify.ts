// `flowfix verify`: re-audit live state, delivery status included (FAILED delivery is a finding).
import type { Io } from '../../io/io.js';
import { EXIT } from '../exit-codes.js';
import type { CommandOptions } from '../options.js';
import { assessEstate, printReport } from './plan.js';

export async function verifyCommand(options: CommandOptions, io: Io): Promise<number> {
  const assessment = await assessEstate(options, io);
  printReport(assessment, options, io);
  const { report } = assessment;
  const problems = report.findings.filter((f) => f.kind !== 'shared-vpc');
  if (options.format === 'text') {
    io.stdout.write(problems.length === 0 && report.errors.length === 0 ? 'Verified: every resource in scope has a working flow log.\n' : `Not verified: ${problems.length} findings, ${report.errors.length} unreadable regions.\n`);
  }
  return problems.length === 0 && report.errors.length === 0 ? EXIT.ok : EXIT.error;
}
