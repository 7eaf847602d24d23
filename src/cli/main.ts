#!/usr/bin/env node
import { processIo } from '../io/io.js';
import { runCli } from './run.js';

// The SDK warns on every run under Node 20 about its 2027 support policy: noise for flowfix users.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';
process.exitCode = await runCli(process.argv.slice(2), processIo());
