import { Controller, Get, Module, Param, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '../../src/auth/public.decorator.js';
import type { ProblemBody } from '../../src/public-api.types.js';
import { RateLimit } from '../../src/rate-limit/rate-limit.decorator.js';
import type { ConfigInput } from '../../src/config/config.schema.js';
import { loadConfig } from '../../src/config/load-config.js';
import { RateLimitModule } from '../../src/rate-limit/rate-limit.module.js';
import { RateLimiter } from '../../src/rate-limit/rate-limiter.service.js';
import { loginThroughBff, startTestBff, type TestBff } from '../support/bff.js';
import { CookieClient } from '../support/cookie-client.js';
import { freePort, startTestRedis, type TestRedis } from '../support/redis.js';
import { startTestTenant, type TestTenant } from '../support/tenant.js';
import { DEMO_USER } from '../support/seed-users.js';

/** Routes that only count: what the limiter does is the subject here. */
@Controller('api/limited')
@Public()
class LimitedController {
  constructor(private readonly limiter: RateLimiter) {}

  /** As the proxy counts a bearer caller: by the subject it names. */
  @Get('by-user/:sub')
  async byUser(@Req() req: Request, @Param('sub') sub: string) {
    await this.limiter.enforce('my-account-verify', req, `sub:${sub}`);
    return { ok: true };
  }

  @Get('by-ip')
  @RateLimit('embedded-login')
  byIp() {
    return { ok: true };
  }

  @Get('by-session')
  @RateLimit('my-account-verify')
  bySession() {
    return { ok: true };
  }

  @Get('short')
  @RateLimit('password-login')
  short() {
    return { ok: true };
  }
}

@Module({ controllers: [LimitedController] })
class LimitedModule {}

const limits: ConfigInput['rateLimit'] = {
  'embedded-login': { limit: 3, windowSeconds: 60 },
  'my-account-verify': { limit: 2, windowSeconds: 60 },
  'password-login': { limit: 1, windowSeconds: 1 },
};

describe('rate limits shared by two BFF instances through one Redis', () => {
  let redis: TestRedis;
  let tenant: TestTenant;
  let a: TestBff;
  let b: TestBff;

  beforeAll(async () => {
    redis = await startTestRedis();
    const port = await freePort();
    tenant = await startTestTenant({ redisUrl: redis.url, bffOrigin: `http://localhost:${port}` });
    const imports = [LimitedModule];
    const configure = (c: ConfigInput) => {
      c.rateLimit = limits;
    };
    a = await startTestBff({ port, issuer: tenant.issuer, redisUrl: redis.url, imports, configure });
    b = await startTestBff({ issuer: tenant.issuer, redisUrl: redis.url, imports, configure });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await tenant?.close();
    await redis?.close();
  });

  it('counts an IP across both instances; the request over budget is a 429 problem with Retry-After', async () => {
    const statuses = [];
    for (const bff of [a, b, a]) statuses.push((await fetch(`${bff.url}/api/limited/by-ip`)).status);
    expect(statuses).toEqual([200, 200, 200]);
    for (const bff of [b, a]) {
      const refused = await fetch(`${bff.url}/api/limited/by-ip`);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('cache-control')).toBe('no-store');
      const retryAfter = Number(refused.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((await refused.json()) as ProblemBody).toMatchObject({ status: 429, code: 'rate_limited' });
    }
  });

  it('counts a session apart from other sessions, on both instances', async () => {
    const first = new CookieClient();
    const second = new CookieClient();
    expect((await loginThroughBff(first, a.url, '', DEMO_USER)).status).toBe(302);
    expect((await loginThroughBff(second, a.url, '', DEMO_USER)).status).toBe(302);
    const call = (client: CookieClient, bff: TestBff) =>
      client.get(`${bff.url}/api/limited/by-session`, { headers: { 'x-csrf': '1' } }).then((r) => r.status);
    // Sessions live in the shared Redis: the cookie works on either instance.
    const cookie = first.cookies(a.url);
    for (const [name, value] of Object.entries(cookie)) first.setCookie(b.url, name, value);
    expect([await call(first, a), await call(first, b), await call(first, a)]).toEqual([200, 200, 429]);
    expect([await call(second, a), await call(second, a), await call(second, a)]).toEqual([200, 200, 429]);
  });

  it('counts an explicit subject when the caller names one (RateLimiter.enforce)', async () => {
    const call = (bff: TestBff, sub: string) =>
      fetch(`${bff.url}/api/limited/by-user/${sub}`).then((r) => r.status);
    expect([await call(a, 'alice'), await call(b, 'alice'), await call(a, 'alice')]).toEqual([200, 200, 429]);
    expect(await call(b, 'bob')).toBe(200);
  });

  it('opens a new window once the old one has expired', async () => {
    expect((await fetch(`${a.url}/api/limited/short`)).status).toBe(200);
    expect((await fetch(`${b.url}/api/limited/short`)).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect((await fetch(`${b.url}/api/limited/short`)).status).toBe(200);
  });

  it('keeps no IP address in clear in Redis', async () => {
    const client = redis.client();
    try {
      const keys = await client.keys('*rl:*');
      expect(keys.length).toBeGreaterThan(0);
      expect(keys.join(' ')).not.toMatch(/127\.0\.0\.1|::1|ffff/);
    } finally {
      client.disconnect();
    }
  });

  it('fails closed when Redis is down: 503 with Retry-After, never a free pass; recovers after', async () => {
    await redis.stop();
    try {
      const refused = await fetch(`${a.url}/api/limited/by-ip`);
      expect(refused.status).toBe(503);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      expect((await refused.json()) as ProblemBody).toMatchObject({ code: 'session_store_unavailable' });
    } finally {
      await redis.start();
    }
    let status = 0;
    for (let i = 0; i < 50 && status !== 200; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      status = (await fetch(`${b.url}/api/limited/short`)).status;
    }
    expect(status).toBe(200);
  });
});

describe('RateLimitModule configuration', () => {
  it('refuses bad overrides at boot, listing every problem', () => {
    expect(() =>
      RateLimitModule.forRoot({ policies: { 'embedded-login': { limit: 0, key: 'user' as 'ip' } } }),
    ).toThrow(/embedded-login\.limit[\s\S]*embedded-login\.key/);
  });

  it('the BFF configuration refuses unknown policies and bad values at boot, naming each setting', () => {
    const load = () =>
      loadConfig({
        env: { NODE_ENV: 'test' },
        configure: (c) => {
          c.rateLimit = { 'embedded-login': { limit: 0 }, 'no-such-policy': {} } as ConfigInput['rateLimit'];
        },
      });
    expect(load).toThrow(/rateLimit\.embedded-login\.limit[\s\S]*rateLimit/);
    expect(load).toThrow(/no-such-policy/);
  });
});
