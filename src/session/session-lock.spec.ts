import { bffRedisClient, startTestRedis, type TestRedis } from '../../test/support/redis.js';
import type { RedisClient } from './redis.factory.js';
import { SessionKeys } from './session-keys.js';
import { SessionLock } from './session-lock.js';

describe('SessionLock (real Redis)', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let lock: SessionLock;
  const sid = 'L'.repeat(43);

  beforeAll(async () => {
    server = await startTestRedis();
    redis = bffRedisClient(server);
    lock = new SessionLock(redis, new SessionKeys('bff:'), 2);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  it('lets one holder in at a time, under the session hash tag', async () => {
    const release = await lock.acquire(sid);
    expect(release).toBeDefined();
    expect(await redis.exists(`bff:{${sid}}:lock`)).toBe(1);
    expect(await lock.acquire(sid, { waitMs: 100 })).toBeUndefined();
    await release?.();
    const again = await lock.acquire(sid, { waitMs: 100 });
    expect(again).toBeDefined();
    await again?.();
  });

  it('hands over to a waiter when released', async () => {
    const first = await lock.acquire(sid);
    const waiting = lock.acquire(sid, { waitMs: 2000, pollMs: 10 });
    setTimeout(() => void first?.(), 50);
    const second = await waiting;
    expect(second).toBeDefined();
    await second?.();
  });

  it('expires a lock whose holder vanished; a late release does not free the next holder', async () => {
    const crashed = await lock.acquire(sid, { ttlMs: 100 });
    const next = await lock.acquire(sid, { waitMs: 1000, pollMs: 20 });
    expect(next).toBeDefined();
    await crashed?.();
    expect(await lock.acquire(sid, { waitMs: 50 })).toBeUndefined();
    await next?.();
  });
});
