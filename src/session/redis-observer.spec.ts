import { bffRedisClient, startTestRedis, type TestRedis } from '../../test/support/redis.js';
import type { StoreErrorReason } from '../metrics/metrics.service.js';
import type { RedisClient } from './redis.factory.js';
import { observeStoreCommands } from './redis-observer.js';
import { SessionScripts } from './session-scripts.js';

describe('observeStoreCommands (real Redis)', () => {
  let server: TestRedis;
  let redis: RedisClient;
  const seen: Array<{ command: string; seconds: number; error?: StoreErrorReason }> = [];

  beforeAll(async () => {
    server = await startTestRedis();
    redis = bffRedisClient(server, 200);
    observeStoreCommands(redis, {
      storeCommand: (command, seconds, error) => seen.push({ command, seconds, error }),
    });
    await redis.ping();
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });
  beforeEach(() => {
    seen.length = 0;
  });

  it('reports each command once with its duration; a transaction once, as exec', async () => {
    await redis.set('k', 'v');
    await redis.multi().hget('h', 'a').hget('h', 'b').exec();
    expect(seen.map((s) => [s.command, s.error])).toEqual([
      ['set', undefined],
      ['exec', undefined],
    ]);
    for (const { seconds } of seen) expect(seconds).toBeGreaterThan(0);
  });

  it('a script Redis forgot (NOSCRIPT, ioredis resends it with EVAL) is not a failure', async () => {
    const scripts = new SessionScripts(redis);
    const touch = () => scripts.run('bffSessionTouch', ['{x}s', '{x}t'], [1, 1000, 1000]);
    await touch();
    await redis.script('FLUSH');
    seen.length = 0;
    await touch();
    expect(seen.map((s) => [s.command, s.error]).sort()).toEqual([
      ['eval', undefined],
      ['evalsha', undefined],
    ]);
  });

  it('an error reply is `reply`; no answer within the command timeout is `timeout`', async () => {
    await redis.set('str', 'x');
    await expect(redis.hget('str', 'f')).rejects.toThrow(/WRONGTYPE/);
    const admin = server.client();
    try {
      await admin.client('PAUSE', 600, 'ALL');
      await expect(redis.get('k')).rejects.toThrow('Command timed out');
    } finally {
      admin.disconnect();
    }
    expect(seen.map((s) => [s.command, s.error])).toEqual([
      ['set', undefined],
      ['hget', 'reply'],
      ['get', 'timeout'],
    ]);
    expect(seen[2].seconds).toBeGreaterThanOrEqual(0.19);
  });

  it('a stopped server is `unavailable`', async () => {
    await new Promise((r) => setTimeout(r, 700)); // the pause of the test above is over
    await server.stop();
    try {
      await expect(redis.get('k')).rejects.toThrow();
      expect(seen.at(-1)).toMatchObject({ command: 'get', error: 'unavailable' });
    } finally {
      await server.start();
    }
  });
});
