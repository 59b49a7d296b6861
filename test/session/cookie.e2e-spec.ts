import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { createHmac } from 'node:crypto';
import { describeWithStack } from '../support/stack.js';

describeWithStack('the session cookie', {}, (stack) => {
  const sessionWith = (cookieHeader: string) =>
    fetch(`${stack.bff.url}/api/session`, { headers: { cookie: cookieHeader, 'x-csrf': '1' } });

  it('is __Host-bff: Secure, HttpOnly, Path=/, no Domain, SameSite=Lax, no Max-Age', async () => {
    const client = new CookieClient();
    const callback = await loginThroughBff(client, stack.bff.url);
    const cookies = callback.headers.getSetCookie().filter((c) => c.startsWith('__Host-bff='));
    expect(cookies).toHaveLength(1);
    const attributes = cookies[0]
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=lax']));
    expect(attributes.some((a) => a.startsWith('domain'))).toBe(false);
    expect(attributes.some((a) => a.startsWith('max-age') || a.startsWith('expires'))).toBe(false);
  });

  it.each([
    ['the login transaction', '__Host-bff-tx.'],
    ["the login-loop breaker's count", '__Host-bff-tx-loop='],
  ])('keeps %s in a __Host- cookie: Secure, HttpOnly, SameSite=Lax, Max-Age ≤ 600', async (_what, prefix) => {
    const start = await new CookieClient().get(`${stack.bff.url}/auth/login`);
    const tx = start.headers.getSetCookie().find((c) => c.startsWith(prefix)) as string;
    expect(tx).toBeDefined();
    const attributes = tx
      .split(';')
      .slice(1)
      .map((a) => a.trim().toLowerCase());
    expect(attributes).toEqual(expect.arrayContaining(['path=/', 'httponly', 'secure', 'samesite=lax']));
    expect(attributes.some((a) => a.startsWith('domain'))).toBe(false);
    const maxAge = Number(attributes.find((a) => a.startsWith('max-age='))?.slice(8));
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(600);
  });

  describe('a bad cookie is no session (401 login_required), never a 500', () => {
    let valid: string;
    beforeAll(async () => {
      const client = new CookieClient();
      await loginThroughBff(client, stack.bff.url);
      valid = client.cookies(stack.bff.url)['__Host-bff'];
    });

    const sign = (sid: string, secret: string) =>
      `s:${sid}.${createHmac('sha256', secret).update(sid).digest('base64').replace(/=+$/, '')}`;
    it.each<[string, () => string]>([
      ['garbage', () => '__Host-bff=%%%garbage;;=='],
      ['8 kB of it', () => `__Host-bff=s:${'A'.repeat(8192)}`],
      ['unsigned', () => `__Host-bff=${decodeURIComponent(valid).slice(2, 45)}`],
      ['a tampered signature', () => `__Host-bff=${valid.slice(0, -3)}abc`],
      [
        'a well-signed id that was never issued',
        () => `__Host-bff=${encodeURIComponent(sign('B'.repeat(43), 'test-session-secret-change-me-0001'))}`,
      ],
      [
        'signed with another secret',
        () =>
          `__Host-bff=${encodeURIComponent(sign(decodeURIComponent(valid).slice(2, 45), 'another-secret'))}`,
      ],
      [
        'a hash-tag injection',
        () =>
          `__Host-bff=${encodeURIComponent(sign('}:x{'.padEnd(43, 'x'), 'test-session-secret-change-me-0001'))}`,
      ],
      ['duplicated, garbage first', () => `__Host-bff=garbage; __Host-bff=${valid}`],
    ])('%s', async (_label, header) => {
      const res = await sessionWith(header());
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(await res.json()).toMatchObject({ code: 'login_required' });
    });

    it('(the valid cookie itself works)', async () => {
      expect((await sessionWith(`__Host-bff=${valid}`)).status).toBe(200);
    });

    it('ignores a session id offered anywhere but the cookie', async () => {
      const sid = decodeURIComponent(valid).slice(2, 45);
      for (const res of [
        await fetch(`${stack.bff.url}/api/session?sid=${sid}&connect.sid=${encodeURIComponent(valid)}`, {
          headers: { 'x-csrf': '1' },
        }),
        await fetch(`${stack.bff.url}/api/session`, {
          headers: { 'x-csrf': '1', 'x-session-id': sid, authorization: `Bearer ${sid}` },
        }),
      ]) {
        expect(res.status).toBe(401);
      }
    });
  });

  it('creates no Redis key for anonymous requests', async () => {
    const client = stack.redis.client();
    try {
      const before = (await client.keys('bff:*')).sort();
      for (const path of [
        '/api/session',
        '/auth/callback',
        '/auth/nope',
        '/api/nope',
        '/healthz',
        '/readyz',
      ]) {
        await fetch(`${stack.bff.url}${path}`, {
          headers: { 'x-csrf': '1', cookie: '__Host-bff=s:nothing.sig' },
        });
      }
      await fetch(`${stack.bff.url}/auth/logout`, { method: 'POST', headers: { 'x-csrf': '1' } });
      expect((await client.keys('bff:*')).sort()).toEqual(before);
    } finally {
      client.disconnect();
    }
  });
});
