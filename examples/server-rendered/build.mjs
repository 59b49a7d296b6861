#!/usr/bin/env node
// Builds the server-rendered example into dist/example/: main.js (the app) and dev-front.js (npm start's
// one-origin front), bundled by esbuild with the packages left to node_modules, and the views beside them.
import { build } from 'esbuild';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', '..', 'dist', 'example');
rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: [join(here, 'main.ts'), join(here, 'dev-front.ts')],
  outdir: out,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
});
cpSync(join(here, 'views'), join(out, 'views'), { recursive: true });
