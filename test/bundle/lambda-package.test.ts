// The guard's deployment package as Lambda gets it: `npm run package:lambda`'s zip, unpacked into a folder
// of its own and its handler (dist/bundle/lambda.handler) imported by a plain `node` child, as the
// nodejs runtime does, against FakeAws over HTTP.
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { inflateRawSync } from 'node:zlib';

import { serveFakeAws } from '../helpers/fake-aws-http.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { createVpcEvent } from '../lambda/events.js';
import { bundleProblem, describeBundle, REPO } from './bundle-gate.js';

/** Every file of a zip (central directory, deflate or stored), by name. */
function unzip(zip: Buffer): Map<string, Buffer> {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const files = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    const method = zip.readUInt16LE(at + 10);
    const packedSize = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
    const name = zip.toString('utf8', at + 46, at + 46 + nameLength);
    const local = zip.readUInt32LE(at + 42);
    const dataAt = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const packed = zip.subarray(dataAt, dataAt + packedSize);
    files.set(name, method === 8 ? inflateRawSync(packed) : Buffer.from(packed));
    at += 46 + nameLength + extra;
  }
  return files;
}

describeBundle("the guard's Lambda package", () => {
  let work: string;
  let files: Map<string, Buffer>;

  beforeAll(() => {
    const problem = bundleProblem();
    if (problem !== undefined) throw new Error(problem);
    const packaged = spawnSync(process.execPath, ['scripts/package-lambda.mjs'], { cwd: REPO, encoding: 'utf8' });
    if (packaged.status !== 0) throw new Error(`package-lambda failed: ${packaged.stderr}`);
    files = unzip(readFileSync(path.join(REPO, 'dist/flowfix-lambda.zip')));
    work = mkdtempSync(path.join(tmpdir(), 'flowfix-lambda-'));
    for (const [name, data] of files) {
      mkdirSync(path.dirname(path.join(work, 'task', name)), { recursive: true });
      writeFileSync(path.join(work, 'task', name), data);
    }
  });

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  test("GIVEN the zip THEN it holds the handler, its chunks, the policies and package.json, and fits Lambda's limits", () => {
    const names = [...files.keys()];
    expect(names).toContain('dist/bundle/lambda.js');
    expect(names).toContain('package.json');
    expect(names.filter((n) => n.startsWith('policies/'))).toContain('policies/operator-apply.json');
    expect(names.every((n) => n.startsWith('dist/bundle/') || n.startsWith('policies/') || n === 'package.json')).toBe(true);
    // 50 MB zipped (direct upload) and 250 MB unzipped are Lambda's deployment package quotas.
    expect(readFileSync(path.join(REPO, 'dist/flowfix-lambda.zip')).length).toBeLessThan(50 * 1024 * 1024);
    expect([...files.values()].reduce((n, b) => n + b.length, 0)).toBeLessThan(250 * 1024 * 1024);
  });

  test('GIVEN a CreateVpc event WHEN the unpacked handler runs as the nodejs runtime would THEN the VPC gets its flow log and the log line is the report', async () => {
    const fake = new FakeAws();
    const server = await serveFakeAws(fake);
    try {
      const vpc = fake.addVpc('us-east-1');
      const handler = pathToFileURL(path.join(work, 'task/dist/bundle/lambda.js')).href;
      const script = `const { handler } = await import(${JSON.stringify(handler)}); await handler(JSON.parse(process.argv[1]));`;
      const env = {
        PATH: process.env['PATH'] ?? '',
        HOME: path.join(work, 'home'),
        AWS_REGION: 'us-east-1',
        AWS_ACCESS_KEY_ID: 'AKIAFAKELAMBDA',
        AWS_SECRET_ACCESS_KEY: 'fake',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_ENDPOINT_URL: server.url,
        FLOWFIX_TRAFFIC_TYPE: 'ALL',
      };
      const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script, JSON.stringify(createVpcEvent('us-east-1', vpc))], {
        env,
        cwd: path.join(work, 'task'),
      });

      const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as { schema: string; exitCode: number };
      expect(report).toMatchObject({ schema: 'flowfix.guard-report/v1', exitCode: 0 });
      expect(fake.flowLogs('us-east-1').filter((f) => f.ResourceId === vpc)).toEqual([
        expect.objectContaining({ TrafficType: 'ALL', LogGroupName: '/flowfix/vpc-flow-logs' }),
      ]);
    } finally {
      await server.close();
    }
  });
});
