#!/usr/bin/env node
// The `cloudplane` client CLI. The project runs TypeScript directly, so this
// registers tsx and hands over to src/cli/main.ts. This file is the CLI's one
// door to the process: its arguments, streams and environment.
import { register } from 'tsx/esm/api';

register();
// `cloudplane … | head` closes stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { run } = await import('../src/cli/main.ts');
const code = await run(process.argv.slice(2), {
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  // eslint-disable-next-line no-restricted-properties -- like src/config.ts for the server, the CLI's one reader of the environment
  env: process.env,
});
process.exitCode = code;
