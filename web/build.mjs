#!/usr/bin/env node
// Builds the account page into web/dist/: index.html, one minified JS bundle and one CSS file, both with a
// content hash in their name (served with long-lived caching). Everything is same-origin and there is no inline
// script or style, so the page runs under a strict CSP. Usage: `node web/build.mjs [--out <dir>]` (default web/dist).
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const webDir = dirname(fileURLToPath(import.meta.url));
const outFlag = process.argv.indexOf('--out');
const outDir =
  outFlag > 0 && process.argv[outFlag + 1] ? resolve(process.argv[outFlag + 1]) : join(webDir, 'dist');

rmSync(outDir, { recursive: true, force: true });
mkdirSync(join(outDir, 'assets'), { recursive: true });

const result = await esbuild.build({
  absWorkingDir: webDir,
  entryPoints: { app: 'app/main.ts', styles: 'app/styles.css' },
  outdir: join(outDir, 'assets'),
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022', 'chrome109', 'firefox115', 'safari16'],
  legalComments: 'eof',
  metafile: true,
  logLevel: 'warning',
});

const outputs = Object.entries(result.metafile.outputs);
const assetOf = (entry) => {
  const found = outputs.find(([, o]) => o.entryPoint === entry);
  if (!found) throw new Error(`esbuild produced no output for ${entry}`);
  return '/' + relative(outDir, resolve(webDir, found[0])).split('\\').join('/');
};
const js = assetOf('app/main.ts');
const css = assetOf('app/styles.css');

const html = readFileSync(join(webDir, 'index.html'), 'utf8').replace('%JS%', js).replace('%CSS%', css);
writeFileSync(join(outDir, 'index.html'), html);

for (const file of [js, css]) {
  const bytes = readFileSync(join(outDir, file));
  process.stdout.write(
    `${relative(process.cwd(), outDir) || '.'}${file}  ${bytes.length} B (${gzipSync(bytes).length} B gzip)\n`,
  );
}
