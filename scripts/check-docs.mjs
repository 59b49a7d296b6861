#!/usr/bin/env node
// The repository stands alone: every requirement id the code cites (SES-16, SU-7, ...) is defined in
// docs/security.md, every `docs/<page>.md#<section>` cited names a page and a heading that exist, and no
// comment points at a design document the repository does not contain.
// Run by `npm run lint`; `--root <dir>` checks another tree (the spec uses it). Exit 1 lists every problem.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Trees whose files may cite requirement ids. */
const CITING_DIRS = ['src', 'tenant', 'web', 'test', 'scripts', 'bench', 'examples'];
const SOURCE_FILE = /\.(ts|mts|js|mjs|cjs|html|css|md|ya?ml)$/;
const SKIPPED_DIRS = new Set(['node_modules', 'dist', 'coverage', 'test-results', '.git', '.data']);
/** Names of the form WORD-n that are not requirement ids. */
const NOT_REQUIREMENTS = new Set(['AES', 'SHA', 'UTF', 'ISO', 'RSA', 'HMAC', 'TLS', 'ECDSA']);

// Spelled in two parts so this file does not match itself.
const EXTERNAL_DESIGN_REFERENCE = new RegExp(['\\b(?:DESIGN|STYLE)', ' §'].join(''));
const REQUIREMENT_ID = /\b([A-Z]{2,5})-(\d{1,3})\b/g;
/** A definition in docs/security.md: a list item starting with the bold id. */
const DEFINITION = /^- \*\*([A-Z]{2,5}-\d{1,3})\*\*/gm;

const DOCS_LINK = /\bdocs\/([a-z0-9-]+\.md)(?:#([a-z0-9-]+))?/g;
const HEADING = /^#{1,6} +(.+?) *$/gm;

/** GitHub's anchor of a Markdown heading: lower case, punctuation dropped, spaces as hyphens. */
export function headingAnchor(heading) {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

/** The anchors of a Markdown page's headings. */
export function anchorsOf(markdown) {
  return new Set([...markdown.matchAll(HEADING)].map((m) => headingAnchor(m[1])));
}

/** Requirement ids cited in a text (other WORD-n names, such as SHA-256 or UTF-8, are left out). */
export function citedIds(text) {
  const ids = new Set();
  for (const [id, family] of text.matchAll(REQUIREMENT_ID)) {
    if (!NOT_REQUIREMENTS.has(family)) ids.add(id);
  }
  return ids;
}

/** Requirement ids docs/security.md defines. */
export function definedIds(securityMd) {
  return new Set([...securityMd.matchAll(DEFINITION)].map((m) => m[1]));
}

function* filesUnder(dir) {
  let entries;
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (SKIPPED_DIRS.has(name)) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* filesUnder(path);
    else if (SOURCE_FILE.test(name)) yield path;
  }
}

/** Every problem of the tree at `root`, as lines `file: message`. */
export function checkDocs(root) {
  const problems = [];
  let security = '';
  try {
    security = readFileSync(join(root, 'docs', 'security.md'), 'utf8');
  } catch {
    problems.push('docs/security.md: missing');
  }
  const defined = definedIds(security);
  const files = [
    ...CITING_DIRS.flatMap((dir) => [...filesUnder(join(root, dir))]),
    ...[...filesUnder(join(root, 'docs'))],
    ...readdirSync(root)
      .filter((name) => name.endsWith('.md'))
      .map((name) => join(root, name)),
  ];
  const pages = new Map();
  const anchorsOfPage = (page) => {
    if (!pages.has(page)) {
      let anchors;
      try {
        anchors = anchorsOf(readFileSync(join(root, 'docs', page), 'utf8'));
      } catch {
        anchors = undefined;
      }
      pages.set(page, anchors);
    }
    return pages.get(page);
  };
  for (const file of files) {
    const name = relative(root, file);
    const text = readFileSync(file, 'utf8');
    text.split('\n').forEach((line, index) => {
      const at = `${name}:${index + 1}`;
      if (EXTERNAL_DESIGN_REFERENCE.test(line)) {
        problems.push(`${at}: cites a design document outside the repository; cite docs/ instead`);
      }
      for (const [link, page, anchor] of line.matchAll(DOCS_LINK)) {
        const anchors = anchorsOfPage(page);
        if (anchors === undefined) problems.push(`${at}: cites ${link}, but docs/${page} does not exist`);
        else if (anchor !== undefined && !anchors.has(anchor)) {
          problems.push(`${at}: cites ${link}, but docs/${page} has no heading with that anchor`);
        }
      }
    });
    if (name === join('docs', 'security.md')) continue;
    for (const id of citedIds(text)) {
      if (!defined.has(id)) problems.push(`${name}: cites ${id}, which docs/security.md does not define`);
    }
  }
  return problems;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const rootFlag = process.argv.indexOf('--root');
  const root = rootFlag > 0 ? process.argv[rootFlag + 1] : join(fileURLToPath(import.meta.url), '..', '..');
  const problems = checkDocs(root);
  for (const problem of problems) console.error(problem);
  if (problems.length > 0) {
    console.error(`check-docs: ${problems.length} problem(s)`);
    process.exit(1);
  }
}
