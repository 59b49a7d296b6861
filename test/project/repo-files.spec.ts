import { existsSync, readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

// The files a clone relies on beyond the code: CI on a public forge, the Node version, dependency updates,
// licence and changelog. Each says something checkable about this repository; these tests keep it true.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const pkg = JSON.parse(read('package.json')) as {
  version: string;
  license: string;
  engines: { node: string };
  scripts: Record<string, string>;
};

/** Parses YAML strictly: any syntax error or duplicate key fails the test with the parser's message. */
function yamlFile(path: string): Record<string, unknown> {
  const doc = parseDocument(read(path), { uniqueKeys: true });
  expect(doc.errors.map((e) => e.message)).toEqual([]);
  return doc.toJS() as Record<string, unknown>;
}

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
}
interface Job {
  'runs-on': string;
  container?: string | { image: string };
  steps: Step[];
}

describe('CI workflow (.github/workflows/ci.yml)', () => {
  const workflow = yamlFile('.github/workflows/ci.yml') as { on: unknown; jobs: Record<string, Job> };
  const jobs = Object.values(workflow.jobs);
  const runs = (job: Job) => job.steps.flatMap((s) => (s.run ? [s.run.trim()] : []));

  it('runs on pushes and pull requests', () => {
    expect(workflow.on).toMatchObject({ push: expect.anything(), pull_request: null });
  });

  it('has a job that runs .ci/run on Ubuntu with Node 20, caching ~/.npm', () => {
    const test = jobs.find((job) => runs(job).includes('.ci/run'));
    expect(test).toBeDefined();
    expect(test!['runs-on']).toMatch(/^ubuntu-/);
    const image = typeof test!.container === 'string' ? test!.container : test!.container?.image;
    expect(image).toMatch(/^node:20(-|$)/);
    expect(test!.steps).toContainEqual(
      expect.objectContaining({
        uses: expect.stringMatching(/^actions\/cache@/),
        with: expect.objectContaining({ path: '~/.npm' }),
      }),
    );
    expect(existsSync(new URL('../../.ci/run', import.meta.url))).toBe(true);
  });

  it('has another job for lint and format, each an npm script that exists', () => {
    const lint = jobs.find((job) => runs(job).includes('npm run lint'));
    expect(lint).toBeDefined();
    expect(runs(lint!)).toContain('npm run format:check');
    expect(runs(lint!)).not.toContain('.ci/run');
    for (const line of runs(lint!).filter((r) => r.startsWith('npm run ')))
      expect(pkg.scripts[line.split(' ')[2]]).toBeDefined();
    expect(pkg.scripts['format:check']).toBe('prettier --check .');
    expect(lint!.steps).toContainEqual(
      expect.objectContaining({
        uses: expect.stringMatching(/^actions\/setup-node@/),
        with: expect.objectContaining({ 'node-version-file': '.nvmrc', cache: 'npm' }),
      }),
    );
  });
});

describe('Node version', () => {
  it('.nvmrc names the major version that engines.node starts from', () => {
    const nvmrc = read('.nvmrc').trim();
    const floor = /^>=\s*(\d+)(?:\.(\d+))?/.exec(pkg.engines.node);
    expect(floor).not.toBeNull();
    expect(nvmrc).toBe(floor![1]);
  });
});

describe('dependency updates (.github/dependabot.yml)', () => {
  const config = yamlFile('.github/dependabot.yml') as {
    updates: Array<{ 'package-ecosystem': string; groups?: Record<string, { patterns: string[] }> }>;
  };
  const npm = config.updates.find((u) => u['package-ecosystem'] === 'npm');

  it.each([
    ['nest', ['@nestjs/*']],
    ['openid', ['openid-client', 'oidc-provider', 'jose']],
    ['test-tooling', ['jest', '@swc/*', 'playwright-core']],
  ])('groups the %s updates', (group, patterns) => {
    expect(npm?.groups?.[group]?.patterns).toEqual(expect.arrayContaining(patterns));
  });
});

describe('licence and changelog', () => {
  it('LICENSE is the MIT licence that package.json names', () => {
    expect(pkg.license).toBe('MIT');
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) 2026 The myaccount-bff authors\n/);
  });

  it('CHANGELOG.md has an Unreleased section and an entry for the version in package.json', () => {
    const changelog = read('CHANGELOG.md');
    expect(changelog).toMatch(/^## \[Unreleased\]$/m);
    expect(changelog).toMatch(
      new RegExp(`^## \\[${pkg.version.replace(/\./g, '\\.')}\\] - \\d{4}-\\d{2}-\\d{2}$`, 'm'),
    );
  });
});
