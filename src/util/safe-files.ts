// Files named on the command line or found in the working directory are taken as what they are, not
// as what their name says. Reading: only a regular file is opened (a FIFO blocks the open until someone
// writes, a device never ends), non-blocking so a file swapped for a FIFO after the check cannot hang,
// and never more than a cap. Writing: a new file beside the target, created exclusively (O_EXCL, which
// also refuses to follow a link planted at that name) with mode 0600, then renamed over the target; a
// rename replaces a symlink at the target instead of writing through it.
import { randomBytes } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { lstat, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { userInfo } from 'node:os';
import path from 'node:path';

export type FileRead = { text: string } | { missing: true } | { problem: string; tooLarge?: true };

const CHUNK_BYTES = 1024 * 1024;
/** The sticky bit (S_ISVTX), which node's fs.constants does not export. */
const STICKY = 0o1000;

const errorText = (err: unknown): string => (err as NodeJS.ErrnoException).code ?? (err as Error).message;

/** "a FIFO (named pipe)", "a directory": what a path is when it is not a regular file. */
export function describeKind(info: Stats): string {
  if (info.isDirectory()) return 'a directory';
  if (info.isFIFO()) return 'a FIFO (named pipe)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/** Everything an open file holds, or undefined past `maxBytes`: its size can change after a stat, so read in chunks and stop past the cap. */
export async function readCapped(handle: FileHandle, maxBytes: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for (;;) {
    const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(CHUNK_BYTES), 0, CHUNK_BYTES, null);
    if (bytesRead === 0) break;
    total += bytesRead;
    if (total > maxBytes) return undefined;
    chunks.push(buffer.subarray(0, bytesRead));
  }
  return Buffer.concat(chunks, total);
}

const MIB = 1024 * 1024;
const sizeText = (bytes: number) => (bytes % MIB === 0 ? `${bytes / MIB} MiB` : `${bytes} bytes`);

/** A regular file's text (UTF-8), at most `maxBytes`; a missing file is `{ missing }`, anything else a problem in words. */
export async function readRegularFile(file: string, maxBytes: number): Promise<FileRead> {
  let info: Stats;
  try {
    info = await stat(file); // a link to a regular file is fine to read: its target is checked
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? { missing: true } : { problem: `cannot read it (${errorText(err)})` };
  }
  if (!info.isFile()) return { problem: `it is ${describeKind(info)}, not a regular file` };
  const tooLarge = { problem: `it is larger than ${sizeText(maxBytes)}, the most flowfix reads from it`, tooLarge: true } as const;
  if (info.size > maxBytes) return tooLarge;
  let handle;
  try {
    // O_NONBLOCK: if the file was swapped for a FIFO since the stat, the open does not wait for a writer.
    handle = await open(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    return { problem: `cannot read it (${errorText(err)})` };
  }
  try {
    const opened = await handle.stat();
    if (!opened.isFile()) return { problem: `it is ${describeKind(opened)}, not a regular file` };
    const bytes = await readCapped(handle, maxBytes);
    return bytes ? { text: bytes.toString('utf8') } : tooLarge;
  } catch (err) {
    return { problem: `cannot read it (${errorText(err)})` };
  } finally {
    await handle.close();
  }
}

/**
 * Why `dir` must not hold flowfix's files, or undefined when it may. Someone else who may write in it
 * (its group, everyone, or its owner when that is another user) could replace a plan between flowfix
 * writing it and `flowfix apply` reading it. A sticky directory (like /tmp) is accepted: there others
 * may add files but cannot rename, replace or delete ours.
 */
export async function unsafeDirectory(dir: string): Promise<string | undefined> {
  let info: Stats;
  try {
    info = await stat(dir);
  } catch (err) {
    return `cannot use directory ${dir} (${errorText(err)})`;
  }
  if (!info.isDirectory()) return `${dir} is ${describeKind(info)}, not a directory`;
  if ((info.mode & STICKY) !== 0) return undefined;
  if ((info.mode & 0o022) !== 0) return `directory ${dir} is writable by ${info.mode & 0o002 ? 'everyone' : 'its group'}, who could replace the plan`;
  const uid = currentUid();
  if (uid !== undefined && info.uid !== uid) return `directory ${dir} belongs to another user (uid ${info.uid}), who could replace the plan`;
  return undefined;
}

/**
 * Writes `text` to `target` (mode 0600) without following a link planted there: a new temporary file in
 * the same directory, created exclusively and never through a link, then renamed over the target. The
 * directory must pass `unsafeDirectory`; a directory at the target is refused.
 */
export async function writeFileSafely(target: string, text: string): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const problem = await unsafeDirectory(dir);
  if (problem) throw new Error(problem);
  const existing = await lstat(target).catch(() => undefined);
  if (existing?.isDirectory()) throw new Error(`${target} is a directory`);
  const temporary = path.join(dir, `.${path.basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  const handle = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  try {
    await handle.writeFile(text);
    await handle.sync();
  } catch (err) {
    await handle.close();
    await unlink(temporary).catch(() => {});
    throw err;
  }
  await handle.close();
  try {
    await rename(temporary, target);
  } catch (err) {
    await unlink(temporary).catch(() => {});
    throw err;
  }
}

/** The user flowfix runs as; undefined where there is no such id (Windows) or no passwd entry for it. */
function currentUid(): number | undefined {
  try {
    const { uid } = userInfo();
    return uid >= 0 ? uid : undefined;
  } catch {
    return undefined;
  }
}
