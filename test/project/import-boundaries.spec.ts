import { ESLint } from 'eslint';
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// The feature boundaries of src/ (docs/architecture.md#import-boundaries), as `npm run lint` enforces them:
// a temporary file in each folder imports what that folder must not, and ESLint (the repository's own
// eslint.config.js) must refuse it; the same import from a folder without that boundary passes.

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/** The repository's config, only `no-restricted-imports`, without the type-aware parser (not needed here). */
const eslint = new ESLint({
  cwd: REPO,
  ruleFilter: ({ ruleId }) => ruleId === 'no-restricted-imports',
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
});

/** Writes `code` to a temporary file in `folder` (under src/), lints it, removes it; the rule's messages. */
async function importErrors(folder: string, code: string): Promise<string[]> {
  const path = `${REPO}src/${folder}/zz-boundary-probe-${process.pid}.ts`;
  writeFileSync(path, code);
  try {
    const [result] = await eslint.lintFiles([path]);
    return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
  } finally {
    rmSync(path, { force: true });
  }
}

const CASES: [string, string, string, RegExp][] = [
  [
    'step-up',
    'my-account',
    "import { GatewayError } from '../my-account/gateway-error.js';\nexport const probe = GatewayError;\n",
    /src\/step-up\/ never imports src\/my-account\//,
  ],
  [
    'my-account',
    'auth',
    "import { Public } from '../auth/public.decorator.js';\nexport const probe = Public;\n",
    /src\/my-account\/ never imports src\/auth\//,
  ],
  [
    'oidc',
    'session',
    "import type { ReplayCache } from '../session/replay-cache.js';\nexport type Probe = ReplayCache;\n",
    /src\/oidc\/ never imports src\/session\//,
  ],
];

describe('import boundaries of src/ (eslint no-restricted-imports)', () => {
  it.each(CASES)('src/%s/ may not import src/%s/', async (folder, _other, code, message) => {
    const errors = await importErrors(folder, code);
    expect(errors).toEqual([expect.stringMatching(message)]);
    expect(errors[0]).toMatch(/^no-restricted-imports: /);
  });

  it.each(CASES)('the import of src/%s/ is allowed elsewhere (src/http/)', async (_folder, _other, code) => {
    expect(await importErrors('http', code)).toEqual([]);
  });
});

// One Redis adapter (docs/architecture.md#the-redis-keyspace): ioredis and the raw client stay in
// src/session/; every other feature injects RedisAdapter.
const REDIS_IMPORTS: [string, string, RegExp][] = [
  [
    'ioredis',
    "import { Redis } from 'ioredis';\nexport const probe = Redis;\n",
    /ioredis is imported only in src\/session\//,
  ],
  [
    'REDIS_CLIENT',
    "import { REDIS_CLIENT } from '../session/redis.factory.js';\nexport const probe = REDIS_CLIENT;\n",
    /The Redis client \(REDIS_CLIENT\) is used only in src\/session\//,
  ],
];
const FEATURES = [
  'auth',
  'connected-accounts',
  'embedded-login',
  'health',
  'rate-limit',
  'my-account',
  'oidc',
];

describe('Redis behind the store adapter (eslint no-restricted-imports)', () => {
  it.each(
    FEATURES.flatMap((folder) => REDIS_IMPORTS.map(([what, code, message]) => [folder, what, code, message])),
  )('src/%s/ may not import %s', async (folder, _what, code, message) => {
    const errors = await importErrors(folder as string, code as string);
    expect(errors).toContainEqual(expect.stringMatching(message as RegExp));
  });

  it.each(REDIS_IMPORTS)('src/session/ may import %s', async (_what, code) => {
    const probe = code.replace('../session/redis.factory.js', './redis.factory.js');
    expect(await importErrors('session', probe)).toEqual([]);
  });

  it('the adapter itself is open to every feature', async () => {
    const code =
      "import { RedisAdapter } from '../session/redis.adapter.js';\nexport const probe = RedisAdapter;\n";
    expect(await importErrors('health', code)).toEqual([]);
  });
});
