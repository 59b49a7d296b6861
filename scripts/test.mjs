#!/usr/bin/env node
// `npm test`: type-check once (the jest transform only transpiles), then run the whole jest suite.
// Extra arguments are passed to jest (`npm test -- test/auth`).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const args = process.argv.slice(2);

// Prerequisites first: one line naming what is missing and how to get it, instead of a screen of failing
// suites. The browser tests need Chromium (CHROMIUM_PATH, default /usr/bin/chromium); every e2e suite
// starts its own redis-server.
const missing = [];
if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) missing.push('redis-server');
if (!existsSync(process.env.CHROMIUM_PATH ?? '/usr/bin/chromium')) missing.push('chromium');
if (missing.length > 0) {
  const orPath = missing.includes('chromium') ? ', or set CHROMIUM_PATH to a Chromium binary' : '';
  console.error(
    `npm test needs ${missing.join(' and ')}: install with \`sudo apt-get install ${missing.join(' ')}\` (Debian/Ubuntu)${orPath}.`,
  );
  process.exit(1);
}
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
