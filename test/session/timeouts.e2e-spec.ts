import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => {
      c.session.idleTimeoutSeconds = 2;
      c.session.absoluteTimeoutSeconds = 4;
      c.session.touchIntervalSeconds = 0;
    },
  },
};

describeWithStack('idle and absolute timeouts (shortened)', stackOptions, (stack) => {
  const session = (client: CookieClient) =>
    client.get(`${stack.bff.url}/api/session`, { headers: { 'x-csrf': '1' } });
  /** Any request that counts as activity (GET /api/session deliberately does not). */
  const activity = (client: CookieClient) => client.get(`${stack.bff.url}/auth/not-a-route`);

  it('ends a session left idle longer than the idle timeout, even though the browser still sends the cookie', async () => {
    const client = new CookieClient();
    await loginThroughBff(client, stack.bff.url);
    expect((await session(client)).status).toBe(200);
    await sleep(2300);
    const res = await session(client);
    expect(res.status).toBe(401);
    expect(res.json()).toMatchObject({ code: 'login_required' });
  });

  it('GET /api/session does not extend the idle timeout; other requests do', async () => {
    const reader = new CookieClient();
    const active = new CookieClient();
    await loginThroughBff(reader, stack.bff.url);
    await loginThroughBff(active, stack.bff.url);
    for (let i = 0; i < 3; i++) {
      await sleep(800);
      await session(reader);
      await activity(active);
    }
    expect((await session(reader)).status).toBe(401);
    expect((await session(active)).status).toBe(200);
  });

  it('ends a session at the absolute timeout however active it is', async () => {
    const client = new CookieClient();
    await loginThroughBff(client, stack.bff.url);
    const info = (await session(client)).json<{ session: { created_at: string; expires_at: string } }>();
    expect(Date.parse(info.session.expires_at) - Date.parse(info.session.created_at)).toBe(4000);
    let last = 200;
    for (let i = 0; i < 10 && last === 200; i++) {
      await sleep(500);
      await activity(client);
      last = (await session(client)).status;
    }
    expect(last).toBe(401);
    expect(Date.now()).toBeGreaterThanOrEqual(Date.parse(info.session.expires_at));
  });
});
