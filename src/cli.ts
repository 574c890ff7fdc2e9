#!/usr/bin/env node
import { main } from './cli/program.js';

const exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  stdin: process.stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  env: process.env,
});
process.exitCode = exitCode;
