// A snapshot may come from someone else: files that are not regular files inside the directory, or are
// too large, are refused with one line instead of hanging, leaking another file or exhausting memory.
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, realpath, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { DEFAULT_SETTINGS } from '../../src/config/settings.js';
import { collectInventory } from '../../src/inventory/collect-inventory.js';
import { readRegion, readRegions } from '../../src/inventory/types.js';
import { MAX_SNAPSHOT_FILE_BYTES, readBoundedFile } from '../../src/snapshot/bounded-read.js';
import { openSnapshot } from '../../src/snapshot/snapshot-clients.js';
import { SnapshotError } from '../../src/snapshot/snapshot-error.js';

const ESTATE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../examples/estate');
const VPCS = 'regions/us-east-1/ec2-describe-vpcs.json';

let tmp: string;
beforeAll(async () => {
  // Resolved: on some systems the temp directory itself is behind a link (/tmp -> /private/tmp).
  tmp = await realpath(await mkdtemp(path.join(os.tmpdir(), 'flowfix-bounded-')));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function copyOfEstate(name: string): Promise<string> {
  const dir = path.join(tmp, name);
  await cp(ESTATE, dir, { recursive: true });
  return dir;
}

async function loadError(dir: string): Promise<SnapshotError> {
  const error = await openSnapshot(dir, DEFAULT_SETTINGS).then(
    (clients) => collectInventory(clients, DEFAULT_SETTINGS),
    (err: unknown) => err,
  );
  if (error instanceof SnapshotError) return error;
  throw new Error(`expected a SnapshotError, got ${String(error)}`);
}

describe('snapshot files are read only when they are regular files inside the snapshot, within the cap', () => {
  const posixOnly = process.platform === 'win32' ? test.skip : test;

  posixOnly('GIVEN a FIFO in place of a file THEN it is refused at once, without waiting for a writer', async () => {
    const dir = await copyOfEstate('fifo');
    await rm(path.join(dir, VPCS));
    execFileSync('mkfifo', [path.join(dir, VPCS)]);

    const error = await loadError(dir);

    expect(error.message).toContain(`${path.join(dir, VPCS)}: is a FIFO (named pipe), not a regular file`);
    expect(error.message).toContain('regenerate it with `aws ec2 describe-vpcs --region us-east-1 --output json');
    expect(error.message).not.toContain('\n');
  });

  posixOnly('GIVEN a symlink to a file outside the snapshot THEN it is not followed', async () => {
    const dir = await copyOfEstate('escape');
    const outside = path.join(tmp, 'secret.json');
    await writeFile(outside, '{"Account": "123456789012", "Arn": "arn:aws:iam::123456789012:user/x"}');
    await rm(path.join(dir, 'sts-get-caller-identity.json'));
    await symlink(outside, path.join(dir, 'sts-get-caller-identity.json'));

    const error = await loadError(dir);

    expect(error.message).toContain(`${path.join(dir, 'sts-get-caller-identity.json')}: is a link to ${outside}, outside the snapshot directory`);
    expect(error.message).not.toContain('\n');
  });

  posixOnly('GIVEN a symlink to a device THEN it is not read', async () => {
    const dir = await copyOfEstate('device');
    await rm(path.join(dir, VPCS));
    await symlink('/dev/zero', path.join(dir, VPCS));

    const error = await loadError(dir);

    expect(error.message).toContain(`${path.join(dir, VPCS)}: is a link to /dev/zero, outside the snapshot directory`);
  });

  posixOnly('GIVEN a symlink that stays inside the snapshot THEN it is read', async () => {
    const dir = await copyOfEstate('inside');
    const euVpcs = path.join(dir, 'regions/eu-west-1/ec2-describe-vpcs.json');
    await rm(euVpcs);
    await symlink('../us-east-1/ec2-describe-vpcs.json', euVpcs);

    const inventory = await collectInventory(await openSnapshot(dir, DEFAULT_SETTINGS), DEFAULT_SETTINGS);

    expect(readRegions(inventory).map((region) => region.vpcs.length)).toEqual([6, 6]);
  });

  test('GIVEN a file over the cap THEN it is refused before it is read', async () => {
    const dir = await copyOfEstate('huge');
    await truncate(path.join(dir, VPCS), MAX_SNAPSHOT_FILE_BYTES + 1); // sparse: no 64 MiB written

    const error = await loadError(dir);

    expect(error.message).toContain(`${path.join(dir, VPCS)}: is larger than 64 MiB, the most flowfix reads from one snapshot file`);
    expect(error.message).not.toContain('\n');
  });

  test('GIVEN 200k VPCs THEN all are read, and 200k broken ones give one short line', async () => {
    const dir = await copyOfEstate('many');
    const vpcs = Array.from({ length: 200_000 }, (_, i) => ({ VpcId: `vpc-${i}`, OwnerId: '123456789012', IsDefault: false }));
    await writeFile(path.join(dir, VPCS), JSON.stringify({ Vpcs: vpcs }));

    const inventory = await collectInventory(await openSnapshot(dir, DEFAULT_SETTINGS), DEFAULT_SETTINGS);
    expect(readRegion(inventory, 'us-east-1')?.vpcs).toHaveLength(200_000);

    await writeFile(path.join(dir, VPCS), JSON.stringify({ Vpcs: vpcs.map(({ VpcId }) => ({ VpcId })) }));
    const error = await loadError(dir);
    expect(error.message).toContain('Vpcs[0].OwnerId: expected string, but it is missing; Vpcs[1].OwnerId');
    expect(error.message).toContain('; and 199992 more — regenerate it with');
    expect(error.message.length).toBeLessThan(1000);
  });

  test('GIVEN a file exactly at the cap THEN it is read in full', async () => {
    const file = path.join(tmp, 'at-cap.json');
    await writeFile(file, 'x'.repeat(3000));

    const read = await readBoundedFile(tmp, file, 3000);

    expect('bytes' in read && read.bytes.length).toBe(3000);
    expect(await readBoundedFile(tmp, file, 2999)).toEqual({ problem: expect.stringContaining('is larger than') });
  });
});
