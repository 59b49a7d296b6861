import type { SessionData } from 'express-session';
import { bffRedisClient, startTestRedis, type TestRedis } from '../../test/support/redis.js';
import type { SessionConfig } from '../config/config.schema.js';
import type { RedisClient } from './redis.factory.js';
import { ignoreActivity, RedisSessionStore } from './redis-session.store.js';
import { SessionScripts } from './session-scripts.js';
import { TokenCipher } from './token-cipher.js';
import { TokenStore } from './token.store.js';

const config: SessionConfig = {
  cookieName: '__Host-bff',
  transactionCookieName: '__Host-bff-tx',
  sameSite: 'lax',
  idleTimeoutSeconds: 60,
  absoluteTimeoutSeconds: 300,
  touchIntervalSeconds: 10,
  secrets: ['s'],
  keyPrefix: 'bff:',
  retryAfterSeconds: 2,
};
const sid = (n: number) => `${'a'.repeat(42)}${n}`;
const data = (sub: string, oidcSid = 'op-sid-1') =>
  ({
    cookie: { path: '/' },
    user: { sub, iss: 'http://issuer/' },
    oidcSid,
    mfa: { lastMfaAt: null },
    csrfToken: 'c',
    userAgent: null,
    scopes: [],
  }) as unknown as SessionData;

describe('RedisSessionStore (real Redis)', () => {
  let server: TestRedis;
  let redis: RedisClient;
  let clock: number;
  let store: RedisSessionStore;
  let tokens: TokenStore;

  beforeAll(async () => {
    server = await startTestRedis();
    redis = bffRedisClient(server);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.close();
  });
  beforeEach(async () => {
    await redis.flushall();
    clock = 1_000_000;
    store = new RedisSessionStore(redis, config, () => clock);
    const cipher = new TokenCipher({ encryptionKeys: [{ kid: 'k1', key: Buffer.alloc(32, 3) }] });
    tokens = new TokenStore(redis, store.keys, new SessionScripts(redis), cipher, 60_000, 2);
  });

  it('keeps a session under a hash-tagged key with both indexes, and reads it back', async () => {
    await store.save(sid(1), data('user|1'));
    expect(await redis.keys('*')).toEqual(
      expect.arrayContaining([
        `bff:{${sid(1)}}:sess`,
        'bff:{sub:user%7C1}:sessions',
        'bff:{oidcsid:op-sid-1}:sessions',
      ]),
    );
    const read = await store.read(sid(1));
    expect(read).toMatchObject({ user: { sub: 'user|1' }, createdAt: 1_000_000, lastSeenAt: 1_000_000 });
    expect(await store.idsBySub('user|1')).toEqual([sid(1)]);
    expect(await store.idsByOidcSid('op-sid-1')).toEqual([sid(1)]);
    expect(await redis.pttl(`bff:{${sid(1)}}:sess`)).toBeLessThanOrEqual(60_000);
  });

  it('never looks up an id it did not issue', async () => {
    expect(await store.read('short')).toBeNull();
    expect(await store.read('{evil}:x'.padEnd(43, 'x'))).toBeNull();
  });

  it('ends a session idle for idleTimeoutSeconds, and one older than absoluteTimeoutSeconds however active', async () => {
    await store.save(sid(1), data('u1'));
    clock += 60_000;
    expect(await store.read(sid(1))).toBeNull();
    expect(await redis.exists(`bff:{${sid(1)}}:sess`)).toBe(0);

    await store.save(sid(2), data('u2'));
    for (let i = 0; i < 6; i++) {
      clock += 50_000;
      const s = await store.read(sid(2));
      if (i < 5) await store.recordActivity(sid(2), s as SessionData);
    }
    expect(clock - 1_000_000).toBeGreaterThanOrEqual(300_000);
    expect(await store.read(sid(2))).toBeNull();
  });

  it('writes activity at most once per touchIntervalSeconds, and never when the request opted out', async () => {
    await store.save(sid(1), data('u1'));
    clock += 5_000;
    await store.recordActivity(sid(1), (await store.read(sid(1))) as SessionData);
    expect(await redis.hget(`bff:{${sid(1)}}:sess`, 'seen')).toBe('1000000');
    clock += 10_000;
    const quiet = (await store.read(sid(1))) as SessionData;
    ignoreActivity(quiet);
    await store.recordActivity(sid(1), quiet);
    expect(await redis.hget(`bff:{${sid(1)}}:sess`, 'seen')).toBe('1000000');
    await store.recordActivity(sid(1), (await store.read(sid(1))) as SessionData);
    expect(await redis.hget(`bff:{${sid(1)}}:sess`, 'seen')).toBe('1015000');
  });

  it('destroys session, tokens and index entries; a late write cannot bring it back', async () => {
    await store.save(sid(1), data('u1'));
    await tokens.write(sid(1), { accessToken: 'at', expiresAt: 1, tokenType: 'bearer' }, 0);
    await store.remove(sid(1));
    expect(await store.read(sid(1))).toBeNull();
    expect(await tokens.read(sid(1))).toBeUndefined();
    expect(await store.idsBySub('u1')).toEqual([]);
    await store.save(sid(1), data('u1'));
    await store.recordActivity(sid(1), data('u1'));
    expect(await store.read(sid(1))).toBeNull();
    expect(
      await tokens.write(sid(1), { accessToken: 'at2', expiresAt: 1, tokenType: 'bearer' }, 0),
    ).toBeUndefined();
  });

  it('keeps tokens encrypted and versioned: compare-and-set refuses a stale writer', async () => {
    await store.save(sid(1), data('u1'));
    const v1 = await tokens.write(
      sid(1),
      { accessToken: 'eyJ.access', refreshToken: 'rt-1', expiresAt: 1, tokenType: 'bearer' },
      0,
    );
    expect(v1).toBe(1);
    const raw = await redis.hgetall(`bff:{${sid(1)}}:tokens`);
    expect(JSON.stringify(raw)).not.toMatch(/eyJ|rt-1/);
    expect(
      await tokens.write(
        sid(1),
        { accessToken: 'b', refreshToken: 'rt-2', expiresAt: 2, tokenType: 'bearer' },
        1,
      ),
    ).toBe(2);
    expect(
      await tokens.write(sid(1), { accessToken: 'stale', expiresAt: 2, tokenType: 'bearer' }, 1),
    ).toBeUndefined();
    expect(await tokens.read(sid(1))).toEqual({
      version: 2,
      tokens: { accessToken: 'b', refreshToken: 'rt-2', expiresAt: 2, tokenType: 'bearer' },
    });
  });

  it('refuses a token record copied from another session', async () => {
    await store.save(sid(1), data('u1'));
    await store.save(sid(2), data('u2'));
    await tokens.write(sid(1), { accessToken: 'a1', expiresAt: 1, tokenType: 'bearer' }, 0);
    await redis.hset(`bff:{${sid(2)}}:tokens`, await redis.hgetall(`bff:{${sid(1)}}:tokens`));
    await expect(tokens.read(sid(2))).rejects.toThrow(/does not decrypt/);
  });

  it('reports Redis failures as store errors, quickly', async () => {
    await server.stop();
    try {
      await expect(
        new Promise((resolve, reject) =>
          store.get(sid(1), (err, s) => (err instanceof Error ? reject(err) : resolve(s))),
        ),
      ).rejects.toThrow(/session store failed/);
    } finally {
      await server.start();
    }
  });
});
