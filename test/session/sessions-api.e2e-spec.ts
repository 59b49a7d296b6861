import type { ActiveSessionList, SessionInfo } from '../../src/public-api.types.js';
import { loginThroughBff, MFA_ACR } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { totpNow } from '../support/tenant-login.js';
import { describeWithStack } from '../support/stack.js';
import { DEMO_TOTP_SECRET, DEMO_USER } from '../support/seed-users.js';

describeWithStack('GET /api/sessions, DELETE /api/sessions/{id}', {}, (stack) => {
  /** What the account page sends: the CSRF header and its own origin. */
  const headers = () => ({ 'x-csrf': '1', origin: stack.bff.url, 'sec-fetch-site': 'same-origin' });
  async function signedIn(query = '', otp?: () => string) {
    const client = new CookieClient({ 'user-agent': 'test-agent' });
    await loginThroughBff(client, stack.bff.url, query, {
      ...DEMO_USER,
      otp,
    });
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    return { client, info };
  }

  it("lists the user's sessions; revoking one needs a fresh MFA, then ends it", async () => {
    const other = await signedIn();
    const me = await signedIn();
    const list = await me.client.get(`${stack.bff.url}/api/sessions`, { headers: headers() });
    expect(list.status).toBe(200);
    expect(list.headers.get('cache-control')).toBe('no-store');
    const { sessions } = list.json<ActiveSessionList>();
    expect(sessions.map((s) => s.id)).toEqual(
      expect.arrayContaining([me.info.session.id_hint, other.info.session.id_hint]),
    );
    expect(sessions.find((s) => s.current)?.id).toBe(me.info.session.id_hint);
    expect(sessions[0]).toMatchObject({
      user_agent: 'test-agent',
      created_at: expect.any(String),
      last_seen_at: expect.any(String),
    });

    const refused = await me.client.request(`${stack.bff.url}/api/sessions/${other.info.session.id_hint}`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('error="insufficient_user_authentication"');
    expect(refused.json()).toMatchObject({
      code: 'insufficient_user_authentication',
      acr_values: MFA_ACR,
      max_age: 300,
    });
    expect(
      (await other.client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status,
    ).toBe(200);

    const stepped = await signedIn(`?acr_values=${encodeURIComponent(MFA_ACR)}`, () =>
      totpNow(DEMO_TOTP_SECRET),
    );
    const unknown = await stepped.client.request(`${stack.bff.url}/api/sessions/not-a-session`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(unknown.status).toBe(404);
    const done = await stepped.client.request(`${stack.bff.url}/api/sessions/${other.info.session.id_hint}`, {
      method: 'DELETE',
      headers: headers(),
    });
    expect(done.status).toBe(204);
    expect(
      (await other.client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status,
    ).toBe(401);
  });

  it('answers 401 without a session', async () => {
    const res = await fetch(`${stack.bff.url}/api/sessions`, { headers: { 'x-csrf': '1' } });
    expect(res.status).toBe(401);
  });

  it('is behind the CSRF rules: X-CSRF with the cookie, the own origin on writes', async () => {
    const me = await signedIn();
    const url = `${stack.bff.url}/api/sessions/${me.info.session.id_hint}`;
    expect((await me.client.get(`${stack.bff.url}/api/sessions`)).status).toBe(403);
    expect((await me.client.get(`${stack.bff.url}/api/session`)).json()).toMatchObject({
      code: 'csrf_failed',
    });
    expect((await me.client.request(url, { method: 'DELETE', headers: { 'x-csrf': '1' } })).status).toBe(403);
    expect(
      (
        await me.client.request(url, {
          method: 'DELETE',
          headers: { 'x-csrf': '1', origin: 'https://evil.example' },
        })
      ).status,
    ).toBe(403);
    expect((await me.client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status).toBe(
      200,
    );
  });
});
