// Reads one snapshot file without trusting the directory it came in (a snapshot may be someone else's
// upload): only regular files inside the snapshot are read, since a FIFO blocks forever, a device never
// ends, and a symlink out of the directory reads what the snapshot does not hold; and each file is capped.
import { constants } from 'node:fs';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';

import { describeKind, readCapped } from '../util/safe-files.js';
import { errorText, isErrorCode } from './snapshot-error.js';

/** Far above real captures (a describe-flow-logs of 50k flow logs is ~35 MB), far below memory trouble. */
export const MAX_SNAPSHOT_FILE_BYTES = 64 * 1024 * 1024;

export type BoundedRead = { bytes: Buffer } | { missing: true } | { problem: string };

/** `file` must be under `realRoot`, the snapshot directory with its links resolved (fs.realpath). */
export async function readBoundedFile(realRoot: string, file: string, maxBytes = MAX_SNAPSHOT_FILE_BYTES): Promise<BoundedRead> {
  let real: string;
  try {
    real = await realpath(file);
  } catch (error) {
    return isErrorCode(error, 'ENOENT') ? { missing: true } : { problem: `cannot read it (${errorText(error)})` };
  }
  const inside = path.relative(realRoot, real);
  if (inside.split(path.sep)[0] === '..' || path.isAbsolute(inside)) {
    return { problem: `is a link to ${real}, outside the snapshot directory; flowfix does not follow it` };
  }

  let handle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer. O_NOFOLLOW: `real` has no link left to follow.
    handle = await open(real, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
  } catch (error) {
    return { problem: `cannot read it (${errorText(error)})` };
  }
  try {
    const info = await handle.stat();
    if (info.isDirectory()) return { problem: 'cannot read it (EISDIR: a directory, not a file)' };
    if (!info.isFile()) return { problem: `is ${describeKind(info)}, not a regular file; flowfix reads only regular files` };
    const tooLarge = { problem: `is larger than ${maxBytes / 1024 / 1024} MiB, the most flowfix reads from one snapshot file` };
    if (info.size > maxBytes) return tooLarge;
    const bytes = await readCapped(handle, maxBytes);
    return bytes ? { bytes } : tooLarge;
  } catch (error) {
    return { problem: `cannot read it (${errorText(error)})` };
  } finally {
    await handle.close();
  }
}
