import { readFileSync } from 'node:fs';

/**
 * The running version, read once from the repository's `package.json` (two levels above both
 * `src/health` and `dist/health`; the container image copies it too), so `/healthz`, `/readyz` and the
 * boot log name the release that `package.json` and CHANGELOG.md describe, with no second copy to forget.
 */
export const BFF_VERSION: string = (
  JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
).version;
