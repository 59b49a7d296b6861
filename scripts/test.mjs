#!/usr/bin/env node
// `npm test`: type-check once (the jest transform only transpiles), then run the whole jest suite.
// Extra arguments are passed to jest (`npm test -- test/auth`).
import { spawnSync } from 'node:child_process';

const args = process.argv.slice(2);
const run = (cmd, cmdArgs, env = process.env) =>
  spawnSync(cmd, cmdArgs, { stdio: 'inherit', env }).status ?? 1;

if (!process.env.SKIP_TYPECHECK) {
  const status = run('npx', ['--no-install', 'tsc', '-p', 'tsconfig.json', '--noEmit']);
  if (status !== 0) {
    console.error(
      'Type check failed: fix the errors above (or set SKIP_TYPECHECK=1 to run the tests anyway).',
    );
    process.exit(status);
  }
}
const nodeOptions = [
  process.env.NODE_OPTIONS,
  '--experimental-vm-modules',
  '--disable-warning=ExperimentalWarning',
]
  .filter(Boolean)
  .join(' ');
process.exit(run('npx', ['--no-install', 'jest', ...args], { ...process.env, NODE_OPTIONS: nodeOptions }));
