import type { RedisClient } from './redis.factory.js';

/**
 * Lua scripts over the keys of ONE session (same hash tag, same Cluster slot), so each change is atomic.
 * The session record is a hash: `data` (JSON), `created` and `seen` (epoch ms). Its TTL is the sooner of
 * the idle and the absolute deadline, and the token record follows the same TTL.
 */

// KEYS: sess, tokens; ARGV: now, idleMs, absMs → sets the TTL of both, or deletes when past the absolute deadline
const EXPIRE_BOTH = `
local created = tonumber(redis.call('HGET', KEYS[1], 'created'))
local ttl = math.min(tonumber(ARGV[2]), tonumber(ARGV[3]) - (tonumber(ARGV[1]) - created))
if ttl <= 0 then redis.call('DEL', KEYS[1], KEYS[2]) return 0 end
redis.call('PEXPIRE', KEYS[1], ttl)
if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('PEXPIRE', KEYS[2], ttl) end
return 1`;

const SCRIPTS = {
  // KEYS: sess, tokens, tombstone → {data, created, seen, tokensVersion, tokensBlob}, or {} after a destroy.
  // Read-only: a request's session and its token record in one command (docs/architecture.md#performance: one
  // round trip).
  bffSessionRead: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then return {} end
local s = redis.call('HMGET', KEYS[1], 'data', 'created', 'seen')
local t = redis.call('HMGET', KEYS[2], 'v', 'ct')
return {s[1], s[2], s[3], t[1], t[2]}`,
  },
  // KEYS: sess, tokens, tombstone; ARGV: now, idleMs, absMs, data
  bffSessionSet: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then return -1 end
redis.call('HSETNX', KEYS[1], 'created', ARGV[1])
redis.call('HSET', KEYS[1], 'data', ARGV[4], 'seen', ARGV[1])
${EXPIRE_BOTH}`,
  },
  // KEYS: sess, tokens; ARGV: now, idleMs, absMs
  bffSessionTouch: {
    numberOfKeys: 2,
    lua: `
if redis.call('HEXISTS', KEYS[1], 'data') == 0 then return 0 end
redis.call('HSET', KEYS[1], 'seen', ARGV[1])
${EXPIRE_BOTH}`,
  },
  // KEYS: sess, tokens, tombstone; ARGV: tombstoneMs → the destroyed record's data (for index cleanup)
  bffSessionDestroy: {
    numberOfKeys: 3,
    lua: `
local data = redis.call('HGET', KEYS[1], 'data')
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('SET', KEYS[3], '1', 'PX', ARGV[1])
return data`,
  },
  // KEYS: tokens, sess, tombstone; ARGV: expectedVersion, blob, ttlMs → new version, -1 conflict, -2 destroyed
  bffTokensCas: {
    numberOfKeys: 3,
    lua: `
if redis.call('EXISTS', KEYS[3]) == 1 then return -2 end
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return -1 end
local ttl = redis.call('PTTL', KEYS[2])
if ttl <= 0 then ttl = tonumber(ARGV[3]) end
redis.call('HSET', KEYS[1], 'v', current + 1, 'ct', ARGV[2])
redis.call('PEXPIRE', KEYS[1], ttl)
return current + 1`,
  },
} as const;

type ScriptName = keyof typeof SCRIPTS;
type ScriptFn = (...args: (string | number)[]) => Promise<unknown>;

/** Registers the scripts (EVALSHA with EVAL fallback, handled by ioredis) and calls them. */
export class SessionScripts {
  constructor(private readonly redis: RedisClient) {
    for (const [name, script] of Object.entries(SCRIPTS)) {
      if (!(name in redis)) redis.defineCommand(name, script);
    }
  }

  run<T>(name: ScriptName, keys: string[], args: (string | number)[]): Promise<T> {
    const fn = (this.redis as unknown as Record<ScriptName, ScriptFn>)[name];
    return fn.call(this.redis, ...keys, ...args) as Promise<T>;
  }
}
