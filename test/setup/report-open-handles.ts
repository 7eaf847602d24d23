// globalTeardown: the run is over. If something a test started still holds the process 10 s later (a
// socket, a server, a timer, a child process), say what on stderr, so a run that does not exit names
// its cause: jest's --detectOpenHandles sees only what it watched being created inside a test file.
// The timer is unref'd: when nothing else holds the process, it exits at once and this never prints.

const GRACE_MS = 10_000;

function describeHandle(handle: unknown): string {
  const h = handle as {
    constructor?: { name?: string };
    _idleTimeout?: number;
    _onTimeout?: unknown;
    spawnargs?: string[];
    address?: () => unknown;
    remoteAddress?: string;
    remotePort?: number;
  };
  const kind = h.constructor?.name ?? 'unknown';
  if (kind === 'Timeout') return `Timeout of ${h._idleTimeout} ms: ${String(h._onTimeout).slice(0, 200).replace(/\s+/g, ' ')}`;
  if (kind === 'ChildProcess') return `ChildProcess ${JSON.stringify(h.spawnargs)}`;
  if (kind === 'Socket' || kind === 'Server') {
    const remote = h.remoteAddress ? ` to ${h.remoteAddress}:${h.remotePort}` : '';
    return `${kind} ${JSON.stringify(h.address?.() ?? null)}${remote}`;
  }
  return kind;
}

export default function reportOpenHandles(): void {
  setTimeout(() => {
    const proc = process as unknown as { _getActiveHandles(): unknown[] };
    const handles = proc._getActiveHandles().filter((h) => h !== process.stdin && h !== process.stdout && h !== process.stderr);
    process.stderr.write(
      `\njest has not exited ${GRACE_MS / 1000} s after the run: ${JSON.stringify(process.getActiveResourcesInfo())}\n${handles.map((h) => `  ${describeHandle(h)}\n`).join('')}`,
    );
  }, GRACE_MS).unref();
}
