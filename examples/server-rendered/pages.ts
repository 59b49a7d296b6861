import { Eta } from 'eta';
import { fileURLToPath } from 'node:url';

/** Beside this file in the sources and in the build (build.mjs copies them next to the bundle). */
const VIEWS = fileURLToPath(new URL('./views/', import.meta.url));

/**
 * The templates, with Eta's auto-escaping on: `<%= %>` HTML-escapes every value (names, emails, user agents
 * are user-controlled); the only raw output is the layout's `body`, itself rendered with escaping.
 */
const eta = new Eta({ views: VIEWS, autoEscape: true, cache: true });

export interface PageData {
  /** Where the app is mounted, e.g. `/example`. */
  basePath: string;
  [key: string]: unknown;
}

export function renderPage(view: string, data: PageData): string {
  return eta.render(view, data);
}

/** The notices a redirect may name (`?done=`): fixed texts, never the query's own words. */
export const NOTICES: Readonly<Record<string, string>> = {
  renamed: 'Name saved.',
  removed: 'Sign-in method removed.',
  'signed-out': 'That session is signed out.',
};

/** The notice named by `?done=`, if it is one of NOTICES (never inherited keys such as `constructor`). */
export const noticeFor = (done: unknown): string | undefined =>
  typeof done === 'string' && Object.hasOwn(NOTICES, done) ? NOTICES[done] : undefined;

/**
 * Headers of every page: personal data and the session's form token, so never cached; no script at all.
 * No `form-action`: browsers apply it to the whole redirect chain of a form post, and a step-up's chain
 * (303 to /auth/login, then the identity provider) must leave this origin.
 */
export const PAGE_HEADERS = {
  'Cache-Control': 'no-store',
  'Content-Security-Policy':
    "default-src 'none'; style-src 'self'; img-src 'self'; frame-ancestors 'none'; base-uri 'none'",
  'Referrer-Policy': 'same-origin',
  'X-Content-Type-Options': 'nosniff',
};
