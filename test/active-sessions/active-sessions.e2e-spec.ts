import type { ActiveSessionList, ProblemBody, SessionInfo } from '../../src/public-api.types.js';
import { SessionService } from '../../src/session/session.service.js';
import { loginThroughBff, MFA_ACR } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { totpNow } from '../support/tenant-login.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO_USER, FRESH_USER, DEMO_TOTP_SECRET } from '../support/seed-users.js';

const BASIC = `Basic ${Buffer.from('myaccount-bff:dev-bff-secret').toString('base64')}`;

const stackOptions: TestStackOptions = {
  bff: {},
};

describeWithStack('active sessions: list, revoke one, sign out the others', stackOptions, (stack) => {
  /** What the account page sends: the CSRF header and its own origin. */
  const headers = () => ({ 'x-csrf': '1', origin: stack.bff.url, 'sec-fetch-site': 'same-origin' });

  async function signedIn(user = DEMO_USER, mfa = false) {
    const client = new CookieClient({ 'user-agent': `agent-${Math.random()}` });
    const query = mfa ? `?acr_values=${encodeURIComponent(MFA_ACR)}` : '';
    const otp = mfa ? () => totpNow(DEMO_TOTP_SECRET) : undefined;
    expect((await loginThroughBff(client, stack.bff.url, query, { ...user, otp })).status).toBe(302);
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    return { client, info };
  }
  const alive = async (client: CookieClient) =>
    (await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status === 200;
  const list = async (client: CookieClient) =>
    (await client.get(`${stack.bff.url}/api/sessions`, { headers: headers() })).json<ActiveSessionList>()
      .sessions;

  /** The session's refresh token, read from its (encrypted) record the way the BFF reads it. */
  async function refreshTokenOf(client: CookieClient): Promise<string> {
    const signed = decodeURIComponent(client.cookies(stack.bff.url)[stack.bff.config.session.cookieName]);
    const sid = signed.slice(2, signed.lastIndexOf('.'));
    const record = await stack.bff.app.get(SessionService).readTokens(sid);
    expect(record?.tokens.refreshToken).toBeTruthy();
    return record!.tokens.refreshToken!;
  }
  /** Whether the tenant still holds the refresh token (oidc-provider's record: revocation deletes it, use keeps it). */
  async function heldByTenant(refreshToken: string): Promise<boolean> {
    const client = stack.redis.client();
    try {
      return (
        (await client.exists(`${stack.tenant.config.redis.prefix}oidc:RefreshToken:${refreshToken}`)) === 1
      );
    } finally {
      client.disconnect();
    }
  }
  /** Revocation is best effort, sent as the answer goes out: wait for the tenant to drop the token, then try it. */
  async function eventuallyRefused(refreshToken: string): Promise<boolean> {
    for (let i = 0; i < 30 && (await heldByTenant(refreshToken)); i++)
      await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${stack.tenant.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: BASIC },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: refreshToken }),
    });
    return res.status === 400 && ((await res.json()) as { error: string }).error === 'invalid_grant';
  }

  it('lists both sessions of two logins (newest first, one current) by ids that are not session ids', async () => {
    const other = await signedIn();
    const me = await signedIn();
    const sessions = await list(me.client);
    expect(sessions.map((s) => [s.id, s.current])).toEqual([
      [me.info.session.id_hint, true],
      [other.info.session.id_hint, false],
    ]);
    expect(sessions[0]).toMatchObject({
      user_agent: expect.stringMatching(/^agent-/),
      created_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*Z$/),
      last_seen_at: expect.stringMatching(/Z$/),
    });
    for (const client of [me.client, other.client]) {
      const cookie = client.cookies(stack.bff.url)[stack.bff.config.session.cookieName];
      const signed = decodeURIComponent(cookie);
      const sid = signed.slice(2, signed.lastIndexOf('.'));
      for (const s of sessions) {
        expect(s.id).not.toBe(sid);
        expect(cookie).not.toContain(s.id);
      }
    }
  });

  it('revoking another session ends it and revokes its refresh token at the tenant', async () => {
    const other = await signedIn();
    const refreshToken = await refreshTokenOf(other.client);
    expect(await heldByTenant(refreshToken)).toBe(true);
    const me = await signedIn(DEMO_USER, true);
    const res = await me.client.request(`${stack.bff.url}/api/sessions/${other.info.session.id_hint}`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(res.status).toBe(204);
    expect(await alive(other.client)).toBe(false);
    expect(await eventuallyRefused(refreshToken)).toBe(true);
    expect(await alive(me.client)).toBe(true);
  });

  it("answers 404 for another user's session, which lives on", async () => {
    const stranger = await signedIn(FRESH_USER);
    const me = await signedIn(DEMO_USER, true);
    const res = await me.client.request(`${stack.bff.url}/api/sessions/${stranger.info.session.id_hint}`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(res.status).toBe(404);
    expect(res.json<ProblemBody>()).toMatchObject({ code: 'not_found' });
    expect(await alive(stranger.client)).toBe(true);
  });

  it('revoking the current session is a sign-out: 204, then the cookie is worthless', async () => {
    const me = await signedIn(DEMO_USER, true);
    const res = await me.client.request(`${stack.bff.url}/api/sessions/${me.info.session.id_hint}`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(res.status).toBe(204);
    expect(await alive(me.client)).toBe(false);
  });

  it('needs the CSRF header and the page origin on every sessions call', async () => {
    const me = await signedIn(DEMO_USER, true);
    const target = await signedIn();
    const calls: Array<{ method: string; url: string; headers: Record<string, string> }> = [
      { method: 'GET', url: `${stack.bff.url}/api/sessions`, headers: { origin: stack.bff.url } },
      {
        method: 'DELETE',
        url: `${stack.bff.url}/api/sessions/${target.info.session.id_hint}`,
        headers: { origin: stack.bff.url },
      },
      {
        method: 'POST',
        url: `${stack.bff.url}/api/sessions/revoke-others`,
        headers: { origin: stack.bff.url },
      },
      {
        method: 'POST',
        url: `${stack.bff.url}/api/sessions/revoke-others`,
        headers: { 'x-csrf': '1', origin: 'https://evil.example' },
      },
      {
        method: 'DELETE',
        url: `${stack.bff.url}/api/sessions/${target.info.session.id_hint}`,
        headers: { 'x-csrf': '1' },
      },
    ];
    for (const call of calls) {
      const res = await me.client.request(call.url, { method: call.method, headers: call.headers });
      expect([call.method, call.url, res.status]).toEqual([call.method, call.url, 403]);
      expect(res.json<ProblemBody>().code).toBe('csrf_failed');
    }
    expect(await alive(target.client)).toBe(true);
  });

  describe('POST /api/sessions/revoke-others', () => {
    it('needs a fresh MFA: 401 RFC 9470 challenge, and nothing is revoked', async () => {
      const other = await signedIn();
      const me = await signedIn();
      const res = await me.client.post(`${stack.bff.url}/api/sessions/revoke-others`, { headers: headers() });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
      expect(res.json<ProblemBody>()).toMatchObject({
        code: 'insufficient_user_authentication',
        acr_values: MFA_ACR,
        max_age: 300,
        login_url: expect.stringMatching(/^\/auth\/login\?/),
      });
      expect(await alive(other.client)).toBe(true);
    });

    it("ends every other session of the user (refresh tokens revoked), keeps the caller's and other users'", async () => {
      const first = await signedIn();
      const second = await signedIn();
      const stranger = await signedIn(FRESH_USER);
      const tokens = [await refreshTokenOf(first.client), await refreshTokenOf(second.client)];
      for (const token of tokens) expect(await heldByTenant(token)).toBe(true);
      const me = await signedIn(DEMO_USER, true);
      expect((await list(me.client)).length).toBeGreaterThanOrEqual(3);

      const res = await me.client.post(`${stack.bff.url}/api/sessions/revoke-others`, { headers: headers() });
      expect(res.status).toBe(204);
      expect(await alive(first.client)).toBe(false);
      expect(await alive(second.client)).toBe(false);
      expect(await alive(me.client)).toBe(true);
      expect(await alive(stranger.client)).toBe(true);
      const left = await list(me.client);
      expect(left).toEqual([expect.objectContaining({ id: me.info.session.id_hint, current: true })]);
      for (const token of tokens) expect(await eventuallyRefused(token)).toBe(true);
    });

    it('answers 401 login_required without a session', async () => {
      const res = await fetch(`${stack.bff.url}/api/sessions/revoke-others`, {
        method: 'POST',
        headers: headers(),
      });
      expect(res.status).toBe(401);
      expect(((await res.json()) as ProblemBody).code).toBe('login_required');
    });
  });
});
