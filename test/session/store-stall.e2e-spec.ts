import { Redis } from 'ioredis';
import { loginThroughBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { startDelayProxy, type DelayProxy } from '../support/delay-proxy.js';
import {
  budgetMs,
  faultViolations,
  sidOfCookie,
  sleep,
  timedGet,
  type Sample,
} from '../support/fault-probe.js';
import { describeWithStack, type TestStackOptions } from '../support/stack.js';

const COMMAND_TIMEOUT_MS = 500;

const stackOptions: TestStackOptions = {
  bff: {
    configure: (c) => {
      c.redis.commandTimeoutMs = COMMAND_TIMEOUT_MS;
    },
  },
};

/**
 * A stalled or slow Redis (the link stays up, Redis answers late): the BFF answers fast 503s and no
 * session is destroyed, tombstoned or rewritten, neither during the stall nor when Redis catches up.
 */
describeWithStack('Redis stalls', stackOptions, (stack) => {
  let proxy: DelayProxy;
  let admin: Redis;

  beforeAll(() => {
    admin = stack.redis.client();
  });
  afterAll(async () => {
    admin?.disconnect();
    await proxy?.close();
  });

  async function signIn(url: string) {
    const client = new CookieClient();
    expect((await loginThroughBff(client, url)).status).toBe(302);
    const value = client.cookies(`${url}/api/session`)[stack.bff.config.session.cookieName];
    return { cookie: `${stack.bff.config.session.cookieName}=${value}`, sid: sidOfCookie(value) };
  }

  async function expectIntact(sid: string) {
    const prefix = stack.bff.config.session.keyPrefix;
    expect(await admin.exists(`${prefix}{${sid}}:sess`, `${prefix}{${sid}}:tokens`)).toBe(2);
    expect(await admin.exists(`${prefix}{${sid}}:dead`)).toBe(0);
  }

  it('CLIENT PAUSE 2 s: only fast 503s with Retry-After, then the same cookie answers 200', async () => {
    const { cookie, sid } = await signIn(stack.bff.url);
    const url = `${stack.bff.url}/api/session`;
    const healthy: Sample[] = [];
    for (let i = 0; i < 10; i++) healthy.push(await timedGet(url, cookie));
    await admin.client('PAUSE', 2000, 'ALL');
    const paused = Date.now();
    const samples: Sample[] = [];
    while (Date.now() - paused < 1700) samples.push(await timedGet(url, cookie));
    expect(samples.filter((s) => s.status === 503).length).toBeGreaterThan(0);
    expect(faultViolations(samples, budgetMs(COMMAND_TIMEOUT_MS, healthy))).toEqual([]);
    await sleep(2100 - (Date.now() - paused));
    // Whatever the BFF queued during the pause has run now.
    await sleep(200);
    expect((await timedGet(url, cookie)).status).toBe(200);
    await expectIntact(sid);
  });

  it('replies 1.5 s late: only fast 503s, and the commands Redis ran meanwhile destroyed nothing', async () => {
    proxy = await startDelayProxy(stack.redis.port);
    // A second BFF process-equivalent on the delaying link: the stack's BFF talks to Redis directly.
    const { startTestBff } = await import('../support/bff.js');
    const slow = await startTestBff({
      issuer: stack.tenant.issuer,
      redisUrl: proxy.url,
      configure: (c) => {
        c.redis.commandTimeoutMs = COMMAND_TIMEOUT_MS;
        c.server.publicOrigin = stack.bff.url;
      },
    });
    try {
      const { cookie, sid } = await signIn(stack.bff.url);
      const url = `${slow.url}/api/session`;
      // A proxied read goes through the hot path first: its failed read must not be followed by a second.
      const proxied = `${slow.url}/api/me/v1/authentication-methods`;
      const healthy: Sample[] = [];
      for (let i = 0; i < 10; i++) healthy.push(await timedGet(url, cookie), await timedGet(proxied, cookie));
      expect(healthy.every((s) => s.status === 200)).toBe(true);
      proxy.delayReplies(1500);
      const samples: Sample[] = [];
      for (let i = 0; i < 4; i++) samples.push(await timedGet(url, cookie), await timedGet(proxied, cookie));
      expect(samples.every((s) => s.status === 503)).toBe(true);
      expect(faultViolations(samples, budgetMs(COMMAND_TIMEOUT_MS, healthy))).toEqual([]);
      proxy.delayReplies(0);
      await sleep(1700);
      await expectIntact(sid);
      let status = 0;
      for (let i = 0; i < 30 && status !== 200; i++) {
        status = (await timedGet(url, cookie)).status;
        if (status !== 200) await sleep(100);
      }
      expect(status).toBe(200);
    } finally {
      await slow.close();
    }
  });
});
