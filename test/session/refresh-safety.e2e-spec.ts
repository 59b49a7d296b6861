import { decodeJwt } from 'jose';
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { IdpUnavailable } from '../../src/http/bff-error.js';
import type { OidcFetch } from '../../src/oidc/oidc-fetch.js';
import { AccessTokens } from '../../src/session/access-tokens.service.js';
import { SessionService } from '../../src/session/session.service.js';
import type { SessionUser } from '../../src/session/session.types.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { scrape } from '../support/metrics-scrape.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

const TIMEOUT_MS = 1000;
const AT_LIFETIME = 20;
const sidOf = (cookie: string) => decodeURIComponent(cookie).slice(2).split('.')[0];

/**
 * The BFF's network seam towards the tenant. `freeze()`: refresh requests still reach the tenant (which
 * rotates the refresh token) but their answers are held back until `thaw()`, as when the tenant or the
 * network stalls past the BFF's timeout. `stripExpiresIn`: token answers lose `expires_in`.
 */
function tokenSeam() {
  let frozen: Promise<void> | undefined;
  const releases: Array<() => void> = [];
  const seam = {
    refreshes: 0,
    heldAnswers: 0,
    stripExpiresIn: false,
    /** Refresh tokens the tenant issued, in order. */
    issuedRefreshTokens: [] as string[],
    freeze() {
      frozen = new Promise((resolve) => releases.push(resolve));
    },
    /** New requests pass; answers already held stay held. */
    answerNewRequests() {
      frozen = undefined;
    },
    thaw() {
      frozen = undefined;
      for (const release of releases.splice(0)) release();
    },
    fetch: (async (input, init) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!/\/oauth\/token$/.test(url)) return globalThis.fetch(input, init);
      const isRefresh = new URLSearchParams(String(init?.body ?? '')).get('grant_type') === 'refresh_token';
      const held = isRefresh ? frozen : undefined;
      if (isRefresh) seam.refreshes += 1;
      // The tenant executes the request now, whatever happens to its answer.
      const response = await globalThis.fetch(input, { ...init, signal: undefined });
      const body = (await response.json()) as Record<string, unknown>;
      if (typeof body.refresh_token === 'string') seam.issuedRefreshTokens.push(body.refresh_token);
      if (seam.stripExpiresIn) delete body.expires_in;
      if (held) {
        seam.heldAnswers += 1;
        await held;
        if (init?.signal?.aborted) throw init.signal.reason;
      }
      return Response.json(body, { status: response.status, headers: { 'cache-control': 'no-store' } });
    }) as OidcFetch,
  };
  return seam;
}

