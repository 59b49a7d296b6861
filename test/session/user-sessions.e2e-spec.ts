import type { SessionInfo } from '../../src/public-api.types.js';
import { UserSessions } from '../../src/session/user-sessions.service.js';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack } from '../support/stack.js';
import { FRESH_USER } from '../support/seed-users.js';

const sidOf = (cookie: string) => decodeURIComponent(cookie).slice(2).split('.')[0];

describeWithStack("a user's sessions (index by sub)", {}, (stack) => {
  async function signedIn(credentials?: { username: string; password: string }) {
    const client = new CookieClient({ 'user-agent': `agent-${Math.random()}` });
    expect((await loginThroughBff(client, stack.bff.url, '', credentials)).status).toBe(302);
    const info = (
      await client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })
    ).json<SessionInfo>();
    return { client, info, sid: sidOf(client.cookies(stack.bff.url)['__Host-bff']) };
  }

  it("lists the user's own live sessions by handle and revokes one of them", async () => {
    const phone = await signedIn();
    const laptop = await signedIn();
    const stranger = await signedIn(FRESH_USER);
    const sessions = stack.bff.app.get(UserSessions);

    const list = await sessions.list(phone.info.user.sub, phone.sid);
    expect(list.map((s) => s.id).sort()).toEqual(
      [phone.info.session.id_hint, laptop.info.session.id_hint].sort(),
    );
    expect(list.find((s) => s.current)?.id).toBe(phone.info.session.id_hint);
    expect(list.every((s) => s.user_agent?.startsWith('agent-'))).toBe(true);
    expect(JSON.stringify(list)).not.toContain(phone.sid);

    expect(await sessions.revoke(stranger.info.user.sub, laptop.info.session.id_hint)).toBe(false);
    expect(
      (await laptop.client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status,
    ).toBe(200);
    expect(await sessions.revoke(phone.info.user.sub, laptop.info.session.id_hint)).toBe(true);
    expect(
      (await laptop.client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } })).status,
    ).toBe(401);
    expect((await sessions.list(phone.info.user.sub, phone.sid)).map((s) => s.id)).toEqual([
      phone.info.session.id_hint,
    ]);
  });
});
