#!/usr/bin/env node
// Entry point: everything lives in the compiled CLI so `--help` and `rollback` stay fast.
import { main } from '../dist/src/cli/main.js';

process.exitCode = await main(process.argv);