async function waitFor(check: () => Promise<boolean>, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const seam = tokenSeam();
const stackOptions: TestStackOptions = {
  tenant: { configure: (c) => void (c.my_account_api.access_token_lifetime = AT_LIFETIME) },
  bff: { oidcFetch: seam.fetch, configure: (c) => void (c.oidc = { ...c.oidc, timeoutMs: TIMEOUT_MS }) },
};

describeWithStack(
  'refresh safety: a slow tenant, short-lived tokens, no expires_in',
  stackOptions,
  (stack) => {
    afterAll(async () => {
      seam.thaw();
    });
    afterEach(() => {
      seam.thaw();
      seam.stripExpiresIn = false;
    });

    async function signedIn() {
      const client = new CookieClient();
      expect((await loginThroughBff(client, stack.bff.url)).status).toBe(302);
      const sid = sidOf(client.cookies(stack.bff.url)['__Host-bff']);
      const user = (await stack.bff.app.get(SessionService).peek(sid))?.user as SessionUser;
      return { client, sid, user };
    }

    const tokensOf = async (sid: string) => (await stack.bff.app.get(SessionService).readTokens(sid))!;

    /** Makes the stored access token look expired (keeps everything else). */
    async function expire(sid: string) {
      const current = await tokensOf(sid);
      const past = Math.floor(Date.now() / 1000) - 1;
      await stack.bff.app
        .get(SessionService)
        .writeTokens(
          sid,
          { ...current.tokens, expiresAt: past, issuedAt: past - AT_LIFETIME },
          current.version,
        );
    }

    const api = (client: CookieClient) =>
      client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });

    it('ships a tenant whose rotation overlap is longer than the BFF token-call timeout', () => {
      const tenantYaml = parse(readFileSync('config/tenant.yaml', 'utf8')) as {
        clients: Array<{ client_id: string; refresh_token: { leeway: number } }>;
      };
      const bffYaml = parse(readFileSync('config/default.yaml', 'utf8')) as { oidc: { timeoutMs: number } };
      const client = tenantYaml.clients.find((c) => c.client_id === 'myaccount-bff');
      expect(client!.refresh_token.leeway * 1000).toBeGreaterThan(bffYaml.oidc.timeoutMs);
    });

    it('a refresh answered after the timeout: 503 in time, then the late answer is kept; the session lives on', async () => {
      const { client, sid, user } = await signedIn();
      await expire(sid);
      const before = await tokensOf(sid);
      const tokens = stack.bff.app.get(AccessTokens);

      seam.freeze();
      const started = Date.now();
      await expect(tokens.forSession(sid, user)).rejects.toBeInstanceOf(IdpUnavailable);
      expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 1000);
      expect(seam.heldAnswers).toBe(1);
      // The tenant has rotated: the only copy of the new refresh token is in the held answer.
      const rotated = seam.issuedRefreshTokens.at(-1);
      expect(rotated).not.toBe(before.tokens.refreshToken);
      expect((await tokensOf(sid)).tokens.refreshToken).toBe(before.tokens.refreshToken);

      const recorded = (await scrape(stack.bff.app)).value('bff_token_refreshes_total', {
        outcome: 'late_recorded',
      });
      seam.thaw();
      await waitFor(async () => (await tokensOf(sid)).version > before.version);
      expect((await tokensOf(sid)).tokens.refreshToken).toBe(rotated);
      expect(
        (await scrape(stack.bff.app)).value('bff_token_refreshes_total', { outcome: 'late_recorded' }),
      ).toBe(recorded + 1);

      // The next request works without another refresh; a later refresh uses the kept token: no reuse.
      const refreshes = seam.refreshes;
      expect((await api(client)).status).toBe(200);
      await tokens.forSession(sid, user);
      expect(seam.refreshes).toBe(refreshes);
      await expire(sid);
      const refreshed = await tokens.forSession(sid, user);
      expect(refreshed.refreshToken).not.toBe(rotated);
      expect(seam.refreshes).toBe(refreshes + 1);
      expect((await api(client)).status).toBe(200);
    });

    it('a new refresh while the late answer is still held: the overlap serves it, the late answer is dropped', async () => {
      const { client, sid, user } = await signedIn();
      await expire(sid);
      const before = await tokensOf(sid);
      const tokens = stack.bff.app.get(AccessTokens);

      seam.freeze();
      await expect(tokens.forSession(sid, user)).rejects.toBeInstanceOf(IdpUnavailable);
      const held = seam.issuedRefreshTokens.at(-1);
      // New calls are answered again; the old refresh token is presented again, inside the tenant's
      // reuse interval, and rotates to another new one.
      seam.answerNewRequests();
      const fresh = await tokens.forSession(sid, user);
      expect(fresh.refreshToken).not.toBe(held);
      expect(fresh.refreshToken).not.toBe(before.tokens.refreshToken);
      const afterSecond = await tokensOf(sid);
      expect(afterSecond.version).toBe(before.version + 1);

      const dropped = (await scrape(stack.bff.app)).value('bff_token_refreshes_total', {
        outcome: 'late_dropped',
      });
      seam.thaw();
      // The held answer arrives, finds a newer record and is dropped.
      await waitFor(
        async () =>
          (await scrape(stack.bff.app)).value('bff_token_refreshes_total', { outcome: 'late_dropped' }) ===
          dropped + 1,
      );
      expect(await tokensOf(sid)).toEqual(afterSecond);
      await expire(sid);
      expect((await tokens.forSession(sid, user)).accessToken).toBeTruthy();
      expect((await api(client)).status).toBe(200);
    });

    it('forceRefresh: a token the API refused is refreshed once, however many callers report it', async () => {
      const { sid, user } = await signedIn();
      const rejected = (await tokensOf(sid)).tokens;
      const tokens = stack.bff.app.get(AccessTokens);
      const refreshes = seam.refreshes;
      const answers = await Promise.all(
        Array.from({ length: 5 }, () => tokens.forceRefresh(sid, user, rejected.accessToken)),
      );
      expect(seam.refreshes).toBe(refreshes + 1);
      const fresh = answers[0].accessToken;
      expect(fresh).not.toBe(rejected.accessToken);
      expect(new Set(answers.map((a) => a.accessToken))).toEqual(new Set([fresh]));
      // A late report of the old token gets the replacement, without another call.
      expect((await tokens.forceRefresh(sid, user, rejected.accessToken)).accessToken).toBe(fresh);
      expect(seam.refreshes).toBe(refreshes + 1);
    });

    it(`tokens living ${AT_LIFETIME} s are not refreshed on every request (margin: a quarter of the lifetime)`, async () => {
      const { client, sid, user } = await signedIn();
      const stored = (await tokensOf(sid)).tokens;
      expect(stored.expiresAt - (stored.issuedAt as number)).toBe(AT_LIFETIME);
      const refreshes = seam.refreshes;
      for (let i = 0; i < 5; i++) {
        await stack.bff.app.get(AccessTokens).forSession(sid, user);
        expect((await api(client)).status).toBe(200);
      }
      expect(seam.refreshes).toBe(refreshes);
    });

    it('an answer without expires_in: the lifetime is the access token JWT exp, not "already expired"', async () => {
      seam.stripExpiresIn = true;
      const { sid, user } = await signedIn();
      const stored = (await tokensOf(sid)).tokens;
      expect(stored.expiresAt).toBe(decodeJwt(stored.accessToken).exp);
      const refreshes = seam.refreshes;
      await stack.bff.app.get(AccessTokens).forSession(sid, user);
      await stack.bff.app.get(AccessTokens).forSession(sid, user);
      expect(seam.refreshes).toBe(refreshes);
      // A refresh answer without it too.
      await expire(sid);
      const refreshed = await stack.bff.app.get(AccessTokens).forSession(sid, user);
      expect(refreshed.expiresAt).toBe(decodeJwt(refreshed.accessToken).exp);
      expect(seam.refreshes).toBe(refreshes + 1);
    });
  },
);
