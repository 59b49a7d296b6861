import { bffRedisClient, startTestRedis, type TestRedis } from '../../test/support/redis.js';
import { SessionStoreUnavailable } from '../http/bff-error.js';
import { RedisAdapter } from './redis.adapter.js';
import type { RedisClient } from './redis.factory.js';
import { SessionKeys } from './session-keys.js';

describe('RedisAdapter and SingleUseStore (real Redis)', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let adapter: RedisAdapter;

  beforeAll(async () => {
    server = await startTestRedis();
    redis = bffRedisClient(server);
    adapter = new RedisAdapter(redis, new SessionKeys('bff:'), 7);
    await redis.ping();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });

  describe('single use', () => {
    const store = () => adapter.singleUse<{ n: number }>((id) => adapter.keys.passkeyLogin(id));

    it('gives a value back once, then never again', async () => {
      const items = store();
      expect(await items.put('a', { n: 1 }, 60)).toBe(true);
      expect(await redis.ttl(adapter.keys.passkeyLogin('a'))).toBeGreaterThan(55);
      expect(await items.take('a')).toEqual({ n: 1 });
      expect(await items.take('a')).toBeUndefined();
      expect(await redis.exists(adapter.keys.passkeyLogin('a'))).toBe(0);
    });

    it('keeps the first value of an id: a second put is refused', async () => {
      const items = store();
      expect(await items.put('b', { n: 1 }, 60)).toBe(true);
      expect(await items.put('b', { n: 2 }, 60)).toBe(false);
      expect(await items.take('b')).toEqual({ n: 1 });
    });

    it('hands a value to one of many concurrent takers', async () => {
      const items = store();
      await items.put('c', { n: 3 }, 60);
      const taken = await Promise.all(Array.from({ length: 10 }, () => items.take('c')));
      expect(taken.filter((v) => v !== undefined)).toEqual([{ n: 3 }]);
    });

    it('forgets a value after its TTL', async () => {
      const items = store();
      await items.put('d', { n: 4 }, 1);
      await new Promise((resolve) => setTimeout(resolve, 1100));
      expect(await items.take('d')).toBeUndefined();
    });

    it('answers undefined for a value its codec cannot open (and still spends it)', async () => {
      const items = adapter.singleUse<string>((id) => adapter.keys.connectTransaction(id), {
        seal: (value, id) => `${id}:${value}`,
        open: (stored, id) => {
          if (!stored.startsWith(`${id}:`)) throw new Error('not ours');
          return stored.slice(id.length + 1);
        },
      });
      await redis.set(adapter.keys.connectTransaction('e'), 'forged');
      expect(await items.take('e')).toBeUndefined();
      expect(await redis.exists(adapter.keys.connectTransaction('e'))).toBe(0);
      await items.put('f', 'sealed', 60);
      expect(await redis.get(adapter.keys.connectTransaction('f'))).toBe('f:sealed');
      expect(await items.take('f')).toBe('sealed');
    });
  });

  it('counts hits in a window that Redis expires', async () => {
    const key = adapter.keys.rateLimit('login', 'ip:192.0.2.1');
    const first = await adapter.countHit(key, 60_000);
    const second = await adapter.countHit(key, 60_000);
    expect([first.count, second.count]).toEqual([1, 2]);
    expect(second.resetInMs).toBeGreaterThan(59_000);
    expect(second.resetInMs).toBeLessThanOrEqual(60_000);
  });

  it('reads, writes and deletes a value with a TTL', async () => {
    const key = adapter.keys.stepUpAttempts('S'.repeat(43));
    expect(await adapter.get(key)).toBeUndefined();
    await adapter.set(key, 'v', 30);
    expect(await adapter.get(key)).toBe('v');
    expect(await redis.ttl(key)).toBeGreaterThan(25);
    await adapter.delete(key);
    expect(await adapter.get(key)).toBeUndefined();
  });

  describe('while Redis is down', () => {
    beforeAll(async () => {
      await server.stop();
    });
    afterAll(async () => {
      await server.start();
    });

    it('ping answers false, without throwing', async () => {
      expect(await adapter.ping()).toBe(false);
    });

    it.each([
      ['put', () => adapter.singleUse((id) => adapter.keys.passkeyLogin(id)).put('x', 1, 60)],
      ['take', () => adapter.singleUse((id) => adapter.keys.passkeyLogin(id)).take('x')],
      ['get', () => adapter.get(adapter.keys.stepUpAttempts('S'.repeat(43)))],
      ['set', () => adapter.set(adapter.keys.stepUpAttempts('S'.repeat(43)), 'v', 30)],
      ['delete', () => adapter.delete(adapter.keys.stepUpAttempts('S'.repeat(43)))],
      ['countHit', () => adapter.countHit(adapter.keys.rateLimit('login', 'ip:x'), 1000)],
    ])('%s fails as 503 session_store_unavailable with Retry-After', async (_name, command) => {
      const err = await command().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(SessionStoreUnavailable);
      expect(err).toMatchObject({
        status: 503,
        code: 'session_store_unavailable',
        headers: { 'Retry-After': '7' },
      });
    });
  });

  it('ping answers true once Redis is back', async () => {
    for (let i = 0; i < 50 && !(await adapter.ping()); i++) await new Promise((r) => setTimeout(r, 50));
    expect(await adapter.ping()).toBe(true);
  });
});
