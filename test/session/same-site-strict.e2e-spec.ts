import type { SessionInfo } from '../../src/public-api.types.js';
import { CookieClient } from '../support/cookie-client.js';
import { completeTenantLogin } from '../support/tenant-login.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';
import { DEMO, DEMO_USER } from '../support/seed-users.js';

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => void (c.session.sameSite = 'strict'),
  },
};

describeWithStack('session.sameSite strict', stackOptions, (stack) => {
  it('sets a Strict cookie and lands with a same-site navigation, so the first page is signed in', async () => {
    const client = new CookieClient();
    const start = await client.get(`${stack.bff.url}/auth/login?returnTo=%2Faccount%3Fa%3D1%26b%3D2`);
    const callback = await client.get(await completeTenantLogin(client, start.location as string, DEMO_USER));
    expect(callback.status).toBe(200);
    expect(callback.headers.get('cache-control')).toBe('no-store');
    expect(callback.body).toContain('<meta http-equiv="refresh" content="0;url=/account?a=1&amp;b=2">');
    const cookie = callback.headers.getSetCookie().find((c) => c.startsWith('__Host-bff=')) as string;
    expect(cookie.toLowerCase()).toContain('samesite=strict');
    // The transaction cookie stays Lax: it must survive the cross-site redirect back (BCP-16).
    expect(
      start.headers
        .getSetCookie()
        .find((c) => c.startsWith('__Host-bff-tx.'))
        ?.toLowerCase(),
    ).toContain('samesite=lax');
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    expect(info.user.email).toBe(DEMO.email);
  });
});
