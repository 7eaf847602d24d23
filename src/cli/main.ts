#!/usr/bin/env node
import { processIo } from '../io/io.js';
import { runCli } from './run.js';

process.exitCode = await runCli(process.argv.slice(2), processIo());
