#!/usr/bin/env node
// The only module that touches `process`: argv, the terminal, the exit code, and Ctrl-C.

// --debug prints stack traces: map the bundle's minified frames back to src/*.ts (the maps ship beside
// the chunks, see scripts/bundle.mjs). Node maps only modules loaded after this, so the rest of the CLI
// is imported below it.
if (process.argv.includes('--debug')) process.setSourceMapsEnabled(true);
const { processIo } = await import('../io/io.js');
const { runCli } = await import('./run.js');

// The SDK warns on every run under Node 20 about its 2027 support policy: noise for flowfix users.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

// A reader that stops early (`flowfix plan | head`) closes the pipe: what it did not read has no one to read
// it. The rest is dropped quietly (a closed stream ignores later writes) and the command finishes, so its exit
// code still says what it found and an `apply --yes` is never cut off between two writes.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
}

// First Ctrl-C: reads in flight are abandoned at once, a change in flight finishes, nothing more
// starts, the command reports and exits 130. A second one stops at once.
const interrupt = new AbortController();
process.on('SIGINT', () => {
  if (interrupt.signal.aborted) process.exit(130);
  process.stderr.write('\nInterrupted: stopping (a change already sent is let finish), starting nothing more…\n');
  interrupt.abort();
});

process.exitCode = await runCli(process.argv.slice(2), processIo(), { signal: interrupt.signal });
