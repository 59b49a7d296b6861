import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const require = createRequire(import.meta.url);

/** spa-js's own UMD build (global `auth0`), served to the page as `/spa.js`. */
export function spaJsBundle(): string {
  return readFileSync(require.resolve('@auth0/auth0-spa-js/dist/auth0-spa-js.production.js'), 'utf8');
}

/** The SPA: spa-js and nothing else; the test drives it through `page.evaluate`. */
export const SPA_PAGE = `<!DOCTYPE html><html><head><meta charset="utf-8"><title>SPA</title>
<script src="/spa.js"></script></head><body><p id="path"></p></body></html>`;

export interface SpaOptions {
  domain: string;
  clientId: string;
  useDpop: boolean;
  /** More Auth0Client options (e.g. `useRefreshTokens`, `useMrrt`); `authorizationParams` are merged. */
  extra?: { authorizationParams?: Record<string, unknown>; [option: string]: unknown };
}

/**
 * Creates (or re-creates after a navigation) `window.client`, an Auth0Client with redirect_uri
 * `<origin>/callback`; its cache lives in memory (spa-js's default), so silent calls go to the iframe.
 */
export async function createSpaClient(page: Page, options: SpaOptions): Promise<void> {
  await page.evaluate(async (o) => {
    const w = window as unknown as {
      auth0: { Auth0Client: new (options: unknown) => unknown };
      client?: unknown;
    };
    w.client = new w.auth0.Auth0Client({
      ...o.extra,
      domain: o.domain,
      clientId: o.clientId,
      useDpop: o.useDpop,
      authorizationParams: { ...o.extra?.authorizationParams, redirect_uri: `${location.origin}/callback` },
    });
  }, options);
}

/** Runs `fn(client)` in the page and returns its (JSON) result; errors come back as `{ error, message }`. */
export async function inSpa<T>(page: Page, fn: string, arg?: unknown): Promise<T> {
  return page.evaluate(
    async ({ body, value }) => {
      const client = (window as unknown as Record<string, unknown>).client;
      try {
        // The step is test code (a string, so it runs in the page): spa-js's calls as an app would write them.
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        return await new Function('client', 'arg', `return (async () => { ${body} })()`)(client, value);
      } catch (err) {
        const e = err as { error?: string; message?: string; name?: string };
        return { thrown: true, error: e.error ?? e.name, message: e.message };
      }
    },
    { body: fn, value: arg },
  ) as Promise<T>;
}
