// Node module hooks (https://nodejs.org/api/module.html#customization-hooks) that run the BFF's
// TypeScript sources as an OS process without a build: `.js` specifiers resolve to the `.ts` file beside
// them, and `.ts` files are transpiled by @swc/core with the same options as jest.config.json (legacy
// decorators with metadata, which Nest's dependency injection reads).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transform } from '@swc/core';

const SWC_OPTIONS = {
  jsc: {
    parser: { syntax: 'typescript', decorators: true },
    transform: { legacyDecorator: true, decoratorMetadata: true },
    target: 'es2023',
  },
  module: { type: 'es6' },
  sourceMaps: 'inline',
};

export async function resolve(specifier, context, nextResolve) {
  const relative = specifier.startsWith('./') || specifier.startsWith('../');
  if (relative && specifier.endsWith('.js') && context.parentURL?.endsWith('.ts')) {
    const candidate = new URL(specifier.replace(/\.js$/, '.ts'), context.parentURL);
    if (existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
  }
  return nextResolve(specifier, context);
}

// Transpiled files are cached by content, so several processes started together transpile once.
const CACHE = join(tmpdir(), 'bff-swc-cache');
mkdirSync(CACHE, { recursive: true });

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return nextLoad(url, context);
  const filename = fileURLToPath(url);
  const source = await readFile(filename, 'utf8');
  const cached = join(CACHE, createHash('sha256').update(`${filename}\n${source}`).digest('hex') + '.js');
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined) return { format: 'module', source: hit, shortCircuit: true };
  const { code } = await transform(source, { ...SWC_OPTIONS, filename });
  // Written under a private name, then renamed (atomic on one file system): a process starting at the
  // same moment reads either no file or a whole one, never a half-written one.
  const partial = `${cached}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  await writeFile(partial, code)
    .then(() => rename(partial, cached))
    .catch(() => undefined);
  return { format: 'module', source: code, shortCircuit: true };
}
