import type { SessionInfo } from '../../src/public-api.types.js';
import { NotAuthenticated, IdpUnavailable } from '../../src/http/bff-error.js';
import { AccessTokens } from '../../src/session/access-tokens.service.js';
import { SessionService } from '../../src/session/session.service.js';
import type { SessionUser } from '../../src/session/session.types.js';
import { loginThroughBff, MFA_ACR, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { totpNow } from '../support/tenant-login.js';
import { createTokenTamper, type TokenTamper } from '../support/token-tamper.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

const sidOf = (cookie: string) => decodeURIComponent(cookie).slice(2).split('.')[0];

let tamper: TokenTamper;
const stackOptions = async (): Promise<TestStackOptions> => {
  tamper = await createTokenTamper();
  return { bff: { oidcFetch: tamper.fetch } };
};

describeWithStack('AccessTokens: refresh once per session, across instances', stackOptions, (stack) => {
  let second: TestBff;

  beforeAll(async () => {
    // Another instance sharing Redis (and the same view of the network).
    second = await startTestBff({
      issuer: stack.tenant.issuer,
      redisUrl: stack.redis.url,
      oidcFetch: tamper.fetch,
    });
  });
  afterAll(async () => {
    await second?.close();
  });
  afterEach(() => {
    tamper.rewrite = undefined;
    tamper.tokenEndpointDown = false;
  });

  async function signedIn(query = '', otp?: () => string) {
    const client = new CookieClient();
    expect(
      (
        await loginThroughBff(client, stack.bff.url, query, {
          ...DEMO_USER,
          otp,
        })
      ).status,
    ).toBe(302);
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    const sid = sidOf(client.cookies(stack.bff.url)['__Host-bff']);
    const user = (await stack.bff.app.get(SessionService).peek(sid))?.user as SessionUser;
    return { client, info, sid, user };
  }

  /** Makes the stored access token look expired (keeps everything else). */
  async function expire(sid: string) {
    const sessions = stack.bff.app.get(SessionService);
    const current = await sessions.readTokens(sid);
    await sessions.writeTokens(
      sid,
      { ...current!.tokens, expiresAt: Math.floor(Date.now() / 1000) - 1 },
      current!.version,
    );
    return current!;
  }

  it('returns a fresh token as it is, without calling the tenant', async () => {
    const { sid, user } = await signedIn();
    const before = tamper.tokenRequests;
    const tokens = await stack.bff.app.get(AccessTokens).forSession(sid, user);
    expect(tokens.accessToken).toBeTruthy();
    expect(tamper.tokenRequests).toBe(before);
  });

  it('refreshes an expiring token exactly once for 20 concurrent callers on two instances; MFA facts unchanged', async () => {
    const { client, sid, user, info } = await signedIn(`?acr_values=${encodeURIComponent(MFA_ACR)}`, () =>
      totpNow(DEMO_TOTP_SECRET),
    );
    const old = await expire(sid);
    const before = tamper.tokenRequests;
    const callers = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? second : stack.bff).app.get(AccessTokens).forSession(sid, user),
    );
    const results = await Promise.all(callers);
    expect(tamper.tokenRequests - before).toBe(1);
    expect(new Set(results.map((t) => t.accessToken)).size).toBe(1);
    expect(results[0].accessToken).not.toBe(old.tokens.accessToken);
    expect(results[0].refreshToken).not.toBe(old.tokens.refreshToken); // the tenant rotates
    expect(results[0].expiresAt).toBeGreaterThan(Math.floor(Date.now() / 1000) + 60);
    const stored = await stack.bff.app.get(SessionService).readTokens(sid);
    expect(stored).toEqual({ tokens: results[0], version: old.version + 2 });
    const after = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    expect(after.mfa).toEqual(info.mfa);
    expect(after.mfa.last_mfa_at).not.toBeNull();
  });

  it('keeps the session and its tokens when the tenant cannot be reached (503)', async () => {
    const { client, sid, user } = await signedIn();
    const old = await expire(sid);
    tamper.tokenEndpointDown = true;
    await expect(stack.bff.app.get(AccessTokens).forSession(sid, user)).rejects.toBeInstanceOf(
      IdpUnavailable,
    );
    expect((await stack.bff.app.get(SessionService).readTokens(sid))?.tokens.refreshToken).toBe(
      old.tokens.refreshToken,
    );
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
    tamper.tokenEndpointDown = false;
    expect((await stack.bff.app.get(AccessTokens).forSession(sid, user)).accessToken).not.toBe(
      old.tokens.accessToken,
    );
  });

  it('ends the session when the tenant no longer honours the refresh token (invalid_grant)', async () => {
    const { client, sid, user } = await signedIn();
    const old = await expire(sid);
    const revoke = await fetch(`${stack.tenant.url}/oauth/revoke`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`,
      },
      body: new URLSearchParams({
        token: old.tokens.refreshToken as string,
        token_type_hint: 'refresh_token',
      }),
    });
    expect(revoke.status).toBe(200);
    await expect(stack.bff.app.get(AccessTokens).forSession(sid, user)).rejects.toBeInstanceOf(
      NotAuthenticated,
    );
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      401,
    );
  });

  it('ends the session when the refreshed ID token names someone else', async () => {
    const { client, sid, user } = await signedIn();
    await expire(sid);
    tamper.rewrite = ({ claims }) => tamper.sign({ ...claims, sub: 'auth0|someone-else' });
    await expect(stack.bff.app.get(AccessTokens).forSession(sid, user)).rejects.toBeInstanceOf(
      NotAuthenticated,
    );
    expect((await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      401,
    );
  });
});
