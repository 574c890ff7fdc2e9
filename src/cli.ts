#!/usr/bin/env node
import { main } from './cli/program.js';

// AWS SDK for JavaScript v3 warns on Node.js 20 that its releases after January 2027 need Node.js 22.
// That notice concerns upgrading the SDK (see the README), not running this tool, and it would
// otherwise open every run's output. Set the variable to "false" to see it.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

const exitCode = await main(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  stderrIsTTY: process.stderr.isTTY === true,
  stdin: process.stdin,
  stdinIsTTY: process.stdin.isTTY === true,
  env: process.env,
});
process.exitCode = exitCode;
