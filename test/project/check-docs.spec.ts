import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// scripts/check-docs.mjs, run as `npm run lint` runs it, on small trees and on this repository.

const SCRIPT = fileURLToPath(new URL('../../scripts/check-docs.mjs', import.meta.url));
const REPO = fileURLToPath(new URL('../..', import.meta.url));
const OUTSIDE_REFERENCE = ['DESIGN', '§5'].join(' ');
/** A path under docs/, spelled so this file's own text cites no page. */
const inDocs = (page: string) => ['docs', page].join('/');

function check(root: string) {
  const run = spawnSync(process.execPath, [SCRIPT, '--root', root], { encoding: 'utf8' });
  return { status: run.status, problems: run.stderr };
}

describe('scripts/check-docs.mjs', () => {
  let root: string;
  const write = (path: string, text: string) => {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  };

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'check-docs-'));
    write(
      'docs/security.md',
      '# Security\n\n- **SES-16** — a store error is a 503.\n- **SU-7** — loop guard.\n',
    );
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes when every cited id is defined; SHA-256, UTF-8 and AES-256 are not requirement ids', () => {
    write(
      'src/a.ts',
      '// SES-16 and SU-7: hashed with SHA-256 over UTF-8, sealed with AES-256-GCM.\nexport {};\n',
    );
    expect(check(root)).toEqual({ status: 0, problems: '' });
  });

  it('names an id cited under src/, test/ or web/ that docs/security.md does not define', () => {
    write('src/a.ts', '/** RT-3 (single flight). */\n');
    write('test/b.spec.ts', "it('DP-1: typ', () => {});\n");
    write('web/c.ts', '// SES-16\n');
    const { status, problems } = check(root);
    expect(status).toBe(1);
    expect(problems).toContain('src/a.ts: cites RT-3');
    expect(problems).toContain('test/b.spec.ts: cites DP-1');
    expect(problems).not.toContain('web/c.ts');
  });

  it('names each line that points at a design document outside the repository', () => {
    write('src/a.ts', `// fine\n// see ${OUTSIDE_REFERENCE}\n`);
    write('README.md', `Routes (${OUTSIDE_REFERENCE}).\n`);
    const { status, problems } = check(root);
    expect(status).toBe(1);
    expect(problems).toContain('src/a.ts:2: cites a design document outside the repository');
    expect(problems).toContain('README.md:1: cites a design document outside the repository');
  });

  it('treats a style-guide section reference like a design one', () => {
    write('src/a.ts', `// one adapter (${['STYLE', '§3'].join(' ')})\n`);
    const { status, problems } = check(root);
    expect(status).toBe(1);
    expect(problems).toContain('src/a.ts:1: cites a design document outside the repository');
  });

  it('counts only list items starting with a bold id as definitions', () => {
    write('docs/security.md', '# Security\n\nSES-16 is mentioned in prose only.\n');
    write('src/a.ts', '// SES-16\n');
    expect(check(root).problems).toContain('src/a.ts: cites SES-16');
  });

  it('names a docs/ citation whose page or heading does not exist', () => {
    write('docs/architecture.md', '# Architecture\n\n## The My Account proxy\n\n### Step-up (RFC 9470)\n');
    const lines = ['#the-my-account-proxy', '#step-up-rfc-9470', '#the-proxy'].map(
      (a) => `architecture.md${a}`,
    );
    write('src/a.ts', [...lines, 'missing.md'].map((page) => `// ${inDocs(page)}`).join('\n'));
    const { status, problems } = check(root);
    expect(status).toBe(1);
    expect(problems).not.toContain('src/a.ts:1');
    expect(problems).not.toContain('src/a.ts:2');
    expect(problems).toContain(
      `src/a.ts:3: cites ${inDocs('architecture.md#the-proxy')}, but ${inDocs('architecture.md')} has no heading`,
    );
    expect(problems).toContain(
      `src/a.ts:4: cites ${inDocs('missing.md')}, but ${inDocs('missing.md')} does not exist`,
    );
  });

  it('skips node_modules and build output', () => {
    write('src/node_modules/x/index.js', '// RT-3\n');
    write('web/dist/app.js', '// RT-3\n');
    expect(check(root).status).toBe(0);
  });

  it('finds nothing to report in this repository', () => {
    expect(check(REPO)).toEqual({ status: 0, problems: '' });
  });
});
